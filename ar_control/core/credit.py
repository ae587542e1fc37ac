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
from collections.abc import Sequence
from datetime import date, timedelta
from decimal import Decimal
from typing import NamedTuple

from ar_control.core.money import HUNDRED, ZERO, round_money
from ar_control.core.problems import Problem, RuleError, _, raise_if

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
	"""What the customer would owe the company if this document goes through, by source."""

	currency: str
	open_receivables: Decimal = ZERO
	unbilled_orders: Decimal = ZERO
	unbilled_deliveries: Decimal = ZERO
	this_document: Decimal = ZERO

	@property
	def total(self) -> Decimal:
		return self.open_receivables + self.unbilled_orders + self.unbilled_deliveries + self.this_document


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
	the tolerance, the most the exposure may reach.
	"""
	raise_if(check_policy(policy, exposure))
	reasons: list[Problem] = []
	total = exposure.total
	ceiling = available = None
	if policy.limit is not None:
		ceiling = round_money(policy.limit * (HUNDRED + policy.tolerance_percent) / HUNDRED)
		available = policy.limit - total
		if total > ceiling:
			reasons.append(
				Problem(
					"over_limit",
					_("Credit exposure {0} exceeds the credit limit {1} (with {2}% tolerance: {3}) by {4}."),
					(total, policy.limit, policy.tolerance_percent, ceiling, total - ceiling),
				)
			)
	if standing.on_hold:
		if standing.hold_reason:
			reasons.append(
				Problem("on_hold", _("The customer is on credit hold: {0}."), (standing.hold_reason,))
			)
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
				(standing.overdue_past_grace, policy.overdue_grace_days, standing.oldest_overdue_days),
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
