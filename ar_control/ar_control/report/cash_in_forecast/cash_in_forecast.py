# Copyright (c) 2026, ar_control developers and contributors
# For license information, please see license.txt

"""Cash-in Forecast: when the open receivables are expected to come in, week by week, from each
customer's own payment behaviour, its promises and the recoverability curve; beside it the naive
forecast (everyone pays on the due date), and a backtest of both against what was collected.

The figures are the core's (:mod:`ar_control.core.forecast`) on what
:mod:`ar_control.data.forecast` reads in a few grouped statements; this module reads the filters,
lays out the rows, the chart and the backtest table.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal

import frappe
from frappe import _
from frappe.utils import flt

from ar_control import arguments, user_permissions
from ar_control.core import forecast as core
from ar_control.core.money import ZERO, round_money
from ar_control.core.period import month_ends
from ar_control.core.problems import RuleError
from ar_control.data import forecast as data
from ar_control.data.dimensions import NOT_ASSIGNED
from ar_control.messages import throw
from ar_control.roles import CREDIT_MANAGER, require_role
from ar_control.settings import InvalidSettingsError, get_settings
from ar_control.utils import today

GROUP_BY = ("Week", "Customer", "Sales Person")
MAX_REPORT_WEEKS = 52
MAX_ORIGINS = 36
ACCOUNTS_MANAGER = "Accounts Manager"
BACKTEST_ROLES = {ACCOUNTS_MANAGER, CREDIT_MANAGER}


class BacktestRangeError(frappe.ValidationError):
	"""A backtest range without a month-end, with too many, or whose weeks have not all passed."""


class BacktestNotPermittedError(frappe.PermissionError):
	"""Only an Accounts Manager or a Credit Manager runs the backtest."""


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


# --- filters ---------------------------------------------------------------------------------------


def history_months() -> int:
	return get_settings().history_months


def recovery_curve() -> list:
	curve = get_settings().recovery_curve()
	throw(core.check_recovery(curve), _("Invalid Recovery Curve"), InvalidSettingsError)
	return curve


class ForecastOptions:
	"""The filters, checked (``ar_control.arguments``) and narrowed to the customers the user may
	see (``ar_control.user_permissions``)."""

	def __init__(self, filters: dict):
		get = filters.get
		self.company = arguments.company(get("company"), default=True)
		self.as_of = arguments.date(get("report_date"), _("As of Date")) or today()
		self.weeks = arguments.integer(
			get("weeks"), _("Weeks Ahead"), 1, MAX_REPORT_WEEKS, default=core.DEFAULT_WEEKS
		)
		self.group_by = arguments.choice(get("group_by"), GROUP_BY, _("Group By"), "Week")
		customer = arguments.existing("Customer", get("customer"), _("Customer"), required=False)
		self.customers = user_permissions.narrow_customers([customer] if customer else None)
		# the lateness of groups and of the company: every customer the user may see
		self.permitted = user_permissions.customers()
		self.currency = frappe.get_cached_value("Company", self.company, "default_currency")


class BacktestOptions:
	"""Company, range of origins (month-ends) and weeks of a backtest, checked. By default the
	last 12 month-ends whose weeks have all passed by today."""

	def __init__(self, filters: dict):
		get = filters.get
		self.company = arguments.company(get("company"), default=True)
		self.weeks = arguments.integer(
			get("weeks"), _("Weeks Ahead"), 1, MAX_REPORT_WEEKS, default=core.DEFAULT_WEEKS
		)
		customer = arguments.existing("Customer", get("customer"), _("Customer"), required=False)
		self.customers = user_permissions.narrow_customers([customer] if customer else None)
		# the lateness of groups and of the company: every customer the user may see
		self.permitted = user_permissions.customers()
		self.currency = frappe.get_cached_value("Company", self.company, "default_currency")
		now = today()
		latest = last_month_end(now - timedelta(days=7 * self.weeks))
		self.to_date = arguments.date(get("to_date"), _("To Date")) or latest
		first = arguments.date(get("from_date"), _("From Date"))
		if first is None:
			first = self.to_date.replace(day=1)
			for _month in range(11):
				first = (first - timedelta(days=1)).replace(day=1)
		self.from_date = first
		if self.from_date > self.to_date:
			frappe.throw(
				_("The backtest's From Date {0} is after its To Date {1}.").format(
					self.from_date, self.to_date
				),
				title=_("Invalid Backtest Range"),
				exc=BacktestRangeError,
			)
		self.origins = list(month_ends(self.from_date, self.to_date))
		if not self.origins:
			frappe.throw(
				_("There is no month-end from {0} to {1} to make a forecast on.").format(
					self.from_date, self.to_date
				),
				title=_("Invalid Backtest Range"),
				exc=BacktestRangeError,
			)
		if len(self.origins) > MAX_ORIGINS:
			frappe.throw(
				_("A backtest covers at most {0} month-ends, not {1}.").format(
					MAX_ORIGINS, len(self.origins)
				),
				title=_("Invalid Backtest Range"),
				exc=BacktestRangeError,
			)
		end = data.horizon_end(self.origins[-1], self.weeks)
		if end > now:
			frappe.throw(
				_(
					"The {0} weeks after {1} end on {2}, after today: what was collected is not known yet. "
					"Choose a To Date no later than {3}."
				).format(self.weeks, self.origins[-1], end, latest),
				title=_("Invalid Backtest Range"),
				exc=BacktestRangeError,
			)


def last_month_end(day: date) -> date:
	"""The last month-end on or before ``day``."""
	following = day + timedelta(days=1)
	return day if following.month != day.month else day.replace(day=1) - timedelta(days=1)


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


def make_forecast(options: ForecastOptions) -> data.ForecastRun:
	try:
		return data.run_forecast(
			options.company,
			options.as_of,
			options.weeks,
			recovery_curve(),
			history_months(),
			options.customers,
			with_sales_team=options.group_by == "Sales Person",
			history_customers=options.permitted,
		)
	except RuleError as error:
		throw(error, _("Invalid Cash-in Forecast"), frappe.ValidationError, options.currency)


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


# --- the backtest ----------------------------------------------------------------------------------


@frappe.whitelist()
def backtest(filters: arguments.Untrusted = None) -> dict:
	"""The backtest table for the button on the report (Accounts Manager, Credit Manager)."""
	require_backtest_role()
	options = BacktestOptions(arguments.json_object(filters, _("Filters")))
	result = run_backtest(options)
	headers, rows = backtest_table(result)
	return {
		"headers": headers,
		"rows": [[format_cell(value) for value in row] for row in rows],
		"origins": [str(origin) for origin in options.origins],
		"weeks": options.weeks,
	}


def require_backtest_role() -> None:
	require_role(
		BACKTEST_ROLES,
		_("Only an Accounts Manager or a Credit Manager runs the forecast backtest."),
		exc=BacktestNotPermittedError,
	)


def run_backtest(options: BacktestOptions) -> core.Backtest:
	try:
		return data.run_backtest(
			options.company,
			options.origins,
			options.weeks,
			recovery_curve(),
			history_months(),
			options.customers,
			options.permitted,
		)
	except RuleError as error:
		throw(error, _("Invalid Cash-in Forecast"), frappe.ValidationError, options.currency)


def backtest_table(result: core.Backtest) -> tuple[list[str], list[list]]:
	"""Per horizon (week) and over all weeks: what was collected, both forecasts, their WAPE and
	the error of the cumulative total, in percent."""
	headers = [
		_("Week"),
		_("Collected"),
		_("Forecast"),
		_("Due Date Forecast"),
		_("WAPE Forecast %"),
		_("WAPE Due Date %"),
		_("Total Error Forecast %"),
		_("Total Error Due Date %"),
	]
	rows = [
		[
			h.week,
			h.actual,
			h.forecast.forecast,
			h.naive.forecast,
			h.forecast.wape,
			h.naive.wape,
			h.forecast.total_error,
			h.naive.total_error,
		]
		for h in result.horizons
	]
	rows.append(
		[
			_("All Weeks"),
			sum((h.actual for h in result.horizons), ZERO),
			sum((h.forecast.forecast for h in result.horizons), ZERO),
			sum((h.naive.forecast for h in result.horizons), ZERO),
			result.wape,
			result.naive_wape,
			result.total_error,
			result.naive_total_error,
		]
	)
	return headers, rows


def origin_table(result: core.Backtest) -> tuple[list[str], list[list]]:
	"""Per origin: collected in the weeks after it, both forecasts, the error of each total."""
	headers = [
		_("Origin"),
		_("Collected"),
		_("Forecast"),
		_("Due Date Forecast"),
		_("Total Error Forecast %"),
		_("Total Error Due Date %"),
	]
	rows = [
		[str(o.origin), o.actual, o.forecast, o.naive, o.total_error, o.naive_total_error]
		for o in result.origins
	]
	return headers, rows


def format_cell(value) -> str:
	"""A cell of the backtest table as text: amounts and percentages to 2 places, none as "-"."""
	if value is None:
		return "-"
	if isinstance(value, Decimal):
		return f"{value:,.2f}"
	return str(value)
