"""The evidence file of a collection case: its Collection Activity entries.

Every contact, step, promise, dispute, payment and hold change that concerns a case is appended
here, by whoever it comes from: the ladder, the case form, a payment, the customer's page, a
credit hold placed or released. The entries are append-only (their DocType refuses changes).
"""

from __future__ import annotations

from datetime import datetime

import frappe

from ar_control import utils
from ar_control.core.escalation import CLOSED

ACTIVITY = "Collection Activity"


def add_activity(case: str, activity_type: str, summary: str, **fields) -> str:
	"""Append a line to the case's evidence file; returns the new entry."""
	doc = frappe.get_doc(
		{
			"doctype": ACTIVITY,
			"collection_case": case,
			"activity_type": activity_type,
			# on the app's "today" (the demo and the tests move it), at the time of day it happens
			"activity_date": datetime.combine(utils.today(), frappe.utils.now_datetime().time()),
			"user": frappe.session.user,
			"summary": summary,
			**fields,
		}
	)
	doc.flags.ignore_permissions = True
	doc.insert(ignore_permissions=True)
	return doc.name


def log_on_open_cases(customer: str, company: str | None, summary: str) -> None:
	"""Append a system line to the customer's open cases (of ``company``, or of every company)."""
	filters = {"customer": customer, "status": ("not in", list(CLOSED))}
	if company:
		filters["company"] = company
	for case in frappe.get_all("Collection Case", filters=filters, pluck="name"):
		add_activity(case, "System Step", summary)


def forget_communication(communication: str) -> None:
	"""An e-mail deleted in ERPNext (by hand, or by *Delete Transactions* of a company) is no
	longer named by the entries that recorded it: they keep their text and date, and the
	deletion is never refused because of them (the one change an entry accepts)."""
	activity = frappe.qb.DocType(ACTIVITY)
	frappe.qb.update(activity).set(activity.communication, None).where(
		activity.communication == communication
	).run()
