"""The desk as the demo's users meet it: the credit block, the override, a collector's case work,
the workspace and the reports, in English and in Chinese."""

from __future__ import annotations

import re

import pytest
from conftest import shot, t

expect = pytest.importorskip("playwright.sync_api").expect
PlaywrightTimeout = pytest.importorskip("playwright.sync_api").TimeoutError

DEMO_COMPANY = "AR Control Demo Co."
OVER_LIMIT_MARK = "DEMO-OVER-LIMIT"  # the demo's draft order over its customer's credit limit


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


def suffixed(name: str, lang: str) -> str:
	"""The screenshot's name: the README's English ones as they were, the Chinese ones ``-zh``."""
	return name if lang == "en" else f"{name}-zh"


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
	expect(panel).to_contain_text(t(lang, "Blocked at submission"))
	shot(page, f"credit-panel-{lang}")

	submit(page)
	dialog = page.locator(".modal.show", has_text=t(lang, "Credit Check Failed"))
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


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_credit_manager_overrides_with_a_reason_and_the_log_shows_it(as_user, lang):
	name = new_order_over_the_limit(as_user("sales"))
	page = as_user("credit", lang)
	form(page, "Sales Order", name)
	page.locator(
		".page-actions .custom-actions button, .page-actions .inner-group-button button",
		has_text=t(lang, "Override Credit Check"),
	).first.click()
	dialog = page.locator(".modal.show")
	expect(dialog.locator(".modal-title")).to_have_text(t(lang, "Submit despite the credit check"))
	expect(dialog).to_contain_text(t(lang, "Credit Override Reason"))
	reason = "Agreed with the customer's CFO: the overdue invoices are paid on Friday."
	dialog.locator("textarea").fill(reason)
	dialog.locator(".btn-primary", has_text=t(lang, "Submit")).click()
	page.wait_for_function("() => cur_frm.doc.docstatus === 1")
	shot(page, suffixed("credit-override-submitted", lang))

	desk(page, "/app/credit-override-log")
	expect(page.locator(".page-title")).to_contain_text(t(lang, "Credit Override Log"))
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
	shot(page, suffixed("credit-override-log", lang))


CLOSED = ("Closed - Paid", "Closed - Written Off")


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_collector_works_the_top_case_of_the_worklist(as_user, lang):
	page = as_user("collector", lang)
	# the worklist opens on the cases still to work, highest priority first, with no filter set
	desk(page, "/app/collection-case")
	expect(page.locator(".page-title")).to_contain_text(t(lang, "Collection Case"))
	page.wait_for_function(
		"() => window.cur_list && cur_list.doctype === 'Collection Case' && cur_list.data.length"
	)
	statuses = page.evaluate("() => cur_list.data.map(d => d.status)")
	assert statuses and not set(statuses) & set(CLOSED), statuses
	closed = call(
		page,
		"frappe.client.get_count",
		doctype="Collection Case",
		filters={"company": DEMO_COMPANY, "status": ["in", list(CLOSED)]},
	)
	assert closed, "the demo has no closed case: the worklist's filter would show nothing"
	expect(page.locator(".list-row-container").first).to_be_visible()
	shot(page, suffixed("collection-worklist", lang))
	cases = call(
		page,
		"frappe.client.get_list",
		doctype="Collection Case",
		filters={"company": DEMO_COMPANY, "status": ["not in", list(CLOSED)]},
		fields=["name", "priority_score", "status"],
		order_by="priority_score desc",
		limit_page_length=0,
	)
	assert cases, "the demo left no open case"
	listed = page.locator(".list-row-container .list-subject a[data-name]").evaluate_all(
		"links => links.map(a => a.dataset.name)"
	)
	assert listed[: len(cases)] == [c["name"] for c in cases][: len(listed)]  # ordered by priority
	cases = [c for c in cases if c["status"] == "Open"]
	assert cases, "the demo left no case in status Open"
	case = cases[0]["name"]  # a case with a promise is no longer Open: each run takes another

	# a call, logged from the case with a next action date
	form(page, "Collection Case", case)
	page.locator(".page-actions button", has_text=t(lang, "Add Activity")).first.click()
	dialog = page.locator(".modal.show")
	expect(dialog.locator(".modal-title")).to_have_text(t(lang, "Add Activity"))
	for label in ("Type", "Summary", "Next Action Date"):
		expect(dialog).to_contain_text(t(lang, label))
	dialog.locator('[data-fieldname="activity_type"] select').select_option("Call")
	summary = f"Spoke to accounts payable ({lang}); payment on Thursday."
	dialog.locator('[data-fieldname="summary"] textarea').fill(summary)
	in_three_days = page.evaluate(
		"() => frappe.datetime.str_to_user(frappe.datetime.add_days(frappe.datetime.get_today(), 3))"
	)
	dialog.locator('[data-fieldname="next_action_date"] input').fill(in_three_days)
	dialog.locator('[data-fieldname="summary"] textarea').click()  # closes the date picker
	# the controls set their values after a debounce: the dialog must hold both before Add
	page.wait_for_function(
		"(s) => cur_dialog && cur_dialog.get_value('next_action_date') && cur_dialog.get_value('summary') === s",
		arg=summary,
	)
	shot(page, suffixed("collection-activity-dialog", lang))
	dialog.locator(".btn-primary", has_text=t(lang, "Add")).click()
	expect(page.get_by_text(t(lang, "Activity added"))).to_be_visible()
	expect(page.locator(".modal.show")).to_have_count(0)
	page.wait_for_function("() => cur_frm && cur_frm.doc.follow_up_date")

	# a promise to pay on the first invoice still owed (a case keeps its paid invoices, at 0,
	# until it closes)
	form(page, "Collection Case", case)
	index = page.evaluate("() => cur_frm.doc.invoices.findIndex(row => row.outstanding_amount > 0)")
	assert index >= 0
	row_name, outstanding = page.evaluate(
		"(i) => [cur_frm.doc.invoices[i].name, cur_frm.doc.invoices[i].outstanding_amount]", index
	)
	typed = (
		"([i, amount]) => { const row = cur_frm.doc.invoices[i];"
		" return !!row.promised_date && Math.abs(row.promised_amount - amount) < 0.005 && cur_frm.is_dirty(); }"
	)
	for attempt in range(3):
		# a grid's controls set the row on change, and a refresh of the form (its timeline taking in
		# the activity just added) re-draws the grid: typed again until the row holds both values
		row = page.locator(f'[data-fieldname="invoices"] .grid-body .grid-row[data-name="{row_name}"]')
		row.locator(".btn-open-row").click()
		editor = page.locator(".grid-row-open")
		expect(editor).to_contain_text(t(lang, "Promised Date"))
		editor.locator('[data-fieldname="promised_date"] input').fill(in_three_days)
		editor.locator('[data-fieldname="promised_amount"] input').fill(str(outstanding))
		editor.locator('[data-fieldname="promised_amount"] input').blur()
		page.keyboard.press("Escape")
		try:
			page.wait_for_function(typed, arg=[index, outstanding], timeout=10000)
			break
		except PlaywrightTimeout:
			if attempt == 2:
				raise
	page.keyboard.press("Control+s")
	page.wait_for_function(
		"(i) => !cur_frm.is_dirty() && cur_frm.doc.invoices[i].promise_status === 'Pending'", arg=index
	)
	expect(page.locator(".indicator-pill", has_text=t(lang, "Promise to Pay")).first).to_be_visible()
	shot(page, suffixed("collection-case-promise", lang))

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
	assert summary in summaries
	promised = t(lang, "Promise to pay {0} on {1} by {2}.").split("{")[0]  # written in the user's language
	assert any(s.startswith(promised) for s in summaries), summaries


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_workspace_shows_its_cards_and_charts_filled(as_user, lang):
	page = as_user("credit", lang)
	desk(page, "/app/ar-control")
	expect(page.get_by_text(t(lang, "Receivables at a Glance"))).to_be_visible()
	cards = page.locator(".widget.number-widget-box")
	expect(cards.first).to_be_visible()
	page.wait_for_function(
		"() => [...document.querySelectorAll('.widget.number-widget-box .number')].filter(n => n.textContent.trim()).length >= 5",
	)
	# both charts drawn with their data, not the empty chart Frappe draws first: a bar above the
	# axis, or a line that is not flat
	page.wait_for_function(
		"""() => {
			const charts = [...document.querySelectorAll(
				'.widget.dashboard-widget-box .chart-container svg, .widget.dashboard-widget-box svg.frappe-chart')];
			const filled = (svg) =>
				[...svg.querySelectorAll('.dataset-units rect')].some((r) => +r.getAttribute('height') > 0) ||
				[...svg.querySelectorAll('.dataset-units path')].some(
					(p) => new Set((p.getAttribute('d') || '').match(/,-?[0-9.]+/g) || []).size > 1);
			return charts.length >= 2 && charts.every(filled);
		}"""
	)
	shot(page, f"workspace-{lang}")


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_aging_drills_down_from_a_customer_to_its_vouchers(as_user, lang):
	page = as_user("credit", lang)
	desk(page, f"/app/query-report/AR Aging Analysis?company={DEMO_COMPANY}&group_by=Customer")
	page.wait_for_selector(".dt-scrollable .dt-row")
	expect(page.locator(".page-title")).to_contain_text(t(lang, "AR Aging Analysis"))
	expect(page.locator(".dt-header")).to_contain_text(t(lang, "Customer"))
	shot(page, suffixed("aging-by-customer", lang))
	customer = (
		page.locator(".dt-scrollable .dt-row").first.locator(".dt-cell__content").nth(1).inner_text().strip()
	)
	assert customer
	drill = page.locator(".dt-scrollable .ar-aging-drill").first
	expect(drill).to_have_attribute("title", t(lang, "Show the vouchers"))
	drill.click()
	page.wait_for_function(
		"() => frappe.query_report && frappe.query_report.get_filter_value('group_by') === 'Voucher'"
	)
	page.wait_for_selector(".dt-scrollable .dt-row")
	expect(page.locator(".dt-header")).to_contain_text(t(lang, "Voucher No"))
	expect(page.locator(".dt-scrollable")).to_contain_text("ACC-SINV")
	shot(page, suffixed("aging-vouchers", lang))


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_kpi_report_renders_its_chart(as_user, lang):
	page = as_user("credit", lang)
	desk(page, f"/app/query-report/Sales Collection KPI?company={DEMO_COMPANY}")
	page.wait_for_selector(".chart-wrapper svg, .report-chart svg", timeout=60000)
	page.wait_for_selector(".dt-scrollable .dt-row")
	expect(page.locator(".page-title")).to_contain_text(t(lang, "Sales Collection KPI"))
	expect(page.locator(".dt-header")).to_contain_text(t(lang, "Opening AR"))
	expect(page.locator(".chart-wrapper, .report-chart").first).to_contain_text(t(lang, "DSO (Count-back)"))
	shot(page, suffixed("sales-collection-kpi", lang))


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_case_shows_its_evidence_file_and_folds_its_paid_invoices_away(as_user, lang):
	page = as_user("collector", lang)
	desk(page, "/app/collection-case")
	# a case of the collector's with invoices still owed and invoices paid since it opened
	cases = call(
		page,
		"frappe.client.get_list",
		doctype="Collection Case",
		filters={"company": DEMO_COMPANY, "status": ["not in", list(CLOSED)]},
		order_by="priority_score desc",
		limit_page_length=0,
	)
	case, rows = None, []
	for found in cases:
		rows = call(page, "frappe.client.get", doctype="Collection Case", name=found["name"])["invoices"]
		if any(r["outstanding_amount"] > 0 for r in rows) and any(r["outstanding_amount"] <= 0 for r in rows):
			case = found["name"]
			break
	assert case, "no case of the demo has both paid and owed invoices"
	owed = [r["name"] for r in rows if r["outstanding_amount"] > 0]
	paid = [r["name"] for r in rows if r["outstanding_amount"] <= 0]
	form(page, "Collection Case", case)

	# the invoices: those still owed first, the paid ones folded away behind a toggle
	assert [r["name"] for r in rows] == owed + paid, "the owed invoices do not come first"
	grid = page.locator('[data-fieldname="invoices"] .grid-body .grid-row')
	visible = grid.evaluate_all("rows => rows.filter(r => r.offsetParent !== null).map(r => r.dataset.name)")
	assert visible == owed[: len(visible)] and not set(visible) & set(paid), visible
	toggle = page.locator('[data-fieldname="invoices"] .grid-custom-buttons button')
	expect(toggle).to_have_text(t(lang, "Show {0} Paid Invoices").replace("{0}", str(len(paid))))
	toggle.scroll_into_view_if_needed()
	shot(page, suffixed("collection-case-invoices", lang))
	toggle.click()
	expect(toggle).to_have_text(t(lang, "Hide Paid Invoices"))
	visible = grid.evaluate_all("rows => rows.filter(r => r.offsetParent !== null).map(r => r.dataset.name)")
	assert set(paid) & set(visible), "the toggle did not show the paid invoices"

	# the evidence file: the case's activities, newest first, with who, what, outcome, next action
	activities = call(
		page,
		"frappe.client.get_list",
		doctype="Collection Activity",
		filters={"collection_case": case},
		fields=["name", "summary", "outcome", "next_action_date", "user"],
		order_by="activity_date desc, creation desc",
		limit_page_length=100,
	)
	assert activities, "the case has no activity"
	entries = page.locator(".ar-evidence .ar-evidence-entry")
	expect(entries.first).to_be_visible()
	entries.first.scroll_into_view_if_needed()
	shown = entries.evaluate_all("items => items.map(e => e.dataset.activity)")
	assert shown == [a["name"] for a in activities], "the evidence file is not the case's, newest first"
	for index, activity in enumerate(activities[:5]):
		entry = entries.nth(index)
		expect(entry.locator(".ar-evidence-who")).not_to_be_empty()
		expect(entry.locator(".ar-evidence-what")).to_contain_text(activity["summary"].split("\n")[0][:40])
		if activity["outcome"]:
			expect(entry.locator(".ar-evidence-facts")).to_contain_text(activity["outcome"])
		if activity["next_action_date"]:
			expect(entry.locator(".ar-evidence-facts")).to_contain_text(t(lang, "Next Action Date"))
	expect(
		page.locator('[data-fieldname="evidence_section"], .form-section').filter(has=entries.first)
	).to_contain_text(t(lang, "Evidence File"))
	shot(page, suffixed("collection-case-evidence", lang))
