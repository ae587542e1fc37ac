"""What the cash-in forecast reads: open items with their case marks, lateness, actual collections.

Set-based reads (``frappe.qb``) of ERPNext's Payment Ledger (:mod:`ar_control.data.ledger`):

- :func:`forecast_items`: the open items on a date, netted per voucher by the data layer's own
  :func:`~ar_control.data.receivables.open_items_query` (no second netting), optionally with
  each Sales Invoice's Sales Team shares; with the customers' groups (:func:`customer_groups`)
  and what their open collection cases say (:func:`case_marks`: disputed, in Legal, a pending
  promise to pay), each read by a query of its own.
- :func:`lateness`: the amount-weighted average days late that Credit Assessment computes for
  one customer (``core.credit.payment_history().average_days_late`` over
  :func:`ar_control.data.history.invoice_history`), here for every customer at once, per
  customer group and for the company (``GROUP BY customer group, customer WITH ROLLUP``), from
  what the ledger held on the date.
- :func:`collected`: what was actually collected in the weeks after a date on the items open
  on it (the backtest's actual figures), one row.
- :func:`collection_profile`: how the company's overdue debt came in: per age band, what was
  open at each month-end of a look-back window and what of it was collected in each of the
  weeks after, summed over the month-ends (two statements: one row per due date, one per band
  and week).

Python receives one row per open voucher (the forecast needs each one's due date), one per
customer for the lateness, one per origin for the collections and, for the profile, one per due
date and one per age band and week; nothing loops over the ledger.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from datetime import date, timedelta
from decimal import Decimal
from typing import NamedTuple

import frappe
from frappe.query_builder import Case, Criterion
from frappe.query_builder.functions import Cast, Coalesce, Count, Max, Round, Sum
from frappe.utils import add_days, add_months, getdate
from pypika.terms import Function, ValueWrapper

from ar_control.core import backtest as backtests
from ar_control.core import collection_profile as profiles
from ar_control.core import forecast as core
from ar_control.core.aging import DateRange
from ar_control.core.escalation import CLOSED, LEGAL, RecoveryStep
from ar_control.core.money import round_money, to_decimal
from ar_control.data import ledger
from ar_control.data.dimensions import NOT_ASSIGNED, in_range
from ar_control.data.receivables import (
	currency_precision,
	due_date_of,
	open_items_query,
	run,
	voucher_type_of,
)

DEFAULT_HISTORY_MONTHS = 12
PROFILE_MONTHS = 12  # month-ends the collection profile learns from
# learnt profiles in the cache, by what they were learnt from (:func:`_profile_key`)
PROFILE_CACHE = "ar_control_collection_profile"
PROFILE_KEPT = 7 * 24 * 3600
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


# --- lateness -------------------------------------------------------------------------------------


def _datediff(end, start):
	return Function("DATEDIFF", end, start)


def _greatest(*terms):
	return Function("GREATEST", *terms)


def history_start(as_of: date, months: int) -> date:
	"""The first day of the history window ending on ``as_of``, as Credit Assessment counts it."""
	return getdate(add_days(add_months(as_of, -months), 1))


def lateness(
	company: str,
	as_of: date,
	months: int = DEFAULT_HISTORY_MONTHS,
	customers: Iterable[str] | None = None,
) -> core.Lateness:
	"""Amount-weighted average days late per customer, per customer group and for the company,
	from the Sales Invoices posted in the ``months`` ending on ``as_of`` and the ledger as it
	stood on ``as_of`` (nothing posted later is known).

	The figure of ``core.credit.payment_history``, in SQL: an invoice is judged when settled
	(nothing left open; its end is the last payment or credit against it) or open and past due
	(its end is ``as_of``); days late = max(0, end - due date); the average weighs each judged
	invoice by its amount. A group's and the company's figures weigh every judged invoice of
	their customers alike (not an average of averages). ``None`` where nothing can be judged.
	"""
	reading = ledger.receivables()
	t = reading.table
	own = reading.own_row
	start = history_start(as_of, months)
	posted = Max(Case().when(own, t.posting_date))
	invoiced = Sum(Case().when(own & (t.amount > 0), t.amount).else_(0))
	invoices = (
		reading.reading()
		.select(
			t.party,
			t.against_voucher_no.as_("voucher_no"),
			posted.as_("posting_date"),
			Max(Case().when(own, t.due_date)).as_("due_date"),
			invoiced.as_("amount"),
			Sum(t.amount).as_("outstanding"),
			Max(Case().when(own.negate(), t.posting_date)).as_("settled_on"),
		)
		.where(Criterion.all(reading.conditions(company, as_of, customers)))
		.groupby(*reading.voucher_keys())
		.having((posted >= start) & (posted <= as_of) & (invoiced > 0))
	).as_("invoices")
	customer = frappe.qb.DocType("Customer").as_("customer")
	sales_invoice = frappe.qb.DocType("Sales Invoice").as_("judged_invoice")
	due = Coalesce(invoices.due_date, invoices.posting_date)
	end = (
		Case()
		.when((invoices.outstanding <= 0) & invoices.settled_on.isnotnull(), invoices.settled_on)
		.when(due < as_of, as_of)
	)
	judged = end.isnotnull()
	group = Coalesce(customer.customer_group, "")
	query = (
		frappe.qb.from_(invoices)
		# Sales Invoices only (a journal entry that debits the customer is no invoice of theirs)
		.join(sales_invoice)
		.on(sales_invoice.name == invoices.voucher_no)
		.left_join(customer)
		.on(customer.name == invoices.party)
		.select(
			group.as_("customer_group"),
			invoices.party,
			Sum(Case().when(judged, invoices.amount).else_(0)).as_("weight"),
			Sum(Case().when(judged, invoices.amount * _greatest(0, _datediff(end, due))).else_(0)).as_(
				"weighted_days"
			),
		)
		.groupby(group, invoices.party)
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


# --- how overdue debt comes in --------------------------------------------------------------------


def _month_table(ends: Sequence[date], weeks: int):
	"""The month-ends as a derived table (``month_end``, ``horizon_end``): a handful of literal
	rows the collections are joined to."""
	union = None
	for end in ends:
		row = frappe.qb.select(
			Cast(ValueWrapper(str(end)), "DATE").as_("month_end"),
			Cast(ValueWrapper(str(horizon_end(end, weeks))), "DATE").as_("horizon_end"),
		)
		union = row if union is None else union * row  # UNION ALL
	return union.as_("months")


def _band(age, bands: Sequence[profiles.AgeBand]) -> Case:
	"""The index of the band an age (days past due) lies in; NULL in none."""
	band = Case()
	for index, item in enumerate(bands):
		band = band.when(in_range(age, DateRange(item.first, item.last)), index)
	return band


def _profile_outstanding(
	company: str,
	ends: Sequence[date],
	customers: list[str] | None,
	bands: Sequence[profiles.AgeBand],
	precision: int,
) -> dict[int, Decimal]:
	"""Σₘ outstanding(m, b): one pass over the ledger grouped per voucher gives each voucher's
	outstanding at every month-end (a conditional sum each, the aging's netting); the outer query
	adds up the positive ones per due date and month-end (a few hundred due dates), and each due
	date's sums go to the band of its age on that month-end."""
	reading = ledger.receivables()
	t = reading.table
	own = reading.own_row
	inner = (
		reading.reading()
		.select(
			t.against_voucher_no.as_("voucher_no"),
			Max(Case().when(own, t.posting_date)).as_("posting_date"),
			Max(Case().when(own, t.due_date)).as_("due_date"),
			*(
				Sum(Case().when(t.posting_date <= end, t.amount).else_(0)).as_(f"o{j}")
				for j, end in enumerate(ends)
			),
		)
		.where(Criterion.all(reading.conditions(company, ends[-1], customers)))
		.groupby(*reading.voucher_keys())
	).as_("vouchers")
	query = frappe.qb.from_(inner)
	due = Coalesce(due_date_of(inner), inner.posting_date)
	query = (
		query.select(
			due.as_("due"),
			*(
				Sum(Case().when(Round(inner[f"o{j}"], precision) > 0, inner[f"o{j}"]).else_(0)).as_(f"o{j}")
				for j in range(len(ends))
			),
		)
		# past due on the last month-end at least
		.where(due < ends[-1])
		.groupby(due)
	)
	with ledger.large_temporary_tables():
		rows = query.run(as_dict=True)
	totals: dict[int, Decimal] = {}
	for row in rows:
		for j, end in enumerate(ends):
			band = profiles.band_of((end - getdate(row.due)).days, bands)
			if band is not None:
				totals[band] = totals.get(band, Decimal(0)) + to_decimal(row[f"o{j}"])
	return totals


def _profile_collected(
	company: str,
	ends: Sequence[date],
	weeks: int,
	customers: list[str] | None,
	bands: Sequence[profiles.AgeBand],
) -> dict[tuple[int, int], Decimal]:
	"""Σₘ collected(m, b, w): the collections (payments and journal entries) posted in the window,
	each with its invoice's due date (from the invoice's own row), added up per due date and
	posting date; those sums joined to the month-ends they follow by at most N weeks (a few
	each), then summed per band of the invoice's age on the month-end and per week after it."""
	reading = ledger.receivables()
	t = reading.table
	voucher = frappe.qb.DocType(ledger.LEDGER).as_("profile_voucher")
	query = (
		reading.reading()
		.join(voucher)
		.on(
			(voucher.account == t.account)
			& (voucher.party_type == "Customer")
			& (voucher.delinked == 0)
			& (voucher.party == t.party)
			& (voucher.against_voucher_no == t.against_voucher_no)
			& (voucher.voucher_no == t.against_voucher_no)
		)
	)
	query, kind = reading.with_kind(query)
	due = Coalesce(due_date_of(voucher), voucher.posting_date)
	query = (
		query.select(due.as_("due"), t.posting_date.as_("paid_on"), Sum(-t.amount).as_("collected"))
		.where(
			Criterion.all(reading.conditions(company, horizon_end(ends[-1], weeks), customers))
			& (t.posting_date > ends[0])
			& (kind == ledger.KIND_COLLECTION)
			& (due < ends[-1])
		)
		.groupby(due, t.posting_date)
	)
	# grouped, the collections are a derived table of their own (a few thousand rows) that the
	# month-ends are joined to, rather than every ledger row joined to every month-end
	paid = query.as_("paid")
	month = _month_table(ends, weeks)
	age = _datediff(month.month_end, paid.due)
	band = _band(age, bands)
	week = Function("FLOOR", (_datediff(paid.paid_on, month.month_end) - 1) / 7)
	query = (
		frappe.qb.from_(paid)
		.join(month)
		.on((paid.paid_on > month.month_end) & (paid.paid_on <= month.horizon_end))
		.select(band.as_("band"), week.as_("week"), Sum(paid.collected).as_("collected"))
		.where(age >= bands[0].first)
		.groupby(band, week)
	)
	return {
		(int(row.band), int(row.week)): to_decimal(row.collected)
		for row in query.run(as_dict=True)
		if row.band is not None
	}


def collection_profile(
	company: str,
	as_of: date,
	weeks: int = core.DEFAULT_WEEKS,
	customers: Iterable[str] | None = None,
	months: int = PROFILE_MONTHS,
	bands: Sequence[profiles.AgeBand] = profiles.PROFILE_BANDS,
) -> profiles.CollectionProfile:
	"""The company's collection profile of overdue debt (``core.collection_profile.collection_profile``)
	learnt on the month-ends of :func:`ar_control.core.collection_profile.profile_month_ends`: for each month-end m, the items open
	at m with something owed (netted per voucher as the aging nets them, in company currency)
	and past due on m, by age band on m; their outstanding at m and what was collected on them
	in each of the ``weeks`` weeks after m (payments and journal entries, as :func:`collected`
	counts them), summed over the month-ends per band. Two statements, one row and one row per
	band and week: :func:`_profile_outstanding` and :func:`_profile_collected`.

	A collection after m on an invoice past due on m (so posted by m) counts as collected on an
	item open at m: that it was still owed is what the collection shows (an invoice already
	settled or overpaid on m and paid again is the exception this leaves in)."""
	ends = profiles.profile_month_ends(as_of, weeks, months)
	if not ends:
		return profiles.CollectionProfile()
	customers = list(customers) if customers is not None else None
	precision = currency_precision()
	key = _profile_key(company, ends, weeks, customers, bands, precision)
	cached = frappe.cache.get_value(key, expires=True)  # kept with an expiry: not in frappe.local
	if cached is not None:
		return cached
	profile = _learn_profile(company, ends, weeks, customers, bands, precision)
	frappe.cache.set_value(key, profile, expires_in_sec=PROFILE_KEPT)
	return profile


def _profile_key(company, ends, weeks, customers, bands, precision) -> str:
	"""What a collection profile is learnt from, down to the ledger it reads: the month-ends,
	the customers and bands, and the count and sum of the company's ledger rows up to the end of
	the last month-end's weeks (read from the covering index alone). A back-dated entry, a cancellation
	or a reconciliation in that range changes the key, so the profile is learnt again; rows
	posted later do not."""
	reading = ledger.receivables()
	t = reading.table
	rows, amount = (
		reading.reading()
		.select(Count("*"), Sum(t.amount))
		.where(Criterion.all(reading.conditions(company, horizon_end(ends[-1], weeks))))
		.run()[0]
	)
	basis = [
		company,
		[str(end) for end in ends],
		weeks,
		sorted(customers) if customers is not None else None,
		[(band.first, band.last) for band in bands],
		precision,
		rows,
		str(to_decimal(amount)),
	]
	return f"{PROFILE_CACHE}:{hashlib.sha1(json.dumps(basis).encode()).hexdigest()}"


def _learn_profile(company, ends, weeks, customers, bands, precision) -> profiles.CollectionProfile:
	outstanding = _profile_outstanding(company, ends, customers, bands, precision)
	collected_ = _profile_collected(company, ends, weeks, customers, bands)
	totals = {
		index: (amount, tuple(collected_.get((index, k), Decimal(0)) for k in range(weeks)))
		for index, amount in outstanding.items()
		if amount > 0
	}
	return profiles.collection_profile(totals, bands, ends)


# --- the forecast and the backtest ------------------------------------------------------------------


class ForecastRun(NamedTuple):
	forecast: core.Forecast
	naive: core.Forecast
	lateness: core.Lateness
	shares: dict[str, tuple[tuple[str, Decimal], ...]]
	profile: profiles.CollectionProfile = profiles.NO_PROFILE


def run_forecast(
	company: str,
	as_of: date,
	weeks: int,
	curve: Sequence[RecoveryStep],
	history_months: int = DEFAULT_HISTORY_MONTHS,
	customers: Iterable[str] | None = None,
	with_cases: bool = True,
	with_sales_team: bool = False,
	history_customers: Iterable[str] | None = None,
) -> ForecastRun:
	"""The app's forecast and the naive one of the open items of ``customers`` (``None``: all),
	made from the ledger at the end of ``as_of``. The lateness (its group and company figures)
	and the collection profile of stale items come from the history of ``history_customers``
	(``None``: all), so that narrowing the forecast to one customer does not change what that
	customer's items are judged by."""
	customers = list(customers) if customers is not None else None
	history_customers = list(history_customers) if history_customers is not None else None
	data = forecast_items(company, as_of, customers, with_cases, with_sales_team)
	late = lateness(company, as_of, history_months, history_customers)
	profile = collection_profile(company, as_of, weeks, history_customers)
	made = core.forecast(data.items, as_of, late, curve, weeks, profile=profile)
	naive = core.naive_forecast(data.items, as_of, weeks)
	return ForecastRun(made, naive, late, data.shares, profile)


def horizon_end(origin: date, weeks: int) -> date:
	"""The last day of week ``weeks`` after ``origin``."""
	return origin + timedelta(days=7 * weeks)


def run_backtest(
	company: str,
	origins: Sequence[date],
	weeks: int,
	curve: Sequence[RecoveryStep],
	history_months: int = DEFAULT_HISTORY_MONTHS,
	customers: Iterable[str] | None = None,
	history_customers: Iterable[str] | None = None,
) -> backtests.Backtest:
	"""The forecast as of each origin (open items, lateness and collection profile as the ledger
	stood then, the profile from month-ends whose weeks had passed by the origin; the
	collection cases' current state is not what was known then, so promises, disputes and Legal
	hand-overs are left out) against what was collected in the weeks after it."""
	customers = list(customers) if customers is not None else None
	made = []
	for origin in origins:
		run = run_forecast(
			company,
			origin,
			weeks,
			curve,
			history_months,
			customers,
			with_cases=False,
			history_customers=history_customers,
		)
		actual = collected(company, origin, weeks, customers)
		made.append(backtests.backtest_origin(run.forecast, run.naive, actual))
	return backtests.backtest(made)


def split_by_sales_person(
	receipts: Iterable[core.Receipt], shares: dict[str, tuple[tuple[str, Decimal], ...]]
) -> dict[str, list[tuple[core.Receipt, Decimal]]]:
	"""Each receipt with the share of it each sales person of the invoice's Sales Team holds
	(receivables without a Sales Team: :data:`NOT_ASSIGNED`, share 1)."""
	by_person: dict[str, list[tuple[core.Receipt, Decimal]]] = {}
	for receipt in receipts:
		team = shares.get(receipt.voucher_no) if receipt.voucher_type == "Sales Invoice" else None
		for person, share in team or ((NOT_ASSIGNED, Decimal(1)),):
			by_person.setdefault(person, []).append((receipt, share))
	return by_person
