"""The demo's guards: who may start it, what --remove refuses. (The whole demo, made, browsed and
removed, is `.ci/run`'s browser step: it takes minutes.)"""

import frappe
from frappe.utils.password import update_password

from ar_control.compat import test_record_dependencies
from ar_control.demo import make, plan, remove
from ar_control.tests.rest import PASSWORD, User
from ar_control.tests.utils import COMPANY, TEST_DEPENDENCIES, ARTestCase

globals().update(test_record_dependencies(TEST_DEPENDENCIES))


class TestDemoGuards(ARTestCase):
	def test_remove_refuses_any_company_but_the_demo(self):
		with self.assertRaises(frappe.ValidationError) as caught:
			remove.remove(COMPANY, echo=lambda line: None)
		self.assertIn(plan.COMPANY, str(caught.exception))
		self.assertTrue(frappe.db.exists("Company", COMPANY))

	def test_without_a_demo_remove_says_so_and_does_nothing(self):
		lines = []
		self.assertFalse(make.exists())
		self.assertEqual(remove.remove(echo=lines.append), {"removed": False})
		self.assertEqual(lines, [f"There is no demo company {plan.COMPANY}: nothing to remove."])

	def test_only_a_system_manager_may_start_the_demo_from_the_settings(self):
		email = f"ar-demo-{frappe.generate_hash(length=6)}@ar-control.test"
		user = frappe.get_doc(
			{"doctype": "User", "email": email, "first_name": "Demo Probe", "send_welcome_email": 0}
		).insert(ignore_permissions=True)
		user.add_roles("Credit Manager", "Accounts Manager", "Sales Manager")
		update_password(email, PASSWORD)
		frappe.db.commit()
		try:
			client = User(email)
			for method in ("make_demo", "remove_demo"):
				response = client.method(f"ar_control.demo.api.{method}")
				self.assertEqual(response.status_code, 403, response.text)
				self.assertIn("Only a System Manager may make or remove the demo company.", response.text)
			self.assertFalse(make.exists())
		finally:
			frappe.delete_doc("User", email, force=True, ignore_permissions=True)
			frappe.db.commit()
