from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ar_control.core.problems import RuleError
from ar_control.core.provision import (
	DEFAULT_MATRIX,
	BandSnapshot,
	Coverage,
	Matrix,
	ProvisionItem,
	RateBand,
	Specific,
	check_history,
	check_matrix,
	check_specifics,
	historical_loss_rates,
	historical_matrix,
	lookback_window,
	make_matrix,
	provision,
	provision_items,
)
from tests.factories import D, make_item

AS_OF = date(2026, 6, 30)


def item(voucher_no="SINV-1", outstanding="1000", days=0, customer="CUST-1", voucher_type="Sales Invoice"):
	return ProvisionItem(customer, voucher_type, voucher_no, D(outstanding), days)


# --- the aging-rate matrix ----------------------------------------------------------------------


@pytest.mark.parametrize(
	("days", "band"),
	[(-30, 0), (0, 0), (365, 0), (366, 1), (730, 1), (731, 2), (1095, 2), (1460, 3), (1825, 4), (1826, 5)],
)
def test_the_default_matrix_bands_whole_years_past_due(days, band):
	assert DEFAULT_MATRIX.index(days) == band


def test_the_default_matrix_is_the_chinese_practice():
	assert [b.rate_percent for b in DEFAULT_MATRIX.bands] == [D(5), D(10), D(30), D(50), D(80), D(100)]
	assert DEFAULT_MATRIX.labels == (
		"Within 1 year",
		"1-2 years",
		"2-3 years",
		"3-4 years",
		"4-5 years",
		"Over 5 years",
	)
	assert check_matrix(DEFAULT_MATRIX.bands) == []


def test_bands_without_a_label_are_named_by_their_days():
	matrix = make_matrix([RateBand(0, D(1)), RateBand(90, D(10)), RateBand(None, D(50))])
	assert matrix.labels == ("0-0", "1-90", "91-Above")


def test_worked_example_with_the_default_matrix():
	items = [
		item("SINV-1", 1000, days=-10),  # not yet due: first band, 5 % = 50
		item("SINV-2", 1000, days=365),  # 5 % = 50
		item("SINV-3", 1000, days=366),  # 10 % = 100
		item("SINV-4", 1000, days=1000),  # 30 % = 300
		item("SINV-5", 1000, days=1200),  # 50 % = 500
		item("SINV-6", 1000, days=1600),  # 80 % = 800
		item("SINV-7", "1000.01", days=2000),  # 100 % = 1000.01
	]
	run = provision(items, booked=D(2000))
	assert [line.provision for line in run.lines] == [
		D(50),
		D(50),
		D(100),
		D(300),
		D(500),
		D(800),
		D("1000.01"),
	]
	# 50 + 50 + 100 + 300 + 500 + 800 + 1000.01 = 2800.01; booked 2000 -> charge 800.01
	assert run.required == D("2800.01")
	assert run.adjustment == D("800.01")
	assert (run.expense, run.release) == (D("800.01"), D(0))
	assert [b.provision for b in run.bands] == [D(100), D(100), D(300), D(500), D(800), D("1000.01")]
	assert all(line.coverage is Coverage.MATRIX for line in run.lines)


def test_rates_round_half_up_to_the_cent_per_item():
	# 0.30 * 5 % = 0.015 -> 0.02; 10.10 * 5 % = 0.505 -> 0.51
	run = provision([item("A", "0.30"), item("B", "10.10")])
	assert [line.provision for line in run.lines] == [D("0.02"), D("0.51")]


def test_a_booked_balance_above_the_requirement_is_released():
	run = provision([item("SINV-1", 1000, days=10)], booked=D(80))
	# required 5 % of 1000 = 50; booked 80 -> release 30
	assert run.adjustment == D(-30)
	assert (run.expense, run.release) == (D(0), D(30))


# --- netting credits per customer ---------------------------------------------------------------


def test_credits_are_applied_to_the_oldest_items_first():
	items = [
		item("SINV-1", 500, days=10),  # band 0 (5 %)
		item("SINV-2", 1000, days=400),  # band 1 (10 %), the oldest
		item("PE-1", -300, days=5, voucher_type="Payment Entry"),  # an unallocated advance
	]
	run = provision(items)
	young, old = run.lines
	# the 300 go to SINV-2 (400 days): net 700 at 10 % = 70; SINV-1 keeps 500 at 5 % = 25
	assert (old.credit_applied, old.net, old.provision) == (D(300), D(700), D(70))
	assert (young.credit_applied, young.net, young.provision) == (D(0), D(500), D(25))
	assert run.required == D(95)
	[customer] = run.customers
	assert customer.outstanding == D(1200)  # the ledger balance: 500 + 1000 - 300
	assert (customer.credits, customer.unapplied_credit, customer.net) == (D(300), D(0), D(1200))
	assert [(r.band, r.outstanding, r.credit_applied, r.net, r.provision) for r in run.rows] == [
		(0, D(500), D(0), D(500), D(25)),
		(1, D(1000), D(300), D(700), D(70)),
	]


def test_credits_spill_over_to_younger_items_and_never_cross_customers():
	items = [
		item("SINV-1", 200, days=800),
		item("SINV-2", 300, days=30),
		item("CN-1", -350, voucher_type="Sales Invoice"),
		item("SINV-3", 1000, days=30, customer="CUST-2"),
	]
	run = provision(items)
	# 350 credit: 200 to SINV-1 (oldest), 150 to SINV-2 -> net 0 and 150; 150 * 5 % = 7.50
	assert [(line.voucher_no, line.net, line.provision) for line in run.lines] == [
		("SINV-1", D(0), D(0)),
		("SINV-2", D(150), D("7.50")),
		("SINV-3", D(1000), D(50)),
	]


def test_a_customer_owing_nothing_net_gets_no_provision_and_its_credit_is_reported():
	items = [item("SINV-1", 200, days=2000), item("PE-1", -500, voucher_type="Payment Entry")]
	run = provision(items)
	assert run.required == 0
	[customer] = run.customers
	assert (customer.outstanding, customer.unapplied_credit, customer.provision) == (D(-300), D(300), D(0))


# --- specific provisions ------------------------------------------------------------------------


def test_a_voucher_specific_beats_a_customer_specific_which_beats_the_matrix():
	items = [
		item("SINV-1", 1000, days=10, customer="C"),
		item("SINV-2", 2000, days=500, customer="C"),
		item("SINV-3", 400, days=2000, customer="C"),
		item("SINV-4", 1000, days=10, customer="OTHER"),
	]
	specifics = [
		Specific("C", "Customer in restructuring", rate_percent=D(50)),
		Specific("C", "Goods returned, credit note expected", amount=D(1500), voucher_no="SINV-2"),
	]
	run = provision(items, specifics=specifics)
	# SINV-1: customer 50 % of 1000 = 500; SINV-2: its own 1500; SINV-3: customer 50 % of 400 = 200
	# (the customer rate replaces the matrix's 100 %); OTHER: matrix 5 % of 1000 = 50
	assert [(line.coverage, line.rate_percent, line.provision) for line in run.lines] == [
		(Coverage.CUSTOMER, D(50), D(500)),
		(Coverage.VOUCHER, None, D(1500)),
		(Coverage.CUSTOMER, D(50), D(200)),
		(Coverage.MATRIX, D(5), D(50)),
	]
	assert run.lines[1].reason == "Goods returned, credit note expected"
	assert run.required == D(2250)
	# band 1 (SINV-2) holds 1500, all of it specific; band 0 has 500 specific + 50 matrix
	assert (run.bands[0].provision, run.bands[0].specific) == (D(550), D(500))
	assert (run.bands[1].provision, run.bands[1].specific) == (D(1500), D(1500))
	assert run.unused_specifics == ()


def test_an_amount_never_provides_more_than_the_outstanding():
	specifics = [Specific("CUST-1", "Bankrupt", amount=D(5000), voucher_no="SINV-1")]
	run = provision([item("SINV-1", 1000, days=10)], specifics=specifics)
	assert run.lines[0].provision == D(1000)


def test_a_customer_amount_is_split_in_proportion_to_net_outstanding_to_the_cent():
	items = [item("SINV-1", 100, days=1), item("SINV-2", 100, days=2), item("SINV-3", 100, days=3)]
	run = provision(items, specifics=[Specific("CUST-1", "Court ruling", amount=D(100))])
	# 100 in thirds: 33.33 each, the spare cent to the first
	assert [line.provision for line in run.lines] == [D("33.34"), D("33.33"), D("33.33")]
	items = [item("SINV-1", 300, days=1), item("SINV-2", 100, days=2)]
	run = provision(items, specifics=[Specific("CUST-1", "Court ruling", amount=D(200))])
	assert [line.provision for line in run.lines] == [D(150), D(50)]  # 200 * 3/4, 200 * 1/4


def test_a_specific_rate_applies_to_the_net_after_credits():
	items = [item("SINV-1", 1000, days=10), item("CN-1", -400)]
	run = provision(
		items, specifics=[Specific("CUST-1", "Doubtful", rate_percent=D(100), voucher_no="SINV-1")]
	)
	assert run.lines[0].provision == D(600)  # 100 % of 1000 - 400


def test_specifics_that_cover_nothing_open_are_reported():
	paid = Specific("CUST-1", "Was doubtful", rate_percent=D(100), voucher_no="SINV-9")
	gone = Specific("CUST-7", "Left the market", rate_percent=D(100))
	used = Specific("CUST-1", "Doubtful", rate_percent=D(20), voucher_no="SINV-1")
	run = provision([item("SINV-1", 100)], specifics=[paid, gone, used])
	assert run.unused_specifics == (paid, gone)
	assert run.lines[0].provision == D(20)


def test_a_voucher_specific_matches_its_voucher_type_too():
	jv = Specific(
		"CUST-1", "Disputed", rate_percent=D(100), voucher_no="SINV-1", voucher_type="Journal Entry"
	)
	run = provision([item("SINV-1", 100)], specifics=[jv])
	assert run.lines[0].coverage is Coverage.MATRIX
	assert run.unused_specifics == (jv,)


# --- validation ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
	("bands", "code"),
	[
		([], "provision_no_bands"),
		([RateBand(30, D(5)), RateBand(None, D(101))], "provision_rate_out_of_range"),
		([RateBand(30, D(-1)), RateBand(None, D(10))], "provision_rate_out_of_range"),
		([RateBand(60, D(5)), RateBand(30, D(6)), RateBand(None, D(7))], "provision_bands_not_increasing"),
		([RateBand(30, D(5)), RateBand(30, D(6)), RateBand(None, D(7))], "provision_bands_not_increasing"),
		([RateBand(None, D(5)), RateBand(30, D(6))], "provision_open_band_not_last"),
		([RateBand(30, D(5)), RateBand(60, D(6))], "provision_last_band_closed"),
		([RateBand(-1, D(5)), RateBand(None, D(6))], "provision_band_out_of_range"),
		([RateBand(99999, D(5)), RateBand(None, D(6))], "provision_band_out_of_range"),
		([RateBand(30, D("NaN")), RateBand(None, D(6))], "provision_rate_out_of_range"),
	],
)
def test_a_bad_matrix_is_rejected_with_a_reason(bands, code):
	assert code in [p.code for p in check_matrix(bands)]
	with pytest.raises(RuleError) as caught:
		provision([item()], matrix=Matrix(tuple(bands)))
	assert code in caught.value.codes


def test_every_matrix_problem_is_reported_at_once_with_its_figures():
	problems = check_matrix([RateBand(60, D(150)), RateBand(30, D(5))])
	assert [p.code for p in problems] == [
		"provision_rate_out_of_range",
		"provision_last_band_closed",
		"provision_bands_not_increasing",
	]
	assert problems[0].english() == "The provision rate of band 1 must be between 0 and 100 percent, not 150."
	assert (
		problems[2].english()
		== "Provision band 2 (30 days) must end later than the band before it (60 days)."
	)


@pytest.mark.parametrize(
	("specific", "code"),
	[
		(Specific("", "Reason", rate_percent=D(10)), "specific_customer_missing"),
		(Specific("C", " ", rate_percent=D(10)), "specific_reason_missing"),
		(Specific("C", "Reason"), "specific_rate_or_amount"),
		(Specific("C", "Reason", rate_percent=D(10), amount=D(5)), "specific_rate_or_amount"),
		(Specific("C", "Reason", rate_percent=D(120)), "specific_rate_out_of_range"),
		(Specific("C", "Reason", amount=D(-1)), "specific_amount_negative"),
		(
			Specific("C", "Reason", rate_percent=D(1), voucher_no="X", voucher_type=""),
			"specific_voucher_type_missing",
		),
	],
)
def test_a_bad_specific_provision_is_rejected(specific, code):
	assert [p.code for p in check_specifics([specific])] == [code]
	with pytest.raises(RuleError):
		provision([item()], specifics=[specific])


def test_two_specific_provisions_for_the_same_thing_are_rejected():
	twice = [Specific("C", "a", rate_percent=D(1)), Specific("C", "b", amount=D(1))]
	assert [p.code for p in check_specifics(twice)] == ["specific_duplicate"]
	vouchers = [
		Specific("C", "a", rate_percent=D(1), voucher_no="X"),
		Specific("C", "b", rate_percent=D(2), voucher_no="X", voucher_type="Journal Entry"),
		Specific("C", "c", rate_percent=D(3), voucher_no="X"),
	]
	assert [p.code for p in check_specifics(vouchers)] == ["specific_duplicate"]


def test_open_items_of_the_aging_become_provision_items():
	items = [
		make_item("SINV-1", due=date(2026, 5, 31), outstanding=300),
		make_item("PE-1", due=None, posted=date(2026, 6, 15), outstanding=-250, voucher_type="Payment Entry"),
	]
	assert provision_items(items, AS_OF) == [
		ProvisionItem("CUST-1", "Sales Invoice", "SINV-1", D(300), 30),
		ProvisionItem("CUST-1", "Payment Entry", "PE-1", D(-250), 15),
	]


# --- historical loss rates ----------------------------------------------------------------------


def test_worked_example_of_historical_loss_rates():
	snapshots = [
		# band 0: (1000 + 1500 + 500) / (100000 + 120000 + 80000) = 3000 / 300000 = 1.00 %
		BandSnapshot(date(2026, 4, 30), 0, D(100000), D(1000)),
		BandSnapshot(date(2026, 5, 31), 0, D(70000), D(900)),
		BandSnapshot(date(2026, 5, 31), 0, D(50000), D(600)),  # rows of one month-end add up
		BandSnapshot(date(2026, 6, 30), 0, D(80000), D(500)),
		# band 1: (3000 + 1000) / (20000 + 10000) = 13.333... -> 13.33 %
		BandSnapshot(date(2026, 4, 30), 1, D(20000), D(3000)),
		BandSnapshot(date(2026, 5, 31), 1, D(10000), D(1000)),
		# band 2: 6000 / 5000 = 120 % -> capped at 100 %
		BandSnapshot(date(2026, 5, 31), 2, D(5000), D(6000)),
		# band 3: a reversed write-off, -50 / 1000 -> capped at 0 %
		BandSnapshot(date(2026, 6, 30), 3, D(1000), D(-50)),
		# band 5: nothing open: no rate
		BandSnapshot(date(2026, 6, 30), 5, D(0), D(0)),
		# before the 3-month look-back (1 April ... 30 June): ignored
		BandSnapshot(date(2026, 3, 31), 0, D(1000000), D(1000000)),
	]
	rates = historical_loss_rates(snapshots, 6, AS_OF, lookback_months=3)
	assert [r.rate_percent for r in rates] == [D("1.00"), D("13.33"), D(100), D(0), None, None]
	assert (rates[0].balance, rates[0].written_off, rates[0].month_ends) == (D(300000), D(3000), 3)
	assert rates[5].month_ends == 0
	matrix, _rates = historical_matrix(DEFAULT_MATRIX, snapshots, AS_OF, lookback_months=3)
	# bands 4 and 5 have no history and keep the configured 80 % and 100 %
	assert [b.rate_percent for b in matrix.bands] == [D("1.00"), D("13.33"), D(100), D(0), D(80), D(100)]
	assert matrix.labels == DEFAULT_MATRIX.labels
	# leaving out the latest month: band 0 = (1000 + 1500) / (100000 + 120000) = 1.136... -> 1.14 %
	recent_out = historical_loss_rates(snapshots, 6, AS_OF, lookback_months=3, skip_recent_months=1)
	assert recent_out[0].rate_percent == D("1.14")
	assert recent_out[3].rate_percent is None


@pytest.mark.parametrize(
	("as_of", "months", "skip", "first", "last"),
	[
		(date(2026, 6, 30), 12, 0, date(2025, 7, 1), date(2026, 6, 30)),
		(date(2026, 9, 30), 1, 0, date(2026, 9, 1), date(2026, 9, 30)),
		(date(2026, 6, 30), 3, 1, date(2026, 4, 1), date(2026, 5, 31)),
		(date(2024, 2, 29), 12, 0, date(2023, 3, 1), date(2024, 2, 29)),
		(date(2026, 6, 30), 4, 3, date(2026, 3, 1), date(2026, 3, 31)),
		(date(2026, 6, 15), 1, 0, date(2026, 5, 16), date(2026, 6, 15)),
	],
)
def test_the_look_back_counts_whole_months_and_keeps_month_ends(as_of, months, skip, first, last):
	window = lookback_window(as_of, months, skip)
	assert (window.first, window.last) == (first, last)


def test_bad_loss_history_is_rejected():
	codes = [p.code for p in check_history([BandSnapshot(AS_OF, 6, D(1), D(0))], 6, 0, -1)]
	assert codes == ["lookback_out_of_range", "skip_recent_out_of_range", "snapshot_band_unknown"]
	assert [p.code for p in check_history([], 6, 12, 12)] == ["skip_recent_out_of_range"]
	with pytest.raises(RuleError):
		historical_loss_rates([BandSnapshot(AS_OF, -1, D(1), D(0))], 6, AS_OF)


@given(
	rows=st.lists(
		st.tuples(
			st.integers(min_value=0, max_value=14),
			st.integers(min_value=0, max_value=2),
			st.integers(min_value=-1000, max_value=10**6),
			st.integers(min_value=-1000, max_value=10**6),
		),
		max_size=30,
	)
)
def test_loss_rates_lie_between_0_and_100_and_exist_only_with_a_balance(rows):
	month_ends = [lookback_window(AS_OF, m).first - date.resolution for m in range(15)]
	snapshots = [BandSnapshot(month_ends[m], band, D(bal), D(wo)) for m, band, bal, wo in rows]
	for rate in historical_loss_rates(snapshots, 3, AS_OF, lookback_months=12):
		if rate.balance > 0:
			assert D(0) <= rate.rate_percent <= D(100)
		else:
			assert rate.rate_percent is None


# --- properties ---------------------------------------------------------------------------------

amounts = st.integers(min_value=-(10**8), max_value=10**8).map(lambda cents: Decimal(cents) / 100)
items_strategy = st.lists(
	st.builds(
		ProvisionItem,
		customer=st.sampled_from(["A", "B", "C"]),
		voucher_type=st.sampled_from(["Sales Invoice", "Journal Entry"]),
		voucher_no=st.sampled_from([f"V-{n}" for n in range(6)]),
		outstanding=amounts,
		days_past_due=st.integers(min_value=-120, max_value=2500),
	),
	max_size=25,
)
rates = st.integers(min_value=0, max_value=10000).map(lambda basis_points: Decimal(basis_points) / 100)


@st.composite
def matrices(draw):
	uppers = sorted(draw(st.sets(st.integers(min_value=0, max_value=3000), max_size=5)))
	bounds = [*uppers, None]
	return Matrix(tuple(RateBand(upper, draw(rates)) for upper in bounds))


specifics_strategy = st.lists(
	st.builds(
		Specific,
		customer=st.sampled_from(["A", "B", "C"]),
		reason=st.just("Reason"),
		rate_percent=st.none() | rates,
		amount=st.none(),
		voucher_no=st.sampled_from(["", "V-1", "V-2"]),
		voucher_type=st.sampled_from(["Sales Invoice", "Journal Entry"]),
	).map(lambda s: s if s.rate_percent is not None else s._replace(amount=D(250))),
	max_size=4,
	unique_by=lambda s: s.key,
)


@given(items=items_strategy, matrix=matrices(), specifics=specifics_strategy, booked=amounts)
def test_the_provision_never_exceeds_the_positive_outstanding(items, matrix, specifics, booked):
	run = provision(items, matrix, specifics, booked)
	for line in run.lines:
		assert 0 <= line.provision <= line.net <= line.outstanding
	for customer in run.customers:
		assert customer.provision <= max(customer.outstanding, D(0))
	assert run.required <= sum((i.outstanding for i in items if i.outstanding > 0), D(0))
	assert run.adjustment + run.booked == run.required
	assert (
		run.required == sum((c.provision for c in run.customers), D(0)) == sum(b.provision for b in run.bands)
	)


@given(items=items_strategy, matrix=matrices())
def test_netting_keeps_the_ledger_balance(items, matrix):
	run = provision(items, matrix)
	net = sum((c.net for c in run.customers), D(0))
	unapplied = sum((c.unapplied_credit for c in run.customers), D(0))
	assert net - unapplied == sum((i.outstanding for i in items), D(0))
	for customer in run.customers:
		assert customer.unapplied_credit == 0 or customer.net == 0


@given(items=items_strategy, matrix=matrices(), band=st.integers(min_value=0, max_value=5))
def test_a_band_at_100_percent_provides_exactly_its_net_outstanding_and_at_0_nothing(items, matrix, band):
	band = min(band, len(matrix.bands) - 1)
	full = Matrix(
		tuple(b._replace(rate_percent=D(100)) if i == band else b for i, b in enumerate(matrix.bands))
	)
	none = Matrix(
		tuple(b._replace(rate_percent=D(0)) if i == band else b for i, b in enumerate(matrix.bands))
	)
	assert provision(items, full).bands[band].provision == provision(items, full).bands[band].net
	assert provision(items, none).bands[band].provision == 0
	positives = [i for i in items if i.outstanding > 0]  # without credits the net is the outstanding
	assert provision(positives, full).bands[band].provision == sum(
		(i.outstanding for i in positives if full.index(i.days_past_due) == band), D(0)
	)


@given(items=items_strategy, matrix=matrices(), band=st.integers(min_value=0, max_value=5), higher=rates)
def test_a_higher_rate_never_lowers_the_provision(items, matrix, band, higher):
	band = min(band, len(matrix.bands) - 1)
	old = matrix.bands[band].rate_percent
	new = max(old, higher)
	raised = Matrix(
		tuple(b._replace(rate_percent=new) if i == band else b for i, b in enumerate(matrix.bands))
	)
	before, after = provision(items, matrix), provision(items, raised)
	for a, b in zip(before.lines, after.lines, strict=True):
		assert b.provision >= a.provision
	assert after.required >= before.required
