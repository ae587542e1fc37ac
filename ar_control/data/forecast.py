"""What the cash-in forecast reads: open items with their case marks, lateness, actual collections.

Set-based reads (``frappe.qb``) of ERPNext's Payment Ledger (:mod:`ar_control.data.ledger`):

- :func:`forecast_items`: the open items on a date, netted per voucher by the data layer's own
  :func:`~ar_control.data.receivables.open_items_query` (no second netting), optionally with
  each Sales Invoice's Sales Team shares; with the customers' groups (:func:`customer_groups`)
  and what their open collection cases say (:func:`case_marks`: disputed, in Legal, a pending
  promise to pay), each read by a query of its own.
- :func:`lateness`: each customer's usual days late (what it paid on its Sales Invoices, each
  payment weighted by its amount and counted from the due date), per customer group and for the
  company (``GROUP BY customer group, customer WITH ROLLUP``), from what the ledger held on the
  date.
- :func:`collected`: what was actually collected in the weeks after a date on the items open
  on it (the backtest's actual figures), one row.

How the company's receivables come in (the collection profile) is
:mod:`ar_control.data.collection_profile`.

Python receives one row per open voucher (the forecast needs each one's due date), one per
customer for the lateness and one per origin for the collections; nothing loops over the ledger.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from decimal import Decimal
from typing import NamedTuple

import frappe
from frappe.query_builder import Case, Criterion
from frappe.query_builder.functions import Coalesce, Max, Sum
from frappe.utils import add_days, add_months, getdate
from pypika.terms import Function

from ar_control.core import forecast as core
from ar_control.core.escalation import CLOSED, LEGAL
from ar_control.core.money import round_money, to_decimal
from ar_control.core.period import HISTORY_MONTHS
from ar_control.data import ledger
from ar_control.data.dimensions import in_range
from ar_control.data.receivables import (
	currency_precision,
	open_items_query,
	run,
	voucher_type_of,
)

CHUNK = 5000  # names per IN list


class ForecastInput(NamedTuple):
	"""The open items as the forecast needs them, and each Sales Invoice's Sales Team shares
	(``{voucher_no: ((sales person, share 0-1), ...)}``, only when asked for)."""

	items: list[core.ForecastItem]
	shares: dict[str, tuple[tuple[str, Decimal], ...]]


# --- the open items --------------------------------------------------------------------------------


class CaseMark(NamedTuple):
	disputed: bool
	in_legal: bool
	promise: core.PromiseToPay | None


def case_marks(company: str, customers: Iterable[str] | None = None) -> dict[tuple[str, str], CaseMark]:
	"""Per (customer, Sales Invoice) on an open collection case of ``company``: disputed, in
	Legal (the case is), and the pending promise to pay (date, amount in company currency, as the
	case rows hold it; a promise of nothing is no promise). One grouped query over the case rows
	(a case holds its customer's overdue invoices: few next to the open items). An invoice is on
	one open case at most (one open case per customer and company); the grouping makes sure a
	stray second row cannot count it twice."""
	case = frappe.qb.DocType("Collection Case").as_("fc_case")
	row = frappe.qb.DocType("Collection Case Invoice").as_("fc_row")
	pending = (row.promise_status == "Pending") & row.promised_date.isnotnull()
	query = (
		frappe.qb.from_(row)
		.join(case)
		.on(case.name == row.parent)
		.select(
			case.customer,
			row.sales_invoice,
			Max(row.disputed),
			Max(Case().when(case.status == LEGAL, 1).else_(0)),
			Max(Case().when(pending, row.promised_date)),
			Sum(Case().when(pending, row.promised_amount).else_(0)),
		)
		.where(
			(row.parenttype == "Collection Case")
			& (row.parentfield == "invoices")
			& (case.company == company)
			& case.status.notin(list(CLOSED))
		)
		.groupby(case.customer, row.sales_invoice)
	)
	if customers is not None:
		query = query.where(case.customer.isin(list(customers) or [""]))
	marks = {}
	for customer, invoice, disputed, in_legal, promised_date, promised_amount in query.run():
		amount = to_decimal(promised_amount)
		promise = core.PromiseToPay(getdate(promised_date), amount) if promised_date and amount > 0 else None
		marks[(customer, invoice)] = CaseMark(bool(disputed), bool(in_legal), promise)
	return marks


def customer_groups(names: Iterable[str]) -> dict[str, str]:
	"""The customer group of each customer."""
	customer = frappe.qb.DocType("Customer")
	names = sorted(set(names))
	groups = {}
	for start in range(0, len(names), CHUNK):
		groups.update(
			frappe.qb.from_(customer)
			.select(customer.name, customer.customer_group)
			.where(customer.name.isin(names[start : start + CHUNK]))
			.run()
		)
	return groups


def forecast_items(
	company: str,
	as_of: date,
	customers: Iterable[str] | None = None,
	with_cases: bool = True,
	with_sales_team: bool = False,
) -> ForecastInput:
	"""The open items of ``company`` at the end of ``as_of`` (company currency), as
	:func:`ar_control.data.receivables.open_items` nets them, with the customer's group and,
	``with_cases``, the marks of its open collection case (:func:`case_marks`).

	The open items' statement returns a few narrow columns per voucher (the driver's per-row cost
	is most of the time at 100,000 invoices); groups and case marks come from their own small
	queries."""
	customers = list(customers) if customers is not None else None
	precision = currency_precision()
	quantum = Decimal(1).scaleb(-precision)

	def build(mode: str):
		vouchers = open_items_query(company, as_of, customers, precision, mode=mode).as_("vouchers")
		# the date an item is due by: its due date, else (advances, payments, journal entries
		# without a bill number) its posting date, as core.aging.OpenItem.effective_due_date
		# (a date column: a literal in the COALESCE would turn it into text to parse per row)
		query = frappe.qb.from_(vouchers).select(
			vouchers.account,
			vouchers.party,
			voucher_type_of(vouchers),
			vouchers.voucher_no,
			Coalesce(vouchers.due_date, vouchers.posting_date),
			vouchers.outstanding,
		)
		if with_sales_team:
			team = frappe.qb.DocType("Sales Team").as_("team")
			query = (
				query.left_join(team)
				.on((team.parenttype == "Sales Invoice") & (team.parent == vouchers.voucher_no))
				.select(team.sales_person, team.allocated_percentage)
			)
		return query.select(vouchers.mixed)

	rows = run(build, as_dict=False)
	marks = case_marks(company, customers) if with_cases else {}
	groups = customer_groups(row[1] for row in rows)

	items: dict[tuple[str, str, str], core.ForecastItem] = {}
	shares: dict[str, list[tuple[str, Decimal]]] = {}
	unmarked = CaseMark(False, False, None)
	for account, party, voucher_type, voucher_no, due_date, outstanding, *team_row, _mixed in rows:
		key = (account, party, voucher_no)
		if key not in items:
			mark = marks.get((party, voucher_no), unmarked) if voucher_type == "Sales Invoice" else unmarked
			items[key] = core.ForecastItem(
				party,
				voucher_type,
				voucher_no,
				due_date or as_of,
				round_money(to_decimal(outstanding), quantum),
				groups.get(party) or "",
				mark.disputed,
				mark.in_legal,
				mark.promise,
			)
		if team_row and team_row[0]:
			person, percentage = team_row
			shares.setdefault(voucher_no, []).append((person, to_decimal(percentage) / 100))
	return ForecastInput(list(items.values()), {k: tuple(v) for k, v in shares.items()})


# --- usual days late ------------------------------------------------------------------------------


def _datediff(end, start):
	return Function("DATEDIFF", end, start)


def history_start(as_of: date, months: int) -> date:
	"""The first day of the history window ending on ``as_of``, as Credit Assessment counts it."""
	return getdate(add_days(add_months(as_of, -months), 1))


def _paid_on_invoices(company, as_of: date, months: int, customers: list[str] | None):
	"""The collections (payments and journal entries received) on the Sales Invoices posted in the
	``months`` ending on ``as_of``, as the ledger stood on ``as_of``: ``(query, amount, days
	late)``, each row a collection, its amount positive and its days late signed."""
	reading = ledger.receivables()
	t = reading.table
	invoice = frappe.qb.DocType(ledger.LEDGER).as_("paid_invoice")
	sales_invoice = frappe.qb.DocType("Sales Invoice").as_("habit_invoice")
	query = (
		reading.reading()
		.join(invoice)
		.on(
			(invoice.account == t.account)
			& (invoice.party_type == "Customer")
			& (invoice.delinked == 0)
			& (invoice.party == t.party)
			& (invoice.against_voucher_no == t.against_voucher_no)
			& (invoice.voucher_no == t.against_voucher_no)
		)
	)
	query, kind = reading.with_kind(query)
	# Sales Invoices only (a journal entry that debits the customer is no invoice of theirs)
	query = query.join(sales_invoice).on(sales_invoice.name == t.against_voucher_no)
	query = query.where(
		Criterion.all(reading.conditions(company, as_of, customers))
		& (kind == ledger.KIND_COLLECTION)
		& (t.amount < 0)
		& (invoice.amount > 0)
		& (invoice.posting_date >= history_start(as_of, months))
		& (invoice.posting_date <= as_of)
	)
	return query, -t.amount, _datediff(t.posting_date, Coalesce(invoice.due_date, invoice.posting_date))


def usual_days_late_query(company, as_of: date, months: int, customers: list[str] | None):
	"""Per customer (``party``) the ``weight`` (what it paid) and ``weighted_days`` (what it paid
	times its days late) of :func:`lateness`, as a query to join."""
	query, amount, days = _paid_on_invoices(company, as_of, months, customers)
	t = ledger.receivables().table
	return query.select(
		t.party.as_("party"), Sum(amount).as_("weight"), Sum(amount * days).as_("weighted_days")
	).groupby(t.party)


def lateness(
	company: str,
	as_of: date,
	months: int = HISTORY_MONTHS,
	customers: Iterable[str] | None = None,
) -> core.Lateness:
	"""Usual days late per customer, per customer group and for the company: what each paid on
	its Sales Invoices posted in the ``months`` ending on ``as_of`` (payments and journal
	entries, as the ledger stood on ``as_of``: nothing posted later is known), each payment
	weighted by its amount and counted (payment date - due date) days late, negative when early:
	Σ amount x days late / Σ amount, to 2 places. A group's and the company's figures weigh every
	payment of their customers alike (not an average of averages). ``None`` where nothing was
	paid. Not Credit Assessment's average days late: that one counts an early payment as 0 days
	and an invoice still open as late as it is; this one says when a customer pays when it pays
	(what it does not pay, the collection profile learns)."""
	customers = list(customers) if customers is not None else None
	query, amount, days = _paid_on_invoices(company, as_of, months, customers)
	t = ledger.receivables().table
	customer = frappe.qb.DocType("Customer").as_("customer")
	group = Coalesce(customer.customer_group, "")
	query = (
		query.left_join(customer)
		.on(customer.name == t.party)
		.select(
			group.as_("customer_group"),
			t.party.as_("party"),
			Sum(amount).as_("weight"),
			Sum(amount * days).as_("weighted_days"),
		)
		.groupby(group, t.party)
		.rollup(vendor="mysql")
	)
	with ledger.large_temporary_tables():
		rows = query.run(as_dict=True)

	def average(row) -> Decimal | None:
		weight = to_decimal(row.weight)
		return round_money(to_decimal(row.weighted_days) / weight) if weight > 0 else None

	customers_late: dict[str, Decimal | None] = {}
	groups_late: dict[str, Decimal | None] = {}
	company_late = None
	for row in rows:  # WITH ROLLUP: NULL marks the subtotal rows (the keys themselves never are)
		if row.customer_group is None:
			company_late = average(row)
		elif row.party is None:
			if row.customer_group:
				groups_late[row.customer_group] = average(row)
		else:
			customers_late[row.party] = average(row)
	return core.Lateness(customers_late, groups_late, company_late)


# --- what was collected -----------------------------------------------------------------------------


def collected(
	company: str,
	as_of: date,
	weeks: int = core.DEFAULT_WEEKS,
	customers: Iterable[str] | None = None,
) -> tuple[Decimal, ...]:
	"""Per week 1 … ``weeks`` after ``as_of`` (the forecast's weeks): what was collected on the
	items open on ``as_of`` with something owed (the ones a forecast made that day expects):
	payments and journal entries against them (the KPI kind *collection*: credit notes,
	write-offs and exchange revaluations are not cash), as the ledger holds them now."""
	precision = currency_precision()
	ranges = core.week_ranges(as_of, weeks)[:weeks]
	reading = ledger.receivables()
	t = reading.table

	def build(mode: str):
		opened = open_items_query(company, as_of, customers, precision, mode=mode).as_("opened")
		query = (
			reading.reading()
			.join(opened)
			.on(
				(opened.account == t.account)
				& (opened.party == t.party)
				& (opened.voucher_no == t.against_voucher_no)
				& (opened.outstanding > 0)
			)
		)
		query, kind = reading.with_kind(query)
		return query.where(
			Criterion.all(reading.conditions(company, ranges[-1].last, customers))
			& (t.posting_date >= ranges[0].first)
			& (kind == ledger.KIND_COLLECTION)
		).select(
			*(
				Sum(Case().when(in_range(t.posting_date, r), -t.amount).else_(0)).as_(f"w{i}")
				for i, r in enumerate(ranges)
			),
			Max(opened.mixed).as_("mixed"),
		)

	row = run(build)[0]
	precision_quantum = Decimal(1).scaleb(-precision)
	return tuple(round_money(to_decimal(row[f"w{i}"]), precision_quantum) for i in range(weeks))


def horizon_end(origin: date, weeks: int) -> date:
	"""The last day of week ``weeks`` after ``origin``."""
	return origin + timedelta(days=7 * weeks)
