"""How long does the daily ladder take on tens of thousands of overdue invoices?

    bench --site SITE execute ar_control.benchmarks.ladder.run \
        --kwargs "{'customers': 1000, 'invoices_per_customer': 20}"

Builds ``customers`` synthetic customers in ``_Test Company``, each with a billing e-mail and
``invoices_per_customer`` submitted invoices (Sales Invoice and Payment Schedule rows, no
ledger) overdue by 1 to 400 days, then runs the ladder with the default levels three times on
the same day:

1. the first run (every customer catches up: cases opened, reminders recorded as superseded,
   call ToDos, submitted Dunnings with e-mails queued, credit holds, legal hand-overs,
   write-off proposals);
2. a second run on the same day (must do nothing and be cheap);
3. a third run after deleting the step records of every tenth customer's customer lot, as a run
   killed halfway would leave them (only those are done again).

Prints the durations and counts, checks nothing was done twice, and removes everything.
"""

from __future__ import annotations

import time

import frappe
from frappe.utils import add_days, getdate, now_datetime

from ar_control import compat
from ar_control.collection import ladder

COMPANY = "_Test Company"
PREFIX = "ARBENCH-LADDER"


def _build(customers: int, per_customer: int, today) -> list[str]:
	now = now_datetime()
	account = frappe.get_cached_value("Company", COMPANY, "default_receivable_account")
	currency = frappe.get_cached_value("Company", COMPANY, "default_currency")
	names = [f"{PREFIX}-{i:05d}" for i in range(customers)]
	frappe.db.bulk_insert(
		"Customer",
		["name", "creation", "modified", "owner", "modified_by", "customer_name", "customer_type",
		 "customer_group", "territory", "email_id"],
		[(n, now, now, "Administrator", "Administrator", n, "Company", "_Test Customer Group",
		  "_Test Territory", f"{n.lower()}@customer.test") for n in names],
	)  # fmt: skip
	invoices, schedules = [], []
	for c, customer in enumerate(names):
		for i in range(per_customer):
			name = f"{customer}-SINV-{i:03d}"
			due = add_days(today, -(1 + (c * per_customer + i) % 400))
			posting = add_days(due, -30)
			invoices.append(
				(name, now, now, "Administrator", "Administrator", 1, customer, customer, COMPANY, posting, due,
				 1000.0, 1000.0, 1000.0, 1000.0, 1, currency, account, "Overdue")
			)  # fmt: skip
			schedules.append(
				(frappe.generate_hash(length=12), now, now, "Administrator", "Administrator", 1, name,
				 "Sales Invoice", "payment_schedule", due, 100, 1000.0, 1000.0, 1000.0, 0)
			)  # fmt: skip
	frappe.db.bulk_insert(
		"Sales Invoice",
		["name", "creation", "modified", "owner", "modified_by", "docstatus", "customer", "customer_name",
		 "company", "posting_date", "due_date", "grand_total", "base_grand_total", "rounded_total",
		 "outstanding_amount", "conversion_rate", "currency", "debit_to", "status"],
		invoices,
	)  # fmt: skip
	frappe.db.bulk_insert(
		"Payment Schedule",
		["name", "creation", "modified", "owner", "modified_by", "docstatus", "parent", "parenttype",
		 "parentfield", "due_date", "invoice_portion", "payment_amount", "base_payment_amount",
		 "outstanding", "paid_amount"],
		schedules,
	)  # fmt: skip
	return names


def _counts(names: list[str]) -> dict:
	return {
		"step records": frappe.db.count("Collection Step Log", {"customer": ("in", names)}),
		"cases": frappe.db.count("Collection Case", {"customer": ("in", names)}),
		"activities": frappe.db.count("Collection Activity", {"customer": ("in", names)}),
		"dunnings": frappe.db.count("Dunning", {"customer": ("in", names)}),
		"e-mails queued": frappe.db.count("Communication", {"recipients": ("like", f"%{PREFIX.lower()}%")}),
		"ToDos": frappe.db.count("ToDo", {"description": ("like", f"%{PREFIX}%")}),
		"on credit hold": frappe.db.count("Customer", {"name": ("in", names), "ar_credit_hold": 1}),
	}


def _cleanup(names: list[str]) -> None:
	frappe.db.rollback()
	cases = frappe.get_all("Collection Case", {"customer": ("in", names)}, pluck="name")
	dunnings = frappe.get_all("Dunning", {"customer": ("in", names)}, pluck="name")
	communications = frappe.get_all(
		"Communication", {"recipients": ("like", f"%{PREFIX.lower()}%")}, pluck="name"
	)
	for doctype, filters in (
		("Collection Activity", {"customer": ("in", names)}),
		("Collection Step Log", {"customer": ("in", names)}),
		("Credit Hold", {"customer": ("in", names)}),
		("Collection Case Invoice", {"parent": ("in", cases or [""])}),
		("Collection Case", {"name": ("in", cases or [""])}),
		("Overdue Payment", {"parent": ("in", dunnings or [""])}),
		("Dunning", {"name": ("in", dunnings or [""])}),
		(
			"Email Queue Recipient",
			{
				"parent": (
					"in",
					frappe.get_all(
						"Email Queue", {"communication": ("in", communications or [""])}, pluck="name"
					)
					or [""],
				)
			},
		),
		("Email Queue", {"communication": ("in", communications or [""])}),
		("Communication Link", {"parent": ("in", communications or [""])}),
		("Communication", {"name": ("in", communications or [""])}),
		("ToDo", {"description": ("like", f"%{PREFIX}%")}),
		("Payment Schedule", {"parent": ("like", f"{PREFIX}%")}),
		("Sales Invoice", {"name": ("like", f"{PREFIX}%")}),
		("Customer", {"name": ("like", f"{PREFIX}%")}),
	):
		frappe.db.delete(doctype, filters)
	frappe.db.commit()


def run(customers: int = 1000, invoices_per_customer: int = 20) -> None:
	compat.set_in_test(False)
	today = getdate()
	frappe.flags.current_date = today
	account = "_Test Email Account 1"
	default_outgoing = frappe.db.get_value("Email Account", account, "default_outgoing")
	frappe.db.set_value("Email Account", account, "default_outgoing", 1)
	frappe.flags.mute_emails = True  # queue, never send
	frappe.db.commit()
	_cleanup([f"{PREFIX}-{i:05d}" for i in range(customers)])
	names = _build(customers, invoices_per_customer, today)
	frappe.db.commit()
	print(f"built {customers} customers with {customers * invoices_per_customer} overdue invoices")
	try:
		started = time.perf_counter()
		ladder.run(today)
		print(f"first run:  {time.perf_counter() - started:8.1f} s   {_counts(names)}")
		first = _counts(names)

		started = time.perf_counter()
		ladder.run(today)
		print(f"second run: {time.perf_counter() - started:8.1f} s   {_counts(names)}")
		assert _counts(names) == first, "the second run on the same day did something"

		lost = names[::10]
		frappe.db.delete("Collection Step Log", {"customer": ("in", lost)})
		frappe.db.commit()
		started = time.perf_counter()
		ladder.run(today)
		after = _counts(names)
		print(
			f"third run (steps of {len(lost)} customers lost): {time.perf_counter() - started:8.1f} s   {after}"
		)
		assert after["step records"] == first["step records"], "a lost step was not redone exactly once"
	finally:
		frappe.db.set_value("Email Account", account, "default_outgoing", default_outgoing)
		frappe.db.commit()
		_cleanup(names)
