"""Sales Collection KPI on a hand-computed month, and the snapshots and alerts built on it.

June 2026 (30 days), two sales persons and receivables no Sales Team covers:

	inv1  X  1000  posted 10 Apr, due 10 May   Alice 100 %   400 paid on 5 Jun
	inv2  X  2000  posted 10 Jun, due 10 Jul   Alice 50 % / Bob 50 %
	inv3  Y   500  posted 15 Feb, due 17 Mar   Bob 100 %     100 written off on 20 Jun
	inv4  Y   300  posted  1 Jun, due 15 Jun   -             credit note 50 on 25 Jun, 250 paid 28 Jun
	adv   Y   100  advance received 29 Jun     -

	            opening  sales  collected  written off  closing  current  overdue  over 90
	Alice          1000   1000        400            0     1600     1000      600        0
	Bob             500   1000          0          100     1400     1000      400      400
	not assigned      0    250        350            0     -100        0     -100        0
	total          1500   2250        750          100     2900     2000      900      400
"""

from unittest.mock import patch

import frappe
from frappe.utils import flt

from ar_control.ar_control.report.sales_collection_kpi.sales_collection_kpi import (
	InvalidKpiPeriodError,
)
from ar_control.ar_control.report.sales_collection_kpi.sales_collection_kpi import (
	execute as sales_collection_kpi,
)
from ar_control.compat import test_record_dependencies
from ar_control.core.period import Period
from ar_control.kpi.snapshots import take_snapshots, write_snapshots
from ar_control.tasks import write_monthly_kpi_snapshots
from ar_control.tests.utils import (
	COMPANY,
	TEST_DEPENDENCIES,
	ARTestCase,
	make_advance,
	make_collection_target,
	make_company,
	make_credit_note,
	make_customer,
	make_customer_group,
	make_journal_entry_against,
	make_payment,
	make_sales_invoice,
	make_sales_person,
	make_user,
	sales_team,
)

globals().update(test_record_dependencies(TEST_DEPENDENCIES))

JUNE = Period(frappe.utils.getdate("2026-06-01"), frappe.utils.getdate("2026-06-30"))
FIGURES = ("opening_ar", "credit_sales", "collections", "written_off", "closing_ar", "current_ar")
KPIS = (
	"dso_count_back",
	"dso_simple",
	"best_possible_dso",
	"average_days_delinquent",
	"cei",
	"overdue_ratio",
	"over_90_share",
	"collection_rate",
	"bad_debt_ratio",
	"target_dso",
	"dso_gap",
)


class KpiLedgerCase(ARTestCase):
	def ledger_company(self) -> str:
		"""The company the month is posted in (the report reads it narrowed to the test's own
		customer group)."""
		return COMPANY

	def setUp(self):
		self.company = company = self.ledger_company()
		self.group = make_customer_group("AR KPI Test")
		self.alice_user = make_user("ar-kpi-alice", ["Sales User"])
		self.alice = make_sales_person("AR KPI Alice", user=self.alice_user)
		self.bob = make_sales_person("AR KPI Bob")
		x = make_customer("AR KPI X", customer_group=self.group)
		y = make_customer("AR KPI Y", customer_group=self.group)

		inv1 = make_sales_invoice(
			x, 1000, "2026-04-10", "2026-05-10", company=company, sales_team=sales_team((self.alice, 100))
		)
		make_payment(inv1, 400, "2026-06-05")
		make_sales_invoice(
			x,
			2000,
			"2026-06-10",
			"2026-07-10",
			company=company,
			sales_team=sales_team((self.alice, 50), (self.bob, 50)),
		)
		inv3 = make_sales_invoice(
			y, 500, "2026-02-15", "2026-03-17", company=company, sales_team=sales_team((self.bob, 100))
		)
		make_journal_entry_against(inv3, 100, "2026-06-20", voucher_type="Write Off Entry")
		inv4 = make_sales_invoice(y, 300, "2026-06-01", "2026-06-15", company=company)
		make_credit_note(inv4, 50, "2026-06-25")
		make_payment(inv4, 250, "2026-06-28")
		make_advance(y, 100, "2026-06-29", company=company)
		# after the period: changes nothing in June
		make_payment(inv1, 600, "2026-07-02")

		make_collection_target(None, company, target_dso=45, over_90_share_limit=20)
		make_collection_target(self.alice, company, target_dso=60, dso_margin=5, overdue_ratio_limit=40)

	def tearDown(self):
		# v15's FrappeTestCase rolls back once per class; each test here builds its own ledger
		frappe.db.rollback()

	def report(self, **filters):
		_columns, rows, message, chart, summary = sales_collection_kpi(
			{
				"company": self.company,
				"period": "Month",
				"date": "2026-06-15",
				"customer_group": self.group,
				**filters,
			}
		)
		by_person = {row["sales_person"]: row for row in rows}
		return by_person, message, chart, summary

	def assert_row(self, row: dict, figures: list, kpis: list):
		self.assertEqual([flt(row[f]) for f in FIGURES], figures)
		self.assertEqual([None if row[k] is None else flt(row[k]) for k in KPIS], kpis)


class TestSalesCollectionKpi(KpiLedgerCase):
	def test_alice(self):
		rows, *_ = self.report()
		# DSO: 1600 / 1000 * 30 = 48; count-back: June's 1000 (30 days), May nothing (31 days),
		# 600 of April's 1000 (18 days) = 79; best possible: 1000 / 1000 * 30 = 30; ADD 48 - 30;
		# CEI: (1000 + 1000 - 1600) / (1000 + 1000 - 1000) = 40 %; overdue 600 / 1600 = 37.5 %;
		# collected 400 / 2000 = 20 %; her own target 60 days: gap 19
		self.assert_row(
			rows[self.alice],
			[1000, 1000, 400, 0, 1600, 1000],
			[79.0, 48.0, 30.0, 18.0, 40.0, 37.5, 0.0, 20.0, 0.0, 60.0, 19.0],
		)

	def test_bob(self):
		rows, *_ = self.report()
		# count-back: June 30 + May 31 + April 30 + March 31 days, then 400 of February's 500
		# (28 days): 122 + 22.4 = 144.4; CEI (500 + 1000 - 1400) / (500 + 1000 - 1000) = 20 %;
		# over 90 days 400 / 1400 = 28.57 %; written off 100 / 1000 = 10 %; company target 45
		self.assert_row(
			rows[self.bob],
			[500, 1000, 0, 100, 1400, 1000],
			[144.4, 42.0, 30.0, 12.0, 20.0, 28.57, 28.57, 0.0, 10.0, 45.0, 99.4],
		)

	def test_receivables_without_a_sales_team_and_the_total(self):
		rows, message, chart, summary = self.report()
		not_assigned = next(row for row in rows.values() if row.get("not_assigned"))
		# the credit note nets the sales; the advance is a collection and a negative balance
		self.assertEqual([flt(not_assigned[f]) for f in FIGURES], [0, 250, 350, 0, -100, 0])
		total = next(row for row in rows.values() if row.get("is_total"))
		# DSO 2900 / 2250 * 30 = 38.67; count-back 30 + 31 + 650 of April's 1000 (19.5) = 80.5;
		# best possible 2000 / 2250 * 30 = 26.67; CEI 850 / 1750 = 48.57 %; 750 / 3750 = 20 %
		self.assert_row(
			total,
			[1500, 2250, 750, 100, 2900, 2000],
			[80.5, 38.67, 26.67, 12.0, 48.57, 31.03, 13.79, 20.0, 4.44, 45.0, 35.5],
		)
		self.assertIn("30", message)
		self.assertEqual(chart["data"]["labels"][-1], "Total")
		self.assertEqual(chart["data"]["datasets"][0]["values"][-1], 80.5)
		self.assertEqual(summary[0]["value"], total["dso_count_back"])

	def test_a_sales_person_filter_measures_that_person_against_their_target(self):
		rows, *_ = self.report(sales_person=self.alice)
		self.assertEqual(set(rows), {self.alice, "Total"})
		self.assertEqual(flt(rows["Total"]["closing_ar"]), 1600)
		self.assertEqual(flt(rows["Total"]["dso_gap"]), 19.0)

	def test_a_quarter_and_a_date_range(self):
		rows, message, *_ = self.report(period="Quarter")  # April-June: inv1 and inv2 are sales
		self.assertEqual(flt(rows[self.alice]["opening_ar"]), 0)
		self.assertEqual(flt(rows[self.alice]["credit_sales"]), 2000)
		self.assertIn("91", message)
		rows, *_ = self.report(period="Date Range", from_date="2026-06-01", to_date="2026-06-30")
		self.assertEqual(flt(rows[self.alice]["dso_count_back"]), 79.0)
		with self.assertRaises(InvalidKpiPeriodError):
			self.report(period="Date Range", from_date="2026-06-30", to_date="2026-06-01")


class TestSnapshotsAndAlerts(KpiLedgerCase):
	def ledger_company(self) -> str:
		"""A company of the test's own: a snapshot of the company measures all of it."""
		return make_company()

	def setUp(self):
		super().setUp()
		self.credit_manager = make_user("ar-kpi-credit", ["Credit Manager"])

	def snapshot(self, sales_person):
		"""The current snapshot (not superseded by a retake) of June."""
		return frappe.get_doc(
			"Collection KPI Snapshot",
			{
				"company": self.company,
				"sales_person": sales_person,
				"period_end": JUNE.end,
				"superseded_by": ("is", "not set"),
			},
		)

	def logs(self, user):
		return frappe.get_all(
			"Notification Log",
			filters={"for_user": user, "document_type": "Collection KPI Snapshot"},
			pluck="document_name",
		)

	def run_job(self):
		frappe.flags.current_date = "2026-07-03"
		try:
			with patch.object(frappe.db, "commit"):  # the job commits per company; a test must not
				write_monthly_kpi_snapshots()
		finally:
			frappe.flags.current_date = None

	def test_the_monthly_job_snapshots_last_month_per_company_and_sales_person(self):
		self.run_job()
		alice = self.snapshot(self.alice)
		self.assertEqual((str(alice.period_start), str(alice.period_end)), ("2026-06-01", "2026-06-30"))
		self.assertEqual(
			(flt(alice.closing_ar), flt(alice.dso_count_back), flt(alice.dso_gap)), (1600, 79, 19)
		)
		self.assertEqual(flt(alice.average_days_delinquent), 18)
		self.assertEqual(flt(self.snapshot(self.bob).over_90_share), 28.57)
		company = frappe.db.exists(
			"Collection KPI Snapshot",
			{"company": self.company, "sales_person": ("is", "not set"), "period_end": JUNE.end},
		)
		self.assertTrue(company)

	def test_alerts_go_to_the_credit_manager_and_the_sales_person_once(self):
		self.run_job()
		alice, bob = self.snapshot(self.alice), self.snapshot(self.bob)
		# Alice: DSO 79 > 60 + 5, overdue 37.5 % within her 40 %; Bob: 144.4 > 45 and 28.57 % > 20 %
		self.assertEqual(alice.alerts_sent, "dso_above_target")
		self.assertEqual(bob.alerts_sent, "dso_above_target over_90_share_above_limit")
		self.assertIn("79", alice.alerts)
		manager_logs = self.logs(self.credit_manager)
		self.assertEqual(manager_logs.count(alice.name), 1)
		self.assertEqual(manager_logs.count(bob.name), 1)
		self.assertEqual(self.logs(self.alice_user), [alice.name])

		self.run_job()  # again: nothing new
		self.assertEqual(sorted(self.logs(self.credit_manager)), sorted(manager_logs))
		current = {"period_end": JUNE.end, "company": self.company, "superseded_by": ("is", "not set")}
		count = frappe.db.count("Collection KPI Snapshot", current)
		write_snapshots(self.company, JUNE, retake=True)  # retaken on demand: still no second alert
		self.assertEqual(sorted(self.logs(self.credit_manager)), sorted(manager_logs))
		self.assertEqual(frappe.db.count("Collection KPI Snapshot", current), count)
		self.assertEqual(self.snapshot(self.alice).alerts_sent, "dso_above_target")

	def test_a_snapshot_keeps_its_figures_until_it_is_retaken(self):
		self.run_job()
		invoice = frappe.get_all(
			"Sales Team", filters={"sales_person": self.alice, "parenttype": "Sales Invoice"}, pluck="parent"
		)
		# a back-dated payment of 300 in June on the invoice Alice shares with Bob
		shared = next(name for name in invoice if frappe.db.count("Sales Team", {"parent": name}) == 2)
		make_payment(frappe.get_doc("Sales Invoice", shared), 300, "2026-06-30")
		self.run_job()
		first = self.snapshot(self.alice)
		self.assertEqual(flt(first.closing_ar), 1600)
		write_snapshots(self.company, JUNE, retake=True)
		retaken = self.snapshot(self.alice)
		self.assertEqual(flt(retaken.closing_ar), 1450)
		# the retake is a new record; the one it supersedes keeps its figures and names it
		self.assertEqual(retaken.supersedes, first.name)
		first.reload()
		self.assertEqual((flt(first.closing_ar), first.superseded_by), (1600, retaken.name))

	def test_only_a_credit_manager_takes_snapshots_on_demand(self):
		frappe.set_user(self.alice_user)
		try:
			with self.assertRaises(frappe.PermissionError):
				take_snapshots(self.company, "2026-06-15")
		finally:
			frappe.set_user("Administrator")
		self.assertIn(self.company, take_snapshots(self.company, "2026-06-15"))
