"""Reporting periods for the collection KPIs.

A period is a closed range of calendar days ``start`` … ``end`` (both included), so a month of
June lasts 30 days. The KPI report picks a month, a quarter, a calendar year or any date range;
the monthly snapshot job takes the calendar month before the day it runs.

Count-back DSO walks back month by month from the period end: the first "month" runs from the
1st of the end's month to the end itself (a partial month when the period ends mid-month), the
others are whole calendar months before it.
"""

from __future__ import annotations

import calendar
import enum
from datetime import date, timedelta
from typing import NamedTuple

from ar_control.core.problems import Problem, _, raise_if

# How many months of history a figure learns from unless the settings say otherwise: the
# customer's payment behaviour (credit assessment, cash-in forecast) and the historical loss
# rates (provision). A year, so that every season counts once.
HISTORY_MONTHS = 12


class PeriodKind(enum.Enum):
	MONTH = "Month"
	QUARTER = "Quarter"
	YEAR = "Year"
	RANGE = "Date Range"


class Period(NamedTuple):
	"""Calendar days ``start`` … ``end``, both included."""

	start: date
	end: date

	@property
	def days(self) -> int:
		return (self.end - self.start).days + 1

	def __contains__(self, day: object) -> bool:
		return isinstance(day, date) and self.start <= day <= self.end


def check_period(start: date, end: date) -> list[Problem]:
	if end < start:
		return [
			Problem(
				"period_reversed",
				_("The period must not end ({0}) before it starts ({1})."),
				(end.isoformat(), start.isoformat()),
			)
		]
	return []


def make_period(start: date, end: date) -> Period:
	raise_if(check_period(start, end))
	return Period(start, end)


def month_of(day: date) -> Period:
	last = calendar.monthrange(day.year, day.month)[1]
	return Period(day.replace(day=1), day.replace(day=last))


def period_containing(kind: PeriodKind, day: date) -> Period:
	"""The calendar month, quarter or year that contains ``day``."""
	if kind is PeriodKind.MONTH:
		return month_of(day)
	if kind is PeriodKind.QUARTER:
		first_month = (day.month - 1) // 3 * 3 + 1
		start = date(day.year, first_month, 1)
		return Period(start, month_of(date(day.year, first_month + 2, 1)).end)
	if kind is PeriodKind.YEAR:
		return Period(date(day.year, 1, 1), date(day.year, 12, 31))
	raise ValueError(f"a {kind.value} period needs its own start and end")


def previous_month(day: date) -> Period:
	"""The calendar month before the month of ``day`` (what the monthly snapshot job measures)."""
	return month_of(day.replace(day=1) - timedelta(days=1))


def count_back_months(end: date, count: int) -> tuple[Period, ...]:
	"""``count`` months ending on ``end``, newest first; the first one may be partial."""
	months: list[Period] = []
	current = Period(end.replace(day=1), end)
	for _i in range(count):
		months.append(current)
		current = month_of(current.start - timedelta(days=1))
	return tuple(months)


def month_ends(first: date, last: date) -> tuple[date, ...]:
	"""Every month-end from ``first`` to ``last`` (both included)."""
	ends: list[date] = []
	day = month_of(first).end
	while day <= last:
		ends.append(day)
		day = month_of(day + timedelta(days=1)).end
	return tuple(ends)
