"""AR Aging Analysis against ERPNext's own Accounts Receivable report, on the same ledger.

One set of customers (in a customer group of their own, so both reports can be narrowed to them)
holds every kind of receivable: a not-yet-due invoice, partial payments, a credit note, an
advance, a journal entry against an invoice, a payment after the report date, a customer billed
in US dollars by an INR company, and an invoice shared by two sales persons.
"""

from collections import defaultdict
from decimal import Decimal

import frappe
from erpnext.accounts.report.accounts_receivable.accounts_receivable import execute as erpnext_receivable
from frappe.utils import add_days, flt, getdate

from ar_control.ar_control.report.ar_aging_analysis.ar_aging_analysis import (
	InvalidAgingFilterError,
)
from ar_control.ar_control.report.ar_aging_analysis.ar_aging_analysis import execute as aging_analysis
from ar_control.compat import test_record_dependencies
from ar_control.core.aging import Basis, Buckets, Stages, age_items
from ar_control.data.receivables import open_items
from ar_control.tests.utils import (
	COMPANY,
	TEST_DEPENDENCIES,
	ARTestCase,
	make_advance,
	make_credit_note,
	make_customer,
	make_customer_group,
	make_journal_entry_against,
	make_payment,
	make_sales_invoice,
	make_sales_person,
	sales_team,
	set_exchange_rate,
)

globals().update(test_record_dependencies(TEST_DEPENDENCIES))

AS_OF = "2026-06-30"
USD_ACCOUNT = "_Test Receivable USD - _TC"


class AgingLedgerCase(ARTestCase):
	"""The shared ledger of the aging tests."""

	def setUp(self):
		self.group = make_customer_group("AR Aging Test")
		self.local = make_customer("AR Aging Local", customer_group=self.group)
		self.foreign = make_customer(
			"AR Aging USD", currency="USD", receivable_account=USD_ACCOUNT, customer_group=self.group
		)
		self.shared = make_customer("AR Aging Shared", customer_group=self.group)
		self.alice, self.bob = make_sales_person("AR Alice"), make_sales_person("AR Bob")

		local = self.local
		self.not_due = make_sales_invoice(local, 1000, "2026-06-20", "2026-07-20")
		self.partly_paid = make_sales_invoice(local, 500, "2026-04-16", "2026-05-16")
		make_payment(self.partly_paid, 120, "2026-06-01")
		make_payment(self.partly_paid, 380, "2026-07-05")  # after the report date: still open on it
		self.journal_paid = make_sales_invoice(local, 300, "2026-01-21", "2026-02-20")
		make_journal_entry_against(self.journal_paid, 100, "2026-03-01")
		self.credited = make_sales_invoice(local, 800, "2026-05-01", "2026-05-31")
		make_credit_note(self.credited, 250, "2026-06-10")  # open on the credit note itself
		self.credited_in_place = make_sales_invoice(local, 600, "2026-03-20", "2026-04-19")
		make_credit_note(self.credited_in_place, 100, "2026-06-25", update_outstanding_for_self=0)
		self.advance = make_advance(local, 400, "2026-06-15")

		set_exchange_rate("USD", "INR", 80, "2026-01-01")
		self.dollars = make_sales_invoice(
			self.foreign,
			100,
			"2026-03-01",
			"2026-03-31",
			currency="USD",
			conversion_rate=80,
			debit_to=USD_ACCOUNT,
		)
		# 60 % / 40 % of 1000.01: neither share is a whole number of cents
		self.split = make_sales_invoice(
			self.shared,
			1000.01,
			"2026-05-20",
			"2026-06-19",
			sales_team=sales_team((self.alice, 60), (self.bob, 40)),
			disable_rounded_total=1,
		)
		self.customers = [self.local, self.foreign, self.shared]

	def tearDown(self):
		# v15's FrappeTestCase rolls back once per class; each test here builds its own ledger
		frappe.db.rollback()

	def erpnext(self, basis="Due Date", boundaries="30, 60, 90, 120"):
		"""ERPNext's voucher rows for our customers."""
		_columns, rows, *_rest = erpnext_receivable(
			{
				"company": COMPANY,
				"report_date": AS_OF,
				"calculate_ageing_with": "Report Date",
				"ageing_based_on": basis,
				"range": boundaries,
				"customer_group": self.group,
			}
		)
		return [row for row in rows if row.get("party") in self.customers]

	def ours(self, **filters):
		return aging_rows(self.group, **filters)


def aging_rows(group: str, **filters):
	"""The app's rows for a customer group on AS_OF, and its total row."""
	_columns, rows, _message, _chart, _summary = aging_analysis(
		{"company": COMPANY, "report_date": AS_OF, "customer_group": group, **filters}
	)
	return [row for row in rows if not row.get("is_total")], rows[-1]


def erpnext_totals(rows, bucket_count: int) -> dict:
	"""Per customer: outstanding, not due, buckets, summed from ERPNext's voucher rows."""
	totals = defaultdict(lambda: [0.0] * (bucket_count + 2))
	for row in rows:
		buckets = [flt(row.get(f"range{i}")) for i in range(1, bucket_count + 1)]
		line = [flt(row.outstanding), flt(row.outstanding) - sum(buckets), *buckets]
		totals[row.party] = [a + b for a, b in zip(totals[row.party], line, strict=True)]
	return {party: [flt(x, 2) for x in values] for party, values in totals.items()}


def our_totals(rows, bucket_count: int, key: str = "group") -> dict:
	return {
		row[key]: [
			flt(row["outstanding"]),
			flt(row["not_due"]),
			*(flt(row[f"range{i}"]) for i in range(1, bucket_count + 1)),
		]
		for row in rows
	}


class TestAgingEqualsERPNext(AgingLedgerCase):
	def assert_same_totals(self, basis: str, boundaries: str):
		bucket_count = len(boundaries.split(",")) + 1
		theirs = erpnext_totals(self.erpnext(basis, boundaries), bucket_count)
		rows, total = self.ours(ageing_based_on=basis, range=boundaries)
		self.assertEqual(our_totals(rows, bucket_count), theirs)
		grand = [flt(sum(values[i] for values in theirs.values()), 2) for i in range(bucket_count + 2)]
		self.assertEqual(our_totals([total], bucket_count)["Total"], grand)

	def test_per_customer_bucket_and_grand_totals_by_due_date(self):
		self.assert_same_totals("Due Date", "30, 60, 90, 120")

	def test_per_customer_bucket_and_grand_totals_by_posting_date(self):
		self.assert_same_totals("Posting Date", "30, 60, 90, 120")

	def test_totals_with_other_bucket_boundaries(self):
		self.assert_same_totals("Due Date", "15, 45")

	def test_the_worked_figures(self):
		"""Hand-computed: what is open per customer on 30 June and in which bucket."""
		rows, total = self.ours(ageing_based_on="Due Date", range="30, 60, 90, 120")
		by_customer = our_totals(rows, 5)
		# 1000 not due; 380 of 500 (45 days); 800 (30 days), its credit note -250 (20 days) and the
		# -400 advance (15 days); 600 - 100 = 500 (72 days); 300 - 100 = 200 (130 days)
		self.assertEqual(by_customer[self.local], [2230.0, 1000.0, 150.0, 380.0, 500.0, 0.0, 200.0])
		# 100 USD at 80 = 8000 INR, 91 days past due
		self.assertEqual(by_customer[self.foreign], [8000.0, 0.0, 0.0, 0.0, 0.0, 8000.0, 0.0])
		self.assertEqual(by_customer[self.shared], [1000.01, 0.0, 1000.01, 0.0, 0.0, 0.0, 0.0])
		self.assertEqual(flt(total["outstanding"]), 11230.01)
		# stages (coordination period 60 days): credit = not due; 1-60 days late; later
		self.assertEqual(
			[flt(total[f]) for f in ("credit_period", "coordination_period", "clearing_period")],
			[1000.0, 1530.01, 8700.0],
		)

	def test_each_voucher_matches_erpnext(self):
		theirs = {row.voucher_no: flt(row.outstanding, 2) for row in self.erpnext()}
		rows, _total = self.ours(group_by="Voucher")
		self.assertEqual({row["voucher_no"]: flt(row["outstanding"]) for row in rows}, theirs)
		ages = {row["voucher_no"]: row["age"] for row in rows}
		self.assertEqual(ages[self.partly_paid.name], 45)
		self.assertEqual(ages[self.advance.name], 15)  # an advance is aged from its posting date
		self.assertEqual(ages[self.not_due.name], -20)

	def test_drill_down_to_one_customer(self):
		rows, total = self.ours(group_by="Voucher", customer=self.local)
		self.assertEqual({row["party"] for row in rows}, {self.local})
		self.assertEqual(flt(total["outstanding"]), 2230.0)


class TestAgingGroups(AgingLedgerCase):
	def test_sales_persons_share_an_invoice_by_allocation(self):
		rows, total = self.ours(group_by="Sales Person")
		by_person = {row["group"]: flt(row["outstanding"]) for row in rows}
		self.assertEqual(by_person[self.alice], 600.01)  # 600.006
		self.assertEqual(by_person[self.bob], 400.0)  # 400.004
		not_assigned = next(row for row in rows if row.get("not_assigned"))
		self.assertEqual(flt(not_assigned["outstanding"]), 10230.0)
		self.assertEqual(flt(total["outstanding"]), 11230.01)

	def test_a_sales_person_filter_keeps_their_share(self):
		rows, _total = self.ours(group_by="Customer", sales_person=self.bob)
		self.assertEqual([(row["group"], flt(row["outstanding"])) for row in rows], [(self.shared, 400.0)])

	def test_territory_and_customer_group_groupings_add_up_to_the_same_total(self):
		for group_by in ("Territory", "Customer Group"):
			rows, total = self.ours(group_by=group_by)
			self.assertEqual(flt(total["outstanding"]), 11230.01, group_by)
			self.assertEqual(len(rows), 1, group_by)

	def test_sql_buckets_follow_the_core_rule(self):
		"""The database buckets by date ranges derived from core; core ages item by item."""
		items = open_items(COMPANY, AS_OF, self.customers)
		for basis in Basis:
			expected = age_items(items, getdate(AS_OF), Buckets((30, 60, 90, 120)), basis, Stages(60))
			rows, _total = self.ours(ageing_based_on=basis.value, range="30, 60, 90, 120")
			for row in rows:
				core = expected[row["group"]]
				self.assertEqual(Decimal(str(row["outstanding"])), core.outstanding)
				self.assertEqual(Decimal(str(row["not_due"])), core.not_due)
				self.assertEqual(tuple(Decimal(str(row[f"range{i}"])) for i in range(1, 6)), core.buckets)
				stages = ("credit_period", "coordination_period", "clearing_period")
				self.assertEqual(tuple(Decimal(str(row[s])) for s in stages), core.stages)

	def test_bad_bucket_boundaries_are_a_clear_error(self):
		with self.assertRaises(InvalidAgingFilterError):
			self.ours(range="60, 30")

	def test_the_chart_shows_not_due_and_each_bucket(self):
		_columns, _rows, _message, chart, summary = aging_analysis(
			{"company": COMPANY, "report_date": AS_OF, "customer_group": self.group}
		)
		self.assertEqual(chart["data"]["labels"][0], "Not Due")
		self.assertEqual(flt(sum(chart["data"]["datasets"][0]["values"]), 2), 11230.01)
		self.assertEqual(flt(summary[0]["value"]), 11230.01)


class TestBoundaryDays(ARTestCase):
	"""Invoices falling due on each side of every bucket and stage boundary land where core's rule
	puts them, at the customer level and at the voucher level, by due date and by posting date."""

	def setUp(self):
		self.group = make_customer_group("AR Aging Boundaries")
		self.customer = make_customer("AR Aging Boundaries", customer_group=self.group)
		as_of = getdate(AS_OF)
		# ages (days past due) on both sides of 0, 30, 60 (the coordination period), 90 and 120
		for number, age in enumerate((-1, 0, 1, 30, 31, 59, 60, 61, 90, 91, 120, 121)):
			due = add_days(as_of, -age)
			# a posting date 45 days before: by posting date the same ages move by 45 days
			make_sales_invoice(self.customer, 100 + number, add_days(due, -45), due)

	def tearDown(self):
		frappe.db.rollback()

	def test_every_boundary_day_lands_in_the_bucket_and_stage_of_the_core_rule(self):
		items = open_items(COMPANY, AS_OF, [self.customer])
		self.assertEqual(len(items), 12)
		stage_fields = ("credit_period", "coordination_period", "clearing_period")
		for basis in Basis:
			core = age_items(items, getdate(AS_OF), Buckets((30, 60, 90, 120)), basis, Stages(60))[
				self.customer
			]
			expected = [
				core.outstanding,
				core.not_due,
				*core.buckets,
				*core.stages,
			]
			for group_by in ("Customer", "Voucher"):
				filters = {"ageing_based_on": basis.value, "range": "30, 60, 90, 120"}
				filters["coordination_period_days"] = 60
				rows, _total = aging_rows(self.group, group_by=group_by, **filters)
				fields = ("outstanding", "not_due", *(f"range{i}" for i in range(1, 6)), *stage_fields)
				got = [sum(Decimal(str(row[field])) for row in rows) for field in fields]
				self.assertEqual(got, expected, f"{basis.value}, by {group_by}")
				if group_by == "Voucher":  # each voucher in one bucket and one stage
					for row in rows:
						buckets = [row[field] for field in fields[1:7]]
						stages = [row[field] for field in stage_fields]
						self.assertEqual(sum(1 for amount in buckets if amount), 1, row["voucher_no"])
						self.assertEqual(sum(1 for amount in stages if amount), 1, row["voucher_no"])
