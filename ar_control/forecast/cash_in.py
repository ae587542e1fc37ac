"""The cash-in forecast and its backtest as the app's users ask for them: with the settings'
recoverability curve and history months, and a rule broken by the data shown as a clear error."""

from __future__ import annotations

from contextlib import contextmanager

import frappe
from frappe import _

from ar_control.ar_control.doctype.ar_control_settings.ar_control_settings import get_settings
from ar_control.core import backtest as backtests
from ar_control.core import forecast as core
from ar_control.core.problems import RuleError
from ar_control.data import forecast as data
from ar_control.forecast.options import BacktestOptions, ForecastOptions
from ar_control.messages import InvalidSettingsError, throw


def history_months() -> int:
	return get_settings().history_months or data.DEFAULT_HISTORY_MONTHS


def recovery_curve() -> list:
	curve = get_settings().recovery_curve()
	throw(core.check_recovery(curve), _("Invalid Recovery Curve"), InvalidSettingsError)
	return curve


@contextmanager
def rules_as_errors(currency: str):
	"""A rule the data breaks (a bad curve, a promise of nothing) as a clear, translated error."""
	try:
		yield
	except RuleError as error:
		throw(error, _("Invalid Cash-in Forecast"), frappe.ValidationError, currency)


def make_forecast(options: ForecastOptions) -> data.ForecastRun:
	"""The app's forecast and the due-date forecast the report shows."""
	with rules_as_errors(options.currency):
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


def run_backtest(options: BacktestOptions) -> backtests.Backtest:
	"""The forecast of each month-end of the range against what was collected after it."""
	with rules_as_errors(options.currency):
		return data.run_backtest(
			options.company,
			options.origins,
			options.weeks,
			recovery_curve(),
			history_months(),
			options.customers,
			options.permitted,
		)
