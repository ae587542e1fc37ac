"""The app reads ERPNext's Payment Ledger itself (``ar_control.data.ledger``): after anything
ERPNext does to it (submissions, cancellations, amendments, back-dated entries, credit notes,
journal entries, Payment Reconciliation, reposting, exchange-rate revaluation) the app's aging is
ERPNext's Accounts Receivable, voucher by voucher, on dates before, between and after the events;
also *Based On Payment Terms*. Without the app's index the figures are the same; the health check
finds what is missing or left over from an earlier version and mends it.
"""

import frappe
from frappe.query_builder import Criterion
from frappe.utils import cint, flt

from ar_control.compat import test_record_dependencies
from ar_control.data import indexes, ledger
from ar_control.data.receivables import currency_precision, open_items
from ar_control.tests.utils import (
	COMPANY,
	TEST_DEPENDENCIES,
	ARTestCase,
	aging_against_erpnext,
	make_advance,
	make_credit_note,
	make_customer,
	make_customer_group,
	make_journal_entry_against,
	make_payment,
	make_sales_invoice,
	set_exchange_rate,
	settings_changed,
)

globals().update(test_record_dependencies(TEST_DEPENDENCIES))

USD_ACCOUNT = "_Test Receivable USD - _TC"


class LedgerCase(ARTestCase):
	"""Each test builds its customers in a customer group of their own, so both reports can be
	narrowed to them on a site that holds other data."""

	def setUp(self):
		frappe.set_user("Administrator")
		self.group = make_customer_group("AR Ledger")
		self.customer = make_customer("AR Ledger", customer_group=self.group)

	def tearDown(self):
		frappe.db.rollback()

	def rows(self, day: str, based_on_payment_terms: bool = False):
		"""(ERPNext's rows, the app's rows) on ``day``: voucher, due date, outstanding, buckets."""
		return aging_against_erpnext(self.group, day, based_on_payment_terms)

	def assert_ages_as_erpnext(self, *days: str, based_on_payment_terms: bool = False):
		for day in days:
			theirs, ours = self.rows(day, based_on_payment_terms)
			self.assertEqual(ours, theirs, f"on {day}")

	def outstanding(self, day: str, customer: str | None = None) -> float:
		return flt(sum(item.outstanding for item in open_items(COMPANY, day, [customer or self.customer])), 2)


class TestEverythingERPNextPosts(LedgerCase):
	def test_submissions_payments_credit_notes_journals_and_cancellations(self):
		invoice = make_sales_invoice(self.customer, 1000, "2026-03-01", "2026-03-31")
		payment = make_payment(invoice, 300, "2026-03-10")
		make_credit_note(invoice, 100, "2026-03-12", update_outstanding_for_self=0)
		other = make_sales_invoice(self.customer, 400, "2026-03-02", "2026-04-01")
		make_credit_note(other, 50, "2026-03-13")  # open on the credit note itself
		make_journal_entry_against(invoice, 50, "2026-03-15")
		make_advance(self.customer, 200, "2026-03-20")
		self.assert_ages_as_erpnext("2026-03-05", "2026-03-12", "2026-03-31", "2026-06-30")
		payment.cancel()  # ERPNext delinks the payment's rows
		self.assert_ages_as_erpnext("2026-03-12", "2026-06-30")
		self.assertEqual(self.outstanding("2026-06-30"), 1000 - 100 + 400 - 50 - 50 - 200)

	def test_journals_debiting_the_customer_with_and_without_a_bill_number(self):
		"""A journal that debits the customer with a due date is aged by that date when it has a
		bill number, from its posting date when it has none (as ERPNext's report ages it)."""
		for bill_no in ("AR-BILL-1", ""):
			debit_journal(self.customer, 500, "2026-03-01", "2026-05-31", bill_no)
		self.assert_ages_as_erpnext("2026-03-01", "2026-04-15", "2026-06-30")
		self.assertEqual(self.outstanding("2026-06-30"), 1000)

	def test_back_dated_payments_and_amended_invoices(self):
		first = make_sales_invoice(self.customer, 1000, "2026-07-01", "2026-07-31")
		second = make_sales_invoice(self.customer, 500, "2026-07-20", "2026-08-19")
		make_payment(first, 400, "2026-07-05")  # entered after the second invoice, dated before it
		make_advance(self.customer, 150, "2026-07-03")  # back-dated further still
		second.cancel()
		amended = frappe.copy_doc(second)
		amended.amended_from, amended.docstatus = second.name, 0
		amended.items[0].rate = 600
		amended.insert()
		amended.submit()
		make_payment(amended, 100, "2026-07-25")
		self.assert_ages_as_erpnext("2026-07-04", "2026-07-05", "2026-07-19", "2026-07-25", "2026-12-31")
		self.assertEqual(self.outstanding("2026-12-31"), 1000 - 400 - 150 + 600 - 100)

	def test_reposting_the_payment_ledger(self):
		from erpnext.accounts.doctype.repost_payment_ledger.repost_payment_ledger import (
			repost_ple_for_voucher,
		)

		invoice = make_sales_invoice(self.customer, 600, "2026-05-01", "2026-05-31")
		payment = make_payment(invoice, 200, "2026-05-10")
		before = self.rows("2026-06-30")
		for doc in (invoice, payment):  # what the Repost Payment Ledger job does, voucher by voucher
			gl_map = doc.build_gl_map() if doc.doctype == "Payment Entry" else doc.get_gl_entries()
			repost_ple_for_voucher(doc.doctype, doc.name, gl_map)
		self.assertEqual(self.rows("2026-06-30"), before)
		self.assert_ages_as_erpnext("2026-05-05", "2026-06-30")


class TestAdvancesReconciledLater(LedgerCase):
	"""ERPNext ages what an advance paid by its own date until the invoice it was later matched to
	exists; after that, as part of the invoice."""

	def reconcile(self, debit_to: str):
		reconciliation = frappe.new_doc("Payment Reconciliation")
		reconciliation.update(
			{
				"company": COMPANY,
				"party_type": "Customer",
				"party": self.customer,
				"receivable_payable_account": debit_to,
			}
		)
		reconciliation.get_unreconciled_entries()
		reconciliation.allocate_entries(
			frappe._dict(
				invoices=[row.as_dict() for row in reconciliation.invoices],
				payments=[row.as_dict() for row in reconciliation.payments],
			)
		)
		reconciliation.reconcile()

	def test_one_advance_matched_to_two_newer_invoices(self):
		advance = make_advance(self.customer, 500, "2026-04-05")
		first = make_sales_invoice(self.customer, 300, "2026-05-10", "2026-06-09")
		second = make_sales_invoice(self.customer, 400, "2026-06-01", "2026-07-01")
		self.reconcile(first.debit_to)
		self.assertEqual(frappe.db.get_value("Sales Invoice", first.name, "outstanding_amount"), 0)
		self.assertEqual(frappe.db.get_value("Sales Invoice", second.name, "outstanding_amount"), 200)
		# before the invoices (the advance alone, 31-60 days old), between them, after both
		self.assert_ages_as_erpnext("2026-05-08", "2026-05-20", "2026-07-31")
		_theirs, ours = self.rows("2026-05-08")
		self.assertEqual([row[:2] for row in ours], [(advance.name, "")])
		self.assertEqual(ours[0][4], -500)  # outstanding, 0-30, 31-60: 33 days after the advance

	def test_two_advances_matched_to_one_newer_invoice(self):
		# on a date between, the invoice's rows are two vouchers', neither of them the invoice
		make_advance(self.customer, 200, "2026-04-02")
		make_advance(self.customer, 100, "2026-04-20")
		invoice = make_sales_invoice(self.customer, 300, "2026-06-10", "2026-07-10")
		self.reconcile(invoice.debit_to)
		self.assert_ages_as_erpnext("2026-05-01", "2026-06-30")
		self.assertEqual(self.outstanding("2026-05-01"), -300)
		self.assertEqual(self.outstanding("2026-06-30"), 0)


class TestRevaluation(LedgerCase):
	def test_a_revalued_foreign_currency_receivable(self):
		"""100 USD invoiced at 80, revalued at 90: ERPNext shows 9,000 from the revaluation on."""
		customer = make_customer(
			"AR Ledger USD", currency="USD", receivable_account=USD_ACCOUNT, customer_group=self.group
		)
		set_exchange_rate("USD", "INR", 80, "2026-01-01")
		make_sales_invoice(
			customer,
			100,
			"2026-06-01",
			"2026-06-30",
			currency="USD",
			conversion_rate=80,
			debit_to=USD_ACCOUNT,
		)
		journal = revalue(customer, "2026-06-30", 90)
		self.assertEqual(journal.voucher_type, "Exchange Rate Revaluation")
		self.assert_ages_as_erpnext("2026-06-29", "2026-06-30", "2026-07-31")
		self.assertEqual(self.outstanding("2026-06-29", customer), 8000)
		self.assertEqual(self.outstanding("2026-07-31", customer), 9000)


def debit_journal(customer: str, amount: float, posting_date: str, due_date: str, bill_no: str):
	"""A submitted Journal Entry debiting the customer's receivable (a charge without an invoice)."""
	receivable = frappe.get_cached_value("Company", COMPANY, "default_receivable_account")
	abbr = frappe.get_cached_value("Company", COMPANY, "abbr")
	cost_center = frappe.get_cached_value("Company", COMPANY, "cost_center")
	journal = frappe.get_doc(
		{
			"doctype": "Journal Entry",
			"company": COMPANY,
			"posting_date": posting_date,
			"due_date": due_date,
			"bill_no": bill_no,
			"bill_date": posting_date if bill_no else None,
			"cheque_no": f"AR-JE-{frappe.generate_hash(length=6)}",
			"cheque_date": posting_date,
			"accounts": [
				{
					"account": receivable,
					"party_type": "Customer",
					"party": customer,
					"debit_in_account_currency": amount,
					"cost_center": cost_center,
				},
				{
					"account": f"Cash - {abbr}",
					"credit_in_account_currency": amount,
					"cost_center": cost_center,
				},
			],
		}
	)
	journal.insert(ignore_permissions=True)
	journal.submit()
	return journal


def revalue(customer: str, day: str, rate: float):
	"""An Exchange Rate Revaluation of the customer's USD receivable, with its journal submitted,
	as the form does it."""
	gain_loss = frappe.db.get_value("Company", COMPANY, "exchange_gain_loss_account")
	frappe.db.set_value("Company", COMPANY, "unrealized_exchange_gain_loss_account", gain_loss)
	revaluation = frappe.new_doc("Exchange Rate Revaluation")
	revaluation.company = COMPANY
	revaluation.posting_date = day
	revaluation.extend(
		"accounts", [row for row in revaluation.get_accounts_data() if row.get("party") == customer]
	)
	if not revaluation.accounts:
		raise AssertionError("nothing to revalue")
	row = revaluation.accounts[0]
	row.new_exchange_rate = rate
	row.new_balance_in_base_currency = flt(row.new_exchange_rate * flt(row.balance_in_account_currency))
	row.gain_loss = row.new_balance_in_base_currency - flt(row.balance_in_base_currency)
	revaluation.set_total_gain_loss()
	revaluation.save().submit()
	journal = frappe.get_doc("Journal Entry", revaluation.make_jv_entries().get("revaluation_jv"))
	journal.submit()
	return journal


class TestPaymentTerms(LedgerCase):
	def test_each_term_is_aged_by_its_own_due_date(self):
		invoice = make_sales_invoice(self.customer, 1000, "2026-03-01", "2026-05-30", submit=False)
		invoice.payment_schedule = []
		invoice.append(
			"payment_schedule", {"due_date": "2026-03-31", "invoice_portion": 40, "payment_amount": 400}
		)
		invoice.append(
			"payment_schedule", {"due_date": "2026-05-30", "invoice_portion": 60, "payment_amount": 600}
		)
		invoice.save()
		invoice.submit()
		make_payment(invoice, 150, "2026-04-10")
		make_credit_note(invoice, 100, "2026-04-20", update_outstanding_for_self=0)
		# before the first term falls due, between the two, after both
		self.assert_ages_as_erpnext("2026-03-20", "2026-04-30", "2026-07-15", based_on_payment_terms=True)
		_theirs, ours = self.rows("2026-04-30", based_on_payment_terms=True)
		# the 150 paid settles the first term first
		self.assertEqual(
			[row[:3] for row in ours if row[0] == invoice.name],
			[(invoice.name, "2026-03-31", 250.0), (invoice.name, "2026-05-30", 600.0)],
		)


class TestClassification(LedgerCase):
	def test_each_row_has_the_kind_the_collection_figures_count_it_as(self):
		invoice = make_sales_invoice(self.customer, 900, "2026-02-01", "2026-03-01")
		payment = make_payment(invoice, 400, "2026-02-10")
		credit = make_credit_note(invoice, 100, "2026-02-11", update_outstanding_for_self=0)
		write_off = make_journal_entry_against(invoice, 100, "2026-02-12", voucher_type="Write Off Entry")
		reading = ledger.receivables()
		t = reading.table
		query, kind = reading.with_kind(reading.reading())
		kinds = dict(
			query.select(t.voucher_no, kind)
			.where(Criterion.all(reading.conditions(COMPANY, customers=[self.customer])))
			.run()
		)
		self.assertEqual(
			kinds,
			{
				invoice.name: ledger.KIND_SALES,
				payment.name: ledger.KIND_COLLECTION,
				credit.name: ledger.KIND_SALES,
				write_off.name: ledger.KIND_WRITE_OFF,
			},
		)


class TestWithoutTheIndex(LedgerCase):
	"""Dropping and making an index commits (DDL): the index goes before this test writes
	anything, and comes back after its data is rolled back."""

	def setUp(self):
		indexes.remove()
		ledger.forget()
		super().setUp()

	def tearDown(self):
		super().tearDown()
		ledger.repair()
		self.assertEqual(ledger.health(), [])
		self.assertTrue(ledger.receivables().indexed)

	def test_the_same_figures_slower_and_the_workspace_is_told(self):
		self.assertFalse(ledger.receivables().indexed)
		self.assertIn(
			f"index {indexes.RECEIVABLES.name} on Payment Ledger Entry missing",
			[finding.part for finding in ledger.health()],
		)
		invoice = make_sales_invoice(self.customer, 700, "2026-01-10", "2026-02-10")
		make_payment(invoice, 200, "2026-02-20")
		make_advance(self.customer, 100, "2026-03-06")
		self.assert_ages_as_erpnext("2026-02-01", "2026-04-30")
		self.assertEqual(self.outstanding("2026-04-30"), 400)


class TestCurrencyPrecision(ARTestCase):
	"""Amounts are rounded to the precision ERPNext's reports round to, read without its code."""

	def test_the_precision_is_erpnexts_whatever_the_system_settings_say(self):
		from erpnext.accounts.utils import get_currency_precision

		saved = {key: frappe.db.get_default(key) for key in ("currency_precision", "number_format")}
		try:
			for precision, number_format in (
				("", "#,###.##"),
				("3", "#,###.##"),
				("", "#.###,###"),
				("", "#,###"),
				("0", "#,##,###.##"),
				("", ""),
			):
				frappe.db.set_default("currency_precision", precision)
				frappe.db.set_default("number_format", number_format)
				self.assertEqual(
					currency_precision(),
					cint(get_currency_precision()) or 2,
					f"currency_precision {precision!r}, number_format {number_format!r}",
				)
		finally:
			for key, value in saved.items():
				frappe.db.set_default(key, value)


class TestWhatEarlierVersionsLeft(ARTestCase):
	"""A backup of a version before 0.2 brings back triggers on the Payment Ledger that call stored
	functions a dump does not carry: every posting then fails. The health check removes them.
	(DDL commits: this test makes no data of its own until they are gone.)"""

	def tearDown(self):
		frappe.db.rollback()  # first: dropping the trigger commits
		ledger.remove_legacy()

	def test_a_restored_trigger_without_its_function_is_found_and_removed(self):
		frappe.db.sql_ddl(
			"""CREATE TRIGGER ar_control_ple_after_insert AFTER INSERT ON `tabPayment Ledger Entry`
			FOR EACH ROW BEGIN
				IF ar_control_ledger_kind(NEW.voucher_type, NEW.voucher_no, NEW.against_voucher_type,
					NEW.against_voucher_no, NEW.amount) = 9 THEN
					SET @ar_control_unused = 1;
				END IF;
			END"""
		)
		customer = make_customer("AR Ledger Legacy")
		with self.assertRaises(Exception):  # ERPNext cannot post: the function is missing
			make_sales_invoice(customer, 100, "2026-01-10")
		frappe.db.rollback()
		self.assertIn(
			"trigger ar_control_ple_after_insert of an earlier version on Payment Ledger Entry",
			[finding.part for finding in ledger.health()],
		)
		ledger.repair()
		self.assertEqual(ledger.health(), [])
		customer = make_customer("AR Ledger Legacy")
		invoice = make_sales_invoice(customer, 100, "2026-01-10")
		self.assertEqual(invoice.docstatus, 1)


class TestOneFigureEverywhere(LedgerCase):
	"""What a customer owes has one home (``ar_control.data.receivables``): the collection case,
	the credit panel and AR Aging Analysis show the same outstanding and overdue amounts for a
	customer whose receivable was revalued, with a journal credit and a payment not yet matched to
	any invoice."""

	def test_a_case_the_credit_panel_and_the_aging_agree(self):
		from ar_control.api import credit_panel
		from ar_control.collection import cases
		from ar_control.collection.data import open_cases

		customer = make_customer(
			"AR Ledger USD", currency="USD", receivable_account=USD_ACCOUNT, customer_group=self.group
		)
		set_exchange_rate("USD", "INR", 80, "2026-01-01")
		make_sales_invoice(
			customer,
			100,
			"2026-03-01",
			"2026-03-31",
			currency="USD",
			conversion_rate=80,
			debit_to=USD_ACCOUNT,
		)
		revalue(customer, "2026-04-30", 90)  # +1,000
		usd_journal_credit(customer, 10, 90, "2026-05-10")  # -900
		usd_payment_on_account(customer, 20, 90, "2026-05-20")  # -1,800
		today = "2026-06-30"
		frappe.flags.current_date = today
		try:
			aging = aging_analysis_row(self.group, customer, today)
			self.assertEqual(aging["outstanding"], 8000 + 1000 - 900 - 1800)
			self.assertEqual(aging["not_due"], 0)
			self.assert_ages_as_erpnext(today)

			cases.sync(customers=[(customer, COMPANY)], commit_each=False)
			case = open_cases([(customer, COMPANY)])[(customer, COMPANY)]
			self.assertEqual(flt(case.outstanding_amount), aging["outstanding"])
			self.assertEqual(flt(case.overdue_amount), aging["outstanding"] - aging["not_due"])

			with settings_changed(block_on_overdue=1, overdue_grace_days=30):
				panel = credit_panel(customer, COMPANY)
			self.assertEqual(flt(panel["open_receivables"]), aging["outstanding"])
			# past 30 days of grace: the invoice (due 91 days before) and the revaluation (61 days)
			# are overdue, the credits settle them first
			self.assertEqual(flt(panel["overdue"]), aging["outstanding"] - aging["not_due"])
		finally:
			frappe.flags.current_date = None


def aging_analysis_row(group: str, customer: str, day: str) -> dict:
	from ar_control.ar_control.report.ar_aging_analysis.ar_aging_analysis import execute

	rows = execute({"company": COMPANY, "report_date": day, "customer_group": group, "group_by": "Customer"})[
		1
	]
	(row,) = [row for row in rows if row.get("group") == customer]
	return {key: flt(value, 2) if isinstance(value, (int, float)) else value for key, value in row.items()}


def usd_journal_credit(customer: str, dollars: float, rate: float, day: str):
	"""A Journal Entry crediting the customer's USD receivable, matched to no invoice."""
	doc = frappe.get_doc(
		{
			"doctype": "Journal Entry",
			"company": COMPANY,
			"posting_date": day,
			"multi_currency": 1,
			"accounts": [
				{
					"account": USD_ACCOUNT,
					"party_type": "Customer",
					"party": customer,
					"exchange_rate": rate,
					"credit_in_account_currency": dollars,
					"credit": dollars * rate,
					"cost_center": "_Test Cost Center - _TC",
				},
				{
					"account": "Cash - _TC",
					"debit_in_account_currency": dollars * rate,
					"debit": dollars * rate,
					"cost_center": "_Test Cost Center - _TC",
				},
			],
		}
	)
	doc.insert(ignore_permissions=True)
	doc.submit()
	return doc


def usd_payment_on_account(customer: str, dollars: float, rate: float, day: str):
	"""A Payment Entry received in USD and allocated to nothing."""
	doc = frappe.get_doc(
		{
			"doctype": "Payment Entry",
			"payment_type": "Receive",
			"company": COMPANY,
			"posting_date": day,
			"party_type": "Customer",
			"party": customer,
			"paid_from": USD_ACCOUNT,
			"paid_from_account_currency": "USD",
			"paid_to": "Cash - _TC",
			"paid_to_account_currency": "INR",
			"paid_amount": dollars,
			"source_exchange_rate": rate,
			"received_amount": dollars * rate,
			"target_exchange_rate": 1,
			"reference_no": f"AR-USD-{frappe.generate_hash(length=6)}",
			"reference_date": day,
		}
	)
	doc.insert(ignore_permissions=True)
	doc.submit()
	return doc
