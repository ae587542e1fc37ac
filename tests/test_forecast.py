"""The cash-in forecast: habit dates, the profile's shares per week, promises, disputes and Legal,
credits netted earliest first, later and not expected, the naive forecast."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ar_control.core.collection_profile import (
	NO_PROFILE,
	POSITION_BANDS,
	BandRate,
	CollectionProfile,
)
from ar_control.core.forecast import (
	ForecastItem,
	Lateness,
	PromiseToPay,
	SetApartReason,
	Source,
	days_late_for,
	forecast,
	naive_forecast,
	week_of,
	week_ranges,
)
from ar_control.core.problems import RuleError
from tests.factories import D

AS_OF = date(2026, 6, 30)  # the first forecast day is 1 July; week 1 is 1-7 July


def fi(voucher_no, due, outstanding, customer="CUST-1", **kwargs):
	return ForecastItem(
		customer, kwargs.pop("voucher_type", "Sales Invoice"), voucher_no, due, D(outstanding), **kwargs
	)


def profile_of(rates: dict[int, str]) -> CollectionProfile:
	"""A profile whose single-week bands have the weekly rates given (position: rate), every other
	band a rate of 0 (history that collected nothing)."""
	return CollectionProfile(
		tuple(
			BandRate(
				band,
				D(100),
				D(0),
				D(rates[band.first]) if band.first == band.last and band.first in rates else D(0),
			)
			for band in POSITION_BANDS
		)
	)


def worked_items():
	return [
		fi("SINV-1", date(2026, 7, 10), 1000, "A"),
		fi("SINV-2", date(2026, 5, 1), 500, "A"),
		fi("PE-1", date(2026, 6, 1), -300, "A", voucher_type="Payment Entry"),
		fi(
			"SINV-3",
			date(2026, 6, 20),
			800,
			"B",
			customer_group="G",
			promise=PromiseToPay(date(2026, 7, 15), D(300)),
		),
		fi("SINV-4", date(2026, 6, 20), 50, "B", customer_group="G", disputed=True),
		fi("SINV-5", date(2026, 3, 1), 700, "C", in_legal=True, disputed=True),
		fi("SINV-6", date(2026, 9, 20), 2000, "D"),
		fi("SINV-7", date(2026, 12, 31), 100, "D"),
		fi("CN-1", date(2026, 6, 10), -100, "E"),
	]


LATENESS = Lateness(customers={"A": D("12.5")}, groups={"G": D(20)}, company=D("4.6"))


def weekly(receipt):
	"""{week: amount} of a receipt's weeks with something in them, later as week 0."""
	found = {k: a for k, a in enumerate(receipt.weeks, start=1) if a}
	if receipt.later:
		found[0] = receipt.later
	return found


def test_worked_example_without_history():
	# no profile: every item in full in its habit week (week 1 when that has passed)
	result = forecast(worked_items(), AS_OF, LATENESS, weeks=13)
	got = {(r.voucher_no, r.source): r for r in result.receipts}
	# A is 12.5 -> 13 days late: SINV-1 (due 10 July) on 23 July, week 4; SINV-2 (due 1 May) on
	# 14 May, long passed: week 1, where A's credit of 300 comes off first
	one, two = got[("SINV-1", Source.CUSTOMER)], got[("SINV-2", Source.CUSTOMER)]
	assert (one.days_late, one.expected_date, weekly(one)) == (13, date(2026, 7, 23), {4: D(1000)})
	assert (two.expected_date, weekly(two), two.credit_applied, two.amounts[0]) == (
		date(2026, 5, 14),
		{1: D(500)},
		D(300),
		D(200),
	)
	# B has no figure: its group's 20 days; 300 promised for 15 July (week 3) in full, the rest
	# (habit 10 July, week 2) no earlier than the promise
	promised, rest = got[("SINV-3", Source.PROMISE)], got[("SINV-3", Source.CUSTOMER_GROUP)]
	assert (promised.outstanding, weekly(promised)) == (D(300), {3: D(300)})
	assert (rest.outstanding, rest.days_late, weekly(rest)) == (D(500), 20, {3: D(500)})
	# D: the company's 4.6 -> 5 days: 25 September is in week 13; 5 January 2027 is later
	assert weekly(got[("SINV-6", Source.COMPANY)]) == {13: D(2000)}
	assert weekly(got[("SINV-7", Source.COMPANY)]) == {0: D(100)}
	assert result.amounts[:4] == (D(200), D(0), D(800), D(1000))
	assert result.amounts[12] == D(2000)
	assert result.later == D(100)
	assert result.total == D(4100)
	assert result.not_expected == 0
	assert (result.disputed, result.legal) == (D(50), D(700))
	assert {(s.voucher_no, s.reason) for s in result.set_apart} == {
		("SINV-4", SetApartReason.DISPUTED),
		("SINV-5", SetApartReason.LEGAL),
	}
	assert result.unapplied_credit == {"E": D(100)}


def test_worked_example_naive():
	result = naive_forecast(worked_items(), AS_OF, weeks=13)
	# overdue (SINV-2, 3, 4, 5) in week 1 less A's credit of 300; SINV-1 on 10 July (week 2),
	# SINV-6 on 20 September (week 12), SINV-7 later
	assert result.amounts[0] == D(500 - 300 + 800 + 50 + 700)
	assert result.amounts[1] == D(1000)
	assert result.amounts[11] == D(2000)
	assert result.later == D(100)
	assert {r.source for r in result.receipts} == {Source.DUE_DATE}


def test_an_item_follows_the_profile_from_its_habit_week():
	# SINV-1 of A (13 days late) has its habit date in week 4. Rates: 10 % of what is open in the
	# week before the habit week, 50 % in it and in the week after, nothing later:
	# week 3: 10 % of 1000 = 100; week 4: 50 % of 900 = 450; week 5: 50 % of 450 = 225; the last
	# 225 are not expected.
	profile = profile_of({-1: "0.1", 0: "0.5", 1: "0.5"})
	result = forecast([fi("SINV-1", date(2026, 7, 10), 1000, "A")], AS_OF, LATENESS, 6, profile=profile)
	(receipt,) = result.receipts
	assert receipt.weeks == (D(0), D(0), D(100), D(450), D(225), D(0))
	assert (receipt.later, receipt.not_expected) == (D(0), D(225))
	assert result.not_expected == D(225)
	# seen three weeks later with all of it still open, its habit date is in week 1: 50 %, 50 %
	later_on = forecast(
		[fi("SINV-1", date(2026, 7, 10), 1000, "A")],
		AS_OF + timedelta(days=21),
		LATENESS,
		3,
		profile=profile,
	)
	assert later_on.receipts[0].weeks == (D(500), D(250), D(0))


def test_what_the_profile_expects_after_the_weeks_is_later_and_the_rest_not_expected():
	# 10 % a week from the habit week on, in weeks 1-3; the item is due in week 1 (habit 0 days)
	profile = profile_of({r: "0.1" for r in range(13)})
	(receipt,) = forecast([fi("X", date(2026, 7, 2), 1000)], AS_OF, weeks=3, profile=profile).receipts
	# 100, 90, 81 in the weeks; 10 % a week for 10 more weeks of what is left (729): later; then 0
	assert receipt.weeks == (D(100), D(90), D(81))
	assert receipt.later == D("729") - (D("0.9") ** 10 * 729).quantize(D("0.01"))
	assert receipt.expected + receipt.not_expected == D(1000)


def test_an_item_long_past_its_habit_takes_the_rate_of_its_position():
	# the habit date was 20 weeks ago: positions 21 on are in band 13-26, then 27-52
	profile = CollectionProfile(
		tuple(BandRate(band, D(1), D(0), D("0.05") if band.first == 13 else None) for band in POSITION_BANDS)
	)
	(receipt,) = forecast(
		[fi("OLD", AS_OF - timedelta(days=140), 1000)], AS_OF, weeks=2, profile=profile
	).receipts
	# the other bands have no history: the nearest band with some (13-26) gives its rate
	assert receipt.weeks == (D(50), D("47.50"))


def test_the_lateness_falls_back_from_customer_to_group_to_company():
	assert days_late_for("A", "G", LATENESS) == (13, Source.CUSTOMER)
	assert days_late_for("B", "G", LATENESS) == (20, Source.CUSTOMER_GROUP)
	assert days_late_for("B", "", LATENESS) == (5, Source.COMPANY)
	assert days_late_for("B", "", Lateness()) == (0, Source.NO_HISTORY)
	# a customer who pays early is expected early; half a day rounds away from zero
	early = Lateness(customers={"E": D("-6.5")})
	assert days_late_for("E", "", early) == (-7, Source.CUSTOMER)
	(receipt,) = forecast([fi("SINV-E", date(2026, 7, 12), 100, "E")], AS_OF, early).receipts
	assert (receipt.expected_date, weekly(receipt)) == (date(2026, 7, 5), {1: D(100)})


def test_a_promise_for_more_than_is_open_expects_only_what_is_open():
	item = fi("SINV-1", date(2026, 6, 1), 200, promise=PromiseToPay(date(2026, 7, 20), D(500)))
	(receipt,) = forecast([item], AS_OF).receipts
	assert (receipt.source, receipt.outstanding, weekly(receipt)) == (Source.PROMISE, D(200), {3: D(200)})


def test_a_promise_already_due_moves_to_the_first_day():
	item = fi("SINV-1", date(2026, 6, 1), 200, promise=PromiseToPay(date(2026, 6, 15), D(200)))
	(receipt,) = forecast([item], AS_OF).receipts
	assert weekly(receipt) == {1: D(200)}


def test_the_rest_of_a_promised_item_comes_no_earlier_than_the_promise():
	profile = profile_of({r: "0.5" for r in range(-7, 13)})
	item = fi("SINV-1", date(2026, 7, 1), 1000, promise=PromiseToPay(date(2026, 7, 22), D(400)))
	promised, rest = forecast([item], AS_OF, weeks=5, profile=profile).receipts
	assert weekly(promised) == {4: D(400)}
	# the rest (600, habit in week 1) is open until week 4, then collected at 50 % a week
	assert rest.weeks == (D(0), D(0), D(0), D(300), D(150))


def test_credits_go_to_the_earliest_receipts_first_and_stay_with_their_customer():
	items = [
		fi("SINV-1", date(2026, 7, 20), 100, "A"),
		fi("SINV-2", date(2026, 7, 2), 100, "A"),
		fi("SINV-3", date(2026, 7, 2), 100, "B"),
		fi("CN-1", date(2026, 6, 1), -150, "A"),
	]
	result = forecast(items, AS_OF)
	got = {r.voucher_no: (r.credit_applied, r.amount) for r in result.receipts}
	assert got == {"SINV-2": (D(100), D(0)), "SINV-1": (D(50), D(50)), "SINV-3": (D(0), D(100))}
	assert result.unapplied_credit == {}
	# spread over weeks, the credit takes the earliest weeks of every receipt first
	profile = profile_of({0: "0.5", 1: "1"})
	spread = forecast(items, AS_OF, weeks=4, profile=profile)
	a = {r.voucher_no: r.amounts for r in spread.receipts if r.customer == "A"}
	# SINV-2: 50 in week 1, 50 in week 2; SINV-1: 50 in week 3, 50 in week 4: 150 off weeks 1-3
	assert a == {"SINV-2": (D(0), D(0), D(0), D(0)), "SINV-1": (D(0), D(0), D(0), D(50))}


def test_set_apart_items_are_not_netted():
	items = [fi("SINV-1", date(2026, 7, 2), 100, "A", disputed=True), fi("CN-1", date(2026, 6, 1), -60, "A")]
	result = forecast(items, AS_OF)
	assert result.receipts == ()
	assert result.unapplied_credit == {"A": D(60)}


@pytest.mark.parametrize(
	("kwargs", "code"),
	[
		({"weeks": 0}, "forecast_weeks_out_of_range"),
		({"weeks": 53}, "forecast_weeks_out_of_range"),
		({"lateness": Lateness(customers={"A": D(40000)})}, "lateness_out_of_range"),
		({"lateness": Lateness(company=D(-40000))}, "lateness_out_of_range"),
	],
)
def test_bad_forecast_settings_are_rejected(kwargs, code):
	with pytest.raises(RuleError) as caught:
		forecast([], AS_OF, **kwargs)
	assert caught.value.codes == (code,)


def test_a_promise_of_nothing_is_rejected():
	item = fi("SINV-1", date(2026, 7, 10), 100, promise=PromiseToPay(date(2026, 7, 1), D(0)))
	with pytest.raises(RuleError) as caught:
		forecast([item], AS_OF)
	assert caught.value.codes == ("promise_amount_not_positive",)
	assert "SINV-1" in str(caught.value)


def test_the_weeks_start_the_day_after_the_as_of_date():
	ranges = week_ranges(AS_OF, 2)
	assert [(r.first, r.last) for r in ranges] == [
		(date(2026, 7, 1), date(2026, 7, 7)),
		(date(2026, 7, 8), date(2026, 7, 14)),
		(date(2026, 7, 15), None),
	]
	assert [week_of(day, AS_OF) for day in (AS_OF, date(2026, 7, 7), date(2026, 7, 8))] == [1, 1, 2]


# --- properties ---------------------------------------------------------------------------------

cents = st.integers(min_value=-(10**7), max_value=10**7).map(lambda c: Decimal(c) / 100)
offsets = st.integers(min_value=-800, max_value=400)
promises = st.none() | st.builds(
	PromiseToPay,
	promised_date=offsets.map(lambda d: AS_OF + timedelta(days=d)),
	amount=st.integers(min_value=1, max_value=10**7).map(lambda c: Decimal(c) / 100),
)


def items_strategy(flags=True):
	return st.lists(
		st.builds(
			ForecastItem,
			customer=st.sampled_from(["A", "B", "C"]),
			voucher_type=st.just("Sales Invoice"),
			voucher_no=st.sampled_from([f"SINV-{n}" for n in range(8)]),
			due_date=offsets.map(lambda d: AS_OF + timedelta(days=d)),
			outstanding=cents,
			customer_group=st.sampled_from(["", "G1", "G2"]),
			disputed=st.booleans() if flags else st.just(False),
			in_legal=st.booleans() if flags else st.just(False),
			promise=promises if flags else st.none(),
		),
		max_size=20,
	)


days = st.none() | st.integers(min_value=-5000, max_value=20000).map(lambda c: Decimal(c) / 100)
lateness_strategy = st.builds(
	Lateness,
	customers=st.dictionaries(st.sampled_from(["A", "B", "C"]), days),
	groups=st.dictionaries(st.sampled_from(["G1", "G2"]), days),
	company=days,
)
rates = st.none() | st.integers(min_value=0, max_value=10**6).map(lambda c: Decimal(c) / 10**6)
profiles = st.one_of(
	st.just(NO_PROFILE),
	st.lists(rates, min_size=len(POSITION_BANDS), max_size=len(POSITION_BANDS)).map(
		lambda values: CollectionProfile(
			tuple(BandRate(band, D(1), D(0), rate) for band, rate in zip(POSITION_BANDS, values, strict=True))
		)
	),
)


@given(items=items_strategy(), lateness=lateness_strategy, weeks=st.integers(1, 52), profile=profiles)
def test_every_part_is_positive_and_an_item_never_brings_more_than_it_owes(items, lateness, weeks, profile):
	result = forecast(items, AS_OF, lateness, weeks, profile=profile)
	for r in result.receipts:
		assert len(r.weeks) == len(r.amounts) == weeks
		assert all(part >= 0 for part in (*r.weeks, r.later, *r.amounts, r.later_amount))
		assert all(a <= w for a, w in zip(r.amounts, r.weeks, strict=True)) and r.later_amount <= r.later
		assert 0 <= r.expected <= r.outstanding
		assert r.amount == r.expected - r.credit_applied
	assert result.total == sum((r.amount for r in result.receipts), D(0))
	assert len(result.weeks) == weeks
	# every positive item is either forecast (its outstanding split into parts) or set apart
	positive = sum((i.outstanding for i in items if i.outstanding > 0), D(0))
	assert sum((r.outstanding for r in result.receipts), D(0)) + result.disputed + result.legal == positive
	# the credits are either applied or reported
	credits = -sum((i.outstanding for i in items if i.outstanding < 0), D(0))
	applied = sum((r.credit_applied for r in result.receipts), D(0))
	assert applied + sum(result.unapplied_credit.values(), D(0)) == credits


@given(items=items_strategy(flags=False), weeks=st.integers(1, 52))
def test_without_history_and_lateness_the_forecast_is_the_naive_one(items, weeks):
	result = forecast(items, AS_OF, Lateness(company=D(0)), weeks)
	naive = naive_forecast(items, AS_OF, weeks)
	assert result.weeks == naive.weeks
	assert result.later == naive.later
	assert result.unapplied_credit == naive.unapplied_credit
	assert [(r.voucher_no, r.amounts, r.later_amount) for r in result.receipts] == [
		(r.voucher_no, r.amounts, r.later_amount) for r in naive.receipts
	]


@given(
	items=items_strategy(flags=False).filter(bool),
	lateness=lateness_strategy,
	index=st.integers(min_value=0, max_value=19),
	later_by=st.integers(min_value=0, max_value=400),
)
def test_without_history_a_later_due_date_never_brings_money_earlier(items, lateness, index, later_by):
	index %= len(items)
	moved = list(items)
	moved[index] = items[index]._replace(due_date=items[index].due_date + timedelta(days=later_by))
	before = forecast([items[index]], AS_OF, lateness, 13).receipts
	after = forecast([moved[index]], AS_OF, lateness, 13).receipts
	for a, b in zip(before, after, strict=True):
		through_a = through_b = D(0)
		for week_a, week_b in zip(a.weeks, b.weeks, strict=True):
			through_a += week_a
			through_b += week_b
			assert through_b <= through_a


@given(day=st.integers(min_value=-30, max_value=200), weeks=st.integers(1, 20))
def test_week_of_and_week_ranges_are_one_partition(day, weeks):
	when = AS_OF + timedelta(days=day)
	ranges = week_ranges(AS_OF, weeks)
	week = week_of(when, AS_OF)
	if when <= AS_OF:
		assert week == 1
	else:
		holding = [k for k, r in enumerate(ranges, start=1) if when in r]
		assert holding == [min(week, weeks + 1)]
