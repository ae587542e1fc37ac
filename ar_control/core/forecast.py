"""Cash-in forecast per week, the naive benchmark, and the backtest that compares them.

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

Stale items and the collection profile. An item is *stale* when the customer's habit is past
already: due date + d < first day (no promise, not set apart). Its age on the as-of date,
a = as_of - due date, falls into an age band b (``PROFILE_BANDS``: 1-30, 31-60, 61-90, 91-180,
181-365, over 365 days past due). The company's collection profile says how debt of that age
has actually come in: over the month-ends m of a look-back window (each with its N weeks
passed by the as-of date),
	share(b, w)      Σₘ collected(m, b, w) / Σₘ outstanding(m, b)
	                 collected(m, b, w): payments and journal entries in week w after m against
	                 the items open at m that were in band b on m; outstanding(m, b): those
	                 items' outstanding at m. Each share is cut to 0 … 1 (down to 6 places) and
	                 the shares of a band to a sum ≤ 1 (``band_profile``).
	spread           a stale item with a profile for its band comes in as
	                 part(w) = round(o * Σₖ≤w share(b, k)) - round(o * Σₖ<w share(b, k)) on the
	                 first day of week w (cumulative rounding: the parts add up to
	                 round(o * Σ share) ≤ o); no curve (the profile is the recovery). What the
	                 profile collects after week N, if it covers more weeks, is "later"; the rest,
	                 o - Σ parts, is not expected at all (a receipt of 0: the profile has no
	                 figure for it beyond the weeks it was learnt over).
	no history       a band without outstanding in the window has no profile: its items keep the
	                 customer rule above.

So 0 ≤ receipt ≤ expected amount ≤ the outstanding it stands for; a later due date never gives
an earlier receipt (without a profile); with no lateness, no promise, dispute or Legal case and
a flat 100 % curve the forecast is the naive one; a profile of 100 % in week 1 places a stale
item as the customer rule does, on the first day, without the curve.

Backtest: for each origin o (a past month-end) the weekly forecast Fₒₖ and naive Nₒₖ made from
the ledger at o, and what was actually collected Aₒₖ in the same weeks. Per horizon h = 1 … N:
	WAPE(h)          Σₒ |Fₒₕ - Aₒₕ| / Σₒ Aₒₕ * 100
	total error(h)   (Σₒ Σₖ≤ₕ Fₒₖ - Σₒ Σₖ≤ₕ Aₒₖ) / Σₒ Σₖ≤ₕ Aₒₖ * 100   (the bias of the
	                 cumulative total through week h; positive = forecast too high)
and the same for the naive forecast. A measure whose denominator (what was collected) is not
positive is undefined and returned as ``None``, never 0; the absolute error is still given.
Percentages are rounded to 2 places.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date, timedelta
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal
from types import MappingProxyType
from typing import NamedTuple

from ar_control.core.aging import MAX_DAYS, DateRange, OpenItem
from ar_control.core.escalation import DEFAULT_RECOVERY, RecoveryStep, check_recovery, recoverable
from ar_control.core.money import CENT, HUNDRED, ZERO, percent, round_money
from ar_control.core.period import month_ends, month_of
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
# The collection profile of overdue debt
# ---------------------------------------------------------------------------------------------

SHARE_PLACES = Decimal("0.000001")
ONE = Decimal(1)


class AgeBand(NamedTuple):
	"""Days past due ``first`` … ``last`` (both included; ``last`` ``None``: no upper bound)."""

	first: int
	last: int | None

	def holds(self, days_past_due: int) -> bool:
		return self.first <= days_past_due and (self.last is None or days_past_due <= self.last)


PROFILE_BANDS = (
	AgeBand(1, 30),
	AgeBand(31, 60),
	AgeBand(61, 90),
	AgeBand(91, 180),
	AgeBand(181, 365),
	AgeBand(366, None),
)


def band_of(days_past_due: int, bands: Sequence[AgeBand] = PROFILE_BANDS) -> int | None:
	"""The index of the band holding an age, ``None`` when none does (not yet overdue)."""
	for index, band in enumerate(bands):
		if band.holds(days_past_due):
			return index
	return None


class BandProfile(NamedTuple):
	"""How the debt of one age band came in: Σₘ outstanding(m, b), Σₘ collected(m, b, w) per
	week w (week 1 first) and the shares made of them (see ``band_profile``)."""

	band: AgeBand
	outstanding: Decimal
	collected: tuple[Decimal, ...]
	shares: tuple[Decimal, ...]


def band_profile(band: AgeBand, outstanding: Decimal, collected: Sequence[Decimal]) -> BandProfile:
	"""share(w) = collected(w) / outstanding, cut down to 6 places and to 0 … 1, and cut so that
	the shares add up to 1 at most (refunds do not make a negative share, an overpayment does not
	make a share above what was open). No outstanding: no shares (no history)."""
	shares: list[Decimal] = []
	if outstanding > 0:
		left = ONE
		for amount in collected:
			share = (max(ZERO, amount) / outstanding).quantize(SHARE_PLACES, rounding=ROUND_DOWN)
			share = min(share, left)
			shares.append(share)
			left -= share
	return BandProfile(band, outstanding, tuple(collected), tuple(shares))


class CollectionProfile(NamedTuple):
	"""The company's collection profile of overdue debt per age band, learnt from the
	month-ends ``month_ends`` (see the module docstring). A band without shares has no
	history."""

	bands: tuple[BandProfile, ...] = ()
	month_ends: tuple[date, ...] = ()

	def shares_for(self, days_past_due: int) -> tuple[Decimal, ...] | None:
		"""The weekly shares of the band holding this age; ``None`` without history."""
		for profile in self.bands:
			if profile.band.holds(days_past_due):
				return profile.shares or None
		return None


NO_PROFILE = CollectionProfile()


def collection_profile(
	totals: Mapping[int, tuple[Decimal, Sequence[Decimal]]],
	bands: Sequence[AgeBand] = PROFILE_BANDS,
	month_ends: Sequence[date] = (),
) -> CollectionProfile:
	"""The profile from ``{band index: (Σ outstanding, (Σ collected per week))}``; a band
	missing from ``totals`` has no history."""
	return CollectionProfile(
		tuple(band_profile(band, *totals[index]) for index, band in enumerate(bands) if index in totals),
		tuple(month_ends),
	)


def spread(outstanding: Decimal, shares: Sequence[Decimal], quantum: Decimal = CENT) -> tuple[Decimal, ...]:
	"""The parts of ``outstanding`` expected in each week by ``shares`` (cumulative rounding:
	each part ≥ 0, the parts add up to round(outstanding * Σ shares) ≤ outstanding)."""
	return _spread_cumulative(outstanding, _cumulative(shares), quantum)


def _cumulative(shares: Sequence[Decimal]) -> tuple[Decimal, ...]:
	"""min(1, Σₖ≤w share(k)) for each week w."""
	through: list[Decimal] = []
	cumulative = ZERO
	for share in shares:
		cumulative += share
		through.append(min(cumulative, ONE))
	return tuple(through)


def _spread_cumulative(
	outstanding: Decimal, cumulative: Sequence[Decimal], quantum: Decimal
) -> tuple[Decimal, ...]:
	parts: list[Decimal] = []
	before = ZERO
	for share in cumulative:
		through = min(outstanding, round_money(outstanding * share, quantum))
		parts.append(through - before)
		before = through
	return tuple(parts)


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
	and each band's cumulative shares, worked out once (``_cumulative``)."""

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
	cumulative = context.cumulative.get(id(shares))
	if cumulative is None:
		cumulative = context.cumulative[id(shares)] = _cumulative(shares)
	amounts = _spread_cumulative(item.outstanding, cumulative, context.quantum)
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


# ---------------------------------------------------------------------------------------------
# Backtest
# ---------------------------------------------------------------------------------------------


class BacktestOrigin(NamedTuple):
	"""One past origin: the weekly forecast and naive amounts made from the ledger at
	``origin`` and what was actually collected in the same weeks (week 1 first)."""

	origin: date
	forecast: tuple[Decimal, ...]
	naive: tuple[Decimal, ...]
	actual: tuple[Decimal, ...]


def backtest_origin(forecast: Forecast, naive: Forecast, actual: Sequence[Decimal]) -> BacktestOrigin:
	"""An origin from the two forecasts made on it and the weekly collections that followed."""
	if forecast.as_of != naive.as_of:
		raise ValueError("the forecast and the naive forecast were made on different dates")
	return BacktestOrigin(forecast.as_of, forecast.amounts, naive.amounts, tuple(actual))


class MethodError(NamedTuple):
	"""One method at one horizon h, over every origin.

	forecast             Σₒ Fₒₕ
	absolute_error       Σₒ |Fₒₕ - Aₒₕ|
	wape                 absolute_error / Σₒ Aₒₕ * 100 (``None`` when nothing was collected)
	cumulative_forecast  Σₒ Σₖ≤ₕ Fₒₖ
	total_error          (cumulative_forecast - cumulative actual) / cumulative actual * 100
	"""

	forecast: Decimal
	absolute_error: Decimal
	wape: Decimal | None
	cumulative_forecast: Decimal
	total_error: Decimal | None


class HorizonError(NamedTuple):
	week: int
	actual: Decimal
	cumulative_actual: Decimal
	forecast: MethodError
	naive: MethodError


class OriginError(NamedTuple):
	"""One origin over the whole horizon: totals of weeks 1 … N and their error in percent."""

	origin: date
	actual: Decimal
	forecast: Decimal
	naive: Decimal
	total_error: Decimal | None
	naive_total_error: Decimal | None


class Backtest(NamedTuple):
	"""``wape`` / ``naive_wape``: over every week of every origin; ``total_error`` /
	``naive_total_error``: of the total over the whole horizon (the last horizon's)."""

	weeks: int
	origins: tuple[OriginError, ...]
	horizons: tuple[HorizonError, ...]
	wape: Decimal | None
	naive_wape: Decimal | None
	total_error: Decimal | None
	naive_total_error: Decimal | None


def _ratio(part: Decimal, whole: Decimal) -> Decimal | None:
	"""part / whole * 100 to 2 places; ``None`` unless ``whole`` is positive."""
	if whole <= 0:
		return None
	value = percent(part, whole)
	return None if value is None else round_money(value)


def check_backtest(origins: Sequence[BacktestOrigin]) -> list[Problem]:
	if not origins:
		return [Problem("backtest_no_origins", _("A backtest needs at least one forecast origin."))]
	problems: list[Problem] = []
	weeks = len(origins[0].actual)
	if weeks < 1:
		problems.append(Problem("backtest_no_weeks", _("A backtest needs at least one week.")))
	seen: set[date] = set()
	for origin in origins:
		if {len(origin.forecast), len(origin.naive), len(origin.actual)} != {weeks}:
			problems.append(
				Problem(
					"backtest_weeks_differ",
					_("The forecast of {0} does not cover the same {1} weeks as the others."),
					(origin.origin.isoformat(), weeks),
				)
			)
		if origin.origin in seen:
			problems.append(
				Problem(
					"backtest_origin_duplicate",
					_("The forecast origin {0} is listed twice."),
					(origin.origin.isoformat(),),
				)
			)
		seen.add(origin.origin)
	return problems


def _method(
	origins: Sequence[BacktestOrigin],
	h: int,
	pick: Callable[[BacktestOrigin], tuple[Decimal, ...]],
	actual: Decimal,
	cumulative_actual: Decimal,
) -> MethodError:
	values = [pick(o) for o in origins]
	at_h = sum((v[h] for v in values), ZERO)
	absolute = sum((abs(v[h] - o.actual[h]) for v, o in zip(values, origins, strict=True)), ZERO)
	cumulative = sum((sum(v[: h + 1], ZERO) for v in values), ZERO)
	return MethodError(
		forecast=at_h,
		absolute_error=absolute,
		wape=_ratio(absolute, actual),
		cumulative_forecast=cumulative,
		total_error=_ratio(cumulative - cumulative_actual, cumulative_actual),
	)


def backtest(origins: Iterable[BacktestOrigin]) -> Backtest:
	"""WAPE and total error per horizon, per origin and overall, for both methods."""
	origins = sorted(origins, key=lambda o: o.origin)
	raise_if(check_backtest(origins))
	weeks = len(origins[0].actual)

	def forecast_of(o: BacktestOrigin) -> tuple[Decimal, ...]:
		return o.forecast

	def naive_of(o: BacktestOrigin) -> tuple[Decimal, ...]:
		return o.naive

	horizons = []
	for h in range(weeks):
		actual = sum((o.actual[h] for o in origins), ZERO)
		cumulative = sum((sum(o.actual[: h + 1], ZERO) for o in origins), ZERO)
		horizons.append(
			HorizonError(
				week=h + 1,
				actual=actual,
				cumulative_actual=cumulative,
				forecast=_method(origins, h, forecast_of, actual, cumulative),
				naive=_method(origins, h, naive_of, actual, cumulative),
			)
		)

	rows = []
	for o in origins:
		actual, fc, nv = sum(o.actual, ZERO), sum(o.forecast, ZERO), sum(o.naive, ZERO)
		rows.append(
			OriginError(o.origin, actual, fc, nv, _ratio(fc - actual, actual), _ratio(nv - actual, actual))
		)

	all_actual = sum((h.actual for h in horizons), ZERO)
	return Backtest(
		weeks=weeks,
		origins=tuple(rows),
		horizons=tuple(horizons),
		wape=_ratio(sum((h.forecast.absolute_error for h in horizons), ZERO), all_actual),
		naive_wape=_ratio(sum((h.naive.absolute_error for h in horizons), ZERO), all_actual),
		total_error=horizons[-1].forecast.total_error,
		naive_total_error=horizons[-1].naive.total_error,
	)


def profile_month_ends(as_of: date, weeks: int, months: int) -> tuple[date, ...]:
	"""The ``months`` month-ends before ``as_of`` whose ``weeks`` weeks have all passed by it
	(m + 7 * weeks <= as_of): the collection profile of a forecast on ``as_of`` knows nothing
	later than ``as_of``."""
	latest = as_of - timedelta(days=7 * weeks)
	if month_of(latest).end != latest:
		latest = latest.replace(day=1) - timedelta(days=1)
	first = latest.replace(day=1)
	for _i in range(months - 1):
		first = (first - timedelta(days=1)).replace(day=1)
	return month_ends(first, latest)
