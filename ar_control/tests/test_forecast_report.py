"""Cash-in Forecast on real documents: lateness, promises, disputes, Legal, a foreign currency,
advances netted, sales persons, the backtest on a history whose answer is known, who may run it
and what bad filters get.

One ledger (as of 2026-06-30, customers in a customer group of their own):

- C1 pays 10 days late (two settled invoices), owes B (600, due 06-10, 20 days late on the
  as-of date) with a pending promise of 400 on 07-08, a disputed D (300, due 06-05, 25 days
  late) and a not-yet-due A (800, due 07-10). Amount-weighted: (1000*10 + 500*10 + 600*20 +
  300*25) / 2400 = 14.375 -> 14.38 days (Credit Assessment's figure).
- C3 paid one invoice 30 days late; owes 1000 due 07-05 and has an unallocated advance of 300.
- C2 is billed in USD (100 USD at 80 = 8000 INR, due 07-15), C4 owes 500 due 07-20 and holds an
  advance of 2000; neither has history: they get the group's figure, (34500 + 30000) / 3400 =
  18.97 -> 19 days.
- C5 (another group) owes 700 on a case handed over to Legal.
"""

from datetime import date, timedelta
from decimal import Decimal
from unittest import mock

import frappe
from frappe.desk.query_report import run as run_report

from ar_control.ar_control.doctype.ar_control_settings.ar_control_settings import get_settings
from ar_control.ar_control.report.cash_in_forecast import cash_in_forecast as report
from ar_control.arguments import InvalidArgumentError
from ar_control.compat import test_record_dependencies
from ar_control.core import collection_profile as profiles
from ar_control.core import credit, escalation
from ar_control.core import forecast as core
from ar_control.data import forecast as data
from ar_control.data import ledger
from ar_control.data.history import invoice_history
from ar_control.forecast import backtest, cash_in
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


def d(text: str) -> date:
	return date.fromisoformat(text)


def receipts_of(forecast: core.Forecast, voucher_no: str) -> list[core.Receipt]:
	return [r for r in forecast.receipts if r.voucher_no == voucher_no]


def curve_amount(amount: str, days_past_due: int) -> Decimal:
	"""``amount`` after the site's recoverability curve at this age (the settings' rows)."""
	share = escalation.recoverable(days_past_due, get_settings().recovery_curve())
	return (Decimal(amount) * share / 100).quantize(Decimal("0.01"))


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

	def forecast(self, **kwargs) -> data.ForecastRun:
		return data.run_forecast(
			COMPANY, AS_OF, 13, get_settings().recovery_curve(), 12, self.customers, **kwargs
		)


class TestLateness(ForecastLedger):
	def test_the_customers_figure_is_credit_assessments_and_groups_weigh_every_invoice(self):
		late = data.lateness(COMPANY, AS_OF, 12, self.customers)
		start = data.history_start(AS_OF, 12)
		for customer in (self.c1, self.c3):
			history = credit.payment_history(invoice_history(customer, COMPANY, start, AS_OF), AS_OF)
			self.assertEqual(late.customers[customer], history.average_days_late)
		self.assertEqual(late.customers[self.c1], Decimal("14.38"))
		self.assertEqual(late.customers[self.c3], Decimal("30.00"))
		# nothing of C2 and C4 can be judged yet (not due)
		self.assertIsNone(late.customers[self.c2])
		self.assertEqual(late.groups[self.group], Decimal("18.97"))
		# the company: C5's 700 is 60 days late on the as-of date
		self.assertEqual(late.company, round((Decimal(64500) + 700 * 60) / 4100, 2))

	def test_only_what_was_known_on_the_date_counts(self):
		# on 2026-03-05 invoice h2 (due 03-03) was open and 2 days late; h1 was settled 10 days late
		late = data.lateness(COMPANY, d("2026-03-05"), 12, [self.c1])
		self.assertEqual(late.customers[self.c1], round(Decimal(1000 * 10 + 500 * 2) / 1500, 2))


class TestForecast(ForecastLedger):
	def test_a_not_yet_due_invoice_comes_the_customers_days_late_after_its_due_date(self):
		(receipt,) = receipts_of(self.forecast().forecast, self.a.name)
		self.assertEqual((receipt.source, receipt.days_late), (core.Source.CUSTOMER, 14))
		self.assertEqual(receipt.expected_date, d("2026-07-24"))
		self.assertEqual(receipt.week, 4)  # week 4: 07-22 … 07-28
		self.assertEqual(receipt.expected, curve_amount("800", 14))

	def test_a_pending_promise_overrides_the_behaviour(self):
		parts = {r.source: r for r in receipts_of(self.forecast().forecast, self.b.name)}
		promised, rest = parts[core.Source.PROMISE], parts[core.Source.CUSTOMER]
		self.assertEqual(
			(promised.source, promised.outstanding, promised.expected_date, promised.week),
			(core.Source.PROMISE, Decimal("400.00"), d("2026-07-08"), 2),
		)
		# the rest of it comes no earlier than the promised date
		self.assertEqual(
			(rest.source, rest.outstanding, rest.expected_date),
			(core.Source.CUSTOMER, Decimal("200.00"), d("2026-07-08")),
		)
		self.assertEqual(promised.expected, curve_amount("400", 28))

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
		self.assertEqual((naive.expected_date, naive.amount), (d("2026-07-01"), Decimal("700.00")))

	def test_a_foreign_currency_invoice_is_forecast_in_company_currency_with_the_groups_lateness(self):
		(receipt,) = receipts_of(self.forecast().forecast, self.dollars.name)
		self.assertEqual(receipt.outstanding, Decimal("8000.00"))
		self.assertEqual((receipt.source, receipt.days_late), (core.Source.CUSTOMER_GROUP, 19))
		self.assertEqual((receipt.expected_date, receipt.week), (d("2026-08-03"), 5))
		self.assertEqual(receipt.expected, curve_amount("8000", 19))

	def test_advances_are_netted_at_the_customer(self):
		run = self.forecast()
		(c3,) = receipts_of(run.forecast, self.c3_open.name)
		self.assertEqual((c3.days_late, c3.expected_date), (30, d("2026-08-04")))
		self.assertEqual(c3.credit_applied, Decimal("300.00"))
		self.assertEqual(c3.amount, curve_amount("1000", 30) - 300)
		(c4,) = receipts_of(run.forecast, self.c4_open.name)
		self.assertEqual(c4.amount, 0)
		self.assertEqual(run.forecast.unapplied_credit[self.c4], 2000 - curve_amount("500", 19))
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


class TestReport(ForecastLedger):
	def execute(self, **filters):
		filters = {"company": COMPANY, "report_date": str(AS_OF), **filters}
		return report.execute(filters)

	def test_by_week_the_rows_add_up_to_the_forecast_and_the_chart_shows_both_lines(self):
		run = self.forecast()
		# the report over every customer: ours are part of it; narrowed to one, its figures alone
		_cols, rows, _msg, chart, summary = self.execute(customer=self.c1)
		weeks = [r for r in rows if r.get("week")]
		self.assertEqual(len(weeks), 13)
		c1 = [r for r in run.forecast.receipts if r.customer == self.c1]
		self.assertEqual(weeks[1]["expected"], sum(r.amount for r in c1 if r.week == 2))
		self.assertEqual(weeks[3]["expected"], sum(r.amount for r in c1 if r.week == 4))
		# naive: B (600) and D (300) overdue fall in week 1, A (800) on its due date 07-10, week 2
		self.assertEqual((weeks[0]["naive"], weeks[1]["naive"]), (Decimal("900.00"), Decimal("800.00")))
		total = rows[-1]
		self.assertEqual(total["naive"], Decimal("1700.00"))
		self.assertEqual([d["chartType"] for d in chart["data"]["datasets"]], ["bar", "line"])
		self.assertEqual(chart["data"]["datasets"][1]["values"][:2], [900.0, 800.0])
		figures = {s["label"]: s["value"] for s in summary}
		self.assertEqual(figures["Disputed (Not Expected)"], Decimal("300.00"))

	def test_by_customer_each_row_says_where_its_lateness_comes_from(self):
		_cols, rows, *_ = self.execute(group_by="Customer", customer=self.c4)
		(row, total) = rows
		self.assertEqual(
			(row["customer"], row["days_late"], row["lateness_source"]), (self.c4, 19, "Customer Group")
		)
		self.assertEqual(row["unapplied_credit"], 2000 - curve_amount("500", 19))
		self.assertEqual((row["expected"], total["expected"]), (0, 0))

	def test_by_sales_person_a_shared_invoice_counts_for_each_share(self):
		alice, bob = make_sales_person("AR FC Alice"), make_sales_person("AR FC Bob")
		# C3's advance of 300 goes to this one first (expected 07-25, before 08-04): 800 - 300
		shared = make_sales_invoice(
			self.c3, 1000, "2026-06-25", "2026-06-25", sales_team=sales_team((alice, 60), (bob, 40))
		)
		_cols, rows, *_ = self.execute(group_by="Sales Person", customer=self.c3)
		by_person = {r["sales_person"]: r for r in rows if not r.get("is_total")}
		run = self.forecast()
		(receipt,) = receipts_of(run.forecast, shared.name)
		self.assertEqual(receipt.amount, curve_amount("1000", 30) - 300)
		self.assertEqual(
			by_person[alice]["expected"], (receipt.amount * Decimal("0.6")).quantize(Decimal("0.01"))
		)
		self.assertEqual(
			by_person[bob]["expected"], (receipt.amount * Decimal("0.4")).quantize(Decimal("0.01"))
		)

	def test_who_may_run_the_report_follows_ar_aging_analysis(self):
		roles = {r.role for r in frappe.get_doc("Report", "Cash-in Forecast").roles}
		self.assertEqual(roles, {r.role for r in frappe.get_doc("Report", "AR Aging Analysis").roles})
		filters = {"company": COMPANY, "report_date": str(AS_OF), "customer": self.c1}
		for roles, allowed in ((["Accounts User"], True), (["Collector"], True), (["Sales User"], False)):
			frappe.set_user(make_user("ar-fc", roles))
			try:
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


class TestCollectionProfile(ARTestCase):
	"""Old debt that is known to come in at 10 % and then 5 % a week.

	H (customer "Old", 2000, due 2025-11-30) is 121 days past due on 2026-03-31 and 151 on
	2026-04-30 (band 91-180 on both): 200 is paid in the first week after 03-31 (04-02) and 100 in
	the second (04-09); 170 in the first week after 04-30 (05-03) and 85 in the second (05-10). So
	band 91-180 held 2000 + 1700 = 3700 and got 370 (10 %) in week 1 and 185 (5 %) in week 2,
	nothing in weeks 3 and 4. On 05-31 H is 182 days past due (band 181-365) with 1445 open, and
	nothing comes in the four weeks after.

	S (customer "Stale", 1000, due 2026-03-15) is 16, 46 and 77 days past due on the month-ends
	03-31, 04-30 and 05-31 (bands 1-30, 31-60, 61-90) and never paid; on 2026-06-30 it is 107
	days past due (band 91-180), past its customer's own habit (107 days late: itself).
	"""

	def setUp(self):
		frappe.set_user("Administrator")
		frappe.flags.current_date = str(AS_OF)
		group = make_customer_group("AR FC Profile")
		self.old = make_customer("AR FC Old Debt", customer_group=group)
		self.stale = make_customer("AR FC Stale", customer_group=group)
		self.h = make_sales_invoice(self.old, 2000, "2025-10-31", "2025-11-30")
		for amount, day in (
			(200, "2026-04-02"),
			(100, "2026-04-09"),
			(170, "2026-05-03"),
			(85, "2026-05-10"),
		):
			make_payment(self.h, amount, day)
		self.s = make_sales_invoice(self.stale, 1000, "2026-02-13", "2026-03-15")
		self.history = [self.old, self.stale]

	def tearDown(self):
		frappe.flags.current_date = None
		frappe.set_user("Administrator")
		frappe.db.rollback()

	def test_the_profile_is_what_each_age_band_collected_in_the_weeks_after_the_month_ends(self):
		profile = data.collection_profile(COMPANY, AS_OF, 4, self.history)
		# the 12 month-ends whose 4 weeks had passed by 06-30 (05-31 + 28 days = 06-28)
		self.assertEqual(profile.month_ends[0], d("2025-06-30"))
		self.assertEqual(profile.month_ends[-1], d("2026-05-31"))
		self.assertEqual(len(profile.month_ends), 12)
		bands = {p.band: (p.outstanding, p.collected) for p in profile.bands}
		nothing = (0, 0, 0, 0)
		self.assertEqual(
			bands,
			{
				profiles.AgeBand(1, 30): (1000, nothing),  # S on 03-31
				profiles.AgeBand(31, 60): (3000, nothing),  # H on 2025-12-31, S on 04-30
				profiles.AgeBand(61, 90): (5000, nothing),  # H on 01-31 and 02-28, S on 05-31
				profiles.AgeBand(91, 180): (3700, (370, 185, 0, 0)),
				profiles.AgeBand(181, 365): (1445, nothing),
			},
		)
		self.assertEqual(profile.shares_for(107), (Decimal("0.1"), Decimal("0.05"), 0, 0))
		self.assertIsNone(profile.shares_for(400))  # nothing was ever over 365 days past due

	def test_a_stale_item_follows_the_profile_of_its_band(self):
		run = data.run_forecast(
			COMPANY,
			AS_OF,
			4,
			get_settings().recovery_curve(),
			12,
			[self.stale],
			with_cases=False,
			history_customers=self.history,
		)
		receipts = receipts_of(run.forecast, self.s.name)
		self.assertEqual({r.source for r in receipts}, {core.Source.PROFILE})
		self.assertEqual(receipts[0].days_late, 107)
		self.assertEqual(
			[(r.expected_date, r.week, r.outstanding, r.amount) for r in receipts],
			[
				(d("2026-07-01"), 1, Decimal("100.00"), Decimal("100.00")),  # 10 % in week 1
				(d("2026-07-08"), 2, Decimal("50.00"), Decimal("50.00")),  # 5 % in week 2
				(d("2026-07-29"), None, Decimal("850.00"), 0),  # not expected
			],
		)
		self.assertEqual(run.forecast.amounts, (Decimal("100.00"), Decimal("50.00"), 0, 0))
		self.assertEqual(run.forecast.later, 0)
		self.assertEqual(report.not_expected_by_profile(run.forecast), Decimal("850.00"))
		# the due-date forecast still expects all of it on the first day
		self.assertEqual(run.naive.amounts[0], Decimal("1000.00"))
		# H, 212 days past due, is in band 181-365, which collected nothing: nothing expected
		old = data.run_forecast(
			COMPANY,
			AS_OF,
			4,
			get_settings().recovery_curve(),
			12,
			[self.old],
			with_cases=False,
			history_customers=self.history,
		)
		self.assertEqual(old.forecast.total, 0)
		self.assertEqual(sum(r.outstanding for r in old.forecast.receipts), Decimal("1445.00"))

	def test_the_profile_of_an_origin_knows_only_what_had_passed_by_it(self):
		# on 04-30 only 03-31 had its 4 weeks behind it (to 04-28): band 91-180 is H on 03-31
		profile = data.collection_profile(COMPANY, d("2026-04-30"), 4, self.history)
		self.assertEqual(profile.month_ends[-1], d("2026-03-31"))
		self.assertEqual(profile.shares_for(100), (Decimal("0.1"), Decimal("0.05"), 0, 0))
		# on 04-27 not even that: no history for the band, S keeps the customer rule
		early = data.collection_profile(COMPANY, d("2026-04-27"), 4, self.history)
		self.assertEqual(early.month_ends[-1], d("2026-02-28"))
		self.assertIsNone(early.shares_for(100))

	def test_the_profile_is_learnt_once_and_again_after_a_back_dated_payment_or_a_cancellation(self):
		learn = data._learn_profile
		with mock.patch.object(data, "_learn_profile", side_effect=learn) as learnt:
			first = data.collection_profile(COMPANY, AS_OF, 4, self.history)
			self.assertEqual(data.collection_profile(COMPANY, AS_OF, 4, self.history), first)
			self.assertEqual(learnt.call_count, 1)  # the second request found it in the cache
			# 100 more paid on H in the first week after 2026-04-30: band 91-180 got 470 there
			late = make_payment(self.h, 100, "2026-05-04")
			after = data.collection_profile(COMPANY, AS_OF, 4, self.history)
			self.assertEqual(learnt.call_count, 2)
			self.assertEqual(after.shares_for(107)[0], Decimal("0.127027"))  # 470 / 3700, 6 places
			late.cancel()
			self.assertEqual(data.collection_profile(COMPANY, AS_OF, 4, self.history), first)
			# a payment after the profile's last week changes nothing it learns from
			make_payment(self.h, 10, "2026-06-30")
			self.assertEqual(data.collection_profile(COMPANY, AS_OF, 4, self.history), first)
		self.assertEqual(learnt.call_count, 2)

	def test_without_the_index_the_profile_is_the_same(self):
		indexed = data._learn_profile(*self.profile_basis())
		direct = ledger.Receivables(frappe.qb.DocType(ledger.LEDGER), False)
		with mock.patch.object(ledger, "receivables", return_value=direct):
			self.assertEqual(data._learn_profile(*self.profile_basis()), indexed)

	def profile_basis(self):
		ends = profiles.profile_month_ends(AS_OF, 4, data.PROFILE_MONTHS)
		return COMPANY, ends, 4, self.history, profiles.PROFILE_BANDS, 2


class TestBacktest(ARTestCase):
	"""A customer who always pays exactly 10 days late: each invoice is posted on the 10th and
	due the 10th of the next month, another posted on the 25th is due the 25th of the next; each
	is paid 10 days after its due date."""

	def setUp(self):
		frappe.set_user("Administrator")
		frappe.flags.current_date = "2026-06-30"
		self.customer = make_customer(
			"AR Forecast Punctually Late", customer_group=make_customer_group("AR FC BT")
		)
		month = date(2025, 1, 1)
		while month <= date(2026, 3, 1):
			following = (month + timedelta(days=32)).replace(day=1)
			for day, amount in ((10, 1000), (25, 400)):
				due = following.replace(day=day)
				invoice = make_sales_invoice(self.customer, amount, str(month.replace(day=day)), str(due))
				make_payment(invoice, amount, str(due + timedelta(days=10)))
			month = following

	def tearDown(self):
		frappe.flags.current_date = None
		frappe.set_user("Administrator")
		frappe.db.rollback()

	def options(self, **filters):
		return BacktestOptions({"company": COMPANY, "customer": self.customer, "weeks": 4, **filters})

	def test_the_apps_method_beats_the_due_date_where_lateness_is_the_rule(self):
		options = self.options(from_date="2025-10-01", to_date="2026-02-28")
		self.assertEqual(
			options.origins,
			[d("2025-10-31"), d("2025-11-30"), d("2025-12-31"), d("2026-01-31"), d("2026-02-28")],
		)
		result = cash_in.run_backtest(options)
		# every origin: the 10th's invoice (1000) is due in week 2 and collected in week 3; the
		# 25th's of the month before (400) is overdue and collected in week 1, the 25th's of the
		# month is due in week 4 and collected after it
		week3 = result.horizons[2]
		self.assertEqual(week3.actual, Decimal(5000))
		self.assertEqual(week3.forecast.forecast, 5 * curve_amount("1000", 10))
		self.assertEqual(result.horizons[1].naive.forecast, Decimal(5000))
		self.assertEqual(result.horizons[1].actual, 0)
		self.assertLess(result.wape, result.naive_wape)
		self.assertEqual(result.wape, 100 - escalation.recoverable(10, get_settings().recovery_curve()))

	def test_the_lateness_of_each_origin_is_what_was_known_then(self):
		# on 2025-10-31 the invoice of 09-25 (400, due 10-25) was open and 6 days late; it was
		# paid 10 days late only later. Settled by then: 9 x 1000 and 8 x 400, 10 days late each.
		late = data.lateness(COMPANY, d("2025-10-31"), 12, [self.customer])
		self.assertEqual(late.customers[self.customer], Decimal("9.87"))  # 124400 / 12600

	def test_collected_counts_payments_on_the_items_open_at_the_origin(self):
		weekly = data.collected(COMPANY, d("2025-10-31"), 6, [self.customer])
		# 400 on 11-04 (week 1: the invoice of 09-25), 1000 on 11-20 (week 3), 400 on 12-05 (week 5);
		# November's invoices were not open on the origin and do not count
		self.assertEqual(weekly, (Decimal("400.00"), 0, Decimal("1000.00"), 0, Decimal("400.00"), 0))

	def test_the_default_range_is_the_last_12_month_ends_whose_weeks_have_passed(self):
		options = self.options()
		self.assertEqual(len(options.origins), 12)
		self.assertEqual(options.origins[-1], d("2026-05-31"))  # 4 weeks after it end on 06-28

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
