"""What the bad-debt provision reads: the allowance account's balance, the specific provisions,
the runs already submitted, and the loss history of the receivables band by band.

Open items come from :func:`ar_control.data.receivables.open_items` (the same ledger rows and
netting as AR Aging Analysis); nothing here nets receivables a second time.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal

import frappe
from frappe.query_builder import Case, Criterion
from frappe.query_builder.functions import Coalesce, Max, Sum
from frappe.query_builder.terms import ValueWrapper
from pypika.terms import Function

from ar_control.core import provision
from ar_control.core.money import to_decimal
from ar_control.core.period import month_ends
from ar_control.data import ledger
from ar_control.data.dimensions import date_literal
from ar_control.data.receivables import currency_precision, open_items_query, run


def allowance_balance(company: str, account: str, as_of: date) -> Decimal:
	"""The allowance account's credit balance (credits - debits, company currency) on ``as_of``,
	from the General Ledger."""
	gle = frappe.qb.DocType("GL Entry")
	row = (
		frappe.qb.from_(gle)
		.select(Coalesce(Sum(gle.credit), 0) - Coalesce(Sum(gle.debit), 0))
		.where(
			(gle.company == company)
			& (gle.account == account)
			& (gle.is_cancelled == 0)
			& (gle.posting_date <= as_of)
		)
		.run()
	)
	return to_decimal(row[0][0] if row else 0)


def specifics(company: str, customers: Iterable[str] | None = None) -> list[provision.Specific]:
	"""The company's active specific provisions as core records."""
	sp = frappe.qb.DocType("Specific Provision")
	query = (
		frappe.qb.from_(sp)
		.select(sp.customer, sp.sales_invoice, sp.basis, sp.rate_percent, sp.amount, sp.reason)
		.where((sp.company == company) & (sp.active == 1) & (sp.docstatus == 0))
		.orderby(sp.creation)
	)
	if customers is not None:
		query = query.where(sp.customer.isin(list(customers) or [""]))
	return [
		provision.Specific(
			customer=row.customer,
			reason=row.reason or "",
			rate_percent=to_decimal(row.rate_percent) if row.basis == "Rate" else None,
			amount=to_decimal(row.amount) if row.basis == "Amount" else None,
			voucher_no=row.sales_invoice or "",
		)
		for row in query.run(as_dict=True)
	]


def last_run(company: str, exclude: str | None = None, before: date | None = None):
	"""The company's latest submitted Provision Run (``name``, ``as_of_date``, ``required_amount``),
	optionally before a date."""
	run = frappe.qb.DocType("Provision Run")
	query = (
		frappe.qb.from_(run)
		.select(run.name, run.as_of_date, run.required_amount, run.journal_entry)
		.where((run.company == company) & (run.docstatus == 1) & (run.name != (exclude or "")))
		.orderby(run.as_of_date, order=frappe.qb.desc)
		.orderby(run.creation, order=frappe.qb.desc)
		.limit(1)
	)
	if before is not None:
		query = query.where(run.as_of_date <= before)
	rows = query.run(as_dict=True)
	return rows[0] if rows else None


def run_lines(run: str) -> list:
	"""A submitted run's lines (customer, band, provision)."""
	line = frappe.qb.DocType("Provision Run Line")
	return (
		frappe.qb.from_(line)
		.select(line.customer, line.band, line.band_index, line.net, line.provision, line.specific)
		.where((line.parent == run) & (line.parenttype == "Provision Run"))
		.run(as_dict=True)
	)


def sales_shares(invoices: Iterable[str]) -> dict[str, list[tuple[str, Decimal]]]:
	"""The Sales Team of each invoice: (sales person, allocated percentage)."""
	names = sorted(set(invoices))
	if not names:
		return {}
	team = frappe.qb.DocType("Sales Team")
	shares: dict[str, list[tuple[str, Decimal]]] = {}
	rows = (
		frappe.qb.from_(team)
		.select(team.parent, team.sales_person, team.allocated_percentage)
		.where((team.parenttype == "Sales Invoice") & (team.parent.isin(names)))
		.orderby(team.parent)
		.orderby(team.idx)
		.run(as_dict=True)
	)
	for row in rows:
		shares.setdefault(row.parent, []).append((row.sales_person, to_decimal(row.allocated_percentage)))
	return shares


class Least(Function):
	def __init__(self, *terms):
		super().__init__("LEAST", *terms)


def loss_history(
	company: str,
	matrix: provision.Matrix,
	as_of: date,
	lookback_months: int,
	skip_recent_months: int = 0,
) -> list[provision.BandSnapshot]:
	"""For each month-end of the look-back window, the receivables open in each band then and
	the part of them written off (Journal Entries of type Write Off Entry) after it, up to
	``as_of``. One grouped statement per month-end: the database sums, Python gets one row per
	band. Only items with a positive balance count (credits are not losses); a voucher's write-off
	counts up to its balance at the month-end."""
	window = provision.lookback_window(as_of, lookback_months, skip_recent_months)
	if window.first is None or window.last is None:
		return []
	ends = month_ends(window.first, window.last)
	if not ends:
		return []
	precision = currency_precision()
	found: list[provision.BandSnapshot] = []
	for month_end in ends:

		def build(mode: str, month_end=month_end):
			return _band_losses(company, matrix, month_end, as_of, precision, mode)

		rows = run(build)
		found += [
			provision.BandSnapshot(
				month_end, int(row.band), to_decimal(row.balance), to_decimal(row.written_off)
			)
			for row in rows
		]
	return found


def _band_losses(company, matrix: provision.Matrix, month_end: date, as_of: date, precision: int, mode: str):
	"""Per band: the positive balances open at ``month_end`` and what Write Off Entries took off
	them after it, up to ``as_of`` (each voucher's write-off up to its balance)."""
	vouchers = open_items_query(company, month_end, None, precision, mode=mode).as_("vouchers")
	reading = ledger.receivables()
	t = reading.table
	wo_query, kind = reading.with_kind(reading.reading())
	write_offs = (
		wo_query.select(
			t.account, t.against_voucher_no.as_("voucher_no"), Sum(t.amount * -1).as_("written_off")
		)
		.where(
			Criterion.all(reading.conditions(company, as_of))
			& (t.posting_date > month_end)
			& (kind == ledger.KIND_WRITE_OFF)
		)
		.groupby(t.account, t.against_voucher_no)
	).as_("write_offs")
	query = (
		frappe.qb.from_(vouchers)
		.left_join(write_offs)
		.on((write_offs.account == vouchers.account) & (write_offs.voucher_no == vouchers.voucher_no))
	)
	effective_due = Coalesce(vouchers.due_date, vouchers.posting_date, date_literal(month_end))
	band = ValueWrapper(0)
	if len(matrix.bands) > 1:
		band = Case()
		for index, rate_band in enumerate(matrix.bands[:-1]):
			# days past due <= upper days: the due date on or after month-end - upper days
			band = band.when(effective_due >= frappe.utils.add_days(month_end, -rate_band.upper_days), index)
		band = band.else_(len(matrix.bands) - 1)
	written_off = Least(Coalesce(write_offs.written_off, 0), vouchers.outstanding)
	return (
		query.select(
			band.as_("band"),
			Sum(vouchers.outstanding).as_("balance"),
			Sum(Case().when(written_off > 0, written_off).else_(0)).as_("written_off"),
			Max(vouchers.mixed).as_("mixed"),
		)
		.where(vouchers.outstanding > 0)
		.groupby(band)
	)
