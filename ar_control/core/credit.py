"""Credit assessment and the credit decision.

The seed documents' method: assess a customer before selling on credit (solvency,
profitability, operating capability, payment history ...), turn the assessment into a grade,
give each grade a credit limit and a credit term, and review it every 6-12 months. At order
entry, refuse what breaks the limit, what a customer on hold orders, and what a customer with
long-overdue invoices orders.

Formulas
	total score      Σ weightᵢ * scoreᵢ / 100, weights in percent summing to 100, scores 0-100
	grade            the band with the highest minimum score not above the total score
	recommended      clamp(limit_months * average monthly billing, band minimum, band maximum)
	limit
	exposure         open receivables + unbilled Sales Orders + unbilled Delivery Notes + this
	                 document (all in company currency)
	blocked when     exposure > limit * (1 + tolerance / 100); or the customer is on hold; or
	                 the customer owes at least the minimum amount on invoices overdue by more
	                 than the grace days
"""

from __future__ import annotations

import calendar
import enum
from collections.abc import Sequence
from datetime import date, timedelta
from decimal import Decimal
from typing import NamedTuple

from ar_control.core.money import HUNDRED, ZERO, Amount, round_money
from ar_control.core.period import HISTORY_MONTHS
from ar_control.core.problems import Message, Problem, RuleError, _, raise_if

# ---------------------------------------------------------------------------------------------
# Factor scoring
# ---------------------------------------------------------------------------------------------


class Factor(NamedTuple):
	"""One line of a credit assessment: a named factor, its weight in percent, its score 0-100."""

	name: str
	weight: Decimal
	score: Decimal


def check_weights(factors: Sequence[tuple[str, Decimal]]) -> list[Problem]:
	"""Problems with a factor set's names and weights (the part a settings form configures)."""
	problems: list[Problem] = []
	if not factors:
		return [Problem("no_factors", _("At least one credit factor is required."))]
	seen: set[str] = set()
	for name, weight, *_rest in factors:
		label = (name or "").strip()
		if not label:
			problems.append(Problem("factor_name_missing", _("Every credit factor needs a name.")))
		elif label.casefold() in seen:
			problems.append(Problem("factor_duplicate", _("Credit factor {0} is listed twice."), (label,)))
		seen.add(label.casefold())
		if weight < 0 or weight > HUNDRED:
			problems.append(
				Problem(
					"weight_out_of_range",
					_("The weight of credit factor {0} must be between 0 and 100, not {1}."),
					(label, weight),
				)
			)
	total = sum((weight for _name, weight, *_rest in factors), ZERO)
	if total != HUNDRED:
		problems.append(
			Problem(
				"weights_not_100", _("The credit factor weights must sum to 100, they sum to {0}."), (total,)
			)
		)
	return problems


class FactorDefinition(NamedTuple):
	"""A factor of the configured set: its name, weight in percent and where its score comes from."""

	name: str
	weight: Decimal
	basis: str = "Manual"


# The seed documents' factor set: solvency, profitability and operating capability from the
# customer's accounts (scored by hand), payment behaviour and credit history from its own
# ERPNext history (computed), and its position in its industry.
DEFAULT_FACTORS = (
	FactorDefinition("Solvency", Decimal(20), "Manual"),
	FactorDefinition("Profitability", Decimal(15), "Manual"),
	FactorDefinition("Operating Capability", Decimal(15), "Manual"),
	FactorDefinition("Payment Behaviour: On Time", Decimal(20), "On-time Share"),
	FactorDefinition("Payment Behaviour: Days Late", Decimal(10), "Days Late"),
	FactorDefinition("Credit History: Worst Lateness", Decimal(10), "Worst Lateness"),
	FactorDefinition("Industry Position", Decimal(10), "Manual"),
)


def check_factors(factors: Sequence[Factor]) -> list[Problem]:
	"""Every problem with a filled-in factor table: names, weights and scores."""
	problems = check_weights(factors)
	for factor in factors:
		if factor.score < 0 or factor.score > HUNDRED:
			problems.append(
				Problem(
					"score_out_of_range",
					_("The score of credit factor {0} must be between 0 and 100, not {1}."),
					(factor.name, factor.score),
				)
			)
	return problems


def total_score(factors: Sequence[Factor]) -> Decimal:
	"""Weighted total score Σ weight * score / 100, rounded to 2 places. Raises on bad input."""
	raise_if(check_factors(factors))
	return round_money(sum((f.weight * f.score for f in factors), ZERO) / HUNDRED)


# ---------------------------------------------------------------------------------------------
# Grades, limits, terms, review dates
# ---------------------------------------------------------------------------------------------


class GradeBand(NamedTuple):
	"""What a grade means: from which score it applies, and the credit it earns.

	``limit_months``: the recommended limit is this many months of the customer's average
	monthly billing over the last 12 months, bounded by ``min_limit`` and ``max_limit``
	(``None`` = no cap). ``min_limit`` is also what a customer without billing history gets.
	``credit_days``: the credit term for the grade. ``review_months``: how long an approved
	assessment stays valid before it must be reviewed (the seeds: every 6-12 months).
	"""

	grade: str
	min_score: Decimal
	credit_days: int
	limit_months: Decimal
	min_limit: Decimal
	max_limit: Decimal | None
	review_months: int


# Five grades, A best. Limits are months of average monthly billing, so the defaults fit any
# currency; E earns no credit. Reviews every 12 months for good grades, 6 or 3 for weaker ones
# (the seeds: every 6-12 months).
DEFAULT_BANDS = (
	GradeBand("A", Decimal(85), 60, Decimal(3), ZERO, None, 12),
	GradeBand("B", Decimal(70), 45, Decimal(2), ZERO, None, 12),
	GradeBand("C", Decimal(55), 30, Decimal(1), ZERO, None, 6),
	GradeBand("D", Decimal(40), 15, Decimal("0.5"), ZERO, None, 6),
	GradeBand("E", ZERO, 0, ZERO, ZERO, None, 3),
)


def check_bands(bands: Sequence[GradeBand]) -> list[Problem]:
	"""Every problem with a set of grade bands."""
	if not bands:
		return [Problem("no_bands", _("At least one credit grade band is required."))]
	problems: list[Problem] = []
	grades: set[str] = set()
	scores: set[Decimal] = set()
	for band in bands:
		grade = (band.grade or "").strip()
		if not grade:
			problems.append(Problem("grade_missing", _("Every credit grade band needs a grade.")))
		elif grade in grades:
			problems.append(Problem("grade_duplicate", _("Credit grade {0} is listed twice."), (grade,)))
		grades.add(grade)
		if band.min_score < 0 or band.min_score > HUNDRED:
			problems.append(
				Problem(
					"band_score_out_of_range",
					_("The minimum score of grade {0} must be between 0 and 100, not {1}."),
					(grade, band.min_score),
				)
			)
		elif band.min_score in scores:
			problems.append(
				Problem(
					"band_score_duplicate",
					_("Two credit grades start at the same minimum score {0}."),
					(band.min_score,),
				)
			)
		scores.add(band.min_score)
		if band.credit_days < 0:
			problems.append(
				Problem(
					"credit_days_negative", _("The credit days of grade {0} must not be negative."), (grade,)
				)
			)
		if band.limit_months < 0 or band.min_limit < 0 or (band.max_limit is not None and band.max_limit < 0):
			problems.append(
				Problem(
					"limit_negative", _("The credit limit rule of grade {0} must not be negative."), (grade,)
				)
			)
		elif band.max_limit is not None and band.max_limit < band.min_limit:
			problems.append(
				Problem(
					"limit_cap_below_floor",
					_("The maximum credit limit of grade {0} is below its minimum."),
					(grade,),
				)
			)
		if band.review_months < 1:
			problems.append(
				Problem(
					"review_months_invalid",
					_("The review interval of grade {0} must be at least one month."),
					(grade,),
				)
			)
	if ZERO not in scores:
		problems.append(
			Problem(
				"no_band_at_zero",
				_("One credit grade must start at score 0, so that every score has a grade."),
			)
		)
	return problems


def grade_for(score: Decimal, bands: Sequence[GradeBand]) -> GradeBand:
	"""The band with the highest minimum score that ``score`` reaches."""
	raise_if(check_bands(bands))
	if score < 0 or score > HUNDRED:
		raise RuleError(
			[Problem("score_out_of_range", _("A credit score must be between 0 and 100, not {0}."), (score,))]
		)
	return max((b for b in bands if b.min_score <= score), key=lambda b: b.min_score)


def recommended_limit(band: GradeBand, average_monthly_billing: Decimal) -> Decimal:
	"""clamp(limit_months * average monthly billing, min_limit, max_limit), to the cent."""
	if average_monthly_billing < 0:
		average_monthly_billing = ZERO
	limit = max(round_money(band.limit_months * average_monthly_billing), band.min_limit)
	if band.max_limit is not None:
		limit = min(limit, band.max_limit)
	return limit


def add_months(day: date, months: int) -> date:
	"""``day`` moved by whole calendar months, clamped to the last day of the target month."""
	month_index = day.month - 1 + months
	year, month = day.year + month_index // 12, month_index % 12 + 1
	return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


class AssessmentResult(NamedTuple):
	total_score: Decimal
	grade: str
	credit_days: int
	recommended_limit: Decimal
	valid_until: date


def assess(
	factors: Sequence[Factor],
	bands: Sequence[GradeBand],
	average_monthly_billing: Decimal,
	assessed_on: date,
) -> AssessmentResult:
	"""Score, grade, recommended limit, credit days and review date of one assessment."""
	problems = check_factors(factors) + check_bands(bands)
	raise_if(problems)
	score = total_score(factors)
	band = grade_for(score, bands)
	return AssessmentResult(
		total_score=score,
		grade=band.grade,
		credit_days=band.credit_days,
		recommended_limit=recommended_limit(band, average_monthly_billing),
		valid_until=add_months(assessed_on, band.review_months),
	)


# ---------------------------------------------------------------------------------------------
# The credit decision at order entry
# ---------------------------------------------------------------------------------------------


class Exposure(NamedTuple):
	"""What the customer would owe the company if this document goes through, by source.

	``increase``: for a submitted order whose items are changed, how much the change adds
	(``this_document`` is then the order's whole new unbilled amount).
	"""

	currency: str
	open_receivables: Decimal = ZERO
	unbilled_orders: Decimal = ZERO
	unbilled_deliveries: Decimal = ZERO
	this_document: Decimal = ZERO
	increase: Decimal | None = None

	@property
	def total(self) -> Decimal:
		return self.open_receivables + self.unbilled_orders + self.unbilled_deliveries + self.this_document

	@property
	def added(self) -> Decimal:
		"""What the document adds: all of it, or for an amended order only the increase."""
		return self.this_document if self.increase is None else self.increase


def unbilled_order(grand_total, per_billed):
	"""The part of a Sales Order not billed yet, as ERPNext counts it:
	grand total x (100 - percent billed) / 100.

	One definition for both readers: the credit check applies it to the order it checks
	(``Decimal``), the exposure query to the customer's other orders (query-builder columns,
	whose arithmetic makes the same SQL expression)."""
	return grand_total * (HUNDRED - per_billed) / HUNDRED


class DocumentLine(NamedTuple):
	"""A line of the document being checked: its net amount and whether an earlier submitted
	document (the order it was made from, or the delivery it bills) already counts it."""

	net_amount: Decimal
	already_counted: bool = False


def document_exposure(
	lines: Sequence[DocumentLine], net_total: Decimal, grand_total: Decimal, paid: Decimal = ZERO
) -> Decimal:
	"""What a document adds to the exposure, in company currency.

	The lines no earlier document counts, grossed up from net to grand total (taxes and
	charges follow the lines), less what was paid at once (a POS invoice), never below zero.
	A document made wholly from an order or a delivery adds nothing: the order or the delivery
	is already in the exposure.
	"""
	new_net = sum((line.net_amount for line in lines if not line.already_counted), ZERO)
	if net_total and new_net != net_total:
		added = grand_total * new_net / net_total
	else:
		added = grand_total if new_net else ZERO
	return max(ZERO, round_money(added - paid))


class CreditPolicy(NamedTuple):
	"""The rules that apply to one customer in one company.

	``limit`` ``None`` means no limit is set (ERPNext treats a limit of 0 the same way).
	``overdue_grace_days`` ``None`` switches the overdue rule off.
	"""

	currency: str
	limit: Decimal | None
	tolerance_percent: Decimal = ZERO
	overdue_grace_days: int | None = None
	overdue_min_amount: Decimal = ZERO


class Standing(NamedTuple):
	"""The customer's standing: hold flag and what is overdue beyond the grace days."""

	on_hold: bool = False
	hold_reason: str = ""
	overdue_past_grace: Decimal = ZERO
	oldest_overdue_days: int = 0


class CreditDecision(NamedTuple):
	allowed: bool
	reasons: tuple[Problem, ...]
	exposure: Decimal
	limit: Decimal | None
	ceiling: Decimal | None
	available: Decimal | None


def check_policy(policy: CreditPolicy, exposure: Exposure) -> list[Problem]:
	problems: list[Problem] = []
	if policy.limit is not None and policy.limit < 0:
		problems.append(
			Problem("limit_negative", _("The credit limit must not be negative: {0}."), (policy.limit,))
		)
	if policy.tolerance_percent < 0:
		problems.append(
			Problem(
				"tolerance_negative",
				_("The credit limit tolerance must not be negative: {0}%."),
				(policy.tolerance_percent,),
			)
		)
	if policy.overdue_grace_days is not None and policy.overdue_grace_days < 0:
		problems.append(Problem("grace_negative", _("The overdue grace days must not be negative.")))
	if policy.overdue_min_amount < 0:
		problems.append(
			Problem("overdue_min_negative", _("The minimum overdue amount must not be negative."))
		)
	if policy.currency != exposure.currency:
		problems.append(
			Problem(
				"currency_mismatch",
				_("The credit limit is in {0} but the exposure is in {1}."),
				(policy.currency, exposure.currency),
			)
		)
	return problems


def overdue_cutoff(today: date, grace_days: int) -> date:
	"""Invoices due *before* this date are overdue by more than ``grace_days``."""
	return today - timedelta(days=grace_days)


def decide(exposure: Exposure, policy: CreditPolicy, standing: Standing) -> CreditDecision:
	"""Allow or block, with every reason and its figures.

	``available`` is limit - exposure (negative when over); ``ceiling`` is the limit raised by
	the tolerance, the most the exposure may reach. A document that adds nothing to the exposure
	(a delivery or an invoice of an order already counted) is never blocked for the limit:
	refusing it would not lower the risk. Hold and overdue still apply to it.
	"""
	raise_if(check_policy(policy, exposure))
	reasons: list[Problem] = []
	total = exposure.total
	ceiling = available = None
	if policy.limit is not None:
		ceiling = round_money(policy.limit * (HUNDRED + policy.tolerance_percent) / HUNDRED)
		available = policy.limit - total
		if total > ceiling and exposure.added > 0:
			reasons.append(
				Problem(
					"over_limit",
					_("Credit exposure {0} exceeds the credit limit {1} (with {2}% tolerance: {3}) by {4}."),
					(
						Amount(total),
						Amount(policy.limit),
						policy.tolerance_percent,
						Amount(ceiling),
						Amount(total - ceiling),
					),
				)
			)
	if standing.on_hold:
		if standing.hold_reason:
			reason = standing.hold_reason.strip().rstrip(".")
			reasons.append(Problem("on_hold", _("The customer is on credit hold: {0}."), (reason,)))
		else:
			reasons.append(Problem("on_hold", _("The customer is on credit hold.")))
	if (
		policy.overdue_grace_days is not None
		and standing.overdue_past_grace > 0
		and standing.overdue_past_grace >= policy.overdue_min_amount
	):
		reasons.append(
			Problem(
				"overdue",
				_(
					"The customer owes {0} on invoices overdue by more than {1} days (the oldest by {2} days)."
				),
				(
					Amount(standing.overdue_past_grace),
					policy.overdue_grace_days,
					standing.oldest_overdue_days,
				),
			)
		)
	return CreditDecision(
		allowed=not reasons,
		reasons=tuple(reasons),
		exposure=total,
		limit=policy.limit,
		ceiling=ceiling,
		available=available,
	)


# ---------------------------------------------------------------------------------------------
# Payment behaviour from the customer's own history
# ---------------------------------------------------------------------------------------------


class HistoryInvoice(NamedTuple):
	"""One invoice of the assessment window, in company currency.

	``settled_on``: the date of the last payment or credit against it when nothing is left open
	(``None`` while something is still outstanding).
	"""

	posting_date: date
	due_date: date
	amount: Decimal
	outstanding: Decimal
	settled_on: date | None


class PaymentHistory(NamedTuple):
	"""What the customer's own ERPNext history says, over a window ending on ``as_of``.

	invoices            invoices posted in the window
	billed              their total amount
	average_monthly     billed / months in the window
	judged              invoices that can be judged: settled, or open and already past due
	late                judged invoices settled after their due date, or open past it
	late_share          late / judged (``None`` when nothing can be judged)
	average_days_to_pay amount-weighted mean of (settled_on - posting_date) over settled ones
	average_days_late   amount-weighted mean of max(0, settled_on or as_of - due_date) over judged
	worst_days_late     the largest such lateness
	months              how many months the window spans
	"""

	invoices: int
	billed: Decimal
	average_monthly: Decimal
	judged: int
	late: int
	late_share: Decimal | None
	average_days_to_pay: Decimal | None
	average_days_late: Decimal | None
	worst_days_late: int
	months: int = HISTORY_MONTHS


def payment_history(
	invoices: Sequence[HistoryInvoice], as_of: date, months: int = HISTORY_MONTHS
) -> PaymentHistory:
	"""Summarise an invoice history (see :class:`PaymentHistory` for each figure)."""
	billed = sum((inv.amount for inv in invoices), ZERO)
	judged = late = worst = 0
	paid_weight = paid_days = late_weight = late_days = ZERO
	for inv in invoices:
		if inv.settled_on is not None and inv.outstanding <= 0:
			end = inv.settled_on
			paid_weight += inv.amount
			paid_days += inv.amount * (end - inv.posting_date).days
		elif inv.due_date < as_of:
			end = as_of
		else:
			continue  # open and not yet due: too early to judge
		judged += 1
		days_late = max(0, (end - inv.due_date).days)
		late += days_late > 0
		worst = max(worst, days_late)
		late_weight += inv.amount
		late_days += inv.amount * days_late
	return PaymentHistory(
		invoices=len(invoices),
		billed=billed,
		average_monthly=round_money(billed / months) if months else ZERO,
		judged=judged,
		late=late,
		late_share=Decimal(late) / judged if judged else None,
		average_days_to_pay=round_money(paid_days / paid_weight) if paid_weight else None,
		average_days_late=round_money(late_days / late_weight) if late_weight else None,
		worst_days_late=worst,
		months=months,
	)


class Basis(enum.Enum):
	"""Where a factor's score comes from."""

	MANUAL = "Manual"
	ON_TIME_SHARE = "On-time Share"
	DAYS_LATE = "Days Late"
	WORST_LATENESS = "Worst Lateness"


# A customer 50 days late on average, or once 180 days late, scores 0 on those factors.
DAYS_LATE_FOR_ZERO = 50
WORST_LATENESS_FOR_ZERO = 180


def _clamp_score(value: Decimal) -> Decimal:
	return round_money(min(HUNDRED, max(ZERO, value)))


def behaviour_score(
	basis: Basis, history: PaymentHistory, no_history_score: Decimal
) -> tuple[Decimal, Problem]:
	"""The 0-100 score of a computed factor, with the evidence that explains it.

	On-time Share    100 * (1 - late_share)
	Days Late        100 - 100 * average_days_late / 50     (0 at 50 days late on average)
	Worst Lateness   100 - 100 * worst_days_late / 180      (0 once 180 days late)
	A customer with no invoice that can be judged gets ``no_history_score`` on every computed
	factor, and the evidence says so.
	"""
	if basis is Basis.MANUAL:
		raise ValueError("a manual factor has no computed score")
	if not history.judged:
		return _clamp_score(no_history_score), Message(
			"no_history",
			_("No invoice of the last {0} months can be judged yet: default score {1}."),
			(history.months, no_history_score),
		)
	if basis is Basis.ON_TIME_SHARE:
		share = history.late_share or ZERO
		return _clamp_score(HUNDRED * (1 - share)), Message(
			"on_time_share",
			_("{0} of {1} invoices paid late or overdue."),
			(history.late, history.judged),
		)
	if basis is Basis.DAYS_LATE:
		days = history.average_days_late or ZERO
		return _clamp_score(HUNDRED - HUNDRED * days / DAYS_LATE_FOR_ZERO), Message(
			"days_late", _("On average {0} days late (amount-weighted)."), (days,)
		)
	return _clamp_score(
		HUNDRED - HUNDRED * Decimal(history.worst_days_late) / WORST_LATENESS_FOR_ZERO
	), Message("worst_lateness", _("Worst lateness {0} days."), (history.worst_days_late,))
