"""The cash-in forecast and its backtest, made of what the data layer reads: the open items, the
customers' usual days late and the company's collection profile, handed to the core; as the
app's users ask for them, with the settings' history months and a rule broken by the data shown
as a clear error."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from contextlib import contextmanager
from datetime import date
from decimal import Decimal
from typing import NamedTuple

import frappe
from frappe import _

from ar_control.core import backtest as backtests
from ar_control.core import collection_profile as profiles
from ar_control.core import forecast as core
from ar_control.core.period import HISTORY_MONTHS
from ar_control.core.problems import RuleError
from ar_control.data import collection_profile as profile_data
from ar_control.data import forecast as data
from ar_control.data.dimensions import NOT_ASSIGNED
from ar_control.forecast.options import BacktestOptions, ForecastOptions
from ar_control.messages import throw
from ar_control.settings import get_settings


class ForecastRun(NamedTuple):
	forecast: core.Forecast
	naive: core.Forecast
	lateness: core.Lateness
	shares: dict[str, tuple[tuple[str, Decimal], ...]]
	profile: profiles.CollectionProfile = profiles.NO_PROFILE


def forecast(
	company: str,
	as_of: date,
	weeks: int,
	history_months: int = HISTORY_MONTHS,
	customers: Iterable[str] | None = None,
	with_cases: bool = True,
	with_sales_team: bool = False,
	history_customers: Iterable[str] | None = None,
) -> ForecastRun:
	"""The app's forecast and the naive one of the open items of ``customers`` (``None``: all),
	made from the ledger at the end of ``as_of``. The usual days late (their group and company
	figures) and the collection profile come from the history of ``history_customers``
	(``None``: all), so that narrowing the forecast to one customer does not change what that
	customer's items are judged by."""
	customers = list(customers) if customers is not None else None
	history_customers = list(history_customers) if history_customers is not None else None
	found = data.forecast_items(company, as_of, customers, with_cases, with_sales_team)
	late = data.lateness(company, as_of, history_months, history_customers)
	profile = profile_data.collection_profile(company, as_of, history_customers, history_months)
	made = core.forecast(found.items, as_of, late, weeks, profile=profile)
	naive = core.naive_forecast(found.items, as_of, weeks)
	return ForecastRun(made, naive, late, found.shares, profile)


def backtest(
	company: str,
	origins: Sequence[date],
	weeks: int,
	history_months: int = HISTORY_MONTHS,
	customers: Iterable[str] | None = None,
	history_customers: Iterable[str] | None = None,
) -> backtests.Backtest:
	"""The forecast as of each origin (open items, usual days late and collection profile as the
	ledger stood then: nothing after the origin is read; the collection cases' current state is
	not what was known then, so promises, disputes and Legal hand-overs are left out) against
	what was collected in the weeks after it."""
	customers = list(customers) if customers is not None else None
	made = []
	for origin in origins:
		run = forecast(
			company,
			origin,
			weeks,
			history_months,
			customers,
			with_cases=False,
			history_customers=history_customers,
		)
		actual = data.collected(company, origin, weeks, customers)
		made.append(backtests.backtest_origin(run.forecast, run.naive, actual))
	return backtests.backtest(made)


def split_by_sales_person(
	receipts: Iterable[core.Receipt], shares: dict[str, tuple[tuple[str, Decimal], ...]]
) -> dict[str, list[tuple[core.Receipt, Decimal]]]:
	"""Each receipt with the share of it each sales person of the invoice's Sales Team holds
	(receivables without a Sales Team: :data:`NOT_ASSIGNED`, share 1)."""
	by_person: dict[str, list[tuple[core.Receipt, Decimal]]] = {}
	for receipt in receipts:
		team = shares.get(receipt.voucher_no) if receipt.voucher_type == "Sales Invoice" else None
		for person, share in team or ((NOT_ASSIGNED, Decimal(1)),):
			by_person.setdefault(person, []).append((receipt, share))
	return by_person


# --- as the users ask for them -------------------------------------------------------------------


def history_months() -> int:
	return get_settings().history_months


@contextmanager
def rules_as_errors(currency: str):
	"""A rule the data breaks (a promise of nothing) as a clear, translated error."""
	try:
		yield
	except RuleError as error:
		throw(error, _("Invalid Cash-in Forecast"), frappe.ValidationError, currency)


def make_forecast(options: ForecastOptions) -> ForecastRun:
	"""The app's forecast and the due-date forecast the report shows."""
	with rules_as_errors(options.currency):
		return forecast(
			options.company,
			options.as_of,
			options.weeks,
			history_months(),
			options.customers,
			with_sales_team=options.group_by == "Sales Person",
			history_customers=options.permitted,
		)


def run_backtest(options: BacktestOptions) -> backtests.Backtest:
	"""The forecast of each month-end of the range against what was collected after it."""
	with rules_as_errors(options.currency):
		return backtest(
			options.company,
			options.origins,
			options.weeks,
			history_months(),
			options.customers,
			options.permitted,
		)
