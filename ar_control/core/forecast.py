"""Cash-in forecast per week, and the naive benchmark it is measured against.

The open items are the ledger at the end of the as-of date (as the aging reads it), so the first
day on which a receipt can still come in is the day after: ``first day = as_of + 1``; week k is
first day + 7(k - 1) … first day + 7k - 1, for k = 1 … N (default 13).

Formulas, for every open item of a customer (company currency)
	usual days late d  the customer's amount-weighted average of (payment date - due date) over
	                   what it paid on its Sales Invoices of the history months (negative when
	                   it pays early), else its customer group's, else the company's, else 0;
	                   rounded half up to whole days
	habit date         due date + d; its week k after the as-of date (k ≤ 0: passed)
	expected per week  outstanding x share(w), the shares of the company's collection profile for
	                   an item at habit week k (:mod:`ar_control.core.collection_profile`: weekly
	                   collection rates learnt from how its own receivables came in, counted from
	                   each customer's habit week); rounded cumulatively, so the parts never add
	                   up to more than the outstanding
	later              what the profile expects in weeks N + 1 … 52 (all of it when the habit date
	                   is more than 52 weeks ahead)
	not expected       the rest: what the profile does not expect within a year
	promise            a pending promise to pay: min(promised amount, outstanding) in full in the
	                   week of max(first day, promised date); the rest of the outstanding by the
	                   profile, nothing of it before the promised week
	set apart          disputed invoices and items of cases in Legal: not expected; reported apart
	                   with their outstanding (Legal when both)
	netting            a customer's credits (negative items: credit notes, unallocated advances
	                   and payments) are taken off its expected receipts earliest first (the
	                   customer deducts them from its next payments); credit left over is
	                   reported as unapplied credit, never as a negative receipt. Set-apart items
	                   are not netted.
	naive              every positive item, disputed and Legal ones included and promises
	                   ignored, in full in the week of max(first day, due date); credits netted
	                   the same way

So every part is ≥ 0 and an item's parts add up to at most its outstanding; without history (no
profile) and without lateness the forecast is the naive one.

The backtest that measures the forecast against what was collected is :mod:`ar_control.core.backtest`.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from types import MappingProxyType
from typing import NamedTuple

from ar_control.core.aging import MAX_DAYS, DateRange
from ar_control.core.collection_profile import (
	LATER_WEEKS,
	NO_PROFILE,
	CollectionProfile,
	habit_week,
	spread_cumulative,
)
from ar_control.core.money import CENT, ZERO
from ar_control.core.problems import Problem, _, raise_if

DEFAULT_WEEKS = 13
MAX_WEEKS = LATER_WEEKS

# ---------------------------------------------------------------------------------------------
# Input records
# ---------------------------------------------------------------------------------------------


class PromiseToPay(NamedTuple):
	"""A pending promise to pay ``amount`` on ``promised_date`` (kept or broken ones are not
	passed)."""

	promised_date: date
	amount: Decimal


class ForecastItem(NamedTuple):
	"""One open item (company currency; credit notes and advances negative)."""

	customer: str
	voucher_type: str
	voucher_no: str
	due_date: date
	outstanding: Decimal
	customer_group: str = ""
	disputed: bool = False
	in_legal: bool = False
	promise: PromiseToPay | None = None


_EMPTY: Mapping[str, Decimal | None] = MappingProxyType({})


class Lateness(NamedTuple):
	"""Usual days late (amount-weighted, negative when early): per customer, per customer group,
	for the company. A missing key or ``None`` (nothing paid to judge by) falls back to the next
	level."""

	customers: Mapping[str, Decimal | None] = _EMPTY
	groups: Mapping[str, Decimal | None] = _EMPTY
	company: Decimal | None = None


NO_LATENESS = Lateness()


class Source(enum.Enum):
	"""Where an item's habit date comes from."""

	CUSTOMER = "Customer"
	CUSTOMER_GROUP = "Customer Group"
	COMPANY = "Company"
	NO_HISTORY = "No History"
	PROMISE = "Promise to Pay"
	DUE_DATE = "Due Date"  # the naive forecast


class SetApartReason(enum.Enum):
	DISPUTED = "Disputed"
	LEGAL = "Legal"


# ---------------------------------------------------------------------------------------------
# Result records
# ---------------------------------------------------------------------------------------------


class Receipt(NamedTuple):
	"""What is expected of one item (or of its promised part, or the rest of a promised item):
	``outstanding`` is the part of the item it stands for; ``weeks`` what is expected of it in
	weeks 1 … N and ``later`` after them (within a year), before the customer's credits;
	``amounts`` and ``later_amount`` what remains of them after the credits (what the weeks add
	up). ``days_late`` is the customer's usual lateness applied (``None`` for a promise and the
	naive forecast); ``expected_date`` the habit date (due date + days late), the promised date
	or, in the naive forecast, the due date."""

	customer: str
	voucher_type: str
	voucher_no: str
	due_date: date
	outstanding: Decimal
	source: Source
	days_late: int | None
	expected_date: date
	weeks: tuple[Decimal, ...]
	later: Decimal
	credit_applied: Decimal
	amounts: tuple[Decimal, ...]
	later_amount: Decimal

	@property
	def expected(self) -> Decimal:
		"""Expected within a year, before credits."""
		return sum(self.weeks, ZERO) + self.later

	@property
	def not_expected(self) -> Decimal:
		"""Of the outstanding, what is not expected within a year."""
		return self.outstanding - self.expected

	@property
	def amount(self) -> Decimal:
		"""Expected within a year, after credits."""
		return sum(self.amounts, ZERO) + self.later_amount


class SetApart(NamedTuple):
	customer: str
	voucher_type: str
	voucher_no: str
	due_date: date
	outstanding: Decimal
	reason: SetApartReason


class Week(NamedTuple):
	"""Week ``week`` (1-based): the days ``first`` … ``last`` and the amount expected in them."""

	week: int
	first: date
	last: date
	amount: Decimal


class Forecast(NamedTuple):
	as_of: date
	first_day: date
	weeks: tuple[Week, ...]
	later: Decimal
	receipts: tuple[Receipt, ...]
	set_apart: tuple[SetApart, ...]
	disputed: Decimal
	legal: Decimal
	unapplied_credit: dict[str, Decimal]

	@property
	def total(self) -> Decimal:
		"""Everything expected: the weeks and later."""
		return sum((w.amount for w in self.weeks), ZERO) + self.later

	@property
	def amounts(self) -> tuple[Decimal, ...]:
		"""The weekly amounts, week 1 first (what a backtest compares)."""
		return tuple(w.amount for w in self.weeks)

	@property
	def not_expected(self) -> Decimal:
		"""What the profile does not expect within a year."""
		return sum((r.not_expected for r in self.receipts), ZERO)


# ---------------------------------------------------------------------------------------------
# Weeks
# ---------------------------------------------------------------------------------------------


def check_weeks(weeks: int) -> list[Problem]:
	if isinstance(weeks, bool) or not isinstance(weeks, int) or not 1 <= weeks <= MAX_WEEKS:
		return [
			Problem(
				"forecast_weeks_out_of_range",
				_("The forecast must cover between 1 and {0} weeks, not {1}."),
				(MAX_WEEKS, weeks),
			)
		]
	return []


def first_day(as_of: date) -> date:
	return as_of + timedelta(days=1)


def week_ranges(as_of: date, weeks: int = DEFAULT_WEEKS) -> tuple[DateRange, ...]:
	"""Weeks 1 … N as date ranges (both days included), then "later" (open-ended): the same
	partition the forecast buckets by, so a query can sum what was actually collected by it."""
	raise_if(check_weeks(weeks))
	start = first_day(as_of)
	ranges = [
		DateRange(start + timedelta(days=7 * k), start + timedelta(days=7 * k + 6)) for k in range(weeks)
	]
	ranges.append(DateRange(start + timedelta(days=7 * weeks), None))
	return tuple(ranges)


def week_of(day: date, as_of: date) -> int:
	"""The week (1 …) of a date; a date on or before ``as_of`` counts in week 1."""
	return max(0, (day - first_day(as_of)).days) // 7 + 1


# ---------------------------------------------------------------------------------------------
# The forecast
# ---------------------------------------------------------------------------------------------


def _days(value: Decimal) -> int:
	return int(Decimal(value).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _valid_days(value: object) -> bool:
	if isinstance(value, bool) or not isinstance(value, (Decimal, int)):
		return False
	return Decimal(value).is_finite() and -MAX_DAYS <= value <= MAX_DAYS


def check_lateness(lateness: Lateness) -> list[Problem]:
	"""Usual days late must be numbers of days between -MAX_DAYS and MAX_DAYS."""
	problems: list[Problem] = []
	for name, value in [*lateness.customers.items(), *lateness.groups.items()]:
		if value is not None and not _valid_days(value):
			problems.append(
				Problem(
					"lateness_out_of_range",
					_("The usual days late of {0} must be between -{1} and {1}, not {2}."),
					(name, MAX_DAYS, value),
				)
			)
	if lateness.company is not None and not _valid_days(lateness.company):
		problems.append(
			Problem(
				"lateness_out_of_range",
				_("The company's usual days late must be between -{0} and {0}, not {1}."),
				(MAX_DAYS, lateness.company),
			)
		)
	return problems


def check_items(items: Sequence[ForecastItem]) -> list[Problem]:
	problems: list[Problem] = []
	for item in items:
		promise = item.promise
		if promise is not None and not promise.amount > 0:
			problems.append(
				Problem(
					"promise_amount_not_positive",
					_("The promise to pay on {0} must promise a positive amount."),
					(item.voucher_no,),
				)
			)
	return problems


def days_late_for(customer: str, customer_group: str, lateness: Lateness) -> tuple[int, Source]:
	"""The customer's usual days late, else its group's, else the company's, else 0 (whole
	days)."""
	own = lateness.customers.get(customer)
	if own is not None:
		return _days(own), Source.CUSTOMER
	group = lateness.groups.get(customer_group) if customer_group else None
	if group is not None:
		return _days(group), Source.CUSTOMER_GROUP
	if lateness.company is not None:
		return _days(lateness.company), Source.COMPANY
	return 0, Source.NO_HISTORY


class _Context:
	"""What every item of one forecast shares: the weeks, the rounding quantum, and each habit
	week's cumulative shares (of the weeks 1 … N and of the year), worked out once."""

	def __init__(self, as_of: date, weeks: int, quantum: Decimal, profile: CollectionProfile):
		self.as_of = as_of
		self.start = first_day(as_of)
		self.weeks = weeks
		self.quantum = quantum
		self.profile = profile
		self._steps: dict[tuple[int, int], tuple[tuple[int, Decimal], ...]] = {}

	def steps(self, k: int, first_week: int = 1) -> tuple[tuple[int, Decimal], ...] | None:
		"""(week index, cumulative share) where the share grows, weeks 0 … N - 1, then the year
		at index N (later); ``None`` for a habit date more than a year ahead (all of it later: the
		profile is not followed beyond a year)."""
		if k > LATER_WEEKS:
			return None
		key = (k, first_week)
		found = self._steps.get(key)
		if found is None:
			through = self.profile.cumulative(k, LATER_WEEKS, first_week)
			wanted = [*through[: self.weeks], through[-1]]
			found, before = [], ZERO
			for index, share in enumerate(wanted):
				if share != before:
					found.append((index, share))
					before = share
			found = self._steps[key] = tuple(found)
		return found

	def spread(self, outstanding: Decimal, steps) -> tuple[list[Decimal], Decimal]:
		"""The parts of weeks 1 … N and later, by cumulative rounding (``steps`` ``None``: all of it
		later)."""
		if steps is None:
			return [ZERO] * self.weeks, outstanding
		parts = [ZERO] * (self.weeks + 1)
		if steps:
			indices, shares = zip(*steps, strict=True)
			for index, part in zip(
				indices, spread_cumulative(outstanding, shares, self.quantum), strict=True
			):
				parts[index] = part
		return parts[: self.weeks], parts[self.weeks]

	def single(self, outstanding: Decimal, day: date) -> tuple[list[Decimal], Decimal]:
		"""All of it on ``day`` (on or after the first day)."""
		parts = [ZERO] * self.weeks
		week = week_of(day, self.as_of)
		if week <= self.weeks:
			parts[week - 1] = outstanding
			return parts, ZERO
		return parts, outstanding


def _receipt(item, outstanding, source, days, expected_date, weeks, later) -> Receipt:
	return Receipt(
		item.customer,
		item.voucher_type,
		item.voucher_no,
		item.due_date,
		outstanding,
		source,
		days,
		expected_date,
		tuple(weeks),
		later,
		ZERO,
		tuple(weeks),
		later,
	)


def _receipts(item: ForecastItem, lateness: Lateness, context: _Context) -> list[Receipt]:
	days, source = days_late_for(item.customer, item.customer_group, lateness)
	habit = item.due_date + timedelta(days=days)
	k = habit_week(habit, context.as_of)
	promise = item.promise
	if promise is None:
		weeks, later = context.spread(item.outstanding, context.steps(k))
		return [_receipt(item, item.outstanding, source, days, habit, weeks, later)]
	promised = min(promise.amount, item.outstanding)
	day = max(context.start, promise.promised_date)
	weeks, later = context.single(promised, day)
	receipts = [_receipt(item, promised, Source.PROMISE, None, promise.promised_date, weeks, later)]
	rest = item.outstanding - promised
	if rest > 0:
		weeks, later = context.spread(rest, context.steps(k, week_of(day, context.as_of)))
		receipts.append(_receipt(item, rest, source, days, habit, weeks, later))
	return receipts


def _net_credits(receipts: list[Receipt], credits: dict[str, Decimal], weeks: int) -> dict[str, Decimal]:
	"""Take each customer's credits off its own expected receipts, earliest week first (then
	later); returns the credit left over. Only the receipts of customers with credits are
	ordered."""
	left = dict(credits)
	slots = [
		(week, i)
		for i, receipt in enumerate(receipts)
		if left.get(receipt.customer, ZERO) > 0
		for week, amount in enumerate((*receipt.weeks, receipt.later))
		if amount > 0
	]
	slots.sort(
		key=lambda slot: (
			slot[0],
			receipts[slot[1]].expected_date,
			receipts[slot[1]].due_date,
			receipts[slot[1]].voucher_no,
			slot[1],
		)
	)
	taken: dict[int, list[Decimal]] = {}
	for week, i in slots:
		receipt = receipts[i]
		available = left[receipt.customer]
		if available <= 0:
			continue
		parts = taken.setdefault(i, [*receipt.weeks, receipt.later])
		use = min(available, parts[week])
		parts[week] -= use
		left[receipt.customer] = available - use
	for i, parts in taken.items():
		receipt = receipts[i]
		receipts[i] = receipt._replace(
			credit_applied=receipt.expected - sum(parts, ZERO),
			amounts=tuple(parts[:weeks]),
			later_amount=parts[weeks],
		)
	return {customer: amount for customer, amount in left.items() if amount > 0}


def _assemble(
	receipts: list[Receipt], items: Sequence[ForecastItem], context: _Context, set_apart: list[SetApart]
) -> Forecast:
	"""Net the credits, add up the weeks."""
	unapplied = _net_credits(receipts, _credits(items), context.weeks)
	sums = [ZERO] * context.weeks
	later = ZERO
	for receipt in receipts:
		for index, amount in enumerate(receipt.amounts):
			if amount:
				sums[index] += amount
		later += receipt.later_amount
	ranges = week_ranges(context.as_of, context.weeks)
	return Forecast(
		as_of=context.as_of,
		first_day=context.start,
		weeks=tuple(
			Week(k + 1, r.first, r.last, amount)
			for k, (r, amount) in enumerate(zip(ranges[: context.weeks], sums, strict=True))
		),
		later=later,
		receipts=tuple(receipts),
		set_apart=tuple(set_apart),
		disputed=sum((s.outstanding for s in set_apart if s.reason is SetApartReason.DISPUTED), ZERO),
		legal=sum((s.outstanding for s in set_apart if s.reason is SetApartReason.LEGAL), ZERO),
		unapplied_credit=unapplied,
	)


def _credits(items: Sequence[ForecastItem]) -> dict[str, Decimal]:
	credits: dict[str, Decimal] = {}
	for item in items:
		if item.outstanding < 0:
			credits[item.customer] = credits.get(item.customer, ZERO) - item.outstanding
	return credits


def forecast(
	items: Iterable[ForecastItem],
	as_of: date,
	lateness: Lateness = NO_LATENESS,
	weeks: int = DEFAULT_WEEKS,
	quantum: Decimal = CENT,
	profile: CollectionProfile = NO_PROFILE,
) -> Forecast:
	"""The expected receipts of the open items, by week (see the module docstring)."""
	items = list(items)
	raise_if(check_weeks(weeks) + check_lateness(lateness) + check_items(items))
	context = _Context(as_of, weeks, quantum, profile)
	receipts: list[Receipt] = []
	set_apart: list[SetApart] = []
	for item in items:
		if item.outstanding <= 0:
			continue
		if item.in_legal or item.disputed:
			reason = SetApartReason.LEGAL if item.in_legal else SetApartReason.DISPUTED
			set_apart.append(
				SetApart(
					item.customer, item.voucher_type, item.voucher_no, item.due_date, item.outstanding, reason
				)
			)
			continue
		receipts.extend(_receipts(item, lateness, context))
	return _assemble(receipts, items, context, set_apart)


def naive_forecast(
	items: Iterable[ForecastItem], as_of: date, weeks: int = DEFAULT_WEEKS, quantum: Decimal = CENT
) -> Forecast:
	"""Everyone pays every positive item in full on its due date (overdue ones on the first
	day); disputes, Legal cases and promises ignored; credits netted earliest first."""
	items = list(items)
	raise_if(check_weeks(weeks))
	context = _Context(as_of, weeks, quantum, NO_PROFILE)
	receipts = []
	for item in items:
		if item.outstanding > 0:
			parts, later = context.single(item.outstanding, max(context.start, item.due_date))
			receipts.append(
				_receipt(item, item.outstanding, Source.DUE_DATE, None, item.due_date, parts, later)
			)
	return _assemble(receipts, items, context, [])
