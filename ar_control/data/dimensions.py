"""What the aging and KPI queries share: tree filters, Sales Team shares, ERPNext's due date.

Everything here builds ``frappe.qb`` terms; nothing runs a query per row.
"""

from __future__ import annotations

import frappe
from frappe.query_builder import Case, Criterion
from frappe.query_builder.functions import Sum
from frappe.query_builder.terms import ValueWrapper

from ar_control.core.aging import DateRange

# The trees a report can filter on, and the Customer field that points into each one.
CUSTOMER_TREES = {"Customer Group": "customer_group", "Territory": "territory"}

NOT_ASSIGNED = ""  # the group of receivables without a Sales Team (advances, journal entries, ...)


def subtree(doctype: str, name: str):
	"""A sub-query for ``name`` and every node below it in a nested-set tree."""
	lft, rgt = frappe.db.get_value(doctype, name, ["lft", "rgt"]) or (0, -1)
	table = frappe.qb.DocType(doctype)
	return frappe.qb.from_(table).select(table.name).where((table.lft >= lft) & (table.rgt <= rgt))


def customer_conditions(party, customer_group: str | None = None, territory: str | None = None) -> list:
	"""Conditions on a party column: the customer belongs to the group / territory (or below it)."""
	customer = frappe.qb.DocType("Customer")
	conditions = []
	for doctype, value in (("Customer Group", customer_group), ("Territory", territory)):
		if value:
			field = CUSTOMER_TREES[doctype]
			conditions.append(
				party.isin(
					frappe.qb.from_(customer)
					.select(customer.name)
					.where(customer[field].isin(subtree(doctype, value)))
				)
			)
	return conditions


def join_sales_team(query, voucher_type, voucher_no, sales_person: str | None = None, split: bool = True):
	"""Attribute each voucher (``voucher_type`` / ``voucher_no``: the columns naming it) to the
	sales persons of its Sales Team by their allocated percentage.

	Returns ``(query, sales_person_term, share_term)``. Receivables that are not Sales Invoices,
	or invoices without a Sales Team, belong to :data:`NOT_ASSIGNED` with a share of 1. With a
	``sales_person`` filter only that person and the persons below them in the tree are kept,
	each with their own share. Without a filter and without ``split`` nothing is joined and
	every share is 1.
	"""
	if not (split or sales_person):
		return query, ValueWrapper(NOT_ASSIGNED), ValueWrapper(1)
	team = frappe.qb.DocType("Sales Team").as_("team")
	on = (
		(team.parenttype == "Sales Invoice") & (team.parent == voucher_no) & (voucher_type == "Sales Invoice")
	)
	if sales_person:
		query = query.inner_join(team).on(on & team.sales_person.isin(subtree("Sales Person", sales_person)))
		return query, team.sales_person, team.allocated_percentage / 100
	query = query.left_join(team).on(on)
	person = Case().when(team.sales_person.isnotnull(), team.sales_person).else_(NOT_ASSIGNED)
	share = Case().when(team.sales_person.isnotnull(), team.allocated_percentage / 100).else_(1)
	return query, person, share


def erpnext_due_date(vouchers, query):
	"""The due date ERPNext's Accounts Receivable report ages a voucher by.

	It reads the due date of Sales Invoices, and of Journal Entries only when they carry a bill
	number (``bill_no``); every other voucher (payments, advances, journal entries without a bill
	number) has none and is aged from its posting date. Returns ``(query, due_date_term)``.
	"""
	journal = frappe.qb.DocType("Journal Entry").as_("journal")
	query = query.left_join(journal).on(
		(vouchers.voucher_type == "Journal Entry") & (journal.name == vouchers.voucher_no)
	)
	due = (
		Case()
		.when(vouchers.voucher_type == "Sales Invoice", vouchers.due_date)
		.when(journal.bill_no.isnotnull() & (journal.bill_no != ""), vouchers.due_date)
		.else_(None)
	)
	return query, due


def in_range(term, dates: DateRange) -> Criterion:
	"""``term`` lies within ``dates`` (open sides impose nothing)."""
	conditions = []
	if dates.first is not None:
		conditions.append(term >= dates.first)
	if dates.last is not None:
		conditions.append(term <= dates.last)
	return Criterion.all(conditions)


def sum_if(condition, amount):
	"""``SUM(CASE WHEN condition THEN amount ELSE 0 END)``."""
	return Sum(Case().when(condition, amount).else_(0))
