"""The backtest's measures: WAPE and total error per horizon, per origin and over all weeks."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ar_control.core.backtest import (
	BacktestOrigin,
	backtest,
	backtest_origin,
	check_backtest,
	mean,
	percentile,
)
from ar_control.core.forecast import forecast, naive_forecast
from ar_control.core.problems import RuleError
from tests.factories import D
from tests.test_forecast import AS_OF, fi

cents = st.integers(min_value=-(10**7), max_value=10**7).map(lambda c: Decimal(c) / 100)


def worked_origins():
	return [
		# out of order on purpose: the backtest sorts by origin
		BacktestOrigin(
			date(2026, 2, 28), (D(120), D(40), D(30)), (D(150), D(50), D(0)), (D(100), D(0), D(20))
		),
		BacktestOrigin(date(2026, 1, 31), (D(100), D(50), D(0)), (D(200), D(0), D(0)), (D(80), D(60), D(10))),
	]


def test_worked_example_of_the_backtest():
	result = backtest(worked_origins())
	assert result.weeks == 3
	week1, week2, week3 = result.horizons
	# week 1: actual 80 + 100 = 180; |100-80| + |120-100| = 40 -> 22.22 %; naive 120 + 50 = 170 -> 94.44 %
	assert (week1.actual, week1.forecast.absolute_error, week1.forecast.wape) == (D(180), D(40), D("22.22"))
	assert (week1.naive.absolute_error, week1.naive.wape) == (D(170), D("94.44"))
	# cumulative: forecast 220 vs 180 -> +22.22 %; naive 350 vs 180 -> +94.44 %
	assert (week1.forecast.total_error, week1.naive.total_error) == (D("22.22"), D("94.44"))
	# week 2: actual 60; |50-60| + |40-0| = 50 -> 83.33 %; naive |0-60| + |50-0| = 110 -> 183.33 %
	assert (week2.forecast.wape, week2.naive.wape) == (D("83.33"), D("183.33"))
	# through week 2: actual 240; forecast 310 -> 70/240 = 29.17 %; naive 400 -> 160/240 = 66.67 %
	assert (week2.cumulative_actual, week2.forecast.cumulative_forecast) == (D(240), D(310))
	assert (week2.forecast.total_error, week2.naive.total_error) == (D("29.17"), D("66.67"))
	# week 3: actual 30; |0-10| + |30-20| = 20 -> 66.67 %; naive 10 + 20 = 30 -> 100 %
	assert (week3.forecast.wape, week3.naive.wape) == (D("66.67"), D(100))
	# through week 3: actual 270; forecast 340 -> 25.93 %; naive 400 -> 130/270 = 48.15 %
	assert (result.total_error, result.naive_total_error) == (D("25.93"), D("48.15"))
	# every week of every origin: (40 + 50 + 20) / 270 = 40.74 %; naive (170 + 110 + 30) / 270 = 114.81 %
	assert (result.wape, result.naive_wape) == (D("40.74"), D("114.81"))
	# per origin: January 150 vs 150 -> 0 %, naive 200 -> 33.33 %; February 190 vs 120 -> 58.33 %
	assert [(o.origin, o.total_error, o.naive_total_error) for o in result.origins] == [
		(date(2026, 1, 31), D(0), D("33.33")),
		(date(2026, 2, 28), D("58.33"), D("66.67")),
	]
	# and their own weekly WAPE: January |100-80| + |50-60| + |0-10| = 40 of 150 -> 26.67 %, naive
	# 120 + 60 + 10 = 190 -> 126.67 %; February 20 + 40 + 10 = 70 of 120 -> 58.33 %, naive 50 + 50
	# + 20 = 120 -> 100 %
	assert [(o.wape, o.naive_wape) for o in result.origins] == [
		(D("26.67"), D("126.67")),
		(D("58.33"), D(100)),
	]


def test_nothing_collected_leaves_the_errors_undefined_not_zero():
	zero = BacktestOrigin(AS_OF, (D(500), D(0)), (D(0), D(0)), (D(0), D(0)))
	result = backtest([zero])
	week1 = result.horizons[0]
	assert week1.forecast.absolute_error == D(500)  # the error is still shown
	assert week1.forecast.wape is None and week1.forecast.total_error is None
	assert week1.naive.wape is None
	assert result.wape is None and result.total_error is None
	assert result.origins[0].total_error is None
	# a week where refunds exceed collections: not a base for a percentage either
	refunds = BacktestOrigin(AS_OF, (D(5),), (D(5),), (D(-10),))
	assert backtest([refunds]).horizons[0].forecast.wape is None


def test_a_week_without_collections_is_undefined_while_the_cumulative_error_goes_on():
	origin = BacktestOrigin(AS_OF, (D(100), D(30)), (D(100), D(0)), (D(100), D(0)))
	week2 = backtest([origin]).horizons[1]
	assert week2.forecast.wape is None
	assert week2.forecast.total_error == D(30)  # (130 - 100) / 100


def test_an_origin_is_made_from_two_forecasts_and_the_collections():
	items = [fi("SINV-1", date(2026, 7, 3), 100)]
	origin = backtest_origin(
		forecast(items, AS_OF, weeks=2), naive_forecast(items, AS_OF, weeks=2), [D(60), D(40)]
	)
	assert origin == BacktestOrigin(AS_OF, (D(100), D(0)), (D(100), D(0)), (D(60), D(40)))
	with pytest.raises(ValueError):
		backtest_origin(forecast(items, AS_OF), naive_forecast(items, AS_OF + timedelta(days=1)), [])


def test_bad_backtest_input_is_rejected():
	assert [p.code for p in check_backtest([])] == ["backtest_no_origins"]
	one = BacktestOrigin(AS_OF, (D(1),), (D(1),), (D(1),))
	short = BacktestOrigin(date(2026, 5, 31), (D(1), D(2)), (D(1),), (D(1),))
	assert [p.code for p in check_backtest([one, short, one])] == [
		"backtest_weeks_differ",
		"backtest_origin_duplicate",
	]
	empty = BacktestOrigin(AS_OF, (), (), ())
	with pytest.raises(RuleError) as caught:
		backtest([empty])
	assert caught.value.codes == ("backtest_no_weeks",)


@given(
	rows=st.lists(
		st.tuples(
			st.lists(cents, min_size=3, max_size=3),
			st.lists(cents, min_size=3, max_size=3),
			st.lists(cents, min_size=3, max_size=3),
		),
		min_size=1,
		max_size=6,
	)
)
def test_a_perfect_forecast_has_no_error_and_wape_is_never_negative(rows):
	origins = [
		BacktestOrigin(date(2025, 1, 1) + timedelta(days=31 * n), tuple(f), tuple(nv), tuple(a))
		for n, (f, nv, a) in enumerate(rows)
	]
	result = backtest(origins)
	for horizon in result.horizons:
		for method in (horizon.forecast, horizon.naive):
			assert method.absolute_error >= 0
			assert (method.wape is None) == (horizon.actual <= 0)
			assert method.wape is None or method.wape >= 0
			assert (method.total_error is None) == (horizon.cumulative_actual <= 0)
	perfect = backtest([o._replace(forecast=o.actual) for o in origins])
	for horizon in perfect.horizons:
		assert horizon.forecast.absolute_error == 0
		assert horizon.forecast.wape in (None, D(0))
		assert horizon.forecast.total_error in (None, D(0))


def test_the_band_holds_the_10th_to_90th_percentile_of_what_came_in_per_unit_forecast():
	# week 1 of ten origins: 100 forecast each, 80, 85, … 125 collected
	origins = [
		BacktestOrigin(date(2025, 1, 31) + timedelta(days=31 * n), (D(100),), (D(100),), (D(80 + 5 * n),))
		for n in range(10)
	]
	(week1,) = backtest(origins).horizons
	# ratios 0.80 … 1.25; 10th percentile at rank 0.9: 0.80 + 0.9 x 0.05 = 0.845; 90th at 8.1: 1.205
	assert (week1.low, week1.high) == (D("0.8450"), D("1.2050"))
	# the week's own bias: (1000 - 1025) / 1025
	assert week1.forecast.bias == D("-2.44")
	# an origin that forecast nothing for the week says nothing about its ratio
	nothing = BacktestOrigin(date(2027, 1, 31), (D(0),), (D(0),), (D(50),))
	assert backtest([*origins, nothing]).horizons[0].low == D("0.8450")
	assert backtest([nothing]).horizons[0].low is None


def test_percentiles_interpolate_between_the_nearest_ranks():
	assert percentile([D(1), D(2), D(3), D(4), D(5)], 10) == D("1.4")
	assert percentile([D(7)], 90) == D(7)
	assert percentile([], 50) is None


def test_the_mean_of_the_origins_skips_the_undefined():
	assert mean([D("1.5"), None, D("-0.25")]) == D("0.63")
	assert mean([None]) is None
