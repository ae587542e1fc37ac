# Copyright (c) 2026, ar_control developers and Contributors
# See license.txt

"""Credit holds as records: each source sets and releases only its own; nobody rewrites them."""

import frappe

from ar_control.collection import cases
from ar_control.compat import test_record_dependencies
from ar_control.core.holds import HoldSource
from ar_control.credit import holds
from ar_control.credit.check import CreditHoldError
from ar_control.data import holds as data_holds
from ar_control.overrides.customer import CreditFieldPermissionError
from ar_control.records import RecordError
from ar_control.settings import get_settings
from ar_control.tests.utils import (
	COMPANY,
	TEST_DEPENDENCIES,
	ARTestCase,
	make_assessment,
	make_customer,
	make_sales_order,
	make_user,
	put_on_hold,
	set_credit_limit,
	settings_changed,
)

globals().update(test_record_dependencies(TEST_DEPENDENCIES))

OTHER_COMPANY = "_Test Company 1"


def active_sources(customer: str, company: str | None = None) -> list[str]:
	return sorted(hold.source.value for hold in data_holds.active(customer, company))


def customer_hold(customer: str) -> tuple:
	return tuple(
		frappe.db.get_value(
			"Customer", customer, ["ar_credit_hold", "ar_credit_hold_reason", "ar_credit_hold_source"]
		)
	)


class CreditHoldCase(ARTestCase):
	def setUp(self):
		frappe.set_user("Administrator")
		frappe.flags.current_date = "2026-06-30"
		self.customer = make_customer()
		self.manager = make_user("credit-manager", ["Credit Manager"])

	def tearDown(self):
		frappe.set_user("Administrator")
		frappe.flags.current_date = None


class TestSourcesAndCompanies(CreditHoldCase):
	def test_a_hold_of_one_company_blocks_there_and_not_in_another(self):
		set_credit_limit(self.customer, 10000)
		set_credit_limit(self.customer, 10000, OTHER_COMPANY)
		put_on_hold(self.customer, "Cheque bounced", company=COMPANY)
		with self.assertRaises(CreditHoldError):
			make_sales_order(self.customer, 10).submit()
		make_sales_order(self.customer, 10, company=OTHER_COMPANY).submit()
		put_on_hold(self.customer, "Fraud check", company=None)  # every company
		with self.assertRaises(CreditHoldError) as caught:
			make_sales_order(self.customer, 10, company=OTHER_COMPANY).submit()
		self.assertIn("Fraud check", str(caught.exception))
		self.assertNotIn("Cheque bounced", str(caught.exception))

	def test_the_ladder_releases_its_own_hold_and_leaves_a_manual_one(self):
		put_on_hold(self.customer, "Credit manager decision", company=None)
		holds.place(self.customer, COMPANY, HoldSource.COLLECTION_LADDER, "Invoices 30 days overdue")
		self.assertEqual(active_sources(self.customer, COMPANY), ["Collection Ladder", "Manual"])
		# nothing of the customer is overdue: the ladder lets go of its hold, only of its hold
		released = cases.release_ladder_holds(
			frappe.utils.getdate("2026-06-30"), get_settings(), [(self.customer, COMPANY)]
		)
		self.assertEqual(released, [(self.customer, COMPANY)])
		self.assertEqual(active_sources(self.customer, COMPANY), ["Manual"])
		on_hold, reason, source = customer_hold(self.customer)
		self.assertEqual((on_hold, source), (1, "Manual"))
		self.assertIn("Credit manager decision", reason)

	def test_placing_the_same_hold_twice_is_one_hold(self):
		first = holds.place(self.customer, COMPANY, HoldSource.COLLECTION_LADDER, "30 days")
		self.assertIsNone(holds.place(self.customer, COMPANY, HoldSource.COLLECTION_LADDER, "30 days"))
		self.assertEqual([hold.name for hold in data_holds.active(self.customer)], [first])

	def test_the_customer_shows_every_active_hold_and_nothing_once_all_are_released(self):
		manual = put_on_hold(self.customer, "Legal dispute", company=None)
		ladder = holds.place(self.customer, COMPANY, HoldSource.COLLECTION_LADDER, "60 days overdue")
		on_hold, reason, source = customer_hold(self.customer)
		self.assertEqual((on_hold, source), (1, "Collection Ladder, Manual"))
		self.assertIn("Legal dispute", reason)
		self.assertIn("60 days overdue", reason)
		holds.release(manual, "Settled out of court")
		holds.release(ladder, "Paid")
		self.assertEqual(customer_hold(self.customer), (0, None, None))
		released = frappe.get_doc("Credit Hold", manual)
		self.assertEqual((released.status, released.release_reason), ("Released", "Settled out of court"))
		self.assertEqual(released.released_by, "Administrator")


class TestAssessments(CreditHoldCase):
	def test_cancelling_an_assessment_releases_only_the_hold_it_set(self):
		zero = make_assessment(self.customer, approved_limit=0, submit=True)
		self.assertEqual(active_sources(self.customer, COMPANY), ["No Credit"])
		put_on_hold(self.customer, "Cheque bounced after the assessment")
		zero.reload()
		zero.cancel()
		# the no-credit hold goes with its assessment; the Credit Manager's stays
		self.assertEqual(active_sources(self.customer, COMPANY), ["Manual"])
		with self.assertRaises(CreditHoldError):
			make_sales_order(self.customer, 10).submit()

	def test_cancelling_an_approval_keeps_a_hold_the_ladder_set_after_it(self):
		approved = make_assessment(self.customer, approved_limit=5000, submit=True)
		holds.place(self.customer, COMPANY, HoldSource.COLLECTION_LADDER, "30 days overdue")
		approved.reload()
		approved.cancel()
		self.assertEqual(active_sources(self.customer, COMPANY), ["Collection Ladder"])

	def test_a_newer_approval_ends_the_old_no_credit_hold_and_its_cancel_brings_it_back(self):
		zero = make_assessment(self.customer, approved_limit=0, submit=True)
		later = make_assessment(self.customer, "2026-07-31", approved_limit=3000, submit=True)
		self.assertEqual(active_sources(self.customer), [])
		later.cancel()
		restored = data_holds.active(self.customer, COMPANY)
		self.assertEqual([(h.source, h.reference) for h in restored], [(HoldSource.NO_CREDIT, zero.name)])


class TestWhoMayChangeHolds(CreditHoldCase):
	def test_only_a_credit_manager_places_and_releases_by_hand_with_a_reason(self):
		seller = make_user("seller", ["Sales User"])
		frappe.set_user(seller)
		with self.assertRaises(holds.CreditHoldPermissionError):
			holds.put_on_hold(self.customer, COMPANY, "I say so")
		frappe.set_user(self.manager)
		with self.assertRaises(frappe.ValidationError):
			holds.put_on_hold(self.customer, COMPANY, "   ")
		name = holds.put_on_hold(self.customer, COMPANY, "Customer in administration")
		with self.assertRaises(holds.InvalidCreditHoldError):  # one manual hold per scope
			holds.put_on_hold(self.customer, COMPANY, "Again")
		frappe.set_user(seller)
		with self.assertRaises(holds.CreditHoldPermissionError):
			holds.release_hold(name, "Customer called")
		frappe.set_user(self.manager)
		holds.release_hold(name, "Administrator paid the debts")
		with self.assertRaises(holds.InvalidCreditHoldError):
			holds.release_hold(name, "Twice")

	def test_the_hold_is_logged_on_the_open_case(self):
		case = frappe.get_doc({"doctype": "Collection Case", "customer": self.customer, "company": COMPANY})
		case.flags.from_sync = True
		case.insert(ignore_permissions=True)
		name = put_on_hold(self.customer, "Goods returned unpaid")
		summaries = frappe.get_all(
			"Collection Activity", filters={"collection_case": case.name}, pluck="summary"
		)
		self.assertTrue(any(name in line and "Goods returned unpaid" in line for line in summaries))

	def test_nobody_lifts_a_hold_by_editing_the_customer(self):
		put_on_hold(self.customer, "Overdue")
		for user in (make_user("seller", ["Sales User"]), self.manager, "Administrator"):
			frappe.set_user(user)
			doc = frappe.get_doc("Customer", self.customer)
			doc.ar_credit_hold = 0
			with self.assertRaises(CreditFieldPermissionError):
				doc.save(ignore_permissions=True)
		frappe.set_user("Administrator")
		self.assertEqual(customer_hold(self.customer)[0], 1)

	def test_a_hold_record_is_never_edited_or_deleted(self):
		name = put_on_hold(self.customer, "Overdue")
		doc = frappe.get_doc("Credit Hold", name)
		doc.reason = "Something nicer"
		with self.assertRaises(RecordError):
			doc.save(ignore_permissions=True)
		with self.assertRaises(RecordError):
			frappe.delete_doc("Credit Hold", name, ignore_permissions=True, force=True)
		with self.assertRaises(RecordError):
			frappe.get_doc(
				{"doctype": "Credit Hold", "customer": self.customer, "source": "Manual", "reason": "by hand"}
			).insert(ignore_permissions=True)


class TestCreditFields(CreditHoldCase):
	def test_only_credit_roles_change_the_credit_limits(self):
		seller = make_user("seller", ["Sales User"])
		frappe.set_user(seller)
		doc = frappe.get_doc("Customer", self.customer)
		doc.append("credit_limits", {"company": COMPANY, "credit_limit": 10**9})
		with self.assertRaises(CreditFieldPermissionError):
			doc.save()
		frappe.set_user(self.manager)
		doc = frappe.get_doc("Customer", self.customer)
		doc.append("credit_limits", {"company": COMPANY, "credit_limit": 5000})
		doc.save(ignore_permissions=True)  # a Credit Manager holds no Customer write role of ERPNext's
		self.assertEqual(
			frappe.db.get_value("Customer Credit Limit", {"parent": self.customer}, "credit_limit"), 5000
		)

	def test_only_managers_reassign_the_collector(self):
		seller = make_user("seller", ["Sales User"])
		frappe.set_user(seller)
		doc = frappe.get_doc("Customer", self.customer)
		doc.ar_collector = seller
		with self.assertRaises(CreditFieldPermissionError):
			doc.save()
		frappe.set_user(make_user("accounts-manager", ["Accounts Manager"]))
		doc = frappe.get_doc("Customer", self.customer)
		doc.ar_collector = self.manager
		doc.save(ignore_permissions=True)


class TestMigration(CreditHoldCase):
	def test_holds_of_the_earlier_version_become_records(self):
		from ar_control.patches import credit_holds_as_records

		manual, ladder = self.customer, make_customer()
		frappe.db.set_value(
			"Customer",
			manual,
			{"ar_credit_hold": 1, "ar_credit_hold_reason": "Set by hand", "ar_credit_hold_source": None},
		)
		case = frappe.get_doc({"doctype": "Collection Case", "customer": ladder, "company": COMPANY})
		case.flags.from_sync = True
		case.insert(ignore_permissions=True)
		frappe.db.set_value(
			"Customer",
			ladder,
			{
				"ar_credit_hold": 1,
				"ar_credit_hold_reason": "Ladder",
				"ar_credit_hold_source": "Collection Ladder",
			},
		)
		with settings_changed():
			credit_holds_as_records.execute()
			credit_holds_as_records.execute()  # a second run adds nothing
		self.assertEqual(
			[(h.source, h.company) for h in data_holds.active(manual)], [(HoldSource.MANUAL, None)]
		)
		self.assertEqual(
			[(h.source, h.company) for h in data_holds.active(ladder)],
			[(HoldSource.COLLECTION_LADDER, COMPANY)],
		)
