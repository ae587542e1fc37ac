"""The data-access layer reads open items from Payment Ledger Entry; the core ages them."""

from decimal import Decimal

from frappe.utils import getdate

from ar_control.compat import test_record_dependencies
from ar_control.core.aging import Basis, Buckets, Stages, age_items
from ar_control.data.receivables import open_items
from ar_control.tests.utils import (
	COMPANY,
	TEST_DEPENDENCIES,
	ARTestCase,
	make_customer,
	make_payment,
	make_sales_invoice,
)

globals().update(test_record_dependencies(TEST_DEPENDENCIES))

AS_OF = getdate("2026-06-30")


class TestOpenItems(ARTestCase):
	def setUp(self):
		self.customer = make_customer()
		# not yet due, due 10 days ago, due 45 days ago (partly paid), due 130 days ago
		self.not_due = make_sales_invoice(self.customer, 1000, "2026-06-20", "2026-07-20")
		self.recent = make_sales_invoice(self.customer, 200, "2026-05-21", "2026-06-20")
		self.partly_paid = make_sales_invoice(self.customer, 500, "2026-04-16", "2026-05-16")
		make_payment(self.partly_paid, 120, "2026-06-01")
		self.old = make_sales_invoice(self.customer, 300, "2026-01-21", "2026-02-20")
		# paid after the as-of date: still open on it
		make_payment(self.old, 300, "2026-07-05")

	def test_open_items_come_from_the_payment_ledger_per_invoice(self):
		items = {item.voucher_no: item for item in open_items(COMPANY, AS_OF, [self.customer])}
		self.assertEqual(
			{name: item.outstanding for name, item in items.items()},
			{
				self.not_due.name: Decimal("1000.00"),
				self.recent.name: Decimal("200.00"),
				self.partly_paid.name: Decimal("380.00"),
				self.old.name: Decimal("300.00"),
			},
		)
		partly = items[self.partly_paid.name]
		self.assertEqual(partly.due_date, getdate("2026-05-16"))
		self.assertEqual(partly.posting_date, getdate("2026-04-16"))
		self.assertEqual(partly.voucher_type, "Sales Invoice")
		self.assertEqual(partly.currency, "INR")

	def test_core_ages_the_ledger_items(self):
		rows = age_items(open_items(COMPANY, AS_OF, [self.customer]), AS_OF, Buckets((30, 60, 90, 120)))
		row = rows[self.customer]
		self.assertEqual(row.outstanding, Decimal("1880.00"))
		self.assertEqual(row.not_due, Decimal("1000.00"))
		# 10 days and 45 days overdue, then 130 days overdue
		self.assertEqual(row.buckets, (Decimal("200.00"), Decimal("380.00"), 0, 0, Decimal("300.00")))
		self.assertEqual(row.stages, (Decimal("1000.00"), Decimal("580.00"), Decimal("300.00")))
		by_posting = age_items(open_items(COMPANY, AS_OF, [self.customer]), AS_OF, basis=Basis.POSTING_DATE)
		self.assertEqual(by_posting[self.customer].not_due, 0)

	def test_payments_after_the_date_count_from_their_own_date(self):
		later = {item.voucher_no for item in open_items(COMPANY, "2026-07-31", [self.customer])}
		self.assertNotIn(self.old.name, later)
		self.assertIn(self.partly_paid.name, later)

	def test_nothing_open_before_the_first_invoice(self):
		self.assertEqual(open_items(COMPANY, "2025-12-31", [self.customer]), [])

	def test_stages_follow_the_configured_coordination_period(self):
		rows = age_items(open_items(COMPANY, AS_OF, [self.customer]), AS_OF, stages=Stages(30))
		self.assertEqual(
			rows[self.customer].stages, (Decimal("1000.00"), Decimal("200.00"), Decimal("680.00"))
		)
