"""Cash-in forecast per week, and the naive benchmark it is measured against.

The open items are the ledger at the end of the as-of date (as the aging reads it), so the first
day on which a receipt can still come in is the day after: ``first day = as_of + 1``. An expected
date that falls on or before the as-of date (an overdue item, a promise already due) moves to the
first day, that is, into week 1.

Formulas, for every open item of a customer (company currency)
	days late d      the customer's amount-weighted average days late
	                 (``core.credit.payment_history().average_days_late``), else its customer
	                 group's, else the company's, else 0; rounded half up to whole days
	expected date    max(first day, due date + d)
	promise          a pending promise to pay replaces that: min(promised amount, outstanding)
	                 on max(first day, promised date); the rest of the outstanding, if any, on
	                 max(first day, due date + d, promised date) (the customer promised part now,
	                 the rest comes no earlier)
	set apart        disputed invoices and items of cases in Legal: not expected; reported apart
	                 with their outstanding (Legal when both)
	age at receipt   a = expected date - due date (days past due when it comes in)
	expected amount  round(amount * r(a) / 100): r(a) = 100 % when a ≤ 0 (paid by the due date),
	                 else the recoverability curve of ``core.escalation`` (``RecoveryStep``,
	                 the share of a debt a days overdue expected to come in)
	netting          a customer's credits (negative items: credit notes, unallocated advances and
	                 payments) are taken off its expected receipts earliest first (the customer
	                 deducts them from its next payments); credit left over is reported as
	                 unapplied credit, never as a negative receipt. Set-apart items are not
	                 netted.
	week k           first day + 7(k - 1) … first day + 7k - 1, for k = 1 … N (default 13);
	                 what is expected after week N is reported as "later"
	naive            every positive item, disputed and Legal ones included and promises ignored,
	                 in full on max(first day, due date); credits netted the same way

Stale items (already past their customer's habit) are spread by the company's collection
profile (:mod:`ar_control.core.collection_profile`): how its overdue debt of their age has
actually come in.

So 0 ≤ receipt ≤ expected amount ≤ the outstanding it stands for; a later due date never gives
an earlier receipt (without a profile); with no lateness, no promise, dispute or Legal case and
a flat 100 % curve the forecast is the naive one; a profile of 100 % in week 1 places a stale
item as the customer rule does, on the first day, without the curve.

The backtest that measures the forecast against what was collected is :mod:`ar_control.core.backtest`.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from types import MappingProxyType
from typing import NamedTuple

from ar_control.core.aging import MAX_DAYS, DateRange, OpenItem
from ar_control.core.collection_profile import NO_PROFILE, CollectionProfile, cumulative, spread_cumulative
from ar_control.core.escalation import DEFAULT_RECOVERY, RecoveryStep, check_recovery, recoverable
from ar_control.core.money import CENT, HUNDRED, ZERO, round_money
from ar_control.core.problems import Problem, _, raise_if

DEFAULT_WEEKS = 13
MAX_WEEKS = 520

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


def forecast_item(
	item: OpenItem,
	customer_group: str = "",
	disputed: bool = False,
	in_legal: bool = False,
	promise: PromiseToPay | None = None,
) -> ForecastItem:
	"""An open item of the aging as the forecast needs it (no due date: its posting date)."""
	return ForecastItem(
		item.party,
		item.voucher_type,
		item.voucher_no,
		item.effective_due_date,
		item.outstanding,
		customer_group,
		disputed,
		in_legal,
		promise,
	)


_EMPTY: Mapping[str, Decimal | None] = MappingProxyType({})


class Lateness(NamedTuple):
	"""Amount-weighted average days late: per customer, per customer group, for the company.

	A missing key or ``None`` (no history that can be judged) falls back to the next level.
	"""

	customers: Mapping[str, Decimal | None] = _EMPTY
	groups: Mapping[str, Decimal | None] = _EMPTY
	company: Decimal | None = None


NO_LATENESS = Lateness()


class Source(enum.Enum):
	"""Where an expected date comes from."""

	CUSTOMER = "Customer"
	CUSTOMER_GROUP = "Customer Group"
	COMPANY = "Company"
	NO_HISTORY = "No History"
	PROMISE = "Promise to Pay"
	PROFILE = "Collection Profile"  # a stale item spread by the company's collection profile
	DUE_DATE = "Due Date"  # the naive forecast


class SetApartReason(enum.Enum):
	DISPUTED = "Disputed"
	LEGAL = "Legal"


# ---------------------------------------------------------------------------------------------
# Result records
# ---------------------------------------------------------------------------------------------


class Receipt(NamedTuple):
	"""One expected receipt: ``outstanding`` is the part of the item it stands for (all of it,
	or the promised part and the rest of a promised item), ``expected`` that part after the
	recoverability curve, ``amount`` what remains after the customer's credits (what the weeks
	add up). ``days_late`` is the lateness applied (``None`` for a promise and the naive
	forecast); ``week`` is 1 … N, or ``None`` for "later"."""

	customer: str
	voucher_type: str
	voucher_no: str
	due_date: date
	outstanding: Decimal
	source: Source
	days_late: int | None
	expected_date: date
	days_past_due: int
	recoverable_percent: Decimal
	expected: Decimal
	credit_applied: Decimal
	amount: Decimal
	week: int | None


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


def week_of(day: date, as_of: date, weeks: int = DEFAULT_WEEKS) -> int | None:
	"""The week (1 … N) of a date; a date on or before ``as_of`` counts in week 1; ``None``
	after week N ("later")."""
	index = max(0, (day - first_day(as_of)).days) // 7 + 1
	return index if index <= weeks else None


def weekly_amounts(
	dated: Iterable[tuple[date, Decimal]], as_of: date, weeks: int = DEFAULT_WEEKS
) -> tuple[tuple[Decimal, ...], Decimal]:
	"""(amount per week 1 … N, amount later) of dated amounts, e.g. actual collections."""
	raise_if(check_weeks(weeks))
	sums = [ZERO] * weeks
	later = ZERO
	for day, amount in dated:
		week = week_of(day, as_of, weeks)
		if week is None:
			later += amount
		else:
			sums[week - 1] += amount
	return tuple(sums), later


# ---------------------------------------------------------------------------------------------
# The forecast
# ---------------------------------------------------------------------------------------------


def _days(value: Decimal) -> int:
	return int(Decimal(value).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _valid_days(value: object) -> bool:
	if isinstance(value, bool) or not isinstance(value, (Decimal, int)):
		return False
	return Decimal(value).is_finite() and 0 <= value <= MAX_DAYS


def check_lateness(lateness: Lateness) -> list[Problem]:
	"""Average days late must be numbers of days between 0 and MAX_DAYS (payment history
	counts an early payment as 0 days late, so a negative average is a mistake)."""
	problems: list[Problem] = []
	for name, value in [*lateness.customers.items(), *lateness.groups.items()]:
		if value is not None and not _valid_days(value):
			problems.append(
				Problem(
					"lateness_out_of_range",
					_("The average days late of {0} must be between 0 and {1}, not {2}."),
					(name, MAX_DAYS, value),
				)
			)
	if lateness.company is not None and not _valid_days(lateness.company):
		problems.append(
			Problem(
				"lateness_out_of_range",
				_("The company's average days late must be between 0 and {0}, not {1}."),
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


def days_late_for(item: ForecastItem, lateness: Lateness) -> tuple[int, Source]:
	"""The customer's days late, else its group's, else the company's, else 0 (whole days)."""
	own = lateness.customers.get(item.customer)
	if own is not None:
		return _days(own), Source.CUSTOMER
	group = lateness.groups.get(item.customer_group) if item.customer_group else None
	if group is not None:
		return _days(group), Source.CUSTOMER_GROUP
	if lateness.company is not None:
		return _days(lateness.company), Source.COMPANY
	return 0, Source.NO_HISTORY


class _Part(NamedTuple):
	item: ForecastItem
	outstanding: Decimal
	source: Source
	days_late: int | None
	expected_date: date
	percent: Decimal | None = None  # the share expected, fixed (None: the recoverability curve)


class _Context(NamedTuple):
	"""What every item of one forecast shares: the first day, the weeks, the rounding quantum,
	and each band's cumulative shares, worked out once (``collection_profile.cumulative``)."""

	as_of: date
	start: date
	weeks: int
	quantum: Decimal
	lateness: Lateness
	profile: CollectionProfile
	cumulative: dict[int, tuple[Decimal, ...]]
	week_starts: tuple[date, ...]  # the first day of weeks 1 … N + 1 (N + 1: "later")


def _context(
	as_of: date,
	weeks: int,
	quantum: Decimal,
	lateness: Lateness = NO_LATENESS,
	profile: CollectionProfile = NO_PROFILE,
) -> _Context:
	start = first_day(as_of)
	starts = tuple(start + timedelta(days=7 * k) for k in range(weeks + 1))
	return _Context(as_of, start, weeks, quantum, lateness, profile, {}, starts)


def _spread_parts(
	item: ForecastItem, days: int, shares: tuple[Decimal, ...], context: _Context
) -> list[_Part]:
	"""A stale item by the profile: week w's part on the first day of week w, the part after
	week N "later" (first day of week N + 1), the rest not expected (a part expected at 0 %)."""
	starts, weeks = context.week_starts, context.weeks
	through = context.cumulative.get(id(shares))
	if through is None:
		through = context.cumulative[id(shares)] = cumulative(shares)
	amounts = spread_cumulative(item.outstanding, through, context.quantum)
	parts = [
		_Part(item, amount, Source.PROFILE, days, starts[k], HUNDRED)
		for k, amount in enumerate(amounts[:weeks])
		if amount > 0
	]
	beyond = sum(amounts[weeks:], ZERO)
	if beyond > 0:
		parts.append(_Part(item, beyond, Source.PROFILE, days, starts[weeks], HUNDRED))
	rest = item.outstanding - sum(amounts, ZERO)
	if rest > 0:
		parts.append(_Part(item, rest, Source.PROFILE, days, starts[weeks], ZERO))
	return parts


def _parts(item: ForecastItem, context: _Context) -> list[_Part]:
	start = context.start
	days, source = days_late_for(item, context.lateness)
	habit = item.due_date + timedelta(days=days)
	behaviour = max(start, habit)
	promise = item.promise
	if promise is None and habit < start:
		shares = context.profile.shares_for((context.as_of - item.due_date).days)
		if shares is not None:
			return _spread_parts(item, days, shares, context)
	if promise is None:
		return [_Part(item, item.outstanding, source, days, behaviour)]
	promised = min(promise.amount, item.outstanding)
	parts = [_Part(item, promised, Source.PROMISE, None, max(start, promise.promised_date))]
	if item.outstanding > promised:
		rest = max(behaviour, promise.promised_date)
		parts.append(_Part(item, item.outstanding - promised, source, days, rest))
	return parts


def _assemble(
	parts: list[_Part],
	credits: dict[str, Decimal],
	context: _Context,
	curve: Sequence[RecoveryStep] | None,
	set_apart: list[SetApart],
) -> Forecast:
	"""Discount, net the credits earliest first, bucket into weeks."""
	as_of, start, weeks, quantum = context.as_of, context.start, context.weeks, context.quantum
	rates: dict[int, Decimal] = {}  # the curve's percent per age, each looked up once
	receipts: list[Receipt] = []
	for part in parts:
		item = part.item
		age = (part.expected_date - item.due_date).days
		if part.percent is not None:
			share = part.percent
		elif curve is None or age <= 0:
			share = HUNDRED
		else:
			share = rates.get(age)
			if share is None:
				share = rates[age] = recoverable(age, curve)
		if share == HUNDRED:
			expected = min(part.outstanding, round_money(part.outstanding, quantum))
		else:
			expected = min(part.outstanding, round_money(part.outstanding * share / HUNDRED, quantum))
		week = max(0, (part.expected_date - start).days) // 7 + 1  # week_of, its first day known
		receipts.append(
			Receipt(
				item.customer,
				item.voucher_type,
				item.voucher_no,
				item.due_date,
				part.outstanding,
				part.source,
				part.days_late,
				part.expected_date,
				age,
				share,
				expected,
				ZERO,
				expected,
				week if week <= weeks else None,
			)
		)

	# the credits, each customer's on its own receipts earliest first (only those customers'
	# receipts are ordered: the others keep theirs whole)
	left = dict(credits)
	owed = [i for i, receipt in enumerate(receipts) if left.get(receipt.customer, ZERO) > 0]
	owed.sort(key=lambda i: (receipts[i].expected_date, receipts[i].due_date, receipts[i].voucher_no, i))
	for i in owed:
		receipt = receipts[i]
		available = left[receipt.customer]
		if available <= 0:
			continue
		use = min(available, receipt.expected)
		left[receipt.customer] = available - use
		receipts[i] = receipt._replace(credit_applied=use, amount=receipt.expected - use)

	sums = [ZERO] * weeks
	later = ZERO
	for receipt in receipts:
		if receipt.week is None:
			later += receipt.amount
		else:
			sums[receipt.week - 1] += receipt.amount
	ranges = week_ranges(as_of, weeks)
	return Forecast(
		as_of=as_of,
		first_day=start,
		weeks=tuple(
			Week(k + 1, r.first, r.last, amount)
			for k, (r, amount) in enumerate(zip(ranges[:weeks], sums, strict=True))
		),
		later=later,
		receipts=tuple(receipts),
		set_apart=tuple(set_apart),
		disputed=sum((s.outstanding for s in set_apart if s.reason is SetApartReason.DISPUTED), ZERO),
		legal=sum((s.outstanding for s in set_apart if s.reason is SetApartReason.LEGAL), ZERO),
		unapplied_credit={customer: amount for customer, amount in left.items() if amount > 0},
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
	curve: Sequence[RecoveryStep] = DEFAULT_RECOVERY,
	weeks: int = DEFAULT_WEEKS,
	quantum: Decimal = CENT,
	profile: CollectionProfile = NO_PROFILE,
) -> Forecast:
	"""The expected receipts of the open items, by week (see the module docstring); stale items
	by the collection ``profile`` where it has their band."""
	items = list(items)
	raise_if(check_weeks(weeks) + check_recovery(curve) + check_lateness(lateness) + check_items(items))
	context = _context(as_of, weeks, quantum, lateness, profile)
	parts: list[_Part] = []
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
		parts.extend(_parts(item, context))
	return _assemble(parts, _credits(items), context, curve, set_apart)


def naive_forecast(
	items: Iterable[ForecastItem], as_of: date, weeks: int = DEFAULT_WEEKS, quantum: Decimal = CENT
) -> Forecast:
	"""Everyone pays every positive item in full on its due date (overdue ones on the first
	day); disputes, Legal cases and promises ignored; credits netted earliest first."""
	items = list(items)
	raise_if(check_weeks(weeks))
	start = first_day(as_of)
	parts = [
		_Part(item, item.outstanding, Source.DUE_DATE, None, max(start, item.due_date))
		for item in items
		if item.outstanding > 0
	]
	return _assemble(parts, _credits(items), _context(as_of, weeks, quantum), None, [])
