import itertools
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ar_control.core.period import (
	Period,
	PeriodKind,
	count_back_months,
	make_period,
	month_ends,
	month_of,
	period_containing,
	previous_month,
)
from ar_control.core.problems import RuleError


def test_a_month_a_quarter_and_a_year_contain_the_day():
	day = date(2026, 5, 17)
	assert period_containing(PeriodKind.MONTH, day) == Period(date(2026, 5, 1), date(2026, 5, 31))
	assert period_containing(PeriodKind.QUARTER, day) == Period(date(2026, 4, 1), date(2026, 6, 30))
	assert period_containing(PeriodKind.YEAR, day) == Period(date(2026, 1, 1), date(2026, 12, 31))
	assert period_containing(PeriodKind.QUARTER, date(2026, 12, 31)).start == date(2026, 10, 1)


def test_days_count_both_ends():
	assert Period(date(2026, 6, 1), date(2026, 6, 30)).days == 30
	assert month_of(date(2028, 2, 10)).days == 29  # leap year
	assert Period(date(2026, 6, 1), date(2026, 6, 1)).days == 1
	assert period_containing(PeriodKind.QUARTER, date(2026, 2, 1)).days == 90


def test_the_monthly_job_measures_the_month_before():
	assert previous_month(date(2026, 7, 3)) == Period(date(2026, 6, 1), date(2026, 6, 30))
	assert previous_month(date(2026, 1, 1)) == Period(date(2025, 12, 1), date(2025, 12, 31))


def test_count_back_months_start_with_a_partial_month():
	months = count_back_months(date(2026, 6, 15), 3)
	assert months == (
		Period(date(2026, 6, 1), date(2026, 6, 15)),
		Period(date(2026, 5, 1), date(2026, 5, 31)),
		Period(date(2026, 4, 1), date(2026, 4, 30)),
	)
	assert [m.days for m in months] == [15, 31, 30]


def test_a_reversed_range_is_a_rule_error():
	with pytest.raises(RuleError) as caught:
		make_period(date(2026, 6, 30), date(2026, 6, 1))
	assert caught.value.codes == ("period_reversed",)
	assert make_period(date(2026, 6, 1), date(2026, 6, 30)).days == 30


def test_a_date_range_has_no_calendar_period():
	with pytest.raises(ValueError):
		period_containing(PeriodKind.RANGE, date(2026, 6, 1))


days = st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 12, 31))


@given(day=days, kind=st.sampled_from([PeriodKind.MONTH, PeriodKind.QUARTER, PeriodKind.YEAR]))
def test_the_period_containing_a_day_contains_it_and_its_neighbours_continue_it(day, kind):
	period = period_containing(kind, day)
	assert day in period
	assert period_containing(kind, period.end + timedelta(days=1)).start == period.end + timedelta(days=1)


@given(end=days, count=st.integers(min_value=1, max_value=24))
def test_count_back_months_are_contiguous_and_cover_every_day(end, count):
	months = count_back_months(end, count)
	assert len(months) == count and months[0].end == end
	for newer, older in itertools.pairwise(months):
		assert older.end + timedelta(days=1) == newer.start
		assert older.start.day == 1
	assert sum(m.days for m in months) == (end - months[-1].start).days + 1


def test_month_ends_from_one_day_to_another():
	assert month_ends(date(2025, 12, 15), date(2026, 3, 31)) == (
		date(2025, 12, 31),
		date(2026, 1, 31),
		date(2026, 2, 28),
		date(2026, 3, 31),
	)
	assert month_ends(date(2026, 3, 1), date(2026, 3, 30)) == ()


@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2090, 1, 1)), st.integers(0, 800))
def test_month_ends_are_each_months_last_day_in_order(first, days):
	last = first + timedelta(days=days)
	ends = month_ends(first, last)
	assert all(first <= end <= last and month_of(end).end == end for end in ends)
	assert all(
		later == month_of(earlier + timedelta(days=1)).end for earlier, later in itertools.pairwise(ends)
	)
