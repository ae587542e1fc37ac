"""Aging of open receivables.

An open item is what the receivables ledger (ERPNext's Payment Ledger Entry) still shows as
outstanding against one voucher for one party: an invoice not fully paid, a credit note or an
advance not yet allocated (negative).

Age, as ERPNext's Accounts Receivable report computes it: ``age = as_of - basis date`` in days,
where the basis is the due date or the posting date (advances and payments, which have no due
date, use their posting date). An item whose basis date is still ahead (age < 0) is "not due"
and in no bucket; any other item falls in the first bucket whose upper boundary it does not
exceed: with boundaries (30, 60, 90, 120) the buckets are 0-30, 31-60, 61-90, 91-120 and
121-Above. These are ERPNext's rules, so the bucket totals can be compared with its report.

The seed documents split collection into three stages by days past the due date:
	credit period        not yet due (days overdue ≤ 0)
	coordination period  1 … coordination_days overdue: sales and finance chase the customer
	clearing period      more than coordination_days overdue: credit staff, legal, write-off
"""

from __future__ import annotations

import bisect
import enum
import itertools
from collections.abc import Callable, Hashable, Iterable, Sequence
from datetime import date, timedelta
from decimal import Decimal
from typing import NamedTuple

from ar_control.core.money import CENT, ZERO, allocate
from ar_control.core.problems import Message, Problem, _, raise_if


class Basis(enum.Enum):
	DUE_DATE = "Due Date"
	POSTING_DATE = "Posting Date"


class OpenItem(NamedTuple):
	"""What is still open against one voucher for one customer, in company currency."""

	voucher_type: str
	voucher_no: str
	party: str
	posting_date: date
	due_date: date | None
	outstanding: Decimal
	invoiced: Decimal = ZERO
	currency: str = ""

	@property
	def effective_due_date(self) -> date:
		"""Advances and payments have no due date; ERPNext ages them from their posting date."""
		return self.due_date or self.posting_date


class Buckets(NamedTuple):
	"""Upper boundaries, in days, of every bucket but the last (which is open-ended)."""

	boundaries: tuple[int, ...]

	def label_messages(self) -> tuple[Message, ...]:
		"""The buckets' names as translatable messages: 0-30, 31-60, ..., 121-Above."""
		labels, lower = [], 0
		for upper in self.boundaries:
			labels.append(Message("bucket", _("{0}-{1}"), (lower, upper)))
			lower = upper + 1
		labels.append(Message("bucket_open", _("{0}-Above"), (lower,)))
		return tuple(labels)

	@property
	def labels(self) -> tuple[str, ...]:
		"""The buckets' names in English."""
		return tuple(label.english() for label in self.label_messages())

	@property
	def text(self) -> str:
		"""The boundaries as a user writes them: ``30, 60, 90, 120`` (see :func:`parse_buckets`)."""
		return ", ".join(str(b) for b in self.boundaries)

	def index(self, age: int) -> int | None:
		"""The bucket of an item of this age; ``None`` when it is not yet due (age < 0)."""
		if age < 0:
			return None
		for i, upper in enumerate(self.boundaries):
			if age <= upper:
				return i
		return len(self.boundaries)


DEFAULT_BUCKETS = Buckets((30, 60, 90, 120))


# Beyond these an aging grid means nothing (and dates would leave the calendar)
MAX_DAYS = 36500
MAX_BUCKETS = 20


def check_boundaries(boundaries: Sequence[int]) -> list[Problem]:
	problems: list[Problem] = []
	if not boundaries:
		problems.append(Problem("no_buckets", _("At least one aging bucket boundary is required.")))
	if len(boundaries) > MAX_BUCKETS:
		problems.append(
			Problem("too_many_buckets", _("At most {0} aging bucket boundaries are allowed."), (MAX_BUCKETS,))
		)
	if any(b > MAX_DAYS for b in boundaries):
		problems.append(
			Problem("bucket_too_large", _("Aging bucket boundaries may be at most {0} days."), (MAX_DAYS,))
		)
	if any(b <= 0 for b in boundaries):
		problems.append(Problem("bucket_not_positive", _("Aging bucket boundaries must be positive days.")))
	if any(b >= c for b, c in itertools.pairwise(boundaries)):
		problems.append(
			Problem(
				"buckets_not_increasing",
				_("Aging bucket boundaries must increase strictly: {0}."),
				(", ".join(str(b) for b in boundaries),),
			)
		)
	return problems


def make_buckets(boundaries: Sequence[int]) -> Buckets:
	raise_if(check_boundaries(boundaries))
	return Buckets(tuple(boundaries))


def parse_buckets(text: str) -> Buckets:
	"""Buckets from text such as ``"30, 60, 90, 120"`` (the form ERPNext's report filter uses)."""
	parts = [p.strip() for p in (text or "").replace(";", ",").split(",") if p.strip()]
	bad = [p for p in parts if not (p.isascii() and p.isdigit())]
	if bad:
		raise_if(
			[
				Problem(
					"bucket_not_number",
					_("Aging bucket boundaries must be whole numbers of days, not {0}."),
					(", ".join(bad),),
				)
			]
		)
	return make_buckets([int(p) for p in parts])


class Stages(NamedTuple):
	"""Where the coordination period ends, in days past due; after it the clearing period starts."""

	coordination_days: int = 60

	LABELS = ("Credit Period", "Coordination Period", "Clearing Period")

	def index(self, days_overdue: int) -> int:
		if days_overdue <= 0:
			return 0
		if days_overdue <= self.coordination_days:
			return 1
		return 2


DEFAULT_STAGES = Stages()


def check_stages(stages: Stages) -> list[Problem]:
	if stages.coordination_days < 1:
		return [
			Problem("coordination_days_invalid", _("The coordination period must last at least one day."))
		]
	if stages.coordination_days > MAX_DAYS:
		return [
			Problem(
				"coordination_days_too_long",
				_("The coordination period may last at most {0} days."),
				(MAX_DAYS,),
			)
		]
	return []


class DateRange(NamedTuple):
	"""The days ``first`` … ``last``, both included; ``None`` leaves that side open."""

	first: date | None
	last: date | None

	def __contains__(self, day: object) -> bool:
		if not isinstance(day, date):
			return False
		return (self.first is None or self.first <= day) and (self.last is None or day <= self.last)


def bucket_date_ranges(buckets: Buckets, as_of: date) -> tuple[DateRange, ...]:
	"""The same partition as :meth:`Buckets.index`, stated on the basis date instead of the age.

	``age = as_of - basis`` lies in ``lower … upper`` exactly when the basis date lies in
	``as_of - upper … as_of - lower``. The first range is "not due" (basis after ``as_of``), then
	one range per bucket. A database can sum by these ranges without computing any age, so the
	reports bucket in SQL by the very rule this module states and tests.
	"""
	raise_if(check_boundaries(buckets.boundaries))
	ranges = [DateRange(as_of + timedelta(days=1), None)]
	lower = 0
	for upper in buckets.boundaries:
		ranges.append(DateRange(as_of - timedelta(days=upper), as_of - timedelta(days=lower)))
		lower = upper + 1
	ranges.append(DateRange(None, as_of - timedelta(days=lower)))
	return tuple(ranges)


def stage_date_ranges(stages: Stages, as_of: date) -> tuple[DateRange, DateRange, DateRange]:
	"""The three stages as ranges of the (effective) due date, the partition of :meth:`Stages.index`."""
	raise_if(check_stages(stages))
	limit = as_of - timedelta(days=stages.coordination_days)
	return (
		DateRange(as_of, None),
		DateRange(limit, as_of - timedelta(days=1)),
		DateRange(None, limit - timedelta(days=1)),
	)


def range_starts(ranges: Sequence[DateRange]) -> tuple[date, ...]:
	"""The first days of ``ranges``, oldest first, when the ranges partition every date with the
	latest range first (as :func:`bucket_date_ranges` and :func:`stage_date_ranges` make them):
	the oldest range has no first day and is left out. They alone tell which range a date lies in
	(:func:`range_number`), which the database works out with ``INTERVAL``. Raises ``ValueError``
	for ranges that are no such partition."""
	contiguous = all(
		earlier.last is not None and later.first == earlier.last + timedelta(days=1)
		for later, earlier in itertools.pairwise(ranges)
	)
	if not (ranges and ranges[0].last is None and ranges[-1].first is None and contiguous):
		raise ValueError("the ranges do not partition the dates, latest first")
	return tuple(dates.first for dates in reversed(ranges[:-1]))


def range_number(day: date, starts: Sequence[date]) -> int:
	"""The number of the range ``day`` lies in (0: the latest), from :func:`range_starts`: the
	ranges after those whose first day is at most ``day``."""
	return len(starts) - bisect.bisect_right(starts, day)


def age(item: OpenItem, as_of: date, basis: Basis) -> int:
	"""Days from the basis date to ``as_of`` (negative when the basis date is later)."""
	basis_date = item.effective_due_date if basis is Basis.DUE_DATE else item.posting_date
	return (as_of - basis_date).days


def days_overdue(item: OpenItem, as_of: date) -> int:
	return (as_of - item.effective_due_date).days


class AgingRow(NamedTuple):
	"""Totals of one group: outstanding, not yet due, per bucket, per stage, how many items.

	``not_due`` + Σ ``buckets`` = ``outstanding`` = Σ ``stages``.
	"""

	key: Hashable
	outstanding: Decimal
	not_due: Decimal
	buckets: tuple[Decimal, ...]
	stages: tuple[Decimal, ...]
	count: int


class _Accumulator:
	__slots__ = ("buckets", "count", "not_due", "outstanding", "stages")

	def __init__(self, bucket_count: int):
		self.outstanding = ZERO
		self.not_due = ZERO
		self.buckets = [ZERO] * bucket_count
		self.stages = [ZERO] * 3
		self.count = 0


def age_items(
	items: Iterable[OpenItem],
	as_of: date,
	buckets: Buckets = DEFAULT_BUCKETS,
	basis: Basis = Basis.DUE_DATE,
	stages: Stages = DEFAULT_STAGES,
	key: Callable[[OpenItem], Hashable] = lambda item: item.party,
) -> dict[Hashable, AgingRow]:
	"""Aging totals per group (``key``), in the order groups first appear.

	Every item's outstanding lands in exactly one of "not due" and the buckets, and in exactly
	one stage, so for every group both partitions sum to its outstanding exactly.
	"""
	raise_if(check_boundaries(buckets.boundaries) + check_stages(stages))
	groups: dict[Hashable, _Accumulator] = {}
	bucket_count = len(buckets.boundaries) + 1
	for item in items:
		acc = groups.get(key(item))
		if acc is None:
			acc = groups[key(item)] = _Accumulator(bucket_count)
		acc.outstanding += item.outstanding
		index = buckets.index(age(item, as_of, basis))
		if index is None:
			acc.not_due += item.outstanding
		else:
			acc.buckets[index] += item.outstanding
		acc.stages[stages.index(days_overdue(item, as_of))] += item.outstanding
		acc.count += 1
	return {
		k: AgingRow(k, acc.outstanding, acc.not_due, tuple(acc.buckets), tuple(acc.stages), acc.count)
		for k, acc in groups.items()
	}


class Settlement(NamedTuple):
	"""What the ledger holds against one invoice, as ERPNext's Accounts Receivable splits it:
	``invoiced`` (the invoice's own debit and any other debit that is not a refund), ``paid``
	(payments and journal entries, net of refunds) and ``credit_note`` (credit notes against it)."""

	invoiced: Decimal
	paid: Decimal
	credit_note: Decimal


class Term(NamedTuple):
	"""One row of an invoice's payment schedule, in company currency."""

	due_date: date
	amount: Decimal  # the term's share of the invoice (base payment amount)
	paid: Decimal = ZERO  # what ERPNext recorded as paid on the term (base paid amount)
	discounted: Decimal = ZERO  # early-payment discount taken on the term
	paid_in_invoice_currency: Decimal = ZERO  # orders the terms, as ERPNext orders them


def split_by_payment_terms(
	item: OpenItem, settlement: Settlement, terms: Sequence[Term], advance: Decimal = ZERO
) -> list[OpenItem]:
	"""An open invoice as ERPNext's Accounts Receivable shows it *Based On Payment Terms*: one item
	per term still owed, due on the term's due date, and one more (negative, aged from the
	invoice) for what was paid or credited beyond the terms.

	ERPNext's rule: each term starts from what the payment schedule records as paid on it; the
	invoice's remaining payments (less the advance allocated on the invoice itself) then settle
	the terms with nothing recorded, and its credit notes what is still owed, in the schedule's
	order (terms already paid first, then by due date). An invoice without a schedule stays whole.
	"""
	if not terms:
		return [item]
	paid = settlement.paid - advance
	credit_note = settlement.credit_note
	ordered = sorted(terms, key=lambda t: (-t.paid_in_invoice_currency, t.due_date))
	rows = []
	for term in ordered:
		term_paid = term.paid + term.discounted
		rows.append([term, term_paid, term.amount - term.paid - term.discounted])
		if term.paid:
			paid -= term.paid + term.discounted

	def settle(row, remaining: Decimal) -> tuple[Decimal, Decimal]:
		"""Settle the row's outstanding from ``remaining``; returns (taken, remaining)."""
		if not remaining:
			return ZERO, remaining
		if remaining > row[2]:
			return row[2], remaining - row[2]
		return remaining, ZERO

	for row in rows:
		if not row[1]:
			taken, paid = settle(row, paid)
			row[1] = taken
			row[2] -= taken
		if row[2]:
			taken, credit_note = settle(row, credit_note)
			row[2] -= taken
	items = [
		item._replace(due_date=term.due_date, outstanding=outstanding, invoiced=term.amount)
		for term, _paid, outstanding in sorted(rows, key=lambda row: row[0].due_date)
		if outstanding > 0
	]
	if paid > 0 or credit_note > 0:
		items.append(item._replace(outstanding=-paid - credit_note, invoiced=ZERO))
	return items


def settle_oldest_first(items: Iterable[OpenItem]) -> dict[tuple[str, str], Decimal]:
	"""What is left of each debt (an item with something owed) once the customer's unallocated
	credits (credit notes, advances, payments on account: the items that owe a negative amount)
	have settled the oldest debts first, by effective due date; keyed by (voucher type, voucher
	number). The customer's items only: credits do not move between customers.

	Collection chases what is left; a customer whose money on account covers its overdue invoices
	is not chased for them, even before someone matches the payment to them in ERPNext.
	"""
	items = list(items)
	credit = -sum((i.outstanding for i in items if i.outstanding < 0), ZERO)
	left: dict[tuple[str, str], Decimal] = {}
	for item in sorted(
		(i for i in items if i.outstanding > 0), key=lambda i: (i.effective_due_date, i.voucher_no)
	):
		taken = min(credit, item.outstanding)
		credit -= taken
		key = (item.voucher_type, item.voucher_no)
		left[key] = left.get(key, ZERO) + item.outstanding - taken
	return left


def overdue_amount(items: Iterable[OpenItem], cutoff: date) -> Decimal:
	"""What a customer owes that fell due before ``cutoff``, net of its unallocated credits.

	The debts (items with something owed) whose effective due date is before ``cutoff`` count;
	every credit (a credit note, an advance or a payment not yet matched to an invoice) counts
	against them whatever its date, as money on the customer's account settles its oldest debts
	first; never below zero. With no unallocated credit this is the aging's overdue part; the
	credit check, the collection cases and the ladder all use it.
	"""
	items = list(items)
	debts = sum((i.outstanding for i in items if i.outstanding > 0 and i.effective_due_date < cutoff), ZERO)
	credits = sum((i.outstanding for i in items if i.outstanding < 0), ZERO)
	return max(debts + credits, ZERO)


def grand_total(rows: Iterable[AgingRow], bucket_count: int) -> AgingRow:
	"""The sum of several group rows."""
	outstanding, not_due, count = ZERO, ZERO, 0
	bucket_sums, stage_sums = [ZERO] * bucket_count, [ZERO] * 3
	for row in rows:
		outstanding += row.outstanding
		not_due += row.not_due
		count += row.count
		bucket_sums = [a + b for a, b in zip(bucket_sums, row.buckets, strict=True)]
		stage_sums = [a + b for a, b in zip(stage_sums, row.stages, strict=True)]
	return AgingRow("Total", outstanding, not_due, tuple(bucket_sums), tuple(stage_sums), count)


def split_item(
	item: OpenItem, shares: Sequence[tuple[str, Decimal]], quantum: Decimal = CENT
) -> list[tuple[str, OpenItem]]:
	"""Split an item between owners (e.g. the sales persons of its Sales Team) by percentage.

	The parts sum to the item's outstanding and invoiced amounts exactly (to ``quantum``, the
	currency's smallest unit). An item with no shares is returned whole under the empty owner.
	"""
	if not shares:
		return [("", item)]
	weights = [share for _owner, share in shares]
	outstanding = allocate(item.outstanding, weights, quantum)
	invoiced = allocate(item.invoiced, weights, quantum)
	return [
		(owner, item._replace(outstanding=o, invoiced=i))
		for (owner, _share), o, i in zip(shares, outstanding, invoiced, strict=True)
	]
