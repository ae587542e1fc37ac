"""Credit holds as records: which holds stop a company's documents, which a source releases."""

from hypothesis import given
from hypothesis import strategies as st

from ar_control.core.holds import (
	ASSESSMENT_SOURCES,
	Hold,
	HoldSource,
	already_held,
	check_reason,
	covering,
	to_release,
)

MANUAL_ALL = Hold("CH-1", HoldSource.MANUAL, "Fraud check", None)
LADDER_A = Hold("CH-2", HoldSource.COLLECTION_LADDER, "60 days overdue", "A", "CC-1")
NO_CREDIT_B = Hold("CH-3", HoldSource.NO_CREDIT, "Limit 0", "B", "CA-7")


def test_a_hold_of_every_company_covers_each_company():
	assert covering([MANUAL_ALL, LADDER_A, NO_CREDIT_B], "A") == [MANUAL_ALL, LADDER_A]
	assert covering([MANUAL_ALL, LADDER_A, NO_CREDIT_B], "B") == [MANUAL_ALL, NO_CREDIT_B]
	assert covering([LADDER_A], "C") == []


def test_the_ladder_releases_its_own_hold_of_the_company_and_nothing_else():
	holds = [MANUAL_ALL, LADDER_A, NO_CREDIT_B]
	assert to_release(holds, {HoldSource.COLLECTION_LADDER}, "A") == [LADDER_A]
	assert to_release(holds, {HoldSource.COLLECTION_LADDER}, "B") == []


def test_cancelling_an_assessment_releases_only_the_hold_it_set():
	other = Hold("CH-4", HoldSource.NO_CREDIT, "Limit 0", "B", "CA-9")
	assert to_release([NO_CREDIT_B, other], ASSESSMENT_SOURCES, "B", reference="CA-7") == [NO_CREDIT_B]
	# a newer approval of the company ends every assessment hold of that company
	assert to_release([NO_CREDIT_B, other], ASSESSMENT_SOURCES, "B") == [NO_CREDIT_B, other]


def test_a_company_release_never_lifts_a_hold_of_every_company():
	assert to_release([MANUAL_ALL], {HoldSource.MANUAL}, "A") == []
	assert to_release([MANUAL_ALL], {HoldSource.MANUAL}, None) == [MANUAL_ALL]


def test_placing_the_same_hold_twice_is_a_no_op():
	assert already_held([LADDER_A], HoldSource.COLLECTION_LADDER, "A", "CC-1") == LADDER_A
	assert already_held([LADDER_A], HoldSource.COLLECTION_LADDER, "B", "CC-1") is None
	assert already_held([LADDER_A], HoldSource.MANUAL, "A", "CC-1") is None


def test_a_reason_is_required_and_bounded():
	assert [p.code for p in check_reason("  ")] == ["hold_reason_missing"]
	assert [p.code for p in check_reason(None)] == ["hold_reason_missing"]
	assert [p.code for p in check_reason(["x"])] == ["hold_reason_missing"]
	assert [p.code for p in check_reason("x" * 2001)] == ["hold_reason_too_long"]
	assert check_reason("Customer disputes every invoice") == []


holds_strategy = st.lists(
	st.builds(
		Hold,
		name=st.uuids().map(str),
		source=st.sampled_from(list(HoldSource)),
		reason=st.just("r"),
		company=st.sampled_from([None, "A", "B"]),
		reference=st.sampled_from([None, "X", "Y"]),
	),
	max_size=12,
)


@given(
	holds_strategy, st.sets(st.sampled_from(list(HoldSource)), min_size=1), st.sampled_from([None, "A", "B"])
)
def test_releasing_some_sources_never_lifts_a_hold_of_another_source(holds, sources, company):
	released = to_release(holds, sources, company)
	assert all(hold.source in sources for hold in released)
	remaining = [hold for hold in holds if hold not in released]
	assert all(hold in remaining for hold in holds if hold.source not in sources)


@given(holds_strategy, st.sampled_from(["A", "B"]))
def test_on_hold_in_a_company_exactly_when_a_hold_of_it_or_of_all_is_active(holds, company):
	expected = any(hold.company in (None, company) for hold in holds)
	assert bool(covering(holds, company)) == expected
