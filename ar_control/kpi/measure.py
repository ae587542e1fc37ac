"""Measure a period: ledger figures from SQL, targets from Collection Target, KPIs from core.

Used by the Sales Collection KPI report, the monthly snapshots and the workspace cards, so the
three always agree.
"""

from __future__ import annotations

from decimal import Decimal
from typing import NamedTuple

import frappe

from ar_control.core.kpi import (
	COUNT_BACK_MONTHS,
	CollectionTarget,
	Kpis,
	MonthSales,
	PeriodFigures,
	compute,
	target_for,
	total_figures,
)
from ar_control.core.money import ZERO, to_decimal
from ar_control.core.period import Period, count_back_months
from ar_control.data.kpi_figures import period_figures

TOTAL = None  # the ``sales_person`` of the company-wide row

# A measured row as fields (``field: attribute``): the Sales Collection KPI report's columns and
# the Collection KPI Snapshot's fields
FIGURE_FIELDS = {
	"opening_ar": "opening_ar",
	"credit_sales": "credit_sales",
	"collections": "collections",
	"written_off": "written_off",
	"closing_ar": "closing_ar",
	"current_ar": "closing_current_ar",
	"overdue_ar": "closing_overdue_ar",
	"over_90_ar": "closing_over_90_ar",
}
KPI_FIELDS = {
	"dso_count_back": "dso_count_back",
	"dso_simple": "dso_simple",
	"best_possible_dso": "best_possible_dso",
	"average_days_delinquent": "add",
	"cei": "cei",
	"overdue_ratio": "overdue_ratio",
	"over_90_share": "over_90_share",
	"collection_rate": "collection_rate",
	"bad_debt_ratio": "bad_debt_ratio",
	"target_dso": "target_dso",
	"dso_gap": "dso_gap",
}


class KpiRow(NamedTuple):
	sales_person: str | None  # "" = receivables without a Sales Team; None = the total
	figures: PeriodFigures
	kpis: Kpis
	target: CollectionTarget | None


def figure_values(row: KpiRow) -> dict[str, Decimal]:
	return {field: getattr(row.figures, attribute) for field, attribute in FIGURE_FIELDS.items()}


def kpi_values(row: KpiRow) -> dict[str, Decimal | None]:
	"""The KPIs by field; ``None`` where a KPI is undefined (a zero base)."""
	return {field: getattr(row.kpis, attribute) for field, attribute in KPI_FIELDS.items()}


def load_targets(company: str) -> list[CollectionTarget]:
	"""Every Collection Target of the company; a 0 in an optional field means "none"."""
	rows = frappe.get_all(
		"Collection Target",
		filters={"company": company},
		fields=[
			"sales_person",
			"target_dso",
			"target_collection_rate",
			"dso_margin",
			"overdue_ratio_limit",
			"over_90_share_limit",
		],
	)
	return [as_target(row) for row in rows]


def as_target(row) -> CollectionTarget:
	def optional(value):
		return to_decimal(value) if value else None

	return CollectionTarget(
		sales_person=row.sales_person or "",
		target_dso=to_decimal(row.target_dso),
		target_collection_rate=optional(row.target_collection_rate),
		dso_margin=to_decimal(row.dso_margin),
		overdue_ratio_limit=optional(row.overdue_ratio_limit),
		over_90_share_limit=optional(row.over_90_share_limit),
	)


def measure(
	company: str,
	period: Period,
	customer_group: str | None = None,
	territory: str | None = None,
	sales_person: str | None = None,
	customers: list[str] | None = None,
) -> tuple[list[KpiRow], KpiRow]:
	"""One row per sales person (and one for receivables without a Sales Team), and the total.

	Each row is measured against its sales person's Collection Target, or the company default.
	With ``customers``, only their receivables count (a user restricted to some customers).
	"""
	by_person = period_figures(company, period, customer_group, territory, sales_person, customers=customers)
	targets = load_targets(company)

	def row(person: str | None, figures: PeriodFigures, owner: str = "") -> KpiRow:
		target = target_for(targets, owner)
		figures = figures._replace(target_dso=target.target_dso if target else None)
		return KpiRow(person, figures, compute(figures), target)

	rows = [row(person, by_person[person], person) for person in sorted(by_person)]
	if by_person:
		total = total_figures(by_person.values())
	else:
		months = tuple(MonthSales(m.days, ZERO) for m in count_back_months(period.end, COUNT_BACK_MONTHS))
		total = PeriodFigures(period.days, *(ZERO,) * 8, months=months)
	# the total of one sales person's subtree is measured against that person's target
	return rows, row(TOTAL, total, sales_person or "")
