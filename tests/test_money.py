from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ar_control.core.money import allocate, percent, round_money, to_decimal


def test_to_decimal_goes_through_str_so_binary_floats_do_not_leak():
	assert to_decimal(0.1) == Decimal("0.1")
	assert to_decimal(1234.56) == Decimal("1234.56")
	assert to_decimal(None) == 0
	assert to_decimal("") == 0


@pytest.mark.parametrize("bad", ["abc", float("nan"), float("inf"), True])
def test_to_decimal_rejects_what_is_not_a_finite_amount(bad):
	with pytest.raises(ValueError):
		to_decimal(bad)


def test_round_money_rounds_half_away_from_zero():
	assert round_money(Decimal("2.345")) == Decimal("2.35")
	assert round_money(Decimal("-2.345")) == Decimal("-2.35")


def test_allocate_splits_a_cent_remainder_to_the_largest_remainder():
	# 100.00 split in thirds: 33.33 each leaves one cent, which goes to the first part.
	assert allocate(Decimal("100.00"), [Decimal(1)] * 3) == (
		Decimal("33.34"),
		Decimal("33.33"),
		Decimal("33.33"),
	)
	# 60/40 of 10.01: exact 6.006 and 4.004; the leftover cent goes to the larger remainder (6.006).
	assert allocate(Decimal("10.01"), [Decimal(60), Decimal(40)]) == (Decimal("6.01"), Decimal("4.00"))


def test_allocate_keeps_the_sign_of_a_negative_amount():
	assert allocate(Decimal("-0.03"), [Decimal(1), Decimal(1)]) == (Decimal("-0.02"), Decimal("-0.01"))


@pytest.mark.parametrize("weights", [[], [Decimal(-1), Decimal(2)], [Decimal(0)]])
def test_allocate_rejects_unusable_weights(weights):
	with pytest.raises(ValueError):
		allocate(Decimal("1.00"), weights)


def test_percent_is_undefined_on_a_zero_base():
	assert percent(Decimal(1), Decimal(0)) is None
	assert percent(Decimal(1), Decimal(4)) == Decimal(25)


@given(
	cents=st.integers(min_value=-(10**9), max_value=10**9),
	weights=st.lists(st.integers(min_value=0, max_value=1000), min_size=1, max_size=8).filter(
		lambda w: sum(w) > 0
	),
)
def test_allocate_parts_sum_to_the_amount_and_stay_within_a_cent_of_their_share(cents, weights):
	amount = Decimal(cents) / 100
	parts = allocate(amount, [Decimal(w) for w in weights])
	assert sum(parts) == amount
	total = sum(weights)
	for part, weight in zip(parts, weights, strict=True):
		assert abs(part - amount * weight / total) < Decimal("0.01")
