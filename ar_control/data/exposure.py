"""The credit exposure of one customer in one company, in company currency.

A handful of indexed aggregate queries (Payment Ledger Entry by party; Sales Invoice, Sales
Order and Delivery Note by customer), never a loop over the customer's invoices in Python.

With ``lock=True`` each query is a locking read (``FOR UPDATE``). Under MariaDB's repeatable
read a plain read sees the snapshot taken when the transaction began, which may predate another
submission that committed while this one waited for the customer lock; a locking read sees the
latest committed rows, so two submissions for the same customer are judged one after the other.
"""

from __future__ import annotations

from datetime import date

import frappe
from frappe.query_builder import Criterion
from frappe.query_builder.functions import IfNull, Min, NullIf, Sum
from frappe.utils import getdate

from ar_control import utils
from ar_control.core.credit import Exposure, Standing
from ar_control.core.money import ZERO, to_decimal
from ar_control.credit import holds
from ar_control.data import ledger

# Made by ar_control.install: locking reads through it lock only the customer's submitted rows.
CUSTOMER_DOCSTATUS_INDEX = "ar_customer_docstatus"


def lock_customer(customer: str) -> None:
	"""Hold a row lock on the customer until the transaction ends."""
	customer_table = frappe.qb.DocType("Customer")
	frappe.qb.from_(customer_table).select(customer_table.name).where(
		customer_table.name == customer
	).for_update().run()


def open_receivables(customer: str, company: str, lock: bool = False):
	"""Everything the receivables ledger holds for the customer in the company, netted (advances
	and credit notes count negative), whatever its date."""
	source = ledger.source()
	query = (
		source.reading("ar_ledger_aging")
		.select(Sum(source.table.amount))
		.where(Criterion.all(source.conditions(company, customers=[customer])))
	)
	if lock:
		query = query.for_update()
	return to_decimal(query.run()[0][0])


def overdue_invoices(customer: str, company: str, due_before: date | None):
	"""(amount still open on the customer's invoices due before ``due_before``, oldest due date),
	in company currency, from the outstanding amount ERPNext keeps on each Sales Invoice.

	A plain read, not a locking one: the lock protects the limit from two submissions counting
	without each other. Whether invoices are overdue does not depend on what is submitted at the
	same moment (due dates are fixed; a payment committed meanwhile only makes the figure a
	little high for one check).
	"""
	if due_before is None:
		return ZERO, None
	si = frappe.qb.DocType("Sales Invoice")
	amount, oldest = (
		frappe.qb.from_(si)
		.select(Sum(si.outstanding_amount * si.conversion_rate), Min(si.due_date))
		.where(
			(si.customer == customer)
			& (si.docstatus == 1)
			& (si.company == company)
			& (si.outstanding_amount > 0)
			& (si.due_date < due_before)
		)
		.run()[0]
	)
	return to_decimal(amount), getdate(oldest) if oldest else None


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
	overdue, oldest = overdue_invoices(customer, company, overdue_before)
	exposure = Exposure(
		currency=currency,
		open_receivables=open_receivables(customer, company, lock),
		unbilled_orders=unbilled_orders(customer, company, exclude, lock),
		unbilled_deliveries=unbilled_deliveries(customer, company, exclude, lock),
		this_document=to_decimal(this_document),
		increase=None if increase is None else to_decimal(increase),
	)
	on_hold, reason = holds.standing(customer, company)
	today = utils.today()
	standing = Standing(
		on_hold=on_hold,
		hold_reason=reason,
		overdue_past_grace=overdue,
		oldest_overdue_days=(today - oldest).days if oldest else 0,
	)
	return exposure, standing
