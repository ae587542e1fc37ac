"""Collection KPI Snapshots: the month's figures, kept so that trends survive later changes to
the ledger, and the alerts a snapshot raises.

The monthly job writes, for every company with receivables, one snapshot of the whole company
and one per sales person for the month before the day it runs. A snapshot that exists is kept
as it is (the point of a snapshot is that a back-dated payment does not rewrite history) unless
it is explicitly retaken on demand. Each threshold a snapshot crosses is notified once: the
codes already notified are stored on the snapshot (and carried over to a retake), so running the
job again, after a crash halfway or a retake never notifies twice. A retake writes a new snapshot
that names the one it supersedes; the superseded one keeps its figures.
"""

from __future__ import annotations

from decimal import Decimal

import frappe
from frappe import _
from frappe.query_builder import Criterion
from frappe.utils import escape_html, get_link_to_form, getdate

from ar_control import arguments, records
from ar_control.arguments import Untrusted
from ar_control.core.kpi import threshold_breaches
from ar_control.core.money import ZERO
from ar_control.core.period import Period, month_of, previous_month
from ar_control.data.provision import allowance_balance
from ar_control.kpi.measure import KpiRow, figure_values, kpi_values, measure
from ar_control.messages import as_html, translate
from ar_control.roles import CREDIT_MANAGER, CREDIT_OR_SYSTEM_MANAGER, require_role
from ar_control.settings import get_settings
from ar_control.utils import company_currency, today

SNAPSHOT = "Collection KPI Snapshot"


def write_monthly_snapshots() -> None:
	"""The scheduled job: last month's snapshots for every company, committed company by company."""
	period = previous_month(today())
	for company in frappe.get_all("Company", pluck="name"):
		write_snapshots(company, period)
		# one company at a time: a crash later keeps the companies already done, and a re-run
		# skips their snapshots and alerts
		frappe.db.commit()


def write_snapshots(company: str, period: Period, retake: bool = False) -> list[str]:
	"""Snapshots of ``period`` for the company and each of its sales persons; returns their names.

	Nothing is written for a company without any receivables up to the period end.
	"""
	rows, total = measure(company, period)
	if not rows:
		return []
	existing = {
		row.sales_person or "": row
		for row in frappe.get_all(
			SNAPSHOT,
			filters={
				"company": company,
				"period_start": period.start,
				"period_end": period.end,
				"superseded_by": ("is", "not set"),
			},
			fields=["name", "sales_person", "alerts_sent"],
		)
	}
	currency = company_currency(company)
	recipients = Recipients([row.sales_person for row in rows if row.sales_person])
	names = []
	for row in [total, *(row for row in rows if row.sales_person)]:
		owner = row.sales_person or ""
		old = existing.get(owner)
		if old and not retake:
			names.append(old.name)
			continue
		# a retake is a new snapshot; the one it supersedes keeps its figures
		doc = records.new({"doctype": SNAPSHOT, "supersedes": old.name if old else None})
		doc.alerts_sent = old.alerts_sent if old else None
		fill(doc, company, period, row, currency)
		new_alerts = record_alerts(doc, row)
		doc.insert(ignore_permissions=True)
		if old:
			frappe.db.set_value(SNAPSHOT, old.name, "superseded_by", doc.name, update_modified=False)
		if new_alerts:
			notify(doc, new_alerts, recipients.for_owner(owner))
		names.append(doc.name)
	return names


def fill(doc, company: str, period: Period, row: KpiRow, currency: str) -> None:
	doc.update(
		{
			"company": company,
			"sales_person": row.sales_person or None,
			"currency": currency,
			"period_start": period.start,
			"period_end": period.end,
			"target_collection_rate": float(row.target.target_collection_rate or 0) if row.target else 0,
		}
	)
	for field, value in figure_values(row).items():
		doc.set(field, float(value))
	undefined = []  # undefined KPIs are stored as 0 and listed
	for field, value in kpi_values(row).items():
		doc.set(field, 0 if value is None else float(value))
		if value is None and field not in ("target_dso", "dso_gap"):
			undefined.append(doc.meta.get_label(field))
	doc.undefined_figures = ", ".join(undefined)
	if not row.sales_person:
		doc.provision_allowance = float(allowance_at(company, period.end))


def allowance_at(company: str, day) -> Decimal:
	"""The company's allowance for doubtful accounts at ``day`` (its provision policy's account in
	the General Ledger); 0 for a company without a provision policy."""
	policy = get_settings().provision_policy(company, required=False)
	if policy is None:
		return ZERO
	return allowance_balance(company, policy.allowance_account, getdate(day))


def record_alerts(doc, row: KpiRow) -> list:
	"""Set the thresholds crossed on the snapshot; return those not notified before."""
	breaches = threshold_breaches(row.kpis, row.target)
	doc.alerts = "\n".join(translate(breach) for breach in breaches)
	sent = set((doc.alerts_sent or "").split())
	new = [breach for breach in breaches if breach.code not in sent]
	doc.alerts_sent = " ".join(sorted(sent | {breach.code for breach in new}))
	return new


class Recipients:
	"""Who hears of an alert: every enabled Credit Manager, and the sales person's own user."""

	def __init__(self, sales_persons: list[str]):
		user = frappe.qb.DocType("User")
		has_role = frappe.qb.DocType("Has Role")
		self.credit_managers = (
			frappe.qb.from_(user)
			.join(has_role)
			.on((has_role.parent == user.name) & (has_role.parenttype == "User"))
			.select(user.name)
			.distinct()
			.where(
				Criterion.all(
					[
						has_role.role == CREDIT_MANAGER,
						user.enabled == 1,
						user.name.notin(["Administrator", "Guest"]),
					]
				)
			)
			.run(pluck=True)
		)
		person = frappe.qb.DocType("Sales Person")
		employee = frappe.qb.DocType("Employee")
		self.users = dict(
			frappe.qb.from_(person)
			.join(employee)
			.on(employee.name == person.employee)
			.select(person.name, employee.user_id)
			.where(person.name.isin(sales_persons or [""]) & employee.user_id.isnotnull())
			.run()
		)

	def for_owner(self, sales_person: str) -> list[str]:
		users = list(self.credit_managers)
		user = self.users.get(sales_person)
		if user and user not in users:
			users.append(user)
		return users


def notify(doc, breaches: list, users: list[str]) -> None:
	"""One Notification Log per user, listing every new threshold the snapshot crosses."""
	owner = escape_html(doc.sales_person or doc.company)
	subject = _("Collection KPI alert for {0}, {1}").format(owner, frappe.format(doc.period_end, "Date"))
	content = f"<p>{as_html(breaches)}</p><p>{get_link_to_form(SNAPSHOT, doc.name)}</p>"
	for user in users:
		frappe.get_doc(
			{
				"doctype": "Notification Log",
				"for_user": user,
				"type": "Alert",
				"subject": subject,
				"email_content": content,
				"document_type": SNAPSHOT,
				"document_name": doc.name,
				"from_user": "Administrator",
			}
		).insert(ignore_permissions=True)


@frappe.whitelist()
def take_snapshots(company: Untrusted = None, month: Untrusted = None) -> str:
	"""On demand: (re)take the snapshots of the month containing ``month`` (default: last month).

	Runs in the background; only a Credit Manager or System Manager may ask for it. A retake
	writes new snapshots and keeps the ones they supersede.
	"""
	require_role(
		CREDIT_OR_SYSTEM_MANAGER,
		_("Only a Credit Manager or a System Manager may take KPI snapshots."),
	)
	company = arguments.company(company)
	month = arguments.date(month, _("Month"))
	if month and month > today():
		frappe.throw(_("A month that has not begun cannot be measured."), exc=arguments.InvalidArgumentError)
	period = month_of(month) if month else previous_month(today())
	frappe.enqueue(
		"ar_control.kpi.snapshots.write_snapshots",
		queue="long",
		job_id=f"ar_control_kpi_snapshots::{company}::{period.end}",
		deduplicate=True,
		enqueue_after_commit=True,
		company=company,
		period=period,
		retake=True,
	)
	return _("The snapshots of {0} for {1} will be taken in the background.").format(
		company, frappe.format(period.end, "Date")
	)
