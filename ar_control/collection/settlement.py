"""A payment, journal entry or credit note changed what customers owe: update their cases right
after the document is committed.

``defer`` (called from the doc events) only notes what the document touched; ``flush`` runs once
the document's transaction is committed (``frappe.db.after_commit``) and updates each case in a
transaction of its own. A failure there is rolled back, written to the Error Log (title
"AR Control: ...", counted on the workspace) and never raised: the payment is already posted,
and the daily ladder run brings every case in line with the ledger. A rollback of the document's
transaction discards what was noted.
"""

from __future__ import annotations

from typing import NamedTuple

import frappe
from frappe import _
from frappe.utils import fmt_money

from ar_control import evidence
from ar_control.collection import cases
from ar_control.core.escalation import CLOSED
from ar_control.utils import commit, log_error

PENDING = "ar_control_settlements"


class Settlement(NamedTuple):
	doctype: str
	name: str
	pairs: tuple[tuple[str, str], ...]
	invoices: tuple[str, ...]
	cancelled: bool
	only_cases_of_invoices: bool = False


def defer(
	doc,
	pairs: set[tuple[str, str]],
	invoices: list[str],
	cancelled: bool,
	only_cases_of_invoices: bool = False,
) -> None:
	"""Note the customers and invoices ``doc`` touched; their cases follow after the commit."""
	if frappe.flags.in_install or frappe.flags.in_migrate or frappe.flags.in_patch:
		return
	pending = frappe.flags.get(PENDING)
	if pending is None:
		pending = frappe.flags[PENDING] = []
		frappe.db.after_commit.add(flush)
		frappe.db.after_rollback.add(discard)
	pending.append(
		Settlement(
			doc.doctype, doc.name, tuple(sorted(pairs)), tuple(invoices), cancelled, only_cases_of_invoices
		)
	)


def discard() -> None:
	frappe.flags[PENDING] = None


def flush() -> list[str]:
	"""Update the cases of what was noted; returns the documents whose update failed."""
	pending, frappe.flags[PENDING] = frappe.flags.get(PENDING) or [], None
	failed = []
	for item in pending:
		frappe.db.savepoint("ar_settlement")
		try:
			settle(item)
		except Exception as error:
			if frappe.db.is_deadlocked(error):
				frappe.db.rollback()  # the database already undid the transaction
			else:
				frappe.db.rollback(save_point="ar_settlement")
			log_error(
				_("collection case update failed after {0} {1}").format(_(item.doctype), item.name),
				item.doctype,
				item.name,
			)
			failed.append(item.name)
		commit()  # the case update, or the error record
	return failed


def settle(item: Settlement) -> None:
	"""Sync the customers' cases and log the document on the case it concerns: the case holding
	its invoices, else (a payment on account) the customer's open case. With
	``only_cases_of_invoices`` (an invoice cancelled) nothing is logged on a case that never held
	the invoice."""
	cases.sync(customers=item.pairs, commit_each=False)
	doc = frappe.get_doc(item.doctype, item.name)
	invoices = list(item.invoices)
	for customer, company in item.pairs:
		case = case_for(customer, company, invoices, fall_back=not item.only_cases_of_invoices)
		if case:
			evidence.add_activity(
				case,
				"System Step",
				summary(doc, invoices, item.cancelled),
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
		{"customer": customer, "company": company, "status": ("not in", list(CLOSED))},
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
