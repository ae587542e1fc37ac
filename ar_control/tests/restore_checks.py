"""What :mod:`ar_control.tests.test_restore` checks on a site after each bench command, run from the
bench's sites folder as ``../env/bin/python -m ar_control.tests.restore_checks SITE`` (``bench
execute`` refuses a method of an app the site does not have, and one check is made without the
app): ERPNext posts
(a Sales Invoice, a Payment Entry, a Journal Entry against the customer, a Payment Reconciliation
of an advance), the app's health check finds nothing wrong, and the app's aging equals ERPNext's
Accounts Receivable. Prints one JSON object; the site keeps what it posted (it is dropped after).
"""

from __future__ import annotations

import json
import sys

import frappe

from ar_control.data import ledger
from ar_control.tests.utils import (
	COMPANY,
	aging_against_erpnext,
	make_advance,
	make_customer,
	make_customer_group,
	make_journal_entry_against,
	make_payment,
	make_sales_invoice,
)

DAYS = ("2026-03-15", "2026-05-31")


def post_and_compare() -> dict:
	frappe.set_user("Administrator")
	found = {"installed": "ar_control" in frappe.get_installed_apps(), "posted": {}, "errors": []}
	found["health_before"] = [finding.part for finding in ledger.health()] if found["installed"] else []

	def post(label, make):
		try:
			doc = make()
			frappe.db.commit()
			found["posted"][label] = f"{doc.name} docstatus {doc.docstatus}"
			return doc
		except Exception as error:  # what ERPNext says, for the test's message
			frappe.db.rollback()
			found["errors"].append(f"{label}: {type(error).__name__}: {error}")

	group = post(
		"customer group", lambda: frappe.get_doc("Customer Group", make_customer_group("AR Restore"))
	)
	if group is None:
		return found
	customer = make_customer("AR Restore", customer_group=group.name)
	invoice = post("Sales Invoice", lambda: make_sales_invoice(customer, 1000, "2026-03-01", "2026-03-31"))
	if invoice is not None:
		post("Payment Entry", lambda: make_payment(invoice, 300, "2026-03-10"))
		post("Journal Entry", lambda: make_journal_entry_against(invoice, 100, "2026-03-12"))
	advance = post("advance", lambda: make_advance(customer, 200, "2026-04-01"))
	later = post(
		"second Sales Invoice", lambda: make_sales_invoice(customer, 500, "2026-05-01", "2026-05-31")
	)
	if advance is not None and later is not None:
		post("Payment Reconciliation", lambda: reconcile(customer, later.debit_to, later.name))
	if found["installed"]:
		found["health"] = [finding.part for finding in ledger.health()]
		found["aging_equal"] = {}
		for day in DAYS:
			theirs, ours = aging_against_erpnext(group.name, day)
			found["aging_equal"][day] = ours == theirs
			if ours != theirs:
				found["errors"].append(f"aging on {day}: ERPNext {theirs}, app {ours}")
	return found


def reconcile(customer: str, account: str, invoice: str):
	reconciliation = frappe.new_doc("Payment Reconciliation")
	reconciliation.update(
		{
			"company": COMPANY,
			"party_type": "Customer",
			"party": customer,
			"receivable_payable_account": account,
		}
	)
	reconciliation.get_unreconciled_entries()
	reconciliation.allocate_entries(
		frappe._dict(
			invoices=[row.as_dict() for row in reconciliation.invoices if row.invoice_number == invoice],
			payments=[row.as_dict() for row in reconciliation.payments],
		)
	)
	reconciliation.reconcile()
	doc = frappe.get_doc("Sales Invoice", invoice)
	if doc.outstanding_amount != 300:
		raise AssertionError(f"the advance did not reach {invoice}: {doc.outstanding_amount} left")
	return doc


if __name__ == "__main__":
	frappe.init(site=sys.argv[1], sites_path=".")
	frappe.connect()
	try:
		print(json.dumps(post_and_compare(), default=str))
		frappe.db.commit()
	finally:
		frappe.destroy()
