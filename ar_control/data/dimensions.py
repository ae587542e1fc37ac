"""What the aging and KPI queries share: tree filters, Sales Team shares, ERPNext's due date.

Everything here builds ``frappe.qb`` terms; nothing runs a query per row.
"""

from __future__ import annotations

import frappe
from frappe.query_builder import Case, Criterion
from frappe.query_builder.functions import Cast, Sum
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


def join_sales_team(query, voucher_no, sales_person: str | None = None, split: bool = True):
	"""Attribute each voucher (``voucher_no``: the column naming it) to the sales persons of its
	Sales Team by their allocated percentage.

	Returns ``(query, sales_person_term, share_term)``. Receivables that are not Sales Invoices,
	or invoices without a Sales Team, belong to :data:`NOT_ASSIGNED` with a share of 1. With a
	``sales_person`` filter only that person and the persons below them in the tree are kept,
	each with their own share. Without a filter and without ``split`` nothing is joined and
	every share is 1. (Vouchers are named uniquely across types: see ``ar_control.data.ledger``.)
	"""
	if not (split or sales_person):
		return query, ValueWrapper(NOT_ASSIGNED), ValueWrapper(1)
	team = frappe.qb.DocType("Sales Team").as_("team")
	on = (team.parent == voucher_no) & (team.parenttype == "Sales Invoice")
	if sales_person:
		query = query.inner_join(team).on(on & team.sales_person.isin(subtree("Sales Person", sales_person)))
		return query, team.sales_person, team.allocated_percentage / 100
	query = query.left_join(team).on(on)
	person = Case().when(team.sales_person.isnotnull(), team.sales_person).else_(NOT_ASSIGNED)
	share = Case().when(team.sales_person.isnotnull(), team.allocated_percentage / 100).else_(1)
	return query, person, share


def date_literal(day):
	"""A date as a typed SQL value: ``COALESCE(date_column, '2026-06-30')`` would be text, parsed
	again on every row it is compared on."""
	return Cast(ValueWrapper(str(day)), "DATE")


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
