# Copyright (c) 2026, ar_control developers and Contributors
# See license.txt

import frappe
from frappe.utils import getdate

from ar_control.ar_control.doctype.collection_activity.collection_activity import AppendOnlyError
from ar_control.compat import test_record_dependencies, test_record_ignores
from ar_control.tests.test_collection import CollectionCase, case_of
from ar_control.tests.utils import TEST_DEPENDENCIES

globals().update(test_record_dependencies(TEST_DEPENDENCIES))
# the invoices and Dunnings are the tests' own: ERPNext's test records of either reach, through
# their link graph, hash-named Item Prices that Frappe 16 makes again on every run (its record log
# is cleared at each start) and then refuses as duplicates on a site that has run the suite before
globals().update(test_record_ignores(["Sales Invoice", "Dunning"]))


class TestCollectionActivity(CollectionCase):
	def test_the_activity_log_is_append_only(self):
		self.run_on("2026-06-02")
		case = case_of(self.customer)
		frappe.set_user(self.collector)
		entry = frappe.get_doc(
			{
				"doctype": "Collection Activity",
				"collection_case": case.name,
				"activity_type": "Call",
				"summary": "Spoke to the accountant; payment run on Friday",
				"outcome": "Promise",
				"next_action_date": "2026-06-06",
			}
		).insert()
		self.assertEqual(entry.user, self.collector)
		self.assertEqual(
			getdate(frappe.db.get_value("Collection Case", case.name, "follow_up_date")),
			getdate("2026-06-06"),
		)
		entry.summary = "Something else"
		with self.assertRaises(frappe.PermissionError):  # no role may write an activity
			entry.save()
		entry.flags.ignore_permissions = True
		with self.assertRaises(AppendOnlyError):  # and the record refuses it even so
			entry.save()
		with self.assertRaises((AppendOnlyError, frappe.PermissionError)):
			frappe.delete_doc("Collection Activity", entry.name)
		frappe.set_user("Administrator")
		frappe.delete_doc("Collection Activity", entry.name)  # a System Manager may
