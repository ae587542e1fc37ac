"""Bad-debt provision: the allowance for doubtful accounts at a month-end.

The company provides for the part of its open receivables it does not expect to collect. Each
open item (customer, voucher, outstanding in company currency, days past due on the as-of date)
gets a rate from one of three sources, the first that covers it:

	1. a specific provision of its voucher (an invoice provided for individually);
	2. a specific provision of its customer;
	3. the aging-rate matrix: the rate of the band its days past due fall in.

A specific provision is a rate or an amount, always with a reason.

Formulas
	band             the first band whose upper bound (days past due, inclusive) the item does
	                 not exceed; the last band is open-ended. Items not yet due (days ≤ 0) are in
	                 the first band. Default (Chinese practice, years of 365 days):
	                 ≤ 365 days 5 %, 366-730 10 %, 731-1095 30 %, 1096-1460 50 %,
	                 1461-1825 80 %, over 1825 100 %
	netting          per customer, its credits C = Σ |negative items| (credit notes, unallocated
	                 advances and payments) are applied to its positive items oldest first (most
	                 days past due first, then voucher type and number), as ERPNext's payment
	                 reconciliation allocates them: credit appliedᵢ = min(what is left of C,
	                 outstandingᵢ), netᵢ = outstandingᵢ - credit appliedᵢ ≥ 0. Credit left over
	                 (the customer owes nothing net) is reported as unapplied credit; a negative
	                 amount is never provided.
	provisionᵢ       rate: round(netᵢ * rate / 100) to the currency's smallest unit
	                 amount A of a specific provision covering the items S:
	                 min(A, Σ_S net) split over S in proportion to net (exact to the cent)
	required         Σ provisionᵢ
	adjustment       required - booked (the allowance account's balance): positive = expense
	                 (debit bad-debt expense, credit the allowance), negative = release

	So 0 ≤ provisionᵢ ≤ netᵢ ≤ outstandingᵢ, and a customer's provision never exceeds what it
	owes net; Σ net - Σ unapplied credit = Σ outstanding of all items (the ledger balance).

Historical loss rates (IFRS 9 simplified approach: a provision matrix from the company's own
history). For each band b, over the month-ends m in the look-back window
(as_of - lookback months, as_of]:

	rate(b) = clamp(Σₘ written_off(m, b) / Σₘ balance(m, b) * 100, 0, 100) %

where balance(m, b) is the receivables in band b at month-end m and written_off(m, b) the part
of that balance written off later. A band without history (Σ balance ≤ 0) has no rate (None)
and keeps the configured matrix rate. Month-ends near ``as_of`` have had little time to be
written off, which lowers the rate; ``skip_recent_months`` leaves them out.
"""

from __future__ import annotations

import enum
import itertools
from collections.abc import Iterable, Sequence
from datetime import date, timedelta
from decimal import Decimal
from typing import NamedTuple

from ar_control.core.aging import MAX_BUCKETS, MAX_DAYS, DateRange, OpenItem, days_overdue
from ar_control.core.credit import add_months
from ar_control.core.money import CENT, HUNDRED, ZERO, allocate, round_money
from ar_control.core.period import HISTORY_MONTHS
from ar_control.core.problems import Message, Problem, _, raise_if

# ---------------------------------------------------------------------------------------------
# The aging-rate matrix
# ---------------------------------------------------------------------------------------------


class RateBand(NamedTuple):
	"""Items up to ``upper_days`` past due (inclusive; ``None`` = no upper bound, the last band)
	are provided for at ``rate_percent`` (0-100). ``label`` names the band in reports."""

	upper_days: int | None
	rate_percent: Decimal
	label: str = ""


class Matrix(NamedTuple):
	"""Bands in increasing order of days past due; the last is open-ended."""

	bands: tuple[RateBand, ...]

	def index(self, days_past_due: int) -> int:
		"""The band of an item this many days past due (not yet due: the first band)."""
		for i, band in enumerate(self.bands):
			if band.upper_days is None or days_past_due <= band.upper_days:
				return i
		return len(self.bands) - 1

	def rate(self, days_past_due: int) -> Decimal:
		return self.bands[self.index(days_past_due)].rate_percent

	def label_messages(self) -> tuple[Message, ...]:
		"""Each band's name: its own label, else its days as the aging report names buckets
		("0-365", "366-730", "1826-Above"; the first band also holds what is not yet due)."""
		labels, lower = [], 0
		for band in self.bands:
			if band.label:
				labels.append(Message("band_label", band.label))
			elif band.upper_days is None:
				labels.append(Message("bucket_open", _("{0}-Above"), (lower,)))
			else:
				labels.append(Message("bucket", _("{0}-{1}"), (lower, band.upper_days)))
			if band.upper_days is not None:
				lower = band.upper_days + 1
		return tuple(labels)

	@property
	def labels(self) -> tuple[str, ...]:
		return tuple(label.english() for label in self.label_messages())


# Chinese practice (账龄分析法): within 1 year 5 %, 1-2 years 10 %, 2-3 years 30 %, 3-4 years 50 %,
# 4-5 years 80 %, over 5 years 100 %.
DEFAULT_MATRIX = Matrix(
	(
		RateBand(365, Decimal(5), _("Within 1 year")),
		RateBand(730, Decimal(10), _("1-2 years")),
		RateBand(1095, Decimal(30), _("2-3 years")),
		RateBand(1460, Decimal(50), _("3-4 years")),
		RateBand(1825, Decimal(80), _("4-5 years")),
		RateBand(None, Decimal(100), _("Over 5 years")),
	)
)


def _is_percent(value: object) -> bool:
	if isinstance(value, bool) or not isinstance(value, (Decimal, int)):
		return False
	return Decimal(value).is_finite() and ZERO <= value <= HUNDRED


def check_rate(rate: object, position: int) -> list[Problem]:
	if not _is_percent(rate):
		return [
			Problem(
				"provision_rate_out_of_range",
				_("The provision rate of band {0} must be between 0 and 100 percent, not {1}."),
				(position, rate),
			)
		]
	return []


def check_matrix(bands: Sequence[RateBand]) -> list[Problem]:
	"""Every problem with a matrix: rates 0-100 %, bounds ≥ 0 and strictly increasing, the last
	band (and only the last) open-ended so every age has a rate."""
	if not bands:
		return [Problem("provision_no_bands", _("At least one provision band is required."))]
	problems: list[Problem] = []
	if len(bands) > MAX_BUCKETS + 1:
		problems.append(
			Problem(
				"provision_too_many_bands", _("At most {0} provision bands are allowed."), (MAX_BUCKETS + 1,)
			)
		)
	for position, band in enumerate(bands, start=1):
		problems += check_rate(band.rate_percent, position)
		last = position == len(bands)
		if band.upper_days is None and not last:
			problems.append(
				Problem(
					"provision_open_band_not_last",
					_("Only the last provision band may be without upper days (band {0})."),
					(position,),
				)
			)
		elif band.upper_days is not None and last:
			problems.append(
				Problem(
					"provision_last_band_closed",
					_("Leave the upper days of the last provision band empty, so that every age has a rate."),
				)
			)
		if band.upper_days is not None and not 0 <= band.upper_days <= MAX_DAYS:
			problems.append(
				Problem(
					"provision_band_out_of_range",
					_("The upper days of provision band {0} must be between 0 and {1}, not {2}."),
					(position, MAX_DAYS, band.upper_days),
				)
			)
	closed = [(position, band) for position, band in enumerate(bands, start=1) if band.upper_days is not None]
	for (_p, before), (position, after) in itertools.pairwise(closed):
		if after.upper_days <= before.upper_days:
			problems.append(
				Problem(
					"provision_bands_not_increasing",
					_("Provision band {0} ({1} days) must end later than the band before it ({2} days)."),
					(position, after.upper_days, before.upper_days),
				)
			)
	return problems


def make_matrix(bands: Sequence[RateBand]) -> Matrix:
	raise_if(check_matrix(bands))
	return Matrix(tuple(bands))


# ---------------------------------------------------------------------------------------------
# Specific provisions
# ---------------------------------------------------------------------------------------------


class Specific(NamedTuple):
	"""A customer (``voucher_no`` empty) or one of its vouchers provided for individually, at a
	rate (percent of its net outstanding) or an amount (company currency); never both."""

	customer: str
	reason: str
	rate_percent: Decimal | None = None
	amount: Decimal | None = None
	voucher_no: str = ""
	voucher_type: str = "Sales Invoice"

	@property
	def key(self) -> tuple[str, str, str]:
		return (self.customer, self.voucher_type if self.voucher_no else "", self.voucher_no)


def check_specifics(specifics: Sequence[Specific]) -> list[Problem]:
	"""Every problem with a list of specific provisions."""
	problems: list[Problem] = []
	seen: set[tuple[str, str, str]] = set()
	for specific in specifics:
		target = specific.voucher_no or specific.customer
		if not (specific.customer or "").strip():
			problems.append(Problem("specific_customer_missing", _("A specific provision needs a customer.")))
		if specific.voucher_no and not (specific.voucher_type or "").strip():
			problems.append(
				Problem(
					"specific_voucher_type_missing",
					_("The specific provision for {0} needs a voucher type."),
					(target,),
				)
			)
		if not (specific.reason or "").strip():
			problems.append(
				Problem(
					"specific_reason_missing",
					_("The specific provision for {0} needs a reason."),
					(target,),
				)
			)
		if (specific.rate_percent is None) == (specific.amount is None):
			problems.append(
				Problem(
					"specific_rate_or_amount",
					_("The specific provision for {0} needs either a rate or an amount, not both."),
					(target,),
				)
			)
		rate = specific.rate_percent
		if rate is not None and not _is_percent(rate):
			problems.append(
				Problem(
					"specific_rate_out_of_range",
					_(
						"The rate of the specific provision for {0} must be between 0 and 100 percent, not {1}."
					),
					(target, rate),
				)
			)
		amount = specific.amount
		if amount is not None and not (
			isinstance(amount, (Decimal, int)) and Decimal(amount).is_finite() and amount >= 0
		):
			problems.append(
				Problem(
					"specific_amount_negative",
					_("The amount of the specific provision for {0} must not be negative."),
					(target,),
				)
			)
		if specific.key in seen:
			problems.append(
				Problem(
					"specific_duplicate",
					_("{0} has more than one specific provision."),
					(target,),
				)
			)
		seen.add(specific.key)
	return problems


# ---------------------------------------------------------------------------------------------
# The provision run
# ---------------------------------------------------------------------------------------------


class ProvisionItem(NamedTuple):
	"""One open item on the as-of date, in company currency (credits and advances negative)."""

	customer: str
	voucher_type: str
	voucher_no: str
	outstanding: Decimal
	days_past_due: int


def provision_items(items: Iterable[OpenItem], as_of: date) -> list[ProvisionItem]:
	"""Open items of the aging (``core.aging.OpenItem``) as the provision needs them; an item
	without a due date is aged from its posting date, as the aging does."""
	return [
		ProvisionItem(
			item.party, item.voucher_type, item.voucher_no, item.outstanding, days_overdue(item, as_of)
		)
		for item in items
	]


class Coverage(enum.Enum):
	"""Where an item's provision comes from."""

	MATRIX = "Matrix"
	CUSTOMER = "Customer"
	VOUCHER = "Voucher"


class ProvisionLine(NamedTuple):
	"""One positive open item and its provision.

	``rate_percent`` is the rate applied (``None`` when an amount-based specific provision
	covers the item); ``reason`` is the specific provision's reason ("" for the matrix).
	"""

	customer: str
	voucher_type: str
	voucher_no: str
	days_past_due: int
	band: int
	outstanding: Decimal
	credit_applied: Decimal
	net: Decimal
	coverage: Coverage
	rate_percent: Decimal | None
	provision: Decimal
	reason: str = ""


class ProvisionRow(NamedTuple):
	"""One customer's positive items in one band; ``specific`` is the part of ``provision``
	that specific provisions set."""

	customer: str
	band: int
	outstanding: Decimal
	credit_applied: Decimal
	net: Decimal
	provision: Decimal
	specific: Decimal


class CustomerProvision(NamedTuple):
	"""One customer: ``outstanding`` is its ledger balance (credits included), ``credits`` the
	sum of its negative items (as a positive number), ``unapplied_credit`` what of them exceeds
	its positive items."""

	customer: str
	outstanding: Decimal
	credits: Decimal
	unapplied_credit: Decimal
	net: Decimal
	provision: Decimal


class BandProvision(NamedTuple):
	"""One band over every customer, with the matrix rate and label (for the report)."""

	band: int
	label: Message
	rate_percent: Decimal
	outstanding: Decimal
	credit_applied: Decimal
	net: Decimal
	provision: Decimal
	specific: Decimal


class ProvisionRun(NamedTuple):
	lines: tuple[ProvisionLine, ...]
	rows: tuple[ProvisionRow, ...]
	customers: tuple[CustomerProvision, ...]
	bands: tuple[BandProvision, ...]
	required: Decimal
	booked: Decimal
	adjustment: Decimal
	unused_specifics: tuple[Specific, ...]

	@property
	def expense(self) -> Decimal:
		"""What the run's Journal Entry charges to bad-debt expense (0 when it releases)."""
		return max(self.adjustment, ZERO)

	@property
	def release(self) -> Decimal:
		"""What the run's Journal Entry releases from the allowance (0 when it charges)."""
		return max(-self.adjustment, ZERO)


class _Open(NamedTuple):
	item: ProvisionItem
	band: int
	credit_applied: Decimal
	net: Decimal


def _net_customer(
	positives: list[ProvisionItem], credits: Decimal, matrix: Matrix
) -> tuple[list[_Open], Decimal]:
	"""Apply a customer's credits to its positive items oldest first; what is left over."""
	order = sorted(
		range(len(positives)),
		key=lambda i: (-positives[i].days_past_due, positives[i].voucher_type, positives[i].voucher_no),
	)
	applied = [ZERO] * len(positives)
	left = credits
	for i in order:
		applied[i] = min(left, positives[i].outstanding)
		left -= applied[i]
	netted = [
		_Open(item, matrix.index(item.days_past_due), use, item.outstanding - use)
		for item, use in zip(positives, applied, strict=True)
	]
	return netted, left


def _provide(
	covered: list[_Open], specific: Specific, quantum: Decimal
) -> list[tuple[Decimal | None, Decimal]]:
	"""(rate, provision) for each item a specific provision covers."""
	if specific.rate_percent is not None:
		rate = specific.rate_percent
		return [(rate, min(o.net, round_money(o.net * rate / HUNDRED, quantum))) for o in covered]
	total_net = sum((o.net for o in covered), ZERO)
	amount = min(round_money(specific.amount or ZERO, quantum), total_net)
	if amount <= 0 or total_net <= 0:
		return [(None, ZERO) for _o in covered]
	parts = allocate(amount, [o.net for o in covered], quantum)
	return [(None, part) for part in parts]


def provision(
	items: Iterable[ProvisionItem],
	matrix: Matrix = DEFAULT_MATRIX,
	specifics: Sequence[Specific] = (),
	booked: Decimal = ZERO,
	quantum: Decimal = CENT,
) -> ProvisionRun:
	"""The allowance the open items require, and the adjustment from the ``booked`` balance.

	One line per positive item (items of zero or negative outstanding have none: they are
	netted), grouped by customer in the order customers first appear, then in the order of
	``items``; rows follow the same customer order, then the band order. See the module
	docstring for every formula.
	"""
	raise_if(check_matrix(matrix.bands) + check_specifics(specifics))
	by_voucher = {s.key: s for s in specifics if s.voucher_no}
	by_customer = {s.customer: s for s in specifics if not s.voucher_no}

	customers: dict[str, list[ProvisionItem]] = {}
	for item in items:
		customers.setdefault(item.customer, []).append(item)

	lines: list[ProvisionLine] = []
	customer_rows: list[CustomerProvision] = []
	used: set[tuple[str, str, str]] = set()
	for customer, own in customers.items():
		positives = [i for i in own if i.outstanding > 0]
		credits = -sum((i.outstanding for i in own if i.outstanding < 0), ZERO)
		netted, unapplied = _net_customer(positives, credits, matrix)

		# Who covers each item: its voucher's specific provision, its customer's, or the matrix.
		groups: dict[tuple[str, str, str], list[int]] = {}
		for index, o in enumerate(netted):
			key = (customer, o.item.voucher_type, o.item.voucher_no)
			if key in by_voucher:
				groups.setdefault(key, []).append(index)
			elif customer in by_customer:
				groups.setdefault((customer, "", ""), []).append(index)
		provided: dict[int, tuple[Coverage, Decimal | None, Decimal, str]] = {}
		for key, indexes in groups.items():
			specific = by_voucher[key] if key[2] else by_customer[customer]
			coverage = Coverage.VOUCHER if key[2] else Coverage.CUSTOMER
			used.add(specific.key)
			results = _provide([netted[i] for i in indexes], specific, quantum)
			for i, (rate, amount) in zip(indexes, results, strict=True):
				provided[i] = (coverage, rate, amount, specific.reason)

		customer_provision = ZERO
		for index, o in enumerate(netted):
			if index in provided:
				coverage, rate, amount, reason = provided[index]
			else:
				coverage, reason = Coverage.MATRIX, ""
				rate = matrix.bands[o.band].rate_percent
				amount = min(o.net, round_money(o.net * rate / HUNDRED, quantum))
			customer_provision += amount
			lines.append(
				ProvisionLine(
					customer=customer,
					voucher_type=o.item.voucher_type,
					voucher_no=o.item.voucher_no,
					days_past_due=o.item.days_past_due,
					band=o.band,
					outstanding=o.item.outstanding,
					credit_applied=o.credit_applied,
					net=o.net,
					coverage=coverage,
					rate_percent=rate,
					provision=amount,
					reason=reason,
				)
			)
		customer_rows.append(
			CustomerProvision(
				customer=customer,
				outstanding=sum((i.outstanding for i in own), ZERO),
				credits=credits,
				unapplied_credit=unapplied,
				net=sum((o.net for o in netted), ZERO),
				provision=customer_provision,
			)
		)

	rows = _rows(lines)
	bands = _band_totals(rows, matrix)
	required = sum((line.provision for line in lines), ZERO)
	unused = tuple(s for s in specifics if s.key not in used)
	return ProvisionRun(
		lines=tuple(lines),
		rows=rows,
		customers=tuple(customer_rows),
		bands=bands,
		required=required,
		booked=booked,
		adjustment=required - booked,
		unused_specifics=unused,
	)


def _rows(lines: Sequence[ProvisionLine]) -> tuple[ProvisionRow, ...]:
	sums: dict[tuple[str, int], list[Decimal]] = {}
	for line in lines:
		acc = sums.setdefault((line.customer, line.band), [ZERO] * 5)
		specific = line.provision if line.coverage is not Coverage.MATRIX else ZERO
		for i, value in enumerate(
			(line.outstanding, line.credit_applied, line.net, line.provision, specific)
		):
			acc[i] += value
	order = {customer: n for n, customer in enumerate(dict.fromkeys(line.customer for line in lines))}
	keys = sorted(sums, key=lambda k: (order[k[0]], k[1]))
	return tuple(ProvisionRow(customer, band, *sums[(customer, band)]) for customer, band in keys)


def _band_totals(rows: Sequence[ProvisionRow], matrix: Matrix) -> tuple[BandProvision, ...]:
	labels = matrix.label_messages()
	totals = []
	for index, band in enumerate(matrix.bands):
		mine = [row for row in rows if row.band == index]
		totals.append(
			BandProvision(
				band=index,
				label=labels[index],
				rate_percent=band.rate_percent,
				outstanding=sum((r.outstanding for r in mine), ZERO),
				credit_applied=sum((r.credit_applied for r in mine), ZERO),
				net=sum((r.net for r in mine), ZERO),
				provision=sum((r.provision for r in mine), ZERO),
				specific=sum((r.specific for r in mine), ZERO),
			)
		)
	return tuple(totals)


# ---------------------------------------------------------------------------------------------
# Historical loss rates (IFRS 9 simplified approach)
# ---------------------------------------------------------------------------------------------


class BandSnapshot(NamedTuple):
	"""At ``month_end``, ``balance`` was open in ``band`` (an index into the matrix's bands), of
	which ``written_off`` was written off later. Rows of the same month-end and band add up, so
	they may come per customer."""

	month_end: date
	band: int
	balance: Decimal
	written_off: Decimal


class LossRate(NamedTuple):
	"""One band's history over the look-back: the sums, how many month-ends had a balance in
	the band, and the loss rate in percent (2 places; ``None`` without a positive balance)."""

	band: int
	balance: Decimal
	written_off: Decimal
	month_ends: int
	rate_percent: Decimal | None


# How a company's allowance is computed: the configured matrix, or its rates replaced by the
# company's own historical loss rates
AGING_MATRIX = "Aging Matrix"
HISTORICAL = "Historical Loss Rates"
METHODS = (AGING_MATRIX, HISTORICAL)


class Policy(NamedTuple):
	"""A company's provision policy: the method, the accounts the run posts to, and the
	look-back of the historical loss rates."""

	company: str
	method: str
	allowance_account: str
	expense_account: str
	cost_center: str | None
	lookback_months: int = HISTORY_MONTHS
	skip_recent_months: int = 0


MAX_LOOKBACK_MONTHS = 240


def _months_back(day: date, months: int) -> date:
	"""``day`` moved back by calendar months; a month-end stays a month-end (31 March less one
	month is 28 or 29 February, 30 June less three months is 31 March)."""
	if (day + timedelta(days=1)).day == 1:
		following = add_months(day.replace(day=1), 1 - months)
		return following - timedelta(days=1)
	return add_months(day, -months)


def lookback_window(as_of: date, lookback_months: int, skip_recent_months: int = 0) -> DateRange:
	"""The month-ends that count: after ``as_of`` less ``lookback_months`` and up to ``as_of``
	less ``skip_recent_months`` (calendar months; a month-end stays a month-end). From 30 June a
	look-back of 12 counts the month-ends 31 July of the year before … 30 June."""
	first = _months_back(as_of, lookback_months) + timedelta(days=1)
	return DateRange(first, _months_back(as_of, skip_recent_months))


def check_history(
	snapshots: Sequence[BandSnapshot], band_count: int, lookback_months: int, skip_recent_months: int = 0
) -> list[Problem]:
	problems: list[Problem] = []
	if not 1 <= lookback_months <= MAX_LOOKBACK_MONTHS:
		problems.append(
			Problem(
				"lookback_out_of_range",
				_("The loss-rate look-back must be between 1 and {0} months, not {1}."),
				(MAX_LOOKBACK_MONTHS, lookback_months),
			)
		)
	if not 0 <= skip_recent_months < max(lookback_months, 1):
		problems.append(
			Problem(
				"skip_recent_out_of_range",
				_("The recent months left out must be fewer than the look-back months."),
			)
		)
	bad = sorted({s.band for s in snapshots if not 0 <= s.band < band_count})
	if bad:
		problems.append(
			Problem(
				"snapshot_band_unknown",
				_("Loss history refers to provision bands that do not exist: {0}."),
				(", ".join(str(b + 1) for b in bad),),
			)
		)
	return problems


def historical_loss_rates(
	snapshots: Iterable[BandSnapshot],
	band_count: int,
	as_of: date,
	lookback_months: int = HISTORY_MONTHS,
	skip_recent_months: int = 0,
) -> tuple[LossRate, ...]:
	"""rate(b) = clamp(Σ written off / Σ balance * 100, 0, 100) over the look-back, per band."""
	snapshots = list(snapshots)
	raise_if(check_history(snapshots, band_count, lookback_months, skip_recent_months))
	window = lookback_window(as_of, lookback_months, skip_recent_months)
	balance = [ZERO] * band_count
	written_off = [ZERO] * band_count
	months: list[set[date]] = [set() for _b in range(band_count)]
	for s in snapshots:
		if s.month_end not in window:
			continue
		balance[s.band] += s.balance
		written_off[s.band] += s.written_off
		if s.balance:
			months[s.band].add(s.month_end)
	rates = []
	for band in range(band_count):
		rate = None
		if balance[band] > 0:
			rate = round_money(min(HUNDRED, max(ZERO, written_off[band] / balance[band] * HUNDRED)))
		rates.append(LossRate(band, balance[band], written_off[band], len(months[band]), rate))
	return tuple(rates)


def historical_matrix(
	matrix: Matrix,
	snapshots: Iterable[BandSnapshot],
	as_of: date,
	lookback_months: int = HISTORY_MONTHS,
	skip_recent_months: int = 0,
) -> tuple[Matrix, tuple[LossRate, ...]]:
	"""The matrix with each band's rate replaced by its historical loss rate; a band without
	history keeps the configured rate. Returns the new matrix and the rates behind it."""
	raise_if(check_matrix(matrix.bands))
	rates = historical_loss_rates(snapshots, len(matrix.bands), as_of, lookback_months, skip_recent_months)
	bands = tuple(
		band if rate.rate_percent is None else band._replace(rate_percent=rate.rate_percent)
		for band, rate in zip(matrix.bands, rates, strict=True)
	)
	return Matrix(bands), rates
