"""The desk as the demo's users meet it: the credit block, the override, a collector's case work,
the workspace and the reports, in English and in Chinese."""

from __future__ import annotations

import re

import pytest
from conftest import shot

expect = pytest.importorskip("playwright.sync_api").expect

DEMO_COMPANY = "AR Control Demo Co."
OVER_LIMIT_MARK = "DEMO-OVER-LIMIT"  # the demo's draft order over its customer's credit limit
ZH = {
	"Blocked at submission": "提交时将被拦截",
	"Credit Check Failed": "信用检查未通过",
	"Receivables at a Glance": "应收账款概览",
	"Add Activity": "添加催收记录",
}


def call(page, method: str, **args):
	"""A call through the desk's own client (the user's session and CSRF token)."""
	return page.evaluate("([method, args]) => frappe.xcall(method, args)", [method, args])


def desk(page, path: str) -> None:
	page.goto(path)
	page.wait_for_function("() => window.frappe && frappe.boot && frappe.boot.user")


def form(page, doctype: str, name: str) -> None:
	desk(page, f"/app/{doctype.lower().replace(' ', '-')}/{name}")
	page.wait_for_function(
		"([doctype, name]) => window.cur_frm && cur_frm.doctype === doctype && cur_frm.doc.name === name"
		" && !cur_frm.is_dirty()",
		arg=[doctype, name],
	)


def new_order_over_the_limit(page) -> str:
	"""A new draft order like the demo's one over the limit, made by the user of ``page``."""
	desk(page, "/app/sales-order")
	template = call(
		page,
		"frappe.client.get",
		doctype="Sales Order",
		filters={"po_no": OVER_LIMIT_MARK, "company": DEMO_COMPANY},
	)
	doc = {
		"doctype": "Sales Order",
		"company": DEMO_COMPANY,
		"customer": template["customer"],
		"currency": template["currency"],
		"selling_price_list": template["selling_price_list"],
		"transaction_date": template["transaction_date"],
		"delivery_date": template["delivery_date"],
		"items": [
			{
				"item_code": row["item_code"],
				"qty": row["qty"],
				"rate": row["rate"],
				"delivery_date": template["delivery_date"],
			}
			for row in template["items"]
		],
	}
	return call(page, "frappe.client.insert", doc=doc)["name"]


def submit(page) -> None:
	page.locator(".page-actions .primary-action", has_text=re.compile("Submit|提交")).click()
	page.locator(".modal.show .btn-primary", has_text=re.compile("Yes|是")).click()


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_sales_user_sees_the_block_before_and_at_submission(as_user, lang):
	page = as_user("sales", lang)
	name = new_order_over_the_limit(page)
	form(page, "Sales Order", name)
	panel = page.locator(".ar-credit-panel-host")
	expect(panel).to_be_visible()
	expect(panel).to_contain_text(ZH["Blocked at submission"] if lang == "zh" else "Blocked at submission")
	shot(page, f"credit-panel-{lang}")

	submit(page)
	dialog = page.locator(
		".modal.show", has_text=ZH["Credit Check Failed"] if lang == "zh" else "Credit Check Failed"
	)
	expect(dialog).to_be_visible()
	reasons = dialog.locator("li")
	assert reasons.count() >= 1
	if lang == "en":
		expect(dialog).to_contain_text("credit limit")
	shot(page, f"credit-block-{lang}")
	assert (
		call(page, "frappe.client.get_value", doctype="Sales Order", filters=name, fieldname="docstatus")[
			"docstatus"
		]
		== 0
	)


def test_a_credit_manager_overrides_with_a_reason_and_the_log_shows_it(as_user):
	name = new_order_over_the_limit(as_user("sales"))
	page = as_user("credit")
	form(page, "Sales Order", name)
	page.locator(
		".page-actions .custom-actions button, .page-actions .inner-group-button button",
		has_text="Override Credit Check",
	).first.click()
	reason = "Agreed with the customer's CFO: the overdue invoices are paid on Friday."
	page.locator(".modal.show textarea").fill(reason)
	page.locator(".modal.show .btn-primary", has_text="Submit").click()
	page.wait_for_function("() => cur_frm.doc.docstatus === 1")
	shot(page, "credit-override-submitted")

	desk(page, "/app/credit-override-log")
	row = page.locator(".list-row-container", has_text=name)
	expect(row).to_be_visible()
	logs = call(
		page,
		"frappe.client.get_list",
		doctype="Credit Override Log",
		filters={"reference_name": name},
		fields=["override_reason", "user"],
	)
	assert [(log["override_reason"], log["user"]) for log in logs] == [
		(reason, page.evaluate("frappe.session.user"))
	]
	shot(page, "credit-override-log")


def test_a_collector_works_the_top_case_of_the_worklist(as_user):
	page = as_user("collector")
	desk(page, "/app/collection-case?status=Open")
	expect(page.locator(".list-row-container").first).to_be_visible()
	shot(page, "collection-worklist")
	cases = call(
		page,
		"frappe.client.get_list",
		doctype="Collection Case",
		filters={"company": DEMO_COMPANY, "status": "Open"},
		fields=["name", "priority_score"],
		order_by="priority_score desc",
	)
	assert cases, "the demo left no open case"
	listed = page.locator(".list-row-container .list-subject a[data-name]").evaluate_all(
		"links => links.map(a => a.dataset.name)"
	)
	assert listed[: len(cases)] == [c["name"] for c in cases][: len(listed)]  # ordered by priority
	case = cases[0]["name"]

	# a call, logged from the case with a next action date
	form(page, "Collection Case", case)
	page.locator(".page-actions button", has_text="Add Activity").first.click()
	dialog = page.locator(".modal.show")
	dialog.locator('[data-fieldname="activity_type"] select').select_option("Call")
	dialog.locator('[data-fieldname="summary"] textarea').fill(
		"Spoke to accounts payable; payment on Thursday."
	)
	in_three_days = page.evaluate(
		"() => frappe.datetime.str_to_user(frappe.datetime.add_days(frappe.datetime.get_today(), 3))"
	)
	dialog.locator('[data-fieldname="next_action_date"] input').fill(in_three_days)
	dialog.locator('[data-fieldname="summary"] textarea').click()  # closes the date picker
	shot(page, "collection-activity-dialog")
	dialog.locator(".btn-primary", has_text="Add").click()
	expect(page.locator(".modal.show")).to_have_count(0)
	page.wait_for_function("() => cur_frm && cur_frm.doc.follow_up_date")

	# a promise to pay on the first invoice still owed (a case keeps its paid invoices, at 0,
	# until it closes)
	form(page, "Collection Case", case)
	index = page.evaluate("() => cur_frm.doc.invoices.findIndex(row => row.outstanding_amount > 0)")
	assert index >= 0
	row = page.locator('[data-fieldname="invoices"] .grid-body .grid-row').nth(index)
	row.locator(".btn-open-row").click()
	editor = page.locator(".grid-row-open")
	editor.locator('[data-fieldname="promised_date"] input').fill(in_three_days)
	outstanding = page.evaluate("(i) => cur_frm.doc.invoices[i].outstanding_amount", index)
	editor.locator('[data-fieldname="promised_amount"] input').fill(str(outstanding))
	page.keyboard.press("Escape")
	page.keyboard.press("Control+s")
	page.wait_for_function(
		"(i) => !cur_frm.is_dirty() && cur_frm.doc.invoices[i].promise_status === 'Pending'", arg=index
	)
	expect(page.locator(".indicator-pill", has_text="Promise to Pay").first).to_be_visible()
	shot(page, "collection-case-promise")

	summaries = [
		a["summary"]
		for a in call(
			page,
			"frappe.client.get_list",
			doctype="Collection Activity",
			filters={"collection_case": case},
			fields=["summary"],
			order_by="creation desc",
			limit_page_length=5,
		)
	]
	assert "Spoke to accounts payable; payment on Thursday." in summaries
	assert any("romise" in s for s in summaries), summaries


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_workspace_shows_its_cards_and_charts_filled(as_user, lang):
	page = as_user("credit", lang)
	desk(page, "/app/ar-control")
	expect(
		page.get_by_text(ZH["Receivables at a Glance"] if lang == "zh" else "Receivables at a Glance")
	).to_be_visible()
	cards = page.locator(".widget.number-widget-box")
	expect(cards.first).to_be_visible()
	page.wait_for_function(
		"() => [...document.querySelectorAll('.widget.number-widget-box .number')].filter(n => n.textContent.trim()).length >= 5",
	)
	page.wait_for_function(
		"() => document.querySelectorAll('.widget.dashboard-widget-box .chart-container svg, .widget.dashboard-widget-box svg.frappe-chart').length >= 2"
	)
	shot(page, f"workspace-{lang}")


def test_aging_drills_down_from_a_customer_to_its_vouchers(as_user):
	page = as_user("credit")
	desk(page, f"/app/query-report/AR Aging Analysis?company={DEMO_COMPANY}&group_by=Customer")
	page.wait_for_selector(".dt-scrollable .dt-row")
	shot(page, "aging-by-customer")
	customer = (
		page.locator(".dt-scrollable .dt-row").first.locator(".dt-cell__content").nth(1).inner_text().strip()
	)
	page.locator(".dt-scrollable .ar-aging-drill").first.click()
	page.wait_for_function(
		"() => frappe.query_report && frappe.query_report.get_filter_value('group_by') === 'Voucher'"
	)
	page.wait_for_selector(".dt-scrollable .dt-row")
	expect(page.locator(".dt-scrollable")).to_contain_text("ACC-SINV")
	assert customer
	shot(page, "aging-vouchers")


def test_the_kpi_report_renders_its_chart(as_user):
	page = as_user("credit")
	desk(page, f"/app/query-report/Sales Collection KPI?company={DEMO_COMPANY}")
	page.wait_for_selector(".chart-wrapper svg, .report-chart svg", timeout=60000)
	page.wait_for_selector(".dt-scrollable .dt-row")
	shot(page, "sales-collection-kpi")
