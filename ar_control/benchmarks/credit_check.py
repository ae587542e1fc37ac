"""How fast is the credit check, and how long does it hold its customer lock?

    bench --site SITE execute ar_control.benchmarks.credit_check.run \
        --kwargs "{'invoices': 5000, 'orders': 500, 'repeat': 30}"

Builds one synthetic customer in ``_Test Company`` with ``invoices`` open invoices (Sales Invoice
rows and their ledger rows in Payment Ledger Entry and GL Entry, half of them half paid, most
overdue) and ``orders`` submitted unbilled Sales Orders, then measures, each ``repeat`` times, inside a transaction that is rolled back:

- the exposure evaluation of the app (with its lock and locking reads) against ERPNext's own
  ``get_customer_outstanding`` + ``get_credit_limit`` on the same data;
- a real Sales Order submission with the app's check switched on and off;
- how long the customer lock is held: from the moment it is taken until the submission returns
  (the commit that releases it follows at once).

Prints medians and the 90th percentiles in milliseconds; removes everything it created.
"""

from __future__ import annotations

import contextlib
import statistics
import time
from unittest import mock

import frappe
from frappe.utils import add_days, getdate, now_datetime

from ar_control import compat
from ar_control.credit import check
from ar_control.data import exposure

COMPANY = "_Test Company"


def _ms(samples: list[float]) -> str:
	ordered = sorted(samples)
	p90 = ordered[max(0, int(len(ordered) * 0.9) - 1)]
	return f"median {statistics.median(ordered) * 1000:7.2f} ms   p90 {p90 * 1000:7.2f} ms"


def _build(customer: str, invoices: int, orders: int) -> None:
	today = getdate()
	now = now_datetime()
	account = frappe.get_cached_value("Company", COMPANY, "default_receivable_account")
	currency = frappe.get_cached_value("Company", COMPANY, "default_currency")
	ple_rows, gle_rows, si_rows = [], [], []
	for i in range(invoices):
		voucher = f"ARBENCH-SINV-{customer[-6:]}-{i}"
		posting = add_days(today, -(i % 400))
		si_rows.append(
			(
				voucher, now, now, "Administrator", "Administrator", 1, customer, COMPANY, posting,
				add_days(posting, 30), 1000.0, 1000.0, 500.0 if i % 2 else 1000.0, 1, currency, account,
			)
		)  # fmt: skip
		rows = [(voucher, 1000.0, posting)]
		if i % 2:
			rows.append((f"ARBENCH-PE-{customer[-6:]}-{i}", -500.0, add_days(posting, 10)))
		for n, (own, amount, date) in enumerate(rows):
			ple_rows.append(
				(
					frappe.generate_hash(length=12), now, now, "Administrator", "Administrator", 1, date, COMPANY,
					"Receivable", account, "Customer", customer, "Sales Invoice" if n == 0 else "Payment Entry", own,
					"Sales Invoice", voucher, amount, currency, amount, 0, add_days(posting, 30) if n == 0 else None,
				)
			)  # fmt: skip
			gle_rows.append(
				(
					frappe.generate_hash(length=12), now, now, "Administrator", "Administrator", 1, date, COMPANY,
					account, "Customer", customer, max(amount, 0), max(-amount, 0), 0,
					"Sales Invoice" if n == 0 else "Payment Entry", own,
				)
			)  # fmt: skip
	frappe.db.bulk_insert(
		"Payment Ledger Entry",
		[
			"name", "creation", "modified", "owner", "modified_by", "docstatus", "posting_date", "company",
			"account_type", "account", "party_type", "party", "voucher_type", "voucher_no",
			"against_voucher_type", "against_voucher_no", "amount", "account_currency",
			"amount_in_account_currency", "delinked", "due_date",
		],
		ple_rows,
	)  # fmt: skip
	frappe.db.bulk_insert(
		"GL Entry",
		[
			"name", "creation", "modified", "owner", "modified_by", "docstatus", "posting_date", "company",
			"account", "party_type", "party", "debit", "credit", "is_cancelled", "voucher_type", "voucher_no",
		],
		gle_rows,
	)  # fmt: skip
	frappe.db.bulk_insert(
		"Sales Invoice",
		[
			"name", "creation", "modified", "owner", "modified_by", "docstatus", "customer", "company",
			"posting_date", "due_date", "grand_total", "base_grand_total", "outstanding_amount",
			"conversion_rate", "currency", "debit_to",
		],
		si_rows,
	)  # fmt: skip
	so_rows = [
		(
			f"ARBENCH-SO-{customer[-6:]}-{i}", now, now, "Administrator", "Administrator", 1, customer, COMPANY,
			today, 500.0, 500.0, 0, "To Deliver and Bill", currency,
		)
		for i in range(orders)
	]  # fmt: skip
	frappe.db.bulk_insert(
		"Sales Order",
		[
			"name", "creation", "modified", "owner", "modified_by", "docstatus", "customer", "company",
			"transaction_date", "base_grand_total", "grand_total", "per_billed", "status", "currency",
		],
		so_rows,
	)  # fmt: skip


def _cleanup(customer: str) -> None:
	frappe.db.rollback()
	frappe.db.delete("Payment Ledger Entry", {"party": customer})
	frappe.db.delete("GL Entry", {"party": customer})
	frappe.db.delete("Sales Invoice", {"customer": customer, "name": ("like", "ARBENCH-SINV-%")})
	frappe.db.delete("Sales Order", {"customer": customer, "name": ("like", "ARBENCH-SO-%")})
	for name in frappe.get_all("Sales Order", {"customer": customer}, pluck="name"):
		frappe.delete_doc("Sales Order", name, force=True, ignore_permissions=True)
	frappe.db.delete("Customer Credit Limit", {"parent": customer})
	frappe.delete_doc("Customer", customer, force=True, ignore_permissions=True)
	frappe.db.commit()


@contextlib.contextmanager
def check_switched(on: bool):
	"""The Sales Order check on or off for the block (committed, since every measured submission
	is rolled back, and restored after); the overdue block is off, so that a customer with
	overdue invoices is measured through the whole check rather than refused."""
	fields = ("check_sales_order", "block_on_overdue")
	saved = frappe.db.get_value("AR Control Settings", None, fields, as_dict=True)

	def set_values(values):
		for field in fields:
			frappe.db.set_single_value("AR Control Settings", field, values[field])
		frappe.db.commit()
		frappe.clear_document_cache("AR Control Settings", "AR Control Settings")

	set_values({"check_sales_order": int(on), "block_on_overdue": 0})
	try:
		yield
	finally:
		frappe.db.rollback()
		set_values(saved)


def timed_submissions(make_order, repeat: int) -> tuple[list[float], list[float]]:
	"""Submit ``repeat`` orders made by ``make_order``, each rolled back: (seconds each submission
	took, seconds the customer lock was held until the submission returned, when it was taken)."""
	took, held = [], []
	real_lock = exposure.lock_customer
	locked_at: list[float] = []

	def timed_lock(name):
		real_lock(name)
		locked_at.append(time.perf_counter())

	for _ in range(repeat):
		order = make_order()
		locked_at.clear()
		with mock.patch.object(exposure, "lock_customer", timed_lock):
			started = time.perf_counter()
			order.submit()
			ended = time.perf_counter()
		took.append(ended - started)
		if locked_at:
			held.append(ended - locked_at[0])
		frappe.db.rollback()
	return took, held


def run(invoices: int = 5000, orders: int = 500, repeat: int = 30) -> None:
	from erpnext.selling.doctype.customer.customer import get_credit_limit, get_customer_outstanding

	from ar_control.tests.utils import make_customer, make_sales_order, set_credit_limit

	compat.set_in_test(False)
	customer = make_customer("AR Benchmark")
	set_credit_limit(customer, 10**9)
	frappe.db.commit()
	try:
		started = time.perf_counter()
		_build(customer, invoices, orders)
		frappe.db.commit()
		print(f"built {invoices} invoices and {orders} orders in {time.perf_counter() - started:.1f} s")

		ours, theirs = [], []
		for _ in range(repeat):
			t = time.perf_counter()
			check.evaluate(customer, COMPANY, lock=True)
			ours.append(time.perf_counter() - t)
			frappe.db.rollback()
			t = time.perf_counter()
			get_customer_outstanding(customer, COMPANY)
			get_credit_limit(customer, COMPANY)
			theirs.append(time.perf_counter() - t)
			frappe.db.rollback()
		print(f"app exposure + decision (locking reads)  {_ms(ours)}")
		print(f"ERPNext outstanding + credit limit         {_ms(theirs)}")

		with check_switched(True):
			submit_on, held = timed_submissions(lambda: make_sales_order(customer, 100), repeat)
		with check_switched(False):
			submit_off, _held = timed_submissions(lambda: make_sales_order(customer, 100), repeat)
		print(f"Sales Order submit, app check on          {_ms(submit_on)}")
		print(f"Sales Order submit, app check off         {_ms(submit_off)}")
		print(f"customer lock held until submit returns   {_ms(held)}")
	finally:
		_cleanup(customer)
