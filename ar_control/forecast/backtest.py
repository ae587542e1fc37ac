"""The backtest of the Cash-in Forecast as its users run it: the report's *Backtest* button (a
whitelisted method with its own role check) and the ``ar-control forecast-backtest`` command,
both showing the same tables."""

from __future__ import annotations

from decimal import Decimal

import frappe
from frappe import _

from ar_control import arguments
from ar_control.core import backtest as backtests
from ar_control.core.money import ZERO
from ar_control.forecast import accuracy, cash_in
from ar_control.forecast.options import BacktestOptions
from ar_control.roles import CREDIT_MANAGER, require_role

ACCOUNTS_MANAGER = "Accounts Manager"
BACKTEST_ROLES = {ACCOUNTS_MANAGER, CREDIT_MANAGER}


class BacktestNotPermittedError(frappe.PermissionError):
	"""Only an Accounts Manager or a Credit Manager runs the backtest."""


@frappe.whitelist()
def run(filters: arguments.Untrusted = None) -> dict:
	"""The backtest table for the button on the report (Accounts Manager, Credit Manager)."""
	require_backtest_role()
	options = BacktestOptions(arguments.json_object(filters, _("Filters")))
	result = cash_in.run_backtest(options)
	headers, rows = horizon_table(result)
	return {
		"headers": headers,
		"rows": [[format_cell(value) for value in row] for row in rows],
		"origins": [str(origin) for origin in options.origins],
		"weeks": options.weeks,
		# over all the company's customers it becomes the accuracy the report shows
		"kept": accuracy.keep(options, result),
	}


def require_backtest_role() -> None:
	require_role(
		BACKTEST_ROLES,
		_("Only an Accounts Manager or a Credit Manager runs the forecast backtest."),
		exc=BacktestNotPermittedError,
	)


def horizon_table(result: backtests.Backtest) -> tuple[list[str], list[list]]:
	"""Per horizon (week) and over all weeks: what was collected, both forecasts, their WAPE, the
	week's bias and the error of the cumulative total, in percent, and the band of past errors
	(what came in per unit forecast, 10th to 90th percentile)."""
	headers = [
		_("Week"),
		_("Collected"),
		_("Forecast"),
		_("Due Date Forecast"),
		_("WAPE Forecast %"),
		_("WAPE Due Date %"),
		_("Bias Forecast %"),
		_("Total Error Forecast %"),
		_("Total Error Due Date %"),
		_("Collected per Forecast (P10-P90)"),
	]
	rows = [
		[
			h.week,
			h.actual,
			h.forecast.forecast,
			h.naive.forecast,
			h.forecast.wape,
			h.naive.wape,
			h.forecast.bias,
			h.forecast.total_error,
			h.naive.total_error,
			band_text(h),
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
			result.total_error,
			result.naive_total_error,
			None,
		]
	)
	return headers, rows


def band_text(horizon: backtests.HorizonError) -> str | None:
	if horizon.low is None or horizon.high is None:
		return None
	return f"{horizon.low:.2f}-{horizon.high:.2f}"


def origin_table(result: backtests.Backtest) -> tuple[list[str], list[list]]:
	"""Per origin: collected in the weeks after it, both forecasts, each one's weekly WAPE and the
	error of its total; then the means over the origins (of the WAPEs and of the signed errors:
	the bias), and the mean of the errors' sizes."""
	headers = [
		_("Origin"),
		_("Collected"),
		_("Forecast"),
		_("Due Date Forecast"),
		_("WAPE Forecast %"),
		_("WAPE Due Date %"),
		_("Total Error Forecast %"),
		_("Total Error Due Date %"),
	]
	origins = result.origins
	rows = [
		[
			str(o.origin),
			o.actual,
			o.forecast,
			o.naive,
			o.wape,
			o.naive_wape,
			o.total_error,
			o.naive_total_error,
		]
		for o in origins
	]
	rows.append(
		[
			_("Mean of Origins"),
			None,
			None,
			None,
			backtests.mean([o.wape for o in origins]),
			backtests.mean([o.naive_wape for o in origins]),
			backtests.mean([o.total_error for o in origins]),
			backtests.mean([o.naive_total_error for o in origins]),
		]
	)
	rows.append(
		[
			_("Mean Size of the Errors"),
			None,
			None,
			None,
			None,
			None,
			backtests.mean([_size(o.total_error) for o in origins]),
			backtests.mean([_size(o.naive_total_error) for o in origins]),
		]
	)
	return headers, rows


def _size(value: Decimal | None) -> Decimal | None:
	return None if value is None else abs(value)


def format_cell(value) -> str:
	"""A cell of the backtest table as text: amounts and percentages to 2 places, none as "-"."""
	if value is None:
		return "-"
	if isinstance(value, Decimal):
		return f"{value:,.2f}"
	return str(value)
