"""A large receivables data set, as ERPNext itself would have posted it, for benchmarks.

    bench --site SITE execute ar_control.benchmarks.dataset.build --kwargs "{'invoices': 100000}"
    bench --site SITE execute ar_control.benchmarks.dataset.verify
    bench --site SITE execute ar_control.benchmarks.dataset.remove

Builds ``invoices`` Sales Invoices for ``customers`` customers (``invoices // 20`` by default) in
a company of its own, "AR Bench Co", posted over the 730 days before ``as_of``: 70 % paid by a
Payment Entry, 10 % half paid, 2 % credited 20 % by a credit note, the rest open. Customers are
skewed (the largest has 1 / sqrt(customers) of the invoices: 1.4 % at 100,000 invoices) and
each pays on a habit of its own, from 20 days early to 70 days late; a payment that would fall
after ``as_of`` leaves its invoice open.

:mod:`ar_control.benchmarks.aging` inserts bare rows it writes itself, which only the columns
the reports read make plausible. Here ERPNext makes and submits one real document set of each
kind (invoice, payment, credit note) and the database multiplies them: every row those documents
wrote, in every table they touched, is copied once per invoice with ``INSERT ... SELECT`` over a
MariaDB sequence table, only names, links, parties, dates, amounts and status replaced. Every
other column is what ERPNext wrote, so ERPNext's own reports read the copies as its own
documents (:func:`verify` compares them with the app's). The template documents are deleted
once copied. On two cores and MariaDB's default 128 MB buffer pool 100,000 invoices take under
two minutes (1.4 GB), a million about 45 minutes (13 GB): past the buffer pool every index
insert reads the disk.

A data set built with the same parameters is reused (a marker in the defaults and the row
counts tell); :func:`remove` deletes it.
"""

from __future__ import annotations

import json
import time
from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal
from typing import NamedTuple

import frappe
from frappe.utils import add_days, flt, getdate, money_in_words

COMPANY = "AR Bench Co"
ABBR = "ARB"
CURRENCY = "INR"
CUSTOMER_GROUP = "AR Bench Customers"
ITEM = "AR Bench Service"
PRICE_LIST = "AR Bench Selling"
PAYMENT_TERMS = "AR Bench 30 Days"
SALES_PERSONS = [f"AR Bench Sales Person {n:02d}" for n in range(1, 11)]
TEMPLATE_CUSTOMER = "ARB-CUST-TEMPLATE"
MARKER = "ar_bench_dataset"
RANGE = "30, 60, 90, 120"

DAYS = 730  # posting dates spread over the two years before as_of
CREDIT_DAYS = 30
CREDIT_NOTE_AFTER = 10  # days from the invoice to its credit note
ADVANCE_BEFORE = 10  # days from an advance to the invoice it is meant for
TEMPLATE_AMOUNT = 1000
# the kinds of copy: an invoice and, but for "open", the document that settles it
# (paid in full, paid half, credited 20 % by a credit note, half settled by a journal entry, or
# half paid in advance by a payment left unallocated)


class Shape(NamedTuple):
	"""How a data set spreads its invoices: over how many customers, how unevenly (the customer
	of invoice ``i`` is ``customers * frac(i * 0.618...) ** skew``), and the share of each kind (by
	the copy index modulo 100, cumulative). Its history may change over time:

	- ``season``: each invoice's amount times 1 + season x cos(2 pi (day of the year - 320) / 365)
	  (a business whose sales peak in mid-November and are lowest in mid-May), in whole rupees;
	- ``drift_days``: each customer's habit moves by up to ``drift_days`` over the two years, later
	  or earlier by its number (``mod(customer, 5) - 2``: two in five later, two earlier, one not
	  at all), in proportion to the invoice's date;
	- ``default_every``, ``default_days``: every ``default_every``-th customer pays nothing of what
	  it is invoiced in the ``default_days`` before ``as_of`` (it stopped paying).
	"""

	name: str
	description: str
	customers_per_invoice: float
	skew: float
	kinds: tuple[tuple[str, int], ...]
	season: float = 0.0
	drift_days: int = 0
	default_every: int = 0
	default_days: int = 0

	def customers(self, invoices: int) -> int:
		return max(int(invoices * self.customers_per_invoice), 1)


SHAPES = {
	shape.name: shape
	for shape in (
		Shape(
			"standard",
			"20 invoices a customer, skewed; 70 % paid, 10 % half paid, 2 % credited, the rest open",
			1 / 20,
			2,
			(("paid", 70), ("half", 80), ("credit", 82), ("open", 100)),
		),
		Shape(
			"many-small",
			"2 invoices a customer, evenly spread",
			1 / 2,
			1,
			(("paid", 70), ("half", 80), ("credit", 82), ("open", 100)),
		),
		Shape(
			"few-large",
			"one customer for 5,000 invoices, strongly skewed (a few hold most invoices)",
			1 / 5000,
			4,
			(("paid", 70), ("half", 80), ("credit", 82), ("open", 100)),
		),
		Shape(
			"partly-paid",
			"55 % of the invoices half paid",
			1 / 20,
			2,
			(("paid", 30), ("half", 85), ("credit", 87), ("open", 100)),
		),
		Shape(
			"credits-journals",
			"25 % credited by a credit note, 25 % half settled by a journal entry",
			1 / 20,
			2,
			(("paid", 35), ("credit", 60), ("journal", 85), ("open", 100)),
		),
		Shape(
			"advances",
			"40 % half paid by an advance left unallocated",
			1 / 20,
			2,
			(("paid", 45), ("advance", 85), ("open", 100)),
		),
		Shape(
			"changing",
			"as standard, in a seasonal business (sales x 1.6 in November, x 0.4 in May) whose "
			"customers change their habits (up to 40 days later or earlier over the two years) and "
			"one customer in eleven stopped paying six months ago",
			1 / 20,
			2,
			(("paid", 70), ("half", 80), ("credit", 82), ("open", 100)),
			season=0.6,
			drift_days=40,
			default_every=11,
			default_days=184,
		),
	)
}
KINDS = SHAPES["standard"].kinds
# amounts that ERPNext keeps in Float fields, not Currency ones
FLOAT_AMOUNTS = {
	"Payment Entry Reference": (
		"total_amount",
		"outstanding_amount",
		"allocated_amount",
		"payment_term_outstanding",
		"payment_request_outstanding",
	)
}
# what the templates hold: the invoice, half of it, the credit note and what that leaves open; a
# number column holding one of them that no rule scales would be wrong in every copy
AMOUNTS = {TEMPLATE_AMOUNT, TEMPLATE_AMOUNT / 2, TEMPLATE_AMOUNT / 5, TEMPLATE_AMOUNT * 4 / 5}

BATCH = 50000  # invoices per INSERT ... SELECT, committed one by one
DELETE_BATCH = 100000

# the tables the template documents write rows to (counted before and after submitting them:
# the Version rows of their change log are not copied, and deleted with the templates)
INVOICE_CHILDREN = ("Sales Invoice Item", "Sales Team", "Payment Schedule")
PAYMENT_CHILDREN = ("Payment Entry Reference",)
JOURNAL_CHILDREN = ("Journal Entry Account",)
DOCUMENTS = ("Sales Invoice", "Payment Entry", "Journal Entry")
LEDGERS = ("GL Entry", "Payment Ledger Entry")
TABLES = (
	"Customer",
	"Sales Invoice",
	*INVOICE_CHILDREN,
	"Payment Entry",
	*PAYMENT_CHILDREN,
	"Journal Entry",
	*JOURNAL_CHILDREN,
	*LEDGERS,
)


def build(
	invoices: int, customers: int | None = None, as_of: str | None = None, shape: str = "standard"
) -> dict:
	"""Build the data set (or keep the one that exists with these parameters); return its counts."""
	invoices = int(invoices)
	if invoices < 1:
		raise ValueError("a data set needs at least one invoice")
	if shape not in SHAPES:
		raise ValueError(f"no shape {shape!r}: one of {', '.join(SHAPES)}")
	kinds = SHAPES[shape].kinds
	customers = int(customers or SHAPES[shape].customers(invoices))
	as_of = getdate(as_of or frappe.utils.today())
	parameters = {"invoices": invoices, "customers": customers, "as_of": str(as_of), "shape": shape}
	started = time.perf_counter()
	_quiet_locks()
	counts = _counts()
	if _existing() == parameters and (counts["invoices"], counts["customers"]) == (invoices, customers):
		result = {**stats(), "build_seconds": 0.0, "reused": True}
		_print(result)
		return result
	remove()
	_masters(add_days(as_of, -DAYS - ADVANCE_BEFORE), as_of)
	templates = _templates(as_of, kinds)
	frappe.db.commit()
	_plan(invoices, customers, as_of, SHAPES[shape])
	_copy_customers(customers, templates, as_of)
	copies = _invoice_copies(templates, as_of, kinds)
	for start in range(0, invoices, BATCH):
		_copy_invoices(copies, start, min(start + BATCH, invoices))
		frappe.db.commit()
	_delete_templates(templates, kinds)
	frappe.db.set_default(MARKER, json.dumps(parameters))
	frappe.db.commit()
	result = {**stats(), "build_seconds": round(time.perf_counter() - started, 1), "reused": False}
	_print(result)
	return result


def _quiet_locks() -> None:
	"""Read committed: copying and deleting then lock only the rows they write, not the rows and
	gaps they read, so tests running on the same site neither block the build nor are blocked."""
	frappe.db.commit()
	frappe.db.sql("set session transaction isolation level read committed")


def _run(sql: str, values: dict) -> None:
	"""One statement, retried when another transaction holds a lock it needs past the timeout
	(InnoDB then rolls back only that statement)."""
	for attempt in range(5):
		try:
			frappe.db.sql(sql, values)
			return
		except frappe.QueryTimeoutError:
			if attempt == 4:
				raise
			time.sleep(5)


def _existing() -> dict | None:
	marker = frappe.db.get_default(MARKER)
	return json.loads(marker) if marker else None


def _print(result: dict) -> None:
	print(
		f"{COMPANY}: {result['invoices']} invoices, {result['customers']} customers, "
		f"{result['payment_entries']} payments, {result['credit_notes']} credit notes, "
		f"{result['gl_entries']} GL and {result['payment_ledger_entries']} payment ledger entries; "
		f"{'reused' if result['reused'] else 'built in ' + str(result['build_seconds']) + ' s'}; "
		f"{result['disk_mib']} MiB on disk"
	)


# Masters and templates, made through ERPNext ------------------------------------------------


def _masters(first_date: date, last_date: date) -> None:
	if not frappe.db.exists("Company", COMPANY):
		frappe.get_doc(
			{
				"doctype": "Company",
				"company_name": COMPANY,
				"abbr": ABBR,
				"default_currency": CURRENCY,
				"country": "India",
				"create_chart_of_accounts_based_on": "Standard Template",
				"chart_of_accounts": "Standard",
			}
		).insert(ignore_permissions=True)
	_fiscal_years(first_date, last_date)
	if not frappe.db.exists("Customer Group", CUSTOMER_GROUP):
		frappe.get_doc(
			{
				"doctype": "Customer Group",
				"customer_group_name": CUSTOMER_GROUP,
				"parent_customer_group": "All Customer Groups",
			}
		).insert(ignore_permissions=True)
	for person in SALES_PERSONS:
		if not frappe.db.exists("Sales Person", person):
			frappe.get_doc(
				{"doctype": "Sales Person", "sales_person_name": person, "parent_sales_person": "Sales Team"}
			).insert(ignore_permissions=True)
	if not frappe.db.exists("Item", ITEM):
		frappe.get_doc(
			{
				"doctype": "Item",
				"item_code": ITEM,
				"item_name": ITEM,
				"item_group": "All Item Groups",
				"stock_uom": "Nos",
				"is_stock_item": 0,
			}
		).insert(ignore_permissions=True)
	if not frappe.db.exists("Price List", PRICE_LIST):
		frappe.get_doc(
			{"doctype": "Price List", "price_list_name": PRICE_LIST, "currency": CURRENCY, "selling": 1}
		).insert(ignore_permissions=True)
	term = {"invoice_portion": 100, "due_date_based_on": "Day(s) after invoice date", "credit_days": 30}
	if not frappe.db.exists("Payment Term", PAYMENT_TERMS):
		frappe.get_doc({"doctype": "Payment Term", "payment_term_name": PAYMENT_TERMS, **term}).insert(
			ignore_permissions=True
		)
	# allocating by term: ERPNext's payments leave the Payment Schedule untouched otherwise
	if not frappe.db.exists("Payment Terms Template", PAYMENT_TERMS):
		frappe.get_doc(
			{
				"doctype": "Payment Terms Template",
				"template_name": PAYMENT_TERMS,
				"allocate_payment_based_on_payment_terms": 1,
				"terms": [{"payment_term": PAYMENT_TERMS, **term}],
			}
		).insert(ignore_permissions=True)


def _fiscal_years(first_date: date, last_date: date) -> None:
	from erpnext.accounts.utils import get_fiscal_year

	for year in range(first_date.year, last_date.year + 1):
		if not all(
			get_fiscal_year(day, company=COMPANY, boolean=True) for day in (f"{year}-01-01", f"{year}-12-31")
		):
			frappe.get_doc(
				{
					"doctype": "Fiscal Year",
					"year": f"{COMPANY} {year}",
					"year_start_date": f"{year}-01-01",
					"year_end_date": f"{year}-12-31",
					"companies": [{"company": COMPANY}],
				}
			).insert(ignore_permissions=True)


def _fiscal_year_ranges() -> list[tuple[date, date, str]]:
	"""The fiscal years the company posts in (those of no company in particular, or of it)."""
	return frappe.db.sql(
		"""select fy.year_start_date, fy.year_end_date, fy.name from `tabFiscal Year` fy
		where fy.disabled = 0 and (
			not exists (select 1 from `tabFiscal Year Company` c where c.parent = fy.name)
			or exists (select 1 from `tabFiscal Year Company` c where c.parent = fy.name and c.company = %s))
		order by fy.year_start_date""",
		COMPANY,
	)


def _territory() -> str:
	return "_Test Territory" if frappe.db.exists("Territory", "_Test Territory") else "All Territories"


def _templates(posting_date: date, kinds=KINDS) -> dict:
	"""One document set of each kind, made and submitted by ERPNext, posted on ``posting_date``.

	Returns ``{"customer": ..., kind: {"invoice": ..., "payment" / "credit_note": ...}}``.
	"""
	from erpnext.accounts.doctype.payment_entry.payment_entry import get_payment_entry
	from erpnext.accounts.doctype.sales_invoice.sales_invoice import make_sales_return

	customer = frappe.get_doc(
		{
			"doctype": "Customer",
			"customer_name": "AR Bench Template Customer",
			"customer_type": "Company",
			"customer_group": CUSTOMER_GROUP,
			"territory": _territory(),
			"default_currency": CURRENCY,
			"default_price_list": PRICE_LIST,
		}
	)
	# the copies' names differ from their customer names, so the template's must too
	customer.insert(ignore_permissions=True, set_name=TEMPLATE_CUSTOMER)
	templates = {"customer": customer.name, "customer_name": customer.customer_name}
	for kind, _share in kinds:
		invoice = frappe.get_doc(
			{
				"doctype": "Sales Invoice",
				"company": COMPANY,
				"customer": customer.name,
				"customer_group": customer.customer_group,
				"territory": customer.territory,
				"posting_date": posting_date,
				"set_posting_time": 1,
				"currency": CURRENCY,
				"conversion_rate": 1,
				"selling_price_list": PRICE_LIST,
				"payment_terms_template": PAYMENT_TERMS,
				# whole-rupee rounding would add a round-off line that does not scale with the amount
				"disable_rounded_total": 1,
				"items": [{"item_code": ITEM, "qty": 1, "rate": TEMPLATE_AMOUNT}],
				"sales_team": [{"sales_person": SALES_PERSONS[0], "allocated_percentage": 100}],
			}
		)
		invoice.insert(ignore_permissions=True)
		invoice.submit()
		documents = {"invoice": invoice.name}
		if kind in ("paid", "half"):
			paid = float(TEMPLATE_AMOUNT if kind == "paid" else TEMPLATE_AMOUNT / 2)
			payment = get_payment_entry(
				"Sales Invoice", invoice.name, party_amount=paid, ignore_permissions=True
			)
			# what the form's allocation does when the amount is typed: the reference gets what is paid
			(reference,) = payment.references
			reference.allocated_amount = paid
			payment.posting_date = posting_date
			payment.reference_no = "AR Bench"
			payment.reference_date = posting_date
			payment.insert(ignore_permissions=True)
			payment.submit()
			documents["payment"] = payment.name
		elif kind == "credit":
			note = make_sales_return(invoice.name)
			note.posting_date = posting_date
			note.set_posting_time = 1
			note.update_outstanding_for_self = 0  # the credit note settles the invoice it returns
			note.items[0].qty = -1
			note.items[0].rate = TEMPLATE_AMOUNT / 5
			note.insert(ignore_permissions=True)
			note.submit()
			documents["credit_note"] = note.name
		elif kind == "journal":
			documents["journal"] = _journal_template(invoice, posting_date)
		elif kind == "advance":
			documents["advance"] = _advance_template(customer.name, posting_date)
		templates[kind] = documents
	return templates


def _journal_template(invoice, posting_date: date) -> str:
	"""Half of the invoice settled by a journal entry against it (a bank receipt booked there)."""
	cash = frappe.get_cached_value("Company", COMPANY, "default_cash_account")
	journal = frappe.get_doc(
		{
			"doctype": "Journal Entry",
			"voucher_type": "Journal Entry",
			"company": COMPANY,
			"posting_date": posting_date,
			"cheque_no": "AR Bench",
			"cheque_date": posting_date,
			"accounts": [
				{
					"account": invoice.debit_to,
					"party_type": "Customer",
					"party": invoice.customer,
					"credit_in_account_currency": TEMPLATE_AMOUNT / 2,
					"reference_type": "Sales Invoice",
					"reference_name": invoice.name,
				},
				{"account": cash, "debit_in_account_currency": TEMPLATE_AMOUNT / 2},
			],
		}
	)
	journal.insert(ignore_permissions=True)
	journal.submit()
	# ERPNext's remark quotes the amount in the currency's format: one without it, in the journal
	# and its ledger rows, so the copies need no rule for it
	remark = "AR Bench receipt"
	frappe.db.set_value("Journal Entry", journal.name, "remark", remark, update_modified=False)
	for ledger in LEDGERS:
		if frappe.db.has_column(ledger, "remarks"):
			frappe.db.sql(
				f"update `tab{ledger}` set remarks = %s where voucher_no = %s", (remark, journal.name)
			)
	return journal.name


def _advance_template(customer: str, posting_date: date) -> str:
	"""A payment received from the customer and allocated to nothing (an advance)."""
	debtors = frappe.get_cached_value("Company", COMPANY, "default_receivable_account")
	cash = frappe.get_cached_value("Company", COMPANY, "default_cash_account")
	payment = frappe.get_doc(
		{
			"doctype": "Payment Entry",
			"payment_type": "Receive",
			"company": COMPANY,
			"posting_date": posting_date,
			"party_type": "Customer",
			"party": customer,
			"paid_from": debtors,
			"paid_to": cash,
			"paid_amount": TEMPLATE_AMOUNT / 2,
			"received_amount": TEMPLATE_AMOUNT / 2,
			"source_exchange_rate": 1,
			"target_exchange_rate": 1,
			"reference_no": "AR Bench",
			"reference_date": posting_date,
		}
	)
	payment.insert(ignore_permissions=True)
	payment.submit()
	return payment.name


# The plan: what each copy is ---------------------------------------------------------------


def _plan(invoices: int, customers: int, as_of: date, shape: Shape = SHAPES["standard"]) -> None:
	"""One row per invoice to make, in a temporary table the copies join.

	Everything follows from the copy index ``i``: the customer (skewed by the square of the
	golden-ratio sequence), the posting date, the amount, the kind, and from the customer its
	payment habit.
	"""
	# both tables first: Frappe refuses DDL after writes in a transaction
	frappe.db.sql("drop temporary table if exists ar_bench_plan, ar_bench_words")
	frappe.db.sql("create temporary table ar_bench_words (amount decimal(18, 2) primary key, words text)")
	frappe.db.sql(
		"""create temporary table ar_bench_plan (
			i int primary key, kind varchar(8), wanted varchar(8), customer_no int,
			invoice varchar(20), payment varchar(20), credit_note varchar(20), journal varchar(20),
			advance varchar(20),
			customer varchar(20), customer_name varchar(40), sales_person varchar(40),
			posting date, due date, paid_on date, fy_posting varchar(140), fy_paid varchar(140),
			amount decimal(18, 2), factor decimal(18, 9), paid decimal(18, 2), paid_text varchar(20),
			status varchar(20), words varchar(200), paid_words varchar(200), credit_words varchar(200),
			key kind_i (kind, i)
		)"""
	)
	kind = " ".join(f"when mod(seq, 100) < {share} then '{name}'" for name, share in shape.kinds)
	# set-based: one statement over MariaDB's sequence table instead of a million Python rows
	frappe.db.sql(
		f"""insert into ar_bench_plan (i, wanted, customer_no, posting, amount)
		select seq, case {kind} end,
			floor(%(customers)s * pow(mod(seq * 0.6180339887, 1), %(skew)s)),
			date_sub(%(as_of)s, interval floor({DAYS} * mod(seq * 0.7548776662, 1)) day),
			1000 + mod(seq * 7919, 9000)
		from seq_0_to_{invoices - 1}""",
		{"customers": customers, "as_of": as_of, "skew": shape.skew},
	)
	frappe.db.sql(
		f"""update ar_bench_plan set
			invoice = concat('ARB-SINV-', lpad(i + 1, 7, '0')),
			customer = concat('ARB-CUST-', lpad(customer_no + 1, 6, '0')),
			customer_name = concat('AR Bench Customer ', lpad(customer_no + 1, 6, '0')),
			sales_person = concat('AR Bench Sales Person ', lpad(mod(customer_no, 10) + 1, 2, '0')),
			due = date_add(posting, interval {CREDIT_DAYS} day),
			factor = amount / {TEMPLATE_AMOUNT},
			paid_on = case wanted
				when 'credit' then date_add(posting, interval {CREDIT_NOTE_AFTER} day)
				when 'advance' then date_sub(posting, interval {ADVANCE_BEFORE} day)
				else greatest(posting, date_add(posting, interval {CREDIT_DAYS} + mod(customer_no, 7) * 15 - 20
					+ round((mod(customer_no, 5) - 2) / 2 * %(drift)s * datediff(posting, %(first)s) / {DAYS})
					day)) end""",
		{"drift": shape.drift_days, "first": as_of - timedelta(days=DAYS)},
	)
	if shape.season:
		frappe.db.sql(
			"""update ar_bench_plan set
				amount = round(amount * (1 + %(season)s * cos(2 * pi() * (dayofyear(posting) - 320) / 365))),
				factor = amount / %(template)s""",
			{"season": shape.season, "template": TEMPLATE_AMOUNT},
		)
	# a customer that stopped paying: what it was invoiced since then stays open
	stopped = (
		f"""wanted in ('paid', 'half') and mod(customer_no, {shape.default_every}) = 0
		and posting >= date_sub(%(as_of)s, interval {shape.default_days} day)"""
		if shape.default_every
		else "false"
	)
	frappe.db.sql(
		f"""update ar_bench_plan set
			kind = if(wanted != 'open' and paid_on <= %(as_of)s and not ({stopped}), wanted, 'open')""",
		{"as_of": as_of},
	)
	frappe.db.sql(
		"""update ar_bench_plan set
			paid_on = if(kind = 'open', null, paid_on),
			payment = if(kind in ('paid', 'half'), concat('ARB-PE-', lpad(i + 1, 7, '0')), null),
			credit_note = if(kind = 'credit', concat('ARB-CN-', lpad(i + 1, 7, '0')), null),
			journal = if(kind = 'journal', concat('ARB-JV-', lpad(i + 1, 7, '0')), null),
			advance = if(kind = 'advance', concat('ARB-ADV-', lpad(i + 1, 7, '0')), null),
			paid = case kind when 'paid' then amount when 'open' then null when 'credit' then null
				else amount / 2 end,
			status = case
				when kind = 'paid' then 'Paid'
				when due < %(today)s then 'Overdue'
				when kind in ('open', 'advance') then 'Unpaid'
				else 'Partly Paid' end""",
		{"today": getdate()},  # ERPNext's status looks at today, not at as_of
	)
	# Payment Entry remarks quote the paid amount as Python prints a float
	frappe.db.sql(
		"""update ar_bench_plan set paid_text = if(paid = floor(paid), concat(floor(paid), '.0'),
			trim(trailing '0' from cast(paid as char))) where paid is not null"""
	)
	years = _fiscal_year_ranges()
	values = {}
	cases = []
	for n, (start, end, name) in enumerate(years):
		values.update({f"s{n}": start, f"e{n}": end, f"n{n}": name})
		cases.append(f"when {{d}} between %(s{n})s and %(e{n})s then %(n{n})s")
	fiscal_year = "case " + " ".join(cases) + " end"
	frappe.db.sql(
		f"""update ar_bench_plan set fy_posting = {fiscal_year.format(d="posting")},
			fy_paid = {fiscal_year.format(d="paid_on")}""",
		values,
	)
	_plan_words()


def _plan_words() -> None:
	"""ERPNext's amount in words, for the invoices, their payments and credit notes."""
	amounts = set()
	for amount, paid in frappe.db.sql("select distinct amount, paid from ar_bench_plan"):
		amounts.update({Decimal(amount), Decimal(amount) / 5})
		if paid is not None:
			amounts.add(Decimal(paid))
	rows = [(a, money_in_words(flt(a), CURRENCY)) for a in sorted(amounts)]
	for start in range(0, len(rows), 1000):
		chunk = rows[start : start + 1000]
		frappe.db.sql(
			"insert into ar_bench_words (amount, words) values " + ", ".join(["(%s, %s)"] * len(chunk)),
			[value for row in chunk for value in row],
		)
	for column, amount in (("words", "amount"), ("paid_words", "paid"), ("credit_words", "amount / 5")):
		frappe.db.sql(
			f"""update ar_bench_plan p join ar_bench_words w on w.amount = p.{amount}
			set p.{column} = w.words"""
		)


# The copies ---------------------------------------------------------------------------------


class Role(NamedTuple):
	"""Which document of a copy a template row belongs to: SQL terms over the plan row ``p``."""

	name: str
	date: str
	fiscal_year: str | None = None


ROLES = {
	"invoice": Role("p.invoice", "p.posting", "p.fy_posting"),
	"payment": Role("p.payment", "p.paid_on", "p.fy_paid"),
	"credit_note": Role("p.credit_note", "p.paid_on", "p.fy_paid"),
	"journal": Role("p.journal", "p.paid_on", "p.fy_paid"),
	"advance": Role("p.advance", "p.paid_on", "p.fy_paid"),
}
# the tables a document of each role writes rows to, and the column naming the document there
ROLE_TABLES = {
	"invoice": (("Sales Invoice", "name"), *((c, "parent") for c in INVOICE_CHILDREN)),
	"credit_note": (("Sales Invoice", "name"), *((c, "parent") for c in INVOICE_CHILDREN)),
	"payment": (("Payment Entry", "name"), *((c, "parent") for c in PAYMENT_CHILDREN)),
	"advance": (("Payment Entry", "name"), *((c, "parent") for c in PAYMENT_CHILDREN)),
	"journal": (("Journal Entry", "name"), *((c, "parent") for c in JOURNAL_CHILDREN)),
}


class Copy(NamedTuple):
	"""One INSERT ... SELECT, run once per batch of the plan."""

	doctype: str
	sql: str
	values: dict


def _copy_statement(
	doctype: str, column: str, template: str, source: str, role: Role, tokens: dict[str, str], values: dict
) -> Copy | None:
	"""Copy the rows of ``doctype`` whose ``column`` is ``template`` once per row of ``source``
	(the plan, aliased ``p``), replacing what must differ and keeping every other column.

	- ``name``: the document's new name, or for its other rows (children, ledger entries) the
	  new name, a dash and the row's place among the template's rows;
	- ``creation``, ``modified``: the copy's date at the template's time of day;
	- dates: the template's posting date becomes the copy's, its due date the invoice's;
	- Currency columns: scaled by the copy's amount over the template's (``p.factor``);
	- text naming a template document, row, the template customer or its sales person, or
	  quoting the template's date or amounts: the same text naming the copy's;
	- GL Entry: the copy's fiscal year, final names (not to be renamed by ERPNext's hourly job);
	- Sales Invoice: the status the copy's payments give.

	Raises when a template row holds a date, a datetime or an amount no rule above replaces:
	copying it unchanged would make the copy wrong.
	"""
	rows = frappe.db.sql(
		f"select * from `tab{doctype}` where `{column}` = %s order by name", template, as_dict=True
	)
	if not rows:
		if column == "name":
			raise ValueError(f"the template {template} is no {doctype}")
		return None  # e.g. a credit note has no Payment Schedule
	meta = frappe.get_meta(doctype)
	document = column == "name"
	overrides = {
		"name": role.name if document else f"concat({role.name}, '-', t.arb_k)",
		"creation": f"timestamp({role.date}, time(t.creation))",
		"modified": f"timestamp({role.date}, time(t.modified))",
	}
	if doctype == "GL Entry":
		overrides.update(fiscal_year=role.fiscal_year, to_rename="0")
	if doctype == "Sales Invoice" and role is ROLES["invoice"]:
		overrides["status"] = "p.status"
	template_date, template_due = values["template_date"], values["template_due"]
	for field in frappe.db.get_table_columns(doctype):
		present = [row[field] for row in rows if row[field] not in (None, "", 0)]
		if field in overrides or not present:
			continue
		df = meta.get_field(field)
		if df and (df.fieldtype == "Currency" or field in FLOAT_AMOUNTS.get(doctype, ())):
			overrides[field] = f"round(t.`{field}` * p.factor, 2)"
		elif df and df.fieldtype == "Date":
			unknown = set(map(getdate, present)) - {template_date, template_due}
			if unknown:
				raise ValueError(f"{doctype}.{field} holds {unknown}: neither posting nor due date")
			overrides[field] = (
				f"case t.`{field}` when %(template_date)s then {role.date} when %(template_due)s then p.due end"
			)
		elif isinstance(present[0], str):
			found = [token for token in tokens if any(token in value for value in present)]
			term = f"t.`{field}`"
			for token in found:
				term = f"replace({term}, {frappe.db.escape(token)}, {tokens[token]})"
			if found:
				overrides[field] = term
			for value in present:
				for token in found:
					value = value.replace(token, "")
				if any(f"{amount:g}" in value for amount in AMOUNTS):
					raise ValueError(f"{doctype}.{field} quotes an amount no rule replaces: {value!r}")
		elif not isinstance(present[0], int | float | Decimal | timedelta) or any(
			abs(flt(value)) in AMOUNTS for value in present
		):
			raise ValueError(f"{doctype}.{field} holds {present}: no rule replaces it in the copies")
	columns = frappe.db.get_table_columns(doctype)
	# set-based copying: one statement makes a batch's rows of this table
	sql = f"""insert into `tab{doctype}` ({", ".join(f"`{c}`" for c in columns)})
		select {", ".join(overrides.get(c, f"t.`{c}`") for c in columns)}
		from (select t.*, row_number() over (order by t.name) as arb_k
			from `tab{doctype}` t where t.`{column}` = %(template)s) t
		join {source}"""
	return Copy(doctype, sql, {**values, "template": template})


def _row_tokens(doctype: str, column: str, template: str, name: str) -> dict[str, str]:
	"""The template's rows in a table other than its document's, named as their copies will be."""
	names = frappe.db.sql_list(
		f"select name from `tab{doctype}` where `{column}` = %s order by name", template
	)
	return {row: f"concat({name}, '-', {k})" for k, row in enumerate(names, start=1)}


def _invoice_copies(templates: dict, as_of: date, kinds=KINDS) -> list[Copy]:
	"""The statements that copy the template document sets, kind by kind."""
	source = "ar_bench_plan p on p.kind = %(kind)s and p.i >= %(start)s and p.i < %(end)s"
	copies = []
	for kind, _share in kinds:
		documents = templates[kind]
		tokens = {
			templates["customer"]: "p.customer",
			templates["customer_name"]: "p.customer_name",
			SALES_PERSONS[0]: "p.sales_person",
		}
		for role_name, template in documents.items():
			role = ROLES[role_name]
			tokens[template] = role.name
			for doctype, column in (
				*ROLE_TABLES[role_name][1:],
				*((ledger, "voucher_no") for ledger in LEDGERS),
			):
				tokens.update(_row_tokens(doctype, column, template, role.name))
		for role_name, template in documents.items():
			role = ROLES[role_name]
			values = {"kind": kind, "template_date": as_of, "template_due": add_days(as_of, CREDIT_DAYS)}
			own = {str(as_of): f"cast({role.date} as char)"}
			if role_name == "invoice":
				own[money_in_words(TEMPLATE_AMOUNT, CURRENCY)] = "p.words"
			elif role_name == "credit_note":
				own[money_in_words(TEMPLATE_AMOUNT / 5, CURRENCY)] = "p.credit_words"
			elif role_name == "journal":
				own[money_in_words(TEMPLATE_AMOUNT / 2, CURRENCY)] = "p.paid_words"
			else:
				paid = frappe.db.get_value("Payment Entry", template, "paid_amount")
				own[money_in_words(paid, CURRENCY)] = "p.paid_words"
				own[str(float(paid))] = "p.paid_text"
			for doctype, column in (*ROLE_TABLES[role_name], *((ledger, "voucher_no") for ledger in LEDGERS)):
				copies.append(
					_copy_statement(doctype, column, template, source, role, {**tokens, **own}, values)
				)
	return [copy for copy in copies if copy]


def _copy_invoices(copies: list[Copy], start: int, end: int) -> None:
	for copy in copies:
		_run(copy.sql, {**copy.values, "start": start, "end": end})


def _copy_customers(customers: int, templates: dict, as_of: date) -> None:
	created = add_days(as_of, -DAYS - 1)
	source = f"""(select seq as customer_no, concat('ARB-CUST-', lpad(seq + 1, 6, '0')) as customer,
			concat('AR Bench Customer ', lpad(seq + 1, 6, '0')) as customer_name, %(created)s as created
		from seq_0_to_{customers - 1} where seq >= %(start)s and seq < %(end)s) p on 1 = 1"""
	role = Role("p.customer", "p.created")
	tokens = {templates["customer"]: "p.customer", templates["customer_name"]: "p.customer_name"}
	values = {"created": created, "template_date": as_of, "template_due": add_days(as_of, CREDIT_DAYS)}
	copy = _copy_statement("Customer", "name", templates["customer"], source, role, tokens, values)
	for start in range(0, customers, BATCH):
		_run(copy.sql, {**copy.values, "start": start, "end": min(start + BATCH, customers)})
		frappe.db.commit()


def _delete_templates(templates: dict, kinds=KINDS) -> None:
	"""The template documents have been copied: delete their rows, as :func:`remove` does."""
	documents = [name for kind, _share in kinds for name in templates[kind].values()]
	values = {"documents": documents, "customer": templates["customer"]}
	for doctype in (*INVOICE_CHILDREN, *PAYMENT_CHILDREN, *JOURNAL_CHILDREN):
		frappe.db.sql(f"delete from `tab{doctype}` where parent in %(documents)s", values)
	for doctype in LEDGERS:
		frappe.db.sql(f"delete from `tab{doctype}` where voucher_no in %(documents)s", values)
	for doctype in DOCUMENTS:
		frappe.db.sql(f"delete from `tab{doctype}` where name in %(documents)s", values)
	frappe.db.sql("delete from `tabCustomer` where name = %(customer)s", values)
	frappe.db.sql(
		"""delete from `tabVersion` where ref_doctype in %(doctypes)s and docname in %(names)s""",
		{"names": [*documents, templates["customer"]], "doctypes": [*DOCUMENTS, "Customer"]},
	)


# Removal and statistics ---------------------------------------------------------------------


def remove() -> None:
	"""Delete every row of the bench company in the tables the data set fills, and its customers."""
	_quiet_locks()
	# the company's documents not named like copies: templates of a build that stopped early
	documents = frappe.db.sql_list(
		"""select name from `tabSales Invoice` where company = %(company)s and name not like 'ARB-%%'
		union all select name from `tabPayment Entry` where company = %(company)s and name not like 'ARB-%%'
		union all select name from `tabJournal Entry` where company = %(company)s and name not like 'ARB-%%'""",
		{"company": COMPANY},
	)
	values = {
		"company": COMPANY,
		"copies": "ARB-%",
		"customers": "ARB-CUST-%",
		"documents": documents or [""],
		"doctypes": [*DOCUMENTS, "Customer"],
		"names": [*documents, TEMPLATE_CUSTOMER],
	}
	# One condition a statement, each one an index holding only the data set's rows: even under
	# read committed a delete waits for every row it examines, and tests running on the site hold
	# rows of their own.
	children = (*INVOICE_CHILDREN, *PAYMENT_CHILDREN, *JOURNAL_CHILDREN)
	for doctype, where in (
		("Version", "ref_doctype in %(doctypes)s and docname in %(names)s"),
		*((child, "parent like %(copies)s") for child in children),
		*((child, "parent in %(documents)s") for child in children),
		*((ledger, "company = %(company)s") for ledger in LEDGERS),
		*((doctype, "name like %(copies)s") for doctype in DOCUMENTS),
		*((doctype, "name in %(documents)s") for doctype in DOCUMENTS),
		("Customer", "name like %(customers)s"),
		("Customer", "name in %(names)s"),
	):
		_delete(doctype, where, values)
	frappe.db.set_default(MARKER, None)
	frappe.db.commit()


def _delete(doctype: str, where: str, values: dict) -> None:
	# in slices, each committed: one statement over millions of rows would hold them all in its undo log
	while True:
		_run(f"delete from `tab{doctype}` where {where} limit {DELETE_BATCH}", values)
		deleted = frappe.db._cursor.rowcount
		frappe.db.commit()
		if deleted < DELETE_BATCH:
			return


def _counts() -> dict:
	one = lambda sql: frappe.db.sql(sql, {"company": COMPANY, "group": CUSTOMER_GROUP})[0][0]  # noqa: E731
	return {
		"invoices": one(
			"select count(*) from `tabSales Invoice` where company = %(company)s and is_return = 0"
		),
		"credit_notes": one(
			"select count(*) from `tabSales Invoice` where company = %(company)s and is_return = 1"
		),
		"payment_entries": one("select count(*) from `tabPayment Entry` where company = %(company)s"),
		"journal_entries": one("select count(*) from `tabJournal Entry` where company = %(company)s"),
		"customers": one("select count(*) from `tabCustomer` where customer_group = %(group)s"),
		"gl_entries": one("select count(*) from `tabGL Entry` where company = %(company)s"),
		"payment_ledger_entries": one(
			"select count(*) from `tabPayment Ledger Entry` where company = %(company)s"
		),
	}


def stats() -> dict:
	"""The data set's row counts, and the disk size of the tables it fills (theirs in full)."""
	tables = [f"tab{doctype}" for doctype in TABLES]
	frappe.db.commit()
	for table in tables:
		frappe.db.sql(f"analyze table `{table}`")  # current sizes in information_schema
	size = frappe.db.sql(
		"""select sum(data_length + index_length) from information_schema.tables
		where table_schema = database() and table_name in %s""",
		[tables],
	)[0][0]
	return {**_counts(), "disk_mib": round(flt(size) / 2**20, 1), "parameters": _existing()}


# Verification -------------------------------------------------------------------------------


def verify(as_of: str | None = None, customers: int = 3) -> dict:
	"""Check the data set against ERPNext: balanced ledgers, and ERPNext's Accounts Receivable
	report and summary equal to the app's AR Aging Analysis, in total, per bucket and per
	customer, to the cent; ``get_customer_outstanding`` equal to the ledger for a few customers.
	"""
	from erpnext.accounts.report.accounts_receivable.accounts_receivable import execute as receivable
	from erpnext.accounts.report.accounts_receivable_summary.accounts_receivable_summary import (
		execute as receivable_summary,
	)
	from erpnext.selling.doctype.customer.customer import get_customer_outstanding

	from ar_control.ar_control.report.ar_aging_analysis.ar_aging_analysis import execute as aging

	as_of = str(getdate(as_of or (_existing() or {}).get("as_of") or frappe.utils.today()))
	frappe.set_user("Administrator")  # the app's report narrows to the customers the user may see
	filters = {
		"company": COMPANY,
		"report_date": as_of,
		"calculate_ageing_with": "Report Date",
		"ageing_based_on": "Due Date",
		"range": RANGE,
	}
	fields = ["outstanding", *(f"range{n}" for n in range(1, 6))]
	timings = {}

	def timed(label, function):
		started = time.perf_counter()
		result = function()
		timings[label] = round(time.perf_counter() - started, 2)
		return result

	def per_party(rows, key="party") -> dict[str, list[Decimal]]:
		totals = defaultdict(lambda: [Decimal(0)] * len(fields))
		for row in rows:
			if row.get(key) and not row.get("is_total"):
				totals[row[key]] = [
					a + Decimal(str(flt(row.get(f), 2)))
					for a, f in zip(totals[row[key]], fields, strict=True)
				]
		return dict(totals)

	erpnext = per_party(timed("erpnext_ar", lambda: receivable(dict(filters))[1]))
	summary = per_party(timed("erpnext_ar_summary", lambda: receivable_summary(dict(filters))[1]))
	ours_rows = timed(
		"ar_aging_analysis",
		lambda: aging({**filters, "group_by": "Customer"})[1],
	)
	ours = per_party(ours_rows, "group")

	def total(parties: dict) -> list[str]:
		return [str(sum((values[n] for values in parties.values()), Decimal(0))) for n in range(len(fields))]

	unbalanced = frappe.db.sql(
		"""select count(*) from (select voucher_no from `tabGL Entry`
			where company = %s and is_cancelled = 0
			group by voucher_type, voucher_no having sum(debit) != sum(credit)) v""",
		COMPANY,
	)[0][0]
	outstanding_mismatches = frappe.db.sql(
		"""select count(*) from `tabSales Invoice` si
		join (select against_voucher_no, sum(amount) as amount from `tabPayment Ledger Entry`
			where company = %s and delinked = 0 group by against_voucher_no) ple
			on ple.against_voucher_no = si.name
		where si.company = %s and si.is_return = 0 and si.outstanding_amount != ple.amount""",
		(COMPANY, COMPANY),
	)[0][0]
	# a credit note leaves the Payment Schedule as it is (ERPNext's way): those invoices aside,
	# the schedule holds what the payments left open
	schedule_mismatches = frappe.db.sql(
		"""select count(*) from `tabSales Invoice` si
		join `tabPayment Schedule` ps on ps.parent = si.name and ps.parenttype = 'Sales Invoice'
		where si.company = %(company)s and si.is_return = 0
			and si.name not in (select return_against from `tabSales Invoice`
				where company = %(company)s and is_return = 1)
			and (ps.outstanding != si.outstanding_amount
				or ps.paid_amount != si.grand_total - si.outstanding_amount)""",
		{"company": COMPANY},
	)[0][0]
	# the status ERPNext's own code gives a sample of the invoices, against the stored one
	invoices = frappe.db.sql_list(
		"""select name from `tabSales Invoice` where company = %s and is_return = 0
		order by name limit 400""",
		COMPANY,
	)
	wrong_status = []
	for name in invoices[::4]:
		invoice = frappe.get_doc("Sales Invoice", name)
		stored = invoice.status
		invoice.set_status()
		if invoice.status != stored:
			wrong_status.append((name, stored, invoice.status))
	sample = frappe.db.sql(
		"""select party, sum(amount) from `tabPayment Ledger Entry` where company = %s
		group by party order by count(*) desc, party limit %s""",
		(COMPANY, customers),
	)
	customer_outstanding = {
		party: {
			"ledger": flt(balance, 2),
			"get_customer_outstanding": flt(get_customer_outstanding(party, COMPANY), 2),
		}
		for party, balance in sample
	}
	result = {
		"as_of": as_of,
		"erpnext_total": dict(zip(fields, total(erpnext), strict=True)),
		"summary_total": dict(zip(fields, total(summary), strict=True)),
		"ours_total": dict(zip(fields, total(ours), strict=True)),
		"totals_equal": total(erpnext) == total(summary) == total(ours),
		"customers": len(erpnext),
		"customers_equal": erpnext == summary == ours,
		"unbalanced_vouchers": unbalanced,
		"invoice_outstanding_mismatches": outstanding_mismatches,
		"payment_schedule_mismatches": schedule_mismatches,
		"status_checked": len(invoices[::4]),
		"status_wrong": wrong_status,
		"customer_outstanding": customer_outstanding,
		"customer_outstanding_equal": all(
			v["ledger"] == v["get_customer_outstanding"] for v in customer_outstanding.values()
		),
		"seconds": timings,
	}
	return result
