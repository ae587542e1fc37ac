"""The permission model, probed through the real request stack as each role.

Every user logs in with a password and calls the REST API (``/api/resource``, ``/api/method``)
through Frappe's WSGI application, as the desk does. Two kinds of probes:

- **cells**: for every DocType of the app, every role and every right (read, create, write,
  delete, submit), what the DocType's permissions promise (the same table the README shows, which
  a contract test keeps equal to the DocType JSON) is what the request gets: a right granted
  answers 2xx, a right withheld answers 403 or 417 and changes nothing;
- **rules**: what no permission table shows: row-level rules (a sales user sees the cases of
  their own customers, case rows follow their case), User Permissions on Customer and Company in
  reports and cards, the credit fields of the Customer, the app's whitelisted methods.

It prints ``permission matrix: L leaks of P probes`` (a leak: a request that should have been
refused succeeded) and fails on any probe that did not answer as it should. The fixture is
committed (each request runs in its own connection) and purged at the end.
"""

from __future__ import annotations

import json
from pathlib import Path

import frappe
from frappe.utils.password import update_password

from ar_control import records
from ar_control.collection import ladder
from ar_control.compat import test_record_dependencies
from ar_control.core.holds import HoldSource
from ar_control.credit import holds
from ar_control.tests import processes
from ar_control.tests.rest import PASSWORD, User, resource
from ar_control.tests.utils import (
	COMPANY,
	TEST_DEPENDENCIES,
	ARTestCase,
	make_customer,
	make_sales_invoice,
	make_sales_person,
	sales_team,
	settings_changed,
)

globals().update(test_record_dependencies(TEST_DEPENDENCIES))

APP = Path(__file__).resolve().parent.parent / "ar_control" / "doctype"
# The columns of the README's table, each probed as a user holding that role alone
ROLE_USERS = {
	"System Manager": "system_manager",
	"Credit Manager": "credit_manager",
	"Accounts Manager": "accounts_manager",
	"Accounts User": "accounts_user",
	"Sales Manager": "sales_manager",
	"Sales User": "sales_x",
	"Collector": "collector",
	"Auditor": "auditor",
}
RIGHTS = ("read", "create", "write", "delete", "submit")
RUN = "2025-03-20"  # the ladder's day: X's and Y's invoices are 19 days overdue


def declared_permissions() -> dict[str, dict[str, set[str]]]:
	"""{DocType: {role: rights}} from the app's DocType JSON (permission level 0)."""
	found = {}
	for path in sorted(APP.glob("*/*.json")):
		if path.stem != path.parent.name:
			continue
		meta = json.loads(path.read_text())
		if meta.get("istable"):
			continue
		rights: dict[str, set[str]] = {}
		for perm in meta.get("permissions", []):
			if perm.get("permlevel", 0) == 0:
				rights.setdefault(perm["role"], set()).update(r for r in RIGHTS if perm.get(r))
		found[meta["name"]] = rights
	return found


class TestPermissionMatrix(ARTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		frappe.set_user("Administrator")
		cls.made = {"customers": [], "users": [], "sales_persons": [], "employees": [], "extra": []}
		cls.build()
		frappe.db.commit()
		cls.users = {key: User(email) for key, email in cls.emails.items()}

	@classmethod
	def tearDownClass(cls):
		frappe.db.rollback()
		runs = [name for doctype, name in cls.made["extra"] if doctype == "Provision Run"]
		for journal in frappe.get_all(
			"Provision Run", filters={"name": ("in", runs or [""])}, pluck="journal_entry"
		):
			if journal:
				frappe.db.delete("GL Entry", {"voucher_no": journal})
				frappe.db.delete("Journal Entry Account", {"parent": journal})
				frappe.db.delete("Journal Entry", {"name": journal})
		for child in ("Provision Run Line", "Provision Run Band"):
			frappe.db.delete(child, {"parent": ("in", runs or [""])})
		cls.provision.__exit__(None, None, None)
		for doctype, name in reversed(cls.made["extra"]):
			frappe.db.delete(doctype, {"name": name})
			frappe.db.delete("Credit Assessment Factor", {"parent": name})
		frappe.db.delete("Credit Assessment", {"customer": ("in", cls.made["customers"] or [""])})
		frappe.db.commit()  # purge_customers starts with a rollback
		processes.purge_customers(cls.made["customers"])
		frappe.db.delete("Sales Person", {"name": ("in", cls.made["sales_persons"] or [""])})
		frappe.db.delete("Employee", {"user_id": ("in", cls.made["users"] or [""])})
		frappe.db.delete("User Permission", {"user": ("in", cls.made["users"] or [""])})
		for user in cls.made["users"]:
			frappe.delete_doc("User", user, force=True, ignore_permissions=True)
		frappe.db.commit()
		super().tearDownClass()

	# --- the fixture -------------------------------------------------------------------------------

	@classmethod
	def build(cls):
		cls.emails = {}
		for role, key in ROLE_USERS.items():
			cls.emails[key] = cls.make_user(key, [role])
		cls.emails["sales_y"] = cls.make_user("sales_y", ["Sales User"])
		person_x = make_sales_person(user=cls.emails["sales_x"])
		person_y = make_sales_person(user=cls.emails["sales_y"])
		cls.made["sales_persons"] += [person_x, person_y]
		cls.x, cls.y = make_customer("AR Matrix X"), make_customer("AR Matrix Y")
		cls.made["customers"] += [cls.x, cls.y]
		for customer, person in ((cls.x, person_x), (cls.y, person_y)):
			doc = frappe.get_doc("Customer", customer)
			doc.append("sales_team", {"sales_person": person, "allocated_percentage": 100})
			doc.save(ignore_permissions=True)
		frappe.db.set_value("Customer", cls.x, "ar_collector", cls.emails["collector"])
		frappe.db.set_value("Customer", cls.y, "ar_finance_owner", cls.emails["accounts_user"])
		cls.invoice_x = make_sales_invoice(
			cls.x, 700, "2025-02-01", "2025-03-01", sales_team=sales_team((person_x, 100))
		).name
		cls.invoice_y = make_sales_invoice(
			cls.y, 400, "2025-02-01", "2025-03-01", sales_team=sales_team((person_y, 100))
		).name
		frappe.flags.current_date = RUN
		try:
			ladder.run(RUN)
		finally:
			frappe.flags.current_date = None
		cls.case_x = frappe.db.get_value("Collection Case", {"customer": cls.x}, "name")
		cls.case_y = frappe.db.get_value("Collection Case", {"customer": cls.y}, "name")
		# the collector may see customer X's receivables only
		frappe.get_doc(
			{
				"doctype": "User Permission",
				"user": cls.emails["collector"],
				"allow": "Customer",
				"for_value": cls.x,
			}
		).insert(ignore_permissions=True)
		cls.hold_x = holds.place(cls.x, COMPANY, HoldSource.MANUAL, "Matrix probe hold")
		# Provision Runs need the company's provision policy; each run probed gets a later date
		cls.provision = settings_changed(provision_policies=[cls.provision_policy()])
		cls.provision.__enter__()
		cls.run_dates = iter(frappe.utils.add_days(RUN, day) for day in range(1, 400))

	@classmethod
	def provision_policy(cls) -> dict:
		accounts = {}
		for key, name, parent, root in (
			("allowance_account", "AR Matrix Allowance", "Accounts Receivable - _TC", "Asset"),
			("expense_account", "AR Matrix Bad Debts", "Indirect Expenses - _TC", "Expense"),
		):
			account = f"{name} - _TC"
			if not frappe.db.exists("Account", account):
				frappe.get_doc(
					{
						"doctype": "Account",
						"account_name": name,
						"parent_account": parent,
						"company": COMPANY,
						"root_type": root,
						"is_group": 0,
					}
				).insert(ignore_permissions=True)
			accounts[key] = account
		return {"company": COMPANY, "method": "Aging Matrix", **accounts}

	@classmethod
	def make_user(cls, key: str, roles: list[str]) -> str:
		email = f"ar-matrix-{key.replace('_', '-')}-{frappe.generate_hash(length=5)}@ar-control.test"
		user = frappe.get_doc(
			{
				"doctype": "User",
				"email": email,
				"first_name": key,
				"send_welcome_email": 0,
				"user_type": "System User",
			}
		).insert(ignore_permissions=True)
		user.add_roles(*roles)
		update_password(email, PASSWORD)
		cls.made["users"].append(email)
		return email

	@classmethod
	def record(cls, values: dict) -> str:
		"""A record made by the app (the probes may try to rewrite or delete it)."""
		name = records.new(values).insert(ignore_permissions=True).name
		cls.made["extra"].append((values["doctype"], name))
		return name

	def fresh(self, doctype: str) -> str:
		"""A record of ``doctype`` for one write or delete probe, committed."""
		frappe.set_user("Administrator")
		if doctype == "Credit Override Log":
			name = self.record(
				{"doctype": doctype, "customer": self.x, "company": COMPANY, "override_reason": "probe"}
			)
		elif doctype == "Collection Step Log":
			key = frappe.generate_hash(length=8)
			name = self.record(
				{
					"doctype": doctype,
					"step_key": f"probe|{key}",
					"sales_invoice": self.invoice_x,
					"level": f"probe-{key}",
					"customer": self.x,
					"company": COMPANY,
					"collection_case": self.case_x,
					"outcome": "Done",
				}
			)
		elif doctype == "Collection KPI Snapshot":
			name = self.record(
				{
					"doctype": doctype,
					"company": COMPANY,
					"period_start": "2024-01-01",
					"period_end": "2024-01-31",
				}
			)
		elif doctype == "Collection Link":  # a link to X's page, as a reminder makes it
			from ar_control.collection import links

			key = links.make(self.x, COMPANY, "probe").rsplit("key=", 1)[1]
			from ar_control.core.portal import digest

			name = frappe.db.get_value(doctype, {"token_hash": digest(key)})
			self.made["extra"].append((doctype, name))
		elif doctype == "Credit Hold":
			name = holds.place(make_customer("AR Matrix Held"), COMPANY, HoldSource.MANUAL, "probe")
			self.made["customers"].append(frappe.db.get_value("Credit Hold", name, "customer"))
		elif doctype == "Collection Activity":
			name = (
				frappe.get_doc(
					{
						"doctype": doctype,
						"collection_case": self.case_x,
						"activity_type": "Note",
						"summary": "probe",
					}
				)
				.insert(ignore_permissions=True)
				.name
			)
		elif doctype == "Collection Case":
			customer = make_customer("AR Matrix Case")
			self.made["customers"].append(customer)
			case = frappe.get_doc({"doctype": doctype, "customer": customer, "company": COMPANY})
			case.flags.from_sync = True
			name = case.insert(ignore_permissions=True).name
		elif doctype == "Collection Target":
			name = frappe.get_doc(self.target_values()).insert(ignore_permissions=True).name
			self.made["extra"].append((doctype, name))
		elif doctype == "Credit Assessment":
			name = frappe.get_doc(self.assessment_values()).insert(ignore_permissions=True).name
		elif doctype in ("Provision Run", "Specific Provision"):
			values = self.create_payload(doctype, "system_manager")
			name = frappe.get_doc({"doctype": doctype, **values}).insert(ignore_permissions=True).name
			self.made["extra"].append((doctype, name))
		else:
			raise AssertionError(f"no fixture for {doctype}")
		frappe.db.commit()
		return name

	def target_values(self) -> dict:
		person = make_sales_person("AR Matrix Target")
		self.made["sales_persons"].append(person)
		frappe.db.commit()
		return {"doctype": "Collection Target", "company": COMPANY, "sales_person": person, "target_dso": 45}

	def assessment_values(self) -> dict:
		return {
			"doctype": "Credit Assessment",
			"customer": self.x,
			"company": COMPANY,
			"assessment_date": RUN,
		}

	def create_payload(self, doctype: str, key: str) -> dict:
		if doctype == "Collection Activity":
			case = self.case_y if key == "accounts_user" else self.case_x
			return {"collection_case": case, "activity_type": "Note", "summary": "probe"}
		if doctype == "Collection Case":
			customer = make_customer("AR Matrix New Case")
			self.made["customers"].append(customer)
			if key == "collector":  # the collector may see only the customers allowed to them
				frappe.get_doc(
					{
						"doctype": "User Permission",
						"user": self.emails[key],
						"allow": "Customer",
						"for_value": customer,
					}
				).insert(ignore_permissions=True)
			frappe.db.commit()
			return {"customer": customer, "company": COMPANY}
		if doctype == "Collection Target":
			values = self.target_values()
			values.pop("doctype")
			return values
		if doctype == "Credit Assessment":
			values = self.assessment_values()
			values.pop("doctype")
			return values
		if doctype == "Credit Override Log":
			return {"customer": self.x, "company": COMPANY, "override_reason": "forged"}
		if doctype == "Collection Step Log":
			return {
				"step_key": f"forged|{frappe.generate_hash(length=6)}",
				"sales_invoice": self.invoice_x,
				"level": "forged",
				"outcome": "Done",
			}
		if doctype == "Collection KPI Snapshot":
			return {
				"company": COMPANY,
				"period_start": "2024-02-01",
				"period_end": "2024-02-29",
				"dso_count_back": 1,
			}
		if doctype == "Credit Hold":
			return {"customer": self.x, "company": COMPANY, "source": "Manual", "reason": "forged"}
		if doctype == "Collection Link":  # a link whose secret the forger would know
			return {
				"customer": self.x,
				"company": COMPANY,
				"expires_on": "2099-01-01 00:00:00",
				"token_hash": "0" * 64,
			}
		if doctype == "Provision Run":  # each later than the last: a permitted submit must succeed
			return {"company": COMPANY, "as_of_date": next(self.run_dates)}
		if doctype == "Specific Provision":  # inactive: as many as the probes make
			return {
				"company": COMPANY,
				"customer": self.x,
				"basis": "Rate",
				"rate_percent": 10,
				"reason": "probe",
				"active": 0,
			}
		raise AssertionError(f"no payload for {doctype}")

	# --- probing -----------------------------------------------------------------------------------

	def setUp(self):
		self.outcomes: list[tuple[str, bool, int, str]] = []  # (probe, allowed expected, status, text)

	def expect(self, probe: str, allowed: bool, response) -> None:
		"""A request that must (``allowed``) or must not succeed."""
		self.outcomes.append((probe, allowed, response.status_code, response.text[:300]))

	def expect_set(self, probe: str, found: set, wanted: set, forbidden: set) -> None:
		"""What a list showed: anything ``forbidden`` in it is a leak; all of ``wanted`` must be
		there."""
		text = f"found {sorted(found)}"
		if found & forbidden:
			self.outcomes.append((probe, False, 200, text))
		else:
			self.outcomes.append((probe, True, 200 if wanted <= found else 404, text))

	def track(self, response) -> None:
		"""Remember what a permitted create made, for the clean-up."""
		data = (response.json or {}).get("data") if response.is_json else None
		if isinstance(data, dict) and data.get("doctype") and data.get("name"):
			self.made["extra"].append((data["doctype"], data["name"]))

	def report(self) -> None:
		leaks = [o for o in self.outcomes if not o[1] and o[2] < 300]
		refused = [o for o in self.outcomes if o[1] and o[2] >= 300]
		print(f"\npermission matrix: {len(leaks)} leaks of {len(self.outcomes)} probes")
		for probe, _allowed, status, text in leaks + refused:
			print(
				f"  {'LEAK' if (probe, _allowed, status, text) in leaks else 'REFUSED'} {status} {probe}: {text}"
			)
		self.assertEqual([o[0] for o in leaks], [], "requests that should have been refused succeeded")
		self.assertEqual([o[0] for o in refused], [], "requests that should have succeeded were refused")

	def cell(self, doctype: str, role: str, right: str, allowed: bool) -> None:
		key = ROLE_USERS[role]
		user = self.users[key]
		probe = f"{role} {right} {doctype}"
		single = doctype == "AR Control Settings"
		if right == "read":
			path = resource(doctype, doctype) if single else resource(doctype) + "?limit_page_length=1"
			self.expect(probe, allowed, user.get(path))
		elif right == "create":
			if single:
				return
			response = user.call("post", resource(doctype), self.create_payload(doctype, key))
			self.expect(probe, allowed, response)
			self.track(response)
		elif right == "write":
			if single:
				tolerance = frappe.db.get_single_value(doctype, "credit_limit_tolerance")
				# a permitted write changes nothing; a forbidden one would switch the block off
				payload = {"credit_limit_tolerance": tolerance if allowed else 500}
				self.expect(probe, allowed, user.call("put", resource(doctype, doctype), payload))
				return
			name = self.case_y if (doctype == "Collection Case" and key == "accounts_user") else None
			name = name or (self.case_x if doctype == "Collection Case" else self.fresh(doctype))
			payload = {
				"Collection Case": {"follow_up_date": "2025-04-01"},
				"Collection Target": {"target_dso": 50},
				"Credit Assessment": {"approved_limit": 1},
			}.get(
				doctype,
				{
					"reason": "rewritten",
					"summary": "rewritten",
					"override_reason": "rewritten",
					"dso_count_back": 999,
					"outcome": "Superseded",
					"amount": 0,
				},
			)
			self.expect(probe, allowed, user.call("put", resource(doctype, name), payload))
		elif right == "delete":
			if single:
				return
			self.expect(probe, allowed, user.call("delete", resource(doctype, self.fresh(doctype))))
		elif right == "submit":
			draft = self.fresh(doctype)
			doc = frappe.get_doc(doctype, draft).as_dict()
			self.expect(
				probe, allowed, user.method("frappe.client.submit", doc=json.loads(frappe.as_json(doc)))
			)

	def test_every_cell_of_the_table_and_every_rule(self):
		declared = declared_permissions()
		for doctype, rights_by_role in declared.items():
			submittable = json.loads(
				(APP / frappe.scrub(doctype) / f"{frappe.scrub(doctype)}.json").read_text()
			).get("is_submittable")
			for role in ROLE_USERS:
				for right in RIGHTS:
					if right == "submit" and not submittable:
						continue
					self.cell(doctype, role, right, right in rights_by_role.get(role, set()))
		self.rules()
		self.report()

	# --- the rules no table shows ------------------------------------------------------------------

	def visible(self, key: str, doctype: str, field: str, among: set, **params) -> set:
		"""Which of ``among`` the user's list of ``doctype`` shows (by ``field``): the list is
		narrowed to them, so that whatever else the site holds, the answer is about these alone."""
		response = self.users[key].get(
			resource(doctype),
			{
				"fields": json.dumps([field]),
				"filters": json.dumps([[doctype, field, "in", sorted(among)]]),
				"limit_page_length": 500,
				**params,
			},
		)
		if response.status_code != 200:
			return {f"<{response.status_code}>"}
		return {row[field] for row in response.json["data"]}

	def rules(self) -> None:
		x_case, y_case = {self.case_x}, {self.case_y}
		cases = x_case | y_case
		# cases, their rows, activities and ladder steps: each user sees their own cases only
		for key, wanted in (
			("sales_x", x_case),
			("sales_y", y_case),
			("collector", x_case),
			("accounts_user", y_case),
			("accounts_manager", cases),
			("credit_manager", cases),
			("sales_manager", cases),
			("auditor", cases),
		):
			forbidden = cases - wanted
			self.expect_set(
				f"{key} lists Collection Case",
				self.visible(key, "Collection Case", "name", cases),
				wanted,
				forbidden,
			)
			rows = self.visible(key, "Collection Case Invoice", "parent", cases, parent="Collection Case")
			self.expect_set(f"{key} lists Collection Case Invoice rows", rows, wanted, forbidden)
			acts = self.visible(key, "Collection Activity", "collection_case", cases)
			self.expect_set(f"{key} lists Collection Activity", acts, wanted, forbidden)
			steps = self.visible(key, "Collection Step Log", "collection_case", cases)
			self.expect_set(f"{key} lists Collection Step Log", steps, wanted, forbidden)
		row_x = frappe.db.get_value("Collection Case Invoice", {"parent": self.case_x}, "name")
		self.expect(
			"sales_y reads a row of X's case",
			False,
			self.users["sales_y"].get(resource("Collection Case Invoice", row_x)),
		)
		self.expect(
			"sales_y rewrites a row of X's case",
			False,
			self.users["sales_y"].call(
				"put", resource("Collection Case Invoice", row_x), {"disputed": 1, "dispute_reason": "x"}
			),
		)
		self.expect(
			"sales_y reads X's case",
			False,
			self.users["sales_y"].get(resource("Collection Case", self.case_x)),
		)
		self.expect(
			"sales_x reassigns X's case",
			False,
			self.users["sales_x"].call(
				"put", resource("Collection Case", self.case_x), {"sales_person_user": self.emails["sales_y"]}
			),
		)
		# the collector's User Permission on customer X narrows holds, reports and cards
		self.expect_set(
			"collector lists Credit Hold",
			self.visible("collector", "Credit Hold", "customer", {self.x, self.y}),
			{self.x},
			{self.y},
		)
		aging = self.users["collector"].method(
			"frappe.desk.query_report.run",
			report_name="AR Aging Analysis",
			filters={"company": COMPANY, "report_date": RUN},
		)
		self.expect("collector runs AR Aging Analysis", True, aging)
		if aging.status_code == 200:
			result = aging.json["message"]["result"]
			groups = {row.get("group") for row in result if not row.get("is_total")}
			total = next(row for row in result if row.get("is_total"))["outstanding"]
			self.expect_set("collector's aging rows", groups, {self.x}, {self.y})
			# the total of what the collector may see: X's 700, not X's and Y's 1,100
			self.expect_set("collector's aging total", {round(total, 2)}, {700.0}, {1100.0})
		self.expect(
			"collector drills down to Y's vouchers",
			False,
			self.users["collector"].method(
				"frappe.desk.query_report.run",
				report_name="AR Aging Analysis",
				filters={"company": COMPANY, "customer": self.y, "group_by": "Voucher"},
			),
		)
		for key, allowed in (("sales_x", False), ("accounts_user", True)):
			self.expect(
				f"{key} runs AR Aging Analysis",
				allowed,
				self.users[key].method(
					"frappe.desk.query_report.run",
					report_name="AR Aging Analysis",
					filters={"company": COMPANY},
				),
			)
		for key, allowed in (
			("collector", False),
			("sales_x", False),
			("sales_manager", True),
			("accounts_user", True),
		):
			self.expect(
				f"{key} runs Sales Collection KPI",
				allowed,
				self.users[key].method(
					"frappe.desk.query_report.run",
					report_name="Sales Collection KPI",
					filters={"company": COMPANY, "date": RUN},
				),
			)
		# the credit fields of the Customer
		for key in ("sales_x", "credit_manager", "accounts_manager", "system_manager"):
			self.expect(
				f"{key} lifts the hold on the Customer",
				False,
				self.users[key].call("put", resource("Customer", self.x), {"ar_credit_hold": 0}),
			)
		self.expect(
			"sales_x raises the Customer's credit limit",
			False,
			self.users["sales_x"].call(
				"put",
				resource("Customer", self.x),
				{"credit_limits": [{"company": COMPANY, "credit_limit": 10**9}]},
			),
		)
		self.expect(
			"sales_x makes themself the collector",
			False,
			self.users["sales_x"].call(
				"put", resource("Customer", self.x), {"ar_collector": self.emails["sales_x"]}
			),
		)
		# the app's methods
		methods = [
			(
				"sales_x",
				False,
				"ar_control.credit.holds.put_on_hold",
				{"customer": self.y, "company": COMPANY, "reason": "x"},
			),
			("sales_x", False, "ar_control.credit.holds.release_hold", {"hold": self.hold_x, "reason": "x"}),
			(
				"collector",
				False,
				"ar_control.credit.holds.release_hold",
				{"hold": self.hold_x, "reason": "x"},
			),
			(
				"credit_manager",
				True,
				"ar_control.credit.holds.release_hold",
				{"hold": self.hold_x, "reason": "Matrix: released"},
			),
			(
				"credit_manager",
				True,
				"ar_control.credit.holds.put_on_hold",
				{"customer": self.y, "reason": "Matrix: all companies"},
			),
			("sales_manager", False, "ar_control.kpi.snapshots.take_snapshots", {"company": COMPANY}),
			(
				"collector",
				False,
				"ar_control.collection.ladder.redo_step",
				{"step": self.step_of(self.invoice_x), "reason": "x"},
			),
			(
				"credit_manager",
				True,
				"ar_control.collection.ladder.redo_step",
				{"step": self.step_of(self.invoice_x), "reason": "Matrix: letter lost"},
			),
			(
				"accounts_manager",
				False,
				"ar_control.credit.check.correct_override",
				{"log": self.fresh("Credit Override Log"), "note": "x"},
			),
			(
				"credit_manager",
				True,
				"ar_control.credit.check.correct_override",
				{"log": self.fresh("Credit Override Log"), "note": "Matrix: typo"},
			),
			("sales_x", False, "ar_control.kpi.dashboard.app_errors", {}),
			("credit_manager", True, "ar_control.kpi.dashboard.app_errors", {}),
			("collector", False, "ar_control.kpi.dashboard.overdue_ratio", {"filters": {"company": COMPANY}}),
			(
				"sales_manager",
				True,
				"ar_control.kpi.dashboard.overdue_ratio",
				{"filters": {"company": COMPANY}},
			),
			("collector", False, "ar_control.api.credit_panel", {"customer": self.y, "company": COMPANY}),
			("sales_x", True, "ar_control.api.credit_panel", {"customer": self.x, "company": COMPANY}),
		]
		for key, allowed, name, args in methods:
			self.expect(f"{key} calls {name}", allowed, self.users[key].method(name, **args))
		self.expect(
			"collector releases the ladder hold of X's case",
			False,
			self.users["collector"].method(
				"run_doc_method",
				dt="Collection Case",
				dn=self.case_x,
				method="release_credit_hold",
				args=json.dumps({"reason": "x"}),
			),
		)

	def step_of(self, invoice: str) -> str:
		frappe.db.rollback()
		return frappe.db.get_value(
			"Collection Step Log",
			{"sales_invoice": invoice, "outcome": ("!=", "Redo Requested")},
			"name",
			order_by="creation desc",
		)
