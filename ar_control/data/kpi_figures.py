"""The ledger figures behind the collection KPIs, per sales person, in two grouped statements.

**Flows** need no netting per voucher: one pass over the Payment Ledger Entry rows of the
period and its count-back months (company, customers, receivable accounts, not delinked), each
row attributed to the Sales Team of the voucher it is against, sums per sales person:

	opening AR     the closing AR less the period's net movement (every row posted in the
	               period): the sum of every row posted before the period start, without reading
	               those rows
	credit sales   invoices posted in the period (the invoice's own debit: Sales Invoices and
	               journal entries that debit the customer) less credit notes (return invoices
	               and journal entries of type Credit Note)
	written off    receivable credited in the period by journal entries of type Write Off Entry
	collections    every other credit to the receivable in the period, net of refunds (payment
	               entries, bank and cash journals, payments booked on POS invoices)
	monthly sales  credit sales of each count-back month

Opening invoices and entries (``is_opening = Yes``) and exchange-rate revaluations / gains and
losses move the balance but are neither sales nor collections.

**Closing AR** and its split by due date (current, over 90 days past due) is the aging of the
period end: :func:`ar_control.data.aging_totals.aging_totals` grouped by sales person, with a
90-day coordination period, so the closing AR is exactly what the AR Aging Analysis (and
ERPNext's Accounts Receivable report) shows as open on that date.
"""

from __future__ import annotations

from frappe.query_builder import Criterion

from ar_control.core.aging import Basis, Buckets, DateRange, Stages
from ar_control.core.kpi import COUNT_BACK_MONTHS, MonthSales, PeriodFigures
from ar_control.core.money import ZERO, to_decimal
from ar_control.core.period import Period, count_back_months
from ar_control.data import ledger
from ar_control.data.aging_totals import aging_totals
from ar_control.data.dimensions import customer_conditions, in_range, join_sales_team, sum_if

OVER_90 = Stages(90)  # its clearing stage is "more than 90 days past due"
FLOWS = ("credit_sales", "collections", "written_off")


def period_figures(
	company: str,
	period: Period,
	customer_group: str | None = None,
	territory: str | None = None,
	sales_person: str | None = None,
	count_back: int = COUNT_BACK_MONTHS,
	customers: list[str] | None = None,
) -> dict[str, PeriodFigures]:
	"""The figures of ``period`` per sales person (``""``: receivables no Sales Team covers).

	With a ``sales_person`` filter only that person and those below them in the tree are
	returned, each with their share; with ``customers`` only their receivables. Adding up every
	row gives the company's figures.
	"""
	months = count_back_months(period.end, count_back)
	flows = {
		row.sales_person or "": row
		for row in _flows(company, period, months, customer_group, territory, sales_person, customers)
	}
	closing = {
		group.totals.key: group.totals
		for group in aging_totals(
			company,
			period.end,
			Buckets((90,)),
			Basis.DUE_DATE,
			OVER_90,
			group_by="Sales Person",
			customer_group=customer_group,
			territory=territory,
			sales_person=sales_person,
			customers=customers,
		).groups
	}
	figures = {}
	for person in flows.keys() | closing.keys():
		row = flows.get(person) or {}
		open_items = closing.get(person)
		closing_ar = open_items.outstanding if open_items else ZERO
		current_ar = open_items.stages[0] if open_items else ZERO
		figures[person] = PeriodFigures(
			days=period.days,
			opening_ar=closing_ar - to_decimal(row.get("movement")),
			**{name: to_decimal(row.get(name)) for name in FLOWS},
			closing_ar=closing_ar,
			closing_current_ar=current_ar,
			closing_overdue_ar=closing_ar - current_ar,
			closing_over_90_ar=open_items.stages[2] if open_items else ZERO,
			months=tuple(
				MonthSales(month.days, to_decimal(row.get(f"m{i}"))) for i, month in enumerate(months)
			),
		)
	return figures


def _flows(company, period, months, customer_group, territory, sales_person, customers) -> list:
	"""One pass over the ledger rows of the period and its count-back months, summed per sales
	person."""
	reading = ledger.receivables()
	t = reading.table
	query, kind = reading.with_kind(reading.reading())
	query, person, share = join_sales_team(query, t.against_voucher_no, sales_person)
	amount = t.amount * share
	in_period = t.posting_date >= period.start
	is_sales = kind == ledger.KIND_SALES
	conditions = [
		*reading.conditions(company, period.end, customers),
		*customer_conditions(t.party, customer_group, territory),
		t.posting_date >= min(period.start, months[-1].start),
	]
	return (
		query.select(
			person.as_("sales_person"),
			sum_if(in_period, amount).as_("movement"),
			sum_if(in_period & is_sales, amount).as_("credit_sales"),
			sum_if(in_period & (kind == ledger.KIND_COLLECTION), -amount).as_("collections"),
			sum_if(in_period & (kind == ledger.KIND_WRITE_OFF), -amount).as_("written_off"),
			*(
				sum_if(in_range(t.posting_date, DateRange(*month)) & is_sales, amount).as_(f"m{i}")
				for i, month in enumerate(months)
			),
		)
		.where(Criterion.all(conditions))
		.groupby(person)
		.run(as_dict=True)
	)
