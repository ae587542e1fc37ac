"""The forecast's accuracy where it is read: the company's last backtest, kept for the Cash-in
Forecast report to show beside its figures (the error per week ahead, the bias, and the band of
past errors on the chart).

A backtest over all of a company's customers (the report's *Backtest* button run by a user whom
no User Permission restricts, the ``ar-control forecast-backtest`` command, or the background job
below) is kept in the cache per company. When the report finds none, or one whose last month-end
is no longer the latest whose weeks have passed (a month has ended since), it asks for a new one
in the background (one job per company at a time) and shows the one it has meanwhile. Like the
collection profile, it is disposable: after ``bench clear-cache`` the next report asks again.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import NamedTuple

import frappe

from ar_control.core import backtest as backtests
from ar_control.core import forecast as core
from ar_control.data import collection_profile as profile_data
from ar_control.forecast.cash_in import run_backtest
from ar_control.forecast.options import BacktestOptions, last_month_end
from ar_control.utils import log_error, today

CACHE = "ar_control_forecast_accuracy"
KEPT = 62 * 24 * 3600  # two months: a month-end passes in between, and a new one is made
JOB = "ar_control_forecast_backtest"


class Accuracy(NamedTuple):
	"""A company's last backtest over all its customers."""

	company: str
	made_on: datetime
	origins: tuple[date, ...]
	weeks: int
	result: backtests.Backtest
	version: int = profile_data.VERSION

	def horizon(self, week: int) -> backtests.HorizonError | None:
		"""The backtest's measures of week ``week`` ahead (``None`` beyond its weeks)."""
		return self.result.horizons[week - 1] if 1 <= week <= len(self.result.horizons) else None


def _key(company: str) -> str:
	return f"{CACHE}:{company}"


def keep(options: BacktestOptions, result: backtests.Backtest) -> bool:
	"""Keep a backtest as the company's accuracy when it covers every customer (no Customer filter,
	no User Permission narrowing it). Returns whether it was kept."""
	if options.customers is not None or options.permitted is not None:
		return False
	found = Accuracy(
		options.company, frappe.utils.now_datetime(), tuple(options.origins), options.weeks, result
	)
	frappe.cache.set_value(_key(options.company), found, expires_in_sec=KEPT)
	return True


def latest(company: str) -> Accuracy | None:
	"""The company's last kept backtest, if any (made the way the forecast is made now)."""
	found = frappe.cache.get_value(_key(company), expires=True)
	if not isinstance(found, Accuracy) or found.version != profile_data.VERSION:
		return None
	return found


def due(found: Accuracy | None, day: date | None = None, weeks: int = core.DEFAULT_WEEKS) -> bool:
	"""A new backtest is due: none is kept, or a later month-end's weeks have passed by ``day``."""
	if found is None:
		return True
	latest_origin = last_month_end((day or today()) - timedelta(days=7 * weeks))
	return found.origins[-1] < latest_origin


def refresh(company: str) -> None:
	"""Ask for a new backtest of ``company`` in the background, once however many ask."""
	try:
		frappe.enqueue(
			"ar_control.forecast.accuracy.measure",
			queue="long",
			timeout=3600,
			job_id=f"{JOB}::{company}",
			deduplicate=True,
			company=company,
		)
	except Exception:  # a full queue or a Redis away must not stop the report: it shows what it has
		log_error("the forecast's backtest could not be queued", "Company", company)


def measure(company: str) -> Accuracy | None:
	"""The background job: the default backtest of ``company`` (the last 12 month-ends whose weeks
	have passed, 13 weeks) over all its customers, kept."""
	frappe.set_user("Administrator")
	options = BacktestOptions({"company": company})
	keep(options, run_backtest(options))
	return latest(company)
