"""Whitelisted methods called from the desk."""

from __future__ import annotations

import frappe
from frappe import _

from ar_control import arguments
from ar_control.arguments import Untrusted
from ar_control.credit import check


@frappe.whitelist()
def credit_panel(
	customer: Untrusted = None,
	company: Untrusted = None,
	doctype: Untrusted = None,
	name: Untrusted = None,
) -> dict:
	"""Limit, exposure, available amount, overdue, grade and hold of a customer in a company;
	with a saved ``doctype``/``name`` of that customer and company the document's own amount is
	included."""
	customer = arguments.existing("Customer", customer, _("Customer"))
	company = arguments.company(company)
	frappe.has_permission("Customer", "read", customer, throw=True)
	doctype = arguments.choice(doctype, check.CHECKED_DOCTYPES, _("Document Type"))
	name = arguments.text(name, _("Document"))
	doc = frappe.get_doc(doctype, name) if doctype and name and frappe.db.exists(doctype, name) else None
	if doc is not None:
		doc.check_permission("read")
	if doc is not None and (doc.customer, doc.company) == (customer, company):
		evaluation = check.evaluate_document(doc)
	else:  # a new document, or one whose customer or company the form has just changed
		evaluation = check.evaluate(customer, company)
	return check.panel(evaluation)
