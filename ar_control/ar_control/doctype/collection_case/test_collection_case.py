# Copyright (c) 2026, ar_control developers and Contributors
# See license.txt

"""The case form's two views: its invoices, still owed first, and its evidence file."""

import frappe

from ar_control.ar_control.doctype.collection_case.collection_case import evidence, order_invoices
from ar_control.collection import cases
from ar_control.compat import test_record_dependencies, test_record_ignores
from ar_control.tests.utils import (
	COMPANY,
	TEST_DEPENDENCIES,
	ARTestCase,
	make_customer,
	make_payment,
	make_sales_invoice,
	make_user,
)

globals().update(test_record_dependencies(TEST_DEPENDENCIES))
# the invoices are the tests' own: ERPNext's Sales Invoice test records reach, through its link
# graph, hash-named Item Prices that Frappe 16 makes again on every run (its record log is cleared
# at each start) and then refuses as duplicates on a site that has run the suite before
globals().update(test_record_ignores(["Sales Invoice"]))

TODAY = "2026-09-01"


class TestCollectionCase(ARTestCase):
	def setUp(self):
		frappe.set_user("Administrator")
		frappe.flags.current_date = TODAY
		self.collector = make_user("evidence-collector", ["Collector"])
		self.customer = make_customer("AR Evidence")
		frappe.db.set_value("Customer", self.customer, "ar_collector", self.collector)
		self.old = make_sales_invoice(self.customer, 300, "2026-05-01", "2026-06-01")
		self.newer = make_sales_invoice(self.customer, 500, "2026-06-01", "2026-07-01")
		self.oldest = make_sales_invoice(self.customer, 200, "2026-04-01", "2026-05-01")
		cases.sync(TODAY, customers=[(self.customer, COMPANY)], commit_each=False)
		self.case = frappe.db.get_value("Collection Case", {"customer": self.customer})

	def tearDown(self):
		frappe.flags.current_date = None
		frappe.set_user("Administrator")

	def rows(self) -> list[tuple[str, float]]:
		doc = frappe.get_doc("Collection Case", self.case)
		return [(row.sales_invoice, row.outstanding_amount, row.idx) for row in doc.invoices]

	def test_the_invoices_still_owed_come_first_the_paid_ones_last_each_by_due_date(self):
		self.assertEqual(
			self.rows(), [(self.oldest.name, 200, 1), (self.old.name, 300, 2), (self.newer.name, 500, 3)]
		)
		make_payment(self.oldest, 200, TODAY)  # the case syncs after the payment's commit
		cases.sync(TODAY, customers=[(self.customer, COMPANY)], commit_each=False)
		self.assertEqual(
			self.rows(), [(self.old.name, 300, 1), (self.newer.name, 500, 2), (self.oldest.name, 0, 3)]
		)

	def test_order_invoices_sorts_rows_in_memory_and_renumbers_them(self):
		doc = frappe.get_doc(
			{
				"doctype": "Collection Case",
				"invoices": [
					{"sales_invoice": "B", "due_date": "2026-02-01", "outstanding_amount": 0},
					{"sales_invoice": "C", "due_date": "2026-03-01", "outstanding_amount": 10},
					{"sales_invoice": "A", "due_date": "2026-01-01", "outstanding_amount": 0},
					{"sales_invoice": "D", "due_date": "2026-01-15", "outstanding_amount": 5},
				],
			}
		)
		order_invoices(doc)
		self.assertEqual(
			[(r.sales_invoice, r.idx) for r in doc.invoices], [("D", 1), ("C", 2), ("A", 3), ("B", 4)]
		)

	def test_the_evidence_file_lists_the_case_activities_newest_first_with_who_what_and_next(self):
		for when, summary, outcome, next_action in (
			("2026-08-20 09:00:00", "First call", "No answer", "2026-08-22"),
			("2026-08-22 10:00:00", "Second call", "Promised to pay", "2026-08-30"),
		):
			frappe.get_doc(
				{
					"doctype": "Collection Activity",
					"collection_case": self.case,
					"activity_type": "Call",
					"activity_date": when,
					"user": self.collector,
					"summary": summary,
					"outcome": outcome,
					"next_action_date": next_action,
					"sales_invoice": self.old.name,
				}
			).insert(ignore_permissions=True)
		found = evidence(self.case)
		calls = [e for e in found["entries"] if e.activity_type == "Call"]
		self.assertEqual([e.summary for e in calls], ["Second call", "First call"])
		self.assertEqual(calls[0].outcome, "Promised to pay")
		self.assertEqual(str(calls[0].next_action_date), "2026-08-30")
		self.assertEqual(calls[0].user, self.collector)
		self.assertEqual(calls[0].user_fullname, "evidence-collector")
		self.assertEqual(calls[0].sales_invoice, self.old.name)
		dates = [e.activity_date for e in found["entries"]]
		self.assertEqual(dates, sorted(dates, reverse=True))
		self.assertFalse(found["more"])
		# a limit shows the newest and says there is more
		limited = evidence(self.case, limit=1)
		self.assertEqual(len(limited["entries"]), 1)
		self.assertTrue(limited["more"])

	def test_the_evidence_file_is_read_only_by_who_may_read_the_case(self):
		frappe.set_user(self.collector)  # the case's collector
		self.assertTrue(evidence(self.case)["entries"])
		frappe.set_user("Administrator")
		stranger = make_user("evidence-stranger", ["Collector"])  # a collector of other cases
		frappe.set_user(stranger)
		with self.assertRaises(frappe.PermissionError):
			evidence(self.case)
		with self.assertRaises(frappe.PermissionError):
			evidence("CC-NO-SUCH-CASE")
