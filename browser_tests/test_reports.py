"""Every report of the AR Control workspace, opened as each demo user who may open it: it must
draw rows, and no error may show (an error dialog, or a failed request behind the report).
The Cash-in Forecast's backtest too, as the credit manager."""

from __future__ import annotations

import pytest
from conftest import USERS, shot

expect = pytest.importorskip("playwright.sync_api").expect


def workspace_reports(admin) -> list[str]:
	"""The reports the AR Control workspace links to (its cards and its shortcuts)."""
	response = admin.get(
		"/api/method/frappe.client.get", params={"doctype": "Workspace", "name": "AR Control"}
	)
	assert response.ok, response.text()[:200]
	workspace = response.json()["message"]
	names = [link["link_to"] for link in workspace["links"] if link.get("link_type") == "Report"]
	names += [s["link_to"] for s in workspace["shortcuts"] if s.get("type") == "Report"]
	return list(dict.fromkeys(names))


def may_open(page, report: str) -> bool:
	"""What the desk asks before it opens a report page (Frappe's own check of the report's roles
	and of report access to its DocType)."""
	return page.evaluate(
		"""(report) => frappe.xcall('frappe.desk.query_report.get_script', {report_name: report})
			.then(() => true, () => false)""",
		report,
	)


def open_report(page, report: str) -> int:
	"""Open the report with its default filters; the number of rows it drew. Fails on an error
	dialog, a failed request and an empty report."""
	failed = []
	page.on(
		"response",
		lambda r: failed.append(f"{r.status} {r.url}") if r.status >= 400 and "/api/" in r.url else None,
	)
	with page.expect_response(lambda r: "frappe.desk.query_report.run" in r.url, timeout=120000) as ran:
		page.goto(f"/app/query-report/{report}")
	response = ran.value
	assert response.ok, f"{report}: {response.status} {response.text()[:300]}"
	rows = len(response.json()["message"]["result"] or [])
	assert rows, f"{report} is empty"
	page.wait_for_selector(".dt-scrollable .dt-row", timeout=60000)
	page.wait_for_timeout(1000)  # a late error dialog
	dialog = page.locator(".modal.show")
	assert not dialog.count(), f"{report}: an error dialog: {dialog.first.inner_text()[:300]}"
	assert not failed, f"{report}: failed requests: {failed}"
	return rows


def test_every_report_of_the_workspace_opens_with_rows_for_each_user_who_may_open_it(as_user, admin):
	reports = workspace_reports(admin)
	assert {"AR Aging Analysis", "Sales Collection KPI", "Bad Debt Provision", "Cash-in Forecast"} <= set(
		reports
	)
	opened: dict[str, list[str]] = {}
	for role in USERS:
		page = as_user(role)
		page.goto("/app")
		page.wait_for_function("() => window.frappe && frappe.boot && frappe.boot.user")
		for report in reports:
			if not may_open(page, report):
				continue
			rows = open_report(page, report)
			opened.setdefault(role, []).append(f"{report} ({rows})")
			shot(page, f"report-{role}-{report.lower().replace(' ', '-')}")
		page.context.close()
	print("opened:", opened)
	# the credit manager opens every report of the workspace; the collector the aging and forecast
	assert len(opened.get("credit", [])) == len(reports), opened
	assert any(r.startswith("AR Aging Analysis") for r in opened.get("collector", [])), opened
	assert any(r.startswith("Cash-in Forecast") for r in opened.get("collector", [])), opened


def test_the_credit_manager_backtests_the_cash_in_forecast(as_user):
	page = as_user("credit")
	open_report(page, "Cash-in Forecast")
	page.locator(".page-actions .inner-group-button button, .page-actions .custom-actions button").filter(
		has_text="Backtest"
	).first.click()
	dialog = page.locator(".modal.show")
	expect(dialog.locator(".modal-title")).to_have_text("Backtest the Cash-in Forecast")
	dialog.locator(".btn-primary", has_text="Run").click()
	result = page.locator(".modal.show", has_text="Backtest:")
	expect(result).to_be_visible(timeout=120000)
	assert result.locator("tbody tr").count() > 0, "the backtest has no rows"
	expect(result).to_contain_text("WAPE")
	shot(page, "cash-in-forecast-backtest")
