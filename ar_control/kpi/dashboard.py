"""The AR Control workspace: number cards and dashboard charts.

Every function takes the ``filters`` the desk sends (a JSON string or dict; ``company`` is the
only one used, the user's default company when absent) and checks that the user may read KPI
snapshots, the permission the cards and charts are declared under.
"""

from __future__ import annotations

import frappe
from frappe import _
from frappe.query_builder.functions import Coalesce, Count
from frappe.utils import add_days, getdate

from ar_control import arguments, user_permissions
from ar_control.arguments import Untrusted
from ar_control.core import aging
from ar_control.core.money import percent
from ar_control.core.period import previous_month
from ar_control.data.aging_totals import COMPANY, aging_totals
from ar_control.kpi.measure import measure
from ar_control.kpi.snapshots import SNAPSHOT
from ar_control.messages import bucket_labels
from ar_control.roles import CREDIT_OR_SYSTEM_MANAGER, require_role
from ar_control.settings import get_settings
from ar_control.utils import ERROR_PREFIX, today

TREND_MONTHS = 12


def company_of(filters: object) -> str:
	"""The company a card or chart shows: its ``company`` filter, else the user's default; the
	user must be able to read snapshots and may see only companies their permissions allow."""
	frappe.has_permission(SNAPSHOT, "read", throw=True)
	filters = arguments.json_object(filters, _("Filters"))
	return arguments.company(filters.get("company"), default=True)


def latest_snapshots(company: str, limit: int) -> list:
	"""The company's current snapshots (retaken ones replaced), newest first."""
	return frappe.get_all(
		SNAPSHOT,
		filters={"company": company, "sales_person": ("is", "not set"), "superseded_by": ("is", "not set")},
		fields=["period_start", "period_end", "dso_count_back", "best_possible_dso", "cei"],
		order_by="period_end desc",
		limit=limit,
	)


@frappe.whitelist()
def dso(filters: Untrusted = None) -> dict:
	"""Number card: DSO (count-back) of the latest monthly snapshot of the company; without any
	snapshot yet, or for a user restricted to some customers, measured live for last month over
	what the user may see."""
	company = company_of(filters)
	customers = user_permissions.customers()
	latest = latest_snapshots(company, 1) if customers is None else []
	if latest:
		value, month = latest[0].dso_count_back, latest[0].period_start
	else:
		period = previous_month(today())
		_rows, total = measure(company, period, customers=customers)
		value, month = float(total.kpis.dso_count_back or 0), period.start
	return {
		"value": value,
		"fieldtype": "Float",
		"precision": 1,
		"route": ["query-report", "Sales Collection KPI"],
		"route_options": {"company": company, "period": "Month", "date": str(month)},
	}


def aging_today(company: str) -> tuple[aging.AgingRow, aging.Buckets]:
	"""Today's receivables of the company that the user may see, by due date."""
	settings = get_settings()
	buckets = settings.aging_buckets()
	result = aging_totals(
		company,
		today(),
		buckets,
		aging.Basis.DUE_DATE,
		settings.stages(),
		group_by=COMPANY,
		customers=user_permissions.customers(),
	)
	return result.total, buckets


@frappe.whitelist()
def overdue_ratio(filters: Untrusted = None) -> dict:
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


@frappe.whitelist()
def app_errors(filters: Untrusted = None) -> dict:
	"""Number card: the app's failures of the last 7 days in the Error Log (a case update after a
	payment, a customer the ladder could not process, a receivables index that had to be made
	again), and what the receivables ledger's health check finds wrong right now (its index
	missing: the reports are slower until it is back), for the Credit and System Managers."""
	from ar_control.data import ledger

	require_role(
		CREDIT_OR_SYSTEM_MANAGER,
		_("Only a Credit Manager or a System Manager sees AR Control's errors."),
	)
	arguments.json_object(filters, _("Filters"))
	log = frappe.qb.DocType("Error Log")
	count = (
		frappe.qb.from_(log)
		.select(Count("*"))
		.where(log.method.like(f"{ERROR_PREFIX}%") & (log.creation >= add_days(today(), -7)))
		.run()[0][0]
	)
	return {
		"value": count + len(ledger.health()),
		"fieldtype": "Int",
		"route": ["List", "Error Log"],
		"route_options": {"method": ["like", f"{ERROR_PREFIX}%"]},
	}


@frappe.whitelist()
def customers_on_hold(filters: Untrusted = None) -> dict:
	"""Number card: the customers whose documents are stopped in the company (an active credit
	hold of that company or of every company), counted per company as *Held In Companies* lists
	them; the route opens the Customer list filtered the same way."""
	frappe.has_permission("Credit Hold", "read", throw=True)
	filters = arguments.json_object(filters, _("Filters"))
	company = arguments.company(filters.get("company"), default=True)
	hold = frappe.qb.DocType("Credit Hold")
	count = (
		frappe.qb.from_(hold)
		.select(Count(hold.customer).distinct())
		.where((hold.status == "Active") & ((Coalesce(hold.company, "") == "") | (hold.company == company)))
		.run()[0][0]
	)
	return {
		"value": count,
		"fieldtype": "Int",
		"route": ["List", "Customer"],
		"route_options": {"Credit Hold Company.company": company},
	}


def kpi_trend(filters: Untrusted = None) -> dict:
	"""Line chart: DSO (count-back), Best Possible DSO and CEI of the last company snapshots; for
	a user restricted to some customers, the last 12 months measured live over them."""
	company = company_of(filters)
	customers = user_permissions.customers()
	if customers is None:
		rows = latest_snapshots(company, TREND_MONTHS)[::-1]
	else:
		rows = []
		period = previous_month(today())
		for _month in range(TREND_MONTHS):
			kpis = measure(company, period, customers=customers)[1].kpis
			rows.append(
				frappe._dict(
					period_end=period.end,
					dso_count_back=float(kpis.dso_count_back or 0),
					best_possible_dso=float(kpis.best_possible_dso or 0),
					cei=float(kpis.cei or 0),
				)
			)
			period = previous_month(period.start)
		rows.reverse()
	return {
		"labels": [_(getdate(row.period_end).strftime("%b")) for row in rows],  # at most 12 months
		"datasets": [
			{"name": _("DSO (Count-back)"), "values": [row.dso_count_back for row in rows]},
			{"name": _("Best Possible DSO"), "values": [row.best_possible_dso for row in rows]},
			{"name": _("CEI %"), "values": [row.cei for row in rows]},
		],
	}


def aging_buckets(filters: Untrusted = None) -> dict:
	"""Bar chart: today's receivables of the company, not yet due and per aging bucket."""
	company = company_of(filters)
	total, buckets = aging_today(company)
	return {
		"labels": [_("Not Due"), *bucket_labels(buckets)],
		"datasets": [
			{"name": _("Outstanding"), "values": [float(total.not_due), *map(float, total.buckets)]}
		],
	}
