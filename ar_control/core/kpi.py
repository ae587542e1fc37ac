"""Sales collection KPIs.

All amounts are in company currency for one period of ``days`` days (e.g. a month of 30 days).
"AR" is open receivables; "current AR" the part not yet due; "overdue AR" the part past due.
A ratio whose denominator is zero is undefined and returned as ``None``, never as 0.

	DSO (simple)        closing AR / credit sales * days                 (sales-weighted DSO)
	DSO (count-back)    days needed, walking back month by month from the period end, for the
	                    months' credit sales to add up to the closing AR (exhaustion method)
	Best Possible DSO   closing current AR / credit sales * days
	ADD                 DSO - Best Possible DSO (average days delinquent; both simple)
	CEI                 (opening AR + credit sales - closing AR)
	                    / (opening AR + credit sales - closing current AR) * 100
	                    (Collection Effectiveness Index, Credit Research Foundation)
	overdue ratio       closing overdue AR / closing AR * 100
	share over 90 days  closing AR more than 90 days past due / closing AR * 100
	collection rate     collections / (opening AR + credit sales) * 100   (seed 003's 资金回笼率)
	bad-debt ratio      written off / credit sales * 100
	DSO gap             DSO (count-back) - target DSO (positive = worse than target)

Seed 003 argues that the amount collected says nothing about *when* it was collected, and that
late payment costs a company about ten times its bad debt: hence DSO and its parts, not just the
collection rate.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import NamedTuple

from ar_control.core.money import HUNDRED, ZERO, percent, round_money
from ar_control.core.problems import Problem, _, raise_if

# How many months the count-back DSO walks back at most
COUNT_BACK_MONTHS = 12


class MonthSales(NamedTuple):
	"""Credit sales of one calendar month (or part of one) and its number of days."""

	days: int
	sales: Decimal


def simple_dso(closing_ar: Decimal, credit_sales: Decimal, days: int) -> Decimal | None:
	"""closing AR / credit sales * days; ``None`` without sales."""
	if credit_sales <= 0:
		return None
	return closing_ar / credit_sales * days


def count_back_dso(closing_ar: Decimal, months: Sequence[MonthSales]) -> Decimal | None:
	"""Count-back (exhaustion) DSO.

	``months`` newest first. Subtract each month's sales from the closing AR while it lasts,
	counting that month's days; the month where the AR runs out counts the fraction
	remaining AR / that month's sales of its days. AR left over after the oldest month given is
	counted at the oldest month's daily sales rate (``None`` if that month had no sales).
	Monotone: more AR with the same sales never gives fewer days.
	"""
	if closing_ar <= 0:
		return ZERO
	remaining, days = closing_ar, ZERO
	for month in months:
		if month.sales <= 0:
			days += month.days
			continue
		if remaining <= month.sales:
			return days + remaining / month.sales * month.days
		remaining -= month.sales
		days += month.days
	if not months or months[-1].sales <= 0:
		return None
	oldest = months[-1]
	return days + remaining / oldest.sales * oldest.days


def best_possible_dso(current_ar: Decimal, credit_sales: Decimal, days: int) -> Decimal | None:
	"""closing current (not yet due) AR / credit sales * days."""
	return simple_dso(current_ar, credit_sales, days)


def average_days_delinquent(dso: Decimal | None, best_possible: Decimal | None) -> Decimal | None:
	"""ADD = DSO - Best Possible DSO."""
	if dso is None or best_possible is None:
		return None
	return dso - best_possible


def collection_effectiveness_index(
	opening_ar: Decimal, credit_sales: Decimal, closing_ar: Decimal, closing_current_ar: Decimal
) -> Decimal | None:
	"""CEI = (opening + sales - closing AR) / (opening + sales - closing current AR) * 100."""
	return percent(opening_ar + credit_sales - closing_ar, opening_ar + credit_sales - closing_current_ar)


def collection_rate(collections: Decimal, opening_ar: Decimal, credit_sales: Decimal) -> Decimal | None:
	"""collections / (opening AR + credit sales) * 100."""
	return percent(collections, opening_ar + credit_sales)


class PeriodFigures(NamedTuple):
	"""The ledger figures of one period for one company or one sales person."""

	days: int
	opening_ar: Decimal
	credit_sales: Decimal
	collections: Decimal
	written_off: Decimal
	closing_ar: Decimal
	closing_current_ar: Decimal
	closing_overdue_ar: Decimal
	closing_over_90_ar: Decimal
	months: tuple[MonthSales, ...] = ()
	target_dso: Decimal | None = None


class Kpis(NamedTuple):
	dso_simple: Decimal | None
	dso_count_back: Decimal | None
	best_possible_dso: Decimal | None
	add: Decimal | None
	cei: Decimal | None
	overdue_ratio: Decimal | None
	over_90_share: Decimal | None
	collection_rate: Decimal | None
	bad_debt_ratio: Decimal | None
	target_dso: Decimal | None
	dso_gap: Decimal | None


def check_figures(figures: PeriodFigures) -> list[Problem]:
	problems: list[Problem] = []
	if figures.days <= 0:
		problems.append(Problem("period_days_invalid", _("A KPI period must last at least one day.")))
	if figures.target_dso is not None and figures.target_dso < 0:
		problems.append(Problem("target_dso_negative", _("A target DSO must not be negative.")))
	if any(month.days <= 0 for month in figures.months):
		problems.append(
			Problem("month_days_invalid", _("Every month of the count-back must last at least one day."))
		)
	return problems


def _r(value: Decimal | None) -> Decimal | None:
	return None if value is None else round_money(value)


def compute(figures: PeriodFigures) -> Kpis:
	"""Every KPI of one period, rounded to 2 places (days or percent)."""
	raise_if(check_figures(figures))
	f = figures
	dso = simple_dso(f.closing_ar, f.credit_sales, f.days)
	months = f.months or (MonthSales(f.days, f.credit_sales),)
	dso_cb = count_back_dso(f.closing_ar, months)
	bp = best_possible_dso(f.closing_current_ar, f.credit_sales, f.days)
	gap = None if dso_cb is None or f.target_dso is None else dso_cb - f.target_dso
	return Kpis(
		dso_simple=_r(dso),
		dso_count_back=_r(dso_cb),
		best_possible_dso=_r(bp),
		add=_r(average_days_delinquent(dso, bp)),
		cei=_r(
			collection_effectiveness_index(f.opening_ar, f.credit_sales, f.closing_ar, f.closing_current_ar)
		),
		overdue_ratio=_r(percent(f.closing_overdue_ar, f.closing_ar)),
		over_90_share=_r(percent(f.closing_over_90_ar, f.closing_ar)),
		collection_rate=_r(collection_rate(f.collections, f.opening_ar, f.credit_sales)),
		bad_debt_ratio=_r(percent(f.written_off, f.credit_sales)),
		target_dso=f.target_dso,
		dso_gap=_r(gap),
	)


# --- totals ---------------------------------------------------------------------------------------

_AMOUNT_FIELDS = (
	"opening_ar",
	"credit_sales",
	"collections",
	"written_off",
	"closing_ar",
	"closing_current_ar",
	"closing_overdue_ar",
	"closing_over_90_ar",
)


def total_figures(rows: Iterable[PeriodFigures], target_dso: Decimal | None = None) -> PeriodFigures:
	"""The figures of several owners of the same period (e.g. every sales person) added up.

	Amounts add field by field and the count-back months month by month; every row must cover the
	same period (same days, same months). The KPIs of the total are computed from these sums,
	never averaged from the rows' KPIs.
	"""
	rows = list(rows)
	if not rows:
		raise ValueError("total_figures needs at least one row")
	first = rows[0]
	if any(row.days != first.days or len(row.months) != len(first.months) for row in rows):
		raise ValueError("rows of different periods cannot be added up")
	sums = {name: sum((getattr(row, name) for row in rows), ZERO) for name in _AMOUNT_FIELDS}
	months = tuple(
		MonthSales(month.days, sum((row.months[i].sales for row in rows), ZERO))
		for i, month in enumerate(first.months)
	)
	return PeriodFigures(days=first.days, months=months, target_dso=target_dso, **sums)


# --- targets and alerts ---------------------------------------------------------------------------


class CollectionTarget(NamedTuple):
	"""What the credit manager expects of one sales person (``""`` = the company default).

	``None`` (or an empty field) means "no target" / "no alert" for that figure.
	"""

	sales_person: str = ""
	target_dso: Decimal | None = None
	target_collection_rate: Decimal | None = None
	dso_margin: Decimal = ZERO
	overdue_ratio_limit: Decimal | None = None
	over_90_share_limit: Decimal | None = None


def check_target(target: CollectionTarget) -> list[Problem]:
	problems: list[Problem] = []
	if target.target_dso is not None and target.target_dso < 0:
		problems.append(Problem("target_dso_negative", _("A target DSO must not be negative.")))
	if target.dso_margin < 0:
		problems.append(Problem("dso_margin_negative", _("The DSO alert margin must not be negative.")))
	percents = (
		(target.target_collection_rate, _("Target Collection Rate")),
		(target.overdue_ratio_limit, _("Overdue Ratio Limit")),
		(target.over_90_share_limit, _("Share over 90 Days Limit")),
	)
	for value, label in percents:
		if value is not None and not ZERO <= value <= HUNDRED:
			problems.append(Problem("percent_out_of_range", _("{0} must lie between 0 and 100 %."), (label,)))
	return problems


def target_for(targets: Iterable[CollectionTarget], sales_person: str = "") -> CollectionTarget | None:
	"""The sales person's own target, else the company default (``sales_person == ""``), else ``None``."""
	by_owner = {target.sales_person: target for target in targets}
	return by_owner.get(sales_person) or by_owner.get("")


def threshold_breaches(kpis: Kpis, target: CollectionTarget | None) -> list[Problem]:
	"""Every threshold the KPIs cross, as data (a stable code, a message template, its figures).

	- ``dso_above_target``: DSO (count-back) > target DSO + margin;
	- ``overdue_ratio_above_limit``: overdue ratio > its limit;
	- ``over_90_share_above_limit``: share over 90 days > its limit.

	A figure that is undefined (``None``) or has no target crosses nothing. "Above" is strict:
	a figure exactly on its limit is still within it.
	"""
	if target is None:
		return []
	breaches: list[Problem] = []
	dso = kpis.dso_count_back
	if dso is not None and target.target_dso is not None and dso > target.target_dso + target.dso_margin:
		breaches.append(
			Problem(
				"dso_above_target",
				_("DSO is {0} days, more than {1} days above the target of {2} days."),
				(dso, target.dso_margin, target.target_dso),
			)
		)
	limits = (
		(
			kpis.overdue_ratio,
			target.overdue_ratio_limit,
			"overdue_ratio_above_limit",
			_("The overdue ratio is {0} %, above the limit of {1} %."),
		),
		(
			kpis.over_90_share,
			target.over_90_share_limit,
			"over_90_share_above_limit",
			_("The share of receivables over 90 days past due is {0} %, above the limit of {1} %."),
		),
	)
	for value, limit, code, message in limits:
		if value is not None and limit is not None and value > limit:
			breaches.append(Problem(code, message, (value, limit)))
	return breaches
