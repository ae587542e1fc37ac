"""Whitelisted methods called from the desk."""

from __future__ import annotations

import frappe

from ar_control.credit import check


@frappe.whitelist()
def credit_panel(customer: str, company: str, doctype: str | None = None, name: str | None = None) -> dict:
	"""Limit, exposure, available amount, overdue, grade and hold of a customer in a company;
	with a saved ``doctype``/``name`` the document's own amount is included."""
	frappe.has_permission("Customer", "read", customer, throw=True)
	if doctype in check.CHECKED_DOCTYPES and name and frappe.db.exists(doctype, name):
		doc = frappe.get_doc(doctype, name)
		doc.check_permission("read")
		evaluation = check.evaluate_document(doc)
	else:
		evaluation = check.evaluate(customer, company)
	return check.panel(evaluation)
