"""The collection profile: age bands, shares per week, the spread of a stale item, the window."""

from datetime import date
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from ar_control.core.collection_profile import (
	PROFILE_BANDS,
	AgeBand,
	band_of,
	band_profile,
	collection_profile,
	profile_month_ends,
	spread,
)
from tests.factories import D

cents = st.integers(min_value=-(10**7), max_value=10**7).map(lambda c: Decimal(c) / 100)


def test_the_age_bands_partition_every_overdue_age():
	assert [band_of(days) for days in (0, 1, 30, 31, 60, 61, 90, 91, 180, 181, 365, 366, 5000)] == [
		None,
		0,
		0,
		1,
		1,
		2,
		2,
		3,
		3,
		4,
		4,
		5,
		5,
	]
	assert PROFILE_BANDS[5] == AgeBand(366, None)


def test_worked_example_of_a_band_profile():
	# over the month-ends, 10,000 was open 91-180 days past due; 1,000 came in the week after,
	# 500 the next, a refund of 20 the third, nothing the fourth
	profile = band_profile(AgeBand(91, 180), D(10000), (D(1000), D(500), D(-20), D(0)))
	assert profile.shares == (D("0.1"), D("0.05"), D(0), D(0))
	# an overpayment cannot make more than everything come in; thirds are cut down, not up
	assert band_profile(AgeBand(1, 30), D(300), (D(200), D(200))).shares == (D("0.666666"), D("0.333334"))
	assert band_profile(AgeBand(1, 30), D(3), (D(1), D(1))).shares == (D("0.333333"), D("0.333333"))
	# nothing was open in the band: no history
	assert band_profile(AgeBand(1, 30), D(0), (D(5),)).shares == ()
	assert collection_profile({3: (D(0), (D(5),))}).shares_for(100) is None


def test_spread_rounds_cumulatively_and_never_exceeds_the_outstanding():
	thirds = (D("0.333333"),) * 3
	# 100 x 0.333333 = 33.33; 100 x 0.666666 = 66.67; 100 x 0.999999 = 100.00
	assert spread(D(100), thirds) == (D("33.33"), D("33.34"), D("33.33"))
	assert spread(D("0.01"), thirds) == (D(0), D("0.01"), D(0))


profile_shares = st.lists(
	st.integers(min_value=-50, max_value=10**6).map(lambda c: Decimal(c) / 100), max_size=8
)


@given(outstanding=cents, collected=profile_shares)
def test_shares_are_between_0_and_1_and_add_up_to_at_most_1(outstanding, collected):
	shares = band_profile(AgeBand(1, 30), outstanding, collected).shares
	assert len(shares) == (len(collected) if outstanding > 0 else 0)
	assert all(0 <= share <= 1 for share in shares)
	assert sum(shares, D(0)) <= 1


@given(outstanding=cents.filter(lambda c: c >= 0), collected=profile_shares, total=cents)
def test_spread_amounts_never_exceed_the_outstanding(outstanding, collected, total):
	shares = band_profile(AgeBand(1, 30), abs(total) + D(1), collected).shares
	parts = spread(outstanding, shares)
	assert all(part >= 0 for part in parts)
	assert sum(parts, D(0)) <= outstanding


def test_the_profile_learns_only_from_month_ends_whose_weeks_have_passed():
	# 4 weeks as of 2026-06-30: 05-31 + 28 days = 06-28 has passed, 06-30 has not
	ends = profile_month_ends(date(2026, 6, 30), 4, 12)
	assert (ends[0], ends[-1], len(ends)) == (date(2025, 6, 30), date(2026, 5, 31), 12)
	# 13 weeks as of 2026-12-01: the latest is 2026-08-31 (+ 91 days = 11-30)
	assert profile_month_ends(date(2026, 12, 1), 13, 12)[-1] == date(2026, 8, 31)
	# a latest day that is itself a month-end is kept
	assert profile_month_ends(date(2026, 7, 28), 4, 2) == (date(2026, 5, 31), date(2026, 6, 30))
