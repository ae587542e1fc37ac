"""The daily review of credit assessments.

Set-based: one query for the assessments that expired, one for those due for review, one for
the ToDos that already exist. Running it twice on a day changes nothing the second time.
"""

from __future__ import annotations

import frappe
from frappe import _
from frappe.utils import add_days

from ar_control import utils
from ar_control.credit.assessment import place_expiry_hold
from ar_control.settings import get_settings
from ar_control.utils import commit


def run(today=None) -> dict:
	today = utils.today(today)
	settings = get_settings()
	expired = expire(today, settings.hold_on_expiry)
	assigned = assign_reviews(today, settings.review_notice_days, settings.credit_managers())
	return {"expired": expired, "assigned": assigned}


def expire(today, hold: bool) -> list[str]:
	ca = frappe.qb.DocType("Credit Assessment")
	rows = (
		frappe.qb.from_(ca)
		.select(ca.name, ca.customer, ca.company, ca.valid_until)
		.where((ca.docstatus == 1) & (ca.status == "Approved") & (ca.valid_until < today))
		.run(as_dict=True)
	)
	if not rows:
		return []
	names = [row.name for row in rows]
	frappe.qb.update(ca).set(ca.status, "Expired").where(ca.name.isin(names)).run()
	if hold:
		for row in rows:
			place_expiry_hold(row.customer, row.company, row.name, row.valid_until)
	commit()  # a later failure must not undo the expiries
	return names


def assign_reviews(today, notice_days: int, users: list[str]) -> list[str]:
	ca = frappe.qb.DocType("Credit Assessment")
	due = (
		frappe.qb.from_(ca)
		.select(ca.name, ca.customer_name, ca.company, ca.valid_until, ca.grade)
		.where(
			(ca.docstatus == 1)
			& (ca.status == "Approved")
			& (ca.valid_until >= today)
			& (ca.valid_until <= add_days(today, notice_days))
		)
		.run(as_dict=True)
	)
	if not due:
		return []
	todo = frappe.qb.DocType("ToDo")
	existing = set(
		frappe.qb.from_(todo)
		.select(todo.reference_name, todo.allocated_to)
		.where(
			(todo.reference_type == "Credit Assessment")
			& (todo.reference_name.isin([row.name for row in due]))
			& (todo.status == "Open")
		)
		.run()
	)
	assigned = []
	for row in due:
		for user in users:
			if (row.name, user) in existing:
				continue
			frappe.get_doc(
				{
					"doctype": "ToDo",
					"allocated_to": user,
					"reference_type": "Credit Assessment",
					"reference_name": row.name,
					"date": row.valid_until,
					"priority": "Medium",
					"assigned_by": "Administrator",
					"description": _(
						"Review the credit of {0} ({1}, grade {2}): the assessment expires on {3}."
					).format(
						row.customer_name, row.company, row.grade, frappe.format(row.valid_until, "Date")
					),
				}
			).insert(ignore_permissions=True)
			assigned.append(row.name)
	commit()
	return assigned
