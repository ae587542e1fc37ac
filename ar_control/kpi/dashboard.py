"""The AR Control workspace: number cards and dashboard charts.

Every function takes the ``filters`` the desk sends (a JSON string or dict; ``company`` is the
only one used, the user's default company when absent) and checks that the user may read KPI
snapshots, the permission the cards and charts are declared under.
"""

from __future__ import annotations

import frappe
from frappe import _
from frappe.utils import getdate

from ar_control.ar_control.doctype.ar_control_settings.ar_control_settings import get_settings
from ar_control.core import aging
from ar_control.core.money import percent
from ar_control.core.period import previous_month
from ar_control.data.aging_totals import COMPANY, aging_totals
from ar_control.kpi.measure import measure
from ar_control.kpi.snapshots import SNAPSHOT
from ar_control.messages import bucket_labels
from ar_control.utils import today

TREND_MONTHS = 12


def company_of(filters: str | dict | None) -> str:
	frappe.has_permission(SNAPSHOT, "read", throw=True)
	filters = frappe.parse_json(filters) or {}
	company = filters.get("company") or frappe.defaults.get_user_default("Company")
	if not company:
		company = frappe.db.get_single_value("Global Defaults", "default_company")
	if not company:
		frappe.throw(_("Please set a default company."), title=_("Company Required"))
	return company


@frappe.whitelist()
def dso(filters: str | dict | None = None) -> dict:
	"""Number card: DSO (count-back) of the latest monthly snapshot of the company; without any
	snapshot yet, measured live for last month."""
	company = company_of(filters)
	latest = frappe.get_all(
		SNAPSHOT,
		filters={"company": company, "sales_person": ("is", "not set")},
		fields=["dso_count_back", "period_start"],
		order_by="period_end desc",
		limit=1,
	)
	if latest:
		value, month = latest[0].dso_count_back, latest[0].period_start
	else:
		period = previous_month(today())
		_rows, total = measure(company, period)
		value, month = float(total.kpis.dso_count_back or 0), period.start
	return {
		"value": value,
		"fieldtype": "Float",
		"precision": 1,
		"route": ["query-report", "Sales Collection KPI"],
		"route_options": {"company": company, "period": "Month", "date": str(month)},
	}


def aging_today(company: str) -> tuple[aging.AgingRow, aging.Buckets]:
	settings = get_settings()
	buckets = settings.aging_buckets_parsed()
	result = aging_totals(
		company, today(), buckets, aging.Basis.DUE_DATE, settings.stages(), group_by=COMPANY
	)
	return result.total, buckets


@frappe.whitelist()
def overdue_ratio(filters: str | dict | None = None) -> dict:
	"""Number card: the share of today's receivables that is past due, in percent."""
	company = company_of(filters)
	total, _buckets = aging_today(company)
	_credit, coordination, clearing = total.stages
	ratio = percent(coordination + clearing, total.outstanding)
	return {
		"value": float(ratio or 0),
		"fieldtype": "Percent",
		"precision": 1,
		"route": ["query-report", "AR Aging Analysis"],
		"route_options": {"company": company, "report_date": str(today())},
	}


def kpi_trend(filters: str | dict | None = None) -> dict:
	"""Line chart: DSO (count-back), Best Possible DSO and CEI of the last company snapshots."""
	company = company_of(filters)
	rows = frappe.get_all(
		SNAPSHOT,
		filters={"company": company, "sales_person": ("is", "not set")},
		fields=["period_end", "dso_count_back", "best_possible_dso", "cei"],
		order_by="period_end desc",
		limit=TREND_MONTHS,
	)[::-1]
	return {
		"labels": [_(getdate(row.period_end).strftime("%b")) for row in rows],  # at most 12 months
		"datasets": [
			{"name": _("DSO (Count-back)"), "values": [row.dso_count_back for row in rows]},
			{"name": _("Best Possible DSO"), "values": [row.best_possible_dso for row in rows]},
			{"name": _("CEI %"), "values": [row.cei for row in rows]},
		],
	}


def aging_buckets(filters: str | dict | None = None) -> dict:
	"""Bar chart: today's receivables of the company, not yet due and per aging bucket."""
	company = company_of(filters)
	total, buckets = aging_today(company)
	return {
		"labels": [_("Not Due"), *bucket_labels(buckets)],
		"datasets": [
			{"name": _("Outstanding"), "values": [float(total.not_due), *map(float, total.buckets)]}
		],
	}
