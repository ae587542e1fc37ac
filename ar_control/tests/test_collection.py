"""Collection cases and the daily ladder, with real invoices, payments, Dunnings and e-mails."""

from unittest import mock

import frappe
from frappe.utils import getdate

from ar_control.collection import actions, cases, ladder
from ar_control.compat import test_record_dependencies
from ar_control.credit.check import CreditHoldError
from ar_control.tests.utils import (
	COMPANY,
	TEST_DEPENDENCIES,
	ARTestCase,
	after_commit,
	email_queue_to,
	make_billing_contact,
	make_company,
	make_credit_note,
	make_customer,
	make_journal_entry_against,
	make_payment,
	make_sales_invoice,
	make_sales_order,
	make_user,
	settings_changed,
)

globals().update(test_record_dependencies(TEST_DEPENDENCIES))

DUE = "2026-06-01"  # the ladder (defaults): -3 reminder, +1 call, +15 letter, +30 hold, +60 legal, +180 write-off


def steps_of(invoice: str) -> list[str]:
	return sorted(
		frappe.get_all("Collection Step Log", filters={"sales_invoice": invoice}, pluck="level_title")
	)


def case_of(customer: str):
	name = frappe.db.get_value(
		"Collection Case", {"customer": customer, "company": COMPANY}, "name", order_by="creation desc"
	)
	return frappe.get_doc("Collection Case", name) if name else None


def activities(case: str) -> list[str]:
	return frappe.get_all(
		"Collection Activity", filters={"collection_case": case}, pluck="summary", order_by="creation asc"
	)


class CollectionCase(ARTestCase):
	def setUp(self):
		frappe.set_user("Administrator")
		self.collector = make_user("collector", ["Collector"])
		self.manager = make_user("credit-manager", ["Credit Manager"])
		self.customer = make_customer()
		frappe.db.set_value("Customer", self.customer, "ar_collector", self.collector)
		self.email = make_billing_contact(self.customer)
		self.invoice = make_sales_invoice(self.customer, 1000, "2026-05-02", DUE)
		self.settings = settings_changed(credit_manager=self.manager, promise_grace_days=3)
		self.settings.__enter__()
		# an outgoing account, as a live site has one (tests never really send)
		frappe.db.set_value("Email Account", "_Test Email Account 1", "default_outgoing", 1)
		frappe.local.outgoing_email_account = {}

	def tearDown(self):
		frappe.local.outgoing_email_account = {}
		self.settings.__exit__(None, None, None)
		frappe.set_user("Administrator")
		frappe.flags.current_date = None

	def run_on(self, day: str) -> list[str]:
		frappe.flags.current_date = day
		return ladder.run(day)


class TestLadder(CollectionCase):
	def test_the_default_ladder_step_by_step(self):
		# three days before the due date: a reminder e-mail, no case yet
		self.run_on("2026-05-29")
		self.assertEqual(steps_of(self.invoice.name), ["Payment reminder"])
		self.assertEqual(len(email_queue_to(self.email)), 1)
		self.assertIsNone(case_of(self.customer))

		# the day after: a case opens, the collector gets a call task
		self.run_on("2026-06-02")
		case = case_of(self.customer)
		self.assertEqual(case.status, "Open")
		self.assertEqual(case.collector, self.collector)
		self.assertEqual(case.overdue_amount, 1000)
		self.assertEqual(case.current_level, "Call the customer")
		self.assertEqual(getdate(case.next_action_date), getdate("2026-06-16"))
		self.assertEqual([row.sales_invoice for row in case.invoices], [self.invoice.name])
		self.assertTrue(
			frappe.db.exists(
				"ToDo", {"allocated_to": self.collector, "reference_name": case.name, "status": "Open"}
			)
		)

		# +15: a submitted ERPNext Dunning, e-mailed with its print format
		self.run_on("2026-06-16")
		dunnings = frappe.get_all(
			"Overdue Payment", filters={"sales_invoice": self.invoice.name, "docstatus": 1}, pluck="parent"
		)
		self.assertEqual(len(dunnings), 1)
		self.assertEqual(frappe.db.get_value("Dunning", dunnings[0], "customer"), self.customer)
		self.assertEqual(len(email_queue_to(self.email)), 2)
		letter = frappe.get_all(
			"Collection Activity", filters={"collection_case": case.name, "dunning": dunnings[0]}
		)
		self.assertEqual(len(letter), 1)

		# +30: credit hold, which the credit check honours
		self.run_on("2026-07-01")
		self.assertEqual(
			frappe.db.get_value("Customer", self.customer, "ar_credit_hold_source"), "Collection Ladder"
		)
		with self.assertRaises(CreditHoldError):
			make_sales_order(self.customer, 10).submit()

		# +60: hand-over to legal
		self.run_on("2026-07-31")
		self.assertEqual(case_of(self.customer).status, "Legal")
		self.assertTrue(frappe.db.exists("ToDo", {"allocated_to": self.manager, "reference_name": case.name}))

		# +180: a write-off proposal for the credit manager
		self.run_on("2026-11-28")
		self.assertEqual(
			steps_of(self.invoice.name),
			sorted(
				[
					"Payment reminder",
					"Call the customer",
					"Formal dunning letter",
					"Credit hold",
					"Legal or agency hand-over",
					"Write-off proposal",
				]
			),
		)
		self.assertEqual(case_of(self.customer).current_level, "Write-off proposal")

	def test_a_late_first_run_records_stale_reminders_as_superseded_without_sending_them(self):
		self.run_on("2026-06-20")
		logs = dict(
			frappe.get_all(
				"Collection Step Log",
				filters={"sales_invoice": self.invoice.name},
				fields=["level_title", "outcome"],
				as_list=True,
			)
		)
		self.assertEqual(
			logs,
			{
				"Payment reminder": "Superseded",
				"Call the customer": "Superseded",
				"Formal dunning letter": "Done",
			},
		)
		self.assertEqual(len(email_queue_to(self.email)), 1)  # the dunning letter only

	def test_running_twice_on_a_day_does_nothing_twice(self):
		def counts():
			return (
				frappe.db.count("Collection Step Log", {"customer": self.customer}),
				len(email_queue_to(self.email)),
				frappe.db.count("ToDo", {"description": ("like", f"%{self.customer}%")}),
				frappe.db.count("Dunning", {"customer": self.customer}),
				frappe.db.count("Collection Activity", {"customer": self.customer}),
			)

		self.run_on("2026-06-16")
		first = counts()
		self.assertEqual(first[0], 3)
		self.run_on("2026-06-16")
		self.assertEqual(counts(), first)

	def test_a_run_killed_midway_is_finished_by_the_next_without_doubling_or_skipping(self):
		other = make_customer()
		other_email = make_billing_contact(other)
		other_invoice = make_sales_invoice(other, 500, "2026-05-02", DUE)
		customers = sorted([self.customer, other])
		real = actions.perform

		def killed_on_second_customer(level, row, steps, ctx, settings):
			if ctx.customer == customers[1]:
				raise KeyboardInterrupt("killed")
			return real(level, row, steps, ctx, settings)

		frappe.flags.current_date = "2026-06-16"
		with mock.patch.object(actions, "perform", killed_on_second_customer):
			with self.assertRaises(KeyboardInterrupt):
				ladder.run("2026-06-16")
		invoices = {self.customer: self.invoice.name, other: other_invoice.name}
		self.assertEqual(len(steps_of(invoices[customers[0]])), 3)
		self.assertEqual(steps_of(invoices[customers[1]]), [])  # nothing of it survived
		sent_first = len(email_queue_to(self.email)) + len(email_queue_to(other_email))

		ladder.run("2026-06-16")
		self.assertEqual(len(steps_of(invoices[customers[0]])), 3)
		self.assertEqual(len(steps_of(invoices[customers[1]])), 3)
		self.assertEqual(len(email_queue_to(self.email)) + len(email_queue_to(other_email)), sent_first + 1)
		self.assertEqual(frappe.db.count("Dunning", {"customer": ("in", customers)}), 2)

	def test_a_run_for_one_company_leaves_the_other_companies_alone(self):
		other_company = "_Test Company 1"
		other = make_sales_invoice(self.customer, 500, "2026-05-02", DUE, company=other_company)
		frappe.flags.current_date = "2026-06-16"
		lines = ladder.run("2026-06-16", company=other_company)
		self.assertEqual(len(steps_of(other.name)), 3, lines)
		self.assertEqual(steps_of(self.invoice.name), [])
		self.assertIsNone(case_of(self.customer))  # no case opened for COMPANY
		self.assertTrue(
			frappe.db.exists("Collection Case", {"customer": self.customer, "company": other_company})
		)
		lines = ladder.run("2026-06-16")  # every company: now COMPANY's invoice too, the other's not again
		self.assertEqual(len(steps_of(self.invoice.name)), 3, lines)
		self.assertEqual(len(steps_of(other.name)), 3)

	def test_a_dry_run_says_what_it_would_do_and_does_nothing(self):
		frappe.flags.current_date = "2026-06-16"
		lines = ladder.run("2026-06-16", dry_run=True)
		self.assertTrue(any("Formal dunning letter" in line and self.invoice.name in line for line in lines))
		self.assertEqual(steps_of(self.invoice.name), [])

	def test_the_minimum_amount_holds_a_level_back(self):
		settings = frappe.get_single("AR Control Settings")
		settings.collection_levels[2].min_amount = 5000  # the letter
		settings.save()
		self.run_on("2026-06-16")
		self.assertNotIn("Formal dunning letter", steps_of(self.invoice.name))

	def test_no_outgoing_account_is_recorded_not_sent(self):
		frappe.db.set_value("Email Account", "_Test Email Account 1", "default_outgoing", 0)
		frappe.local.outgoing_email_account = {}
		self.run_on("2026-05-29")
		outcome = frappe.db.get_value("Collection Step Log", {"sales_invoice": self.invoice.name}, "outcome")
		self.assertEqual(outcome, "Not Sent")

	def test_no_email_address_is_recorded_not_sent(self):
		frappe.db.delete("Dynamic Link", {"link_doctype": "Customer", "link_name": self.customer})
		self.run_on("2026-05-29")
		outcome = frappe.db.get_value("Collection Step Log", {"sales_invoice": self.invoice.name}, "outcome")
		self.assertEqual(outcome, "Not Sent")


class TestPromisesAndDisputes(CollectionCase):
	def promise(self, date: str, amount: float):
		case = case_of(self.customer)
		case.invoices[0].promised_date = date
		case.invoices[0].promised_amount = amount
		case.save()
		return case

	def test_no_promise_on_a_paid_invoice_nor_of_a_negative_amount(self):
		other = make_sales_invoice(self.customer, 400, "2026-05-02", DUE)
		self.run_on("2026-06-02")
		make_payment(self.invoice, 1000, "2026-06-03")
		after_commit()
		case = case_of(self.customer)
		rows = {row.sales_invoice: row for row in case.invoices}
		self.assertEqual(rows[self.invoice.name].outstanding_amount, 0)  # kept on the open case
		rows[self.invoice.name].promised_date = "2026-06-20"
		with self.assertRaises(frappe.ValidationError) as caught:
			case.save()
		self.assertIn(f"Invoice {self.invoice.name} has nothing outstanding", str(caught.exception))
		case = case_of(self.customer)
		row = next(r for r in case.invoices if r.sales_invoice == other.name)
		row.promised_date, row.promised_amount = "2026-06-20", -5
		with self.assertRaises(frappe.ValidationError) as caught:
			case.save()
		self.assertIn("must not be negative", str(caught.exception))
		self.assertEqual(case_of(self.customer).status, "Open")

	def test_a_promise_pauses_the_ladder_and_a_broken_one_resumes_it(self):
		self.run_on("2026-06-02")
		case = self.promise("2026-06-20", 1000)
		self.assertEqual(case.status, "Promise to Pay")
		self.assertEqual(case.invoices[0].promise_status, "Pending")
		self.assertIn("Promise to pay", activities(case.name)[-1])

		self.run_on("2026-06-16")  # the letter is due but the promise pauses it
		self.assertNotIn("Formal dunning letter", steps_of(self.invoice.name))
		self.run_on("2026-06-23")  # promised date + 3 grace days: still paused
		self.assertNotIn("Formal dunning letter", steps_of(self.invoice.name))

		self.run_on("2026-06-24")  # broken: marked, logged, and the ladder resumes at once
		case = case_of(self.customer)
		self.assertEqual(case.invoices[0].promise_status, "Broken")
		self.assertEqual(case.status, "Open")
		self.assertTrue(any("broken" in line for line in activities(case.name)))
		self.assertIn("Formal dunning letter", steps_of(self.invoice.name))

	def test_a_promise_kept_by_payment_is_marked_kept(self):
		self.run_on("2026-06-02")
		self.promise("2026-06-20", 400)
		frappe.flags.current_date = "2026-06-10"
		make_payment(self.invoice, 400, "2026-06-10")
		after_commit()
		case = case_of(self.customer)
		self.assertEqual(case.invoices[0].promise_status, "Kept")
		self.assertEqual(case.invoices[0].outstanding_amount, 600)
		self.assertTrue(any("kept" in line for line in activities(case.name)))

	def test_a_dispute_takes_the_invoice_off_the_ladder_until_resolved(self):
		self.run_on("2026-06-02")
		case = case_of(self.customer)
		case.invoices[0].disputed = 1
		case.invoices[0].dispute_reason = "Goods damaged on arrival"
		case.save()
		self.assertEqual(case.status, "Disputed")
		self.assertIn("Goods damaged on arrival", activities(case.name)[-1])
		self.run_on("2026-07-10")
		self.assertEqual(steps_of(self.invoice.name), ["Call the customer", "Payment reminder"])
		case = case_of(self.customer)
		case.invoices[0].disputed = 0
		case.save()
		self.assertIn("resolved", activities(case.name)[-1])
		self.run_on("2026-07-11")
		self.assertIn("Credit hold", steps_of(self.invoice.name))


class TestSettlements(CollectionCase):
	def test_a_payment_closes_the_case_at_once_and_its_cancellation_reopens_it(self):
		self.run_on("2026-06-02")
		frappe.flags.current_date = "2026-06-05"
		payment = make_payment(self.invoice, 1000, "2026-06-05")
		after_commit()
		case = case_of(self.customer)
		self.assertEqual(case.status, "Closed - Paid")
		self.assertEqual(getdate(case.closed_on), getdate("2026-06-05"))
		logged = frappe.get_all(
			"Collection Activity", filters={"collection_case": case.name, "payment_document": payment.name}
		)
		self.assertEqual(len(logged), 1)

		payment.cancel()
		after_commit()
		case = case_of(self.customer)
		self.assertEqual(case.status, "Open")
		self.assertEqual(case.overdue_amount, 1000)
		self.assertTrue(any("reopened" in line for line in activities(case.name)))

	def test_a_partial_payment_and_a_credit_note_reduce_the_case(self):
		self.run_on("2026-06-02")
		frappe.flags.current_date = "2026-06-05"
		make_credit_note(self.invoice, 200, "2026-06-05", update_outstanding_for_self=0)
		after_commit()
		self.assertEqual(case_of(self.customer).overdue_amount, 800)
		make_payment(self.invoice, 300, "2026-06-06")
		after_commit()
		case = case_of(self.customer)
		self.assertEqual(case.overdue_amount, 500)
		self.assertEqual(case.status, "Open")
		self.assertEqual(len(activities(case.name)), 5)  # opened, superseded reminder, call, note, payment

	def test_a_failing_case_update_never_stops_the_payment(self):
		from ar_control.collection import settlement
		from ar_control.kpi.dashboard import app_errors

		self.run_on("2026-06-02")
		frappe.flags.current_date = "2026-06-05"
		logs_before = set(frappe.get_all("Error Log", pluck="name"))
		errors_before = app_errors()["value"]
		with mock.patch.object(cases, "sync", side_effect=RuntimeError("the app is broken")):
			payment = make_payment(self.invoice, 1000, "2026-06-05")
			other = make_sales_invoice(self.customer, 50, "2026-05-02", DUE)
			journal = make_journal_entry_against(other, 50, "2026-06-05")
			# posted; nothing of the app ran inside their transaction
			self.assertEqual((payment.docstatus, journal.docstatus), (1, 1))
			self.assertEqual(case_of(self.customer).status, "Open")
			failed = settlement.flush()  # what the commit runs next
		self.assertEqual(sorted(failed), sorted([payment.name, journal.name]))
		# the app's own entries (ERPNext may log others meanwhile, e.g. an exchange rate it could
		# not fetch on an offline machine)
		new_logs = frappe.get_all(
			"Error Log",
			filters={"name": ("not in", list(logs_before) or [""]), "method": ("like", "AR Control: %")},
			fields=["method", "reference_name"],
		)
		self.assertEqual(sorted(log.reference_name for log in new_logs), sorted([payment.name, journal.name]))
		self.assertEqual(app_errors()["value"], errors_before + 2)
		# the daily run brings the case in line with the ledger anyway
		self.run_on("2026-06-06")
		self.assertEqual(case_of(self.customer).status, "Closed - Paid")

	def test_a_write_off_journal_entry_closes_the_case_as_written_off(self):
		self.run_on("2026-06-02")
		frappe.flags.current_date = "2026-06-05"
		make_journal_entry_against(self.invoice, 1000, "2026-06-05", voucher_type="Write Off Entry")
		after_commit()
		self.assertEqual(case_of(self.customer).status, "Closed - Written Off")

	def test_paying_releases_the_ladder_hold(self):
		self.run_on("2026-07-01")
		self.assertEqual(frappe.db.get_value("Customer", self.customer, "ar_credit_hold"), 1)
		frappe.flags.current_date = "2026-07-02"
		make_payment(self.invoice, 1000, "2026-07-02")
		after_commit()
		self.assertEqual(frappe.db.get_value("Customer", self.customer, "ar_credit_hold"), 0)

	def test_a_credit_manager_releases_the_hold_by_hand(self):
		self.run_on("2026-07-01")
		case = case_of(self.customer)
		frappe.set_user(self.collector)
		with self.assertRaises(frappe.PermissionError):
			case.release_credit_hold("Customer called")
		frappe.set_user(self.manager)
		case.release_credit_hold("Paid by cheque, clearing tomorrow")
		frappe.set_user("Administrator")
		self.assertEqual(frappe.db.get_value("Customer", self.customer, "ar_credit_hold"), 0)
		self.assertTrue(any("Paid by cheque" in line for line in activities(case.name)))


class TestWorklistAndEvidence(CollectionCase):
	def test_cases_are_ordered_by_overdue_amount_times_expected_loss(self):
		old = make_customer()
		make_sales_invoice(old, 600, "2024-01-01", "2024-01-31")  # > 2 years overdue: 80 % expected loss
		self.run_on("2026-06-02")
		young, aged = case_of(self.customer), case_of(old)
		self.assertEqual((young.overdue_amount, young.expected_loss, young.priority_score), (1000, 200, 200))
		self.assertEqual((aged.overdue_amount, aged.expected_loss, aged.priority_score), (600, 480, 480))
		self.assertEqual(aged.expected_loss_percent, 80)
		ordered = frappe.get_all(
			"Collection Case", filters={"customer": ("in", [self.customer, old])}, pluck="customer"
		)
		self.assertEqual(ordered, [old, self.customer])

	def test_one_open_case_per_customer_and_company(self):
		from ar_control.collection.case_form import DuplicateCaseError

		self.run_on("2026-06-02")
		with self.assertRaises(DuplicateCaseError):
			frappe.get_doc(
				{"doctype": "Collection Case", "customer": self.customer, "company": COMPANY}
			).insert()

	def test_names_and_reasons_users_typed_are_escaped_in_tasks_and_the_evidence_file(self):
		frappe.db.set_value(
			"Customer", self.customer, "customer_name", "Acme <b onmouseover=alert(1)>Ltd</b>"
		)
		self.run_on("2026-06-02")  # the call task
		case = case_of(self.customer)
		todo = frappe.get_all("ToDo", filters={"reference_name": case.name}, pluck="description")[0]
		self.assertIn("Acme &lt;b onmouseover=alert(1)&gt;Ltd&lt;/b&gt;", todo)
		case.invoices[0].disputed = 1
		case.invoices[0].dispute_reason = "<script>alert(1)</script> damaged"
		case.save()
		self.assertIn("damaged", activities(case.name)[-1])
		self.assertNotIn("<script>", activities(case.name)[-1])


class TestPermissions(CollectionCase):
	def test_each_role_sees_its_own_cases(self):
		from ar_control.tests.utils import make_sales_person

		seller = make_user("seller", ["Sales User"])
		person = make_sales_person(user=seller)
		customer = frappe.get_doc("Customer", self.customer)
		customer.append("sales_team", {"sales_person": person, "allocated_percentage": 100})
		customer.save()
		other = make_customer()
		make_sales_invoice(other, 50, "2026-05-02", DUE)
		self.run_on("2026-06-02")
		mine, theirs = case_of(self.customer).name, case_of(other).name
		self.assertEqual(frappe.db.get_value("Collection Case", mine, "sales_person_user"), seller)

		def visible(user):
			frappe.set_user(user)
			try:
				return set(
					frappe.get_list("Collection Case", filters={"name": ("in", [mine, theirs])}, pluck="name")
				)
			finally:
				frappe.set_user("Administrator")

		self.assertEqual(visible(self.collector), {mine})
		self.assertEqual(visible(seller), {mine})
		self.assertEqual(visible(make_user("stranger-seller", ["Sales User"])), set())
		self.assertEqual(visible(make_user("accounts-manager", ["Accounts Manager"])), {mine, theirs})
		self.assertEqual(visible(self.manager), {mine, theirs})

		frappe.set_user(make_user("stranger-collector", ["Collector"]))
		self.assertFalse(frappe.has_permission("Collection Case", "read", mine))
		self.assertEqual(
			frappe.get_list("Collection Activity", filters={"collection_case": mine}, pluck="name"), []
		)
		frappe.set_user(self.collector)
		self.assertTrue(frappe.has_permission("Collection Case", "read", mine))
		self.assertTrue(
			frappe.get_list("Collection Activity", filters={"collection_case": mine}, pluck="name")
		)


class TestScheduledEntryPoint(CollectionCase):
	def test_the_daily_job_runs_the_ladder_on_the_injected_date(self):
		from ar_control.tasks import run_collection_ladder

		frappe.flags.current_date = "2026-06-02"
		run_collection_ladder()
		self.assertEqual(case_of(self.customer).current_level, "Call the customer")
		runs = frappe.get_all(
			"Collection Step Log", filters={"sales_invoice": self.invoice.name}, pluck="run_date"
		)
		self.assertEqual({str(day) for day in runs}, {"2026-06-02"})
		# the job left the case in line with the ledger: bringing it in line again changes nothing
		again = cases.sync("2026-06-02", customers=[(self.customer, COMPANY)], commit_each=False)
		self.assertEqual((again["opened"], again["updated"], again["closed"]), ([], [], []))
		self.assertEqual(again["unchanged"], 1)


class TestCancelledInvoices(CollectionCase):
	def test_a_case_whose_invoices_are_cancelled_closes_and_says_so(self):
		not_overdue = make_sales_invoice(self.customer, 300, "2026-05-20", "2026-07-20")
		self.run_on("2026-06-02")
		case = case_of(self.customer)
		not_overdue.cancel()
		after_commit()
		self.assertFalse(any(not_overdue.name in line for line in activities(case.name)))
		self.invoice.reload()
		self.invoice.cancel()
		after_commit()
		case = case_of(self.customer)
		self.assertEqual(case.invoices, [])
		self.assertIn(case.status, ("Closed - Paid", "Closed - Written Off"))
		self.assertTrue(any("its invoices were cancelled" in line for line in activities(case.name)))


class TestCompanyDeletion(CollectionCase):
	"""ERPNext's *Delete Transactions* of a company (its Transaction Deletion Record) still
	works after the ladder has sent that company's customers e-mails: it deletes those e-mails,
	which the collection activities name."""

	def test_erpnext_deletes_a_companys_transactions_after_the_ladder_wrote_to_its_customers(self):
		company = make_company("AR Deleted")
		invoice = make_sales_invoice(self.customer, 1000, "2026-05-02", DUE, company=company)
		for day in ("2026-06-02", "2026-06-16"):  # a case opens, a Dunning is e-mailed
			self.run_on(day)
		case = frappe.get_doc(
			"Collection Case", frappe.db.get_value("Collection Case", {"company": company}, "name")
		)
		letter = frappe.get_all(
			"Collection Activity",
			filters={"collection_case": case.name, "communication": ("is", "set")},
			pluck="communication",
		)
		self.assertTrue(letter, "the ladder recorded no e-mail on the case")
		record = frappe.get_doc(
			{"doctype": "Transaction Deletion Record", "company": company, "process_in_single_transaction": 1}
		)
		record.insert(ignore_permissions=True)
		record.submit()
		record.start_deletion_tasks()
		record.reload()
		self.assertEqual(record.status, "Completed", record.error_log)
		self.assertFalse(frappe.db.exists("Sales Invoice", invoice.name))
		self.assertFalse(frappe.db.exists("Communication", letter[0]))
