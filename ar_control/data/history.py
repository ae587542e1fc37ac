"""A customer's invoice history for its credit assessment: one grouped query."""

from __future__ import annotations

from datetime import date

import frappe
from frappe.query_builder import Case
from frappe.query_builder.functions import Max, Sum
from frappe.utils import getdate

from ar_control.core.credit import HistoryInvoice
from ar_control.core.money import to_decimal


def invoice_history(customer: str, company: str, start: date, end: date) -> list[HistoryInvoice]:
	"""The customer's submitted Sales Invoices posted from ``start`` to ``end``, each with what the
	ledger still shows open on ``end`` and the date of the last payment or credit against it."""
	si = frappe.qb.DocType("Sales Invoice")
	ple = frappe.qb.DocType("Payment Ledger Entry")
	own_row = (ple.voucher_type == ple.against_voucher_type) & (ple.voucher_no == ple.against_voucher_no)
	rows = (
		frappe.qb.from_(si)
		.join(ple)
		.on(
			(ple.against_voucher_type == "Sales Invoice")
			& (ple.against_voucher_no == si.name)
			& (ple.delinked == 0)
			& (ple.posting_date <= end)
		)
		.select(
			si.posting_date,
			si.due_date,
			Sum(Case().when(own_row & (ple.amount > 0), ple.amount).else_(0)).as_("amount"),
			Sum(ple.amount).as_("outstanding"),
			Max(Case().when(~own_row, ple.posting_date)).as_("settled_on"),
		)
		.where(
			(si.customer == customer)
			& (si.company == company)
			& (si.docstatus == 1)
			& (si.is_return == 0)
			& (si.posting_date[start:end])
		)
		.groupby(si.name)
		.run(as_dict=True)
	)
	return [
		HistoryInvoice(
			posting_date=getdate(row.posting_date),
			due_date=getdate(row.due_date or row.posting_date),
			amount=to_decimal(row.amount),
			outstanding=to_decimal(row.outstanding),
			settled_on=getdate(row.settled_on)
			if row.settled_on and to_decimal(row.outstanding) <= 0
			else None,
		)
		for row in rows
	]
