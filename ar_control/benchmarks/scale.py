"""Receivables at scale: ERPNext's reports and checks against the app's, side by side.

    bench --site SITE ar-control benchmark --invoices 100000 [--repeat 3]

Builds (or reuses) the dataset of :mod:`ar_control.benchmarks.dataset` with ``invoices``
invoices, then measures, ``repeat`` times, each measurement in a fresh process of its own and
the measurements interleaved (so a slow moment of the machine hurts both products alike):

- aging by customer: ERPNext's *Accounts Receivable Summary* and *AR Aging Analysis* by customer;
- aging by voucher: ERPNext's *Accounts Receivable* and *AR Aging Analysis* by voucher (each
  report run as the desk runs it, through Frappe's ``query_report.run``);
- *Sales Collection KPI* for the year and for the month of the as-of date;
- the *Cash-in Forecast* for 13 weeks by week, against the time of AR Aging Analysis by voucher;
- the credit decision for the customer with the most invoices and for the median customer:
  ERPNext's ``check_credit_limit`` and the app's ``credit.check.evaluate(lock=True)`` (median of
  many calls in one process, alternated), and how long a Sales Order submission holds the app's
  customer lock.

It prints one markdown table: the median time of each, the median peak memory of its process
(resident set size, as the OS counts it), the ratios, and whether the totals are equal to the
cent (every customer's outstanding and buckets, the grand total, the voucher count).
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib
import json
import os
import resource
import statistics
import subprocess
import time
from pathlib import Path

import frappe
from frappe.query_builder.functions import Count
from frappe.utils import flt

from ar_control import compat

RANGE = "30, 60, 90, 120"
APP_AGING = "AR Aging Analysis"
BUCKETS = ("range1", "range2", "range3", "range4", "range5")
ROUNDS = 200  # credit decisions per process and product
LOCK_ROUNDS = 20  # Sales Order submissions per process


# --- one measurement, in a fresh process --------------------------------------------------------


def _peak_mb() -> float:
	return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _aging_filters(company: str, as_of: str) -> dict:
	return {
		"company": company,
		"report_date": as_of,
		"ageing_based_on": "Due Date",
		"calculate_ageing_with": "Report Date",
		"range": RANGE,
	}


def _digest_erpnext(rows: list[dict]) -> dict:
	per_customer: dict[str, list[float]] = {}
	for row in rows:
		values = per_customer.setdefault(row["party"], [0.0] * 6)
		for i, field in enumerate(("outstanding", *BUCKETS)):
			values[i] += flt(row.get(field))
	return _digest(per_customer, len(rows))


def _digest_app(rows: list[dict], key: str) -> dict:
	per_customer: dict[str, list[float]] = {}
	body = [row for row in rows if not row.get("is_total")]
	for row in body:
		values = per_customer.setdefault(row[key], [0.0] * 6)
		for i, field in enumerate(("outstanding", *BUCKETS)):
			values[i] += flt(row.get(field))
	return _digest(per_customer, len(body))


def _digest(per_customer: dict[str, list[float]], rows: int) -> dict:
	rounded = {party: [round(v, 2) for v in values] for party, values in per_customer.items()}
	totals = [round(sum(values[i] for values in per_customer.values()), 2) for i in range(6)]
	signature = hashlib.sha1(json.dumps(sorted(rounded.items())).encode()).hexdigest()
	return {"rows": rows, "totals": totals, "customers": len(rounded), "signature": signature}


def measure(what: str, invoices: int) -> dict:
	"""Run one measurement (called in a fresh process by :func:`run`)."""
	from ar_control.benchmarks import dataset

	frappe.set_user("Administrator")
	compat.set_in_test(False)
	# what a web worker has loaded before it serves its first request (gunicorn imports the
	# application when the worker starts): the first report of the process pays for its own
	# modules and Frappe's report machinery, not for the web server's
	importlib.import_module("frappe.app")
	company = dataset.COMPANY
	as_of = json.loads(frappe.db.get_default(dataset.MARKER))["as_of"]
	baseline = _peak_mb()
	started = time.perf_counter()
	result = {**MEASURES, **SEPARATE}[what](company, as_of)
	# a report's own time, without the digest of its rows; other measures as a whole
	seconds = sum(_report_seconds) if _report_seconds else time.perf_counter() - started
	frappe.db.rollback()
	return {"what": what, "seconds": seconds, "peak_mb": _peak_mb(), "baseline_mb": baseline, **result}


_report_seconds: list[float] = []  # the time of each report call of this process


def _desk(report: str, filters: dict) -> list[dict]:
	"""A report's rows as the desk asks for them: through Frappe's ``query_report.run`` (the
	permission checks, the report's total row where it has one), for either product alike. The
	total row Frappe appends is a list; the rows are dicts. Its time (Frappe's report module
	loaded on the first call included) goes to ``_report_seconds``: the digest the benchmark
	makes of the rows afterwards is not the report's."""
	started = time.perf_counter()
	from frappe.desk.query_report import run

	result = run(report, filters=filters, ignore_prepared_report=True)["result"]
	_report_seconds.append(time.perf_counter() - started)
	return [row for row in result if isinstance(row, dict)]


def _erpnext_summary(company, as_of):
	return _digest_erpnext(_desk("Accounts Receivable Summary", _aging_filters(company, as_of)))


def _erpnext_receivable(company, as_of):
	return _digest_erpnext(_desk("Accounts Receivable", _aging_filters(company, as_of)))


def _app_aging(group_by: str):
	def run(company, as_of):
		filters = {**_aging_filters(company, as_of), "group_by": group_by}
		return _digest_app(_desk(APP_AGING, filters), "group" if group_by == "Customer" else "party")

	return run


def _app_customer_twice(company, as_of):
	"""AR Aging Analysis by customer called twice in one fresh process: what the first call
	costs beyond the second (imports, settings, meta, translations loaded once)."""
	filters = {**_aging_filters(company, as_of), "group_by": "Customer"}
	times = []
	for _ in range(2):
		started = time.perf_counter()
		rows = _desk(APP_AGING, filters)
		times.append(time.perf_counter() - started)
	return {**_digest_app(rows, "group"), "first": times[0], "second": times[1]}


def _page_largest(company, as_of):
	"""The customer's page of the customer with the most invoices: server time of the request
	(the page read and rendered by Frappe's website stack), median of 10 after one."""
	from frappe.website.serve import get_response
	from werkzeug.test import EnvironBuilder
	from werkzeug.wrappers import Request

	from ar_control.collection import links

	customer = _customers(company)["largest"]
	key = links.make(customer, company, "benchmark").rsplit("key=", 1)[1]
	frappe.db.commit()

	def render():
		frappe.local.request = Request(
			EnvironBuilder(path="/collect", query_string={"key": key}).get_environ()
		)
		frappe.local.form_dict = frappe._dict(key=key)
		frappe.local.response = frappe._dict()
		started = time.perf_counter()
		response = get_response("collect")
		assert response.status_code == 200, response.status_code
		return time.perf_counter() - started

	first = render()
	times = [render() for _ in range(10)]
	frappe.db.delete("Collection Link", {"customer": customer, "made_for": "benchmark"})
	frappe.db.commit()
	from ar_control.portal import page

	items = len(page.load(customer, company).items)
	return {
		"customer": customer,
		"first_ms": first * 1000,
		"page_ms": statistics.median(times) * 1000,
		"items": items,
	}


def _app_kpi(period: str):
	def run(company, as_of):
		from ar_control.ar_control.report.sales_collection_kpi.sales_collection_kpi import execute

		rows = execute({"company": company, "period": period, "date": as_of})[1]
		total = rows[-1]
		return {"rows": len(rows), "closing_ar": round(flt(total["closing_ar"]), 2)}

	return run


def _app_forecast(company, as_of):
	"""The Cash-in Forecast for 13 weeks by week, over every open item of the data set. The
	collection profile is kept in the cache while the ledger it learns from is unchanged: the
	first run after a clear-cache learns it, the others read it."""
	from ar_control.ar_control.report.cash_in_forecast.cash_in_forecast import execute

	filters = {"company": company, "report_date": as_of, "weeks": 13, "group_by": "Week"}
	rows = execute(filters)[1]
	return {"rows": len(rows), "expected": round(flt(rows[-1].get("expected")), 2)}


def _credit(which: str):
	def run(company, as_of):
		from erpnext.selling.doctype.customer.customer import check_credit_limit

		from ar_control.credit import check

		customer = _customers(company)[which]
		theirs, ours = [], []
		with _credit_limit(customer, company):
			for _ in range(ROUNDS):
				t = time.perf_counter()
				check_credit_limit(customer, company)
				theirs.append(time.perf_counter() - t)
				frappe.db.rollback()
				t = time.perf_counter()
				check.evaluate(customer, company, lock=True)
				ours.append(time.perf_counter() - t)
				frappe.db.rollback()
		return {
			"customer": customer,
			"invoices": frappe.db.count("Sales Invoice", {"customer": customer, "docstatus": 1}),
			"erpnext_ms": statistics.median(theirs) * 1000,
			"app_ms": statistics.median(ours) * 1000,
		}

	return run


def _lock_held(company, as_of):
	"""How long a Sales Order submission for the largest customer holds the customer lock:
	from the moment the check takes it until the submission returns (the commit follows)."""
	from ar_control.benchmarks import dataset
	from ar_control.benchmarks.credit_check import check_switched, timed_submissions

	customer = _customers(company)["largest"]

	def order():
		line = {"item_code": dataset.ITEM, "qty": 1, "rate": 100, "delivery_date": as_of}
		return frappe.get_doc(
			{
				"doctype": "Sales Order",
				"company": company,
				"customer": customer,
				"transaction_date": as_of,
				"delivery_date": as_of,
				"currency": dataset.CURRENCY,
				"conversion_rate": 1,
				"selling_price_list": dataset.PRICE_LIST,
				"price_list_currency": dataset.CURRENCY,
				"plc_conversion_rate": 1,
				"items": [line],
			}
		).insert()

	frappe.flags.current_date = as_of
	result = {"customer": customer}
	# with ERPNext's own check of the order, and with it left to the invoice (the customer's
	# credit limit row's *Bypass Credit Limit Check at Sales Order*), as the README advises
	for suffix, bypass in (("", False), ("_bypass", True)):
		with _credit_limit(customer, company, bypass), check_switched(True):
			took, held = timed_submissions(order, LOCK_ROUNDS)
		result[f"held_ms{suffix}"] = statistics.median(held) * 1000
		result[f"submit_ms{suffix}"] = statistics.median(took) * 1000
	return result


@contextlib.contextmanager
def _credit_limit(customer: str, company: str, bypass_at_order: bool = False):
	"""Give the customer a credit limit in ERPNext for the measurement: without one,
	``check_credit_limit`` returns before it reads anything. ``bypass_at_order``: ERPNext checks
	it at the invoice, not at the Sales Order."""
	row = frappe.get_doc(
		{
			"doctype": "Customer Credit Limit",
			"parent": customer,
			"parenttype": "Customer",
			"parentfield": "credit_limits",
			"company": company,
			"credit_limit": 10**10,
			"bypass_credit_limit_check": int(bypass_at_order),
		}
	)
	row.db_insert()
	frappe.db.commit()
	try:
		yield
	finally:
		frappe.db.delete("Customer Credit Limit", {"name": row.name})
		frappe.db.commit()


def _customers(company: str) -> dict[str, str]:
	"""The customer with the most invoices and the median customer."""
	si = frappe.qb.DocType("Sales Invoice")
	counts = (
		frappe.qb.from_(si)
		.select(si.customer, Count("*").as_("n"))
		.where((si.company == company) & (si.docstatus == 1) & (si.is_return == 0))
		.groupby(si.customer)
		.orderby(Count("*"), order=frappe.qb.desc)
		.orderby(si.customer)
		.run()
	)
	return {"largest": counts[0][0], "median": counts[len(counts) // 2][0]}


def _ladder(company, as_of):
	"""One run of the ladder on the data set's date (committed: a catch-up run changes data)."""
	from ar_control.collection import ladder

	log = frappe.qb.DocType("Collection Step Log")

	def steps():
		return frappe.qb.from_(log).select(Count("*")).where(log.company == company).run()[0][0]

	before = steps()
	frappe.flags.current_date = as_of
	lines = ladder.run(as_of)
	frappe.db.commit()
	open_invoices = frappe.db.count(
		"Sales Invoice", {"company": company, "docstatus": 1, "is_return": 0, "outstanding_amount": (">", 0)}
	)
	return {"steps": steps() - before, "lines": len(lines), "open_invoices": open_invoices}


def reset_ladder() -> None:
	"""Remove what the ladder made on the data set (cases, steps, holds, Dunnings, ToDos)."""
	from ar_control.benchmarks import dataset

	company = dataset.COMPANY
	cases = frappe.get_all("Collection Case", {"company": company}, pluck="name")
	dunnings = frappe.get_all("Dunning", {"company": company}, pluck="name")
	for doctype, field, values in (
		("Collection Activity", "collection_case", cases),
		("Collection Case Invoice", "parent", cases),
		("ToDo", "reference_name", cases),
		("Collection Case", "name", cases),
		("Overdue Payment", "parent", dunnings),
		("Communication", "reference_name", dunnings),
		("Dunning", "name", dunnings),
	):
		for start in range(0, len(values), 10000):
			frappe.db.delete(doctype, {field: ("in", values[start : start + 10000])})
	frappe.db.delete("Collection Step Log", {"company": company})
	frappe.db.delete("Credit Hold", {"company": company})
	frappe.db.commit()


MEASURES = {
	"erpnext_summary": _erpnext_summary,
	"app_customer": _app_aging("Customer"),
	"erpnext_receivable": _erpnext_receivable,
	"app_voucher": _app_aging("Voucher"),
	"app_kpi_year": _app_kpi("Year"),
	"app_kpi_month": _app_kpi("Month"),
	"app_forecast": _app_forecast,
	"credit_largest": _credit("largest"),
	"credit_median": _credit("median"),
	"credit_lock_largest": _lock_held,
	"app_customer_twice": _app_customer_twice,
	"page_largest": _page_largest,
}
# measured on every shape; the others on the standard shape only
EVERY_SHAPE = ("erpnext_summary", "app_customer", "erpnext_receivable", "app_voucher", "app_customer_twice")
# measured once each right after MariaDB restarted (nothing of the data in its memory)
COLD = ("erpnext_summary", "app_customer", "erpnext_receivable", "app_voucher")
SEPARATE = {"ladder": _ladder}  # run by ladder(), not in every round


# --- the run ---------------------------------------------------------------------------------------


def _child(what: str, invoices: int) -> dict:
	bench = Path(frappe.utils.get_bench_path())
	command = [
		str(bench / "env" / "bin" / "python"),
		"-m",
		"frappe.utils.bench_helper",
		"frappe",
		"--site",
		frappe.local.site,
		"execute",
		"ar_control.benchmarks.scale.measure",
		"--kwargs",
		json.dumps({"what": what, "invoices": invoices}),
	]
	# as a bench's own processes run: with Python's bytecode cache (an environment that turns it
	# off would make every fresh process compile the modules it imports, on both sides alike)
	environment = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}
	done = subprocess.run(
		command,
		cwd=frappe.local.sites_path,
		capture_output=True,
		text=True,
		check=False,
		timeout=3600,
		env=environment,
	)
	if done.returncode:
		raise RuntimeError(f"{what} failed:\n{done.stdout[-2000:]}\n{done.stderr[-4000:]}")
	return json.loads(done.stdout.strip().splitlines()[-1])


def ladder(invoices: int, reruns: int = 3) -> str:
	"""The ladder on the data set: the first catch-up run (every overdue invoice reaches its
	levels at once, as at go-live), then runs on the same day with nothing due."""
	reset_ladder()
	first = _child("ladder", invoices)
	again = [_child("ladder", invoices) for _ in range(reruns)]
	rerun = statistics.median(sample["seconds"] for sample in again)
	lines = [
		f"| ladder, first catch-up run ({first['open_invoices']} open invoices) | – | {first['seconds']:.0f} s, "
		f"{first['steps']} steps, {first['steps'] / first['seconds']:.0f} steps/s | | |",
		f"| ladder, a run with nothing due | – | {rerun:.1f} s ({again[0]['steps']} steps) | "
		f"{rerun / first['seconds'] * 100:.2f} % of the catch-up | |",
	]
	table = "\n".join(lines)
	print(table)
	return table


def restart_database(command: str) -> None:
	"""Restart MariaDB with ``command`` (run by the shell) and wait until the site answers again:
	the next measurement then reads from disk what it reads."""
	frappe.db.close()
	subprocess.run(command, shell=True, check=True, timeout=600)
	for _ in range(120):
		try:
			frappe.connect()
			frappe.db.sql("select 1")
			return
		except Exception:
			time.sleep(1)
	raise RuntimeError("MariaDB did not come back")


def run(
	invoices: int = 100000,
	repeat: int = 3,
	build: bool = True,
	shapes: tuple[str, ...] = ("standard",),
	cold_command: str | None = None,
) -> str:
	"""For each shape: build its data set (or reuse it), measure, print its table. The standard
	shape gets every measurement; the others the agings. With ``cold_command`` (a shell command
	that restarts MariaDB) each aging is measured once more right after a restart."""
	from ar_control.benchmarks import dataset

	tables = []
	for shape in shapes:
		built = dataset.build(invoices, shape=shape) if build else dataset.stats()
		frappe.db.commit()
		measures = list(MEASURES) if shape == "standard" else list(EVERY_SHAPE)
		cold: dict[str, dict] = {}
		if cold_command:
			for what in COLD:
				restart_database(cold_command)
				cold[what] = _child(what, invoices)
		samples: dict[str, list[dict]] = {what: [] for what in measures}
		for round_no in range(repeat):
			order = list(measures)
			if round_no % 2:  # interleaved, and each product first in turn
				order.reverse()
			for what in order:
				samples[what].append(_child(what, invoices))
		table = report(samples, built, shape, cold)
		print(table, flush=True)
		tables.append(table)
	return "\n\n".join(tables)


def _median(samples: list[dict], key: str) -> float:
	return statistics.median(sample[key] for sample in samples)


def _same(left: list[dict], right: list[dict]) -> str:
	equal = all(x["totals"] == y["totals"] and x["signature"] == y["signature"] for x in left for y in right)
	return "equal" if equal else "DIFFERENT"


def report(
	samples: dict[str, list[dict]], built: dict, shape: str = "standard", cold: dict | None = None
) -> str:
	from ar_control.benchmarks.dataset import SHAPES

	cold = cold or {}
	t = {what: _median(found, "seconds") for what, found in samples.items()}
	m = {what: _median(found, "peak_mb") for what, found in samples.items()}
	twice = samples["app_customer_twice"]
	first, second = _median(twice, "first"), _median(twice, "second")
	lines = [
		f"**{shape}** ({SHAPES[shape].description}): {built.get('invoices')} invoices, "
		f"{built.get('customers')} customers, {built.get('payment_ledger_entries')} Payment Ledger "
		f"Entries; warm: medians of {len(samples['app_customer'])} runs, each in a fresh process"
		+ ("; cold: one run right after MariaDB restarted" if cold else ""),
		"",
		"| measure | ERPNext | AR Control | faster | totals |",
		"| --- | --- | --- | --- | --- |",
	]

	def aging(label: str, theirs: str, ours: str) -> None:
		lines.append(
			f"| {label}, warm | {t[theirs]:.2f} s, {m[theirs]:.0f} MB | {t[ours]:.3f} s, {m[ours]:.0f} MB | "
			f"**{t[theirs] / t[ours]:.1f}x** | {_same(samples[theirs], samples[ours])} |"
		)
		if theirs in cold and ours in cold:
			a, b = cold[theirs]["seconds"], cold[ours]["seconds"]
			lines.append(
				f"| {label}, cold | {a:.2f} s | {b:.3f} s | **{a / b:.1f}x** | "
				f"{_same([cold[theirs]], [cold[ours]])} |"
			)

	aging("aging by customer: AR Summary vs AR Aging Analysis", "erpnext_summary", "app_customer")
	aging(
		f"aging by voucher ({samples['app_voucher'][0]['rows']} rows): Accounts Receivable vs AR Aging Analysis",
		"erpnext_receivable",
		"app_voucher",
	)
	lines.append(
		f"| AR Aging Analysis by customer, first and second call in one process | – | {first:.3f} s / "
		f"{second:.3f} s | first = {first / second:.2f}x the second | |"
	)
	if shape != "standard":
		return "\n".join(lines)
	lines += [
		f"| Sales Collection KPI, year / month | – | {t['app_kpi_year']:.3f} s / {t['app_kpi_month']:.3f} s | "
		f"{t['app_kpi_year'] / t['erpnext_summary']:.3f} / {t['app_kpi_month'] / t['erpnext_summary']:.3f} of AR Summary | |",
		f"| Cash-in Forecast, 13 weeks, against AR Aging Analysis by voucher | – | "
		f"{t['app_forecast']:.3f} s, {m['app_forecast']:.0f} MB | "
		f"{t['app_forecast'] / t['app_voucher']:.2f}x the time of AR Aging Analysis by voucher | |",
	]
	for which in ("largest", "median"):
		found = samples[f"credit_{which}"]
		theirs, ours = _median(found, "erpnext_ms"), _median(found, "app_ms")
		lines.append(
			f"| credit decision, {which} customer ({found[0]['invoices']} invoices): check_credit_limit vs "
			f"evaluate(lock=True) | {theirs:.2f} ms | {ours:.2f} ms | {ours / theirs:.2f}x the time | |"
		)
	held = samples["credit_lock_largest"]
	lines.append(
		f"| customer lock held by a Sales Order submission, largest customer: with ERPNext's own "
		f"check of the order / with it left to the invoice | – | {_median(held, 'held_ms'):.1f} ms / "
		f"{_median(held, 'held_ms_bypass'):.1f} ms (the submission {_median(held, 'submit_ms'):.0f} / "
		f"{_median(held, 'submit_ms_bypass'):.0f} ms) | | |"
	)
	page = samples["page_largest"]
	lines.append(
		f"| the customer's page, largest customer ({page[0]['items']} open items), server time | – | "
		f"{_median(page, 'page_ms'):.0f} ms (first {_median(page, 'first_ms'):.0f} ms) | | |"
	)
	return "\n".join(lines)


def posting(repeat: int = 30, company: str | None = None) -> dict:
	"""What the app costs at posting time: the median time to submit a Sales Invoice and a
	Payment Entry on this site. Run it on a site with the app and on one without (ERPNext alone,
	the same bench): ``bench --site SITE execute ar_control.benchmarks.scale.posting``. Nothing
	it submits is kept."""
	from erpnext.accounts.doctype.payment_entry.payment_entry import get_payment_entry

	frappe.set_user("Administrator")
	compat.set_in_test(False)
	company = (
		company
		or frappe.db.get_value("Company", {"company_name": "_Test Company"})
		or frappe.db.get_value("Company", {}, "name")
	)
	abbr = frappe.get_cached_value("Company", company, "abbr")
	item = frappe.db.get_value("Item", {"is_stock_item": 0, "disabled": 0}, "name") or (
		frappe.get_doc(
			{
				"doctype": "Item",
				"item_code": "AR Posting Service",
				"item_group": frappe.db.get_value("Item Group", {"is_group": 0}) or "All Item Groups",
				"is_stock_item": 0,
				"stock_uom": "Nos",
			}
		)
		.insert()
		.name
	)
	currency = frappe.get_cached_value("Company", company, "default_currency")
	customer = (
		frappe.get_doc(
			{
				"doctype": "Customer",
				"customer_name": "AR Posting Benchmark",
				"customer_group": frappe.db.get_value("Customer Group", {"is_group": 0})
				or "All Customer Groups",
				"territory": frappe.db.get_value("Territory", {"is_group": 0}) or "All Territories",
			}
		)
		.insert()
		.name
	)
	invoices, payments = [], []
	for _ in range(repeat):
		si = frappe.get_doc(
			{
				"doctype": "Sales Invoice",
				"company": company,
				"customer": customer,
				"currency": currency,
				"due_date": frappe.utils.add_days(frappe.utils.today(), 30),
				"debit_to": frappe.get_cached_value("Company", company, "default_receivable_account"),
				"items": [
					{
						"item_code": item,
						"qty": 1,
						"rate": 100,
						"income_account": frappe.get_cached_value(
							"Company", company, "default_income_account"
						),
						"cost_center": f"Main - {abbr}",
					}
				],
			}
		).insert()
		started = time.perf_counter()
		si.submit()
		invoices.append(time.perf_counter() - started)
		pe = get_payment_entry("Sales Invoice", si.name)
		pe.reference_no, pe.reference_date = "AR-POSTING", si.posting_date
		pe.insert()
		started = time.perf_counter()
		pe.submit()
		payments.append(time.perf_counter() - started)
	frappe.db.rollback()
	result = {
		"site": frappe.local.site,
		"app installed": "ar_control" in frappe.get_installed_apps(),
		"sales_invoice_submit_ms": round(statistics.median(invoices) * 1000, 1),
		"payment_entry_submit_ms": round(statistics.median(payments) * 1000, 1),
	}
	print(result)
	return result
