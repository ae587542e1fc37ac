"""The backtest of the cash-in forecast: how far it was from what was collected, per horizon,
beside the naive forecast (everyone pays on the due date).

Backtest: for each origin o (a past month-end) the weekly forecast Fₒₖ and naive Nₒₖ made from
the ledger at o, and what was actually collected Aₒₖ in the same weeks. Per horizon h = 1 … N:
	WAPE(h)          Σₒ |Fₒₕ - Aₒₕ| / Σₒ Aₒₕ * 100
	bias(h)          (Σₒ Fₒₕ - Σₒ Aₒₕ) / Σₒ Aₒₕ * 100   (of week h alone; positive = too high)
	total error(h)   (Σₒ Σₖ≤ₕ Fₒₖ - Σₒ Σₖ≤ₕ Aₒₖ) / Σₒ Σₖ≤ₕ Aₒₖ * 100   (the bias of the
	                 cumulative total through week h)
and the same for the naive forecast. The band of week h: the 10th and 90th percentiles (linear
between the nearest ranks) of Aₒₕ / Fₒₕ over the origins that forecast something for week h:
what was collected came between those multiples of the forecast in 8 of 10 past weeks h. Per
origin: the error of its total and its own weekly WAPE. A measure whose denominator (what was
collected) is not positive is undefined and returned as ``None``, never 0; the absolute error is
still given.
Percentages are rounded to 2 places.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, NamedTuple

from ar_control.core.money import ZERO, percent, round_money
from ar_control.core.problems import Problem, _, raise_if

if TYPE_CHECKING:
	from ar_control.core.forecast import Forecast


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
	bias                 (forecast - Σₒ Aₒₕ) / Σₒ Aₒₕ * 100
	"""

	forecast: Decimal
	absolute_error: Decimal
	wape: Decimal | None
	cumulative_forecast: Decimal
	total_error: Decimal | None
	bias: Decimal | None = None


class HorizonError(NamedTuple):
	"""One horizon over every origin; ``low`` and ``high``: the band of the forecast's ratios
	(``None`` when no origin forecast anything for the week)."""

	week: int
	actual: Decimal
	cumulative_actual: Decimal
	forecast: MethodError
	naive: MethodError
	low: Decimal | None = None
	high: Decimal | None = None


BAND = (10, 90)  # percentiles of actual / forecast that bound the band
RATIO_PLACES = Decimal("0.0001")


def percentile(values: Sequence[Decimal], q: int) -> Decimal | None:
	"""The ``q``-th percentile of ``values``, linear between the nearest ranks (as spreadsheets
	and numpy compute it); ``None`` of no values."""
	if not values:
		return None
	ordered = sorted(values)
	position = Decimal(q) / 100 * (len(ordered) - 1)
	below = int(position)
	above = min(below + 1, len(ordered) - 1)
	return ordered[below] + (position - below) * (ordered[above] - ordered[below])


def mean(values: Sequence[Decimal | None]) -> Decimal | None:
	"""The mean of the defined values, to 2 places (``None`` when none is)."""
	known = [v for v in values if v is not None]
	return round_money(sum(known, ZERO) / len(known)) if known else None


def band(origins: Sequence[BacktestOrigin], h: int) -> tuple[Decimal | None, Decimal | None]:
	"""The 10th and 90th percentiles of Aₒₕ / Fₒₕ over the origins with Fₒₕ > 0 (4 places)."""
	ratios = [o.actual[h] / o.forecast[h] for o in origins if o.forecast[h] > 0]
	low, high = (percentile(ratios, q) for q in BAND)
	return tuple(None if x is None else x.quantize(RATIO_PLACES) for x in (low, high))


class OriginError(NamedTuple):
	"""One origin over the whole horizon: totals of weeks 1 … N and their error in percent, and
	the origin's own weekly WAPE, Σₖ |Fₒₖ - Aₒₖ| / Σₖ Aₒₖ * 100 (what a mean over the origins
	averages)."""

	origin: date
	actual: Decimal
	forecast: Decimal
	naive: Decimal
	total_error: Decimal | None
	naive_total_error: Decimal | None
	wape: Decimal | None = None
	naive_wape: Decimal | None = None


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


def _absolute(made: Sequence[Decimal], actual: Sequence[Decimal]) -> Decimal:
	"""Σₖ |madeₖ - actualₖ|."""
	return sum((abs(m - a) for m, a in zip(made, actual, strict=True)), ZERO)


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
		bias=_ratio(at_h - actual, actual),
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
		low, high = band(origins, h)
		actual = sum((o.actual[h] for o in origins), ZERO)
		cumulative = sum((sum(o.actual[: h + 1], ZERO) for o in origins), ZERO)
		horizons.append(
			HorizonError(
				week=h + 1,
				actual=actual,
				cumulative_actual=cumulative,
				forecast=_method(origins, h, forecast_of, actual, cumulative),
				naive=_method(origins, h, naive_of, actual, cumulative),
				low=low,
				high=high,
			)
		)

	rows = []
	for o in origins:
		actual, fc, nv = sum(o.actual, ZERO), sum(o.forecast, ZERO), sum(o.naive, ZERO)
		rows.append(
			OriginError(
				o.origin,
				actual,
				fc,
				nv,
				_ratio(fc - actual, actual),
				_ratio(nv - actual, actual),
				_ratio(_absolute(o.forecast, o.actual), actual),
				_ratio(_absolute(o.naive, o.actual), actual),
			)
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
