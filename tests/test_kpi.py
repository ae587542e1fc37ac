from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ar_control.core.kpi import (
	MonthSales,
	PeriodFigures,
	average_days_delinquent,
	best_possible_dso,
	collection_effectiveness_index,
	collection_rate,
	compute,
	count_back_dso,
	simple_dso,
)
from ar_control.core.problems import RuleError
from tests.factories import D

# A 30-day month (June): opening AR 100 000, credit sales 60 000, collected 50 000, written off
# 2 000, so closing AR 108 000, of which 40 000 not yet due, 68 000 overdue, 20 000 over 90 days.
JUNE = PeriodFigures(
	days=30,
	opening_ar=D(100000),
	credit_sales=D(60000),
	collections=D(50000),
	written_off=D(2000),
	closing_ar=D(108000),
	closing_current_ar=D(40000),
	closing_overdue_ar=D(68000),
	closing_over_90_ar=D(20000),
	months=(MonthSales(30, D(60000)), MonthSales(31, D(45000)), MonthSales(30, D(30000))),
	target_dso=D(45),
)


def test_worked_example_every_kpi():
	k = compute(JUNE)
	assert k.dso_simple == D("54.00")  # 108 000 / 60 000 * 30
	# June's 60 000 → 30 days, May's 45 000 → 31 days, 3 000 of April's 30 000 → 3 days
	assert k.dso_count_back == D("64.00")
	assert k.best_possible_dso == D("20.00")  # 40 000 / 60 000 * 30
	assert k.add == D("34.00")  # 54 - 20
	assert k.cei == D("43.33")  # (100 000 + 60 000 - 108 000) / (100 000 + 60 000 - 40 000)
	assert k.overdue_ratio == D("62.96")  # 68 000 / 108 000
	assert k.over_90_share == D("18.52")  # 20 000 / 108 000
	assert k.collection_rate == D("31.25")  # 50 000 / 160 000
	assert k.bad_debt_ratio == D("3.33")  # 2 000 / 60 000
	assert k.dso_gap == D("19.00")  # 64 - target 45


def test_ratios_without_a_base_are_undefined_not_zero():
	empty = JUNE._replace(
		opening_ar=D(0), credit_sales=D(0), closing_ar=D(0), closing_current_ar=D(0), months=()
	)
	k = compute(empty)
	assert k.dso_simple is None and k.best_possible_dso is None and k.add is None
	assert (
		k.cei is None and k.overdue_ratio is None and k.collection_rate is None and k.bad_debt_ratio is None
	)


def test_count_back_within_the_first_month_is_a_fraction_of_it():
	assert count_back_dso(D(15000), [MonthSales(30, D(60000))]) == D("7.5")


def test_count_back_skips_a_month_without_sales_counting_its_days():
	assert count_back_dso(D(100), [MonthSales(30, D(0)), MonthSales(31, D(100))]) == D(61)


def test_count_back_beyond_the_history_extends_at_the_oldest_rate():
	# 30 of the 90 use up the only month (30 days); the other 60 at its rate of 1 a day: 60 more days
	assert count_back_dso(D(90), [MonthSales(30, D(30))]) == D(90)
	assert count_back_dso(D(10), [MonthSales(30, D(0))]) is None


def test_count_back_of_no_or_negative_ar_is_zero():
	assert count_back_dso(D(0), []) == 0
	assert count_back_dso(D(-5), [MonthSales(30, D(10))]) == 0


def test_the_helpers_match_the_formulas():
	assert simple_dso(D(50), D(100), 30) == D(15)
	assert best_possible_dso(D(25), D(100), 30) == D("7.5")
	assert average_days_delinquent(D(15), D("7.5")) == D("7.5")
	assert average_days_delinquent(None, D(1)) is None
	assert collection_effectiveness_index(D(100), D(100), D(50), D(25)) == D(150) / D(175) * 100
	assert collection_rate(D(150), D(100), D(100)) == D(75)


@pytest.mark.parametrize(
	("change", "code"),
	[
		({"days": 0}, "period_days_invalid"),
		({"target_dso": D(-1)}, "target_dso_negative"),
		({"months": (MonthSales(0, D(1)),)}, "month_days_invalid"),
	],
)
def test_bad_figures_are_rule_errors(change, code):
	with pytest.raises(RuleError) as caught:
		compute(JUNE._replace(**change))
	assert caught.value.codes == (code,)


months_strategy = st.lists(
	st.builds(
		MonthSales,
		st.integers(min_value=28, max_value=31),
		st.integers(min_value=1, max_value=10**7).map(Decimal),
	),
	min_size=1,
	max_size=12,
)


@given(
	months=months_strategy,
	ar=st.integers(min_value=0, max_value=10**8),
	more=st.integers(min_value=0, max_value=10**8),
)
def test_count_back_dso_never_decreases_when_ar_grows_and_sales_stay_fixed(months, ar, more):
	assert count_back_dso(Decimal(ar), months) <= count_back_dso(Decimal(ar + more), months)


@given(months=months_strategy, ar=st.integers(min_value=0, max_value=10**8))
def test_count_back_dso_is_at_most_the_history_when_the_history_covers_the_ar(months, ar):
	dso = count_back_dso(Decimal(ar), months)
	if Decimal(ar) <= sum(m.sales for m in months):
		assert dso <= sum(m.days for m in months)
