"""The app's copy of the Payment Ledger (AR Ledger Entry) is the ledger, after anything ERPNext
does to it: submissions, cancellations, amendments, back-dated entries, credit notes, journal
entries, Payment Reconciliation (no document event), reposting, exchange-rate revaluation. The triggers keep it in the same
transaction; ``check`` and ``repair`` find and mend what changed behind their back.
"""

from unittest import mock

import frappe
from frappe.utils import flt

from ar_control.compat import test_record_dependencies
from ar_control.core.aging import Basis, parse_buckets
from ar_control.core.period import make_period
from ar_control.data import aging_totals, kpi_figures, ledger
from ar_control.tests.utils import (
	COMPANY,
	TEST_DEPENDENCIES,
	ARTestCase,
	make_advance,
	make_credit_note,
	make_customer,
	make_customer_group,
	make_journal_entry_against,
	make_payment,
	make_sales_invoice,
	set_exchange_rate,
)

globals().update(test_record_dependencies(TEST_DEPENDENCIES))

USD_ACCOUNT = "_Test Receivable USD - _TC"


def ledger_rows(customers: list[str]) -> set[tuple]:
	"""The Payment Ledger rows of these customers that are receivables, as the copy holds them."""
	ple = frappe.qb.DocType("Payment Ledger Entry")
	return {
		(row[0], row[1], row[2], flt(row[3], 6), flt(row[4], 6))
		for row in frappe.qb.from_(ple)
		.select(
			ple.name, ple.against_voucher_no, ple.posting_date, ple.amount, ple.amount_in_account_currency
		)
		.where(
			ple.party.isin(customers)
			& (ple.party_type == "Customer")
			& (ple.account_type == "Receivable")
			& (ple.delinked == 0)
		)
		.run()
	}


def copy_rows(customers: list[str]) -> set[tuple]:
	copy = frappe.qb.DocType(ledger.MIRROR)
	return {
		(row[0], row[1], row[2], flt(row[3], 6), flt(row[4], 6))
		for row in frappe.qb.from_(copy)
		.select(
			copy.name,
			copy.against_voucher_no,
			copy.posting_date,
			copy.amount,
			copy.amount_in_account_currency,
		)
		.where(copy.party.isin(customers))
		.run()
	}


class LedgerCase(ARTestCase):
	def setUp(self):
		frappe.set_user("Administrator")
		self.assertTrue(ledger.source().mirror, "the copy should be in place on a test site")
		self.customer = make_customer("AR Ledger")

	def assert_copy_is_the_ledger(self, *customers):
		customers = list(customers or [self.customer])
		self.assertEqual(copy_rows(customers), ledger_rows(customers))
		self.assertEqual(ledger.check(), [])


class TestTheCopyFollowsTheLedger(LedgerCase):
	def test_submissions_payments_credit_notes_journals_and_cancellations(self):
		invoice = make_sales_invoice(self.customer, 1000, "2026-03-01", "2026-03-31")
		self.assert_copy_is_the_ledger()
		payment = make_payment(invoice, 300, "2026-03-10")
		make_credit_note(invoice, 100, "2026-03-12", update_outstanding_for_self=0)
		make_journal_entry_against(invoice, 50, "2026-03-15")
		make_advance(self.customer, 200, "2026-03-20")
		self.assert_copy_is_the_ledger()
		payment.cancel()  # ERPNext delinks the payment's rows: they leave the copy
		self.assert_copy_is_the_ledger()
		voucher_rows = frappe.get_all(ledger.MIRROR, filters={"voucher_no": payment.name}, pluck="name")
		self.assertEqual(voucher_rows, [])
		invoice.reload()
		self.assertEqual(
			sum(row[3] for row in copy_rows([self.customer]) if row[1] == invoice.name),
			flt(invoice.outstanding_amount),
		)

	def test_payment_reconciliation_which_has_no_document_event(self):
		invoice = make_sales_invoice(self.customer, 800, "2026-04-01", "2026-04-30")
		advance = make_advance(self.customer, 500, "2026-04-05")
		reconciliation = frappe.new_doc("Payment Reconciliation")
		reconciliation.update(
			{
				"company": COMPANY,
				"party_type": "Customer",
				"party": self.customer,
				"receivable_payable_account": invoice.debit_to,
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
		self.assertEqual(frappe.db.get_value("Sales Invoice", invoice.name, "outstanding_amount"), 300)
		self.assert_copy_is_the_ledger()
		# the advance now counts against the invoice, in the copy as in the ledger
		against = {row[1] for row in copy_rows([self.customer]) if row[0] and row[3] == -500}
		self.assertEqual(against, {invoice.name})
		self.assertNotIn(advance.name, {row[1] for row in copy_rows([self.customer])})

	def test_reposting_the_payment_ledger(self):
		from erpnext.accounts.doctype.repost_payment_ledger.repost_payment_ledger import (
			repost_ple_for_voucher,
		)

		invoice = make_sales_invoice(self.customer, 600, "2026-05-01", "2026-05-31")
		payment = make_payment(invoice, 200, "2026-05-10")
		before = copy_rows([self.customer])
		for doc in (invoice, payment):  # what the Repost Payment Ledger job does, voucher by voucher
			gl_map = doc.build_gl_map() if doc.doctype == "Payment Entry" else doc.get_gl_entries()
			repost_ple_for_voucher(doc.doctype, doc.name, gl_map)
		self.assert_copy_is_the_ledger()
		after = copy_rows([self.customer])
		self.assertNotEqual({row[0] for row in after}, {row[0] for row in before})  # new rows
		self.assertEqual({row[1:] for row in after}, {row[1:] for row in before})  # same figures

	def test_exchange_rate_revaluation(self):
		customer = make_customer("AR Ledger USD", currency="USD", receivable_account=USD_ACCOUNT)
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
		gain_loss = frappe.db.get_value("Company", COMPANY, "exchange_gain_loss_account")
		frappe.db.set_value("Company", COMPANY, "unrealized_exchange_gain_loss_account", gain_loss)
		revaluation = frappe.new_doc("Exchange Rate Revaluation")
		revaluation.company = COMPANY
		revaluation.posting_date = "2026-06-30"
		revaluation.extend(
			"accounts", [row for row in revaluation.get_accounts_data() if row.get("party") == customer]
		)
		self.assertTrue(revaluation.accounts, "nothing to revalue")
		row = revaluation.accounts[0]
		row.new_exchange_rate = 85
		row.new_balance_in_base_currency = flt(row.new_exchange_rate * flt(row.balance_in_account_currency))
		row.gain_loss = row.new_balance_in_base_currency - flt(row.balance_in_base_currency)
		revaluation.set_total_gain_loss()
		revaluation.save().submit()
		journal = frappe.get_doc("Journal Entry", revaluation.make_jv_entries().get("revaluation_jv"))
		journal.submit()
		self.assert_copy_is_the_ledger(customer)
		kinds = {
			row.kind
			for row in frappe.get_all(ledger.MIRROR, filters={"voucher_no": journal.name}, fields=["kind"])
		}
		self.assertEqual(kinds, {ledger.KIND_EXCLUDED})  # neither sales nor collections


class TestEveryDate(LedgerCase):
	"""Back-dated entries and amendments: on every date before, between and after them, the app's
	aging of the copy is ERPNext's Accounts Receivable report, voucher by voucher."""

	DATES = ("2026-07-04", "2026-07-05", "2026-07-19", "2026-07-25", "2026-08-31", "2026-12-31")

	def test_back_dated_payments_and_amended_invoices_age_as_erpnext_on_every_date(self):
		from erpnext.accounts.report.accounts_receivable.accounts_receivable import execute as receivable

		from ar_control.ar_control.report.ar_aging_analysis.ar_aging_analysis import execute as aging

		group = make_customer_group()
		frappe.db.set_value("Customer", self.customer, "customer_group", group)
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
		self.assert_copy_is_the_ledger()

		filters = {
			"company": COMPANY,
			"customer_group": group,
			"ageing_based_on": "Due Date",
			"calculate_ageing_with": "Report Date",
			"range": "30, 60, 90, 120",
		}
		fields = ("outstanding", "range1", "range2", "range3", "range4", "range5")
		for day in self.DATES:
			theirs = {
				row["voucher_no"]: [flt(row.get(field), 2) for field in fields]
				for row in receivable({**filters, "report_date": day})[1]
				if row.get("party") == self.customer
			}
			rows = aging({**filters, "report_date": day, "group_by": "Voucher"})[1]
			ours = {
				row["voucher_no"]: [flt(row.get(field), 2) for field in fields]
				for row in rows
				if not row.get("is_total")
			}
			self.assertEqual(ours, theirs, day)
		self.assertNotIn(second.name, ours)  # the cancelled original is gone on every later date
		self.assertEqual(ours[amended.name][0], 500)


class TestClassification(LedgerCase):
	def test_each_row_has_the_kind_the_ledger_joins_give_it(self):
		invoice = make_sales_invoice(self.customer, 900, "2026-02-01", "2026-03-01")
		make_payment(invoice, 400, "2026-02-10")
		make_credit_note(invoice, 100, "2026-02-11", update_outstanding_for_self=0)
		make_journal_entry_against(invoice, 100, "2026-02-12", voucher_type="Write Off Entry")
		source = ledger.Source(frappe.qb.DocType(ledger.LEDGER), False)
		t = source.table
		query, kind = source.with_kind(frappe.qb.from_(t))
		expected = dict(
			query.select(t.name, kind)
			.where((t.party == self.customer) & (t.delinked == 0) & (t.account_type == "Receivable"))
			.run()
		)
		copied = dict(
			frappe.get_all(
				ledger.MIRROR, filters={"party": self.customer}, fields=["name", "kind"], as_list=True
			)
		)
		self.assertEqual(copied, expected)
		self.assertEqual(
			sorted(copied.values()),
			sorted([ledger.KIND_SALES, ledger.KIND_COLLECTION, ledger.KIND_SALES, ledger.KIND_WRITE_OFF]),
		)


class TestReadingEitherLedger(LedgerCase):
	def test_reports_give_the_same_figures_from_the_copy_and_from_the_ledger(self):
		invoice = make_sales_invoice(self.customer, 1200, "2026-01-10", "2026-02-10")
		make_payment(invoice, 500, "2026-02-20")
		make_sales_invoice(self.customer, 300, "2026-03-05", "2026-04-05")
		make_advance(self.customer, 100, "2026-03-06")
		buckets = parse_buckets("30, 60, 90")

		def figures():
			aging = aging_totals.aging_totals(
				COMPANY,
				frappe.utils.getdate("2026-04-30"),
				buckets,
				Basis.DUE_DATE,
				customers=[self.customer],
			)
			flows = kpi_figures.period_figures(
				COMPANY,
				make_period(frappe.utils.getdate("2026-03-01"), frappe.utils.getdate("2026-03-31")),
				customers=[self.customer],
			)
			return aging, flows

		from_copy = figures()
		with mock.patch.object(
			ledger, "source", return_value=ledger.Source(frappe.qb.DocType(ledger.LEDGER), False)
		):
			from_ledger = figures()
		self.assertEqual(from_copy, from_ledger)
		self.assertEqual(from_copy[0].total.outstanding, 900)


class TestCheckAndRepair(LedgerCase):
	def test_a_copy_changed_behind_the_triggers_is_found_and_rebuilt(self):
		make_sales_invoice(self.customer, 700, "2026-01-10", "2026-02-10")
		copy = frappe.qb.DocType(ledger.MIRROR)
		frappe.qb.from_(copy).delete().where(copy.party == self.customer).run()
		self.assertEqual(ledger.check(), [COMPANY])
		logs_before = frappe.db.count("Error Log")
		self.assertEqual(ledger.repair(), [COMPANY])
		self.assert_copy_is_the_ledger()
		self.assertEqual(frappe.db.count("Error Log"), logs_before + 1)  # someone should know


class TestMissingTriggers(ARTestCase):
	"""Creating and dropping triggers commits (DDL): this test makes no data of its own."""

	def test_missing_triggers_are_put_back_and_the_copy_refilled(self):
		ledger.remove()
		try:
			self.assertFalse(ledger.triggers_present())
			self.assertFalse(ledger.source().mirror)  # meanwhile the app reads the Payment Ledger
			self.assertEqual(ledger.repair(), ["*"])
			self.assertTrue(ledger.triggers_present())
			self.assertTrue(ledger.source().mirror)
			self.assertEqual(ledger.check(), [])
		finally:
			if not ledger.triggers_present():
				ledger.install()
