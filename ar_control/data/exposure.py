"""The credit exposure of one customer in one company, in company currency.

A handful of indexed aggregate queries (Payment Ledger Entry by party, Sales Order and Delivery
Note by customer), never a loop over the customer's invoices in Python.

With ``lock=True`` each query is a locking read (``FOR UPDATE``). Under MariaDB's repeatable
read a plain read sees the snapshot taken when the transaction began, which may predate another
submission that committed while this one waited for the customer lock; a locking read sees the
latest committed rows, so two submissions for the same customer are judged one after the other.
"""

from __future__ import annotations

from datetime import date

import frappe
from frappe.query_builder import Case
from frappe.query_builder.functions import IfNull, Min, NullIf, Sum
from frappe.utils import getdate

from ar_control.core.credit import Exposure, Standing
from ar_control.core.money import ZERO, to_decimal
from ar_control.data.receivables import currency_precision, open_items_query

# Made by ar_control.install: locking reads through it lock only the customer's submitted rows.
CUSTOMER_DOCSTATUS_INDEX = "ar_customer_docstatus"


def lock_customer(customer: str) -> None:
	"""Hold a row lock on the customer until the transaction ends."""
	customer_table = frappe.qb.DocType("Customer")
	frappe.qb.from_(customer_table).select(customer_table.name).where(
		customer_table.name == customer
	).for_update().run()


def receivables_and_overdue(
	customer: str, company: str, overdue_before: date | None, lock: bool = False
) -> tuple:
	"""(open receivables, overdue amount due before ``overdue_before``, oldest such due date).

	Open receivables net everything the ledger holds for the customer (advances count
	negative). The overdue amount sums only vouchers still owing something whose due date lies
	before ``overdue_before``.
	"""
	items = open_items_query(company, None, [customer], currency_precision())
	if lock:
		items = items.for_update()
	items = items.as_("items")
	is_overdue = (items.outstanding > 0) & (items.due_date < (overdue_before or date.min))
	row = (
		frappe.qb.from_(items)
		.select(
			Sum(items.outstanding),
			Sum(Case().when(is_overdue, items.outstanding).else_(0)),
			Min(Case().when(is_overdue, items.due_date)),
		)
		.run()
	)[0]
	return to_decimal(row[0]), to_decimal(row[1]), getdate(row[2]) if row[2] else None


def unbilled_orders(customer: str, company: str, exclude: str | None = None, lock: bool = False):
	"""The unbilled part of the customer's submitted, open Sales Orders (as ERPNext counts it)."""
	so = frappe.qb.DocType("Sales Order")
	query = (
		frappe.qb.from_(so)
		.force_index(CUSTOMER_DOCSTATUS_INDEX)
		.select(Sum(so.base_grand_total * (100 - so.per_billed) / 100))
		.where(
			(so.customer == customer)
			& (so.company == company)
			& (so.docstatus == 1)
			& (so.per_billed < 100)
			& (so.status.notin(["Closed", "Completed"]))
			& (so.name != (exclude or ""))
		)
	)
	if lock:
		query = query.for_update()
	return to_decimal(query.run()[0][0])


def unbilled_deliveries(customer: str, company: str, exclude: str | None = None, lock: bool = False):
	"""The unbilled part of delivered items that no Sales Order covers (an order's items are
	already counted with the order), grossed up from net to grand total like ERPNext does."""
	dn = frappe.qb.DocType("Delivery Note")
	item = frappe.qb.DocType("Delivery Note Item")
	unbilled_share = 1 - IfNull(item.billed_amt, 0) / NullIf(item.amount, 0)
	query = (
		frappe.qb.from_(dn)
		.force_index(CUSTOMER_DOCSTATUS_INDEX)
		.join(item)
		.on(item.parent == dn.name)
		.select(
			Sum(item.base_net_amount * unbilled_share * dn.base_grand_total / NullIf(dn.base_net_total, 0))
		)
		.where(
			(dn.customer == customer)
			& (dn.company == company)
			& (dn.docstatus == 1)
			& (dn.is_return == 0)
			& (dn.status.notin(["Closed", "Completed"]))
			& (IfNull(item.against_sales_order, "") == "")
			& (IfNull(item.against_sales_invoice, "") == "")
			& (dn.name != (exclude or ""))
		)
	)
	if lock:
		query = query.for_update()
	return to_decimal(query.run()[0][0])


def hold_of(customer: str) -> tuple[bool, str]:
	on_hold, reason = frappe.db.get_value("Customer", customer, ["ar_credit_hold", "ar_credit_hold_reason"])
	return bool(on_hold), reason or ""


def load(
	customer: str,
	company: str,
	this_document=ZERO,
	exclude: str | None = None,
	overdue_before: date | None = None,
	lock: bool = False,
	increase=None,
) -> tuple[Exposure, Standing]:
	"""Exposure and standing of a customer; ``exclude`` names the document being checked, whose
	own amount is passed as ``this_document`` instead of being read from the ledger."""
	currency = frappe.get_cached_value("Company", company, "default_currency")
	if lock:
		lock_customer(customer)
	receivables, overdue, oldest = receivables_and_overdue(customer, company, overdue_before, lock)
	exposure = Exposure(
		currency=currency,
		open_receivables=receivables,
		unbilled_orders=unbilled_orders(customer, company, exclude, lock),
		unbilled_deliveries=unbilled_deliveries(customer, company, exclude, lock),
		this_document=to_decimal(this_document),
		increase=None if increase is None else to_decimal(increase),
	)
	on_hold, reason = hold_of(customer)
	today = getdate(frappe.flags.current_date or None)
	standing = Standing(
		on_hold=on_hold,
		hold_reason=reason,
		overdue_past_grace=overdue,
		oldest_overdue_days=(today - oldest).days if oldest else 0,
	)
	return exposure, standing
