# Copyright (c) 2026, ar_control developers and contributors
# For license information, please see license.txt

"""Cash-in Forecast: when the open receivables are expected to come in, week by week, from each
customer's own payment behaviour, its promises and the recoverability curve; beside it the naive
forecast (everyone pays on the due date), and a backtest of both against what was collected.

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
from frappe.utils import flt

from ar_control import arguments
from ar_control.core import forecast as core
from ar_control.core.money import ZERO, round_money
from ar_control.data import forecast as data
from ar_control.data.dimensions import NOT_ASSIGNED
from ar_control.forecast.cash_in import make_forecast
from ar_control.forecast.options import ForecastOptions


def source_labels() -> dict[core.Source, str]:
	return {
		core.Source.CUSTOMER: _("Customer"),
		core.Source.CUSTOMER_GROUP: _("Customer Group"),
		core.Source.COMPANY: _("Company"),
		core.Source.NO_HISTORY: _("No History"),
		core.Source.PROMISE: _("Promise to Pay"),
		core.Source.PROFILE: _("Collection Profile"),
		core.Source.DUE_DATE: _("Due Date"),
	}


# --- the report ------------------------------------------------------------------------------------


def execute(filters=None):
	options = ForecastOptions(arguments.json_object(filters, _("Filters")))
	run = make_forecast(options)
	if options.group_by == "Week":
		rows = week_rows(run, options)
	elif options.group_by == "Customer":
		rows = customer_rows(run, options)
	else:
		rows = sales_person_rows(run, options)
	return columns(options), rows, None, chart(run, options), summary(run, options)


def week_fields(weeks: int) -> list[str]:
	return [f"week_{k}" for k in range(1, weeks + 1)]


def columns(options: ForecastOptions) -> list[dict]:
	money = {"fieldtype": "Currency", "options": "currency", "width": 120}
	if options.group_by == "Week":
		cols = [
			{"fieldname": "period", "label": _("Week"), "fieldtype": "Data", "width": 100},
			{"fieldname": "from_date", "label": _("From Date"), "fieldtype": "Date", "width": 100},
			{"fieldname": "to_date", "label": _("To Date"), "fieldtype": "Date", "width": 100},
			{"fieldname": "expected", "label": _("Expected"), **money},
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
			{"fieldname": "days_late", "label": _("Days Late"), "fieldtype": "Int", "width": 80},
			{"fieldname": "lateness_source", "label": _("Lateness From"), "fieldtype": "Data", "width": 110},
			{"fieldname": "outstanding", "label": _("Outstanding Expected"), **money},
			{"fieldname": "expected_loss", "label": _("Recoverability Discount"), **money},
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


def week_rows(run: data.ForecastRun, options: ForecastOptions) -> list[dict]:
	counts = defaultdict(int)
	for receipt in run.forecast.receipts:
		counts[receipt.week] += 1
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
			"receipts": counts[None],
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
		"expected_loss": ZERO,
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
	row["expected_loss"] += (receipt.outstanding - receipt.expected) * share
	row["credits"] += receipt.credit_applied * share
	if receipt.week is None:
		row["later"] += receipt.amount * share
	else:
		row["expected"] += receipt.amount * share
		row[f"week_{receipt.week}"] += receipt.amount * share


def _add_set_apart(row: dict, item: core.SetApart, share: Decimal = Decimal(1)) -> None:
	field = "legal" if item.reason is core.SetApartReason.LEGAL else "disputed"
	row[field] += item.outstanding * share


def _rounded(row: dict, options: ForecastOptions) -> dict:
	for field in ("outstanding", "expected_loss", "credits", "expected", "later", "disputed", "legal"):
		row[field] = round_money(row[field])
	for field in week_fields(options.weeks):
		row[field] = round_money(row[field])
	return row


def _total_row(rows: list[dict], options: ForecastOptions, label_field: str) -> dict:
	total = _new_row(options, **{label_field: _("Total"), "bold": 1, "is_total": 1})
	for row in rows:
		for field in (
			"outstanding",
			"expected_loss",
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


def customer_rows(run: data.ForecastRun, options: ForecastOptions) -> list[dict]:
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
		probe = core.ForecastItem(name, "", "", options.as_of, ZERO, groups.get(name, ""))
		days, source = core.days_late_for(probe, run.lateness)
		row.update(
			customer_name=names.get(name, ""),
			customer_group=groups.get(name, ""),
			days_late=days,
			lateness_source=labels[source],
		)
		rows.append(_rounded(row, options))
	rows.append(_total_row(rows, options, "customer"))
	return rows


def sales_person_rows(run: data.ForecastRun, options: ForecastOptions) -> list[dict]:
	by_person: dict[str, dict] = {}
	for person, parts in data.split_by_sales_person(run.forecast.receipts, run.shares).items():
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


def not_expected_by_profile(made: core.Forecast) -> Decimal:
	"""What the collection profile does not expect of the stale items within the weeks."""
	return sum((r.outstanding - r.expected for r in made.receipts if r.source is core.Source.PROFILE), ZERO)


def chart(run: data.ForecastRun, options: ForecastOptions) -> dict:
	return {
		"data": {
			"labels": [_("Week {0}").format(week.week) for week in run.forecast.weeks],
			"datasets": [
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
			],
		},
		"type": "axis-mixed",
		"fieldtype": "Currency",
		"options": options.currency,
		"colors": ["#5e64ff", "#ff9f43"],
	}


def summary(run: data.ForecastRun, options: ForecastOptions) -> list[dict]:
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
		{"value": made.later, "label": _("Expected Later"), **money},
		{
			"value": not_expected_by_profile(made),
			"label": _("Overdue Debt Not Expected (Collection Profile)"),
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
			"label": _("Company Average Days Late"),
			"datatype": "Float",
		},
	]
