"""Set-based reads for collection: what customers owe, case rows, steps already done.

What a customer owes comes from the ledger, netted as the aging nets it, in company currency
(:class:`Position`): the cases, the ladder and the credit check read the same figures as AR
Aging Analysis.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date, timedelta
from decimal import Decimal
from typing import NamedTuple

import frappe
from pypika.terms import ExistsCriterion

from ar_control import utils
from ar_control.core.aging import OpenItem, overdue_amount, settle_oldest_first
from ar_control.core.escalation import CLOSED, StepRecord, StepState
from ar_control.core.escalation import step_state as step_state_of
from ar_control.core.money import ZERO
from ar_control.data.receivables import open_items

CHUNK = 5000
REDO_REQUESTED = "Redo Requested"


def chunks(values: list, size: int = CHUNK):
	for start in range(0, len(values), size):
		yield values[start : start + size]


class Position(NamedTuple):
	"""What one customer owes one company, from the ledger as the aging nets it (one home:
	:mod:`ar_control.data.receivables`): every open item, and what is left of each debt once the
	customer's unallocated credits settled the oldest first (``core.aging.settle_oldest_first``)."""

	items: list[OpenItem]
	left: dict[tuple[str, str], Decimal]

	@property
	def outstanding(self) -> Decimal:
		"""The customer's balance in the company (the aging's outstanding), not below zero."""
		return max(sum((item.outstanding for item in self.items), ZERO), ZERO)

	def overdue(self, today: date) -> Decimal:
		return overdue_amount(self.items, today)

	def invoice_left(self, invoice: str) -> Decimal:
		return self.left.get(("Sales Invoice", invoice), ZERO)


NO_POSITION = Position([], {})


def positions(
	customers: Iterable[tuple[str, str]] | None = None, company: str | None = None, today: date | None = None
) -> dict[tuple[str, str], Position]:
	"""The :class:`Position` of some (customer, company) pairs, of every customer of one company,
	or of every customer of every company; one grouped ledger query per company. Whatever the
	date of a ledger row: a payment dated tomorrow settles what it pays today, as ERPNext's own
	outstanding amounts and the credit check count it."""
	today = utils.today(today)
	pairs = None if customers is None else sorted(set(customers))
	if pairs is not None:
		companies = sorted({pair[1] for pair in pairs if company is None or pair[1] == company})
	else:
		companies = [company] if company else frappe.get_all("Company", pluck="name", order_by="name")
	found: dict[tuple[str, str], Position] = {}
	for name in companies:
		wanted = None if pairs is None else sorted({customer for customer, of in pairs if of == name})
		by_customer: dict[str, list[OpenItem]] = defaultdict(list)
		for item in open_items(name, today, wanted, every_date=True):
			by_customer[item.party].append(item)
		for customer, items in by_customer.items():
			found[(customer, name)] = Position(items, settle_oldest_first(items))
	return found


def open_invoices(
	due_on_or_before: date | None = None,
	due_from: date | None = None,
	customers: Iterable[tuple[str, str]] | None = None,
	company: str | None = None,
	found: dict[tuple[str, str], Position] | None = None,
) -> list[frappe._dict]:
	"""Sales Invoices (no returns) that still owe something after the customer's unallocated
	credits, from the ledger; optionally only those due on or before a date, from a date, of some
	(customer, company) pairs or of one company (``found``: positions already read). Each with its
	``outstanding`` as the ledger nets it and ``left``, what the credits leave of it (company
	currency)."""
	found = positions(customers, company) if found is None else found
	currencies: dict[str, str] = {}
	rows = []
	for (customer, of), position in found.items():
		for item in position.items:
			if item.voucher_type != "Sales Invoice" or item.outstanding <= 0 or item.due_date is None:
				continue
			left = position.invoice_left(item.voucher_no)
			if left <= 0:
				continue
			if due_on_or_before is not None and item.due_date > due_on_or_before:
				continue
			if due_from is not None and item.due_date < due_from:
				continue
			if of not in currencies:
				currencies[of] = utils.company_currency(of)
			rows.append(
				frappe._dict(
					name=item.voucher_no,
					customer=customer,
					company=of,
					due_date=item.due_date,
					currency=currencies[of],
					outstanding=item.outstanding,
					left=left,
				)
			)
	rows.sort(key=lambda row: (row.customer, row.company, row.due_date, row.name))
	return rows


def submitted_invoices(names: Iterable[str]) -> set[str]:
	"""The submitted ones among these Sales Invoices (a cancelled one leaves its case)."""
	si = frappe.qb.DocType("Sales Invoice")
	found: set[str] = set()
	for part in chunks(sorted(set(names))):
		found.update(
			frappe.qb.from_(si)
			.select(si.name)
			.where(si.name.isin(part) & (si.docstatus == 1))
			.run(pluck=True)
		)
	return found


def open_cases(
	customers: Iterable[tuple[str, str]] | None = None, company: str | None = None
) -> dict[tuple[str, str], frappe._dict]:
	"""Open cases by (customer, company), of some pairs or of one company."""
	case = frappe.qb.DocType("Collection Case")
	query = frappe.qb.from_(case).select(case.star).where(case.status.notin(list(CLOSED)))
	if company is not None:
		query = query.where(case.company == company)
	if customers is not None:
		pairs = list(customers)
		if not pairs:
			return {}
		query = query.where(case.customer.isin({c for c, _company in pairs}))
	return {(row.customer, row.company): row for row in query.run(as_dict=True)}


def case_rows(cases: Iterable[str]) -> dict[str, list[frappe._dict]]:
	"""Invoice rows of the given cases, by case."""
	names = list(cases)
	rows: dict[str, list[frappe._dict]] = {name: [] for name in names}
	item = frappe.qb.DocType("Collection Case Invoice")
	for part in chunks(names):
		for row in (
			frappe.qb.from_(item)
			.select(item.star)
			.where((item.parenttype == "Collection Case") & (item.parent.isin(part)))
			.orderby(item.idx)
			.run(as_dict=True)
		):
			rows[row.parent].append(row)
	return rows


def step_state(invoices: Iterable[str]) -> StepState:
	"""What the step log says of these invoices: which (invoice, level) are done, and the attempt
	the next record of each carries (a Credit Manager's redo opens a new one)."""
	log = frappe.qb.DocType("Collection Step Log")
	found: list[StepRecord] = []
	for part in chunks(list(invoices)):
		found.extend(
			StepRecord(invoice, level, attempt or 0, outcome == REDO_REQUESTED)
			for invoice, level, attempt, outcome in frappe.qb.from_(log)
			.select(log.sales_invoice, log.level, log.attempt, log.outcome)
			.where(log.sales_invoice.isin(part))
			.run()
		)
	return step_state_of(found)


def ladder_candidates(
	today: date, levels, due_from: date | None = None, company: str | None = None
) -> tuple[set[tuple[str, str]], dict[tuple[str, str], Position]]:
	"""The (customer, company) pairs the ladder may have something to do for today: an invoice
	still owed (after the customer's credits) that has reached a level not recorded for it, a
	pending promise to pay on an open case, or a redo a Credit Manager asked for and no run did
	yet (of one ``company`` if given); and the positions read on the way.

	A superset, worked out from one grouped ledger query per company and the step log of the open
	invoices: the planner then decides for these customers alone."""
	found = positions(company=company, today=today)
	earliest = min(level.days for level in levels)
	invoices = open_invoices(
		due_on_or_before=today - timedelta(days=earliest), due_from=due_from, found=found
	)
	done = step_state(invoice.name for invoice in invoices).done
	pairs = set()
	for invoice in invoices:
		if any(
			invoice.due_date <= today - timedelta(days=level.days) and (invoice.name, level.code) not in done
			for level in levels
		):
			pairs.add((invoice.customer, invoice.company))

	case = frappe.qb.DocType("Collection Case")
	item = frappe.qb.DocType("Collection Case Invoice")
	pairs |= {
		(row[0], row[1])
		for row in frappe.qb.from_(case)
		.join(item)
		.on(item.parent == case.name)
		.select(case.customer, case.company)
		.distinct()
		.where(case.status.notin(list(CLOSED)) & (item.promise_status == "Pending"))
		.run()
	}
	log = frappe.qb.DocType("Collection Step Log")
	executed = frappe.qb.DocType("Collection Step Log").as_("executed")
	redo_done = (
		frappe.qb.from_(executed)
		.select(executed.name)
		.where(
			(executed.sales_invoice == log.sales_invoice)
			& (executed.level == log.level)
			& (executed.outcome != REDO_REQUESTED)
			& (executed.attempt >= log.attempt)
		)
	)
	pairs |= {
		(row[0], row[1])
		for row in frappe.qb.from_(log)
		.select(log.customer, log.company)
		.distinct()
		.where((log.outcome == REDO_REQUESTED) & ExistsCriterion(redo_done).negate())
		.run()
	}
	if company is not None:
		pairs = {pair for pair in pairs if pair[1] == company}
	return pairs, found


def done_steps(invoices: Iterable[str]) -> set[tuple[str, str]]:
	"""(invoice, level code) of every step recorded as done for these invoices."""
	return set(step_state(invoices).done)


def written_off(invoices: Iterable[str]) -> bool:
	"""Whether a Write Off Entry settled any of these invoices."""
	names = list(invoices)
	if not names:
		return False
	ple = frappe.qb.DocType("Payment Ledger Entry")
	je = frappe.qb.DocType("Journal Entry")
	return bool(
		frappe.qb.from_(ple)
		.join(je)
		.on((je.name == ple.voucher_no) & (ple.voucher_type == "Journal Entry"))
		.select(ple.name)
		.where(
			(ple.against_voucher_type == "Sales Invoice")
			& (ple.against_voucher_no.isin(names))
			& (ple.delinked == 0)
			& (je.voucher_type == "Write Off Entry")
		)
		.limit(1)
		.run()
	)


def billing_email(customer: str) -> str | None:
	"""The customer's billing contact's e-mail, else its primary contact's, else the customer's."""
	contact = frappe.qb.DocType("Contact")
	link = frappe.qb.DocType("Dynamic Link")
	rows = (
		frappe.qb.from_(contact)
		.join(link)
		.on((link.parent == contact.name) & (link.parenttype == "Contact"))
		.select(contact.email_id, contact.is_billing_contact, contact.is_primary_contact)
		.where(
			(link.link_doctype == "Customer") & (link.link_name == customer) & (contact.email_id.isnotnull())
		)
		.run(as_dict=True)
	)
	rows = [r for r in rows if r.email_id]
	rows.sort(key=lambda r: (-(r.is_billing_contact or 0), -(r.is_primary_contact or 0)))
	if rows:
		return rows[0].email_id
	return frappe.db.get_value("Customer", customer, "email_id") or None


def sales_person_of(customer: str) -> tuple[str | None, str | None]:
	"""The customer's main sales person (highest allocation in its Sales Team) and that person's
	user (through the Employee record)."""
	team = frappe.get_all(
		"Sales Team",
		filters={"parenttype": "Customer", "parent": customer},
		fields=["sales_person"],
		order_by="allocated_percentage desc, idx asc",
		limit=1,
	)
	if not team:
		return None, None
	sales_person = team[0].sales_person
	employee = frappe.db.get_value("Sales Person", sales_person, "employee")
	user = frappe.db.get_value("Employee", employee, "user_id") if employee else None
	return sales_person, user
