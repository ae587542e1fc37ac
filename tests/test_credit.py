from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ar_control.core.credit import (
	Basis,
	CreditPolicy,
	Exposure,
	Factor,
	HistoryInvoice,
	Standing,
	add_months,
	assess,
	behaviour_score,
	check_bands,
	check_factors,
	decide,
	grade_for,
	overdue_cutoff,
	payment_history,
	recommended_limit,
	total_score,
)
from ar_control.core.problems import RuleError
from tests.factories import D, make_bands, make_factors

# --- scoring ------------------------------------------------------------------------------------


def test_total_score_is_the_weighted_mean_of_the_factor_scores():
	# (25*80 + 20*70 + 15*60 + 25*90 + 10*100 + 5*50) / 100 = 7800 / 100
	assert total_score(make_factors()) == D("78.00")


def test_every_problem_with_a_factor_table_is_reported_at_once():
	factors = [
		Factor("Solvency", D(60), D(120)),
		Factor("solvency", D(30), D(-1)),
		Factor("", D(-5), D(50)),
	]
	with pytest.raises(RuleError) as caught:
		total_score(factors)
	assert set(caught.value.codes) == {
		"score_out_of_range",
		"factor_duplicate",
		"factor_name_missing",
		"weight_out_of_range",
		"weights_not_100",
	}
	assert caught.value.codes.count("score_out_of_range") == 2
	assert "they sum to 85" in str(caught.value)


def test_an_empty_factor_table_is_an_error():
	assert [p.code for p in check_factors([])] == ["no_factors"]


# --- grades and limits --------------------------------------------------------------------------


@pytest.mark.parametrize(
	("score", "grade"),
	[(D(100), "A"), (D(85), "A"), (D("84.99"), "B"), (D(70), "B"), (D(55), "C"), (D(40), "D"), (D(0), "E")],
)
def test_a_grade_starts_at_its_minimum_score(score, grade):
	assert grade_for(score, make_bands()).grade == grade


def test_grade_bands_must_cover_zero_and_be_unique():
	bands = make_bands()
	broken = [bands[0], bands[1]._replace(grade="A"), bands[2]._replace(min_score=D(85)), bands[3]]
	codes = {p.code for p in check_bands(broken)}
	assert codes == {"grade_duplicate", "band_score_duplicate", "no_band_at_zero"}


def test_a_negative_limit_rule_or_a_cap_below_the_floor_is_rejected():
	band = make_bands()[1]
	assert [p.code for p in check_bands([band._replace(min_score=D(0), min_limit=D(-1))])] == [
		"limit_negative"
	]
	assert [p.code for p in check_bands([band._replace(min_score=D(0), max_limit=D(100))])] == [
		"limit_cap_below_floor"
	]


def test_recommended_limit_is_months_of_billing_within_the_band_bounds():
	b = make_bands()[1]  # B: 2 months, at least 20 000, at most 500 000
	assert recommended_limit(b, D(30000)) == D(60000)
	assert recommended_limit(b, D(5000)) == D(20000)  # floor
	assert recommended_limit(b, D(400000)) == D(500000)  # cap
	assert recommended_limit(b, D(0)) == D(20000)  # no history: the band's minimum


def test_add_months_clamps_to_the_end_of_a_shorter_month():
	assert add_months(date(2026, 8, 31), 6) == date(2027, 2, 28)
	assert add_months(date(2026, 1, 31), 12) == date(2027, 1, 31)


def test_assess_gives_grade_limit_term_and_review_date():
	result = assess(make_factors(), make_bands(), D(30000), date(2026, 1, 31))
	assert result.total_score == D("78.00")
	assert result.grade == "B"
	assert result.credit_days == 45
	assert result.recommended_limit == D(60000)
	assert result.valid_until == date(2027, 1, 31)


# --- the credit decision ------------------------------------------------------------------------

POLICY = CreditPolicy(currency="EUR", limit=D(100000), tolerance_percent=D(5), overdue_grace_days=10)


def exposure(this_document):
	return Exposure("EUR", D(60000), D(30000), D(10000), D(this_document))


def test_exposure_over_limit_plus_tolerance_is_blocked_with_its_figures():
	decision = decide(exposure(6000), POLICY, Standing())
	assert not decision.allowed
	assert [r.code for r in decision.reasons] == ["over_limit"]
	assert decision.exposure == D(106000)
	assert decision.ceiling == D(105000)
	assert decision.available == D(-6000)
	assert decision.reasons[0].args == (D(106000), D(100000), D(5), D(105000), D(1000))


def test_exposure_within_the_tolerance_passes_although_nothing_is_available():
	decision = decide(exposure(4000), POLICY, Standing())
	assert decision.allowed
	assert decision.available == D(-4000)


def test_exposure_exactly_at_the_ceiling_passes():
	assert decide(exposure(5000), POLICY, Standing()).allowed


def test_no_limit_means_no_limit_check():
	decision = decide(exposure(10**9), POLICY._replace(limit=None), Standing())
	assert decision.allowed and decision.available is None and decision.ceiling is None


def test_hold_and_overdue_are_reasons_of_their_own_and_all_reasons_are_listed():
	standing = Standing(
		on_hold=True,
		hold_reason="Ladder level Credit hold",
		overdue_past_grace=D(2500),
		oldest_overdue_days=45,
	)
	decision = decide(exposure(6000), POLICY, standing)
	assert [r.code for r in decision.reasons] == ["over_limit", "on_hold", "overdue"]
	assert decision.reasons[2].args == (D(2500), 10, 45)


def test_overdue_below_the_minimum_amount_does_not_block():
	standing = Standing(overdue_past_grace=D(99))
	assert decide(exposure(0), POLICY._replace(overdue_min_amount=D(100)), standing).allowed
	assert not decide(exposure(0), POLICY._replace(overdue_min_amount=D(99)), standing).allowed


def test_overdue_rule_switched_off_never_blocks():
	standing = Standing(overdue_past_grace=D(5000), oldest_overdue_days=400)
	assert decide(exposure(0), POLICY._replace(overdue_grace_days=None), standing).allowed


def test_overdue_cutoff_is_grace_days_before_today():
	assert overdue_cutoff(date(2026, 6, 30), 10) == date(2026, 6, 20)


@pytest.mark.parametrize(
	("policy", "code"),
	[
		(POLICY._replace(limit=D(-1)), "limit_negative"),
		(POLICY._replace(tolerance_percent=D(-1)), "tolerance_negative"),
		(POLICY._replace(overdue_grace_days=-1), "grace_negative"),
		(POLICY._replace(currency="USD"), "currency_mismatch"),
	],
)
def test_bad_policy_input_is_a_rule_error_not_a_crash(policy, code):
	with pytest.raises(RuleError) as caught:
		decide(exposure(0), policy, Standing())
	assert caught.value.codes == (code,)


# --- properties ---------------------------------------------------------------------------------

amounts = st.integers(min_value=0, max_value=10**8).map(lambda c: Decimal(c) / 100)


@given(
	parts=st.tuples(amounts, amounts, amounts, amounts),
	limit=amounts,
	tolerance=st.integers(min_value=0, max_value=50),
)
def test_over_limit_exactly_when_exposure_exceeds_the_ceiling(parts, limit, tolerance):
	policy = CreditPolicy("EUR", limit, Decimal(tolerance))
	decision = decide(Exposure("EUR", *parts), policy, Standing())
	assert decision.exposure == sum(parts)
	assert decision.allowed == (sum(parts) <= decision.ceiling or parts[3] == 0)
	assert decision.available == limit - sum(parts)


@given(
	scores=st.lists(st.integers(min_value=0, max_value=100), min_size=6, max_size=6),
)
def test_total_score_stays_within_the_range_of_the_factor_scores(scores):
	factors = [f._replace(score=Decimal(s)) for f, s in zip(make_factors(), scores, strict=True)]
	total = total_score(factors)
	assert min(scores) <= total <= max(scores)


@given(a=st.integers(min_value=0, max_value=10000), b=st.integers(min_value=0, max_value=10000))
def test_a_higher_score_never_earns_a_lower_grade(a, b):
	bands = make_bands()
	order = [band.grade for band in sorted(bands, key=lambda band: band.min_score)]
	low, high = sorted((Decimal(a) / 100, Decimal(b) / 100))
	assert order.index(grade_for(low, bands).grade) <= order.index(grade_for(high, bands).grade)


# --- payment behaviour --------------------------------------------------------------------------


HISTORY_AS_OF = date(2026, 6, 30)


def worked_history():
	return [
		# paid on its due date: 30 days to pay, not late
		HistoryInvoice(date(2026, 1, 1), date(2026, 1, 31), D(1000), D(0), date(2026, 1, 31)),
		# paid 10 days late: 40 days to pay
		HistoryInvoice(date(2026, 2, 1), date(2026, 3, 3), D(3000), D(0), date(2026, 3, 13)),
		# still open, 60 days past due on the as-of date
		HistoryInvoice(date(2026, 4, 1), date(2026, 5, 1), D(2000), D(2000), None),
		# open and not yet due: too early to judge, but billed
		HistoryInvoice(date(2026, 6, 15), date(2026, 7, 15), D(6000), D(6000), None),
	]


def test_payment_history_worked_example():
	h = payment_history(worked_history(), HISTORY_AS_OF)
	assert (h.invoices, h.judged, h.late) == (4, 3, 2)
	assert h.billed == D(12000)
	assert h.average_monthly == D(1000)
	assert h.late_share == D(2) / D(3)
	assert h.average_days_to_pay == D("37.50")  # (1000*30 + 3000*40) / 4000
	assert h.average_days_late == D("25.00")  # (1000*0 + 3000*10 + 2000*60) / 6000
	assert h.worst_days_late == 60


def test_behaviour_scores_follow_their_formulas_and_explain_themselves():
	h = payment_history(worked_history(), HISTORY_AS_OF)
	on_time, evidence = behaviour_score(Basis.ON_TIME_SHARE, h, D(50))
	assert on_time == D("33.33") and evidence.args == (2, 3)
	assert behaviour_score(Basis.DAYS_LATE, h, D(50))[0] == D("50.00")  # 100 - 100 * 25 / 50
	assert behaviour_score(Basis.WORST_LATENESS, h, D(50))[0] == D("66.67")  # 100 - 100 * 60 / 180


def test_a_customer_without_history_gets_the_explained_default():
	h = payment_history([], HISTORY_AS_OF)
	assert h.judged == 0 and h.late_share is None and h.average_days_to_pay is None
	score, evidence = behaviour_score(Basis.ON_TIME_SHARE, h, D(50))
	assert score == D(50) and evidence.code == "no_history"
	assert "default score 50" in evidence.english()


def test_lateness_beyond_the_zero_point_scores_zero_not_negative():
	very_late = [HistoryInvoice(date(2025, 7, 1), date(2025, 7, 31), D(10), D(10), None)]
	h = payment_history(very_late, HISTORY_AS_OF)
	assert h.worst_days_late == 334
	assert behaviour_score(Basis.WORST_LATENESS, h, D(50))[0] == 0
	assert behaviour_score(Basis.DAYS_LATE, h, D(50))[0] == 0


def test_a_manual_factor_has_no_computed_score():
	with pytest.raises(ValueError):
		behaviour_score(Basis.MANUAL, payment_history([], HISTORY_AS_OF), D(50))


def test_a_document_adding_no_exposure_is_not_blocked_for_the_limit_but_for_hold():
	over = Exposure("EUR", D(200000))
	assert decide(over, POLICY, Standing()).allowed
	held = decide(over, POLICY, Standing(on_hold=True))
	assert [r.code for r in held.reasons] == ["on_hold"]


@given(
	rows=st.lists(
		st.tuples(
			st.integers(min_value=0, max_value=360),
			st.integers(min_value=0, max_value=90),
			st.integers(min_value=1, max_value=10**6),
			st.none() | st.integers(min_value=0, max_value=400),
		),
		max_size=20,
	)
)
def test_history_figures_stay_in_their_ranges(rows):
	start = date(2025, 7, 1)
	invoices = []
	for posted, term, cents, settled_after in rows:
		posting = start + timedelta(days=posted)
		settled = None if settled_after is None else posting + timedelta(days=settled_after)
		if settled is not None and settled > HISTORY_AS_OF:
			settled = None
		amount = Decimal(cents) / 100
		invoices.append(
			HistoryInvoice(
				posting, posting + timedelta(days=term), amount, D(0) if settled else amount, settled
			)
		)
	h = payment_history(invoices, HISTORY_AS_OF)
	assert 0 <= h.late <= h.judged <= h.invoices
	if h.late_share is not None:
		assert 0 <= h.late_share <= 1
	for basis in (Basis.ON_TIME_SHARE, Basis.DAYS_LATE, Basis.WORST_LATENESS):
		score, _evidence = behaviour_score(basis, h, D(50))
		assert 0 <= score <= 100


def test_the_default_factor_set_and_grades_are_valid_and_cover_every_basis():
	from ar_control.core.credit import DEFAULT_BANDS, DEFAULT_FACTORS

	assert check_factors([Factor(f.name, f.weight, D(50)) for f in DEFAULT_FACTORS]) == []
	assert check_bands(DEFAULT_BANDS) == []
	assert {f.basis for f in DEFAULT_FACTORS} == {b.value for b in Basis}
	assert [grade_for(D(s), DEFAULT_BANDS).grade for s in (90, 75, 60, 45, 10)] == ["A", "B", "C", "D", "E"]
	assert recommended_limit(grade_for(D(10), DEFAULT_BANDS), D(100000)) == 0  # E: no credit


def test_an_amended_order_is_judged_on_its_increase():
	grown = Exposure("EUR", D(60000), D(30000), D(10000), D(6000), increase=D(1000))
	assert not decide(grown, POLICY, Standing()).allowed
	shrunk = grown._replace(increase=D(-500))
	assert decide(shrunk, POLICY, Standing()).allowed


def test_document_exposure_counts_only_lines_no_earlier_document_counts():
	from ar_control.core.credit import DocumentLine, document_exposure

	lines = [DocumentLine(D(800)), DocumentLine(D(200), already_counted=True)]
	# net 1000, grand 1180 (18 % tax): the new 800 carry their share of tax: 1180 * 800 / 1000
	assert document_exposure(lines, D(1000), D(1180)) == D("944.00")
	assert document_exposure([DocumentLine(D(1000))], D(1000), D(1180)) == D(1180)
	assert document_exposure([DocumentLine(D(1000), True)], D(1000), D(1180)) == 0
	# a POS invoice paid at once adds only what is left unpaid, never a negative amount
	assert document_exposure([DocumentLine(D(1000))], D(1000), D(1180), paid=D(1000)) == D(180)
	assert document_exposure([DocumentLine(D(1000))], D(1000), D(1180), paid=D(2000)) == 0


def test_the_unbilled_part_of_an_order_is_what_erpnext_has_not_billed_of_its_grand_total():
	from ar_control.core.credit import unbilled_order

	assert unbilled_order(D("1000.50"), D("37.5")) == D("625.3125")
	assert unbilled_order(D("1000"), D("100")) == 0
	assert unbilled_order(D("1000"), D(0)) == D("1000")
