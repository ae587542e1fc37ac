# Copyright (c) 2026, ar_control developers and Contributors
# See license.txt

import frappe

from ar_control.ar_control.doctype.collection_target.collection_target import (
	DuplicateCollectionTargetError,
	InvalidCollectionTargetError,
)
from ar_control.compat import test_record_dependencies
from ar_control.tests.utils import (
	TEST_DEPENDENCIES,
	ARTestCase,
	make_collection_target,
	make_company,
	make_sales_person,
)

globals().update(test_record_dependencies(TEST_DEPENDENCIES))


class TestCollectionTarget(ARTestCase):
	def tearDown(self):
		frappe.db.rollback()

	def test_one_target_per_company_and_sales_person(self):
		person = make_sales_person()
		make_collection_target(person)
		with self.assertRaises(DuplicateCollectionTargetError):
			make_collection_target(person)
		company = make_company()  # its default target is the test's own, whatever the site holds
		make_collection_target(None, company)
		with self.assertRaises(DuplicateCollectionTargetError):
			make_collection_target(None, company)

	def test_limits_are_checked_by_the_core_rules(self):
		with self.assertRaises(InvalidCollectionTargetError):
			make_collection_target(make_sales_person(), overdue_ratio_limit=120)
