"""Factories for bench tests: real ERPNext documents, built the way a user would build them.

Tests name their own customers (a random suffix), set every date explicitly and rely on the
test-case rollback for cleanup. They use ERPNext's standard test company and item, which the
test runner creates through ``test_dependencies``.
"""

from __future__ import annotations

import frappe
from frappe.utils import add_days, flt, getdate

try:  # Frappe v16
	from frappe.tests import IntegrationTestCase as ARTestCase
except ImportError:  # Frappe v15
	from frappe.tests.utils import FrappeTestCase as ARTestCase

COMPANY = "_Test Company"
ITEM = "_Test Item"
TEST_DEPENDENCIES = ["Company", "Customer", "Item", "Cost Center", "Sales Person"]

__all__ = ["COMPANY", "TEST_DEPENDENCIES", "ARTestCase"]


def company_abbr(company: str = COMPANY) -> str:
	return frappe.get_cached_value("Company", company, "abbr")


def make_customer(
	prefix: str = "AR Test Customer",
	currency: str | None = None,
	receivable_account: str | None = None,
	company: str = COMPANY,
	**fields,
) -> str:
	"""A new customer with a unique name; returns its name."""
	doc = frappe.get_doc(
		{
			"doctype": "Customer",
			"customer_name": f"{prefix} {frappe.generate_hash(length=8)}",
			"customer_type": "Company",
			"customer_group": "_Test Customer Group",
			"territory": "_Test Territory",
			"default_currency": currency,
			**fields,
		}
	)
	if receivable_account:
		doc.append("accounts", {"company": company, "account": receivable_account})
	return doc.insert(ignore_permissions=True).name


def make_sales_invoice(
	customer: str,
	amount: float,
	posting_date: str,
	due_date: str | None = None,
	company: str = COMPANY,
	currency: str | None = None,
	conversion_rate: float = 1,
	debit_to: str | None = None,
	submit: bool = True,
	**fields,
):
	"""A one-line invoice of ``amount`` (no stock, no taxes) posted and due on the given dates."""
	abbr = company_abbr(company)
	doc = frappe.get_doc(
		{
			"doctype": "Sales Invoice",
			"company": company,
			"customer": customer,
			"set_posting_time": 1,
			"posting_date": posting_date,
			"due_date": due_date or posting_date,
			"currency": currency or frappe.get_cached_value("Company", company, "default_currency"),
			"conversion_rate": conversion_rate,
			"debit_to": debit_to or f"Debtors - {abbr}",
			"update_stock": 0,
			"items": [
				{
					"item_code": ITEM,
					"qty": 1,
					"rate": amount,
					"income_account": f"Sales - {abbr}",
					"cost_center": f"_Test Cost Center - {abbr}"
					if frappe.db.exists("Cost Center", f"_Test Cost Center - {abbr}")
					else f"Main - {abbr}",
				}
			],
			**fields,
		}
	)
	doc.payment_schedule = []
	doc.insert(ignore_permissions=True)
	if submit:
		doc.submit()
	return doc


def make_payment(invoice, amount: float, posting_date: str, submit: bool = True):
	"""A Payment Entry receiving ``amount`` against ``invoice`` on ``posting_date``."""
	from erpnext.accounts.doctype.payment_entry.payment_entry import get_payment_entry

	pe = get_payment_entry("Sales Invoice", invoice.name, party_amount=amount)
	pe.posting_date = posting_date
	pe.reference_no = f"AR-TEST-{frappe.generate_hash(length=6)}"
	pe.reference_date = posting_date
	pe.paid_amount = amount
	pe.received_amount = amount
	for ref in pe.references:
		ref.allocated_amount = amount
	pe.insert(ignore_permissions=True)
	if submit:
		pe.submit()
	return pe


def days_from(date, days: int) -> str:
	return str(add_days(getdate(date), days))


def money(value) -> float:
	return flt(value, 2)
