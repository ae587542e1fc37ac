from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ar_control.core.kpi import (
	CollectionTarget,
	MonthSales,
	PeriodFigures,
	average_days_delinquent,
	best_possible_dso,
	check_target,
	collection_effectiveness_index,
	collection_rate,
	compute,
	count_back_dso,
	simple_dso,
	target_for,
	threshold_breaches,
	total_figures,
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


# --- totals of several sales persons -------------------------------------------------------------

# June, two sales persons (the figures of the bench test of the Sales Collection KPI report)
ALICE = PeriodFigures(
	days=30,
	opening_ar=D(1000),
	credit_sales=D(1000),
	collections=D(400),
	written_off=D(0),
	closing_ar=D(1600),
	closing_current_ar=D(1000),
	closing_overdue_ar=D(600),
	closing_over_90_ar=D(0),
	months=(MonthSales(30, D(1000)), MonthSales(31, D(0)), MonthSales(30, D(1000))),
)
BOB = PeriodFigures(
	days=30,
	opening_ar=D(500),
	credit_sales=D(1000),
	collections=D(0),
	written_off=D(100),
	closing_ar=D(1400),
	closing_current_ar=D(1000),
	closing_overdue_ar=D(400),
	closing_over_90_ar=D(400),
	months=(MonthSales(30, D(1000)), MonthSales(31, D(0)), MonthSales(30, D(0))),
)


def test_total_figures_add_up_field_by_field_and_month_by_month():
	total = total_figures([ALICE, BOB], target_dso=D(45))
	assert total.closing_ar == D(3000) and total.opening_ar == D(1500) and total.written_off == D(100)
	assert total.months == (MonthSales(30, D(2000)), MonthSales(31, D(0)), MonthSales(30, D(1000)))
	assert total.target_dso == D(45)
	k = compute(total)
	assert k.dso_simple == D("45.00")  # 3000 / 2000 * 30, not the average of 48 and 42
	# 2000 → 30 days, May nothing → 31 days, 1000 of April's 1000 → 30 days
	assert k.dso_count_back == D("91.00")
	assert k.dso_gap == D("46.00")


def test_total_figures_refuse_rows_of_different_periods():
	with pytest.raises(ValueError):
		total_figures([ALICE, BOB._replace(days=31)])
	with pytest.raises(ValueError):
		total_figures([])


# --- targets and threshold breaches ---------------------------------------------------------------

ALICE_TARGET = CollectionTarget(
	"Alice", target_dso=D(60), dso_margin=D(5), overdue_ratio_limit=D(40), over_90_share_limit=D(10)
)
DEFAULT_TARGET = CollectionTarget("", target_dso=D(45), over_90_share_limit=D(20))


def test_a_sales_person_without_a_target_of_their_own_gets_the_company_default():
	targets = [DEFAULT_TARGET, ALICE_TARGET]
	assert target_for(targets, "Alice") == ALICE_TARGET
	assert target_for(targets, "Bob") == DEFAULT_TARGET
	assert target_for(targets) == DEFAULT_TARGET
	assert target_for([ALICE_TARGET], "Bob") is None


def test_worked_breaches():
	# Alice: DSO (count-back) 79 > 60 + 5; overdue ratio 37.5 % within 40 %; nothing over 90 days
	alice = compute(ALICE._replace(target_dso=D(60)))
	assert alice.dso_count_back == D("79.00")
	assert [b.code for b in threshold_breaches(alice, ALICE_TARGET)] == ["dso_above_target"]
	assert threshold_breaches(alice, ALICE_TARGET)[0].english() == (
		"DSO is 79.00 days, more than 5 days above the target of 60 days."
	)
	# Bob: 400 of the AR is older than his three months of history and April had no sales, so
	# count-back DSO is undefined and raises no alert; 400 of 1400 over 90 days = 28.57 % > 20 %
	bob = compute(BOB)
	assert bob.dso_count_back is None and bob.over_90_share == D("28.57")
	assert [b.code for b in threshold_breaches(bob, DEFAULT_TARGET)] == ["over_90_share_above_limit"]
	assert threshold_breaches(bob, None) == []


def test_a_figure_exactly_on_its_limit_is_within_it():
	kpis = compute(ALICE)._replace(dso_count_back=D(65), overdue_ratio=D(40), over_90_share=D(10))
	assert threshold_breaches(kpis, ALICE_TARGET) == []
	assert len(threshold_breaches(kpis._replace(dso_count_back=D("65.01")), ALICE_TARGET)) == 1


@pytest.mark.parametrize(
	("change", "code"),
	[
		({"target_dso": D(-1)}, "target_dso_negative"),
		({"dso_margin": D(-1)}, "dso_margin_negative"),
		({"target_collection_rate": D(101)}, "percent_out_of_range"),
		({"overdue_ratio_limit": D(-5)}, "percent_out_of_range"),
		({"over_90_share_limit": D("100.01")}, "percent_out_of_range"),
	],
)
def test_bad_targets_are_problems(change, code):
	assert [p.code for p in check_target(ALICE_TARGET._replace(**change))] == [code]
	assert check_target(ALICE_TARGET) == []


figures_strategy = st.builds(
	lambda opening, sales, collected, current, over_90: PeriodFigures(
		days=30,
		opening_ar=Decimal(opening),
		credit_sales=Decimal(sales),
		collections=Decimal(collected),
		written_off=D(0),
		closing_ar=Decimal(opening + sales - collected),
		closing_current_ar=Decimal(min(current, opening + sales - collected)),
		closing_overdue_ar=Decimal(opening + sales - collected - min(current, opening + sales - collected)),
		closing_over_90_ar=Decimal(over_90),
		months=(MonthSales(30, Decimal(sales)), MonthSales(31, Decimal(sales))),
	),
	st.integers(min_value=0, max_value=10**7),
	st.integers(min_value=0, max_value=10**7),
	st.integers(min_value=0, max_value=10**7),
	st.integers(min_value=0, max_value=10**7),
	st.integers(min_value=0, max_value=10**7),
)


@given(rows=st.lists(figures_strategy, min_size=1, max_size=5))
def test_the_total_of_rows_is_their_sum(rows):
	total = total_figures(rows)
	assert total.closing_ar == sum((r.closing_ar for r in rows), D(0))
	assert total.closing_overdue_ar == sum((r.closing_overdue_ar for r in rows), D(0))
	assert total.months[0].sales == sum((r.credit_sales for r in rows), D(0))


@given(
	kpis_dso=st.decimals(min_value=0, max_value=1000, places=2),
	target=st.decimals(min_value=0, max_value=500, places=2),
	margin=st.decimals(min_value=0, max_value=50, places=2),
)
def test_dso_breaches_exactly_when_above_target_plus_margin(kpis_dso, target, margin):
	kpis = compute(ALICE)._replace(dso_count_back=kpis_dso, overdue_ratio=None, over_90_share=None)
	breaches = threshold_breaches(kpis, CollectionTarget("", target_dso=target, dso_margin=margin))
	assert bool(breaches) == (kpis_dso > target + margin)
