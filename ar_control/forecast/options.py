"""What a Cash-in Forecast request asks for: the report's filters and a backtest's range, checked
(:mod:`ar_control.arguments`) and narrowed to the customers the user may see
(:mod:`ar_control.user_permissions`)."""

from __future__ import annotations

from datetime import date, timedelta

import frappe
from frappe import _

from ar_control import arguments, user_permissions
from ar_control.core import forecast as core
from ar_control.core.period import month_ends
from ar_control.data import forecast as data
from ar_control.utils import today

GROUP_BY = ("Week", "Customer", "Sales Person")
MAX_REPORT_WEEKS = 52
MAX_ORIGINS = 36


class BacktestRangeError(frappe.ValidationError):
	"""A backtest range without a month-end, with too many, or whose weeks have not all passed."""


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
