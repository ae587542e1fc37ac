"""What the customer's collection page shows, read for one customer in one company.

The open items are those of ``ar_control.collection.data.positions``: the ledger netted as the
aging nets it (the one home of what a customer owes), whatever the date of a row, in company
currency; Sales Invoices also in their own currency, with what their collection case says of them
(disputed, a pending promise). A handful of indexed queries for one customer, however many
invoices it has.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import NamedTuple

import frappe
from frappe.utils import getdate

from ar_control import utils
from ar_control.collection import data
from ar_control.core import portal as rules
from ar_control.core.money import ZERO, to_decimal


class Page(NamedTuple):
	customer: str
	customer_name: str
	company: str
	currency: str
	items: list[rules.PageItem]
	totals: rules.PageTotals
	case: str | None
	language: str | None


def case_of(customer: str, company: str) -> str | None:
	return frappe.db.get_value(
		"Collection Case",
		{"customer": customer, "company": company, "status": ("not in", list(data.CLOSED))},
		"name",
	)


def _invoices(names: Iterable[str]) -> dict[str, frappe._dict]:
	names = sorted(set(names))
	if not names:
		return {}
	si = frappe.qb.DocType("Sales Invoice")
	return {
		row.name: row
		for row in frappe.qb.from_(si)
		.select(si.name, si.base_grand_total, si.currency, si.outstanding_amount, si.posting_date)
		.where(si.name.isin(names))
		.run(as_dict=True)
	}


def _marks(case: str | None) -> dict[str, frappe._dict]:
	if not case:
		return {}
	return {row.sales_invoice: row for row in data.case_rows([case])[case]}


def load(customer: str, company: str) -> Page:
	today = utils.today()
	key = (customer, company)
	position = data.positions([key], today=today).get(key, data.NO_POSITION)
	invoices = _invoices(i.voucher_no for i in position.items if i.voucher_type == "Sales Invoice")
	case = case_of(customer, company)
	marks = _marks(case)
	items = []
	for item in sorted(position.items, key=lambda i: (i.effective_due_date, i.voucher_no)):
		invoice = invoices.get(item.voucher_no) if item.voucher_type == "Sales Invoice" else None
		mark = marks.get(item.voucher_no)
		pending = bool(mark and mark.promise_status == "Pending" and mark.promised_date)
		items.append(
			rules.PageItem(
				voucher_type=item.voucher_type,
				voucher_no=item.voucher_no,
				posting_date=item.posting_date,
				due_date=item.due_date,
				amount=to_decimal(invoice.base_grand_total) if invoice else ZERO,
				outstanding=item.outstanding,
				currency=invoice.currency if invoice else "",
				outstanding_in_currency=to_decimal(invoice.outstanding_amount) if invoice else None,
				disputed=bool(mark and mark.disputed),
				promised_date=getdate(mark.promised_date) if pending else None,
			)
		)
	name, language = frappe.db.get_value("Customer", customer, ["customer_name", "language"])
	return Page(
		customer=customer,
		customer_name=name or customer,
		company=company,
		currency=utils.company_currency(company),
		items=items,
		totals=rules.totals(items, today),
		case=case,
		language=language,
	)


def owed(customer: str, company: str) -> dict[str, Decimal]:
	"""What is owed on each Sales Invoice of the customer, after its unallocated credits (what a
	promise may cover and a payment request asks for), company currency."""
	key = (customer, company)
	position = data.positions([key]).get(key, data.NO_POSITION)
	return {
		voucher_no: amount
		for (voucher_type, voucher_no), amount in position.left.items()
		if voucher_type == "Sales Invoice" and amount > 0
	}


def company_details(company: str) -> frappe._dict:
	"""The company's name, logo and how to reach it, for the page's header and footer."""
	values = frappe.db.get_value(
		"Company", company, ["company_name", "company_logo", "email", "phone_no", "website"], as_dict=True
	)
	return values or frappe._dict(company_name=company)


def bank_details(company: str) -> frappe._dict | None:
	"""The company's default bank account, for paying by transfer (no payment gateway)."""
	account = frappe.db.get_value(
		"Bank Account",
		{"company": company, "is_company_account": 1, "is_default": 1, "disabled": 0},
		["account_name", "bank", "bank_account_no", "iban", "branch_code"],
		as_dict=True,
	)
	if not account:
		return None
	account.swift = frappe.db.get_value("Bank", account.bank, "swift_number") if account.bank else None
	return account


def gateway_account(company: str, currency: str) -> str | None:
	"""The company's payment gateway account for ``currency`` (the payments app's), if any."""
	if not frappe.db.table_exists("Payment Gateway Account"):
		return None
	for filters in (
		{"company": company, "currency": currency, "is_default": 1},
		{"company": company, "currency": currency},
	):
		found = frappe.db.get_value("Payment Gateway Account", filters, "name")
		if found:
			return found
	return None
