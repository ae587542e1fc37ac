"""AR Aging Analysis against ERPNext's Accounts Receivable report on a large ledger.

    bench --site SITE execute ar_control.benchmarks.aging.run \
        --kwargs "{'invoices': 100000, 'customers': 1000, 'repeat': 3}"

Builds ``customers`` synthetic customers in a customer group of their own and ``invoices`` open
invoices for them in ``_Test Company`` (bare Sales Invoice rows and their Payment Ledger Entry
rows, inserted in bulk): invoices posted over the last 400 days and due 30 days later, every
second one half paid, every fifth one fully paid, every twentieth customer with an unallocated
advance. Then, ``repeat`` times each, it runs on the same data:

- ERPNext's Accounts Receivable report (``calculate_ageing_with = Report Date``);
- AR Aging Analysis grouped by customer, and at the voucher level (one row per open voucher,
  like ERPNext's report);
- Sales Collection KPI for the month of today (ERPNext has no such report: timed alone);

and prints the median times, the peak Python memory of one run of each (``tracemalloc``), and
whether the grand total, the five bucket totals and every customer's total are equal. Everything
it created is deleted at the end (``keep=True`` keeps it for another run with ``build=False``).
"""

from __future__ import annotations

import statistics
import time
import tracemalloc
from collections import defaultdict

import frappe
from frappe.utils import add_days, flt, getdate, now_datetime

COMPANY = "_Test Company"
GROUP = "AR Benchmark Customers"
PREFIX = "ARBENCH-AGING"
RANGE = "30, 60, 90, 120"
BATCH = 10000


def run(
	invoices: int = 100000, customers: int = 1000, repeat: int = 3, build: bool = True, keep: bool = False
) -> None:
	as_of = getdate()
	if build:
		cleanup()
		started = time.perf_counter()
		rows = _build(invoices, customers, as_of)
		frappe.db.commit()  # the reports must see the data; it is deleted again below
		print(
			f"built {invoices} invoices, {rows} ledger rows, {customers} customers in {time.perf_counter() - started:.1f} s"
		)
	try:
		_compare(as_of, repeat)
	finally:
		if not keep:
			cleanup()
			frappe.db.commit()


def _erpnext(as_of):
	from erpnext.accounts.report.accounts_receivable.accounts_receivable import execute

	filters = {
		"company": COMPANY,
		"report_date": str(as_of),
		"calculate_ageing_with": "Report Date",
		"ageing_based_on": "Due Date",
		"range": RANGE,
		"customer_group": GROUP,
	}
	return execute(filters)[1]


def _ours(as_of, group_by="Customer"):
	from ar_control.ar_control.report.ar_aging_analysis.ar_aging_analysis import execute

	filters = {
		"company": COMPANY,
		"report_date": str(as_of),
		"ageing_based_on": "Due Date",
		"range": RANGE,
		"customer_group": GROUP,
		"group_by": group_by,
	}
	return execute(filters)[1]


def _kpi(as_of):
	from ar_control.ar_control.report.sales_collection_kpi.sales_collection_kpi import execute

	return execute({"company": COMPANY, "period": "Month", "date": str(as_of), "customer_group": GROUP})[1]


def _timed(function, repeat: int):
	samples, result = [], None
	for _ in range(repeat):
		frappe.clear_cache()
		started = time.perf_counter()
		result = function()
		samples.append(time.perf_counter() - started)
	tracemalloc.start()
	function()
	_current, peak = tracemalloc.get_traced_memory()
	tracemalloc.stop()
	return result, statistics.median(samples), peak


def _compare(as_of, repeat: int) -> None:
	theirs, erpnext_time, erpnext_peak = _timed(lambda: _erpnext(as_of), repeat)
	ours, ours_time, ours_peak = _timed(lambda: _ours(as_of), repeat)
	vouchers, voucher_time, voucher_peak = _timed(lambda: _ours(as_of, "Voucher"), repeat)
	kpis, kpi_time, kpi_peak = _timed(lambda: _kpi(as_of), repeat)

	fields = ["outstanding", *(f"range{i}" for i in range(1, 6))]
	per_customer = defaultdict(lambda: [0.0] * len(fields))
	for row in theirs:
		per_customer[row["party"]] = [
			a + flt(row.get(f)) for a, f in zip(per_customer[row["party"]], fields, strict=True)
		]
	their_customers = {party: [flt(x, 2) for x in values] for party, values in per_customer.items()}
	their_total = [flt(sum(values[i] for values in per_customer.values()), 2) for i in range(len(fields))]
	our_rows = [row for row in ours if not row.get("is_total")]
	our_customers = {row["group"]: [flt(row[f]) for f in fields] for row in our_rows}
	our_total = [flt(ours[-1][f]) for f in fields] if ours else [0.0] * len(fields)
	voucher_total = [flt(vouchers[-1][f]) for f in fields] if vouchers else [0.0] * len(fields)

	_line("ERPNext Accounts Receivable", erpnext_time, erpnext_peak, len(theirs))
	_line("AR Aging Analysis, customers", ours_time, ours_peak, len(our_rows))
	_line("AR Aging Analysis, vouchers", voucher_time, voucher_peak, len(vouchers) - 1)
	_line("Sales Collection KPI, month", kpi_time, kpi_peak, len(kpis))
	print(
		f"speed-up: {erpnext_time / ours_time:.0f}x by customer, {erpnext_time / voucher_time:.1f}x by voucher"
	)
	print(f"grand total and buckets equal: {our_total == their_total == voucher_total}  {our_total}")
	print(
		f"every customer's totals equal: {our_customers == their_customers}  ({len(our_customers)} customers)"
	)


def _line(label: str, seconds: float, peak: int, rows: int) -> None:
	print(f"{label:30s}{seconds:8.2f} s   peak {peak / 2**20:8.1f} MiB   {rows} rows")


def _build(invoices: int, customers: int, as_of) -> int:
	if not frappe.db.exists("Customer Group", GROUP):
		frappe.get_doc(
			{
				"doctype": "Customer Group",
				"customer_group_name": GROUP,
				"parent_customer_group": "All Customer Groups",
			}
		).insert(ignore_permissions=True)
	now = now_datetime()
	account = frappe.get_cached_value("Company", COMPANY, "default_receivable_account")
	currency = frappe.get_cached_value("Company", COMPANY, "default_currency")
	base = ["name", "creation", "modified", "owner", "modified_by"]
	names = [f"{PREFIX}-CUST-{c:05d}" for c in range(customers)]
	_insert(
		"Customer",
		[*base, "customer_name", "customer_type", "customer_group", "territory"],
		[
			(n, now, now, "Administrator", "Administrator", n, "Company", GROUP, "_Test Territory")
			for n in names
		],
	)

	invoice_rows, ledger_rows = [], []

	def ledger(voucher_type, voucher, against_type, against, customer, amount, posting, due=None):
		ledger_rows.append(
			(
				frappe.generate_hash(length=14), now, now, "Administrator", "Administrator", 1, posting, COMPANY,
				"Receivable", account, "Customer", customer, voucher_type, voucher, against_type, against,
				amount, currency, amount, 0, due,
			)
		)  # fmt: skip

	for i in range(invoices):
		customer = names[i % customers]
		invoice = f"{PREFIX}-SINV-{i:07d}"
		posting = add_days(as_of, -(i % 400))
		due = add_days(posting, 30)
		amount = 1000.0 + i % 97
		paid = amount if (i // customers) % 5 == 0 else (amount / 2 if i % 2 else 0.0)
		invoice_rows.append(
			(invoice, now, now, "Administrator", "Administrator", 1, customer, customer, COMPANY, posting, due,
			 amount, amount, amount - paid, currency, account)
		)  # fmt: skip
		ledger("Sales Invoice", invoice, "Sales Invoice", invoice, customer, amount, posting, due)
		if paid:
			payment, paid_on = f"{PREFIX}-PE-{i:07d}", min(add_days(posting, 20), as_of)
			ledger("Payment Entry", payment, "Sales Invoice", invoice, customer, -paid, paid_on)
	for c, customer in enumerate(names[::20]):
		advance = f"{PREFIX}-ADV-{c:05d}"
		ledger(
			"Payment Entry", advance, "Payment Entry", advance, customer, -750.0, add_days(as_of, -(c % 60))
		)

	_insert(
		"Sales Invoice",
		[*base, "docstatus", "customer", "customer_name", "company", "posting_date", "due_date", "grand_total",
		 "base_grand_total", "outstanding_amount", "currency", "debit_to"],
		invoice_rows,
	)  # fmt: skip
	_insert(
		"Payment Ledger Entry",
		[*base, "docstatus", "posting_date", "company", "account_type", "account", "party_type", "party",
		 "voucher_type", "voucher_no", "against_voucher_type", "against_voucher_no", "amount",
		 "account_currency", "amount_in_account_currency", "delinked", "due_date"],
		ledger_rows,
	)  # fmt: skip
	return len(ledger_rows)


def _insert(doctype: str, fields: list[str], rows: list[tuple]) -> None:
	for start in range(0, len(rows), BATCH):
		frappe.db.bulk_insert(doctype, fields, rows[start : start + BATCH])


def cleanup() -> None:
	"""Delete every row the benchmark made (they all carry its prefix)."""
	for doctype, field in (
		("Payment Ledger Entry", "voucher_no"),
		("Sales Invoice", "name"),
		("Customer", "name"),
	):
		table = frappe.qb.DocType(doctype)
		frappe.qb.from_(table).delete().where(table[field].like(f"{PREFIX}-%")).run()
