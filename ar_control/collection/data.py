"""Set-based reads for collection: open invoices, case rows, steps already done.

Amounts are in company currency (outstanding amount x the invoice's conversion rate), as the
rest of the app counts them.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

import frappe
from frappe.query_builder import Criterion
from frappe.utils import getdate
from pypika.terms import ExistsCriterion

from ar_control.core.escalation import CLOSED, StepRecord, StepState
from ar_control.core.escalation import step_state as step_state_of
from ar_control.core.money import to_decimal

CHUNK = 5000
REDO_REQUESTED = "Redo Requested"


def chunks(values: list, size: int = CHUNK):
	for start in range(0, len(values), size):
		yield values[start : start + size]


def open_invoices(
	due_on_or_before: date | None = None,
	due_from: date | None = None,
	customers: Iterable[tuple[str, str]] | None = None,
	company: str | None = None,
) -> list[frappe._dict]:
	"""Submitted Sales Invoices (no returns) with something outstanding; optionally only those
	due on or before a date, from a date, of some (customer, company) pairs or of one company."""
	si = frappe.qb.DocType("Sales Invoice")
	query = (
		frappe.qb.from_(si)
		.select(
			si.name,
			si.customer,
			si.company,
			si.due_date,
			si.currency,
			si.outstanding_amount,
			(si.outstanding_amount * si.conversion_rate).as_("base_outstanding"),
		)
		.where((si.docstatus == 1) & (si.is_return == 0) & (si.outstanding_amount > 0))
	)
	if due_on_or_before is not None:
		query = query.where(si.due_date <= due_on_or_before)
	if due_from is not None:
		query = query.where(si.due_date >= due_from)
	if company is not None:
		query = query.where(si.company == company)
	if customers is not None:
		pairs = list(customers)
		if not pairs:
			return []
		query = query.where(si.customer.isin({c for c, _company in pairs}))
		wanted = set(pairs)
		return [r for r in _typed(query.run(as_dict=True)) if (r.customer, r.company) in wanted]
	return _typed(query.run(as_dict=True))


def _typed(rows: list[frappe._dict]) -> list[frappe._dict]:
	for row in rows:
		row.due_date = getdate(row.due_date)
		row.base_outstanding = to_decimal(row.base_outstanding)
	return rows


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
) -> set[tuple[str, str]]:
	"""The (customer, company) pairs the ladder may have something to do for today: an open
	invoice that has reached a level not recorded for it, a pending promise to pay on an open
	case, or a redo a Credit Manager asked for and no run did yet (of one ``company`` if given).

	A superset, worked out in SQL: the planner then decides for these customers alone (with all
	their open invoices, as the minimum amounts need), so a day with nothing due costs one query,
	however many invoices are open."""
	si = frappe.qb.DocType("Sales Invoice")
	log = frappe.qb.DocType("Collection Step Log")
	pending = []
	for level in levels:
		done = (
			frappe.qb.from_(log)
			.select(log.name)
			.where(
				(log.sales_invoice == si.name) & (log.level == level.code) & (log.outcome != REDO_REQUESTED)
			)
		)
		pending.append((si.due_date <= today - timedelta(days=level.days)) & ExistsCriterion(done).negate())
	query = (
		frappe.qb.from_(si)
		.select(si.customer, si.company)
		.distinct()
		.where(
			(si.docstatus == 1) & (si.is_return == 0) & (si.outstanding_amount > 0) & Criterion.any(pending)
		)
	)
	if due_from is not None:
		query = query.where(si.due_date >= due_from)
	if company is not None:
		query = query.where(si.company == company)
	pairs = {(row[0], row[1]) for row in query.run()}

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
		return {pair for pair in pairs if pair[1] == company}
	return pairs


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
