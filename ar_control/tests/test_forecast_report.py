"""Cash-in Forecast on real documents: usual days late, promises, disputes, Legal, a foreign
currency, advances netted, sales persons; the collection profile and the backtest on histories
whose answer is known (a customer who always pays 10 days late; one who changes its habit), the
backtest's no-peeking rule; the accuracy the report shows; who may run what and what bad filters
get.

One ledger (as of 2026-06-30, customers in a customer group of their own):

- C1 paid two invoices 10 days late (1000 and 500); owes B (600, due 06-10) with a pending promise
  of 400 on 07-08, a disputed D (300, due 06-05) and a not-yet-due A (800, due 07-10). Its usual
  days late: 10.
- C3 paid one invoice 30 days late; owes 1000 due 07-05 and has an unallocated advance of 300.
- C2 is billed in USD (100 USD at 80 = 8000 INR, due 07-15), C4 owes 500 due 07-20 and holds an
  advance of 2000; neither has paid anything yet: they get the group's figure,
  (1000 x 10 + 500 x 10 + 1000 x 30) / 2500 = 18 days.
- C5 (another group) owes 700 on a case handed over to Legal.

Where the figures of that ledger are checked, the collection profile is left out (no history:
each item in full in its habit week), so that what is checked is the reading of the documents.
"""

from datetime import date, timedelta
from decimal import Decimal
from unittest import mock

import frappe
from frappe.desk.query_report import run as run_report

from ar_control.ar_control.report.cash_in_forecast import cash_in_forecast as report
from ar_control.arguments import InvalidArgumentError
from ar_control.compat import test_record_dependencies
from ar_control.core import backtest as backtests
from ar_control.core import collection_profile as profiles
from ar_control.core import forecast as core
from ar_control.data import collection_profile as profile_data
from ar_control.data import forecast as data
from ar_control.data import ledger
from ar_control.forecast import accuracy, backtest, cash_in
from ar_control.forecast.options import BacktestOptions, BacktestRangeError
from ar_control.tests.utils import (
	COMPANY,
	TEST_DEPENDENCIES,
	ARTestCase,
	make_advance,
	make_credit_note,
	make_customer,
	make_customer_group,
	make_payment,
	make_sales_invoice,
	make_sales_person,
	make_user,
	sales_team,
	set_exchange_rate,
)

globals().update(test_record_dependencies(TEST_DEPENDENCIES))

AS_OF = date(2026, 6, 30)
USD_ACCOUNT = "_Test Receivable USD - _TC"
D0 = Decimal(0)


def d(text: str) -> date:
	return date.fromisoformat(text)


def receipts_of(forecast: core.Forecast, voucher_no: str) -> list[core.Receipt]:
	return [r for r in forecast.receipts if r.voucher_no == voucher_no]


def weekly(receipt: core.Receipt) -> dict[int, Decimal]:
	"""{week: amount} of a receipt's weeks with something in them (before credits)."""
	return {k: a for k, a in enumerate(receipt.weeks, start=1) if a}


def without_history():
	"""The forecast without a collection profile: every item in full in its habit week."""
	return mock.patch.object(profile_data, "collection_profile", return_value=profiles.NO_PROFILE)


class ForecastLedger(ARTestCase):
	def setUp(self):
		frappe.set_user("Administrator")
		frappe.flags.current_date = str(AS_OF)
		self.group = make_customer_group("AR Forecast")
		self.c1 = make_customer("AR Forecast Late", customer_group=self.group)
		self.c2 = make_customer(
			"AR Forecast USD", currency="USD", receivable_account=USD_ACCOUNT, customer_group=self.group
		)
		self.c3 = make_customer("AR Forecast Advance", customer_group=self.group)
		self.c4 = make_customer("AR Forecast Credit", customer_group=self.group)
		self.c5 = make_customer("AR Forecast Legal", customer_group=make_customer_group("AR Forecast Legal"))
		self.customers = [self.c1, self.c2, self.c3, self.c4, self.c5]

		h1 = make_sales_invoice(self.c1, 1000, "2026-01-01", "2026-01-31")
		make_payment(h1, 1000, "2026-02-10")
		h2 = make_sales_invoice(self.c1, 500, "2026-02-01", "2026-03-03")
		make_payment(h2, 500, "2026-03-13")
		self.b = make_sales_invoice(self.c1, 600, "2026-05-11", "2026-06-10")
		self.disputed = make_sales_invoice(self.c1, 300, "2026-05-06", "2026-06-05")
		self.a = make_sales_invoice(self.c1, 800, "2026-06-10", "2026-07-10")

		h3 = make_sales_invoice(self.c3, 1000, "2026-03-01", "2026-03-31")
		make_payment(h3, 1000, "2026-04-30")
		self.c3_open = make_sales_invoice(self.c3, 1000, "2026-06-05", "2026-07-05")
		make_advance(self.c3, 300, "2026-06-20")

		set_exchange_rate("USD", "INR", 80, "2026-01-01")
		self.dollars = make_sales_invoice(
			self.c2, 100, "2026-06-15", "2026-07-15", currency="USD", conversion_rate=80, debit_to=USD_ACCOUNT
		)
		self.c4_open = make_sales_invoice(self.c4, 500, "2026-06-20", "2026-07-20")
		make_advance(self.c4, 2000, "2026-06-25")

		self.legal = make_sales_invoice(self.c5, 700, "2026-04-01", "2026-05-01")

		case = frappe.get_doc({"doctype": "Collection Case", "customer": self.c1, "company": COMPANY})
		case.insert(ignore_permissions=True)
		for row in case.invoices:
			if row.sales_invoice == self.b.name:
				row.promised_date = "2026-07-08"
				row.promised_amount = 400
			if row.sales_invoice == self.disputed.name:
				row.disputed = 1
				row.dispute_reason = "Wrong quantity"
		case.save(ignore_permissions=True)
		legal = frappe.get_doc(
			{
				"doctype": "Collection Case",
				"customer": self.c5,
				"company": COMPANY,
				"handed_over_on": "2026-06-15",
			}
		)
		legal.insert(ignore_permissions=True)
		self.assertEqual(legal.status, "Legal")

	def tearDown(self):
		frappe.flags.current_date = None
		frappe.set_user("Administrator")
		frappe.db.rollback()

	def forecast(self, **kwargs) -> cash_in.ForecastRun:
		with without_history():
			return cash_in.forecast(
				COMPANY, AS_OF, 13, 12, self.customers, history_customers=self.customers, **kwargs
			)


class TestLateness(ForecastLedger):
	def test_a_customer_is_as_late_as_what_it_paid_weighted_by_amount(self):
		late = data.lateness(COMPANY, AS_OF, 12, self.customers)
		self.assertEqual((late.customers[self.c1], late.customers[self.c3]), (Decimal(10), Decimal(30)))
		# nothing of C2, C4 and C5 was paid: no figure of their own (open invoices do not count)
		self.assertNotIn(self.c2, late.customers)
		self.assertNotIn(self.c5, late.customers)
		# the group and the company weigh every payment alike: (1000 x 10 + 500 x 10 + 1000 x 30) / 2500
		self.assertEqual(late.groups[self.group], Decimal(18))
		self.assertEqual(late.company, Decimal(18))

	def test_only_what_was_paid_by_the_date_counts_and_an_early_payment_counts_early(self):
		# on 2026-03-05 h1 was paid 10 days late; h2 (due 03-03) was open, not yet a payment
		late = data.lateness(COMPANY, d("2026-03-05"), 12, [self.c1])
		self.assertEqual(late.customers[self.c1], Decimal(10))
		early = make_customer("AR Forecast Early", customer_group=self.group)
		make_payment(make_sales_invoice(early, 300, "2026-05-01", "2026-05-31"), 300, "2026-05-27")
		self.assertEqual(data.lateness(COMPANY, AS_OF, 12, [early]).customers[early], Decimal(-4))


class TestForecast(ForecastLedger):
	def test_a_not_yet_due_invoice_comes_in_the_week_of_its_habit_date(self):
		(receipt,) = receipts_of(self.forecast().forecast, self.a.name)
		self.assertEqual((receipt.source, receipt.days_late), (core.Source.CUSTOMER, 10))
		self.assertEqual(receipt.expected_date, d("2026-07-20"))
		self.assertEqual(weekly(receipt), {3: Decimal(800)})  # week 3: 07-15 … 07-21

	def test_a_pending_promise_comes_on_its_date_and_the_rest_no_earlier(self):
		parts = {r.source: r for r in receipts_of(self.forecast().forecast, self.b.name)}
		promised, rest = parts[core.Source.PROMISE], parts[core.Source.CUSTOMER]
		self.assertEqual(
			(promised.outstanding, promised.expected_date, weekly(promised)),
			(Decimal(400), d("2026-07-08"), {2: Decimal(400)}),
		)
		# B's habit date (06-20) has passed; the rest comes with the promise, in week 2
		self.assertEqual((rest.outstanding, weekly(rest)), (Decimal(200), {2: Decimal(200)}))

	def test_disputed_and_legal_invoices_are_set_apart_and_only_the_naive_forecast_expects_them(self):
		run = self.forecast()
		apart = {s.voucher_no: (s.reason, s.outstanding) for s in run.forecast.set_apart}
		self.assertEqual(
			apart,
			{
				self.disputed.name: (core.SetApartReason.DISPUTED, Decimal("300.00")),
				self.legal.name: (core.SetApartReason.LEGAL, Decimal("700.00")),
			},
		)
		self.assertEqual((run.forecast.disputed, run.forecast.legal), (Decimal("300.00"), Decimal("700.00")))
		self.assertFalse(receipts_of(run.forecast, self.disputed.name))
		(naive,) = receipts_of(run.naive, self.legal.name)
		self.assertEqual(weekly(naive), {1: Decimal(700)})

	def test_a_foreign_currency_invoice_is_forecast_in_company_currency_with_the_groups_lateness(self):
		(receipt,) = receipts_of(self.forecast().forecast, self.dollars.name)
		self.assertEqual(receipt.outstanding, Decimal("8000.00"))
		self.assertEqual((receipt.source, receipt.days_late), (core.Source.CUSTOMER_GROUP, 18))
		self.assertEqual((receipt.expected_date, weekly(receipt)), (d("2026-08-02"), {5: Decimal(8000)}))

	def test_advances_are_netted_at_the_customer(self):
		run = self.forecast()
		(c3,) = receipts_of(run.forecast, self.c3_open.name)
		self.assertEqual((c3.days_late, c3.expected_date), (30, d("2026-08-04")))
		self.assertEqual((c3.credit_applied, c3.amount), (Decimal(300), Decimal(700)))
		(c4,) = receipts_of(run.forecast, self.c4_open.name)
		self.assertEqual(c4.amount, 0)
		self.assertEqual(run.forecast.unapplied_credit[self.c4], Decimal(1500))
		self.assertNotIn(self.c3, run.forecast.unapplied_credit)

	def test_without_the_index_the_forecast_is_the_same(self):
		mirrored = self.forecast()
		direct = ledger.Receivables(frappe.qb.DocType(ledger.LEDGER), False)
		with mock.patch.object(ledger, "receivables", return_value=direct):
			from_ledger = self.forecast()
		# the same rows, perhaps in another order
		self.assertEqual(
			sorted(from_ledger.forecast.receipts, key=str), sorted(mirrored.forecast.receipts, key=str)
		)
		self.assertEqual(
			sorted(from_ledger.forecast.set_apart, key=str), sorted(mirrored.forecast.set_apart, key=str)
		)
		self.assertEqual(from_ledger.forecast.weeks, mirrored.forecast.weeks)
		self.assertEqual(from_ledger.forecast.unapplied_credit, mirrored.forecast.unapplied_credit)
		self.assertEqual(from_ledger.lateness, mirrored.lateness)


class TestCollected(ForecastLedger):
	def test_payments_on_items_open_at_the_date_count_credit_notes_and_new_invoices_do_not(self):
		make_payment(self.a, 300, "2026-07-03")  # week 1
		make_credit_note(self.b, 100, "2026-07-04", update_outstanding_for_self=0)  # not cash
		later = make_sales_invoice(self.c1, 900, "2026-07-02", "2026-07-05")  # not open on 06-30
		make_payment(later, 900, "2026-07-06")
		make_payment(self.b, 200, "2026-07-09")  # week 2
		self.assertEqual(data.collected(COMPANY, AS_OF, 2, [self.c1]), (Decimal("300.00"), Decimal("200.00")))


def kept_accuracy(company: str = COMPANY) -> accuracy.Accuracy:
	"""A backtest of two month-ends kept as the company's accuracy: week 1 forecast 100 and 200,
	80 and 220 collected (ratios 0.8 and 1.1); week 2 forecast 100 twice, 100 collected twice."""
	origins = [
		backtests.BacktestOrigin(
			d("2026-04-30"), (Decimal(100), Decimal(100)), (D0, D0), (Decimal(80), Decimal(100))
		),
		backtests.BacktestOrigin(
			d("2026-05-31"), (Decimal(200), Decimal(100)), (D0, D0), (Decimal(220), Decimal(100))
		),
	]
	options = BacktestOptions(
		{"company": company, "weeks": 2, "to_date": "2026-05-31", "from_date": "2026-04-01"}
	)
	accuracy.keep(options, backtests.backtest(origins))
	return accuracy.latest(company)


class TestReport(ForecastLedger):
	def execute(self, **filters):
		filters = {"company": COMPANY, "report_date": str(AS_OF), **filters}
		with without_history(), mock.patch.object(accuracy, "refresh") as refresh:
			result = report.execute(filters)
		self.refreshed = refresh.called
		return result

	def tearDown(self):
		frappe.cache.delete_value(accuracy._key(COMPANY))
		super().tearDown()

	def test_by_week_the_rows_add_up_to_the_forecast_and_the_chart_shows_both_lines(self):
		run = self.forecast()
		# narrowed to one customer, its figures alone
		_cols, rows, _msg, chart, summary = self.execute(customer=self.c1)
		weeks = [r for r in rows if r.get("week")]
		self.assertEqual(len(weeks), 13)
		c1 = [r for r in run.forecast.receipts if r.customer == self.c1]
		for week in (2, 3):
			self.assertEqual(weeks[week - 1]["expected"], sum(r.amounts[week - 1] for r in c1))
		# the promise and B's rest in week 2, A in week 3
		self.assertEqual((weeks[1]["expected"], weeks[2]["expected"]), (Decimal(600), Decimal(800)))
		# naive: B (600) and D (300) overdue fall in week 1, A (800) on its due date 07-10, week 2
		self.assertEqual((weeks[0]["naive"], weeks[1]["naive"]), (Decimal("900.00"), Decimal("800.00")))
		total = rows[-1]
		self.assertEqual(total["naive"], Decimal("1700.00"))
		self.assertEqual([d["chartType"] for d in chart["data"]["datasets"]], ["bar", "line"])
		self.assertEqual(chart["data"]["datasets"][1]["values"][:2], [900.0, 800.0])
		figures = {s["label"]: s["value"] for s in summary}
		self.assertEqual(figures["Disputed (Not Expected)"], Decimal("300.00"))

	def test_the_last_backtest_shows_beside_the_figures_with_its_band_on_the_chart(self):
		kept_accuracy()
		_cols, rows, message, chart, summary = self.execute(customer=self.c1)
		self.assertFalse(self.refreshed)  # it is the latest: no new backtest is asked for
		week2 = rows[1]
		# week 2 of the backtest: forecast 200, collected 200: WAPE 0, bias 0, ratios 1 and 1
		self.assertEqual((week2["backtest_wape"], week2["backtest_bias"]), (D0, D0))
		self.assertEqual((week2["likely_low"], week2["likely_high"]), (Decimal(600), Decimal(600)))
		# week 1: ratios 0.8 and 1.1 -> 10th percentile 0.83, 90th 1.07; bias (300 - 300) / 300
		week1 = rows[0]
		self.assertEqual((week1["likely_low"], week1["likely_high"]), (D0, D0))  # nothing expected
		self.assertEqual(week1["backtest_bias"], D0)
		self.assertNotIn("backtest_wape", rows[2])  # the backtest covered 2 weeks
		names = [d["name"] for d in chart["data"]["datasets"]]
		self.assertEqual(names[2:], ["Likely Low (10th Percentile)", "Likely High (90th Percentile)"])
		self.assertEqual(chart["data"]["datasets"][2]["values"][:3], [0.0, 600.0, 0.0])
		figures = {s["label"]: s["value"] for s in summary}
		# every week of both origins: |100-80| + |200-220| + 0 + 0 = 40 of 500
		self.assertEqual((figures["Backtest WAPE %"], figures["Backtest Bias %"]), (8.0, 0.0))
		self.assertIn("2 month-ends", message)

	def test_without_a_backtest_the_report_asks_for_one_and_says_so(self):
		_cols, _rows, message, chart, summary = self.execute(customer=self.c1)
		self.assertTrue(self.refreshed)
		self.assertIn("being measured", message)
		self.assertEqual(len(chart["data"]["datasets"]), 2)
		self.assertNotIn("Backtest WAPE %", {s["label"] for s in summary})

	def test_by_customer_each_row_says_where_its_lateness_comes_from(self):
		_cols, rows, *_ = self.execute(group_by="Customer", customer=self.c4)
		(row, total) = rows
		self.assertEqual(
			(row["customer"], row["days_late"], row["lateness_source"]), (self.c4, 18, "Customer Group")
		)
		self.assertEqual(row["unapplied_credit"], Decimal(1500))
		self.assertEqual((row["expected"], total["expected"]), (0, 0))

	def test_by_sales_person_a_shared_invoice_counts_for_each_share(self):
		alice, bob = make_sales_person("AR FC Alice"), make_sales_person("AR FC Bob")
		# C3's advance of 300 goes to this one first (habit 07-25, before 08-04): 1000 - 300
		shared = make_sales_invoice(
			self.c3, 1000, "2026-06-25", "2026-06-25", sales_team=sales_team((alice, 60), (bob, 40))
		)
		_cols, rows, *_ = self.execute(group_by="Sales Person", customer=self.c3)
		by_person = {r["sales_person"]: r for r in rows if not r.get("is_total")}
		(receipt,) = receipts_of(self.forecast().forecast, shared.name)
		self.assertEqual(receipt.amount, Decimal(700))
		self.assertEqual(
			(by_person[alice]["expected"], by_person[bob]["expected"]), (Decimal(420), Decimal(280))
		)

	def test_who_may_run_the_report_follows_ar_aging_analysis(self):
		roles = {r.role for r in frappe.get_doc("Report", "Cash-in Forecast").roles}
		self.assertEqual(roles, {r.role for r in frappe.get_doc("Report", "AR Aging Analysis").roles})
		filters = {"company": COMPANY, "report_date": str(AS_OF), "customer": self.c1}
		for roles, allowed in ((["Accounts User"], True), (["Collector"], True), (["Sales User"], False)):
			frappe.set_user(make_user("ar-fc", roles))
			try:
				with without_history(), mock.patch.object(accuracy, "refresh"):
					if allowed:
						self.assertTrue(run_report("Cash-in Forecast", filters)["result"])
					else:
						with self.assertRaises(frappe.PermissionError):
							run_report("Cash-in Forecast", filters)
			finally:
				frappe.set_user("Administrator")

	def test_bad_filters_get_clear_errors(self):
		for filters, error in (
			({"weeks": "many"}, InvalidArgumentError),
			({"weeks": 0}, InvalidArgumentError),
			({"weeks": 53}, InvalidArgumentError),
			({"group_by": "Territory"}, InvalidArgumentError),
			# Frappe's own date parser refuses it first (a ValidationError naming the date)
			({"report_date": "2026-02-30"}, frappe.ValidationError),
			({"company": "No Such Company"}, frappe.DoesNotExistError),
			({"customer": ["a", "list"]}, InvalidArgumentError),
		):
			with self.subTest(filters=filters), self.assertRaises(error):
				self.execute(**filters)


class MonthlyHistory(ARTestCase):
	"""A customer invoiced on the 10th (1000) and the 25th (400) of every month from January 2025,
	each due a month later and paid ``days late`` (a function of the due date) after it."""

	weeks = 4

	def make_history(self, days_late, last_month=date(2026, 3, 1), paid_until=date(2026, 6, 30)):
		frappe.set_user("Administrator")
		frappe.flags.current_date = str(paid_until)
		self.customer = make_customer("AR FC History", customer_group=make_customer_group("AR FC BT"))
		month = date(2025, 1, 1)
		while month <= last_month:
			following = (month + timedelta(days=32)).replace(day=1)
			for day, amount in ((10, 1000), (25, 400)):
				due = following.replace(day=day)
				invoice = make_sales_invoice(self.customer, amount, str(month.replace(day=day)), str(due))
				paid = due + timedelta(days=days_late(due))
				if paid <= paid_until:
					make_payment(invoice, amount, str(paid))
			month = following

	def tearDown(self):
		frappe.flags.current_date = None
		frappe.set_user("Administrator")
		frappe.db.rollback()

	def options(self, **filters):
		return BacktestOptions(
			{"company": COMPANY, "customer": self.customer, "weeks": self.weeks, **filters}
		)

	def backtest(self, **filters) -> backtests.Backtest:
		"""The backtest of the customer, learning from its history alone (the site may hold others)."""
		options = self.options(**filters)
		return cash_in.backtest(
			COMPANY, options.origins, self.weeks, 12, [self.customer], history_customers=[self.customer]
		)


class TestBacktest(MonthlyHistory):
	"""A customer who always pays exactly 10 days late: the right answer is known to the day."""

	def setUp(self):
		self.make_history(lambda due: 10)

	def test_where_lateness_is_the_rule_the_forecast_is_exact_and_the_due_date_is_not(self):
		options = self.options(from_date="2025-10-01", to_date="2026-02-28")
		self.assertEqual(
			options.origins,
			[d("2025-10-31"), d("2025-11-30"), d("2025-12-31"), d("2026-01-31"), d("2026-02-28")],
		)
		result = self.backtest(from_date="2025-10-01", to_date="2026-02-28")
		# every origin: the 10th's invoice (1000) is due in week 2 and collected in week 3; the
		# 25th's of the month before (400) is overdue and collected in week 1, the 25th's of the
		# month is due in week 4 and collected after it
		self.assertEqual([h.actual for h in result.horizons], [Decimal(2000), D0, Decimal(5000), D0])
		self.assertEqual(
			[h.forecast.forecast for h in result.horizons], [Decimal(2000), D0, Decimal(5000), D0]
		)
		self.assertEqual((result.wape, result.total_error), (D0, D0))
		# the due date expects the 1000 in week 2 and the next 400 in week 4, a week or two early
		self.assertEqual(result.horizons[1].naive.forecast, Decimal(5000))
		self.assertEqual(result.naive_wape, Decimal("171.43"))  # (1000 + 1000 + 400) / 1400

	def test_the_profile_learns_that_everything_comes_in_the_habit_week(self):
		profile = profile_data.learn(COMPANY, d("2026-02-28"), [self.customer])
		# the 12 month-ends whose 13 weeks have passed (2024-11-30 … 2025-10-31), then the later ones
		self.assertEqual((profile.month_ends[0], profile.month_ends[-1]), (d("2024-11-30"), d("2026-01-31")))
		self.assertEqual((profile.rate(-1), profile.rate(0)), (D0, Decimal(1)))
		# what was open on a month-end and came in that week: the habit week's band holds it
		habit_week = profile.bands[profiles.band_of(0)]
		self.assertEqual(habit_week.open, habit_week.collected)

	def test_the_lateness_of_each_origin_is_what_was_known_then(self):
		late = data.lateness(COMPANY, d("2025-10-31"), 12, [self.customer])
		self.assertEqual(late.customers[self.customer], Decimal(10))

	def test_collected_counts_payments_on_the_items_open_at_the_origin(self):
		weekly = data.collected(COMPANY, d("2025-10-31"), 6, [self.customer])
		# 400 on 11-04 (week 1: the invoice of 09-25), 1000 on 11-20 (week 3), 400 on 12-05 (week 5);
		# November's invoices were not open on the origin and do not count
		self.assertEqual(weekly, (Decimal("400.00"), 0, Decimal("1000.00"), 0, Decimal("400.00"), 0))

	def test_the_default_range_is_the_last_12_month_ends_whose_weeks_have_passed(self):
		options = self.options()
		self.assertEqual(len(options.origins), 12)
		self.assertEqual(options.origins[-1], d("2026-05-31"))  # 4 weeks after it end on 06-28

	def test_a_backtest_of_one_customer_is_not_kept_as_the_companys_accuracy(self):
		options = self.options(from_date="2026-01-01", to_date="2026-02-28")
		frappe.cache.delete_value(accuracy._key(COMPANY))
		self.assertFalse(accuracy.keep(options, self.backtest(from_date="2026-01-01", to_date="2026-02-28")))
		self.assertIsNone(accuracy.latest(COMPANY))

	def test_bad_ranges_and_roles_are_refused(self):
		for filters in (
			{"from_date": "2026-03-01", "to_date": "2026-01-31"},
			{"from_date": "2026-03-02", "to_date": "2026-03-30"},
			{"to_date": "2026-06-30"},  # its weeks are still ahead
			{"from_date": "2020-01-01", "to_date": "2026-01-31"},
		):
			with self.subTest(filters=filters), self.assertRaises(BacktestRangeError):
				self.options(**filters)
		frappe.set_user(make_user("ar-fc-bt", ["Accounts User"]))
		try:
			with self.assertRaises(backtest.BacktestNotPermittedError):
				backtest.run({"company": COMPANY})
		finally:
			frappe.set_user("Administrator")
		frappe.set_user(make_user("ar-fc-bt-cm", ["Credit Manager"]))
		try:
			result = backtest.run(
				{"company": COMPANY, "customer": self.customer, "weeks": 4, "to_date": "2026-02-28"}
			)
		finally:
			frappe.set_user("Administrator")
		self.assertEqual(len(result["origins"]), 12)
		self.assertEqual(result["headers"][0], "Week")
		self.assertEqual(len(result["rows"]), 5)
		self.assertFalse(result["kept"])  # one customer's backtest is not the company's


class TestChangeOfHabit(MonthlyHistory):
	"""A customer paid 10 days late until 2025; from January 2026 it pays 40 days late. The right
	answer is what it then paid; the forecast must follow the change, not keep the old habit."""

	weeks = 8

	def setUp(self):
		self.make_history(lambda due: 10 if due < date(2026, 1, 1) else 40, last_month=date(2026, 5, 1))

	def test_the_usual_days_late_follow_the_new_payments(self):
		figures = [
			data.lateness(COMPANY, d(day), 12, [self.customer]).customers[self.customer]
			for day in ("2025-12-31", "2026-02-28", "2026-04-30")
		]
		self.assertEqual(figures[0], Decimal(10))
		self.assertTrue(figures[0] < figures[1] < figures[2], figures)

	def test_after_the_change_the_forecast_follows_what_the_customer_now_pays(self):
		result = self.backtest(from_date="2026-02-01", to_date="2026-04-30")
		# the due date misses by far; the app's total over the weeks is right within 10 %
		self.assertLess(result.wape, result.naive_wape)
		self.assertLess(abs(result.total_error), 10)
		# the latest origin, three months after the change, is closer than the first
		errors = [abs(o.total_error) for o in result.origins]
		self.assertLess(errors[-1], errors[0])

	def test_the_old_habit_is_not_what_the_forecast_expects(self):
		# as of 2026-04-30 the invoice of 04-10 (1000, due 05-10) would come on 05-20 by the old
		# habit (week 3); it comes on 06-19 (week 8). The forecast expects less than half of it by
		# week 3 and most of it later
		run = cash_in.forecast(
			COMPANY,
			d("2026-04-30"),
			8,
			12,
			[self.customer],
			with_cases=False,
			history_customers=[self.customer],
		)
		(receipt,) = [
			r for r in run.forecast.receipts if r.outstanding == 1000 and r.due_date == d("2026-05-10")
		]
		self.assertLess(sum(receipt.weeks[:3], D0), Decimal(500))
		self.assertGreater(sum(receipt.weeks[3:], D0), Decimal(500))


class TestNoPeeking(MonthlyHistory):
	"""The forecast of a past day is made of what was known on it: documents posted later change
	what the backtest compares it with, never the forecast itself."""

	def setUp(self):
		self.origin = d("2026-02-28")
		self.make_history(lambda due: 10, paid_until=self.origin)

	def made(self) -> cash_in.ForecastRun:
		frappe.cache.delete_keys(profile_data.PROFILE_CACHE)  # learn the profile again, every time
		return cash_in.forecast(
			COMPANY, self.origin, 4, 12, [self.customer], with_cases=False, history_customers=[self.customer]
		)

	def test_what_happens_after_the_origin_changes_nothing_of_its_forecast(self):
		before = self.made()
		collected = data.collected(COMPANY, self.origin, 4, [self.customer])
		# after the origin: an invoice open on it is paid a week early, a new invoice is posted and
		# paid, and a credit note returns part of it
		(open_on_origin,) = frappe.get_all(
			"Sales Invoice",
			filters={"customer": self.customer, "due_date": "2026-03-10", "docstatus": 1},
			pluck="name",
		)
		make_payment(frappe.get_doc("Sales Invoice", open_on_origin), 1000, "2026-03-13")
		new = make_sales_invoice(self.customer, 5000, "2026-03-02", "2026-03-05")
		make_payment(new, 5000, "2026-03-04")
		make_credit_note(new, 100, "2026-03-03", update_outstanding_for_self=0)
		after = self.made()
		self.assertEqual(after.forecast.weeks, before.forecast.weeks)
		self.assertEqual(after.forecast.receipts, before.forecast.receipts)
		self.assertEqual(after.lateness, before.lateness)
		self.assertEqual(after.profile, before.profile)
		# what the backtest compares it with has changed: the payment of 03-13 is in week 2
		self.assertNotEqual(data.collected(COMPANY, self.origin, 4, [self.customer]), collected)

	def test_the_profile_of_a_month_end_reads_nothing_after_it(self):
		learnt = profile_data.learn(COMPANY, self.origin, [self.customer])
		self.assertEqual(learnt.cut_off, self.origin)
		# the weeks of the month-ends before it are followed only up to it
		last = learnt.month_ends[-1]
		self.assertEqual(last, d("2026-01-31"))
		self.assertEqual(profiles.weeks_passed(last, self.origin), 4)


class TestAccuracy(ARTestCase):
	def tearDown(self):
		frappe.cache.delete_value(accuracy._key(COMPANY))
		frappe.flags.current_date = None

	def test_a_backtest_over_every_customer_is_kept_and_a_new_one_is_due_after_a_month_end(self):
		found = kept_accuracy()
		self.assertEqual((found.company, found.weeks, found.origins[-1]), (COMPANY, 2, d("2026-05-31")))
		self.assertEqual(found.horizon(1).low, Decimal("0.8300"))  # ratios 0.8 and 1.1
		self.assertIsNone(found.horizon(3))
		# 13 weeks after 05-31 end on 08-30: on 08-30 that is the latest month-end, on 09-30 August's
		self.assertFalse(accuracy.due(found, d("2026-08-30")))
		self.assertTrue(accuracy.due(found, d("2026-11-30")))
		self.assertTrue(accuracy.due(None))

	def test_the_background_job_keeps_the_default_backtest(self):
		frappe.flags.current_date = "2026-12-01"
		fake = backtests.backtest(
			[backtests.BacktestOrigin(d("2026-08-31"), (Decimal(1),), (Decimal(1),), (Decimal(1),))]
		)
		with mock.patch.object(accuracy, "run_backtest", return_value=fake) as ran:
			found = accuracy.measure(COMPANY)
		(options,) = ran.call_args.args
		self.assertEqual((options.company, options.customers, options.weeks), (COMPANY, None, 13))
		self.assertEqual(len(options.origins), 12)
		self.assertEqual(found.result, fake)
