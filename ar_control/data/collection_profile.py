"""What the collection profile is learnt from (:mod:`ar_control.core.collection_profile`), read
from ERPNext's Payment Ledger in two grouped statements, and kept in the cache.

- :func:`_exposures`: every voucher's balance at each month-end of the window (one pass over the
  ledger grouped per voucher, a conditional sum per month-end, the aging's netting), added up
  per habit date (the due date plus the customer's usual days late as known on the cut-off day):
  one row per habit date.
- :func:`_collections`: the payments and journal entries posted in the window, each with its
  item's habit date and posting date, added up per habit date, posting date and day; joined to
  the month-ends they follow by at most the weeks passed by the cut-off (and whose item was
  posted by then), and summed per month-end, habit week and week: one row each.

The customers' usual days late are a grouped derived table of the same statements
(:func:`ar_control.data.forecast.usual_days_late_query`); customers with nothing paid to judge
by take their group's figure, else the company's, as literals. Python receives a few hundred
rows; nothing loops over the ledger.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from datetime import date, timedelta

import frappe
from frappe.query_builder import Case, Criterion
from frappe.query_builder.functions import Cast, Coalesce, Count, Max, Round, Sum
from frappe.utils import getdate
from pypika.terms import Function, ValueWrapper

from ar_control.core import collection_profile as core
from ar_control.core import forecast as forecasts
from ar_control.core.money import to_decimal
from ar_control.core.period import HISTORY_MONTHS
from ar_control.data import ledger
from ar_control.data.forecast import lateness, usual_days_late_query
from ar_control.data.receivables import currency_precision, due_date_of

PROFILE_CACHE = "ar_control_collection_profile"  # learnt profiles, by what they were learnt from
PROFILE_KEPT = 7 * 24 * 3600
VERSION = 2  # of the way the profile is learnt: a profile learnt another way is not reused


def cut_off_for(as_of: date) -> date:
	"""The day the profile of a forecast on ``as_of`` is learnt up to: the last month-end on or
	before it (so that it is learnt once a month, not on every request)."""
	following = as_of + timedelta(days=1)
	return as_of if following.month != as_of.month else as_of.replace(day=1) - timedelta(days=1)


def collection_profile(
	company: str,
	as_of: date,
	customers: Iterable[str] | None = None,
	history_months: int = HISTORY_MONTHS,
) -> core.CollectionProfile:
	"""The company's collection profile for a forecast on ``as_of`` (learnt up to
	:func:`cut_off_for` on the month-ends of ``core.profile_month_ends``), from the history of
	``customers`` (``None``: all). Nothing after the cut-off is read: a forecast never learns
	from the weeks it forecasts. Kept in the cache under what it was learnt from
	(:func:`_profile_key`)."""
	cut_off = cut_off_for(as_of)
	ends = core.profile_month_ends(cut_off)
	if not ends:
		return core.NO_PROFILE
	customers = sorted(customers) if customers is not None else None
	key = _profile_key(company, cut_off, customers, history_months)
	cached = frappe.cache.get_value(key, expires=True)  # kept with an expiry: not in frappe.local
	if cached is not None:
		return cached
	profile = learn(company, cut_off, customers, history_months)
	frappe.cache.set_value(key, profile, expires_in_sec=PROFILE_KEPT)
	return profile


def _profile_key(company, cut_off, customers, history_months) -> str:
	"""What a profile is learnt from, down to the ledger it reads: the cut-off, the customers,
	the history months, the currency precision, and the count and sum of the company's ledger
	rows up to the cut-off (read from the covering index alone). A back-dated entry, a
	cancellation or a reconciliation up to the cut-off changes the key, so the profile is learnt
	again; rows posted later do not."""
	reading = ledger.receivables()
	t = reading.table
	rows, amount = (
		reading.reading()
		.select(Count("*"), Sum(t.amount))
		.where(Criterion.all(reading.conditions(company, cut_off)))
		.run()[0]
	)
	basis = [
		VERSION,
		company,
		str(cut_off),
		customers,
		history_months,
		currency_precision(),
		rows,
		str(to_decimal(amount)),
	]
	return f"{PROFILE_CACHE}:{hashlib.sha1(json.dumps(basis).encode()).hexdigest()}"


def learn(
	company: str, cut_off: date, customers: list[str] | None, history_months: int = HISTORY_MONTHS
) -> core.CollectionProfile:
	"""Learn the profile (two statements, and the usual days late of the groups and the company
	on the cut-off day)."""
	ends = core.profile_month_ends(cut_off)
	if not ends:
		return core.NO_PROFILE
	known = lateness(company, cut_off, history_months, customers)
	exposures = _exposures(company, cut_off, ends, customers, history_months, known)
	collections = _collections(company, cut_off, ends, customers, history_months, known)
	return core.collection_profile(exposures, collections, cut_off, ends)


def _usual_days(company, cut_off, customers, history_months, known: forecasts.Lateness, group):
	"""A customer's usual days late as the forecast takes it (its own, its group's, the
	company's, 0), in whole days, as a term of a statement that joins ``habits`` (the customers'
	own figures) and the customer's group."""
	habits = usual_days_late_query(company, cut_off, history_months, customers).as_("habits")
	company_days = forecasts.days_late_for("", "", known)[0]
	groups = [(name, days) for name, days in known.groups.items() if days is not None]
	fallback = ValueWrapper(company_days)
	if groups:  # a CASE needs at least one WHEN: without group figures the company's is the literal
		fallback = Case()
		for name, _days in groups:
			fallback = fallback.when(group == name, forecasts.days_late_for("", name, known)[0])
		fallback = fallback.else_(company_days)
	own = Round(Round(habits.weighted_days / habits.weight, 2), 0)
	return habits, Coalesce(own, fallback)


def _add_days(day, days):
	return Function("ADDDATE", day, days)


def _datediff(end, start):
	return Function("DATEDIFF", end, start)


def _exposures(company, cut_off, ends, customers, history_months, known) -> list[core.Exposure]:
	"""What was open at each month-end, per habit week after it (see the module docstring)."""
	reading = ledger.receivables()
	t = reading.table
	own = reading.own_row
	precision = currency_precision()
	vouchers = (
		reading.reading()
		.select(
			t.party,
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
	customer = frappe.qb.DocType("Customer").as_("profile_customer")
	habits, days = _usual_days(company, cut_off, customers, history_months, known, customer.customer_group)
	habit = _add_days(Coalesce(due_date_of(vouchers), vouchers.posting_date), days)
	query = (
		frappe.qb.from_(vouchers)
		.left_join(habits)
		.on(habits.party == vouchers.party)
		.left_join(customer)
		.on(customer.name == vouchers.party)
		.select(
			habit.as_("habit"),
			*(
				Sum(Case().when(Round(vouchers[f"o{j}"], precision) > 0, vouchers[f"o{j}"]).else_(0)).as_(
					f"o{j}"
				)
				for j in range(len(ends))
			),
		)
		.groupby(habit)
	)
	with ledger.large_temporary_tables():
		rows = query.run(as_dict=True)
	found = []
	for row in rows:
		habit_date = getdate(row.habit)
		for j, end in enumerate(ends):
			amount = to_decimal(row[f"o{j}"])
			if amount > 0:
				found.append(core.Exposure(end, core.habit_week(habit_date, end), amount))
	return found


def _month_table(ends: Sequence[date], cut_off: date):
	"""The month-ends as a derived table (``month_end``, ``horizon_end``: the last day of its
	weeks passed by the cut-off): a handful of literal rows the collections are joined to."""
	union = None
	for end in ends:
		last = end + timedelta(days=7 * core.weeks_passed(end, cut_off))
		row = frappe.qb.select(
			Cast(ValueWrapper(str(end)), "DATE").as_("month_end"),
			Cast(ValueWrapper(str(last)), "DATE").as_("horizon_end"),
		)
		union = row if union is None else union * row  # UNION ALL
	return union.as_("months")


def _collections(company, cut_off, ends, customers, history_months, known) -> list[core.Collection]:
	"""What was collected in each week after each month-end, per habit week (see the module
	docstring)."""
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
	customer = frappe.qb.DocType("Customer").as_("profile_customer")
	habits, days = _usual_days(company, cut_off, customers, history_months, known, customer.customer_group)
	habit = _add_days(Coalesce(due_date_of(voucher), voucher.posting_date), days)
	paid = (
		query.left_join(habits)
		.on(habits.party == t.party)
		.left_join(customer)
		.on(customer.name == t.party)
		.select(
			habit.as_("habit"),
			voucher.posting_date.as_("posted"),
			t.posting_date.as_("paid_on"),
			Sum(-t.amount).as_("collected"),
		)
		.where(
			Criterion.all(reading.conditions(company, cut_off, customers))
			& (t.posting_date > ends[0])
			& (kind == ledger.KIND_COLLECTION)
		)
		.groupby(habit, voucher.posting_date, t.posting_date)
	).as_("paid")
	# grouped, the collections are a derived table of their own (a few thousand rows) that the
	# month-ends are joined to, rather than every ledger row joined to every month-end
	month = _month_table(ends, cut_off)
	habit_week = Function("CEIL", _datediff(paid.habit, month.month_end) / 7)
	week = Function("FLOOR", (_datediff(paid.paid_on, month.month_end) - 1) / 7) + 1
	query = (
		frappe.qb.from_(paid)
		.join(month)
		.on(
			(paid.paid_on > month.month_end)
			& (paid.paid_on <= month.horizon_end)
			& (paid.posted <= month.month_end)
		)
		.select(
			month.month_end.as_("month_end"),
			habit_week.as_("habit_week"),
			week.as_("week"),
			Sum(paid.collected).as_("collected"),
		)
		.groupby(month.month_end, habit_week, week)
	)
	with ledger.large_temporary_tables():
		rows = query.run(as_dict=True)
	return [
		core.Collection(getdate(row.month_end), int(row.habit_week), int(row.week), to_decimal(row.collected))
		for row in rows
	]
