"""The customer's collection page in a real browser, as a customer meets it: from the link in the
demo's latest reminder e-mail (the site needs an outgoing e-mail account for the ladder to send
one; ``.ci/bench-suite`` makes a muted one), in English and in Chinese, without logging in."""

from __future__ import annotations

import hashlib
import json
import re
from datetime import date, timedelta
from urllib.parse import urlsplit

import pytest
from conftest import URL, shot, t

expect = pytest.importorskip("playwright.sync_api").expect

DEMO_COMPANY = "AR Control Demo Co."


def minimal_pdf() -> bytes:
	"""A valid one-page PDF, written out with its cross-reference table."""
	objects = [
		b"<< /Type /Catalog /Pages 2 0 R >>",
		b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>",
	]
	out, offsets = bytearray(b"%PDF-1.4\n"), []
	for number, body in enumerate(objects, start=1):
		offsets.append(len(out))
		out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
	xref = len(out)
	out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
	out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
	out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
	return bytes(out)


def reminder_links(admin) -> list[str]:
	"""The links in the demo's reminder and dunning e-mails, newest first (path and query)."""
	response = admin.get(
		"/api/resource/Communication",
		params={
			"filters": json.dumps(
				[["content", "like", "%/collect?key=%"], ["communication_medium", "=", "Email"]]
			),
			"fields": json.dumps(["name", "content"]),
			"order_by": "creation desc",
			"limit_page_length": 20,
		},
	)
	assert response.ok, response.text()[:200]
	found = []
	for row in response.json()["data"]:
		for url in re.findall(r'href="([^"]*/collect\?key=[^"]+)"', row["content"]):
			parts = urlsplit(url.replace("&amp;", "&"))
			if f"{parts.path}?{parts.query}" not in found:
				found.append(f"{parts.path}?{parts.query}")
	assert found, "the demo's ladder sent no e-mail with a link (an outgoing e-mail account is needed)"
	return found


def link_of(admin, path: str) -> dict:
	key = path.split("key=", 1)[1]
	response = admin.get(
		"/api/resource/Collection Link",
		params={
			"filters": json.dumps([["token_hash", "=", hashlib.sha256(key.encode()).hexdigest()]]),
			"fields": json.dumps(["name", "customer", "company", "revoked", "expires_on"]),
		},
	)
	assert response.ok, response.text()[:200]
	return response.json()["data"][0]


def open_invoices(admin, customer: str) -> int:
	response = admin.get(
		"/api/method/frappe.client.get_count",
		params={
			"doctype": "Sales Invoice",
			"filters": json.dumps(
				{
					"customer": customer,
					"company": DEMO_COMPANY,
					"docstatus": 1,
					"outstanding_amount": [">", 0],
				}
			),
		},
	)
	assert response.ok, response.text()[:200]
	return response.json()["message"]


def usable_link(admin, index: int) -> tuple[str, dict]:
	"""A link of the demo's e-mails that still opens, for a customer with at least two open
	invoices (the ``index``-th such: each language takes another customer)."""
	usable = []
	for path in reminder_links(admin):
		link = link_of(admin, path)
		if (
			link["revoked"]
			or link["company"] != DEMO_COMPANY
			or link["customer"] in [u[1]["customer"] for u in usable]
		):
			continue
		if open_invoices(admin, link["customer"]) >= 2:
			usable.append((path, link))
	assert len(usable) > index, f"only {len(usable)} customers' links in the demo's e-mails"
	return usable[index]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_customer_answers_its_reminder_on_its_page(browser, admin, as_user, lang):
	path, link = usable_link(admin, 0 if lang == "en" else 1)
	context = browser.new_context(
		base_url=URL, viewport={"width": 430, "height": 900}, locale=lang
	)  # a phone
	page = context.new_page()
	page.set_default_timeout(30000)
	page.goto(f"{path}&_lang={lang}")
	expect(page.locator("#arc-items")).to_be_visible()
	expect(page.locator(".arc-totals")).to_contain_text(t(lang, "Overdue"))
	rows = page.locator("#arc-items tbody tr:has(button[data-action=promise])")
	assert rows.count() >= 2, "the customer should owe at least two invoices"
	promised_invoice = rows.nth(0).get_attribute("data-invoice")
	disputed_invoice = rows.nth(1).get_attribute("data-invoice")
	shot(page, "customer-page" if lang == "en" else "customer-page-zh")

	# a promise to pay on the first invoice
	rows.nth(0).locator("button[data-action=promise]").click()
	form = page.locator("#arc-promise")
	expect(form.locator("select[name=invoice]")).to_have_value(promised_invoice)
	form.locator("input[name=date]").fill(str(date.today() + timedelta(days=5)))
	form.locator("input[name=amount]").fill("100")
	with page.expect_navigation():  # the page reloads after saying thank you
		form.locator("button[type=submit]").click()
		expect(form.locator(".alert-success")).to_contain_text(
			t(lang, "Thank you: your promise is recorded.")
		)
	expect(page.locator(f'#arc-items tr[data-invoice="{promised_invoice}"]')).to_contain_text(
		t(lang, "Promised for {0}").split("{")[0].strip()
	)

	# a dispute of the second, with a reason and the delivery note attached
	page.locator(f'#arc-items tr[data-invoice="{disputed_invoice}"] button[data-action=dispute]').click()
	form = page.locator("#arc-dispute")
	form.locator("select[name=reason]").select_option("Wrong amount or price")
	form.locator("textarea[name=details]").fill("We ordered 8 units, not 10.")
	form.locator("input[name=attachment]").set_input_files(
		{"name": "delivery-note.pdf", "mimeType": "application/pdf", "buffer": minimal_pdf()}
	)
	with page.expect_navigation():
		form.locator("button[type=submit]").click()
		expect(form.locator(".alert-success")).to_contain_text(
			t(lang, "Thank you: your dispute is recorded. We will contact you.")
		)
	expect(page.locator(f'#arc-items tr[data-invoice="{disputed_invoice}"]')).to_contain_text(
		t(lang, "Disputed")
	)

	# the statement
	with page.expect_download() as download:
		page.locator("#arc-statement").click()
	with open(download.value.path(), "rb") as pdf:
		assert pdf.read(4) == b"%PDF"
	context.close()

	# the collector sees both on the case, the ladder's next run skips them
	desk = as_user("collector", lang)
	desk.goto("/app/collection-case")
	desk.wait_for_function("() => window.frappe && frappe.boot && frappe.boot.user")
	case = desk.evaluate(
		"([customer, company]) => frappe.xcall('frappe.client.get_value', {doctype: 'Collection Case',"
		" filters: {customer, company, status: ['not like', 'Closed%']}, fieldname: ['name', 'customer_answered']})",
		[link["customer"], DEMO_COMPANY],
	)
	assert case["customer_answered"] == 1
	desk.goto(f"/app/collection-case/{case['name']}")
	desk.wait_for_function("() => window.cur_frm && cur_frm.doc.name && !cur_frm.is_dirty()")
	rows = desk.evaluate(
		"() => cur_frm.doc.invoices.map(r => [r.sales_invoice, r.disputed, r.promise_status])"
	)
	assert [promised_invoice, 0, "Pending"] in rows or [promised_invoice, 1, "Pending"] in rows, rows
	assert any(r[0] == disputed_invoice and r[1] == 1 for r in rows), rows
	shot(desk, "customer-answer-on-the-case" if lang == "en" else "customer-answer-on-the-case-zh")
	plan = as_user("credit", lang)
	plan.goto("/app")
	plan.wait_for_function("() => window.frappe && frappe.boot && frappe.boot.user")
	lines = plan.evaluate(
		"(company) => frappe.xcall('ar_control.collection.ladder.preview', {company})", DEMO_COMPANY
	)
	assert not any(promised_invoice in line or disputed_invoice in line for line in lines), lines


def test_an_expired_link_opens_a_plain_page(browser, admin):
	path, link = usable_link(admin, 2)
	response = admin.put(
		f"/api/resource/Collection Link/{link['name']}", data={"expires_on": "2020-01-01 00:00:00"}
	)
	assert response.ok, response.text()[:200]
	context = browser.new_context(base_url=URL)
	page = context.new_page()
	page.goto(path)
	expect(page.locator(".arc-page")).to_contain_text("This link has expired.")
	expect(page.locator(".arc-page")).not_to_contain_text(link["customer"])
	shot(page, "customer-page-expired")
	context.close()
