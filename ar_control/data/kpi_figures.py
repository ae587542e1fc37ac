"""The ledger figures behind the collection KPIs, per sales person, in one statement.

The inner query reads the Payment Ledger Entry once (company, customers, receivable accounts, not
delinked, posted on or before the period end) and nets it per voucher, as ERPNext does, into:

	opening AR     every row posted before the period start
	closing AR     every row posted up to the period end
	credit sales   invoices posted in the period (the invoice's own debit: Sales Invoices and
	               journal entries that debit the customer) less credit notes (return invoices
	               and journal entries of type Credit Note)
	written off    receivable credited in the period by journal entries of type Write Off Entry
	collections    every other credit to the receivable in the period, net of refunds (payment
	               entries, bank and cash journals, payments booked on POS invoices)
	monthly sales  credit sales of each count-back month

Opening invoices and entries (``is_opening = Yes``) and exchange-rate revaluations / gains and
losses move the balance but are neither sales nor collections. The outer query attributes each
voucher to the sales persons of its Sales Team by their allocated percentage (see
:func:`ar_control.data.dimensions.join_sales_team`) and splits the closing AR by the voucher's
due date into current, overdue and over 90 days past due, with the date ranges of
:mod:`ar_control.core.aging`.
"""

from __future__ import annotations

from collections.abc import Sequence

import frappe
from frappe.query_builder import Case, Criterion
from frappe.query_builder.functions import Coalesce, Max, Sum

from ar_control.core.aging import DateRange, Stages, stage_date_ranges
from ar_control.core.kpi import MonthSales, PeriodFigures
from ar_control.core.money import to_decimal
from ar_control.core.period import Period, count_back_months
from ar_control.data.dimensions import (
	customer_conditions,
	erpnext_due_date,
	in_range,
	join_sales_team,
	sum_if,
)
from ar_control.data.receivables import receivable_conditions

COUNT_BACK_MONTHS = 12
OVER_90 = Stages(90)  # the clearing stage of a 90-day coordination period: > 90 days past due
NOT_SALES_NOR_COLLECTIONS = ("Exchange Rate Revaluation", "Exchange Gain Or Loss")
AMOUNTS = ("opening_ar", "credit_sales", "collections", "written_off", "closing_ar")


def period_figures(
	company: str,
	period: Period,
	customer_group: str | None = None,
	territory: str | None = None,
	sales_person: str | None = None,
	count_back: int = COUNT_BACK_MONTHS,
) -> dict[str, PeriodFigures]:
	"""The figures of ``period`` per sales person (``""``: receivables no Sales Team covers).

	With a ``sales_person`` filter only that person and those below them in the tree are
	returned, each with their share. Adding up every row gives the company's figures.
	"""
	months = count_back_months(period.end, count_back)
	vouchers = _ledger_by_voucher(company, period, months, customer_group, territory).as_("vouchers")
	query = frappe.qb.from_(vouchers)
	query, due = erpnext_due_date(vouchers, query)
	query, person, share = join_sales_team(query, vouchers, sales_person)
	effective_due = Coalesce(due, vouchers.posting_date, period.end)
	current, _coordination, over_90 = stage_date_ranges(OVER_90, period.end)
	closing = vouchers.closing_ar * share
	rows = (
		query.select(
			person.as_("sales_person"),
			*(Sum(vouchers[name] * share).as_(name) for name in AMOUNTS),
			sum_if(in_range(effective_due, current), closing).as_("closing_current_ar"),
			sum_if(in_range(effective_due, over_90), closing).as_("closing_over_90_ar"),
			*(Sum(vouchers[f"m{i}"] * share).as_(f"m{i}") for i in range(len(months))),
		)
		.groupby(person)
		.run(as_dict=True)
	)
	figures = {}
	for row in rows:
		amounts = {name: to_decimal(row[name]) for name in AMOUNTS}
		current_ar = to_decimal(row.closing_current_ar)
		figures[row.sales_person or ""] = PeriodFigures(
			days=period.days,
			closing_current_ar=current_ar,
			closing_overdue_ar=amounts["closing_ar"] - current_ar,
			closing_over_90_ar=to_decimal(row.closing_over_90_ar),
			months=tuple(MonthSales(month.days, to_decimal(row[f"m{i}"])) for i, month in enumerate(months)),
			**amounts,
		)
	return figures


def _ledger_by_voucher(
	company: str,
	period: Period,
	months: Sequence[Period],
	customer_group: str | None,
	territory: str | None,
):
	"""One pass over the ledger rows up to the period end, netted per voucher."""
	ple = frappe.qb.DocType("Payment Ledger Entry")
	invoice = frappe.qb.DocType("Sales Invoice").as_("row_invoice")
	journal = frappe.qb.DocType("Journal Entry").as_("row_journal")
	own_row = (ple.voucher_type == ple.against_voucher_type) & (ple.voucher_no == ple.against_voucher_no)
	journal_type = Coalesce(journal.voucher_type, "")

	# Each ledger row falls in at most one of sales, write-off and collection (NULL-safe tests).
	excluded = (Coalesce(invoice.is_opening, journal.is_opening, "No") == "Yes") | journal_type.isin(
		NOT_SALES_NOR_COLLECTIONS
	)
	credit_note = (Coalesce(invoice.is_return, 0) == 1) | (journal_type == "Credit Note")
	invoiced = own_row & (ple.amount > 0) & ple.voucher_type.isin(["Sales Invoice", "Journal Entry"])
	written_off = journal_type == "Write Off Entry"
	is_sales = ~excluded & (credit_note | invoiced)
	is_write_off = ~excluded & ~credit_note & ~invoiced & written_off
	is_collection = ~excluded & ~credit_note & ~invoiced & ~written_off
	in_period = ple.posting_date >= period.start

	conditions = [
		*receivable_conditions(ple, company, period.end),
		*customer_conditions(ple.party, customer_group, territory),
	]
	return (
		frappe.qb.from_(ple)
		.left_join(invoice)
		.on((ple.voucher_type == "Sales Invoice") & (invoice.name == ple.voucher_no))
		.left_join(journal)
		.on((ple.voucher_type == "Journal Entry") & (journal.name == ple.voucher_no))
		.select(
			ple.against_voucher_type.as_("voucher_type"),
			ple.against_voucher_no.as_("voucher_no"),
			ple.party,
			Max(Case().when(own_row, ple.posting_date)).as_("posting_date"),
			Max(Case().when(own_row, ple.due_date)).as_("due_date"),
			sum_if(ple.posting_date < period.start, ple.amount).as_("opening_ar"),
			Sum(ple.amount).as_("closing_ar"),
			sum_if(in_period & is_sales, ple.amount).as_("credit_sales"),
			sum_if(in_period & is_collection, -ple.amount).as_("collections"),
			sum_if(in_period & is_write_off, -ple.amount).as_("written_off"),
			*(
				sum_if(in_range(ple.posting_date, DateRange(*month)) & is_sales, ple.amount).as_(f"m{i}")
				for i, month in enumerate(months)
			),
		)
		.where(Criterion.all(conditions))
		.groupby(ple.against_voucher_type, ple.against_voucher_no, ple.party)
	)
