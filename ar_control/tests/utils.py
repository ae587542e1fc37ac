"""Factories for bench tests: real ERPNext documents, built the way a user would build them.

Tests name their own customers (a random suffix), set every date explicitly and rely on the
test-case rollback for cleanup. They use ERPNext's standard test company and item, which the
test runner creates through ``test_dependencies``.
"""

from __future__ import annotations

import frappe
from frappe.utils import add_days, flt, getdate

from ar_control.compat import test_case_class

ARTestCase = test_case_class()

COMPANY = "_Test Company"
ITEM = "_Test Item"
TEST_DEPENDENCIES = ["Company", "Customer", "Item", "Cost Center", "Sales Person"]

__all__ = ["COMPANY", "TEST_DEPENDENCIES", "ARTestCase"]


def before_tests() -> None:
	"""ERPNext's test set-up: complete the setup wizard if needed, test defaults, all roles."""
	from erpnext.setup.utils import before_tests as erpnext_before_tests

	erpnext_before_tests()


def company_abbr(company: str = COMPANY) -> str:
	return frappe.get_cached_value("Company", company, "abbr")


def make_company(prefix: str = "AR Test Company") -> str:
	"""A company of the test's own (its chart of accounts included), rolled back with the test:
	figures of a whole company then count only what the test made, whatever else the site holds."""
	suffix = frappe.generate_hash(length=5).upper()
	return (
		frappe.get_doc(
			{
				"doctype": "Company",
				"company_name": f"{prefix} {suffix}",
				"abbr": f"AR{suffix}",
				"default_currency": "INR",
				"country": "India",
				"chart_of_accounts": "Standard",
			}
		)
		.insert(ignore_permissions=True)
		.name
	)


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
	qty: float = 1,
	**fields,
):
	"""A one-line invoice of ``qty`` x ``amount`` (no stock, no taxes) posted and due on the given
	dates; ``qty=-1`` with ``is_return=1`` makes a credit note."""
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
					"qty": qty,
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


# --- orders, deliveries, users, settings ------------------------------------------------------------

NON_STOCK_ITEM = "_Test Non Stock Item"


def _line(company: str, amount: float, **extra) -> dict:
	abbr = company_abbr(company)
	return {
		"item_code": NON_STOCK_ITEM,
		"qty": 1,
		"rate": amount,
		"income_account": f"Sales - {abbr}",
		"cost_center": f"Main - {abbr}",
		**extra,
	}


def make_sales_order(
	customer: str,
	amount: float,
	company: str = COMPANY,
	transaction_date: str | None = None,
	currency: str | None = None,
	conversion_rate: float = 1,
	submit: bool = False,
	**fields,
):
	"""A one-line Sales Order of a non-stock item; a draft unless ``submit``."""
	date = transaction_date or str(getdate(frappe.flags.current_date or None))
	doc = frappe.get_doc(
		{
			"doctype": "Sales Order",
			"company": company,
			"customer": customer,
			"transaction_date": date,
			"delivery_date": add_days(date, 7),
			"currency": currency or frappe.get_cached_value("Company", company, "default_currency"),
			"conversion_rate": conversion_rate,
			"items": [{**_line(company, amount), "delivery_date": add_days(date, 7)}],
			**fields,
		}
	)
	doc.insert(ignore_permissions=True)
	if submit:
		doc.submit()
	return doc


def make_delivery_note(customer: str, amount: float, company: str = COMPANY, submit: bool = False, **fields):
	"""A one-line Delivery Note of a non-stock item that no order covers."""
	doc = frappe.get_doc(
		{
			"doctype": "Delivery Note",
			"company": company,
			"customer": customer,
			"posting_date": str(getdate(frappe.flags.current_date or None)),
			"currency": frappe.get_cached_value("Company", company, "default_currency"),
			"conversion_rate": 1,
			"items": [_line(company, amount)],
			**fields,
		}
	)
	doc.insert(ignore_permissions=True)
	if submit:
		doc.submit()
	return doc


def make_user(prefix: str, roles: list[str]) -> str:
	"""A new enabled desk user with ``roles``; returns its name (the e-mail)."""
	email = f"{prefix}-{frappe.generate_hash(length=6)}@ar-control.test"
	user = frappe.get_doc(
		{
			"doctype": "User",
			"email": email,
			"first_name": prefix,
			"send_welcome_email": 0,
			"user_type": "System User",
		}
	)
	user.insert(ignore_permissions=True)
	user.add_roles(*roles)
	return email


def put_on_hold(customer: str, reason: str = "Put on hold by a test", company: str | None = COMPANY) -> str:
	"""A manual credit hold of ``customer`` in ``company`` (``None``: every company)."""
	from ar_control.core.holds import HoldSource
	from ar_control.credit import holds

	return holds.place(customer, company, HoldSource.MANUAL, reason)


def after_commit() -> None:
	"""What happens once a document's transaction is committed: the collection cases of the
	payments, journal entries and credit notes submitted since follow them. (A test never
	commits; this runs the same step the commit would run.)"""
	from ar_control.collection import settlement

	settlement.flush()


# --- credit assessments -----------------------------------------------------------------------------

# The scores of the factors a credit manager enters by hand
MANUAL = {
	"Solvency": 80,
	"Profitability": 70,
	"Operating Capability": 60,
	"Industry Position": 50,
}


def make_assessment(customer: str, date: str = "2026-06-30", company: str = COMPANY, submit=False, **fields):
	"""A Credit Assessment with the manual factors scored as in ``MANUAL``; approved with ``submit``."""
	doc = frappe.get_doc(
		{
			"doctype": "Credit Assessment",
			"customer": customer,
			"company": company,
			"assessment_date": date,
			**fields,
		}
	)
	doc.insert()
	for row in doc.factors:
		if row.factor in MANUAL:
			row.score = MANUAL[row.factor]
	doc.save()
	if submit:
		doc.submit()
	return doc


def set_credit_limit(customer: str, limit: float, company: str = COMPANY) -> None:
	from ar_control.credit.assessment import set_credit_limit as write_limit

	write_limit(customer, company, limit)


class settings_changed:
	"""Change AR Control Settings for the duration of a ``with`` block, then restore them.

	Restored explicitly (not left to the rollback) because Frappe caches the settings document.
	"""

	def __init__(self, **values):
		self.values = values
		self.saved: dict = {}

	def __enter__(self):
		doc = frappe.get_single("AR Control Settings")
		self.saved = {key: doc.get(key) for key in self.values}
		doc.update(self.values)
		doc.save(ignore_permissions=True)
		return doc

	def __exit__(self, *exc):
		doc = frappe.get_single("AR Control Settings")
		doc.update(self.saved)
		doc.save(ignore_permissions=True)
		return False


# --- receivables of every kind, sales teams and targets (aging and KPI tests) -----------------------


def make_credit_note(invoice, amount: float, posting_date: str, submit: bool = True, **fields):
	"""A credit note (return) of ``amount`` against ``invoice``, made as ERPNext's Make > Return does.

	ERPNext 15 keeps a credit note's outstanding on the note itself by default
	(``update_outstanding_for_self``); ``update_outstanding_for_self=0`` credits the invoice.
	"""
	from erpnext.accounts.doctype.sales_invoice.sales_invoice import make_sales_return

	doc = make_sales_return(invoice.name)
	doc.set_posting_time = 1
	doc.posting_date = posting_date
	doc.due_date = posting_date
	doc.payment_schedule = []
	doc.items = doc.items[:1]
	doc.items[0].qty = -1
	doc.items[0].rate = amount
	doc.update(fields)
	doc.insert(ignore_permissions=True)
	if submit:
		doc.submit()
	return doc


def make_advance(
	customer: str, amount: float, posting_date: str, company: str = COMPANY, submit: bool = True
):
	"""A Payment Entry received from ``customer`` and allocated to nothing: an advance."""
	abbr = company_abbr(company)
	doc = frappe.get_doc(
		{
			"doctype": "Payment Entry",
			"payment_type": "Receive",
			"company": company,
			"posting_date": posting_date,
			"party_type": "Customer",
			"party": customer,
			"paid_from": f"Debtors - {abbr}",
			"paid_to": f"Cash - {abbr}",
			"paid_amount": amount,
			"received_amount": amount,
			"source_exchange_rate": 1,
			"target_exchange_rate": 1,
			"reference_no": f"AR-ADV-{frappe.generate_hash(length=6)}",
			"reference_date": posting_date,
		}
	)
	doc.insert(ignore_permissions=True)
	if submit:
		doc.submit()
	return doc


def make_journal_entry_against(
	invoice,
	amount: float,
	posting_date: str,
	voucher_type: str = "Journal Entry",
	counter_account: str | None = None,
	submit: bool = True,
):
	"""A Journal Entry crediting the customer's receivable by ``amount`` against ``invoice``.

	The counter account is cash by default; a ``Write Off Entry`` goes to the company's write-off
	account, as a bad debt written off in ERPNext does.
	"""
	abbr = company_abbr(invoice.company)
	if counter_account is None:
		counter_account = f"Write Off - {abbr}" if voucher_type == "Write Off Entry" else f"Cash - {abbr}"
	cost_center = (
		f"_Test Cost Center - {abbr}"
		if frappe.db.exists("Cost Center", f"_Test Cost Center - {abbr}")
		else f"Main - {abbr}"
	)
	doc = frappe.get_doc(
		{
			"doctype": "Journal Entry",
			"voucher_type": voucher_type,
			"company": invoice.company,
			"posting_date": posting_date,
			"cheque_no": f"AR-JE-{frappe.generate_hash(length=6)}",
			"cheque_date": posting_date,
			"accounts": [
				{
					"account": invoice.debit_to,
					"party_type": "Customer",
					"party": invoice.customer,
					"credit_in_account_currency": amount,
					"reference_type": "Sales Invoice",
					"reference_name": invoice.name,
					"cost_center": cost_center,
				},
				{"account": counter_account, "debit_in_account_currency": amount, "cost_center": cost_center},
			],
		}
	)
	doc.insert(ignore_permissions=True)
	if submit:
		doc.submit()
	return doc


def set_exchange_rate(from_currency: str, to_currency: str, rate: float, date: str) -> None:
	"""A Currency Exchange record, so ERPNext never asks the internet for the rate."""
	frappe.get_doc(
		{
			"doctype": "Currency Exchange",
			"date": date,
			"from_currency": from_currency,
			"to_currency": to_currency,
			"exchange_rate": rate,
			"for_buying": 1,
			"for_selling": 1,
		}
	).insert(ignore_permissions=True, ignore_if_duplicate=True)


def make_sales_person(
	prefix: str = "AR Test Sales Person", user: str | None = None, parent: str = "Sales Team"
) -> str:
	"""A new sales person below ``parent``; with ``user``, linked to an employee of that user."""
	employee = None
	if user:
		from erpnext.setup.doctype.employee.test_employee import make_employee

		employee = make_employee(user, company=COMPANY)
	return (
		frappe.get_doc(
			{
				"doctype": "Sales Person",
				"sales_person_name": f"{prefix} {frappe.generate_hash(length=6)}",
				"parent_sales_person": parent,
				"is_group": 0,
				"enabled": 1,
				"employee": employee,
			}
		)
		.insert(ignore_permissions=True)
		.name
	)


def sales_team(*shares: tuple[str, float]) -> list[dict]:
	"""The ``sales_team`` rows of an invoice: ``sales_team(("Alice", 60), ("Bob", 40))``."""
	return [{"sales_person": person, "allocated_percentage": percent} for person, percent in shares]


def make_customer_group(prefix: str = "AR Test Group") -> str:
	"""A customer group of its own, so a report can be narrowed to one test's customers."""
	return (
		frappe.get_doc(
			{
				"doctype": "Customer Group",
				"customer_group_name": f"{prefix} {frappe.generate_hash(length=6)}",
				"parent_customer_group": "All Customer Groups",
			}
		)
		.insert(ignore_permissions=True)
		.name
	)


AGING_FIELDS = ("outstanding", "range1", "range2", "range3", "range4", "range5")


def aging_against_erpnext(customer_group: str, day: str, based_on_payment_terms: bool = False):
	"""(ERPNext's Accounts Receivable, the app's AR Aging Analysis by voucher) for the customers of
	``customer_group`` on ``day``: per row the voucher, its due date, outstanding and buckets."""
	from erpnext.accounts.report.accounts_receivable.accounts_receivable import execute as receivable

	from ar_control.ar_control.report.ar_aging_analysis.ar_aging_analysis import execute as aging

	filters = {
		"company": COMPANY,
		"customer_group": customer_group,
		"report_date": day,
		"ageing_based_on": "Due Date",
		"calculate_ageing_with": "Report Date",
		"range": "30, 60, 90, 120",
		"based_on_payment_terms": int(based_on_payment_terms),
	}

	def shaped(rows):
		return sorted(
			(row["voucher_no"], str(row.get("due_date") or ""), *(flt(row.get(f), 2) for f in AGING_FIELDS))
			for row in rows
			if row.get("voucher_no") and not row.get("is_total")
		)

	return shaped(receivable(filters)[1]), shaped(aging({**filters, "group_by": "Voucher"})[1])


def make_collection_target(sales_person: str | None = None, company: str = COMPANY, **values):
	return frappe.get_doc(
		{
			"doctype": "Collection Target",
			"company": company,
			"sales_person": sales_person,
			"target_dso": 45,
			**values,
		}
	).insert(ignore_permissions=True)


# --- collection ------------------------------------------------------------------------------------


def make_billing_contact(customer: str, email: str | None = None) -> str:
	"""A billing contact with an e-mail address, linked to the customer; returns the address."""
	email = email or f"billing-{frappe.generate_hash(length=6)}@customer.test"
	contact = frappe.get_doc(
		{
			"doctype": "Contact",
			"first_name": "Billing",
			"last_name": customer[:20],
			"is_billing_contact": 1,
			"email_ids": [{"email_id": email, "is_primary": 1}],
			"links": [{"link_doctype": "Customer", "link_name": customer}],
		}
	)
	contact.insert(ignore_permissions=True)
	return email


def email_queue_to(recipient: str) -> list[str]:
	"""Names of the Email Queue entries addressed to ``recipient``."""
	queue = frappe.qb.DocType("Email Queue")
	recipients = frappe.qb.DocType("Email Queue Recipient")
	return (
		frappe.qb.from_(queue)
		.join(recipients)
		.on(recipients.parent == queue.name)
		.select(queue.name)
		.where(recipients.recipient == recipient)
		.run(pluck=True)
	)
