"""The credit check at order entry, on real ERPNext documents."""

import json
import threading
import time
from unittest import mock

import frappe
from frappe.utils import add_days

from ar_control.compat import test_record_dependencies
from ar_control.credit.check import (
	CreditBlockedError,
	CreditHoldError,
	CreditLimitExceededError,
	OverdueInvoicesError,
	evaluate,
)
from ar_control.data import exposure
from ar_control.tests.utils import (
	COMPANY,
	TEST_DEPENDENCIES,
	ARTestCase,
	make_customer,
	make_customer_group,
	make_delivery_note,
	make_payment,
	make_sales_invoice,
	make_sales_order,
	make_user,
	put_on_hold,
	set_credit_limit,
	settings_changed,
)

globals().update(test_record_dependencies(TEST_DEPENDENCIES))

TODAY = "2026-06-30"


def messages() -> str:
	return " ".join(
		(m if isinstance(m, dict) else json.loads(m)).get("message", "") for m in frappe.local.message_log
	)


def submitted(customer: str, amount) -> str:
	"""Submit a new Sales Order; fails the test unless it is submitted (the check let it pass)."""
	so = make_sales_order(customer, amount)
	so.submit()
	assert frappe.db.get_value("Sales Order", so.name, "docstatus") == 1, so.name
	return so.name


class CreditCheckCase(ARTestCase):
	def setUp(self):
		frappe.flags.current_date = TODAY
		frappe.set_user("Administrator")
		self.customer = make_customer()
		set_credit_limit(self.customer, 1000)

	def tearDown(self):
		frappe.flags.current_date = None
		frappe.set_user("Administrator")


class TestBlockReasons(CreditCheckCase):
	def test_an_order_within_the_limit_is_submitted(self):
		make_sales_order(self.customer, 400, submit=True)
		so = make_sales_order(self.customer, 600)
		so.submit()
		self.assertEqual(so.docstatus, 1)

	def test_an_order_over_the_limit_is_blocked_with_its_figures(self):
		make_sales_invoice(self.customer, 300, "2026-06-20", "2026-07-20")
		make_sales_order(self.customer, 400, submit=True)
		so = make_sales_order(self.customer, 400)
		with self.assertRaises(CreditLimitExceededError) as caught:
			so.submit()
		message = str(caught.exception)
		self.assertIn("exceeds the credit limit", message)
		# 300 open + 400 unbilled order + 400 this order
		self.assertIn("1,100.00", message)
		self.assertIn("Credit Manager", message)
		self.assertEqual(frappe.db.get_value("Sales Order", so.name, "docstatus"), 0)

	def test_the_tolerance_lets_exposure_exceed_the_limit_by_its_share(self):
		with settings_changed(credit_limit_tolerance=10):
			submitted(self.customer, 1100)
			with self.assertRaises(CreditLimitExceededError):
				make_sales_order(self.customer, 1).submit()

	def test_a_customer_on_credit_hold_is_blocked_even_within_the_limit(self):
		put_on_hold(self.customer, "Cheque bounced")
		with self.assertRaises(CreditHoldError) as caught:
			make_sales_order(self.customer, 10).submit()
		self.assertIn("Cheque bounced", str(caught.exception))

	def test_invoices_overdue_beyond_the_grace_block_above_the_minimum_amount(self):
		# due 2026-05-15: 46 days overdue on 2026-06-30, beyond the 30 grace days
		make_sales_invoice(self.customer, 150, "2026-04-15", "2026-05-15")
		with settings_changed(block_on_overdue=1, overdue_grace_days=30, overdue_min_amount=200):
			submitted(self.customer, 10)  # 150 overdue is below the minimum
			make_sales_invoice(self.customer, 100, "2026-04-20", "2026-05-20")
			with self.assertRaises(OverdueInvoicesError) as caught:
				make_sales_order(self.customer, 10).submit()
			self.assertIn("overdue by more than 30 days (the oldest by 46 days)", str(caught.exception))
			with settings_changed(overdue_grace_days=60):
				submitted(self.customer, 10)

	def test_a_paid_invoice_is_not_overdue(self):
		invoice = make_sales_invoice(self.customer, 500, "2026-04-15", "2026-05-15")
		make_payment(invoice, 500, "2026-05-10")
		with settings_changed(block_on_overdue=1, overdue_grace_days=0):
			figures = evaluate(self.customer, COMPANY)
			self.assertEqual(figures.standing.overdue_past_grace, 0)
			self.assertEqual(figures.exposure.open_receivables, 0)
			submitted(self.customer, 900)

	def test_all_reasons_are_listed_together(self):
		make_sales_invoice(self.customer, 900, "2026-01-15", "2026-02-15")
		put_on_hold(self.customer, "Legal")
		with settings_changed(block_on_overdue=1, overdue_grace_days=30):
			with self.assertRaises(CreditLimitExceededError) as caught:
				make_sales_order(self.customer, 500).submit()
		message = str(caught.exception)
		for text in ("exceeds the credit limit", "on credit hold", "overdue by more than 30 days"):
			self.assertIn(text, message)

	def test_no_limit_means_only_hold_and_overdue_apply(self):
		unlimited = make_customer()
		self.assertIsNone(evaluate(unlimited, COMPANY).policy.limit)
		submitted(unlimited, 10**7)
		put_on_hold(unlimited, "Fraud check")
		with self.assertRaises(CreditHoldError) as caught:
			make_sales_order(unlimited, 1).submit()
		self.assertNotIn("exceeds the credit limit", str(caught.exception))


class TestWarningAndPanel(CreditCheckCase):
	def test_saving_a_draft_warns_without_blocking(self):
		frappe.local.message_log = []
		so = make_sales_order(self.customer, 1500)
		self.assertEqual(so.docstatus, 0)
		self.assertIn("will be blocked when it is submitted", messages())
		self.assertIn("exceeds the credit limit", messages())

	def test_a_draft_within_credit_saves_silently(self):
		frappe.local.message_log = []
		make_sales_order(self.customer, 100)
		self.assertNotIn("Credit", messages())

	def test_the_panel_shows_limit_exposure_available_overdue_grade_and_hold(self):
		from ar_control.api import credit_panel

		make_sales_invoice(self.customer, 200, "2026-04-01", "2026-05-01")
		frappe.db.set_value("Customer", self.customer, "ar_credit_grade", "B")
		so = make_sales_order(self.customer, 300)
		panel = credit_panel(self.customer, COMPANY, "Sales Order", so.name)
		self.assertEqual(panel["credit_limit"], 1000)
		self.assertEqual(panel["exposure"], 500)
		self.assertEqual(panel["this_document"], 300)
		self.assertEqual(panel["available"], 500)
		self.assertEqual(panel["overdue"], 200)  # 60 days overdue, beyond the default 30
		self.assertEqual(panel["grade"], "B")
		self.assertFalse(panel["on_hold"])
		self.assertFalse(panel["allowed"])  # the overdue invoice would block it
		self.assertEqual(len(panel["reasons"]), 1)
		self.assertIn("overdue by more than 30 days", panel["reasons"][0])
		self.assertEqual(credit_panel(self.customer, COMPANY)["exposure"], 200)

	def test_the_panel_needs_read_permission_on_the_customer(self):
		from ar_control.api import credit_panel

		# a role of Frappe 15 and of Frappe 16 (where Blogger is gone) that gives no access to customers
		frappe.set_user(make_user("nobody", ["Website Manager"]))
		with self.assertRaises(frappe.PermissionError):
			credit_panel(self.customer, COMPANY)


class TestOverride(CreditCheckCase):
	def test_a_credit_manager_overrides_with_a_reason_and_it_is_recorded(self):
		manager = make_user("credit-manager", ["Sales User", "Sales Manager", "Credit Manager"])
		so = make_sales_order(self.customer, 1500)
		frappe.set_user(manager)
		so.reload()
		so.ar_credit_override_reason = "Prepaid by letter of credit"
		so.submit()
		self.assertEqual(so.docstatus, 1)
		log = frappe.get_all(
			"Credit Override Log",
			filters={"reference_doctype": "Sales Order", "reference_name": so.name},
			fields=[
				"user",
				"customer",
				"exposure",
				"credit_limit",
				"override_reason",
				"block_reasons",
				"overridden_on",
			],
		)
		self.assertEqual(len(log), 1)
		self.assertEqual(log[0].user, manager)
		self.assertEqual(log[0].customer, self.customer)
		self.assertEqual(log[0].exposure, 1500)
		self.assertEqual(log[0].credit_limit, 1000)
		self.assertEqual(log[0].override_reason, "Prepaid by letter of credit")
		self.assertIn("exceeds the credit limit", log[0].block_reasons)
		self.assertIsNotNone(log[0].overridden_on)

	def test_reasons_users_typed_are_shown_escaped(self):
		script = "<img src=x onerror=alert(1)>"
		put_on_hold(self.customer, f"Cheque bounced {script}")
		with self.assertRaises(CreditHoldError) as caught:
			make_sales_order(self.customer, 10).submit()
		self.assertIn("Cheque bounced", str(caught.exception))
		self.assertNotIn("onerror=alert(1)>", str(caught.exception))
		manager = make_user("credit-manager", ["Sales User", "Credit Manager"])
		so = make_sales_order(self.customer, 10)
		frappe.set_user(manager)
		so.reload()
		so.ar_credit_override_reason = f"Approved {script}"
		frappe.local.message_log = []
		so.submit()
		self.assertNotIn(script, messages())
		self.assertIn("Approved &lt;img", messages())
		frappe.set_user("Administrator")
		shown = frappe.db.get_value("Customer", self.customer, "ar_credit_hold_reason")
		self.assertIn("Cheque bounced", shown)
		self.assertNotIn("onerror", shown)  # the read-only field on the Customer renders HTML

	def test_a_reason_without_the_credit_manager_role_does_not_override(self):
		seller = make_user("seller", ["Sales User"])
		so = make_sales_order(self.customer, 1500)
		frappe.set_user(seller)
		so.reload()
		so.ar_credit_override_reason = "Good customer"
		with self.assertRaises(CreditLimitExceededError) as caught:
			so.submit()
		self.assertIn("Only a user with the Credit Manager role", str(caught.exception))
		frappe.set_user("Administrator")
		self.assertFalse(frappe.db.exists("Credit Override Log", {"reference_name": so.name}))

	def test_erpnext_own_check_does_not_refuse_the_override(self):
		# ERPNext's check alone (no app check) would refuse this order for a Sales User
		self.assertEqual(
			frappe.db.get_single_value("Accounts Settings", "credit_controller"), "Credit Manager"
		)
		manager = make_user("credit-manager", ["Sales User", "Credit Manager"])
		so = make_sales_order(self.customer, 5000)
		frappe.set_user(manager)
		so.reload()
		so.ar_credit_override_reason = "Board approval 2026-06"
		so.submit()
		self.assertEqual(frappe.db.get_value("Sales Order", so.name, "docstatus"), 1)


class TestDocumentsAndCurrencies(CreditCheckCase):
	def test_returns_and_credit_notes_are_never_blocked(self):
		invoice = make_sales_invoice(self.customer, 800, "2026-06-01", "2026-07-01")
		put_on_hold(self.customer, "Hold")
		with settings_changed(check_sales_invoice=1):
			credit_note = make_sales_invoice(
				self.customer, 300, "2026-06-10", qty=-1, is_return=1, return_against=invoice.name
			)
		self.assertEqual(credit_note.docstatus, 1)

	def test_delivery_and_invoice_checks_follow_the_settings(self):
		set_credit_limit(self.customer, 100)
		make_delivery_note(self.customer, 500, submit=True)  # Delivery Notes are not checked by default
		with settings_changed(check_delivery_note=1, check_sales_invoice=1):
			with self.assertRaises(CreditLimitExceededError):
				make_delivery_note(self.customer, 500).submit()
			with self.assertRaises(CreditLimitExceededError):
				make_sales_invoice(self.customer, 500, TODAY, add_days(TODAY, 30), submit=False).submit()

	def test_an_invoice_made_from_an_order_is_not_counted_twice(self):
		from erpnext.selling.doctype.sales_order.sales_order import make_sales_invoice as invoice_from_order

		so = make_sales_order(self.customer, 900, submit=True)
		with settings_changed(check_sales_invoice=1):
			invoice = invoice_from_order(so.name)
			invoice.set_posting_time = 1
			invoice.posting_date = TODAY
			invoice.due_date = add_days(TODAY, 30)
			invoice.insert()
			invoice.submit()  # the order's 900 already counts; the invoice adds nothing new
		self.assertEqual(invoice.docstatus, 1)
		# the invoice's 900 is now receivable and the order billed: exposure is still 900
		figures = exposure.load(self.customer, COMPANY)
		self.assertEqual(figures.exposure.unbilled_orders, 0)
		self.assertEqual(figures.exposure.open_receivables, 900)
		with self.assertRaises(CreditLimitExceededError):
			make_sales_order(self.customer, 101).submit()

	def test_a_second_company_has_its_own_limit_and_exposure(self):
		make_sales_order(self.customer, 900, submit=True)
		make_sales_order(self.customer, 5000, company="_Test Company 1").submit()  # no limit there
		set_credit_limit(self.customer, 5500, company="_Test Company 1")
		with self.assertRaises(CreditLimitExceededError):
			make_sales_order(self.customer, 501, company="_Test Company 1").submit()
		make_sales_order(self.customer, 100).submit()  # _Test Company: 900 + 100 = the limit

	def test_an_order_in_a_foreign_currency_counts_in_company_currency(self):
		# 15 USD at 80 INR = 1200 INR against a 1000 INR limit
		usd = make_customer(currency="USD")
		set_credit_limit(usd, 1000)
		with self.assertRaises(CreditLimitExceededError) as caught:
			make_sales_order(usd, 15, currency="USD", conversion_rate=80).submit()
		self.assertIn("1,200.00", str(caught.exception))
		make_sales_order(usd, 12, currency="USD", conversion_rate=80).submit()

	def test_changing_the_items_of_a_submitted_order_is_checked(self):
		from erpnext.controllers.accounts_controller import update_child_qty_rate

		so = make_sales_order(self.customer, 900, submit=True)
		row = so.items[0]
		items = json.dumps([{"docname": row.name, "item_code": row.item_code, "qty": 2, "rate": row.rate}])
		frappe.db.savepoint("before_update")
		with self.assertRaises(CreditLimitExceededError):
			update_child_qty_rate("Sales Order", items, so.name)
		frappe.db.rollback(save_point="before_update")
		smaller = json.dumps([{"docname": row.name, "item_code": row.item_code, "qty": 1, "rate": 800}])
		update_child_qty_rate("Sales Order", smaller, so.name)
		self.assertEqual(frappe.db.get_value("Sales Order", so.name, "grand_total"), 800)


class TestCreditLimitAsERPNext(CreditCheckCase):
	"""The limit the check applies is the one ERPNext's ``get_credit_limit`` returns, in each of
	the places ERPNext takes it from."""

	def assert_same_limit(self, customer, expected):
		from erpnext.selling.doctype.customer.customer import get_credit_limit

		self.assertEqual(get_credit_limit(customer, COMPANY), expected)
		limit = evaluate(customer, COMPANY).policy.limit
		self.assertEqual(float(limit or 0), expected)

	def test_customer_group_and_company_limits(self):
		group = make_customer_group()
		customer = make_customer(customer_group=group)
		previous = frappe.db.get_value("Company", COMPANY, "credit_limit")
		try:
			# none anywhere: no limit
			frappe.db.set_value("Company", COMPANY, "credit_limit", 0)
			self.assert_same_limit(customer, 0)
			# the company's
			frappe.db.set_value("Company", COMPANY, "credit_limit", 7000)
			self.assert_same_limit(customer, 7000)
			# the group's, before the company's
			group_doc = frappe.get_doc("Customer Group", group)
			group_doc.append("credit_limits", {"company": COMPANY, "credit_limit": 5000})
			group_doc.save(ignore_permissions=True)
			self.assert_same_limit(customer, 5000)
			# a group that bypasses the check leaves the company's
			frappe.db.set_value(
				"Customer Credit Limit", group_doc.credit_limits[0].name, "bypass_credit_limit_check", 1
			)
			self.assert_same_limit(customer, 7000)
			# the customer's row for another company is not this company's
			set_credit_limit(customer, 9000, company="_Test Company 1")
			self.assert_same_limit(customer, 7000)
			# the customer's own, before all others
			set_credit_limit(customer, 3000)
			self.assert_same_limit(customer, 3000)
		finally:
			frappe.db.set_value("Company", COMPANY, "credit_limit", previous)
			frappe.clear_document_cache("Company", COMPANY)


class TestConcurrentSubmissions(ARTestCase):
	"""Two orders, each within the limit, together over it, submitted at the same moment from two
	real database connections: exactly one passes. The data is committed (each connection must
	see it) and removed at the end."""

	def test_two_submissions_at_once_cannot_both_pass(self):
		customer = make_customer("AR Concurrency")
		set_credit_limit(customer, 1000)
		orders = [make_sales_order(customer, 600).name, make_sales_order(customer, 600).name]
		frappe.db.commit()
		site, sites_path = frappe.local.site, frappe.local.sites_path
		barrier = threading.Barrier(2)
		results: dict = {}
		real_read = exposure.read

		def slow_read(*args, **kwargs):
			value = real_read(*args, **kwargs)
			time.sleep(1)  # widen the window in which the two checks overlap
			return value

		def submit(name):
			frappe.init(site=site, sites_path=sites_path)
			frappe.connect()
			frappe.set_user("Administrator")
			frappe.flags.current_date = TODAY
			try:
				doc = frappe.get_doc("Sales Order", name)
				barrier.wait()
				started = time.monotonic()
				doc.submit()
				frappe.db.commit()
				results[name] = ("submitted", time.monotonic() - started)
			except CreditBlockedError:
				frappe.db.rollback()
				results[name] = ("blocked", time.monotonic() - started)
			finally:
				frappe.destroy()

		try:
			with mock.patch.object(exposure, "read", slow_read):
				threads = [threading.Thread(target=submit, args=(name,)) for name in orders]
				for thread in threads:
					thread.start()
				for thread in threads:
					thread.join(60)
			self.assertEqual(
				sorted(outcome for outcome, _seconds in results.values()), ["blocked", "submitted"]
			)
			# the blocked one waited for the other's lock: it took the other's time plus its own
			blocked = next(s for outcome, s in results.values() if outcome == "blocked")
			self.assertGreater(blocked, 2)
		finally:
			frappe.db.rollback()
			for name in orders:
				if frappe.db.get_value("Sales Order", name, "docstatus") == 1:
					frappe.get_doc("Sales Order", name).cancel()
				frappe.delete_doc("Sales Order", name, force=True)
			frappe.delete_doc("Customer", customer, force=True)
			frappe.db.commit()
