"""Money as ``Decimal``: conversion at the boundary, rounding, exact allocation.

Amounts arrive from Frappe as ``float`` or ``str``; they are converted through ``str`` so that
``0.1`` becomes ``Decimal("0.1")`` rather than its binary approximation (the py-moneyed rule).
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

ZERO = Decimal("0")
CENT = Decimal("0.01")
HUNDRED = Decimal("100")


class Amount(Decimal):
	"""A ``Decimal`` that is money. Message arguments of this type are shown as money in the
	document's currency; other numbers (scores, days, percentages) are shown as numbers."""

	__slots__ = ()


def to_decimal(value: object) -> Decimal:
	"""Convert a number-like value to ``Decimal`` through its string form.

	``None`` and the empty string count as zero, as they do in Frappe's ``flt``. Anything that is
	not a finite number raises ``ValueError``.
	"""
	if value is None or value == "":
		return ZERO
	if isinstance(value, Decimal):
		result = value
	elif isinstance(value, bool):
		raise ValueError(f"not an amount: {value!r}")
	else:
		try:
			result = Decimal(str(value).strip())
		except InvalidOperation:
			raise ValueError(f"not an amount: {value!r}") from None
	if not result.is_finite():
		raise ValueError(f"not a finite amount: {value!r}")
	return result


def round_money(amount: Decimal, quantum: Decimal = CENT) -> Decimal:
	"""Round half away from zero to ``quantum`` (0.01 by default), as accountants round."""
	return amount.quantize(quantum, rounding=ROUND_HALF_UP)


def allocate(amount: Decimal, weights: Sequence[Decimal], quantum: Decimal = CENT) -> tuple[Decimal, ...]:
	"""Split ``amount`` in proportion to ``weights`` so that the parts sum to ``amount`` exactly.

	Largest-remainder method: every part is first rounded toward zero to ``quantum``; the cents
	left over go one by one to the parts with the largest remainders (ties to the earlier part).
	Used to split an invoice between the sales persons of its Sales Team by their allocated
	percentage without losing or inventing a cent.

	``amount`` must already be a multiple of ``quantum``. Weights must be non-negative with a
	positive sum.
	"""
	if not weights:
		raise ValueError("allocate needs at least one weight")
	if any(w < 0 for w in weights):
		raise ValueError("allocation weights must not be negative")
	total_weight = sum(weights, ZERO)
	if total_weight <= 0:
		raise ValueError("allocation weights must have a positive sum")
	if amount % quantum != 0:
		raise ValueError(f"amount {amount} is not a multiple of {quantum}")

	sign = -1 if amount < 0 else 1
	units = int(abs(amount) / quantum)
	exact = [Decimal(units) * w / total_weight for w in weights]
	floors = [int(x) for x in exact]
	left = units - sum(floors)
	order = sorted(range(len(weights)), key=lambda i: (-(exact[i] - floors[i]), i))
	for i in order[:left]:
		floors[i] += 1
	return tuple(sign * Decimal(n) * quantum for n in floors)


def percent(part: Decimal, whole: Decimal) -> Decimal | None:
	"""``part / whole * 100``, or ``None`` when ``whole`` is zero (the ratio is undefined)."""
	if whole == 0:
		return None
	return part / whole * HUNDRED
