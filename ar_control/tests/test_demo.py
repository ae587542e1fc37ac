"""The demo's guards: who may start it, what --remove refuses, where its password goes, what it
asks on a site that keeps books; the benchmark's refusal of a site that is not a test site. (The
whole demo, made, browsed and removed, is `.ci/run`'s browser step: it takes minutes; its users'
permissions are `test_demo_users`.)"""

from unittest import mock

import frappe
from frappe.utils.password import check_password, update_password

from ar_control.compat import test_record_dependencies
from ar_control.demo import make, plan, remove
from ar_control.tests.rest import PASSWORD, User
from ar_control.tests.utils import (
	COMPANY,
	TEST_DEPENDENCIES,
	ARTestCase,
	make_company,
	make_customer,
	make_sales_invoice,
)

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


class TestDemoSafety(ARTestCase):
	"""No password in any document, the confirmation on a site that keeps books, and the
	benchmark's refusal of a site that is not a test site."""

	PASSWORD = "Demo-Safety-Probe-2026!"

	def setUp(self):
		frappe.set_user("Administrator")

	def books_of_another_company(self) -> str:
		"""A company that has posted something (and is not one of ERPNext's test companies)."""
		company = make_company("AR Books")
		customer = make_customer("AR Books Customer")
		make_sales_invoice(customer, 100, "2026-06-01", company=company)
		return company

	def cli(self, *args: str):
		"""``bench --site SITE ar-control ARGS`` in this process and its transaction."""
		from click.testing import CliRunner

		from ar_control import commands

		with (
			mock.patch.object(frappe, "init"),
			mock.patch.object(frappe, "connect"),
			mock.patch.object(frappe, "destroy"),
		):
			return CliRunner().invoke(
				commands.ar_control, list(args), obj=frappe._dict(sites=[frappe.local.site], profile=False)
			)

	def test_the_demo_says_what_its_users_see_and_asks_on_a_site_that_keeps_books(self):
		company = self.books_of_another_company()
		self.assertIn(company, make.other_companies())
		self.assertFalse([c for c in make.other_companies() if c.startswith("_Test")])
		with mock.patch.object(make, "make") as made:
			result = self.cli("demo")
			self.assertNotEqual(result.exit_code, 0)
			self.assertIn(company, result.output, repr(result.exception))
			self.assertIn("User Permissions restrict them to", result.output)
			self.assertIn("--yes", result.output)
			made.assert_not_called()
			made.return_value = {"exists": False}
			result = self.cli("demo", "--yes")
			self.assertEqual(result.exit_code, 0, result.output)
			password = made.call_args.kwargs["password"]
			self.assertGreaterEqual(len(password), 12)
			self.assertIn(f"Password of the demo users: {password}", result.output)

	def test_the_benchmark_refuses_a_site_that_is_not_a_test_site_unless_told_yes(self):
		from ar_control.benchmarks import scale

		with mock.patch.dict(frappe.local.conf, {"allow_tests": 0}), mock.patch.object(scale, "run") as ran:
			result = self.cli("benchmark", "--invoices", "10")
			self.assertNotEqual(result.exit_code, 0)
			self.assertIn("is not a test site", result.output, repr(result.exception))
			ran.assert_not_called()
			result = self.cli("benchmark", "--invoices", "10", "--yes")
			self.assertEqual(result.exit_code, 0, result.output)
			ran.assert_called_once_with(10, 3, shapes=("standard",), cold_command=None)
		with mock.patch.dict(frappe.local.conf, {"allow_tests": 1}), mock.patch.object(scale, "run") as ran:
			self.assertEqual(self.cli("benchmark", "--invoices", "10").exit_code, 0)
			ran.assert_called_once()

	def test_the_desk_button_keeps_the_password_out_of_the_job_and_every_document(self):
		from ar_control.demo import api

		with self.assertRaises(frappe.ValidationError):
			api.make_demo(password="short")
		company = self.books_of_another_company()
		with (
			mock.patch.object(frappe.db, "commit"),
			mock.patch.object(api, "enqueue") as enqueued,
		):
			answer = api.make_demo(password=self.PASSWORD)
			self.assertIn(company, answer["confirm"])
			enqueued.assert_not_called()
			self.assertFalse(self.stored_passwords())
			answer = api.make_demo(password=self.PASSWORD, confirm=1)
			self.assertIn("being made in the background", answer["message"])
			enqueued.assert_called_once_with("make")
		# the users the demo is about to make log in with it (Frappe keeps its hash)
		for email in make.user_emails():
			check_password(email, self.PASSWORD)

		# the job: what it tells the System Manager names the users, never the password
		def fake_make(**kwargs):
			self.assertIsNone(kwargs.get("password"))
			demo = make.Demo(plan.plan(frappe.utils.getdate()), kwargs.get("password"), kwargs["echo"])
			demo.users = {"Credit Manager": make.user_emails()[0]}
			demo.summary()

		with mock.patch.object(frappe.db, "commit"), mock.patch.object(make, "make", side_effect=fake_make):
			api.run("make", "Administrator")
		log = frappe.get_all(
			"Notification Log",
			filters={"for_user": "Administrator", "subject": "AR Control demo"},
			fields=["email_content"],
			order_by="creation desc",
			limit=1,
		)[0]
		self.assertIn(make.user_emails()[0], log.email_content)
		self.assertNotIn(self.PASSWORD, log.email_content)
		# no document of the site holds the password, in any text field of any DocType (the search
		# itself finds a text it is shown)
		self.assertEqual(documents_containing(self.PASSWORD), [])
		marker = f"AR-probe-{frappe.generate_hash(length=10)}"
		frappe.get_doc({"doctype": "ToDo", "description": f"a note with {marker}"}).insert()
		self.assertEqual(documents_containing(marker), ["ToDo"])

	def stored_passwords(self) -> list[str]:
		auth = frappe.qb.Table("__Auth")
		return (
			frappe.qb.from_(auth).select(auth.name).where(auth.name.isin(make.user_emails())).run(pluck=True)
		)


def documents_containing(text: str) -> list[str]:
	"""The DocTypes with a row whose text fields hold ``text`` (the site's own search, SQL)."""
	found = []
	for doctype in frappe.get_all("DocType", filters={"issingle": 0, "is_virtual": 0}, pluck="name"):
		if not frappe.db.table_exists(doctype):
			continue
		fields = [
			df.fieldname
			for df in frappe.get_meta(doctype).fields
			if df.fieldtype
			in ("Data", "Small Text", "Text", "Long Text", "Text Editor", "HTML Editor", "Code")
			and frappe.db.has_column(doctype, df.fieldname)
		]
		if (
			fields
			and frappe.db.exists(doctype, {"name": ("is", "set")})
			and frappe.get_all(doctype, or_filters={f: ("like", f"%{text}%") for f in fields}, limit=1)
		):
			found.append(doctype)
	return found
