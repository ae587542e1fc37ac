"""The collection profile: positions from the habit week, the weekly rates learnt from the month-ends
(weighted by age, only the weeks passed by the cut-off), the shares an item is spread by, the window."""

import itertools
from datetime import date, timedelta
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from ar_control.core.collection_profile import (
	HALF_LIFE_DAYS,
	NO_PROFILE,
	POSITION_BANDS,
	BandRate,
	Collection,
	CollectionProfile,
	Exposure,
	PositionBand,
	band_of,
	collection_profile,
	habit_week,
	profile_month_ends,
	spread_cumulative,
	weeks_passed,
)
from tests.factories import D

CUT_OFF = date(2026, 6, 30)


def test_the_position_bands_partition_every_position():
	assert [band_of(r) for r in (-100, -8, -7, 0, 12, 13, 26, 27, 52, 53, 500)] == [
		0,
		0,
		1,
		8,
		20,
		21,
		21,
		22,
		22,
		23,
		23,
	]
	assert POSITION_BANDS[0] == PositionBand(None, -8) and POSITION_BANDS[-1] == PositionBand(53, None)


def test_the_habit_week_counts_from_the_day_after():
	day = date(2026, 6, 30)
	assert [habit_week(day + timedelta(days=n), day) for n in (1, 7, 8, 0, -6, -7, -8)] == [
		1,
		1,
		2,
		0,
		0,
		-1,
		-1,
	]


def test_the_month_ends_learnt_from_are_those_with_a_week_passed():
	# 2026-08-31: the 12 whose 13 weeks have passed (2025-06-30 … 2026-05-31), then June and July
	ends = profile_month_ends(date(2026, 8, 31))
	assert (ends[0], ends[11], ends[-1], len(ends)) == (
		date(2025, 6, 30),
		date(2026, 5, 31),
		date(2026, 7, 31),
		14,
	)
	assert [weeks_passed(end, date(2026, 8, 31)) for end in ends[-3:]] == [13, 8, 4]
	# a month-end is never one of its own: no week after it has passed
	assert profile_month_ends(date(2026, 6, 30))[-1] == date(2026, 5, 31)


def test_worked_example_of_learning_the_rates():
	# on 31 May 1000 was open with its habit date in week 2 after it; 100 came in in week 1,
	# 450 in week 2, 225 in week 3, nothing in week 4 (the 4 weeks passed by 30 June):
	# position -1: 100 of 1000; 0: 450 of 900; 1: 225 of 450; 2: 0 of 225
	may = date(2026, 5, 31)
	profile = collection_profile(
		[Exposure(may, 2, D(1000))],
		[Collection(may, 2, 1, D(100)), Collection(may, 2, 2, D(450)), Collection(may, 2, 3, D(225))],
		CUT_OFF,
	)
	assert [profile.rate(r) for r in (-1, 0, 1, 2)] == [D("0.1"), D("0.5"), D("0.5"), D(0)]
	# the bands around them have no history: the nearest band's rate (the earlier of two as near)
	assert (profile.rate(-5), profile.rate(40)) == (D("0.1"), D(0))
	# the item's shares reproduce what happened
	assert profile.cumulative(2, 4) == (D("0.1"), D("0.55"), D("0.775"), D("0.775"))


def test_older_weeks_weigh_less_and_only_passed_weeks_count():
	# the same position on two month-ends: 30 % came in week 1 after 30 April, 10 % after 31 May;
	# each week weighs 2^(-age / 91) by the days from its end to the cut-off
	april, may = date(2026, 4, 30), date(2026, 5, 31)
	profile = collection_profile(
		[Exposure(april, 2, D(1000)), Exposure(may, 2, D(1000))],
		[
			Collection(april, 2, 1, D(300)),
			Collection(may, 2, 1, D(100)),
			# collected in the fifth week after 31 May: after the cut-off, never read
			Collection(may, 2, 5, D(900)),
		],
		CUT_OFF,
	)
	old = 0.5 ** ((CUT_OFF - (april + timedelta(days=7))).days / HALF_LIFE_DAYS)
	new = 0.5 ** ((CUT_OFF - (may + timedelta(days=7))).days / HALF_LIFE_DAYS)
	wanted = (old * 300 + new * 100) / (old * 1000 + new * 1000)
	assert profile.rate(-1) == Decimal(repr(wanted)).quantize(D("0.000001"))
	# after 31 May only weeks 1-4 passed: position 3 (week 5) holds April's 700 alone
	fifth = 0.5 ** ((CUT_OFF - (april + timedelta(days=35))).days / HALF_LIFE_DAYS)
	assert profile.bands[band_of(3)].open == D(round(fifth * 700, 2))


def test_more_collected_than_was_open_is_cut_to_what_was_open():
	may = date(2026, 5, 31)
	profile = collection_profile(
		[Exposure(may, 1, D(100))], [Collection(may, 1, 1, D(250)), Collection(may, 1, 2, D(-30))], CUT_OFF
	)
	assert profile.rate(0) == 1
	assert profile.cumulative(1, 3) == (D(1), D(1), D(1))


def test_without_history_an_item_comes_in_full_in_its_habit_week():
	assert not NO_PROFILE.known
	assert NO_PROFILE.cumulative(3, 5) == (D(0), D(0), D(1), D(1), D(1))
	assert NO_PROFILE.cumulative(-4, 2) == (D(1), D(1))
	# nothing before the first week allowed (a promise's rest)
	assert NO_PROFILE.cumulative(1, 4, first_week=3) == (D(0), D(0), D(1), D(1))


def test_spread_rounds_cumulatively_and_never_exceeds_the_outstanding():
	thirds = (D("0.333333"), D("0.666666"), D("0.999999"))
	assert spread_cumulative(D(100), thirds) == (D("33.33"), D("33.34"), D("33.33"))
	assert spread_cumulative(D("0.01"), thirds) == (D(0), D("0.01"), D(0))


rates = st.none() | st.integers(min_value=0, max_value=10**6).map(lambda c: Decimal(c) / 10**6)


@given(
	values=st.lists(rates, min_size=len(POSITION_BANDS), max_size=len(POSITION_BANDS)),
	k=st.integers(-60, 60),
	weeks=st.integers(1, 52),
	first=st.integers(1, 60),
)
def test_shares_rise_and_never_pass_1(values, k, weeks, first):
	profile = CollectionProfile(
		tuple(BandRate(band, D(1), D(0), rate) for band, rate in zip(POSITION_BANDS, values, strict=True))
	)
	through = profile.cumulative(k, weeks, first)
	assert len(through) == weeks
	assert all(0 <= share <= 1 for share in through)
	assert all(a <= b for a, b in itertools.pairwise(through))
	assert all(share == 0 for share in through[: first - 1])


@given(
	rows=st.lists(
		st.tuples(
			st.sampled_from([date(2026, 3, 31), date(2026, 4, 30), date(2026, 5, 31)]),
			st.integers(-20, 20),
			st.integers(1, 13),
			st.integers(-(10**6), 10**7).map(lambda c: Decimal(c) / 100),
		),
		max_size=30,
	),
	opened=st.integers(0, 10**7).map(lambda c: Decimal(c) / 100),
)
def test_learnt_rates_are_between_0_and_1(rows, opened):
	exposures = [Exposure(end, k, opened) for end, k, _week, _amount in rows]
	collections = [Collection(end, k, week, amount) for end, k, week, amount in rows]
	profile = collection_profile(exposures, collections, CUT_OFF)
	assert all(b.rate is None or 0 <= b.rate <= 1 for b in profile.bands)
	assert all(b.collected <= b.open for b in profile.bands)
