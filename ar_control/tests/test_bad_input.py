"""Bad input to every whitelisted method, report and chart of the app, through the request stack.

Hypothesis draws arguments no caller should send: text that is not JSON, lists where a name is
expected, unknown customers and companies, dates that do not exist, huge and negative numbers,
SQL and HTML metacharacters. Every call must answer with a clear error (4xx: a translated
ValidationError, PermissionError or DoesNotExistError) or, where the input happens to be
acceptable, a normal answer; never a server error (5xx), and the methods that write must not
write anything. It prints ``bad input: S server errors of N calls`` and fails on any 5xx.

The user holds every role of the app, so the calls reach the argument checks instead of stopping
at a permission check.
"""

from __future__ import annotations

import json

import frappe
from frappe.utils.password import update_password
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ar_control.compat import test_record_dependencies
from ar_control.tests.rest import PASSWORD, User
from ar_control.tests.utils import COMPANY, TEST_DEPENDENCIES, ARTestCase, make_customer

globals().update(test_record_dependencies(TEST_DEPENDENCIES))

NASTY_TEXT = [
	"",
	" ",
	"null",
	"[]",
	"{",
	'{"company": ',
	"{'company': 'x'}",
	"' OR 1=1 --",
	'"; DROP TABLE `tabCustomer`; --',
	"<script>alert(1)</script>",
	"<img src=x onerror=alert(1)>",
	"2026-02-30",
	"2026-13-01",
	"9999-99-99",
	"0000-00-00",
	"-1",
	"1e309",
	"NaN",
	"No Such Company",
	"No Such Customer",
	"Voucher; SELECT 1",
	"%",
	"_Test Company\x00",
	"x" * 5000,
]
bad_scalar = st.one_of(
	st.none(),
	st.booleans(),
	st.integers(min_value=-(10**20), max_value=10**20),
	st.floats(allow_nan=False, allow_infinity=False),
	st.sampled_from(NASTY_TEXT),
	st.text(max_size=40),
)
bad_value = st.one_of(
	bad_scalar,
	st.lists(bad_scalar, max_size=3),
	st.dictionaries(st.text(max_size=8), bad_scalar, max_size=2),
)
# a filter value that names something real now and then, so the checks after the first one run
company_value = st.one_of(st.just(COMPANY), bad_value)

AGING_FILTERS = (
	"company",
	"report_date",
	"group_by",
	"range",
	"ageing_based_on",
	"coordination_period_days",
	"customer",
	"customer_group",
	"territory",
	"sales_person",
)
KPI_FILTERS = (
	"company",
	"period",
	"date",
	"from_date",
	"to_date",
	"customer_group",
	"territory",
	"sales_person",
)

PROVISION_FILTERS = ("company", "as_of_date", "group_by", "customer")
FORECAST_FILTERS = ("company", "report_date", "weeks", "group_by", "customer")


def filters_of(keys: tuple[str, ...]):
	"""Filters as the desk sends them (a dict), as text (JSON or not), or something else."""
	as_dict = st.fixed_dictionaries(
		{}, optional={key: company_value if key == "company" else bad_value for key in keys}
	)
	return st.one_of(as_dict, as_dict.map(json.dumps), bad_value)


def report_filters(keys: tuple[str, ...]):
	"""Filters as a dict of bad values. (Frappe's report runner turns the filters into a dict
	before any report code runs, and answers filters that are not a JSON object itself, with a
	server error, for every report of every app: ERPNext's Accounts Receivable as well.)"""
	return st.fixed_dictionaries(
		{}, optional={key: company_value if key == "company" else bad_value for key in keys}
	)


# method -> strategy of its arguments (the write methods get bad arguments only, so they must
# refuse every call and write nothing)
METHODS = {
	"ar_control.api.credit_panel": st.fixed_dictionaries(
		{},
		optional={"customer": bad_value, "company": company_value, "doctype": bad_value, "name": bad_value},
	),
	"ar_control.kpi.dashboard.dso": st.fixed_dictionaries({}, optional={"filters": filters_of(("company",))}),
	"ar_control.kpi.dashboard.overdue_ratio": st.fixed_dictionaries(
		{}, optional={"filters": filters_of(("company",))}
	),
	"ar_control.kpi.dashboard.app_errors": st.fixed_dictionaries(
		{}, optional={"filters": filters_of(("company",))}
	),
	"ar_control.ar_control.dashboard_chart_source.ar_aging_buckets.ar_aging_buckets.get": st.fixed_dictionaries(
		{}, optional={"filters": filters_of(("company",)), "chart_name": bad_value}
	),
	"ar_control.ar_control.dashboard_chart_source.ar_kpi_trend.ar_kpi_trend.get": st.fixed_dictionaries(
		{}, optional={"filters": filters_of(("company",)), "chart_name": bad_value}
	),
	"ar_control.kpi.snapshots.take_snapshots": st.fixed_dictionaries(
		{"company": bad_value}, optional={"month": bad_value}
	),
	"ar_control.credit.holds.put_on_hold": st.fixed_dictionaries(
		{"customer": bad_value}, optional={"company": bad_value, "reason": bad_value}
	),
	"ar_control.credit.holds.release_hold": st.fixed_dictionaries(
		{}, optional={"hold": bad_value, "reason": bad_value}
	),
	"ar_control.credit.check.correct_override": st.fixed_dictionaries(
		{}, optional={"log": bad_value, "note": bad_value}
	),
	"ar_control.collection.ladder.redo_step": st.fixed_dictionaries(
		{}, optional={"step": bad_value, "reason": bad_value}
	),
	"ar_control.ar_control.doctype.collection_case.collection_case.evidence": st.fixed_dictionaries(
		{}, optional={"case": bad_value, "limit": bad_value}
	),
	"frappe.desk.query_report.run#AR Aging Analysis": st.fixed_dictionaries(
		{"filters": report_filters(AGING_FILTERS)}
	),
	"frappe.desk.query_report.run#Sales Collection KPI": st.fixed_dictionaries(
		{"filters": report_filters(KPI_FILTERS)}
	),
	"frappe.desk.query_report.run#Bad Debt Provision": st.fixed_dictionaries(
		{"filters": report_filters(PROVISION_FILTERS)}
	),
	"frappe.desk.query_report.run#Cash-in Forecast": st.fixed_dictionaries(
		{"filters": report_filters(FORECAST_FILTERS)}
	),
	"ar_control.forecast.backtest.run": st.fixed_dictionaries(
		{}, optional={"filters": filters_of(("company", "from_date", "to_date", "weeks", "customer"))}
	),
	# the customer's page: a link's secret that opens nothing, whatever else is sent
	**{
		f"ar_control.portal.answers.{name}": st.fixed_dictionaries(
			{}, optional={field: bad_value for field in ("key", "form", *fields)}
		)
		for name, fields in (
			("promise", ("invoice", "date", "amount")),
			("dispute", ("invoice", "reason", "details")),
			("message", ("text",)),
			("pay", ("invoice",)),
			("statement", ()),
		)
	},
	"ar_control.collection.ladder.preview": st.fixed_dictionaries({}, optional={"company": bad_value}),
	"ar_control.collection.links.copy_link": st.fixed_dictionaries({}, optional={"case": bad_value}),
	"ar_control.collection.links.revoke_links": st.fixed_dictionaries({}, optional={"case": bad_value}),
}
WRITES = (
	"Credit Hold",
	"Credit Override Log",
	"Collection Step Log",
	"Collection KPI Snapshot",
	"Collection Link",
	"Collection Activity",
	"Payment Request",
)


class TestBadInput(ARTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		frappe.set_user("Administrator")
		cls.email = f"ar-fuzz-{frappe.generate_hash(length=6)}@ar-control.test"
		user = frappe.get_doc(
			{"doctype": "User", "email": cls.email, "first_name": "Fuzz", "send_welcome_email": 0}
		).insert(ignore_permissions=True)
		user.add_roles("System Manager", "Credit Manager", "Accounts Manager", "Sales Manager", "Collector")
		update_password(cls.email, PASSWORD)
		cls.customer = make_customer("AR Fuzz")
		frappe.db.commit()
		cls.user = User(cls.email)
		cls.counts_before = {doctype: frappe.db.count(doctype) for doctype in WRITES}

	@classmethod
	def tearDownClass(cls):
		frappe.db.rollback()
		frappe.delete_doc("User", cls.email, force=True, ignore_permissions=True)
		frappe.db.delete("Customer", {"name": cls.customer})
		frappe.db.commit()
		super().tearDownClass()

	def call(self, target: str, args: dict):
		method, _, report = target.partition("#")
		if report:
			args = {"report_name": report, **args}
		return self.user.method(method, **args)

	def test_no_bad_input_ends_in_a_server_error_or_writes_anything(self):
		calls, server_errors = [], []

		def probe_all(target, arguments):
			@settings(
				max_examples=40,
				deadline=None,
				database=None,
				suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
			)
			@given(args=arguments)
			def probe(args):
				frappe.cache.delete_keys("rl:")  # the argument checks, not the rate limit, answer
				response = self.call(target, args)
				calls.append(target)
				if response.status_code >= 500:
					server_errors.append((target, args, response.status_code, response.text[:500]))

			probe()

		for target, arguments in METHODS.items():
			probe_all(target, arguments)

		print(f"\nbad input: {len(server_errors)} server errors of {len(calls)} calls")
		for target, args, status, text in server_errors[:20]:
			print(f"  {status} {target} {args!r}: {text}")
		self.assertEqual(server_errors, [])
		frappe.db.rollback()
		self.assertEqual({doctype: frappe.db.count(doctype) for doctype in WRITES}, self.counts_before)
