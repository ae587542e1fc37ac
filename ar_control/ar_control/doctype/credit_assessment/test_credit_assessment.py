# Copyright (c) 2026, ar_control developers and Contributors
# See license.txt

import frappe
from frappe.utils import getdate

from ar_control.compat import test_record_dependencies
from ar_control.credit import review
from ar_control.credit.assessment import AssessmentApprovalError, InvalidAssessmentError
from ar_control.tests.utils import (
	COMPANY,
	TEST_DEPENDENCIES,
	ARTestCase,
	make_assessment,
	make_customer,
	make_payment,
	make_sales_invoice,
	make_user,
	settings_changed,
)

globals().update(test_record_dependencies([*TEST_DEPENDENCIES, "Payment Terms Template"]))


def limit_of(customer: str, company: str = COMPANY):
	return frappe.db.get_value(
		"Customer Credit Limit",
		{"parent": customer, "parenttype": "Customer", "company": company},
		"credit_limit",
	)


class TestCreditAssessment(ARTestCase):
	def setUp(self):
		frappe.set_user("Administrator")
		frappe.flags.current_date = "2026-06-30"
		self.customer = make_customer()

	def tearDown(self):
		frappe.set_user("Administrator")
		frappe.flags.current_date = None

	def make_history(self):
		"""Four invoices of the last 12 months: on time, 10 days late, 60 days overdue, not yet due."""
		paid_on_time = make_sales_invoice(self.customer, 1000, "2026-01-01", "2026-01-31")
		make_payment(paid_on_time, 1000, "2026-01-31")
		paid_late = make_sales_invoice(self.customer, 3000, "2026-02-01", "2026-03-03")
		make_payment(paid_late, 3000, "2026-03-13")
		make_sales_invoice(self.customer, 2000, "2026-04-01", "2026-05-01")
		make_sales_invoice(self.customer, 6000, "2026-06-15", "2026-07-15")

	def test_a_new_assessment_takes_the_configured_factors_and_scores_behaviour_from_history(self):
		self.make_history()
		doc = make_assessment(self.customer)
		self.assertEqual(
			[(row.factor, row.weight, row.basis) for row in doc.factors][:4],
			[
				("Solvency", 20, "Manual"),
				("Profitability", 15, "Manual"),
				("Operating Capability", 15, "Manual"),
				("Payment Behaviour: On Time", 20, "On-time Share"),
			],
		)
		self.assertEqual((doc.invoices_assessed, doc.invoices_judged, doc.late_invoices), (4, 3, 2))
		self.assertEqual(doc.average_days_to_pay, 37.5)  # (1000*30 + 3000*40) / 4000
		self.assertEqual(doc.average_days_late, 25)  # (3000*10 + 2000*60) / 6000
		self.assertEqual(doc.worst_days_late, 60)
		self.assertEqual(doc.billed_in_window, 12000)
		self.assertEqual(doc.average_monthly_billing, 1000)
		scores = {row.factor: row.score for row in doc.factors}
		self.assertEqual(scores["Payment Behaviour: On Time"], 33.33)
		self.assertEqual(scores["Payment Behaviour: Days Late"], 50)
		self.assertEqual(scores["Credit History: Worst Lateness"], 66.67)
		# 20*80 + 15*70 + 15*60 + 20*33.33 + 10*50 + 10*66.67 + 10*50 = 5883.3 -> 58.83: grade C
		self.assertAlmostEqual(doc.total_score, 58.83, places=2)
		self.assertEqual(doc.grade, "C")
		self.assertEqual(doc.credit_days, 30)
		self.assertEqual(doc.recommended_limit, 1000)  # C: 1 month of average billing
		self.assertEqual(doc.approved_limit, 1000)
		self.assertEqual(getdate(doc.valid_until), getdate("2026-12-30"))  # C: review after 6 months
		self.assertIn("2 of 3 invoices", next(r.evidence for r in doc.factors if r.basis == "On-time Share"))

	def test_a_customer_without_history_gets_the_default_score_and_an_explanation(self):
		doc = make_assessment(self.customer)
		computed = [row for row in doc.factors if row.basis != "Manual"]
		self.assertTrue(all(row.score == 50 for row in computed))
		self.assertTrue(all("default score 50" in row.evidence for row in computed))
		self.assertEqual(doc.recommended_limit, 0)
		self.assertIn("No billing in the history window", doc.limit_note)

	def test_a_score_out_of_range_is_a_clear_error(self):
		doc = make_assessment(self.customer)
		doc.factors[0].score = 130
		with self.assertRaises(InvalidAssessmentError) as caught:
			doc.save()
		self.assertIn("must be between 0 and 100, not 130", str(caught.exception))

	def test_only_a_credit_manager_approves(self):
		doc = make_assessment(self.customer, approved_limit=5000)
		frappe.set_user(make_user("accountant", ["Accounts Manager"]))
		with self.assertRaises((AssessmentApprovalError, frappe.PermissionError)):
			frappe.get_doc("Credit Assessment", doc.name).submit()
		frappe.set_user(make_user("credit-manager", ["Credit Manager", "Accounts User"]))
		approved = frappe.get_doc("Credit Assessment", doc.name)
		approved.submit()
		self.assertEqual(approved.status, "Approved")

	def test_approval_writes_erpnext_limit_payment_terms_and_stamps_the_customer(self):
		with settings_changed():
			settings = frappe.get_single("AR Control Settings")
			for row in settings.credit_grades:
				row.payment_terms_template = "_Test Payment Term Template"
			settings.save()
			doc = make_assessment(self.customer, approved_limit=7500, submit=True)
		self.assertEqual(limit_of(self.customer), 7500)
		customer = frappe.db.get_value(
			"Customer",
			self.customer,
			["ar_credit_grade", "ar_current_assessment", "ar_next_review_date", "payment_terms"],
			as_dict=True,
		)
		self.assertEqual(customer.ar_credit_grade, doc.grade)
		self.assertEqual(customer.ar_current_assessment, doc.name)
		self.assertEqual(customer.ar_next_review_date, getdate(doc.valid_until))
		self.assertEqual(customer.payment_terms, "_Test Payment Term Template")
		# ERPNext's own check now uses the approved limit
		from erpnext.selling.doctype.customer.customer import get_credit_limit

		self.assertEqual(get_credit_limit(self.customer, COMPANY), 7500)

	def test_a_newer_approval_supersedes_and_cancelling_it_restores_the_previous_state(self):
		first = make_assessment(self.customer, "2026-01-15", approved_limit=5000, submit=True)
		second = make_assessment(self.customer, "2026-06-30", approved_limit=9000, submit=True)
		self.assertEqual(frappe.db.get_value("Credit Assessment", first.name, "status"), "Superseded")
		self.assertEqual(limit_of(self.customer), 9000)
		self.assertEqual(second.previous_assessment, first.name)

		second.cancel()
		self.assertEqual(frappe.db.get_value("Credit Assessment", second.name, "status"), "Cancelled")
		self.assertEqual(frappe.db.get_value("Credit Assessment", first.name, "status"), "Approved")
		self.assertEqual(limit_of(self.customer), 5000)
		self.assertEqual(frappe.db.get_value("Customer", self.customer, "ar_current_assessment"), first.name)

		first.reload()
		first.cancel()
		self.assertIsNone(limit_of(self.customer))  # there was no limit before the first approval
		self.assertIsNone(frappe.db.get_value("Customer", self.customer, "ar_credit_grade"))

	def test_cancelling_a_superseded_assessment_changes_nothing_else(self):
		first = make_assessment(self.customer, "2026-01-15", approved_limit=5000, submit=True)
		make_assessment(self.customer, "2026-06-30", approved_limit=9000, submit=True)
		first.reload()
		first.cancel()
		self.assertEqual(limit_of(self.customer), 9000)

	def test_an_approved_limit_of_zero_means_no_credit_and_puts_the_customer_on_hold(self):
		doc = make_assessment(self.customer, submit=True)  # no history: recommended 0
		hold, reason = frappe.db.get_value(
			"Customer", self.customer, ["ar_credit_hold", "ar_credit_hold_reason"]
		)
		self.assertEqual(hold, 1)
		self.assertIn(doc.name, reason)
		later = make_assessment(self.customer, "2026-07-31", approved_limit=3000, submit=True)
		self.assertEqual(frappe.db.get_value("Customer", self.customer, "ar_credit_hold"), 0)
		later.cancel()
		self.assertEqual(frappe.db.get_value("Customer", self.customer, "ar_credit_hold"), 1)

	def test_a_second_company_gets_its_own_limit_row(self):
		make_assessment(self.customer, approved_limit=4000, submit=True)
		make_assessment(self.customer, company="_Test Company 1", approved_limit=600, submit=True)
		self.assertEqual(limit_of(self.customer), 4000)
		self.assertEqual(limit_of(self.customer, "_Test Company 1"), 600)

	def test_refresh_recomputes_behaviour_after_new_payments(self):
		invoice = make_sales_invoice(self.customer, 1000, "2026-03-01", "2026-03-31")
		doc = make_assessment(self.customer)
		self.assertEqual(doc.late_invoices, 1)  # open and 91 days past due
		make_payment(invoice, 1000, "2026-03-30")
		doc.refresh_payment_behaviour()
		self.assertEqual(doc.late_invoices, 0)
		self.assertEqual(next(r.score for r in doc.factors if r.basis == "On-time Share"), 100)


class TestReviewJob(ARTestCase):
	def setUp(self):
		self.customer = make_customer()
		self.manager = make_user("credit-manager", ["Credit Manager"])

	def tearDown(self):
		frappe.flags.current_date = None

	def test_due_reviews_get_one_todo_and_expired_assessments_expire(self):
		doc = make_assessment(
			self.customer, "2026-01-31", approved_limit=2000, submit=True
		)  # valid until 2026-07-31
		with settings_changed(review_notice_days=30, hold_on_expiry=1, credit_manager=self.manager):
			self.assertEqual(review.run("2026-06-30")["assigned"], [])  # 31 days ahead: not yet
			self.assertEqual(review.run("2026-07-01")["assigned"], [doc.name])
			self.assertEqual(review.run("2026-07-02")["assigned"], [])  # already assigned
			todos = frappe.get_all(
				"ToDo",
				filters={"reference_type": "Credit Assessment", "reference_name": doc.name, "status": "Open"},
				pluck="allocated_to",
			)
			self.assertEqual(todos, [self.manager])

			self.assertEqual(review.run("2026-07-31")["expired"], [])  # valid on its last day
			self.assertEqual(review.run("2026-08-01")["expired"], [doc.name])
			self.assertEqual(frappe.db.get_value("Credit Assessment", doc.name, "status"), "Expired")
			hold, reason = frappe.db.get_value(
				"Customer", self.customer, ["ar_credit_hold", "ar_credit_hold_reason"]
			)
			self.assertEqual(hold, 1)
			self.assertIn("expired", reason)
			self.assertEqual(review.run("2026-08-02")["expired"], [])

	def test_expiry_without_the_hold_setting_leaves_the_customer_free(self):
		make_assessment(self.customer, "2026-01-31", approved_limit=2000, submit=True)
		with settings_changed(hold_on_expiry=0):
			review.run("2026-08-01")
		self.assertEqual(frappe.db.get_value("Customer", self.customer, "ar_credit_hold"), 0)

	def test_the_scheduled_entry_point_uses_the_injected_date(self):
		from ar_control.tasks import review_credit_assessments

		doc = make_assessment(self.customer, "2026-01-31", approved_limit=2000, submit=True)
		frappe.flags.current_date = "2026-08-01"
		review_credit_assessments()
		self.assertEqual(frappe.db.get_value("Credit Assessment", doc.name, "status"), "Expired")
