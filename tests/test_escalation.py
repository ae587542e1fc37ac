from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ar_control.core.escalation import Action, Level, Promise, check_ladder, plan, promise_kept
from ar_control.core.problems import RuleError
from tests.factories import D, make_ladder, make_ladder_item

DUE = date(2026, 6, 1)


def carried_out(items, done, result):
	"""The state the ladder records after doing a plan: its steps in the step log, its broken
	promises marked broken (so no promise is pending on them any more)."""
	broken = {b.invoice for b in result.broken_promises}
	new_items = [item._replace(promise=None) if item.invoice in broken else item for item in items]
	return new_items, set(done) | {step.key for step in result.steps}


def codes(result):
	return [(s.invoice, s.level.code) for s in result.steps]


def test_reminder_three_days_before_due():
	assert codes(plan([make_ladder_item()], make_ladder(), set(), date(2026, 5, 28))) == []
	assert codes(plan([make_ladder_item()], make_ladder(), set(), date(2026, 5, 29))) == [
		("SINV-1", "reminder")
	]


def test_the_default_ladder_is_a_valid_ladder_of_the_seed_documents():
	from ar_control.core.escalation import DEFAULT_LADDER

	levels = [Level(str(i), t.title, t.days, t.action) for i, t in enumerate(DEFAULT_LADDER)]
	assert check_ladder(levels) == []
	assert [t.action for t in DEFAULT_LADDER] == list(Action)
	assert DEFAULT_LADDER[0].days < 0  # the effort shifted forward: a reminder before the due date


def test_call_the_day_after_due_once_the_reminder_is_done():
	result = plan([make_ladder_item()], make_ladder(), {("SINV-1", "reminder")}, date(2026, 6, 2))
	assert codes(result) == [("SINV-1", "call")]
	assert result.steps[0].due_on == date(2026, 6, 2)
	assert not result.steps[0].superseded


def test_catch_up_returns_every_missed_level_and_marks_stale_contacts_superseded():
	result = plan([make_ladder_item()], make_ladder(), set(), date(2026, 6, 20))
	assert codes(result) == [("SINV-1", "reminder"), ("SINV-1", "call"), ("SINV-1", "letter")]
	assert [s.superseded for s in result.steps] == [True, True, False]


def test_a_credit_hold_does_not_supersede_a_call():
	ladder = [Level("call", "Call", 1, Action.CALL_TASK), Level("hold", "Hold", 2, Action.CREDIT_HOLD)]
	result = plan([make_ladder_item()], ladder, set(), date(2026, 6, 10))
	assert [s.superseded for s in result.steps] == [False, False]


def test_paid_and_disputed_invoices_are_off_the_ladder():
	items = [make_ladder_item("SINV-1", outstanding=0), make_ladder_item("SINV-2", disputed=True)]
	assert plan(items, make_ladder(), set(), date(2026, 12, 31)).steps == ()


def test_a_promise_pauses_the_invoice_until_the_promised_date():
	promise = Promise(date(2026, 6, 25), D(1000), D(1000))
	item = make_ladder_item(promise=promise)
	during = plan([item], make_ladder(), {("SINV-1", "reminder"), ("SINV-1", "call")}, date(2026, 6, 25))
	assert during.steps == () and during.paused == ("SINV-1",) and during.broken_promises == ()


def test_a_broken_promise_is_reported_after_the_grace_days_and_the_ladder_resumes_at_once():
	promise = Promise(date(2026, 6, 25), D(600), D(1000))
	item = make_ladder_item(promise=promise, outstanding=800)  # 200 paid of 600 promised
	done = {("SINV-1", "reminder"), ("SINV-1", "call")}
	within_grace = plan([item], make_ladder(), done, date(2026, 6, 27), promise_grace_days=2)
	assert within_grace.steps == () and within_grace.paused == ("SINV-1",)
	after = plan([item], make_ladder(), done, date(2026, 6, 28), promise_grace_days=2)
	assert [(b.invoice, b.paid_since) for b in after.broken_promises] == [("SINV-1", D(200))]
	assert codes(after) == [("SINV-1", "letter")]


def test_a_kept_promise_is_not_broken_and_the_rest_goes_back_on_the_ladder():
	item = make_ladder_item(promise=Promise(date(2026, 6, 25), D(600), D(1000)), outstanding=400)
	assert promise_kept(item)
	result = plan([item], make_ladder(), {("SINV-1", "reminder"), ("SINV-1", "call")}, date(2026, 6, 26))
	assert result.broken_promises == () and codes(result) == [("SINV-1", "letter")]


def test_minimum_amount_counts_the_customers_invoices_at_that_level():
	ladder = [Level("call", "Call", 1, Action.CALL_TASK, min_amount=D(1500))]
	one = [make_ladder_item("SINV-1", outstanding=1000)]
	assert plan(one, ladder, set(), date(2026, 6, 5)).steps == ()
	two = [*one, make_ladder_item("SINV-2", outstanding=600)]
	assert codes(plan(two, ladder, set(), date(2026, 6, 5))) == [("SINV-1", "call"), ("SINV-2", "call")]
	other_customer = [*one, make_ladder_item("SINV-3", customer="CUST-2", outstanding=600)]
	assert plan(other_customer, ladder, set(), date(2026, 6, 5)).steps == ()


def test_ladder_days_must_increase_strictly_and_every_problem_is_listed():
	ladder = make_ladder()
	broken = [ladder[0], ladder[1]._replace(days=-3), ladder[2]._replace(title=" ", code="call"), ladder[3]]
	problems = check_ladder(broken)
	assert [p.code for p in problems] == [
		"level_title_missing",
		"level_code_duplicate",
		"level_days_not_increasing",
	]
	with pytest.raises(RuleError):
		plan([], broken, set(), DUE)


def test_steps_are_ordered_by_customer_then_level():
	items = [
		make_ladder_item("SINV-2", customer="B"),
		make_ladder_item("SINV-1", customer="A", due=DUE - timedelta(days=20)),
	]
	result = plan(items, make_ladder(), set(), date(2026, 6, 2))
	assert [(s.customer, s.level.code) for s in result.steps] == [
		("A", "reminder"),
		("A", "call"),
		("A", "letter"),
		("B", "reminder"),
		("B", "call"),
	]


# --- properties ---------------------------------------------------------------------------------

ladder_items = st.lists(
	st.builds(
		lambda n, customer, offset, amount, disputed, promise_offset, paid: make_ladder_item(
			f"SINV-{n}",
			customer=customer,
			due=DUE + timedelta(days=offset),
			outstanding=amount,
			disputed=disputed,
			promise=None
			if promise_offset is None
			else Promise(DUE + timedelta(days=promise_offset), Decimal(amount), Decimal(amount + paid)),
		),
		st.integers(min_value=0, max_value=10**6),
		st.sampled_from(["A", "B"]),
		st.integers(min_value=-200, max_value=200),
		st.integers(min_value=0, max_value=5000),
		st.booleans(),
		st.none() | st.integers(min_value=-30, max_value=60),
		st.integers(min_value=0, max_value=5000),
	),
	max_size=15,
	unique_by=lambda item: item.invoice,
)


@settings(max_examples=200)
@given(
	items=ladder_items,
	day=st.integers(min_value=-10, max_value=400),
	grace=st.integers(min_value=0, max_value=5),
)
def test_applying_a_plan_and_planning_again_on_the_same_day_yields_nothing_new(items, day, grace):
	today = DUE + timedelta(days=day)
	first = plan(items, make_ladder(), set(), today, grace)
	items2, done = carried_out(items, set(), first)
	again = plan(items2, make_ladder(), done, today, grace)
	assert again.steps == ()
	assert again.broken_promises == ()


@settings(max_examples=200)
@given(
	items=ladder_items,
	day=st.integers(min_value=-10, max_value=400),
	cut=st.integers(min_value=0, max_value=100),
)
def test_a_run_killed_halfway_is_completed_by_the_next_without_doubling_or_skipping(items, day, cut):
	today = DUE + timedelta(days=day)
	full = plan(items, make_ladder(), set(), today)
	recorded = {s.key for s in full.steps[: cut % (len(full.steps) + 1)]}
	rest = plan(items, make_ladder(), recorded, today)
	assert recorded.isdisjoint(s.key for s in rest.steps)
	assert recorded | {s.key for s in rest.steps} == {s.key for s in full.steps}


@given(items=ladder_items, day=st.integers(min_value=-10, max_value=400))
def test_days_later_never_undo_a_level_and_never_repeat_one(items, day):
	today = DUE + timedelta(days=day)
	first = plan(items, make_ladder(), set(), today)
	_items, done = carried_out(items, set(), first)
	later = plan(items, make_ladder(), done, today + timedelta(days=30))
	assert done.isdisjoint(s.key for s in later.steps)


# --- the collection case --------------------------------------------------------------------------

from ar_control.core.escalation import (
	CLOSED_PAID,
	CLOSED_WRITTEN_OFF,
	DEFAULT_RECOVERY,
	DISPUTED,
	LEGAL,
	OPEN,
	PROMISE_TO_PAY,
	CaseItem,
	RecoveryStep,
	case_status,
	check_recovery,
	next_ladder_date,
	priority,
	recoverable,
)

TODAY = date(2026, 6, 30)


def test_recoverability_follows_seed_003_by_default():
	assert recoverable(1, DEFAULT_RECOVERY) == 80
	assert recoverable(730, DEFAULT_RECOVERY) == 80
	assert recoverable(731, DEFAULT_RECOVERY) == 20


def test_priority_is_overdue_amount_times_expected_loss_by_age():
	items = [
		CaseItem("SINV-1", TODAY - timedelta(days=40), D(1000)),  # 20 % expected loss: 200
		CaseItem("SINV-2", TODAY - timedelta(days=800), D(500)),  # 80 % expected loss: 400
		CaseItem("SINV-3", TODAY + timedelta(days=5), D(9000)),  # not overdue: not counted
		CaseItem("SINV-4", TODAY - timedelta(days=10), D(0)),  # paid
	]
	result = priority(items, TODAY, DEFAULT_RECOVERY)
	assert result.overdue == D(1500)
	assert result.expected_loss == D("600.00")
	assert result.loss_percent == D("40.00")
	assert result.score == D("600.00")
	assert priority([], TODAY, DEFAULT_RECOVERY).loss_percent is None


def test_the_expected_loss_rounds_half_up_like_every_amount():
	half = [RecoveryStep(0, D(50))]
	result = priority([CaseItem("A", TODAY - timedelta(days=10), D("0.25"))], TODAY, half)
	assert result.expected_loss == D("0.13")  # 0.125: half up, not half to even (0.12)
	assert result.loss_percent == D("52.00")


def test_a_finer_curve_ranks_older_debt_first():
	curve = [RecoveryStep(0, D(95)), RecoveryStep(90, D(70)), RecoveryStep(365, D(40))]
	young = priority([CaseItem("A", TODAY - timedelta(days=30), D(1000))], TODAY, curve)
	old = priority([CaseItem("B", TODAY - timedelta(days=400), D(1000))], TODAY, curve)
	assert (young.score, old.score) == (D("50.00"), D("600.00"))


def test_a_bad_recovery_curve_is_reported_in_full():
	codes = [p.code for p in check_recovery([RecoveryStep(5, D(120)), RecoveryStep(5, D(20))])]
	assert codes == ["recovery_no_start", "recovery_not_increasing", "recovery_out_of_range"]


def test_case_status_follows_its_invoices():
	overdue = CaseItem("A", TODAY - timedelta(days=3), D(100))
	assert case_status([overdue], TODAY, legal=False) == OPEN
	assert case_status([overdue._replace(promise_pending=True)], TODAY, legal=False) == PROMISE_TO_PAY
	assert case_status([overdue._replace(disputed=True)], TODAY, legal=False) == DISPUTED
	mixed = [overdue._replace(disputed=True), CaseItem("B", TODAY - timedelta(days=1), D(5))]
	assert case_status(mixed, TODAY, legal=False) == OPEN
	assert case_status([overdue._replace(promise_pending=True)], TODAY, legal=True) == LEGAL
	not_yet_due = CaseItem("C", TODAY + timedelta(days=3), D(100))
	assert case_status([not_yet_due, overdue._replace(outstanding=D(0))], TODAY, legal=True) == CLOSED_PAID
	assert case_status([], TODAY, legal=False, written_off=True) == CLOSED_WRITTEN_OFF


def test_next_ladder_date_is_the_first_level_still_ahead():
	item = CaseItem("SINV-1", DUE, D(1000))
	done = {("SINV-1", "reminder"), ("SINV-1", "call")}
	assert next_ladder_date([item], make_ladder(), done, date(2026, 6, 5)) == date(2026, 6, 16)
	# a promise to pay moves it to the day after the promised date
	promised = item._replace(promise_pending=True, promised_date=date(2026, 6, 25))
	assert next_ladder_date([promised], make_ladder(), done, date(2026, 6, 5)) == date(2026, 6, 26)
	assert next_ladder_date([item._replace(disputed=True)], make_ladder(), done, date(2026, 6, 5)) is None


def test_the_minimum_amount_counts_per_customer_and_company():
	ladder = [Level("call", "Call", 1, Action.CALL_TASK, min_amount=D(1500))]
	items = [
		make_ladder_item("SINV-1", outstanding=1000)._replace(company="C1"),
		make_ladder_item("SINV-2", outstanding=600)._replace(company="C2"),
	]
	assert plan(items, ladder, set(), date(2026, 6, 5)).steps == ()
	same = [items[0], items[1]._replace(company="C1")]
	assert [s.company for s in plan(same, ladder, set(), date(2026, 6, 5)).steps] == ["C1", "C1"]


def test_the_level_reached_is_the_highest_done_and_ignores_removed_levels():
	from ar_control.core.escalation import levels_reached

	done = {("A", "reminder"), ("A", "letter"), ("A", "call"), ("B", "call"), ("C", "gone")}
	reached = levels_reached(done, make_ladder())
	assert {invoice: level.code for invoice, level in reached.items()} == {"A": "letter", "B": "call"}


def test_a_promise_or_dispute_made_before_the_due_date_keeps_the_case_open():
	not_yet_due = CaseItem("SINV-2", TODAY + timedelta(days=10), D(400))
	assert case_status([not_yet_due], TODAY, legal=False) == CLOSED_PAID
	assert case_status([not_yet_due._replace(promise_pending=True)], TODAY, legal=False) == PROMISE_TO_PAY
	assert case_status([not_yet_due._replace(disputed=True)], TODAY, legal=False) == DISPUTED
	# paid since: nothing is watched any more
	paid = not_yet_due._replace(promise_pending=True, outstanding=D(0))
	assert case_status([paid], TODAY, legal=False) == CLOSED_PAID
	# an undisputed overdue invoice keeps the case open beside a disputed one not yet due
	overdue = CaseItem("SINV-1", TODAY - timedelta(days=5), D(100))
	assert case_status([overdue, not_yet_due._replace(disputed=True)], TODAY, legal=False) == OPEN
