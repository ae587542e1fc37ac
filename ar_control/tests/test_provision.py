"""Bad-debt provision on real documents: the policy in AR Control Settings, Provision Runs and
their Journal Entries, specific provisions, the write-off through the allowance, the report and
who may do what.

A run is company-wide, so these tests keep to a company of their own (made once, like ERPNext's
test company) and undo each test through a savepoint: every test sees only its own invoices.
"""

from __future__ import annotations

import frappe
from frappe.utils import flt

from ar_control.ar_control.report.bad_debt_provision import bad_debt_provision
from ar_control.collection import settlement
from ar_control.compat import test_record_dependencies
from ar_control.data import provision as provision_data
from ar_control.provision.run import (
	DuplicateProvisionRunError,
	EarlierProvisionRunError,
	FutureProvisionRunError,
	LaterProvisionRunError,
)
from ar_control.provision.specific import DuplicateSpecificProvisionError, InvalidSpecificProvisionError
from ar_control.provision.write_off import NothingToWriteOffError
from ar_control.settings import InvalidSettingsError, ProvisionPolicyMissingError
from ar_control.tests.utils import (
	COMPANY,
	TEST_DEPENDENCIES,
	ARTestCase,
	after_commit,
	make_customer,
	make_payment,
	make_sales_invoice,
	make_sales_person,
	make_user,
	sales_team,
	settings_changed,
)

globals().update(test_record_dependencies(TEST_DEPENDENCIES))

PCOMPANY = "_Test AR Provision Company"
ABBR = "_TARP"
ALLOWANCE = f"AR Allowance for Doubtful Accounts - {ABBR}"
EXPENSE = f"AR Bad Debt Expense - {ABBR}"


def provision_company() -> str:
	"""A company of the tests' own, with an allowance and a bad-debt expense account."""
	if not frappe.db.exists("Company", PCOMPANY):
		frappe.get_doc(
			{
				"doctype": "Company",
				"company_name": PCOMPANY,
				"abbr": ABBR,
				"default_currency": "INR",
				"country": "India",
				"chart_of_accounts": "Standard",
			}
		).insert(ignore_permissions=True)
	for name, parent, root in (
		("AR Allowance for Doubtful Accounts", f"Accounts Receivable - {ABBR}", "Asset"),
		("AR Bad Debt Expense", f"Indirect Expenses - {ABBR}", "Expense"),
	):
		if not frappe.db.exists("Account", f"{name} - {ABBR}"):
			frappe.get_doc(
				{
					"doctype": "Account",
					"account_name": name,
					"parent_account": parent,
					"company": PCOMPANY,
					"root_type": root,
					"is_group": 0,
				}
			).insert(ignore_permissions=True)
	frappe.db.commit()  # a fixture like ERPNext's test company, kept for the next run
	return PCOMPANY


def invoice(customer: str, amount: float, due: str, posting: str | None = None, **fields):
	return make_sales_invoice(customer, amount, posting or due, due, company=PCOMPANY, **fields)


def run(as_of: str, submit: bool = True, company: str = PCOMPANY):
	doc = frappe.get_doc({"doctype": "Provision Run", "company": company, "as_of_date": as_of})
	doc.insert()
	if submit:
		doc.submit()
	return doc


def write_off_entry(inv, amount: float, posting_date: str) -> str:
	"""A bad debt written off straight to expense, as ERPNext does without an allowance."""
	doc = frappe.get_doc(
		{
			"doctype": "Journal Entry",
			"voucher_type": "Write Off Entry",
			"company": inv.company,
			"posting_date": posting_date,
			"accounts": [
				{
					"account": inv.debit_to,
					"party_type": "Customer",
					"party": inv.customer,
					"credit_in_account_currency": amount,
					"reference_type": "Sales Invoice",
					"reference_name": inv.name,
				},
				{"account": EXPENSE, "debit_in_account_currency": amount, "cost_center": f"Main - {ABBR}"},
			],
		}
	)
	doc.insert(ignore_permissions=True)
	doc.submit()
	return doc.name


def je_lines(name: str) -> list[tuple[str, float, float]]:
	return sorted(
		(row.account, flt(row.debit), flt(row.credit))
		for row in frappe.get_all(
			"GL Entry",
			filters={"voucher_no": name, "is_cancelled": 0},
			fields=["account", "debit", "credit"],
		)
	)


def allowance(as_of: str) -> float:
	return flt(provision_data.allowance_balance(PCOMPANY, ALLOWANCE, frappe.utils.getdate(as_of)))


class ProvisionCase(ARTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		frappe.set_user("Administrator")
		provision_company()
		cls.policy = settings_changed(
			provision_policies=[
				{
					"company": PCOMPANY,
					"method": "Aging Matrix",
					"allowance_account": ALLOWANCE,
					"expense_account": EXPENSE,
					"lookback_months": 12,
				}
			]
		)
		cls.policy.__enter__()

	@classmethod
	def tearDownClass(cls):
		frappe.set_user("Administrator")
		cls.policy.__exit__(None, None, None)
		super().tearDownClass()

	def setUp(self):
		frappe.set_user("Administrator")
		frappe.db.savepoint("provision_test")
		self.customer = make_customer("AR Provision Customer", company=PCOMPANY)

	def tearDown(self):
		frappe.set_user("Administrator")
		frappe.flags.current_date = None
		frappe.db.rollback(save_point="provision_test")
		settlement.discard()  # what the rolled-back payments noted for their cases


class TestProvisionRun(ProvisionCase):
	def test_a_run_posts_the_required_allowance_and_its_cancel_reverses_it(self):
		invoice(self.customer, 1000, "2024-02-09", "2024-01-10")  # 326 days past due: 5 %
		invoice(self.customer, 2000, "2023-06-30", "2023-06-01")  # 550 days: 10 %
		doc = run("2024-12-31")
		self.assertEqual((doc.required_amount, doc.booked_amount, doc.adjustment_amount), (250, 0, 250))
		self.assertEqual(
			[(r.customer, r.band, r.outstanding, r.rate_percent, r.provision, r.specific) for r in doc.lines],
			[
				(self.customer, "Within 1 year", 1000, 5, 50, 0),
				(self.customer, "1-2 years", 2000, 10, 200, 0),
			],
		)
		self.assertEqual(je_lines(doc.journal_entry), [(ALLOWANCE, 0, 250), (EXPENSE, 250, 0)])
		self.assertEqual(allowance("2024-12-31"), 250)
		self.assertEqual(
			frappe.db.get_value("Journal Entry", doc.journal_entry, "posting_date").isoformat(), "2024-12-31"
		)

		doc.reload()
		doc.cancel()
		self.assertEqual(frappe.db.get_value("Journal Entry", doc.journal_entry, "docstatus"), 2)
		self.assertEqual(allowance("2024-12-31"), 0)

	def test_a_second_run_books_only_the_difference_and_releases_what_is_no_longer_needed(self):
		first = invoice(self.customer, 1000, "2024-02-09", "2024-01-10")
		invoice(self.customer, 2000, "2023-06-30", "2023-06-01")
		run("2024-12-31")  # 250
		make_payment(first, 1000, "2025-01-15")
		later = invoice(self.customer, 4000, "2025-02-19", "2025-01-20")
		second = run("2025-03-31")  # 2000 at 10 % + 4000 at 5 %
		self.assertEqual((second.required_amount, second.booked_amount), (400, 250))
		self.assertEqual(je_lines(second.journal_entry), [(ALLOWANCE, 0, 150), (EXPENSE, 150, 0)])
		make_payment(later, 4000, "2025-04-10")
		third = run("2025-04-30")
		self.assertEqual(
			(third.required_amount, third.booked_amount, third.adjustment_amount), (200, 400, -200)
		)
		self.assertEqual(je_lines(third.journal_entry), [(ALLOWANCE, 200, 0), (EXPENSE, 0, 200)])
		self.assertEqual(allowance("2025-04-30"), 200)
		self.assertEqual(third.previous_run, second.name)
		# nothing to change: no Journal Entry at all
		fourth = run("2025-05-01")
		self.assertEqual((fourth.adjustment_amount, fourth.journal_entry), (0, None))

	def test_runs_follow_each_other_in_date_order(self):
		invoice(self.customer, 1000, "2024-02-09")
		first = run("2024-12-31")
		with self.assertRaises(EarlierProvisionRunError):
			run("2024-11-30", submit=False)
		with self.assertRaises(DuplicateProvisionRunError):
			run("2024-12-31", submit=False)
		with self.assertRaises(FutureProvisionRunError):
			run(frappe.utils.add_days(frappe.utils.today(), 1), submit=False)
		# a draft made before a later run was submitted is refused at its own submission
		draft = run("2025-01-15", submit=False)
		second = run("2025-01-31")
		with self.assertRaises(EarlierProvisionRunError):
			draft.submit()
		with self.assertRaises(LaterProvisionRunError):
			first.reload()
			first.cancel()
		second.reload()
		second.cancel()
		first.reload()
		first.cancel()
		self.assertEqual(allowance("2025-01-31"), 0)

	def test_a_company_without_a_policy_is_refused_with_a_clear_error(self):
		with self.assertRaises(ProvisionPolicyMissingError) as caught:
			run("2024-12-31", submit=False, company=COMPANY)
		self.assertIn("no provision policy for _Test Company", str(caught.exception))

	def test_historical_loss_rates_side_by_side_and_as_the_method(self):
		written = invoice(self.customer, 1000, "2024-01-31", "2024-01-01")
		invoice(self.customer, 1000, "2024-01-31", "2024-01-01")
		write_off_entry(written, 1000, "2024-06-15")
		# month-ends 31 Jan … 31 May: 2000 open in the first band, 1000 of it written off later;
		# 30 June: 1000 open, none written off. 5000 / 11000 = 45.45 %
		matrix_run = run("2024-06-30", submit=False)
		first = matrix_run.bands[0]
		self.assertEqual(
			(first.matrix_rate, first.historical_rate, first.has_history, first.rate_used), (5, 45.45, 1, 5)
		)
		self.assertEqual(matrix_run.bands[1].has_history, 0)
		self.assertEqual(matrix_run.required_amount, 50)
		with settings_changed(
			provision_policies=[
				{**self.policy.values["provision_policies"][0], "method": "Historical Loss Rates"}
			]
		):
			historical = run("2024-06-30", submit=False)
			self.assertEqual(
				(historical.method, historical.bands[0].rate_used), ("Historical Loss Rates", 45.45)
			)
			self.assertEqual(historical.required_amount, 454.5)


class TestProvisionSettings(ProvisionCase):
	def test_the_default_matrix_is_installed(self):
		settings = frappe.get_single("AR Control Settings")
		self.assertEqual(
			[(b.upper_days, b.rate_percent) for b in settings.provision_bands],
			[(365, 5), (730, 10), (1095, 30), (1460, 50), (1825, 80), (0, 100)],
		)

	def test_every_problem_with_the_matrix_and_the_policy_in_one_error(self):
		settings = frappe.get_single("AR Control Settings")
		settings.provision_bands[1].upper_days = 300  # before the first band's 365
		settings.provision_bands[2].rate_percent = 120
		settings.provision_policies[0].allowance_account = f"Debtors - {ABBR}"  # a receivable
		settings.provision_policies[0].expense_account = f"Sales - {ABBR}"  # income
		settings.append(
			"provision_policies",
			{"company": PCOMPANY, "allowance_account": ALLOWANCE, "expense_account": "Write Off - _TC"},
		)
		with self.assertRaises(InvalidSettingsError) as caught:
			settings.save()
		message = str(caught.exception)
		self.assertIn(
			"Provision band 2 (300 days) must end later than the band before it (365 days)", message
		)
		self.assertIn("provision rate of band 3 must be between 0 and 100 percent, not 120", message)
		self.assertIn(f"The allowance account Debtors - {ABBR} must be an asset ledger account", message)
		self.assertIn(
			f"The bad-debt expense account Sales - {ABBR} must be an expense ledger account", message
		)
		self.assertIn(
			f"The bad-debt expense account Write Off - _TC is not an account of {PCOMPANY}", message
		)
		self.assertIn(f"{PCOMPANY} has more than one provision policy", message)

	def test_the_last_band_must_stay_open(self):
		settings = frappe.get_single("AR Control Settings")
		settings.provision_bands[-1].upper_days = 4000
		with self.assertRaises(InvalidSettingsError) as caught:
			settings.save()
		self.assertIn("Leave the upper days of the last provision band empty", str(caught.exception))


class TestSpecificProvision(ProvisionCase):
	def specific(self, **values):
		return frappe.get_doc(
			{
				"doctype": "Specific Provision",
				"company": PCOMPANY,
				"customer": self.customer,
				"reason": "Case in Legal",
				**values,
			}
		).insert()

	def test_a_specific_provision_replaces_the_matrix_for_what_it_covers(self):
		legal = invoice(self.customer, 1000, "2024-11-30")  # matrix: 5 %
		invoice(self.customer, 3000, "2024-10-31")  # matrix: 5 %
		self.specific(sales_invoice=legal.name, basis="Rate", rate_percent=60)
		other = make_customer("AR Provision Customer", company=PCOMPANY)
		invoice(other, 500, "2024-12-15")
		invoice(other, 1500, "2023-06-30")  # matrix: 10 %
		self.specific(customer=other, basis="Amount", amount=300, reason="Insolvency filed")
		doc = run("2024-12-31", submit=False)
		by_customer = {}
		for row in doc.lines:
			by_customer.setdefault(row.customer, []).append((row.band, row.provision, row.specific))
		self.assertEqual(
			by_customer[self.customer], [("Within 1 year", 750, 600)]
		)  # 600 specific + 3000 x 5 %
		# 300 split over 500 and 1500 in proportion, replacing the matrix even where it is higher
		self.assertEqual(by_customer[other], [("Within 1 year", 75, 75), ("1-2 years", 225, 225)])
		self.assertEqual(doc.required_amount, 1050)
		# an inactive one no longer counts
		frappe.db.set_value("Specific Provision", {"customer": other}, "active", 0)
		self.assertEqual(run("2024-12-31", submit=False).required_amount, 750 + 25 + 150)

	def test_bad_specific_provisions_are_refused(self):
		mine = invoice(self.customer, 1000, "2024-11-30")
		stranger = make_customer("AR Provision Stranger", company=PCOMPANY)
		theirs = invoice(stranger, 1000, "2024-11-30")
		with self.assertRaises(InvalidSpecificProvisionError) as caught:
			self.specific(basis="Rate", rate_percent=120)
		self.assertIn("between 0 and 100 percent, not 120", str(caught.exception))
		with self.assertRaises(InvalidSpecificProvisionError):
			self.specific(basis="Amount", amount=-5)
		with self.assertRaises(InvalidSpecificProvisionError) as caught:
			self.specific(sales_invoice=theirs.name, basis="Rate", rate_percent=50)
		self.assertIn("is not an invoice of", str(caught.exception))
		with self.assertRaises((frappe.MandatoryError, InvalidSpecificProvisionError)):
			self.specific(basis="Rate", rate_percent=50, reason="")
		self.specific(sales_invoice=mine.name, basis="Rate", rate_percent=50)
		with self.assertRaises(DuplicateSpecificProvisionError):
			self.specific(sales_invoice=mine.name, basis="Amount", amount=100)
		self.specific(sales_invoice=mine.name, basis="Amount", amount=100, active=0)  # inactive: fine


class TestWriteOffThroughAllowance(ProvisionCase):
	def test_the_write_off_uses_the_provision_instead_of_charging_expense_again(self):
		bad = invoice(self.customer, 2000, "2023-06-30", "2023-06-01")  # 10 %: 200
		run("2024-12-31")
		frappe.flags.current_date = "2025-01-15"
		case = frappe.get_doc({"doctype": "Collection Case", "customer": self.customer, "company": PCOMPANY})
		case.insert(ignore_permissions=True)
		self.assertEqual([r.sales_invoice for r in case.invoices], [bad.name])

		manager = make_user("provision-credit-manager", ["Credit Manager"])
		frappe.set_user(manager)
		je = case.write_off_through_allowance()
		frappe.set_user("Administrator")
		self.assertEqual(frappe.db.get_value("Journal Entry", je, "voucher_type"), "Write Off Entry")
		self.assertEqual(je_lines(je), [(ALLOWANCE, 2000, 0), (f"Debtors - {ABBR}", 0, 2000)])
		self.assertEqual(frappe.db.get_value("Sales Invoice", bad.name, "outstanding_amount"), 0)
		self.assertEqual(allowance("2025-01-15"), 200 - 2000)
		after_commit()
		self.assertEqual(frappe.db.get_value("Collection Case", case.name, "status"), "Closed - Written Off")

		frappe.flags.current_date = "2025-01-31"
		# the next run tops the allowance up to what is required (nothing): the loss is charged
		# to expense once, 200 by the provision and 1800 now, never 2000 on top of the 200
		after = run("2025-01-31")
		self.assertEqual(
			(after.required_amount, after.booked_amount, after.adjustment_amount), (0, -1800, 1800)
		)
		expense = frappe.get_all(
			"GL Entry", filters={"account": EXPENSE, "is_cancelled": 0}, fields=["debit", "credit"]
		)
		self.assertEqual(sum(flt(e.debit) - flt(e.credit) for e in expense), 2000)

		frappe.set_user(manager)
		with self.assertRaises(NothingToWriteOffError):
			frappe.get_doc("Collection Case", case.name).write_off_through_allowance()

	def test_only_credit_and_accounts_managers_write_off(self):
		invoice(self.customer, 2000, "2023-06-30", "2023-06-01")
		frappe.flags.current_date = "2025-01-15"
		case = frappe.get_doc({"doctype": "Collection Case", "customer": self.customer, "company": PCOMPANY})
		case.insert(ignore_permissions=True)
		frappe.set_user(make_user("provision-collector", ["Collector"]))
		with self.assertRaises(frappe.PermissionError):
			case.write_off_through_allowance()


class TestProvisionPermissions(ProvisionCase):
	def test_roles_decide_who_runs_and_who_only_reads(self):
		invoice(self.customer, 1000, "2024-02-09")
		sales = make_user("provision-sales", ["Sales User"])
		accounts_user = make_user("provision-accounts-user", ["Accounts User"])
		credit = make_user("provision-credit", ["Credit Manager"])
		for user in (sales, accounts_user):
			frappe.set_user(user)
			with self.assertRaises(frappe.PermissionError):
				run("2024-12-31", submit=False)
			with self.assertRaises(frappe.PermissionError):
				frappe.get_doc(
					{
						"doctype": "Specific Provision",
						"company": PCOMPANY,
						"customer": self.customer,
						"basis": "Rate",
						"rate_percent": 50,
						"reason": "not mine to say",
					}
				).insert()
		frappe.set_user(credit)
		doc = run("2024-12-31")  # the Journal Entry is made with the run's authority
		self.assertEqual(frappe.db.get_value("Journal Entry", doc.journal_entry, "docstatus"), 1)
		frappe.set_user(accounts_user)
		readable = frappe.get_doc("Provision Run", doc.name)
		readable.check_permission("read")
		self.assertEqual(readable.required_amount, 50)
		with self.assertRaises(frappe.PermissionError):
			readable.cancel()
		frappe.set_user(sales)
		with self.assertRaises(frappe.PermissionError):
			frappe.get_doc("Provision Run", doc.name).check_permission("read")


class TestBadDebtProvisionReport(ProvisionCase):
	def test_required_against_booked_and_the_movement_since_the_last_run(self):
		invoice(self.customer, 1000, "2024-02-09", "2024-01-10")
		invoice(self.customer, 2000, "2023-06-30", "2023-06-01")
		run("2024-12-31")  # 250 booked
		other = make_customer("AR Provision Customer", company=PCOMPANY)
		invoice(other, 3000, "2025-01-10")
		filters = {"company": PCOMPANY, "as_of_date": "2025-01-31"}
		columns, data, _message, chart, summary = bad_debt_provision.execute(
			{**filters, "group_by": "Customer"}
		)
		rows = {row["group"]: row for row in data}
		self.assertIn("movement", [column["fieldname"] for column in columns])
		# 1000 (357 days): 5 %; 2000 (581 days): 10 %; the new customer's 3000: 5 %
		self.assertEqual((rows[self.customer]["provision"], rows[self.customer]["last_run"]), (250, 250))
		self.assertEqual((rows[other]["provision"], rows[other]["movement"]), (150, 150))
		self.assertEqual(rows["Total"]["provision"], 400)
		cards = {card["label"]: card["value"] for card in summary}
		self.assertEqual(
			(cards["Required Provision"], cards["Allowance Booked"], cards["To Book"]), (400, 250, 150)
		)
		_columns, data, *_rest = bad_debt_provision.execute({**filters, "group_by": "Band"})
		self.assertEqual(
			[(row["group"], row["provision"], row.get("movement")) for row in data],
			[("Within 1 year", 200, 150), ("1-2 years", 200, 0), ("Total", 400, 150)],
		)
		self.assertEqual(chart["data"]["datasets"][0]["values"][:2], [200, 200])

	def test_by_sales_person_the_provision_follows_the_sales_team_shares(self):
		alice, bob = make_sales_person("AR Provision Alice"), make_sales_person("AR Provision Bob")
		invoice(self.customer, 1000, "2024-12-15", sales_team=sales_team((alice, 60), (bob, 40)))
		invoice(self.customer, 2000, "2024-12-15")  # no sales team
		_columns, data, *_rest = bad_debt_provision.execute(
			{"company": PCOMPANY, "as_of_date": "2024-12-31", "group_by": "Sales Person"}
		)
		self.assertEqual(
			[(row["group"], row["provision"]) for row in data],
			[(alice, 30), (bob, 20), ("Not Assigned", 100), ("Total", 150)],
		)


class TestKpiSnapshotKeepsTheProvision(ProvisionCase):
	def test_the_company_snapshot_keeps_the_allowance_and_the_bad_debt_ratio(self):
		from ar_control.core.period import month_of
		from ar_control.kpi.snapshots import write_snapshots

		bad = invoice(self.customer, 2000, "2024-12-05", "2024-12-05")
		invoice(self.customer, 8000, "2024-12-10", "2024-12-10")
		run("2024-12-31")  # 10000 within a year at 5 %: 500
		write_off_entry(bad, 2000, "2024-12-20")  # straight to expense: 8000 left, 400 required
		names = write_snapshots(PCOMPANY, month_of(frappe.utils.getdate("2024-12-15")), retake=True)
		company_snapshot = frappe.get_doc(
			"Collection KPI Snapshot",
			next(n for n in names if not frappe.db.get_value("Collection KPI Snapshot", n, "sales_person")),
		)
		self.assertEqual(company_snapshot.provision_allowance, 500)
		self.assertEqual((company_snapshot.written_off, company_snapshot.bad_debt_ratio), (2000, 20))
