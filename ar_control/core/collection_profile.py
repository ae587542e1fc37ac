"""The collection profile: how the company's own overdue debt of each age has come in.

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


The profile is learnt on month-ends whose weeks have all passed by the as-of date
(:func:`profile_month_ends`): a forecast knows nothing later than the day it is made.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, timedelta
from decimal import ROUND_DOWN, Decimal
from typing import NamedTuple

from ar_control.core.money import CENT, ZERO, round_money
from ar_control.core.period import month_ends, month_of

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
	return spread_cumulative(outstanding, cumulative(shares), quantum)


def cumulative(shares: Sequence[Decimal]) -> tuple[Decimal, ...]:
	"""min(1, Σₖ≤w share(k)) for each week w."""
	through: list[Decimal] = []
	cumulative = ZERO
	for share in shares:
		cumulative += share
		through.append(min(cumulative, ONE))
	return tuple(through)


def spread_cumulative(
	outstanding: Decimal, cumulative: Sequence[Decimal], quantum: Decimal
) -> tuple[Decimal, ...]:
	parts: list[Decimal] = []
	before = ZERO
	for share in cumulative:
		through = min(outstanding, round_money(outstanding * share, quantum))
		parts.append(through - before)
		before = through
	return tuple(parts)


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
