from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ar_control.core.collection_profile import PROFILE_BANDS, collection_profile
from ar_control.core.escalation import DEFAULT_RECOVERY, RecoveryStep
from ar_control.core.forecast import (
	ForecastItem,
	Lateness,
	PromiseToPay,
	SetApartReason,
	Source,
	days_late_for,
	forecast,
	forecast_item,
	naive_forecast,
	week_of,
	week_ranges,
	weekly_amounts,
)
from ar_control.core.problems import RuleError
from tests.factories import D, make_item

AS_OF = date(2026, 6, 30)  # the first forecast day is 1 July; week 1 is 1-7 July
CURVE = (RecoveryStep(0, D(95)), RecoveryStep(60, D(70)), RecoveryStep(365, D(40)))
FLAT = (RecoveryStep(0, D(100)),)


def fi(voucher_no, due, outstanding, customer="CUST-1", **kwargs):
	return ForecastItem(
		customer, kwargs.pop("voucher_type", "Sales Invoice"), voucher_no, due, D(outstanding), **kwargs
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


def test_worked_example():
	result = forecast(worked_items(), AS_OF, LATENESS, CURVE)
	got = [
		(r.voucher_no, r.source, r.expected_date, r.days_past_due, r.expected, r.amount)
		for r in result.receipts
	]
	assert got == [
		# A is 12.5 -> 13 days late: 10 July + 13 = 23 July, 13 days past due: 95 % of 1000
		("SINV-1", Source.CUSTOMER, date(2026, 7, 23), 13, D(950), D(950)),
		# 1 May + 13 = 14 May is past: 1 July, 61 days past due: 70 % of 500 = 350; A's 300 of
		# credit go to its earliest receipt: 350 - 300 = 50
		("SINV-2", Source.CUSTOMER, date(2026, 7, 1), 61, D(350), D(50)),
		# B promised 300 on 15 July (25 days past due): 95 % = 285; the other 500 follow its group's
		# 20 days (20 June + 20 = 10 July) but not before the promised date: 15 July, 95 % = 475
		("SINV-3", Source.PROMISE, date(2026, 7, 15), 25, D(285), D(285)),
		("SINV-3", Source.CUSTOMER_GROUP, date(2026, 7, 15), 25, D(475), D(475)),
		# D has no history of its own or of a group: the company's 4.6 -> 5 days; 95 %
		("SINV-6", Source.COMPANY, date(2026, 9, 25), 5, D(1900), D(1900)),
		("SINV-7", Source.COMPANY, date(2027, 1, 5), 5, D(95), D(95)),
	]
	assert result.first_day == date(2026, 7, 1)
	amounts = result.amounts
	assert amounts[0] == D(50)  # 1-7 July
	assert amounts[2] == D(760)  # 15-21 July: 285 + 475
	assert amounts[3] == D(950)  # 22-28 July
	assert amounts[12] == D(1900)  # 23-29 September
	assert sum(amounts) == D(3660)  # 50 + 760 + 950 + 1900
	assert result.later == D(95)  # 5 January 2027 is after week 13
	assert result.total == D(3755)
	assert [(s.voucher_no, s.reason) for s in result.set_apart] == [
		("SINV-4", SetApartReason.DISPUTED),
		("SINV-5", SetApartReason.LEGAL),  # Legal before Disputed
	]
	assert (result.disputed, result.legal) == (D(50), D(700))
	assert result.unapplied_credit == {"E": D(100)}


def test_worked_example_naive():
	result = naive_forecast(worked_items(), AS_OF)
	assert all(r.source is Source.DUE_DATE and r.recoverable_percent == 100 for r in result.receipts)
	amounts = result.amounts
	# week 1: SINV-2 500 - A's 300 credit + SINV-3 800 + SINV-4 50 + SINV-5 700 (all overdue: 1 July)
	assert amounts[0] == D(1750)
	assert amounts[1] == D(1000)  # SINV-1 on 10 July
	assert amounts[11] == D(2000)  # SINV-6 on 20 September (16-22 September)
	assert sum(amounts) == D(4750)
	assert result.later == D(100)
	assert result.set_apart == ()
	assert result.unapplied_credit == {"E": D(100)}


def test_the_weeks_start_the_day_after_the_as_of_date():
	ranges = week_ranges(AS_OF, 2)
	assert [(r.first, r.last) for r in ranges] == [
		(date(2026, 7, 1), date(2026, 7, 7)),
		(date(2026, 7, 8), date(2026, 7, 14)),
		(date(2026, 7, 15), None),  # later
	]
	assert [week_of(d, AS_OF, 2) for d in (date(2026, 6, 1), AS_OF, date(2026, 7, 7), date(2026, 7, 8))] == [
		1,
		1,
		1,
		2,
	]
	assert week_of(date(2026, 7, 15), AS_OF, 2) is None


def test_actual_collections_are_bucketed_by_the_same_weeks():
	dated = [
		(date(2026, 7, 1), D(10)),
		(date(2026, 7, 7), D(5)),
		(date(2026, 7, 8), D(7)),
		(date(2026, 8, 1), D(1)),
	]
	assert weekly_amounts(dated, AS_OF, 2) == ((D(15), D(7)), D(1))


def test_the_lateness_falls_back_from_customer_to_group_to_company():
	lateness = Lateness(customers={"A": D(3), "N": None}, groups={"G": D("7.5")}, company=D(2))
	assert days_late_for(fi("X", AS_OF, 1, "A", customer_group="G"), lateness) == (3, Source.CUSTOMER)
	# no judged history of its own (None): the group's, 7.5 rounded half up
	assert days_late_for(fi("X", AS_OF, 1, "N", customer_group="G"), lateness) == (8, Source.CUSTOMER_GROUP)
	assert days_late_for(fi("X", AS_OF, 1, "N", customer_group="H"), lateness) == (2, Source.COMPANY)
	assert days_late_for(fi("X", AS_OF, 1, "N"), Lateness()) == (0, Source.NO_HISTORY)
	assert days_late_for(fi("X", AS_OF, 1, "N"), Lateness(company=D("0.49"))) == (0, Source.COMPANY)


def test_a_receipt_by_its_due_date_is_not_discounted():
	# the default curve starts at 80 %, but it is a curve of overdue debt
	item = fi("SINV-1", date(2026, 7, 10), 1000)
	on_time = forecast([item], AS_OF, curve=DEFAULT_RECOVERY)
	assert on_time.receipts[0].recoverable_percent == 100
	assert on_time.receipts[0].amount == D(1000)
	late = forecast([item], AS_OF, Lateness(company=D(1)), DEFAULT_RECOVERY)
	assert (late.receipts[0].recoverable_percent, late.receipts[0].amount) == (D(80), D(800))
	very_late = forecast([fi("SINV-1", date(2024, 1, 1), "1000.05")], AS_OF, curve=DEFAULT_RECOVERY)
	# 1 July 2026 is 912 days after 1 January 2024: 20 % of 1000.05 = 200.01
	assert very_late.receipts[0].amount == D("200.01")


def test_a_promise_for_more_than_is_open_expects_only_what_is_open():
	promise = PromiseToPay(date(2026, 7, 20), D(5000))
	result = forecast([fi("SINV-1", date(2026, 7, 25), 1000, promise=promise)], AS_OF, curve=FLAT)
	[receipt] = result.receipts
	assert (receipt.source, receipt.expected_date, receipt.amount) == (
		Source.PROMISE,
		date(2026, 7, 20),
		D(1000),
	)


def test_a_promise_already_due_moves_to_the_first_day():
	promise = PromiseToPay(date(2026, 6, 25), D(100))
	result = forecast([fi("SINV-1", date(2026, 6, 1), 100, promise=promise)], AS_OF, curve=FLAT)
	assert result.receipts[0].expected_date == date(2026, 7, 1)


def test_credits_go_to_the_earliest_receipts_first_and_stay_with_their_customer():
	items = [
		fi("SINV-1", date(2026, 8, 1), 400),
		fi("SINV-2", date(2026, 7, 5), 100),
		fi("CN-1", date(2026, 6, 1), -250),
		fi("SINV-3", date(2026, 7, 2), 1000, customer="OTHER"),
	]
	result = forecast(items, AS_OF, curve=FLAT)
	# 250: 100 to SINV-2 (5 July), 150 to SINV-1 (1 August); OTHER keeps all of its 1000
	assert [(r.voucher_no, r.credit_applied, r.amount) for r in result.receipts] == [
		("SINV-1", D(150), D(250)),
		("SINV-2", D(100), D(0)),
		("SINV-3", D(0), D(1000)),
	]
	assert result.unapplied_credit == {}


def test_set_apart_items_are_not_netted():
	items = [fi("SINV-1", date(2026, 7, 5), 100, disputed=True), fi("CN-1", date(2026, 6, 1), -40)]
	result = forecast(items, AS_OF)
	assert result.receipts == ()
	assert (result.disputed, result.unapplied_credit) == (D(100), {"CUST-1": D(40)})


def test_open_items_of_the_aging_become_forecast_items():
	advance = make_item(
		"PE-1", due=None, posted=date(2026, 6, 15), outstanding=-250, voucher_type="Payment Entry"
	)
	assert forecast_item(advance, "Retail") == ForecastItem(
		"CUST-1", "Payment Entry", "PE-1", date(2026, 6, 15), D(-250), "Retail"
	)


@pytest.mark.parametrize(
	("kwargs", "code"),
	[
		({"weeks": 0}, "forecast_weeks_out_of_range"),
		({"weeks": 521}, "forecast_weeks_out_of_range"),
		({"curve": (RecoveryStep(5, D(50)),)}, "recovery_no_start"),
		({"lateness": Lateness(customers={"A": D(-1)})}, "lateness_out_of_range"),
		({"lateness": Lateness(company=D(99999))}, "lateness_out_of_range"),
	],
)
def test_bad_forecast_settings_are_rejected(kwargs, code):
	with pytest.raises(RuleError) as caught:
		forecast([fi("SINV-1", AS_OF, 1)], AS_OF, **kwargs)
	assert code in caught.value.codes


def test_a_promise_of_nothing_is_rejected():
	item = fi("SINV-1", AS_OF, 1, promise=PromiseToPay(AS_OF, D(0)))
	with pytest.raises(RuleError) as caught:
		forecast([item], AS_OF)
	assert caught.value.codes == ("promise_amount_not_positive",)
	assert "SINV-1" in str(caught.value)


# --- the collection profile of stale items ----------------------------------------------------------


def profile_of(*band_shares):
	"""A profile whose band ``i`` has the shares given (in %), from totals of 100."""
	return collection_profile({i: (D(100), tuple(D(x) for x in shares)) for i, shares in band_shares})


def test_worked_example_of_a_stale_item_spread_by_the_profile():
	# A is 13 days late; SINV-2 was due 1 May (14 May is past): stale, 60 days past due on the
	# as-of date -> band 31-60, which came in 10 %, 5 %, 0 %, 2 % in the four weeks after a month-end
	profile = profile_of((1, (10, 5, 0, 2)))
	items = [
		fi("SINV-2", date(2026, 5, 1), 500, "A"),
		fi("SINV-1", date(2026, 7, 10), 1000, "A"),  # not stale: the customer rule
		fi("SINV-9", date(2026, 6, 25), 200, "A"),  # stale, 5 days past due: band 1-30, no history
		fi("PE-1", date(2026, 6, 1), -30, "A", voucher_type="Payment Entry"),
	]
	result = forecast(items, AS_OF, LATENESS, CURVE, weeks=3, profile=profile)
	got = [
		(r.voucher_no, r.source, r.expected_date, r.week, r.outstanding, r.expected, r.amount)
		for r in result.receipts
	]
	assert got == [
		# 10 % of 500 on the first day, less A's credit of 30 (the earliest receipt); 5 % in week 2;
		# week 3 gets 0 %; the 2 % of week 4 are after the 3 weeks: later; 83 % are not expected
		("SINV-2", Source.PROFILE, date(2026, 7, 1), 1, D(50), D(50), D(20)),
		("SINV-2", Source.PROFILE, date(2026, 7, 8), 2, D(25), D(25), D(25)),
		("SINV-2", Source.PROFILE, date(2026, 7, 22), None, D(10), D(10), D(10)),
		("SINV-2", Source.PROFILE, date(2026, 7, 22), None, D(415), D(0), D(0)),
		# 10 July + 13 days: 23 July, after the 3 weeks; 95 %
		("SINV-1", Source.CUSTOMER, date(2026, 7, 23), None, D(1000), D(950), D(950)),
		# 25 June + 13 = 8 July is not past: not stale (it comes in week 2 by the customer rule)
		("SINV-9", Source.CUSTOMER, date(2026, 7, 8), 2, D(200), D(190), D(190)),
	]
	assert result.amounts == (D(20), D(215), D(0))
	assert result.later == D(960)
	# a stale item of a band without history keeps the customer rule: first day, by the curve
	old = forecast([fi("SINV-8", date(2026, 6, 1), 100, "A")], AS_OF, LATENESS, CURVE, 3, profile=profile)
	assert [(r.source, r.expected_date, r.amount) for r in old.receipts] == [
		(Source.CUSTOMER, date(2026, 7, 1), D(95))
	]
	# a promise keeps its own rule, disputes and Legal stay apart
	promised = fi("SINV-2", date(2026, 5, 1), 500, "A", promise=PromiseToPay(date(2026, 7, 9), D(100)))
	disputed = fi("SINV-3", date(2026, 5, 1), 400, "A", disputed=True)
	kept = forecast([promised, disputed], AS_OF, LATENESS, CURVE, 3, profile=profile)
	assert {r.source for r in kept.receipts} == {Source.PROMISE, Source.CUSTOMER}
	assert kept.disputed == D(400)


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


days = st.none() | st.integers(min_value=0, max_value=20000).map(lambda c: Decimal(c) / 100)
lateness_strategy = st.builds(
	Lateness,
	customers=st.dictionaries(st.sampled_from(["A", "B", "C"]), days),
	groups=st.dictionaries(st.sampled_from(["G1", "G2"]), days),
	company=days,
)


@st.composite
def curves(draw):
	starts = sorted(draw(st.sets(st.integers(min_value=1, max_value=1500), max_size=4)))
	return tuple(
		RecoveryStep(start, Decimal(draw(st.integers(min_value=0, max_value=100)))) for start in [0, *starts]
	)


@given(items=items_strategy(), lateness=lateness_strategy, curve=curves(), weeks=st.integers(1, 30))
def test_a_receipt_never_exceeds_the_outstanding_and_the_weeks_add_up(items, lateness, curve, weeks):
	result = forecast(items, AS_OF, lateness, curve, weeks)
	for r in result.receipts:
		assert 0 <= r.amount <= r.expected <= r.outstanding
		assert r.expected_date >= result.first_day
		assert r.week == week_of(r.expected_date, AS_OF, weeks)
	for item in items:
		mine = [r for r in result.receipts if r.voucher_no == item.voucher_no and r.customer == item.customer]
		assert sum((r.amount for r in mine), D(0)) <= sum(
			(
				i.outstanding
				for i in items
				if (i.voucher_no, i.customer) == (item.voucher_no, item.customer) and i.outstanding > 0
			),
			D(0),
		)
	assert result.total == sum((r.amount for r in result.receipts), D(0))
	assert len(result.weeks) == weeks
	# every positive item is either expected in full (before the curve) or set apart
	positive = sum((i.outstanding for i in items if i.outstanding > 0), D(0))
	assert sum((r.outstanding for r in result.receipts), D(0)) + result.disputed + result.legal == positive
	# the credits are either applied or reported
	credits = -sum((i.outstanding for i in items if i.outstanding < 0), D(0))
	applied = sum((r.credit_applied for r in result.receipts), D(0))
	assert applied + sum(result.unapplied_credit.values(), D(0)) == credits


@given(
	items=items_strategy().filter(bool),
	lateness=lateness_strategy,
	curve=curves(),
	index=st.integers(min_value=0, max_value=19),
	later_by=st.integers(min_value=0, max_value=400),
)
def test_a_later_due_date_never_moves_a_receipt_earlier(items, lateness, curve, index, later_by):
	index %= len(items)
	moved = list(items)
	moved[index] = items[index]._replace(due_date=items[index].due_date + timedelta(days=later_by))
	before, after = forecast(items, AS_OF, lateness, curve), forecast(moved, AS_OF, lateness, curve)
	assert len(before.receipts) == len(after.receipts)
	for a, b in zip(before.receipts, after.receipts, strict=True):
		assert b.expected_date >= a.expected_date
	naive_before, naive_after = naive_forecast(items, AS_OF), naive_forecast(moved, AS_OF)
	for a, b in zip(naive_before.receipts, naive_after.receipts, strict=True):
		assert b.expected_date >= a.expected_date


@given(items=items_strategy(flags=False), weeks=st.integers(1, 30))
def test_without_lateness_and_with_a_flat_curve_the_forecast_is_the_naive_one(items, weeks):
	result = forecast(items, AS_OF, Lateness(company=D(0)), FLAT, weeks)
	naive = naive_forecast(items, AS_OF, weeks)
	assert result.weeks == naive.weeks
	assert result.later == naive.later
	assert result.unapplied_credit == naive.unapplied_credit
	assert [(r.voucher_no, r.expected_date, r.amount) for r in result.receipts] == [
		(r.voucher_no, r.expected_date, r.amount) for r in naive.receipts
	]


@given(day=st.integers(min_value=-30, max_value=200), weeks=st.integers(1, 20))
def test_week_of_and_week_ranges_are_one_partition(day, weeks):
	when = AS_OF + timedelta(days=day)
	ranges = week_ranges(AS_OF, weeks)
	week = week_of(when, AS_OF, weeks)
	if when <= AS_OF:
		assert week == 1
	else:
		holding = [k for k, r in enumerate(ranges, start=1) if when in r]
		assert holding == [week if week is not None else weeks + 1]


@st.composite
def profiles(draw):
	totals = {}
	for index in draw(st.sets(st.integers(0, len(PROFILE_BANDS) - 1))):
		weeks = draw(st.lists(st.integers(min_value=0, max_value=10**6).map(D), max_size=30))
		totals[index] = (D(draw(st.integers(min_value=0, max_value=10**6))), tuple(weeks))
	return collection_profile(totals)


@given(
	items=items_strategy(),
	lateness=lateness_strategy,
	curve=curves(),
	weeks=st.integers(1, 30),
	profile=profiles(),
)
def test_with_a_profile_receipts_still_never_exceed_the_outstanding(items, lateness, curve, weeks, profile):
	result = forecast(items, AS_OF, lateness, curve, weeks, profile=profile)
	for r in result.receipts:
		assert 0 <= r.amount <= r.expected <= r.outstanding
		assert r.expected_date >= result.first_day
		assert r.week == week_of(r.expected_date, AS_OF, weeks)
		if r.source is Source.PROFILE:
			assert r.days_late is not None and r.due_date + timedelta(days=r.days_late) <= AS_OF
	positive = sum((i.outstanding for i in items if i.outstanding > 0), D(0))
	assert sum((r.outstanding for r in result.receipts), D(0)) + result.disputed + result.legal == positive
	credits = -sum((i.outstanding for i in items if i.outstanding < 0), D(0))
	applied = sum((r.credit_applied for r in result.receipts), D(0))
	assert applied + sum(result.unapplied_credit.values(), D(0)) == credits
	assert result.total == sum((r.amount for r in result.receipts), D(0))


@given(items=items_strategy(), lateness=lateness_strategy, weeks=st.integers(1, 30))
def test_a_profile_of_100_percent_in_week_1_places_stale_items_on_the_first_day_without_the_curve(
	items, lateness, weeks
):
	everything_at_once = collection_profile({i: (D(50), (D(50), D(7))) for i in range(len(PROFILE_BANDS))})
	assert everything_at_once.shares_for(400) == (D(1), D(0))
	spread_out = forecast(items, AS_OF, lateness, FLAT, weeks, profile=everything_at_once)
	today = forecast(items, AS_OF, lateness, FLAT, weeks)
	assert spread_out.weeks == today.weeks
	assert spread_out.later == today.later
	assert spread_out.unapplied_credit == today.unapplied_credit
	assert [(r.voucher_no, r.expected_date, r.amount) for r in spread_out.receipts] == [
		(r.voucher_no, r.expected_date, r.amount) for r in today.receipts
	]
	# with the curve, today's rule discounts them; the profile does not
	for r in spread_out.receipts:
		if r.source is Source.PROFILE:
			assert r.expected_date == spread_out.first_day and r.recoverable_percent == 100
