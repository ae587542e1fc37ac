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

from collections.abc import Sequence
from decimal import Decimal
from typing import NamedTuple

from ar_control.core.money import ZERO, percent, round_money
from ar_control.core.problems import Problem, _, raise_if


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
