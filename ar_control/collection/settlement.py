"""A payment, journal entry or credit note changed what customers owe: update their cases now."""

from __future__ import annotations

import frappe
from frappe import _
from frappe.utils import fmt_money

from ar_control.collection import cases


def settle(
	doc,
	pairs: set[tuple[str, str]],
	invoices: list[str],
	cancelled: bool,
	only_cases_of_invoices: bool = False,
) -> None:
	"""Sync the customers' cases and log the document on the case it concerns: the case holding
	its invoices, else (a payment on account) the customer's open case. With
	``only_cases_of_invoices`` (an invoice cancelled) nothing is logged on a case that never held
	the invoice."""
	if frappe.flags.in_install or frappe.flags.in_migrate or frappe.flags.in_patch:
		return
	cases.sync(customers=pairs, commit_each=False)
	for customer, company in pairs:
		case = case_for(customer, company, invoices, fall_back=not only_cases_of_invoices)
		if case:
			cases.add_activity(
				case,
				"System Step",
				summary(doc, invoices, cancelled),
				payment_document_type=doc.doctype,
				payment_document=doc.name,
			)


def case_for(customer: str, company: str, invoices: list[str], fall_back: bool = True) -> str | None:
	"""The case these invoices are on (open, or closed just now), else the open case."""
	case = frappe.qb.DocType("Collection Case")
	item = frappe.qb.DocType("Collection Case Invoice")
	query = (
		frappe.qb.from_(case)
		.select(case.name)
		.where((case.customer == customer) & (case.company == company))
		.orderby(case.modified, order=frappe.qb.desc)
		.limit(1)
	)
	if invoices:
		found = (
			query.join(item)
			.on(item.parent == case.name)
			.where(item.sales_invoice.isin(invoices))
			.run(pluck=True)
		)
		if found:
			return found[0]
	if not fall_back:
		return None
	return frappe.db.get_value(
		"Collection Case",
		{"customer": customer, "company": company, "status": ("not in", list(cases.escalation.CLOSED))},
	)


def summary(doc, invoices: list[str], cancelled: bool) -> str:
	amount = doc.get("base_paid_amount") or doc.get("base_grand_total") or doc.get("total_debit") or 0
	amount = fmt_money(abs(amount), currency=doc.get("company_currency") or None)
	against = ", ".join(invoices)
	if cancelled:
		if invoices:
			return _("{0} {1} cancelled: {2} against {3}.").format(_(doc.doctype), doc.name, amount, against)
		return _("{0} {1} cancelled: {2}.").format(_(doc.doctype), doc.name, amount)
	if invoices:
		return _("{0} {1} submitted: {2} against {3}.").format(_(doc.doctype), doc.name, amount, against)
	return _("{0} {1} submitted: {2}.").format(_(doc.doctype), doc.name, amount)
