"""The collection profile: how the company's own receivables have come in, week by week, counted
from each customer's usual payment week.

Every open item has a *habit date*: its due date plus its customer's usual days late (see
:mod:`ar_control.core.forecast`). Seen from a day t, the habit date falls in week
	k = ceil((habit date - t) / 7)          (week 1: t + 1 … t + 7; k ≤ 0: already passed)
and week w after t lies r = w - k weeks after the habit week (r = 0: the habit week; r < 0:
before it; r > 0: after it, the debt is late by the customer's own standard).

The profile is the company's *weekly collection rate* at each such position:
	rate(r)   Σ collected in a week at position r / Σ still open at the start of that week
learnt from its month-ends m (:func:`profile_month_ends`): every item open at m with something
owed, followed week by week for the weeks after m that have passed by the cut-off day (at most
``SPAN`` weeks); what is still open at the start of week w is what was open at m less what was
collected in the weeks before w. Positions are pooled in bands (``POSITION_BANDS``: each week from
7 before to 12 after the habit week, then 13-26, 27-52 and over 52 weeks after, and 8 or more
weeks before). Each week counts with weight 2^(-age / HALF_LIFE_DAYS), its age being the days
from its last day to the cut-off: the company's recent weeks count more than older ones.

A band without history takes the rate of the nearest band with history (the earlier of two as
near); with no history at all, an item is expected in full in its habit week (week 1 when that
has passed): the naive forecast, moved by the customer's usual days late.

An item at habit week k is then expected to come in, in week w, as
	share(w)  rate(w - k) x Π_{j<w} (1 - rate(j - k))
(what is still open at the start of week w, collected at that week's rate); the shares add up to
at most 1. What the rates do not collect within ``LATER_WEEKS`` weeks is not expected.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import NamedTuple

from ar_control.core.money import CENT, ZERO, round_money
from ar_control.core.period import month_ends, month_of

ONE = Decimal(1)
RATE_PLACES = Decimal("0.000001")
SPAN = 13  # weeks each month-end is followed for
HALF_LIFE_DAYS = 91  # a quarter: the weight of a week halves with every 91 days of age
LATER_WEEKS = 52  # a forecast looks a year ahead: what is later is not expected
PROFILE_MONTHS = 12


class PositionBand(NamedTuple):
	"""Weeks ``first`` … ``last`` after the habit week (both included; ``None``: unbounded)."""

	first: int | None
	last: int | None

	def holds(self, position: int) -> bool:
		return (self.first is None or self.first <= position) and (self.last is None or position <= self.last)


POSITION_BANDS = (
	PositionBand(None, -8),
	*(PositionBand(r, r) for r in range(-7, 13)),
	PositionBand(13, 26),
	PositionBand(27, 52),
	PositionBand(53, None),
)


def band_of(position: int, bands: Sequence[PositionBand] = POSITION_BANDS) -> int:
	"""The index of the band holding a position (the bands partition every position)."""
	for index, band in enumerate(bands):
		if band.holds(position):
			return index
	raise ValueError(f"no band holds position {position}")


def habit_week(habit_date: date, day: date) -> int:
	"""The week after ``day`` in which ``habit_date`` falls (1: the 7 days after ``day``; 0: the 7
	days ending on it; negative: earlier)."""
	return math.ceil((habit_date - day).days / 7)


# --- what the profile is learnt from --------------------------------------------------------------


class Exposure(NamedTuple):
	"""What was open at ``month_end`` (positive balances only) of the items whose habit date fell
	in week ``habit_week`` after it."""

	month_end: date
	habit_week: int
	outstanding: Decimal


class Collection(NamedTuple):
	"""What was collected in week ``week`` after ``month_end`` on the items open at it whose habit
	date fell in week ``habit_week`` after it."""

	month_end: date
	habit_week: int
	week: int
	amount: Decimal


def profile_month_ends(cut_off: date, months: int = PROFILE_MONTHS, span: int = SPAN) -> tuple[date, ...]:
	"""The month-ends the profile of ``cut_off`` learns from: the ``months`` latest whose ``span``
	weeks have all passed by ``cut_off``, and every later one with at least one week passed (each
	followed only for the weeks that have)."""
	last_full = month_of(cut_off - timedelta(days=7 * span))
	if last_full.end > cut_off - timedelta(days=7 * span):
		last_full = month_of(last_full.start - timedelta(days=1))
	first = last_full.start
	for _i in range(months - 1):
		first = month_of(first - timedelta(days=1)).start
	return month_ends(first, cut_off - timedelta(days=7))


def weeks_passed(month_end: date, cut_off: date, span: int = SPAN) -> int:
	"""How many of the ``span`` weeks after ``month_end`` have passed by ``cut_off``."""
	return max(0, min(span, (cut_off - month_end).days // 7))


def _weight(week_end: date, cut_off: date, half_life: int) -> float:
	return 0.5 ** ((cut_off - week_end).days / half_life)


# --- the profile ---------------------------------------------------------------------------------


class BandRate(NamedTuple):
	"""One band: the weighted amounts open at the start of its weeks and collected in them, and
	the rate made of them (``None``: no history)."""

	band: PositionBand
	open: Decimal
	collected: Decimal
	rate: Decimal | None


class CollectionProfile(NamedTuple):
	"""The company's weekly collection rates by position (see the module docstring), learnt on
	``month_ends`` up to ``cut_off``. No bands: no history at all."""

	bands: tuple[BandRate, ...] = ()
	month_ends: tuple[date, ...] = ()
	cut_off: date | None = None

	@property
	def known(self) -> bool:
		return any(band.rate is not None for band in self.bands)

	def rate(self, position: int) -> Decimal:
		"""The weekly collection rate at ``position``: its band's, else the nearest band's with
		history; with no history at all 1 from the habit week on and 0 before it."""
		if not self.known:
			return ONE if position >= 0 else ZERO
		index = band_of(position, [b.band for b in self.bands])
		for distance in range(len(self.bands)):
			for near in (index - distance, index + distance):
				if 0 <= near < len(self.bands) and self.bands[near].rate is not None:
					return self.bands[near].rate
		raise AssertionError("a known profile has a band with a rate")

	def cumulative(self, habit_week: int, weeks: int, first_week: int = 1) -> tuple[Decimal, ...]:
		"""What an item at ``habit_week`` is expected to have paid by the end of each week 1 …
		``weeks``, as a share of its outstanding (rising, at most 1); nothing before
		``first_week`` (a promise's rest comes no earlier than the promise)."""
		through: list[Decimal] = []
		paid, left = ZERO, ONE
		for week in range(1, weeks + 1):
			if week >= first_week:
				share = (left * self.rate(week - habit_week)).quantize(RATE_PLACES, ROUND_HALF_UP)
				share = min(share, left)
				paid += share
				left -= share
			through.append(paid)
		return tuple(through)


NO_PROFILE = CollectionProfile()


def collection_profile(
	exposures: Iterable[Exposure],
	collections: Iterable[Collection],
	cut_off: date,
	month_ends: Sequence[date] = (),
	span: int = SPAN,
	half_life: int = HALF_LIFE_DAYS,
	bands: Sequence[PositionBand] = POSITION_BANDS,
) -> CollectionProfile:
	"""The profile from what was open at each month-end by habit week and what of it was collected
	in each week after (only the weeks passed by ``cut_off`` count; see the module docstring).

	rate(band) = Σ w(m, week) x collected(m, k, week) / Σ w(m, week) x open(m, k, week) over the
	month-ends m, habit weeks k and weeks with week - k in the band, where open(m, k, week) is
	what was open at m less what was collected in the weeks before; cut to 0 … 1."""
	got: dict[tuple[date, int], dict[int, Decimal]] = {}
	for row in collections:
		weeks = got.setdefault((row.month_end, row.habit_week), {})
		weeks[row.week] = weeks.get(row.week, ZERO) + row.amount
	open_by_band = [0.0] * len(bands)
	collected_by_band = [0.0] * len(bands)
	opened: dict[tuple[date, int], Decimal] = {}
	for row in exposures:
		key = (row.month_end, row.habit_week)
		opened[key] = opened.get(key, ZERO) + row.outstanding
	for (month_end, k), outstanding in opened.items():
		if outstanding <= 0:
			continue
		weeks = got.get((month_end, k), {})
		left = outstanding
		for week in range(1, weeks_passed(month_end, cut_off, span) + 1):
			if left <= 0:
				break
			amount = min(max(weeks.get(week, ZERO), ZERO), left)
			weight = _weight(month_end + timedelta(days=7 * week), cut_off, half_life)
			index = band_of(week - k, bands)
			open_by_band[index] += weight * float(left)
			collected_by_band[index] += weight * float(amount)
			left -= amount
	return CollectionProfile(
		tuple(
			BandRate(
				band,
				Decimal(repr(round(open_by_band[i], 2))),
				Decimal(repr(round(collected_by_band[i], 2))),
				_rate(collected_by_band[i], open_by_band[i]),
			)
			for i, band in enumerate(bands)
		),
		tuple(month_ends),
		cut_off,
	)


def _rate(collected: float, open_: float) -> Decimal | None:
	if open_ <= 0:
		return None
	return min(ONE, max(ZERO, Decimal(repr(collected / open_)))).quantize(RATE_PLACES, ROUND_HALF_UP)


def spread_cumulative(
	outstanding: Decimal, cumulative: Sequence[Decimal], quantum: Decimal = CENT
) -> tuple[Decimal, ...]:
	"""The parts of ``outstanding`` per week by cumulative shares (each part ≥ 0; they add up to
	round(outstanding x the last share) ≤ outstanding)."""
	parts: list[Decimal] = []
	before = ZERO
	for share in cumulative:
		through = min(outstanding, round_money(outstanding * share, quantum))
		parts.append(through - before)
		before = through
	return tuple(parts)
