from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ar_control.core.aging import (
	Basis,
	Buckets,
	DateRange,
	Settlement,
	Stages,
	Term,
	age_items,
	bucket_date_ranges,
	grand_total,
	make_buckets,
	overdue_amount,
	parse_buckets,
	range_number,
	range_starts,
	settle_oldest_first,
	split_by_payment_terms,
	split_item,
	stage_date_ranges,
)
from ar_control.core.problems import RuleError
from tests.factories import D, make_item

AS_OF = date(2026, 6, 30)


def worked_items():
	return [
		make_item("SINV-1", due=date(2026, 7, 10), outstanding=1000),  # age -10: not due
		make_item("SINV-2", due=date(2026, 6, 30), outstanding=200),  # age 0: 0-30, due today
		make_item("SINV-3", due=date(2026, 5, 31), outstanding=300),  # age 30: 0-30
		make_item("SINV-4", due=date(2026, 5, 30), outstanding=400),  # age 31: 31-60
		make_item("SINV-5", due=date(2026, 3, 1), outstanding=500),  # age 121: 121-Above
		# an unallocated advance: no due date, aged from its posting date (age 15)
		make_item("PE-1", due=None, posted=date(2026, 6, 15), outstanding=-250, voucher_type="Payment Entry"),
	]


def test_worked_example_by_due_date():
	row = age_items(worked_items(), AS_OF)["CUST-1"]
	assert row.outstanding == D(2150)
	assert row.not_due == D(1000)
	assert row.buckets == (D(250), D(400), D(0), D(0), D(500))
	# credit period: not yet due or due today; coordination: 1-60 days late; clearing: later
	assert row.stages == (D(1200), D(450), D(500))
	assert row.count == 6


def test_worked_example_by_posting_date_puts_nothing_in_not_due():
	items = [make_item("SINV-1", due=date(2026, 7, 10), posted=date(2026, 6, 10), outstanding=1000)]
	row = age_items(items, AS_OF, basis=Basis.POSTING_DATE)["CUST-1"]
	assert row.not_due == 0
	assert row.buckets[0] == D(1000)  # 20 days since posting
	assert row.stages[0] == D(1000)  # stages always follow the due date


def test_bucket_labels_follow_the_boundaries():
	assert Buckets((30, 60, 90, 120)).labels == ("0-30", "31-60", "61-90", "91-120", "121-Above")
	assert Buckets((15,)).labels == ("0-15", "16-Above")


def test_groups_by_any_key():
	items = [*worked_items(), make_item("SINV-9", party="CUST-2", due=date(2026, 6, 1), outstanding=70)]
	rows = age_items(items, AS_OF)
	assert list(rows) == ["CUST-1", "CUST-2"]
	assert rows["CUST-2"].buckets[0] == D(70)
	by_type = age_items(items, AS_OF, key=lambda item: item.voucher_type)
	assert by_type["Payment Entry"].outstanding == D(-250)
	total = grand_total(rows.values(), 5)
	assert total.outstanding == D(2220)
	assert total.count == 7


@pytest.mark.parametrize(
	("text", "code"),
	[
		("30, 60, 45", "buckets_not_increasing"),
		("30, 30", "buckets_not_increasing"),
		("0, 30", "bucket_not_positive"),
		("30, sixty", "bucket_not_number"),
		("", "no_buckets"),
	],
)
def test_bad_bucket_boundaries_are_rule_errors(text, code):
	with pytest.raises(RuleError) as caught:
		parse_buckets(text)
	assert code in caught.value.codes


def test_parse_buckets_accepts_the_erpnext_filter_form():
	assert parse_buckets("30, 60, 90, 120") == Buckets((30, 60, 90, 120))
	assert parse_buckets("15;45") == Buckets((15, 45))


def test_a_coordination_period_of_zero_days_is_rejected():
	with pytest.raises(RuleError):
		age_items(worked_items(), AS_OF, stages=Stages(0))


def test_split_item_divides_an_invoice_between_sales_persons_to_the_cent():
	item = make_item(outstanding="100.00")
	parts = split_item(item, [("Alice", D(50)), ("Bob", D(25)), ("Carol", D(25))])
	assert [(owner, part.outstanding) for owner, part in parts] == [
		("Alice", D("50.00")),
		("Bob", D("25.00")),
		("Carol", D("25.00")),
	]
	uneven = split_item(make_item(outstanding="0.05"), [("Alice", D(1)), ("Bob", D(1))])
	assert [part.outstanding for _owner, part in uneven] == [D("0.03"), D("0.02")]
	assert split_item(item, []) == [("", item)]


# --- properties ---------------------------------------------------------------------------------

item_strategy = st.builds(
	lambda n, party, due_offset, posted_offset, cents: make_item(
		f"SINV-{n}",
		party=party,
		due=AS_OF + timedelta(days=due_offset),
		posted=AS_OF + timedelta(days=min(posted_offset, due_offset)),
		outstanding=str(Decimal(cents) / 100),
	),
	st.integers(min_value=0, max_value=10**6),
	st.sampled_from(["A", "B", "C"]),
	st.integers(min_value=-120, max_value=900),
	st.integers(min_value=-400, max_value=0),
	st.integers(min_value=-(10**8), max_value=10**8),
)
boundaries = st.lists(st.integers(min_value=1, max_value=400), min_size=1, max_size=6, unique=True).map(
	sorted
)


@given(
	items=st.lists(item_strategy, max_size=40),
	bounds=boundaries,
	coordination=st.integers(min_value=1, max_value=365),
	basis=st.sampled_from(list(Basis)),
)
def test_buckets_and_stages_each_partition_the_total_to_the_cent(items, bounds, coordination, basis):
	rows = age_items(items, AS_OF, make_buckets(bounds), basis, Stages(coordination))
	for row in rows.values():
		assert row.not_due + sum(row.buckets) == row.outstanding
		assert sum(row.stages) == row.outstanding
	total = grand_total(rows.values(), len(bounds) + 1)
	assert total.outstanding == sum((item.outstanding for item in items), Decimal(0))
	assert total.count == len(items)


@given(
	cents=st.integers(min_value=-(10**9), max_value=10**9),
	shares=st.lists(st.integers(min_value=1, max_value=100), min_size=1, max_size=5),
)
def test_split_parts_sum_to_the_item(cents, shares):
	item = make_item(outstanding=str(Decimal(cents) / 100))
	parts = split_item(item, [(f"SP{i}", Decimal(s)) for i, s in enumerate(shares)])
	assert sum(part.outstanding for _owner, part in parts) == item.outstanding
	assert sum(part.invoiced for _owner, part in parts) == item.invoiced


# --- the same partition stated on dates, for the database ---------------------------------------


def test_bucket_date_ranges_worked_example():
	ranges = bucket_date_ranges(Buckets((30, 60)), AS_OF)
	assert ranges == (
		DateRange(date(2026, 7, 1), None),  # not due: basis after the as-of date
		DateRange(date(2026, 5, 31), date(2026, 6, 30)),  # 0-30 days
		DateRange(date(2026, 5, 1), date(2026, 5, 30)),  # 31-60 days
		DateRange(None, date(2026, 4, 30)),  # 61-Above
	)


def test_stage_date_ranges_worked_example():
	credit, coordination, clearing = stage_date_ranges(Stages(60), AS_OF)
	assert credit == DateRange(AS_OF, None)  # due today or later
	assert coordination == DateRange(date(2026, 5, 1), date(2026, 6, 29))  # 1-60 days late
	assert clearing == DateRange(None, date(2026, 4, 30))


def test_date_ranges_reject_what_the_rules_reject():
	with pytest.raises(RuleError):
		bucket_date_ranges(Buckets((60, 30)), AS_OF)
	with pytest.raises(RuleError):
		stage_date_ranges(Stages(0), AS_OF)


@given(
	bounds=boundaries,
	coordination=st.integers(min_value=1, max_value=365),
	offset=st.integers(min_value=-1000, max_value=1000),
)
def test_date_ranges_partition_dates_exactly_as_the_age_rules_do(bounds, coordination, offset):
	"""What the SQL reports sum by (date ranges) is what core ages by (index of the age)."""
	basis = AS_OF + timedelta(days=offset)
	buckets, stages = make_buckets(bounds), Stages(coordination)
	bucket_hits = [i for i, r in enumerate(bucket_date_ranges(buckets, AS_OF)) if basis in r]
	index = buckets.index((AS_OF - basis).days)
	assert bucket_hits == [0 if index is None else index + 1]
	stage_hits = [i for i, r in enumerate(stage_date_ranges(stages, AS_OF)) if basis in r]
	assert stage_hits == [stages.index((AS_OF - basis).days)]
	# what the database's INTERVAL over the ranges' first days gives is the same range
	for ranges, hits in (
		(bucket_date_ranges(buckets, AS_OF), bucket_hits),
		(stage_date_ranges(stages, AS_OF), stage_hits),
	):
		starts = range_starts(ranges)
		assert list(starts) == sorted(starts)
		assert [range_number(basis, starts)] == hits


def test_range_starts_refuse_ranges_that_are_no_partition():
	june, july = date(2026, 6, 1), date(2026, 7, 1)
	for ranges in (
		(DateRange(july, None), DateRange(None, date(2026, 6, 29))),  # a day missing
		(DateRange(july, None), DateRange(None, july)),  # a day in both
		(DateRange(None, june), DateRange(july, None)),  # the oldest first
		(DateRange(july, date(2026, 7, 31)), DateRange(None, date(2026, 6, 30))),  # a last day
		(),
	):
		with pytest.raises(ValueError):
			range_starts(ranges)


def test_bucket_boundaries_and_stages_stay_within_the_calendar():
	from ar_control.core.aging import MAX_DAYS, Stages, check_stages, parse_buckets

	for text, code in (
		("30, 99999999999", "bucket_too_large"),
		(", ".join(str(d) for d in range(1, 30)), "too_many_buckets"),
		("30, ²", "bucket_not_number"),
		("30, -5", "bucket_not_number"),
	):
		with pytest.raises(RuleError) as error:
			parse_buckets(text)
		assert code in error.value.codes
	assert parse_buckets(f"30, {MAX_DAYS}").boundaries == (30, MAX_DAYS)
	assert [p.code for p in check_stages(Stages(MAX_DAYS + 1))] == ["coordination_days_too_long"]
	assert check_stages(Stages(MAX_DAYS)) == []


# --- what a customer owes past a date, net of its credits --------------------------------------------


def test_overdue_amount_nets_every_unallocated_credit_against_the_debts_due():
	items = [
		make_item("SINV-1", due=date(2026, 5, 1), outstanding=1000),  # due before the cut-off
		make_item("SINV-2", due=date(2026, 7, 10), outstanding=500),  # not yet due
		# an advance paid five days ago still settles the oldest debt first
		make_item("PE-1", due=None, posted=date(2026, 6, 25), outstanding=-600, voucher_type="Payment Entry"),
	]
	assert overdue_amount(items, date(2026, 6, 1)) == Decimal("400")
	assert overdue_amount(items[:2], date(2026, 6, 1)) == Decimal("1000")
	# more credit than debt due: nothing is overdue, never a negative amount
	assert overdue_amount([*items, make_item("CN-1", due=None, outstanding=-900)], date(2026, 6, 1)) == 0
	# a debt due on the cut-off itself is not before it
	assert overdue_amount([make_item("SINV-3", due=date(2026, 6, 1), outstanding=10)], date(2026, 6, 1)) == 0


@given(st.lists(st.integers(-5000, 5000), max_size=8), st.integers(-60, 60))
def test_overdue_amount_lies_between_zero_and_the_debts_due(amounts, offset):
	items = [
		make_item(f"V-{i}", due=AS_OF + timedelta(days=offset + i * 7), outstanding=amount)
		for i, amount in enumerate(amounts)
	]
	debts_due = sum(i.outstanding for i in items if i.outstanding > 0 and i.effective_due_date < AS_OF)
	assert 0 <= overdue_amount(items, AS_OF) <= debts_due


# --- Based On Payment Terms, as ERPNext's Accounts Receivable splits an invoice -------------------------


def terms_item():
	return make_item("SINV-T", due=date(2026, 3, 31), posted=date(2026, 3, 1), outstanding=700)._replace(
		invoiced=D("1000")
	)


def test_an_invoice_without_a_schedule_stays_whole():
	item = terms_item()
	assert split_by_payment_terms(item, Settlement(D("1000"), D("300"), D("0")), []) == [item]


def test_payments_settle_the_terms_in_due_date_order_and_each_term_ages_by_its_own_date():
	item = terms_item()
	terms = [
		Term(date(2026, 4, 30), D("500")),
		Term(date(2026, 3, 31), D("500")),
	]
	rows = split_by_payment_terms(item, Settlement(D("1000"), D("300"), D("0")), terms)
	assert [(r.due_date, r.outstanding) for r in rows] == [
		(date(2026, 3, 31), D("200")),
		(date(2026, 4, 30), D("500")),
	]
	assert sum(r.outstanding for r in rows) == item.outstanding


def test_what_the_schedule_records_as_paid_comes_first_then_credit_notes_settle_what_is_owed():
	item = terms_item()._replace(outstanding=D("450"))
	terms = [
		Term(date(2026, 3, 31), D("400")),
		# ERPNext recorded 300 paid on the second term: its remaining 300 is owed
		Term(date(2026, 4, 30), D("600"), paid=D("300"), paid_in_invoice_currency=D("300")),
	]
	# 300 paid (all recorded on the schedule), 250 credited by a credit note: the credit goes to
	# the terms in the schedule's order, the term with payments first
	rows = split_by_payment_terms(item, Settlement(D("1000"), D("300"), D("250")), terms)
	assert [(r.due_date, r.outstanding) for r in rows] == [
		(date(2026, 3, 31), D("400")),
		(date(2026, 4, 30), D("50")),
	]


def test_an_overpayment_is_a_row_of_its_own_and_the_advance_on_the_invoice_is_not_a_payment_of_a_term():
	item = terms_item()._replace(outstanding=D("-100"))
	terms = [Term(date(2026, 3, 31), D("500")), Term(date(2026, 4, 30), D("500"))]
	rows = split_by_payment_terms(item, Settlement(D("1000"), D("1100"), D("0")), terms)
	assert [(r.due_date, r.outstanding) for r in rows] == [(date(2026, 3, 31), D("-100"))]
	# 200 of the 1100 was an advance allocated in the invoice: the terms take 900, 100 stays open
	rows = split_by_payment_terms(item, Settlement(D("1000"), D("1100"), D("0")), terms, advance=D("200"))
	assert [(r.due_date, r.outstanding) for r in rows] == [(date(2026, 4, 30), D("100"))]


def test_credits_settle_the_oldest_debts_first():
	items = [
		make_item("SINV-2", due=date(2026, 6, 10), outstanding=500),
		make_item("SINV-1", due=date(2026, 5, 1), outstanding=300),
		make_item("PE-1", due=None, posted=date(2026, 6, 25), outstanding=-400, voucher_type="Payment Entry"),
	]
	left = settle_oldest_first(items)
	assert left == {("Sales Invoice", "SINV-1"): D("0"), ("Sales Invoice", "SINV-2"): D("400")}


@given(st.lists(st.integers(-5000, 5000), max_size=8), st.integers(-60, 60))
def test_what_is_left_overdue_after_the_credits_is_the_overdue_amount(amounts, offset):
	items = [
		make_item(f"V-{i}", due=AS_OF + timedelta(days=offset + i * 7), outstanding=amount)
		for i, amount in enumerate(amounts)
	]
	left = settle_oldest_first(items)
	overdue_left = sum(
		(
			left[(i.voucher_type, i.voucher_no)]
			for i in items
			if i.outstanding > 0 and i.effective_due_date < AS_OF
		),
		D("0"),
	)
	assert overdue_left == overdue_amount(items, AS_OF)
	# the credits are used up, or every debt is settled: never more taken than either
	assert sum(left.values(), D("0")) == max(sum((i.outstanding for i in items), D("0")), D("0"))
