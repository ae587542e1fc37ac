# Copyright (c) 2026, ar_control developers and contributors
# For license information, please see license.txt

"""Sales Collection KPI: per sales person (through each invoice's Sales Team allocation) and in
total, how much of the period's receivables was turned into cash and how fast.

The ledger figures come from one grouped query (:mod:`ar_control.data.kpi_figures`), the
formulas from :mod:`ar_control.core.kpi`; this module reads the filters and lays out the rows.
"""

from __future__ import annotations

import frappe
from frappe import _

from ar_control import arguments, user_permissions
from ar_control.core.period import PeriodKind, make_period, period_containing
from ar_control.core.problems import RuleError
from ar_control.kpi.measure import KpiRow, figure_values, kpi_values, measure
from ar_control.messages import throw
from ar_control.utils import company_currency, today


class InvalidKpiPeriodError(frappe.ValidationError):
	"""A KPI period that ends before it starts, or an unknown kind of period."""


def execute(filters=None):
	filters = frappe._dict(arguments.json_object(filters, _("Filters")))
	company = arguments.company(filters.company, default=True)
	period = period_of(filters)
	rows, total = measure(
		company,
		period,
		arguments.existing("Customer Group", filters.customer_group, _("Customer Group"), required=False),
		arguments.existing("Territory", filters.territory, _("Territory"), required=False),
		arguments.existing("Sales Person", filters.sales_person, _("Sales Person"), required=False),
		customers=user_permissions.customers(),
	)
	currency = company_currency(company)
	data = [row_of(row, currency) for row in rows]
	total_row = row_of(total, currency)
	total_row.update({"sales_person": _("Total"), "bold": 1, "is_total": 1})
	data.append(total_row)
	return columns(), data, period_message(period), chart(rows, total), summary(total, currency)


def period_of(filters):
	kind = PeriodKind(
		arguments.choice(
			filters.period, [kind.value for kind in PeriodKind], _("Period"), PeriodKind.MONTH.value
		)
	)
	try:
		if kind is PeriodKind.RANGE:
			start = arguments.date(filters.from_date, _("From Date"))
			end = arguments.date(filters.to_date, _("To Date"))
			if not (start and end):
				frappe.throw(_("A date range needs a From Date and a To Date."), exc=InvalidKpiPeriodError)
			return make_period(start, end)
		return period_containing(kind, arguments.date(filters.date, _("Date")) or today())
	except RuleError as error:
		throw(error, _("Invalid KPI Period"), InvalidKpiPeriodError)


def period_message(period) -> str:
	return _("Period {0} to {1} ({2} days)").format(
		frappe.format(period.start, "Date"), frappe.format(period.end, "Date"), period.days
	)


def columns() -> list[dict]:
	def money(fieldname, label):
		return {
			"fieldname": fieldname,
			"label": label,
			"fieldtype": "Currency",
			"options": "currency",
			"width": 120,
		}

	def days(fieldname, label):
		return {"fieldname": fieldname, "label": label, "fieldtype": "Float", "precision": 1, "width": 100}

	def ratio(fieldname, label):
		return {"fieldname": fieldname, "label": label, "fieldtype": "Percent", "width": 100}

	return [
		# Data, not Link: see ar_aging_analysis.columns (a credit manager cannot read Sales Persons)
		{"fieldname": "sales_person", "label": _("Sales Person"), "fieldtype": "Data", "width": 180},
		money("opening_ar", _("Opening AR")),
		money("credit_sales", _("Credit Sales")),
		money("collections", _("Collections")),
		money("closing_ar", _("Closing AR")),
		money("current_ar", _("Current AR")),
		money("overdue_ar", _("Overdue AR")),
		money("over_90_ar", _("AR over 90 Days")),
		money("written_off", _("Written Off")),
		days("dso_count_back", _("DSO (Count-back)")),
		days("dso_simple", _("DSO (Simple)")),
		days("best_possible_dso", _("Best Possible DSO")),
		days("average_days_delinquent", _("ADD")),
		ratio("cei", _("CEI")),
		ratio("overdue_ratio", _("Overdue Ratio")),
		ratio("over_90_share", _("Share over 90 Days")),
		ratio("collection_rate", _("Collection Rate")),
		ratio("bad_debt_ratio", _("Bad-debt Ratio")),
		days("target_dso", _("Target DSO")),
		days("dso_gap", _("DSO Gap")),
		{"fieldname": "currency", "label": _("Currency"), "fieldtype": "Data", "hidden": 1},
	]


def row_of(row: KpiRow, currency: str) -> dict:
	"""Undefined KPIs (a zero base) stay empty rather than showing a misleading 0."""
	data = {"sales_person": row.sales_person, "currency": currency}
	if row.sales_person == "":
		data.update(sales_person=_("Not Assigned"), not_assigned=1)
	data.update(figure_values(row))
	data.update(kpi_values(row))
	return data


def chart(rows: list[KpiRow], total: KpiRow) -> dict:
	shown = [row for row in rows if row.sales_person] + [total]
	labels = [row.sales_person or _("Total") for row in shown]

	def values(attribute):
		return [float(getattr(row.kpis, attribute) or 0) for row in shown]

	return {
		"data": {
			"labels": labels,
			"datasets": [
				{"name": _("DSO (Count-back)"), "values": values("dso_count_back")},
				{"name": _("Best Possible DSO"), "values": values("best_possible_dso")},
				{"name": _("ADD"), "values": values("add")},
				{"name": _("Target DSO"), "values": values("target_dso")},
			],
		},
		"type": "bar",
		"fieldtype": "Float",
		"colors": ["#5e64ff", "#29cd42", "#ff5858", "#ffa00a"],
	}


def summary(total: KpiRow, currency: str) -> list[dict]:
	def figure(value, label, datatype="Float", indicator=None):
		if value is None:
			return {"value": _("n/a"), "label": label, "datatype": "Data"}
		item = {"value": value, "label": label, "datatype": datatype}
		if datatype == "Currency":
			item["currency"] = currency
		if indicator:
			item["indicator"] = indicator
		return item

	kpis = total.kpis
	gap = kpis.dso_gap
	return [
		figure(kpis.dso_count_back, _("DSO (Count-back)"), indicator="Red" if gap and gap > 0 else "Green"),
		figure(kpis.best_possible_dso, _("Best Possible DSO")),
		figure(kpis.add, _("Average Days Delinquent")),
		figure(kpis.cei, _("CEI"), "Percent"),
		figure(kpis.collection_rate, _("Collection Rate"), "Percent"),
		figure(total.figures.closing_ar, _("Closing AR"), "Currency"),
	]
