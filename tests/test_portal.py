from datetime import date, datetime, timedelta
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from ar_control.core.portal import (
	MAX_TEXT,
	PageItem,
	PagePolicy,
	check_attachment,
	check_dispute,
	check_policy,
	check_promise,
	check_text,
	digest,
	expiry,
	link_state,
	looks_like_secret,
	new_secret,
	parse_lines,
	parse_types,
	totals,
)

TODAY = date(2026, 6, 30)
POLICY = PagePolicy()
D = Decimal


def codes(problems):
	return [p.code for p in problems]


def test_a_secret_has_256_random_bits_and_only_its_digest_is_kept():
	secrets = {new_secret() for _ in range(200)}
	assert len(secrets) == 200
	assert all(looks_like_secret(s) and len(s) == 43 for s in secrets)
	secret = new_secret()
	assert digest(secret) == digest(secret) and len(digest(secret)) == 64 and secret not in digest(secret)
	assert digest(secret) != digest(secret[:-1] + ("A" if secret[-1] != "A" else "B"))


@given(st.one_of(st.none(), st.integers(), st.text(max_size=80), st.binary(max_size=10)))
def test_anything_that_is_not_a_secret_is_refused_before_a_look_up(value):
	if looks_like_secret(value):
		assert isinstance(value, str) and 40 <= len(value) <= 64


def test_a_link_opens_until_it_expires_or_is_revoked():
	now = datetime(2026, 6, 30, 12, 0)
	until = expiry(now, POLICY)
	assert until == now + timedelta(days=30)
	assert link_state(True, until, False, now).usable
	assert link_state(True, until, False, until).reason == "expired"
	assert link_state(True, until, True, now).reason == "revoked"
	assert link_state(False, None, False, now).reason == "unknown"


def test_the_policy_must_make_sense():
	assert check_policy(POLICY) == []
	bad = PagePolicy(
		link_days=0,
		promise_horizon_days=400,
		dispute_reasons=(),
		attachment_max_kb=0,
		attachment_types=("p/f",),
	)
	assert codes(check_policy(bad)) == [
		"page_link_days",
		"page_horizon",
		"page_attachment_size",
		"page_no_reasons",
		"page_types",
	]
	assert parse_types(" PDF; .png, jpg,, ") == ("pdf", "png", "jpg")
	assert parse_lines("Wrong amount\n\n  Wrong amount \nOther") == ("Wrong amount", "Other")


def test_a_promise_names_a_date_within_the_horizon_and_an_amount_up_to_what_is_owed():
	assert check_promise(TODAY, TODAY + timedelta(days=30), D("50"), D("100"), POLICY) == []
	assert codes(check_promise(TODAY, TODAY + timedelta(days=31), D("50"), D("100"), POLICY)) == [
		"promise_date_range"
	]
	assert codes(check_promise(TODAY, TODAY - timedelta(days=1), D("50"), D("100"), POLICY)) == [
		"promise_date_range"
	]
	assert codes(check_promise(TODAY, None, D("150"), D("100"), POLICY)) == [
		"promise_date_missing",
		"promise_amount_high",
	]
	assert codes(check_promise(TODAY, TODAY, D("0"), D("100"), POLICY)) == ["promise_amount_missing"]
	assert codes(check_promise(TODAY, TODAY, D("10"), D("0"), POLICY)) == ["promise_nothing_owed"]


def test_a_dispute_takes_a_configured_reason_and_bounded_text():
	assert check_dispute("Other", "The goods came late.", POLICY) == []
	assert codes(check_dispute("Because", None, POLICY)) == ["dispute_reason"]
	assert codes(check_dispute("Other", "x" * (MAX_TEXT + 1), POLICY)) == ["page_text_long"]
	assert codes(check_dispute("Other", ["list"], POLICY)) == ["page_text_invalid"]
	assert codes(check_text("   ", required=True)) == ["page_text_missing"]


def test_an_attachment_has_an_allowed_type_and_size():
	assert check_attachment("delivery note.PDF", 1000, POLICY) == []
	assert codes(check_attachment("script.exe", 1000, POLICY)) == ["attachment_type"]
	assert codes(check_attachment("big.pdf", 5121 * 1024, POLICY)) == ["attachment_size"]
	assert codes(check_attachment("noextension", 10, POLICY)) == ["attachment_name"]
	assert codes(check_attachment(None, 10, POLICY)) == ["attachment_name"]


def test_the_page_totals_net_the_credits_as_the_aging():
	items = [
		PageItem("Sales Invoice", "SINV-1", date(2026, 5, 1), date(2026, 5, 31), D("1000"), D("1000")),
		PageItem("Sales Invoice", "SINV-2", date(2026, 6, 20), date(2026, 7, 20), D("500"), D("500")),
		PageItem("Payment Entry", "PE-1", date(2026, 6, 25), None, D("0"), D("-300")),
	]
	assert totals(items, TODAY) == (D("1200"), D("700"))
	assert items[0].days_overdue(TODAY) == 30 and items[1].days_overdue(TODAY) == 0
	assert totals(items[2:], TODAY) == (D("-300"), D("0"))
