# Copyright (c) 2026, ar_control developers and contributors
# For license information, please see license.txt

"""Cash-in Forecast: when the open receivables are expected to come in, week by week, from each
customer's usual days late, its promises and how the company's receivables have come in (the
collection profile); beside it the naive forecast (everyone pays on the due date).

The figures are the core's (:mod:`ar_control.core.forecast`) on what
:mod:`ar_control.data.forecast` reads, asked for through :mod:`ar_control.forecast.cash_in`; this
module reads the filters (:mod:`ar_control.forecast.options`) and lays out the rows, the chart and
the summary. The backtest's button and tables are :mod:`ar_control.forecast.backtest`.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta
from decimal import Decimal

import frappe
from frappe import _
from frappe.utils import escape_html, flt

from ar_control import arguments
from ar_control.core import forecast as core
from ar_control.core.money import ZERO, round_money
from ar_control.data.dimensions import NOT_ASSIGNED
from ar_control.forecast import accuracy
from ar_control.forecast.cash_in import ForecastRun, make_forecast, split_by_sales_person
from ar_control.forecast.options import ForecastOptions

BIAS_TOLERANCE = 3  # percent: a backtest bias within it shows green


def source_labels() -> dict[core.Source, str]:
	return {
		core.Source.CUSTOMER: _("Customer"),
		core.Source.CUSTOMER_GROUP: _("Customer Group"),
		core.Source.COMPANY: _("Company"),
		core.Source.NO_HISTORY: _("No History"),
		core.Source.PROMISE: _("Promise to Pay"),
		core.Source.DUE_DATE: _("Due Date"),
	}


# --- the report ------------------------------------------------------------------------------------


def execute(filters=None):
	options = ForecastOptions(arguments.json_object(filters, _("Filters")))
	run = make_forecast(options)
	measured = accuracy.latest(options.company)
	if accuracy.due(measured):
		accuracy.refresh(options.company)  # in the background; meanwhile the one it has
	if options.group_by == "Week":
		rows = week_rows(run, options, measured)
	elif options.group_by == "Customer":
		rows = customer_rows(run, options)
	else:
		rows = sales_person_rows(run, options)
	return (
		columns(options),
		rows,
		message(measured),
		chart(run, options, measured),
		summary(run, options, measured),
	)


def week_fields(weeks: int) -> list[str]:
	return [f"week_{k}" for k in range(1, weeks + 1)]


def columns(options: ForecastOptions) -> list[dict]:
	money = {"fieldtype": "Currency", "options": "currency", "width": 120}
	percent = {"fieldtype": "Percent", "width": 100}
	if options.group_by == "Week":
		cols = [
			{"fieldname": "period", "label": _("Week"), "fieldtype": "Data", "width": 100},
			{"fieldname": "from_date", "label": _("From Date"), "fieldtype": "Date", "width": 100},
			{"fieldname": "to_date", "label": _("To Date"), "fieldtype": "Date", "width": 100},
			{"fieldname": "expected", "label": _("Expected"), **money},
			{"fieldname": "likely_low", "label": _("Likely Low"), **money},
			{"fieldname": "likely_high", "label": _("Likely High"), **money},
			{"fieldname": "backtest_wape", "label": _("Backtest WAPE %"), **percent},
			{"fieldname": "backtest_bias", "label": _("Backtest Bias %"), **percent},
			{"fieldname": "naive", "label": _("Due Date Forecast"), **money},
			{"fieldname": "cumulative_expected", "label": _("Cumulative Expected"), **money},
			{"fieldname": "cumulative_naive", "label": _("Cumulative Due Date Forecast"), **money},
			{"fieldname": "receipts", "label": _("Receipts"), "fieldtype": "Int", "width": 80},
		]
	elif options.group_by == "Customer":
		cols = [
			{"fieldname": "customer", "label": _("Customer"), "fieldtype": "Data", "width": 160},
			{"fieldname": "customer_name", "label": _("Customer Name"), "fieldtype": "Data", "width": 160},
			{"fieldname": "customer_group", "label": _("Customer Group"), "fieldtype": "Data", "width": 120},
			{"fieldname": "days_late", "label": _("Usual Days Late"), "fieldtype": "Int", "width": 90},
			{"fieldname": "lateness_source", "label": _("Lateness From"), "fieldtype": "Data", "width": 110},
			{"fieldname": "outstanding", "label": _("Outstanding"), **money},
			{"fieldname": "not_expected", "label": _("Not Expected Within a Year"), **money},
			{"fieldname": "credits", "label": _("Credits Netted"), **money},
			{"fieldname": "expected", "label": _("Expected"), **money},
			{"fieldname": "later", "label": _("Later"), **money},
			{"fieldname": "disputed", "label": _("Disputed"), **money},
			{"fieldname": "legal", "label": _("In Legal"), **money},
			{"fieldname": "unapplied_credit", "label": _("Unapplied Credit"), **money},
		]
	else:
		cols = [
			{"fieldname": "sales_person", "label": _("Sales Person"), "fieldtype": "Data", "width": 180},
			{"fieldname": "expected", "label": _("Expected"), **money},
			{"fieldname": "later", "label": _("Later"), **money},
			{"fieldname": "disputed", "label": _("Disputed"), **money},
			{"fieldname": "legal", "label": _("In Legal"), **money},
		]
	if options.group_by != "Week":
		for k, fieldname in enumerate(week_fields(options.weeks), start=1):
			cols.append({"fieldname": fieldname, "label": _("Week {0}").format(k), **money})
	cols.append({"fieldname": "currency", "label": _("Currency"), "fieldtype": "Data", "hidden": 1})
	# No Link columns, as in AR Aging Analysis: Frappe would check each linked DocType's read
	# permission per row and refuse the report to a collector; the query is narrowed already.
	return cols


def week_rows(run: ForecastRun, options: ForecastOptions, measured: accuracy.Accuracy | None) -> list[dict]:
	counts = defaultdict(int)  # the items expected to bring something in each week
	for receipt in run.forecast.receipts:
		for week, amount in enumerate((*receipt.amounts, receipt.later_amount), start=1):
			if amount > 0:
				counts[week] += 1
	rows, cumulative, cumulative_naive = [], ZERO, ZERO
	for week, naive in zip(run.forecast.weeks, run.naive.weeks, strict=True):
		cumulative += week.amount
		cumulative_naive += naive.amount
		rows.append(
			{
				"period": _("Week {0}").format(week.week),
				"week": week.week,
				"from_date": week.first,
				"to_date": week.last,
				"expected": week.amount,
				"naive": naive.amount,
				"cumulative_expected": cumulative,
				"cumulative_naive": cumulative_naive,
				"receipts": counts[week.week],
				"currency": options.currency,
				**accuracy_of(week.week, week.amount, measured),
			}
		)
	last = run.forecast.weeks[-1].last
	rows.append(
		{
			"period": _("Later"),
			"from_date": last + timedelta(days=1),
			"expected": run.forecast.later,
			"naive": run.naive.later,
			"cumulative_expected": cumulative + run.forecast.later,
			"cumulative_naive": cumulative_naive + run.naive.later,
			"receipts": counts[options.weeks + 1],
			"currency": options.currency,
		}
	)
	rows.append(
		{
			"period": _("Total"),
			"expected": run.forecast.total,
			"naive": run.naive.total,
			"receipts": len(run.forecast.receipts),
			"currency": options.currency,
			"bold": 1,
			"is_total": 1,
		}
	)
	return rows


def _new_row(options: ForecastOptions, **values) -> dict:
	row = {
		"outstanding": ZERO,
		"not_expected": ZERO,
		"credits": ZERO,
		"expected": ZERO,
		"later": ZERO,
		"disputed": ZERO,
		"legal": ZERO,
		"unapplied_credit": ZERO,
		"currency": options.currency,
		**{field: ZERO for field in week_fields(options.weeks)},
	}
	row.update(values)
	return row


def _add_receipt(row: dict, receipt: core.Receipt, share: Decimal = Decimal(1)) -> None:
	row["outstanding"] += receipt.outstanding * share
	row["not_expected"] += receipt.not_expected * share
	row["credits"] += receipt.credit_applied * share
	row["later"] += receipt.later_amount * share
	for week, amount in enumerate(receipt.amounts, start=1):
		if amount:
			row["expected"] += amount * share
			row[f"week_{week}"] += amount * share


def _add_set_apart(row: dict, item: core.SetApart, share: Decimal = Decimal(1)) -> None:
	field = "legal" if item.reason is core.SetApartReason.LEGAL else "disputed"
	row[field] += item.outstanding * share


def _rounded(row: dict, options: ForecastOptions) -> dict:
	for field in ("outstanding", "not_expected", "credits", "expected", "later", "disputed", "legal"):
		row[field] = round_money(row[field])
	for field in week_fields(options.weeks):
		row[field] = round_money(row[field])
	return row


def _total_row(rows: list[dict], options: ForecastOptions, label_field: str) -> dict:
	total = _new_row(options, **{label_field: _("Total"), "bold": 1, "is_total": 1})
	for row in rows:
		for field in (
			"outstanding",
			"not_expected",
			"credits",
			"expected",
			"later",
			"disputed",
			"legal",
			"unapplied_credit",
			*week_fields(options.weeks),
		):
			total[field] += row.get(field) or ZERO
	return total


def customer_rows(run: ForecastRun, options: ForecastOptions) -> list[dict]:
	by_customer: dict[str, dict] = {}
	groups: dict[str, str] = {}

	def row_of(customer: str) -> dict:
		if customer not in by_customer:
			by_customer[customer] = _new_row(options, customer=customer)
		return by_customer[customer]

	for receipt in run.forecast.receipts:
		_add_receipt(row_of(receipt.customer), receipt)
	for item in run.forecast.set_apart:
		_add_set_apart(row_of(item.customer), item)
	for customer, amount in run.forecast.unapplied_credit.items():
		row_of(customer)["unapplied_credit"] = amount
	if not by_customer:
		return []
	customer = frappe.qb.DocType("Customer")
	names = {}
	for name, customer_name, group in (
		frappe.qb.from_(customer)
		.select(customer.name, customer.customer_name, customer.customer_group)
		.where(customer.name.isin(list(by_customer)))
		.run()
	):
		names[name] = customer_name
		groups[name] = group or ""
	labels = source_labels()
	rows = []
	for name in sorted(by_customer):
		row = by_customer[name]
		days, source = core.days_late_for(name, groups.get(name, ""), run.lateness)
		row.update(
			customer_name=names.get(name, ""),
			customer_group=groups.get(name, ""),
			days_late=days,
			lateness_source=labels[source],
		)
		rows.append(_rounded(row, options))
	rows.append(_total_row(rows, options, "customer"))
	return rows


def sales_person_rows(run: ForecastRun, options: ForecastOptions) -> list[dict]:
	by_person: dict[str, dict] = {}
	for person, parts in split_by_sales_person(run.forecast.receipts, run.shares).items():
		row = by_person.setdefault(person, _new_row(options, sales_person=person))
		for receipt, share in parts:
			_add_receipt(row, receipt, share)
	for item in run.forecast.set_apart:
		team = run.shares.get(item.voucher_no) if item.voucher_type == "Sales Invoice" else None
		for person, share in team or ((NOT_ASSIGNED, Decimal(1)),):
			row = by_person.setdefault(person, _new_row(options, sales_person=person))
			_add_set_apart(row, item, share)
	rows = []
	for person in sorted(by_person):
		row = _rounded(by_person[person], options)
		if person == NOT_ASSIGNED:
			row.update(sales_person=_("Not Assigned"), not_assigned=1)
		rows.append(row)
	if rows:
		total = _total_row(rows, options, "sales_person")
		# the total is the company's forecast, exact (rows are rounded shares of it)
		total.update(expected=run.forecast.total - run.forecast.later, later=run.forecast.later)
		for week in run.forecast.weeks:
			total[f"week_{week.week}"] = week.amount
		rows.append(total)
	return rows


def accuracy_of(week: int, expected: Decimal, measured: accuracy.Accuracy | None) -> dict:
	"""What the last backtest says of week ``week`` ahead: its WAPE and bias, and the band of
	the expected amount (what came in per unit forecast in 8 of 10 past weeks)."""
	horizon = measured.horizon(week) if measured else None
	if horizon is None:
		return {}
	found = {"backtest_wape": horizon.forecast.wape, "backtest_bias": horizon.forecast.bias}
	if horizon.low is not None:
		found.update(
			likely_low=round_money(expected * horizon.low), likely_high=round_money(expected * horizon.high)
		)
	return found


def chart(run: ForecastRun, options: ForecastOptions, measured: accuracy.Accuracy | None = None) -> dict:
	datasets = [
		{
			"name": _("Expected"),
			"chartType": "bar",
			"values": [flt(week.amount) for week in run.forecast.weeks],
		},
		{
			"name": _("Due Date Forecast"),
			"chartType": "line",
			"values": [flt(week.amount) for week in run.naive.weeks],
		},
	]
	colors = ["#5e64ff", "#ff9f43"]
	if measured:
		bands = [accuracy_of(week.week, week.amount, measured) for week in run.forecast.weeks]
		if any(band.get("likely_low") is not None for band in bands):
			for field, name in (
				("likely_low", _("Likely Low (10th Percentile)")),
				("likely_high", _("Likely High (90th Percentile)")),
			):
				datasets.append(
					{"name": name, "chartType": "line", "values": [flt(band.get(field)) for band in bands]}
				)
			colors += ["#98d85b", "#28a745"]
	return {
		"data": {
			"labels": [_("Week {0}").format(week.week) for week in run.forecast.weeks],
			"datasets": datasets,
		},
		"type": "axis-mixed",
		"fieldtype": "Currency",
		"options": options.currency,
		"colors": colors,
	}


def message(measured: accuracy.Accuracy | None) -> str:
	"""Above the report: how accurate the forecast has been, and of when."""
	if measured is None:
		return escape_html(
			_(
				"The forecast's accuracy is being measured: a backtest of the last 12 month-ends runs in "
				"the background. Open the report again in a few minutes to see it beside the figures."
			)
		)
	result = measured.result
	return escape_html(
		_(
			"Accuracy of this forecast, backtested on {0} over {1} month-ends ({2} to {3}), {4} weeks "
			"ahead each: WAPE {5} % (due date {6} %), bias {7} %. Likely Low and High: what came in per "
			"unit forecast in 8 of 10 past weeks (10th to 90th percentile)."
		).format(
			frappe.format(measured.made_on, "Datetime"),
			len(measured.origins),
			frappe.format(measured.origins[0], "Date"),
			frappe.format(measured.origins[-1], "Date"),
			measured.weeks,
			_number(result.wape),
			_number(result.naive_wape),
			_number(result.total_error, signed=True),
		)
	)


def _number(value: Decimal | None, signed: bool = False) -> str:
	if value is None:
		return "-"
	return f"{value:+.1f}" if signed else f"{value:.1f}"


def summary(
	run: ForecastRun, options: ForecastOptions, measured: accuracy.Accuracy | None = None
) -> list[dict]:
	return [*_forecast_figures(run, options), *_accuracy_figures(measured)]


def _accuracy_figures(measured: accuracy.Accuracy | None) -> list[dict]:
	if measured is None:
		return []
	result = measured.result
	bias = result.total_error
	return [
		{
			"value": flt(result.wape),
			"label": _("Backtest WAPE %"),
			"datatype": "Percent",
			"indicator": "Blue",
		},
		{"value": flt(result.naive_wape), "label": _("Due Date Forecast WAPE %"), "datatype": "Percent"},
		{
			"value": flt(bias),
			"label": _("Backtest Bias %"),
			"datatype": "Percent",
			"indicator": "Green" if bias is not None and abs(bias) <= BIAS_TOLERANCE else "Orange",
		},
	]


def _forecast_figures(run: ForecastRun, options: ForecastOptions) -> list[dict]:
	made, naive = run.forecast, run.naive
	money = {"datatype": "Currency", "currency": options.currency}
	return [
		{
			"value": made.total - made.later,
			"label": _("Expected in {0} Weeks").format(options.weeks),
			"indicator": "Blue",
			**money,
		},
		{
			"value": naive.total - naive.later,
			"label": _("Due Date Forecast in {0} Weeks").format(options.weeks),
			**money,
		},
		{"value": made.later, "label": _("Expected Later (Within a Year)"), **money},
		{
			"value": made.not_expected,
			"label": _("Not Expected Within a Year"),
			"indicator": "Grey",
			**money,
		},
		{"value": made.disputed, "label": _("Disputed (Not Expected)"), "indicator": "Orange", **money},
		{"value": made.legal, "label": _("In Legal (Not Expected)"), "indicator": "Red", **money},
		{
			"value": sum(made.unapplied_credit.values(), ZERO),
			"label": _("Unapplied Credit"),
			**money,
		},
		{
			"value": flt(run.lateness.company) if run.lateness.company is not None else 0,
			"label": _("Company Usual Days Late"),
			"datatype": "Float",
		},
	]
