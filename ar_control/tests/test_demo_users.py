"""The demo's users through the REST API: they work in the demo company and read nothing of
another.

The demo's masters are made as ``ar-control demo`` makes them (the company, its customers, the
users with their roles and User Permissions), the users' password the way the desk's button sets
it (its hash stored before the users exist). Then an invoice, its ledger entries and a collection
case in the demo company, and the same in ``_Test Company``. Each demo user logs in and asks for
both: lists, single records, reports and the app's methods. What the user's roles let them read of
the demo they must get; of the other company, nothing. It prints ``demo users: L leaks of P
probes``. Everything is committed (each request has its own connection) and removed at the end,
the demo by ``ar-control demo --remove``'s own code, which must leave nothing.
"""

from __future__ import annotations

import json
from datetime import timedelta

import frappe

from ar_control import utils
from ar_control.collection import cases
from ar_control.compat import test_record_dependencies
from ar_control.demo import api, make, remove
from ar_control.demo import plan as story
from ar_control.tests import processes
from ar_control.tests.rest import PASSWORD, User, resource
from ar_control.tests.utils import (
	COMPANY,
	TEST_DEPENDENCIES,
	ARTestCase,
	make_customer,
	make_sales_invoice,
)

globals().update(test_record_dependencies(TEST_DEPENDENCIES))

# ERPNext's and the app's reports, asked for the other company
OTHER_COMPANY_REPORTS = (
	("AR Aging Analysis", {"group_by": "Voucher"}),
	("Sales Collection KPI", {}),
	("Cash-in Forecast", {"group_by": "Customer"}),
	("Bad Debt Provision", {}),
	("Accounts Receivable", {"ageing_based_on": "Due Date", "range": "30, 60, 90, 120"}),
	("Accounts Receivable Summary", {"ageing_based_on": "Due Date", "range": "30, 60, 90, 120"}),
	("General Ledger", {"group_by": "Group by Voucher (Consolidated)"}),
)


class TestDemoUsers(ARTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		frappe.set_user("Administrator")
		assert not make.exists(), "a demo company exists on this site: remove it before the suite"
		cls.today = utils.today()
		cls.other_customers = []
		try:
			cls.build()
		except Exception:
			cls.tearDownClass()
			raise
		cls.users = {role: User(email) for role, email in cls.demo.users.items()}

	@classmethod
	def build(cls):
		# the password as the desk's button stores it: hashed, before the users exist
		api.set_passwords(PASSWORD)
		cls.demo = make.Demo(story.plan(cls.today), None, lambda line: None)
		cls.demo.masters()
		frappe.db.commit()
		posted, due = cls.today - timedelta(days=40), cls.today - timedelta(days=10)
		cls.demo_customer = cls.demo.plan.customers[0].name
		cls.demo_invoice = make_sales_invoice(
			cls.demo_customer, 1000, str(posted), str(due), company=story.COMPANY
		).name
		cls.other_customer = make_customer("AR Demo Probe Other")
		cls.other_customers.append(cls.other_customer)
		cls.other_invoice = make_sales_invoice(cls.other_customer, 700, str(posted), str(due)).name
		cases.sync(
			cls.today,
			customers=[(cls.demo_customer, story.COMPANY), (cls.other_customer, COMPANY)],
			commit_each=False,
		)
		cls.demo_case = frappe.db.get_value("Collection Case", {"customer": cls.demo_customer})
		cls.other_case = frappe.db.get_value("Collection Case", {"customer": cls.other_customer})
		assert cls.demo_case and cls.other_case
		frappe.db.commit()

	@classmethod
	def tearDownClass(cls):
		frappe.db.rollback()
		frappe.set_user("Administrator")
		lines = []
		if make.exists():
			remove.remove(echo=lines.append)
		cls.left = remove.leftovers()
		processes.purge_customers(cls.other_customers)
		frappe.db.commit()
		super().tearDownClass()
		assert "Nothing of the demo is left." in lines, lines
		assert not cls.left, cls.left

	# --- probing -----------------------------------------------------------------------------------

	def setUp(self):
		self.outcomes: list[tuple[str, bool, bool, str]] = []  # (probe, a leak probe, passed, found)

	def no_leak(self, probe: str, passed: bool, found: object = "") -> None:
		"""A probe of the other company: passed when nothing of it was given."""
		self.outcomes.append((probe, True, passed, str(found)[:300]))

	def check(self, probe: str, passed: bool, found: object = "") -> None:
		"""A probe of the demo: what the user must get."""
		self.outcomes.append((probe, False, passed, str(found)[:300]))

	def listed(self, role: str, doctype: str, field: str, values: list[str]) -> tuple[int, set]:
		response = self.users[role].get(
			resource(doctype),
			{
				"fields": json.dumps([field]),
				"filters": json.dumps([[field, "in", values]]),
				"limit_page_length": 0,
			},
		)
		if response.status_code != 200:
			return response.status_code, set()
		return 200, {row[field] for row in response.json["data"]}

	def test_the_demo_users_read_the_demo_company_and_nothing_of_another(self):
		debtors = frappe.db.get_value(
			"Account", {"company": story.COMPANY, "account_type": "Receivable", "account_currency": "CNY"}
		)
		records = (  # (doctype, field that names it, the demo's, the other company's)
			("Sales Invoice", "name", self.demo_invoice, self.other_invoice),
			("GL Entry", "voucher_no", self.demo_invoice, self.other_invoice),
			("Payment Ledger Entry", "voucher_no", self.demo_invoice, self.other_invoice),
			("Customer", "name", self.demo_customer, self.other_customer),
			("Company", "name", story.COMPANY, COMPANY),
			("Account", "name", debtors, f"Debtors - {frappe.get_cached_value('Company', COMPANY, 'abbr')}"),
			("Collection Case", "name", self.demo_case, self.other_case),
			("Collection Activity", "collection_case", self.demo_case, self.other_case),
		)
		for role, email in self.demo.users.items():
			for doctype, field, mine, theirs in records:
				status, found = self.listed(role, doctype, field, [mine, theirs])
				self.no_leak(f"{role} lists {doctype}: nothing of {COMPANY}", theirs not in found, found)
				# what the roles (and the case's owners) let the user read of the demo, the list shows
				demo_doc = frappe.get_all(doctype, filters={field: mine}, pluck="name", limit=1)[0]
				if frappe.has_permission(doctype, "read", doc=demo_doc, user=email):
					self.check(f"{role} lists {doctype}: the demo's", status == 200 and mine in found, found)
			for doctype, name in (
				("Sales Invoice", self.other_invoice),
				("Customer", self.other_customer),
				("Company", COMPANY),
				("Collection Case", self.other_case),
			):
				response = self.users[role].get(resource(doctype, name))
				self.no_leak(
					f"{role} reads {doctype} {name}", response.status_code >= 400, response.status_code
				)
			self.reports(role)
			response = self.users[role].method(
				"ar_control.api.credit_panel", customer=self.other_customer, company=COMPANY
			)
			self.no_leak(
				f"{role} asks the credit panel of {COMPANY}", response.status_code >= 400, response.text
			)
			defaults = frappe.db.get_default("company", parent=email)
			self.check(f"{role}'s default company", defaults == story.COMPANY, defaults)
		# and the credit manager, who may read everything of the demo, does (the probes bite)
		status, found = self.listed("Credit Manager", "Sales Invoice", "name", [self.demo_invoice])
		self.check("the credit manager sees the demo's invoice", found == {self.demo_invoice}, found)
		self.report()

	def reports(self, role: str) -> None:
		for report, filters in OTHER_COMPANY_REPORTS:
			filters = {
				"company": COMPANY,
				"report_date": str(self.today),
				"as_of_date": str(self.today),
				"from_date": str(self.today - timedelta(days=365)),
				"to_date": str(self.today),
				**filters,
			}
			response = self.users[role].method(
				"frappe.desk.query_report.run", report_name=report, filters=filters
			)
			text = response.text
			leaked = response.status_code == 200 and (
				self.other_customer in text or self.other_invoice in text
			)
			self.no_leak(f"{role} runs {report} for {COMPANY}", not leaked, text)
		# the demo company's aging, for whoever may open it, holds the demo's invoice
		response = self.users[role].method(
			"frappe.desk.query_report.run",
			report_name="AR Aging Analysis",
			filters={"company": story.COMPANY, "group_by": "Voucher"},
		)
		report_roles = {row.role for row in frappe.get_doc("Report", "AR Aging Analysis").roles}
		if report_roles & set(frappe.get_roles(self.demo.users[role])):
			self.check(
				f"{role} runs AR Aging Analysis for the demo",
				response.status_code == 200 and self.demo_invoice in response.text,
				response.text,
			)

	def report(self) -> None:
		leaks = [o for o in self.outcomes if o[1] and not o[2]]
		missed = [o for o in self.outcomes if not o[1] and not o[2]]
		print(
			f"\ndemo users: {len(leaks)} leaks of {sum(o[1] for o in self.outcomes)} probes of {COMPANY},"
			f" {len(missed)} refusals of {sum(not o[1] for o in self.outcomes)} probes of the demo"
		)
		for probe, leak, _passed, found in leaks + missed:
			print(f"  {'LEAK' if leak else 'REFUSED'} {probe}: {found}")
		self.assertEqual([o[0] for o in leaks], [], "the demo's users got something of another company")
		self.assertEqual([o[0] for o in missed], [], "the demo's users were refused the demo's records")
