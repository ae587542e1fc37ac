"""The customer's collection page, through HTTP as a customer's browser sends it.

The data is committed (each request is a connection of its own, as on a server) and purged at
the end. Customer X has an overdue invoice, one not yet due and one in another company; customer
Y, of the same company, has one too. X's link must show and change X's items in X's company and
nothing else, whatever the request says.
"""

from __future__ import annotations

import io
import json
from datetime import timedelta

import frappe
from frappe.utils import add_days, now_datetime

from ar_control import utils
from ar_control.collection import ladder, links
from ar_control.compat import test_record_dependencies
from ar_control.core.portal import MAX_TEXT, digest
from ar_control.tests.http import Browser
from ar_control.tests.processes import purge_customers
from ar_control.tests.utils import (
	COMPANY,
	TEST_DEPENDENCIES,
	ARTestCase,
	make_billing_contact,
	make_customer,
	make_sales_invoice,
	make_user,
)

globals().update(test_record_dependencies(TEST_DEPENDENCIES))

OTHER_COMPANY = "_Test Company 3"  # INR, from ERPNext's test records


def pdf() -> bytes:
	"""A real one-page PDF (Frappe opens every PDF it stores)."""
	from pypdf import PdfWriter

	writer = PdfWriter()
	writer.add_blank_page(width=200, height=200)
	out = io.BytesIO()
	writer.write(out)
	return out.getvalue()


ANSWERS = "/api/method/ar_control.portal.answers."


def answer(browser: Browser, method: str, **fields):
	return browser.post(ANSWERS + method, data=fields)


def form_token(link: str) -> str:
	from ar_control.portal.answers import new_form_token

	token = new_form_token(link)
	return token


class PortalCase(ARTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		frappe.set_user("Administrator")
		cls.collector = make_user("collector", ["Collector"])
		cls.x = make_customer("AR Page X")
		cls.y = make_customer("AR Page Y")
		frappe.db.set_value("Customer", cls.x, "ar_collector", cls.collector)
		make_billing_contact(cls.x)
		today = utils.today()
		cls.today = today
		cls.overdue = make_sales_invoice(cls.x, 1000, str(add_days(today, -50)), str(add_days(today, -20)))
		cls.not_due = make_sales_invoice(cls.x, 500, str(add_days(today, -5)), str(add_days(today, 10)))
		cls.elsewhere = make_sales_invoice(
			cls.x, 700, str(add_days(today, -40)), str(add_days(today, -10)), company=OTHER_COMPANY
		)
		cls.theirs = make_sales_invoice(cls.y, 900, str(add_days(today, -40)), str(add_days(today, -10)))
		frappe.db.commit()
		cls.url = links.make(cls.x, COMPANY, "test")
		cls.key = cls.url.rsplit("key=", 1)[1]
		cls.link = frappe.db.get_value(links.LINK, {"token_hash": digest(cls.key)})
		frappe.db.commit()

	@classmethod
	def tearDownClass(cls):
		purge_customers([cls.x, cls.y])
		frappe.db.delete("User", {"name": cls.collector})
		frappe.db.commit()
		super().tearDownClass()

	def setUp(self):
		frappe.set_user("Administrator")
		frappe.cache.delete_keys("rl:")  # the rate limits of other tests' requests

	def state(self) -> dict:
		"""Everything a request could change, for both customers."""
		frappe.db.rollback()  # see what the requests committed
		cases = frappe.get_all(
			"Collection Case", filters={"customer": ("in", [self.x, self.y])}, pluck="name"
		)
		return {
			"activities": frappe.db.count("Collection Activity", {"collection_case": ("in", cases or [""])}),
			"rows": sorted(
				(r.sales_invoice, r.disputed, str(r.promised_date or ""), r.promise_status or "")
				for r in frappe.get_all(
					"Collection Case Invoice",
					filters={"parent": ("in", cases or [""])},
					fields=["sales_invoice", "disputed", "promised_date", "promise_status"],
				)
			),
			"requests": frappe.db.count(
				"Payment Request", {"reference_name": ("in", [self.overdue.name, self.theirs.name])}
			),
			"files": frappe.db.count("File", {"attached_to_name": ("in", cases or [""])}),
			"cases": len(cases),
		}


class TestThePage(PortalCase):
	def test_the_link_opens_the_customers_own_items_and_counts_the_visit(self):
		response = Browser().get(f"/collect?key={self.key}")
		self.assertEqual(response.status_code, 200)
		page = response.get_data(as_text=True)
		for name in (self.overdue.name, self.not_due.name):
			self.assertIn(name, page)
		for name in (self.elsewhere.name, self.theirs.name, self.y):
			self.assertNotIn(name, page)
		self.assertIn("1,500.00", page)  # open
		self.assertIn("1,000.00", page)  # overdue
		frappe.db.rollback()
		self.assertGreaterEqual(frappe.db.get_value(links.LINK, self.link, "visits"), 1)

	def test_the_page_speaks_the_customers_language(self):
		frappe.db.set_value("Customer", self.x, "language", "zh")
		frappe.db.commit()
		try:
			page = Browser().get(f"/collect?key={self.key}").get_data(as_text=True)
			self.assertIn("逾期", page)  # Overdue
			english = Browser().get(f"/collect?key={self.key}&_lang=en").get_data(as_text=True)
			self.assertIn("Overdue", english)
		finally:
			frappe.db.set_value("Customer", self.x, "language", None)
			frappe.db.commit()

	def test_an_expired_revoked_or_altered_link_opens_a_plain_page(self):
		expired = links.make(self.x, COMPANY, "expired").rsplit("key=", 1)[1]
		frappe.db.set_value(
			links.LINK, {"token_hash": digest(expired)}, "expires_on", now_datetime() - timedelta(minutes=1)
		)
		revoked = links.make(self.x, COMPANY, "revoked").rsplit("key=", 1)[1]
		frappe.db.set_value(links.LINK, {"token_hash": digest(revoked)}, "revoked", 1)
		frappe.db.commit()
		altered = self.key[:-1] + ("A" if self.key[-1] != "A" else "B")
		for key, status, words in (
			(expired, 410, "expired"),
			(revoked, 410, "withdrawn"),
			(altered, 404, "not valid"),
			("", 404, "not valid"),
			("x" * 500, 404, "not valid"),
		):
			response = Browser().get(f"/collect?key={key}")
			page = response.get_data(as_text=True)
			self.assertEqual(response.status_code, status, key)
			self.assertIn(words, page)
			self.assertNotIn(self.overdue.name, page)
			self.assertNotIn("Traceback", page)

	def test_the_statement_is_a_pdf_of_the_open_items(self):
		response = Browser().get(f"{ANSWERS}statement?key={self.key}")
		self.assertEqual(response.status_code, 200, response.data[:300])
		self.assertTrue(response.data.startswith(b"%PDF"))
		self.assertIn("application/pdf", response.headers["Content-Type"])


class TestAnswers(PortalCase):
	def test_a_promise_lands_on_the_case_as_a_collectors_promise_and_pauses_the_ladder(self):
		browser = Browser("10.1.2.3")
		promised = str(add_days(self.today, 7))
		response = answer(
			browser,
			"promise",
			key=self.key,
			form=form_token(self.link),
			invoice=self.overdue.name,
			date=promised,
			amount="400",
		)
		self.assertEqual(response.status_code, 200, response.get_data(as_text=True))
		frappe.db.rollback()
		case = frappe.get_doc(
			"Collection Case", {"customer": self.x, "company": COMPANY, "status": ("not like", "Closed%")}
		)
		row = next(r for r in case.invoices if r.sales_invoice == self.overdue.name)
		self.assertEqual(
			(str(row.promised_date), row.promised_amount, row.promise_status), (promised, 400, "Pending")
		)
		self.assertEqual(case.status, "Promise to Pay")
		self.assertEqual(case.customer_answered, 1)
		activity = frappe.get_all(
			"Collection Activity",
			filters={"collection_case": case.name, "activity_type": "Customer Page"},
			fields=["summary", "next_action_date"],
		)[0]
		self.assertIn("10.1.2.3", activity.summary)
		self.assertEqual(str(activity.next_action_date), promised)
		self.assertTrue(
			frappe.db.exists("Notification Log", {"for_user": self.collector, "document_name": case.name})
		)
		# the same form again: nothing changes
		before = self.state()
		token = form_token(self.link)
		first = answer(
			browser,
			"promise",
			key=self.key,
			form=token,
			invoice=self.not_due.name,
			date=promised,
			amount="100",
		)
		self.assertEqual(first.status_code, 200)
		after_first = self.state()
		replay = answer(
			browser,
			"promise",
			key=self.key,
			form=token,
			invoice=self.not_due.name,
			date=promised,
			amount="100",
		)
		self.assertEqual(replay.status_code, 409)
		self.assertEqual(self.state(), after_first)
		self.assertNotEqual(after_first, before)
		# the ladder leaves the promised invoices alone until the date
		planned = "\n".join(ladder.run(self.today, dry_run=True, company=COMPANY))
		self.assertNotIn(self.overdue.name, planned)
		self.assertNotIn(self.not_due.name, planned)

	def test_a_dispute_with_its_evidence_pauses_the_invoice_and_gives_the_collector_a_todo(self):
		browser = Browser("10.1.2.4")
		response = browser.post(
			ANSWERS + "dispute",
			data={
				"key": self.key,
				"form": form_token(self.link),
				"invoice": self.overdue.name,
				"reason": "Wrong amount or price",
				"details": "<b>We ordered 8, not 10</b>",
				"attachment": (io.BytesIO(pdf()), "delivery note.pdf"),
			},
			content_type="multipart/form-data",
		)
		self.assertEqual(response.status_code, 200, response.get_data(as_text=True))
		frappe.db.rollback()
		case = frappe.get_doc(
			"Collection Case", {"customer": self.x, "company": COMPANY, "status": ("not like", "Closed%")}
		)
		row = next(r for r in case.invoices if r.sales_invoice == self.overdue.name)
		self.assertEqual(row.disputed, 1)
		self.assertIn("&lt;b&gt;We ordered 8", row.dispute_reason)  # shown escaped on the desk
		activity = frappe.get_all(
			"Collection Activity",
			filters={"collection_case": case.name, "activity_type": "Customer Page"},
			fields=["attachment", "todo"],
		)[0]
		self.assertTrue(activity.attachment.startswith("/private/files/"))
		self.assertEqual(frappe.db.get_value("ToDo", activity.todo, "allocated_to"), self.collector)
		self.assertNotIn(self.overdue.name, "\n".join(ladder.run(self.today, dry_run=True, company=COMPANY)))

	def test_a_message_lands_on_the_case_escaped(self):
		response = answer(
			Browser("10.1.2.5"),
			"message",
			key=self.key,
			form=form_token(self.link),
			text="<script>alert(1)</script> Paying Friday",
		)
		self.assertEqual(response.status_code, 200, response.get_data(as_text=True))
		frappe.db.rollback()
		case = frappe.db.get_value("Collection Case", {"customer": self.x, "company": COMPANY}, "name")
		summaries = frappe.get_all(
			"Collection Activity",
			filters={"collection_case": case, "activity_type": "Customer Page"},
			pluck="summary",
		)
		self.assertTrue(any("&lt;script&gt;" in s for s in summaries), summaries)
		self.assertFalse(any("<script>" in s for s in summaries))

	def test_pay_now_makes_a_payment_request_through_the_companys_gateway(self):
		browser = Browser("10.1.2.6")
		refused = answer(browser, "pay", key=self.key, form=form_token(self.link), invoice=self.overdue.name)
		self.assertEqual(refused.status_code, 404)  # no gateway: the page shows bank details
		self.assertIn("bank transfer", refused.get_data(as_text=True))
		gateway = make_gateway_account()
		try:
			response = answer(
				browser, "pay", key=self.key, form=form_token(self.link), invoice=self.overdue.name
			)
			self.assertEqual(response.status_code, 200, response.get_data(as_text=True))
			frappe.db.rollback()
			request = frappe.get_all(
				"Payment Request",
				filters={"reference_name": self.overdue.name},
				fields=["docstatus", "grand_total", "party"],
			)
			self.assertEqual(len(request), 1)
			self.assertEqual((request[0].docstatus, request[0].party), (1, self.x))
		finally:
			frappe.db.delete("Payment Gateway Account", {"name": gateway})
			frappe.db.commit()

	def test_the_desk_copies_and_revokes_links(self):
		frappe.set_user("Administrator")
		case = (
			frappe.db.get_value(
				"Collection Case", {"customer": self.x, "company": COMPANY, "status": ("not like", "Closed%")}
			)
			or frappe.get_doc({"doctype": "Collection Case", "customer": self.x, "company": COMPANY})
			.insert()
			.name
		)
		frappe.db.commit()
		frappe.set_user(self.collector)
		url = links.copy_link(case)
		key = url.rsplit("key=", 1)[1]
		frappe.db.commit()
		self.assertEqual(Browser().get(f"/collect?key={key}").status_code, 200)
		self.assertGreaterEqual(links.revoke_links(case), 2)
		frappe.db.commit()
		self.assertEqual(Browser().get(f"/collect?key={key}").status_code, 410)
		self.assertEqual(Browser().get(f"/collect?key={self.key}").status_code, 410)
		frappe.set_user("Administrator")
		frappe.db.set_value(links.LINK, {"token_hash": digest(self.key)}, "revoked", 0)  # for the other tests
		frappe.db.commit()


def make_gateway_account() -> str:
	"""A payment gateway of the company's (no controller: the request is made, without a
	checkout page)."""
	if not frappe.db.exists("Payment Gateway", "AR Page Test Gateway"):
		frappe.get_doc({"doctype": "Payment Gateway", "gateway": "AR Page Test Gateway"}).insert(
			ignore_permissions=True
		)
	name = (
		frappe.get_doc(
			{
				"doctype": "Payment Gateway Account",
				"payment_gateway": "AR Page Test Gateway",
				"company": COMPANY,
				"payment_account": "_Test Bank - _TC",
				"is_default": 0,
			}
		)
		.insert(ignore_permissions=True)
		.name
	)
	frappe.db.commit()
	return name


class TestProbes(PortalCase):
	"""Tampering with any parameter changes nothing and gets a 4xx; nothing of customer Y, nor of
	X's other company, shows in any answer."""

	def test_portal_probes(self):
		expired = links.make(self.x, COMPANY, "expired").rsplit("key=", 1)[1]
		frappe.db.set_value(
			links.LINK, {"token_hash": digest(expired)}, "expires_on", now_datetime() - timedelta(minutes=1)
		)
		frappe.db.commit()
		altered = self.key[:-2] + ("AA" if not self.key.endswith("AA") else "BB")
		soon, late, past = (str(add_days(self.today, d)) for d in (5, 400, -1))
		other_customers_words = (self.theirs.name, self.y, self.elsewhere.name)
		exe = (io.BytesIO(b"MZ\x90\x00"), "invoice.exe")
		fake_pdf = (io.BytesIO(b"\x89PNG\r\n"), "evidence.pdf")
		big = (io.BytesIO(b"%PDF" + b"0" * (5121 * 1024)), "big.pdf")

		probes = []
		for key in (None, "", "short", altered, expired, "x" * 100, ["list"]):
			for method, fields in (
				("promise", {"invoice": self.overdue.name, "date": soon, "amount": "10"}),
				("dispute", {"invoice": self.overdue.name, "reason": "Other"}),
				("message", {"text": "hello"}),
				("pay", {"invoice": self.overdue.name}),
			):
				probes.append((method, {"key": key, **fields}, True))
		for invoice in (self.theirs.name, self.elsewhere.name, "ACC-SINV-NOPE", "", None, "all'; --"):
			probes += [
				("promise", {"key": self.key, "invoice": invoice, "date": soon, "amount": "10"}, True),
				("dispute", {"key": self.key, "invoice": invoice, "reason": "Other"}, True),
				("pay", {"key": self.key, "invoice": invoice}, True),
			]
		for date, amount in (
			(late, "10"),
			(past, "10"),
			("2026-13-45", "10"),
			("soon", "10"),
			(soon, "-5"),
			(soon, "0"),
			(soon, "1e309"),
			(soon, "NaN"),
			(soon, "1000000"),
			(soon, "10'"),
		):
			probes.append(
				(
					"promise",
					{"key": self.key, "invoice": self.overdue.name, "date": date, "amount": amount},
					True,
				)
			)
		probes += [
			("dispute", {"key": self.key, "invoice": self.overdue.name, "reason": "Because I say so"}, True),
			(
				"dispute",
				{
					"key": self.key,
					"invoice": self.overdue.name,
					"reason": "Other",
					"details": "x" * (MAX_TEXT + 1),
				},
				True,
			),
			(
				"dispute",
				{"key": self.key, "invoice": self.overdue.name, "reason": "Other", "attachment": exe},
				True,
			),
			(
				"dispute",
				{"key": self.key, "invoice": self.overdue.name, "reason": "Other", "attachment": fake_pdf},
				True,
			),
			(
				"dispute",
				{"key": self.key, "invoice": self.overdue.name, "reason": "Other", "attachment": big},
				True,
			),
			("dispute", {"key": self.key, "invoice": "all", "reason": "Other"}, True),
			("message", {"key": self.key, "text": ""}, True),
			("message", {"key": self.key, "text": "x" * (MAX_TEXT + 1)}, True),
			# no form token, a made-up one
			("message", {"key": self.key, "text": "hi", "form": None}, False),
			("message", {"key": self.key, "text": "hi", "form": "y" * 43}, False),
		]
		leaks, count = [], 0
		before = self.state()
		for index, (method, fields, with_token) in enumerate(probes):
			frappe.cache.delete_keys("rl:")  # each probe meets the checks, not the rate limit
			fields = {k: v for k, v in fields.items() if v is not None}
			if with_token:
				fields.setdefault("form", form_token(self.link))
			if isinstance(fields.get("key"), list):
				response = Browser(f"10.9.{index // 250}.{index % 250}").post(ANSWERS + method, json=fields)
			else:
				response = Browser(f"10.9.{index // 250}.{index % 250}").post(
					ANSWERS + method, data=fields, content_type="multipart/form-data"
				)
			count += 1
			body = response.get_data(as_text=True)
			if not 400 <= response.status_code < 500:
				leaks.append(f"{method} {shown(fields)}: HTTP {response.status_code}")
			if any(word in body for word in other_customers_words) or "Traceback" in body:
				leaks.append(f"{method} {shown(fields)}: the answer shows another's data or a traceback")
			after = self.state()
			if after != before:
				leaks.append(f"{method} {shown(fields)}: changed {after} (was {before})")
				before = after
		# the page and the statement: only with a valid link
		for key in ("", altered, expired, "x" * 100):
			for path in (f"/collect?key={key}", f"{ANSWERS}statement?key={key}"):
				response = Browser().get(path)
				count += 1
				body = response.get_data(as_text=True)
				if not 400 <= response.status_code < 500 or any(
					w in body for w in (self.overdue.name, *other_customers_words)
				):
					leaks.append(f"GET {path[:60]}: HTTP {response.status_code}")
		# a POST endpoint called with GET
		response = Browser().get(f"{ANSWERS}message?key={self.key}&text=hi&form={form_token(self.link)}")
		count += 1
		if not 400 <= response.status_code < 500:
			leaks.append(f"GET message: HTTP {response.status_code}")
		print(f"portal probes: {len(leaks)} leaks of {count} probes")
		self.assertEqual(leaks, [], "\n".join(leaks))

	def test_too_many_answers_from_one_link_are_refused(self):
		from ar_control.portal.answers import PER_LINK

		statuses = [
			answer(Browser(f"10.8.0.{n}"), "message", key=self.key, text="").status_code
			for n in range(PER_LINK + 1)
		]
		self.assertEqual(statuses[:-1], [409] * PER_LINK)  # refused for their missing form, but counted
		self.assertEqual(statuses[-1], 429)


def shown(fields: dict) -> str:
	return json.dumps(
		{k: v if isinstance(v, str | int | float) else type(v).__name__ for k, v in fields.items()}
	)[:160]
