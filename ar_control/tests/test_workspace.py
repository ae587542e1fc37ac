"""The AR Control workspace: its number cards and charts compute what they claim, and it loads."""

import json

import frappe
from frappe.desk.doctype.number_card.number_card import get_result
from frappe.utils import add_days, flt

from ar_control.compat import test_record_dependencies
from ar_control.kpi import dashboard
from ar_control.tests.utils import (
	COMPANY,
	TEST_DEPENDENCIES,
	ARTestCase,
	make_company,
	make_customer,
	make_sales_invoice,
	put_on_hold,
)

globals().update(test_record_dependencies(TEST_DEPENDENCIES))

FILTERS = json.dumps({"company": COMPANY})


def make_snapshot(company: str, period_end: str, dso: float, cei: float) -> str:
	"""A company's snapshot as the monthly job writes it (a record: only the app makes them)."""
	from ar_control import records

	return (
		records.new(
			{
				"doctype": "Collection KPI Snapshot",
				"company": company,
				"period_start": period_end[:8] + "01",
				"period_end": period_end,
				"dso_count_back": dso,
				"best_possible_dso": dso / 2,
				"cei": cei,
			}
		)
		.insert(ignore_permissions=True)
		.name
	)


class TestWorkspace(ARTestCase):
	def tearDown(self):
		frappe.flags.current_date = None
		frappe.db.rollback()

	def test_the_dso_card_shows_the_latest_company_snapshot(self):
		company = make_company()  # the card shows a whole company: one with only this test's snapshots
		make_snapshot(company, "2026-04-30", 52.5, 80)
		make_snapshot(company, "2026-05-31", 47.25, 85)
		card = dashboard.dso(json.dumps({"company": company}))
		self.assertEqual(card["value"], 47.25)
		self.assertEqual(card["route"], ["query-report", "Sales Collection KPI"])
		self.assertEqual(card["route_options"]["date"], "2026-05-01")

	def test_the_overdue_ratio_card_and_the_aging_chart_read_todays_ledger(self):
		company = make_company()  # the cards show a whole company: one that holds only this test's
		filters = json.dumps({"company": company})
		customer = make_customer()
		make_sales_invoice(customer, 600, "2026-01-02", "2026-01-10", company=company)  # 21 days late
		make_sales_invoice(customer, 400, "2026-01-20", "2026-02-19", company=company)  # not yet due
		frappe.flags.current_date = "2026-01-31"
		self.assertEqual(flt(dashboard.overdue_ratio(filters)["value"]), 60.0)
		chart = dashboard.aging_buckets(filters)
		self.assertEqual(chart["labels"][:2], ["Not Due", "0-30"])
		self.assertEqual(chart["datasets"][0]["values"][:2], [400.0, 600.0])

	def test_the_trend_chart_runs_oldest_first(self):
		company = make_company()
		make_snapshot(company, "2026-05-31", 47.25, 85)
		make_snapshot(company, "2026-04-30", 52.5, 80)
		chart = dashboard.kpi_trend(json.dumps({"company": company}))
		dso, best, cei = chart["datasets"]
		self.assertEqual(dso["values"], [52.5, 47.25])
		self.assertEqual(best["values"], [26.25, 23.625])
		self.assertEqual(cei["values"], [80, 85])

	def test_the_credit_hold_card_counts_the_customers_held_in_the_company(self):
		other = make_company()

		def count(company):
			return dashboard.customers_on_hold(json.dumps({"company": company}))["value"]

		before = count(COMPANY), count(other)
		held_here = make_customer()
		put_on_hold(held_here, "Overdue over 90 days")  # in _Test Company only
		self.assertEqual((count(COMPANY), count(other)), (before[0] + 1, before[1]))
		put_on_hold(make_customer(), "Fraud suspected", company=None)  # in every company
		self.assertEqual((count(COMPANY), count(other)), (before[0] + 2, before[1] + 1))
		make_customer()  # not held
		self.assertEqual(count(COMPANY), before[0] + 2)
		# the Customer shows the company it is held in, and the list filters by it
		held_in = frappe.get_all(
			"Customer", filters=[["Credit Hold Company", "company", "=", COMPANY]], pluck="name"
		)
		self.assertIn(held_here, held_in)
		self.assertNotIn(
			held_here,
			frappe.get_all(
				"Customer", filters=[["Credit Hold Company", "company", "=", other]], pluck="name"
			),
		)
		card = dashboard.customers_on_hold(FILTERS)
		self.assertEqual(card["route_options"], {"Credit Hold Company.company": COMPANY})

	def test_the_collection_case_cards_count_open_cases_and_promises_due_this_week(self):
		cards = [
			frappe.get_doc("Number Card", name)
			for name in ("Open Collection Cases", "Promises Due This Week")
		]

		def counts():
			return [get_result(card.as_dict(), card.filters_json) for card in cards]

		before = counts()
		today = frappe.utils.getdate()
		for status, promised in (
			("Promise to Pay", today),
			("Closed - Paid", today),
			("Open", add_days(today, 30)),
		):
			customer = make_customer()
			invoice = make_sales_invoice(customer, 500, str(add_days(today, -40)), str(add_days(today, -10)))
			case = frappe.get_doc(
				{
					"doctype": "Collection Case",
					"customer": customer,
					"company": COMPANY,
					"status": status,
					"invoices": [
						{
							"sales_invoice": invoice.name,
							"due_date": invoice.due_date,
							"outstanding_amount": 500,
							"promised_date": promised,
							"promised_amount": 200,
							"promise_status": "Pending",
						}
					],
				}
			)
			case.flags.from_sync = True  # the case exactly as given, without the ladder's refresh
			case.insert(ignore_permissions=True)
		# open: the promise and the open case, not the closed one; due this week: the pending
		# promise of an open case, dated today (not the closed case's, not next month's)
		self.assertEqual(counts(), [before[0] + 2, before[1] + 1])

	def test_cards_need_read_access_to_the_snapshots(self):
		frappe.set_user("Guest")
		try:
			with self.assertRaises(frappe.PermissionError):
				dashboard.overdue_ratio(FILTERS)
		finally:
			frappe.set_user("Administrator")

	def test_the_workspace_loads_with_every_card_chart_and_link(self):
		from frappe.desk.desktop import get_desktop_page

		page = get_desktop_page(json.dumps({"name": "AR Control", "title": "AR Control"}))
		cards = {card.get("number_card_name") for card in page["number_cards"]["items"]}
		self.assertEqual(
			cards,
			{
				"DSO Last Month",
				"Overdue Ratio",
				"Customers on Credit Hold",
				"Open Collection Cases",
				"Promises Due This Week",
				"AR Control Errors",
			},
		)
		charts = {chart.get("chart_name") for chart in page["charts"]["items"]}
		self.assertEqual(charts, {"AR DSO and CEI Trend", "AR Aging Buckets"})
		links = {link.get("link_to") for card in page["cards"]["items"] for link in card.get("links")}
		for name in (
			"Sales Collection KPI",
			"AR Aging Analysis",
			"Collection Target",
			"Collection KPI Snapshot",
			"Collection Case",
			"Credit Assessment",
			"AR Control Settings",
		):
			self.assertIn(name, links)
