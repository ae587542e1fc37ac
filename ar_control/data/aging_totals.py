"""Aging totals computed by the database, in one statement.

The inner query is :func:`ar_control.data.receivables.open_items_query`: the Payment Ledger
Entry grouped per voucher, exactly as ERPNext's Accounts Receivable report nets it. The outer
query sums those vouchers per group (customer, sales person, territory, customer group, or
voucher for the drill-down): each voucher's outstanding goes to "not due", to one bucket and to
one stage according to where its basis date lies among the date ranges that
:func:`ar_control.core.aging.bucket_date_ranges` and :func:`~ar_control.core.aging.stage_date_ranges`
derive from the boundaries. Python receives one row per group, never one per invoice.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from typing import NamedTuple

import frappe
from frappe.query_builder import Case
from frappe.query_builder.functions import Coalesce, Count, Max, Sum
from frappe.query_builder.terms import ValueWrapper
from frappe.utils import getdate

from ar_control.core.aging import (
	DEFAULT_STAGES,
	AgingRow,
	Basis,
	Buckets,
	Stages,
	bucket_date_ranges,
	grand_total,
	stage_date_ranges,
)
from ar_control.core.money import ZERO, round_money, to_decimal
from ar_control.data.dimensions import date_literal, in_range, join_sales_team
from ar_control.data.receivables import (
	currency_precision,
	open_items_query,
	run,
	voucher_type_of,
)

GROUP_BY = ("Customer", "Sales Person", "Territory", "Customer Group", "Voucher")
COMPANY = "Company"  # no grouping: one row, the company's total (for the workspace)


class Voucher(NamedTuple):
	"""The drill-down level: one open voucher and the dates it is aged by."""

	voucher_type: str
	voucher_no: str
	party: str
	posting_date: date | None
	due_date: date | None


class AgingGroup(NamedTuple):
	totals: AgingRow  # key: the group's value (a Voucher at the drill-down level)
	name: str = ""  # the customer name, when grouped by customer or voucher


class AgingResult(NamedTuple):
	groups: list[AgingGroup]
	total: AgingRow


def aging_totals(
	company: str,
	as_of: date,
	buckets: Buckets,
	basis: Basis = Basis.DUE_DATE,
	stages: Stages = DEFAULT_STAGES,
	group_by: str = "Customer",
	customers: Iterable[str] | None = None,
	customer_group: str | None = None,
	territory: str | None = None,
	sales_person: str | None = None,
	based_on_payment_terms: bool = False,
) -> AgingResult:
	"""Aging per group on ``as_of`` in company currency; rows rounded to the currency's precision.

	The total is the exact sum of the unrounded groups, rounded once, so it equals ERPNext's
	grand total even where sales-person shares leave fractions of a cent in single rows.
	``based_on_payment_terms`` splits each invoice into its payment schedule's terms, each aged
	by its own due date (:mod:`ar_control.data.payment_terms`).
	"""
	if group_by not in (*GROUP_BY, COMPANY):
		raise ValueError(f"cannot group aging by {group_by!r}")
	as_of = getdate(as_of)
	precision = currency_precision()
	quantum = Decimal(1).scaleb(-precision)
	if based_on_payment_terms:
		return _by_payment_terms(
			company,
			as_of,
			buckets,
			basis,
			stages,
			group_by,
			customers,
			customer_group,
			territory,
			sales_person,
			quantum,
		)

	def build(mode: str):
		vouchers = open_items_query(
			company,
			as_of,
			customers,
			precision,
			mode=mode,
			customer_group=customer_group,
			territory=territory,
		).as_("vouchers")
		return _grouped(vouchers, company, as_of, buckets, basis, stages, group_by, sales_person)

	rows = run(build)
	bucket_count = len(buckets.boundaries) + 1  # columns b1 ... (b0: not due)
	exact, groups = [], []
	for row in rows:
		if "bucket" in row:
			totals, rounded = _placed(row, bucket_count, quantum)
			exact.append(totals)
			groups.append(AgingGroup(rounded, row.get("name") or ""))
			continue
		totals = AgingRow(
			key=_voucher(row) if group_by == "Voucher" else (row.group_key or ""),
			outstanding=to_decimal(row.outstanding),
			not_due=to_decimal(row.b0),
			buckets=tuple(to_decimal(row[f"b{i}"]) for i in range(1, bucket_count + 1)),
			stages=tuple(to_decimal(row[f"s{i}"]) for i in range(3)),
			count=row.count,
		)
		exact.append(totals)
		groups.append(AgingGroup(_rounded(totals, quantum), row.get("name") or ""))
	total = _rounded(grand_total(exact, bucket_count), quantum)
	return AgingResult(groups, total)


def _by_payment_terms(
	company,
	as_of,
	buckets,
	basis,
	stages,
	group_by,
	customers,
	customer_group,
	territory,
	sales_person,
	quantum,
) -> AgingResult:
	from ar_control.data import payment_terms

	pairs = payment_terms.aging_rows(
		company,
		as_of,
		buckets,
		basis,
		stages,
		group_by,
		customers,
		customer_group,
		territory,
		sales_person,
		quantum,
	)
	if group_by in ("Customer", "Voucher"):
		parties = {key[2] if group_by == "Voucher" else key for key, _row in pairs}
		names = dict(
			frappe.get_all(
				"Customer",
				filters={"name": ("in", sorted(parties) or [""])},
				fields=["name", "customer_name"],
				as_list=True,
			)
		)
	exact, groups = [], []
	for key, row in pairs:
		if group_by == "Voucher":
			key = Voucher(*key)
			name = names.get(key.party) or ""
		else:
			name = names.get(key) or "" if group_by == "Customer" else ""
		totals = row._replace(key=key)
		exact.append(totals)
		groups.append(AgingGroup(_rounded(totals, quantum), name))
	total = _rounded(grand_total(exact, len(buckets.boundaries) + 1), quantum)
	return AgingResult(groups, total)


def _grouped(vouchers, company, as_of, buckets, basis, stages, group_by, sales_person):
	"""The open vouchers summed per group, with each voucher's outstanding in "not due", one
	bucket and one stage (see the module's docstring)."""
	customer = frappe.qb.DocType("Customer").as_("customer")
	query = frappe.qb.from_(vouchers)
	if group_by in ("Territory", "Customer Group"):
		query = query.left_join(customer).on(customer.name == vouchers.party)
	due = vouchers.due_date
	query, person, share = join_sales_team(
		query, vouchers.voucher_no, sales_person, split=group_by == "Sales Person"
	)

	posting = Coalesce(vouchers.posting_date, date_literal(as_of))
	effective_due = Coalesce(due, posting)
	basis_date = effective_due if basis is Basis.DUE_DATE else posting
	amount = vouchers.outstanding * share
	bucket_ranges = bucket_date_ranges(buckets, as_of)
	# each voucher is one row of the derived table: the voucher level needs no second grouping
	# unless a sales-person filter joined several Sales Team rows to one voucher
	flat = group_by == "Voucher" and not sales_person

	def total(term, condition=None):
		term = term if condition is None else Case().when(condition, term).else_(0)
		return term if flat else Sum(term)

	stage_ranges = stage_date_ranges(stages, as_of)
	if flat:
		# one voucher lies in one bucket and one stage: their numbers, not a column per amount
		# (a third of the fields to read for each of many rows)
		sums = [
			amount.as_("outstanding"),
			_which(basis_date, bucket_ranges).as_("bucket"),
			_which(effective_due, stage_ranges).as_("stage"),
		]
	else:
		sums = [total(amount).as_("outstanding")]
		sums += [total(amount, in_range(basis_date, r)).as_(f"b{i}") for i, r in enumerate(bucket_ranges)]
		sums += [total(amount, in_range(effective_due, r)).as_(f"s{i}") for i, r in enumerate(stage_ranges)]
		if sales_person and group_by != "Sales Person":  # one voucher may join several sales persons
			sums.append(Count(vouchers.voucher_no).distinct().as_("count"))
		else:
			sums.append(Count("*").as_("count"))

	if group_by == "Voucher":
		keys = [vouchers.voucher_no, vouchers.party]
		voucher_type = voucher_type_of(vouchers)
		if flat:
			query = query.select(
				voucher_type.as_("voucher_type"), *keys, vouchers.posting_date, due.as_("due_date")
			)
			query = query.orderby(vouchers.party).orderby(posting)
		else:
			query = query.select(
				Max(voucher_type).as_("voucher_type"),
				*keys,
				Max(vouchers.posting_date).as_("posting_date"),
				Max(due).as_("due_date"),
			).groupby(vouchers.account, *keys)
			query = query.orderby(vouchers.party).orderby(Max(posting))
	elif group_by == COMPANY:
		query = query.select(ValueWrapper(company).as_("group_key"))
	else:
		key = {
			"Customer": vouchers.party,
			"Sales Person": person,
			"Territory": customer.territory,
			"Customer Group": customer.customer_group,
		}[group_by]
		query = query.select(key.as_("group_key")).groupby(key).orderby(key)
	query = query.select(*sums, (vouchers.mixed if flat else Max(vouchers.mixed)).as_("mixed"))
	if group_by in ("Customer", "Voucher"):
		# the customers' names, looked up once per group, after the grouping
		grouped = query.as_("grouped")
		key = grouped.party if group_by == "Voucher" else grouped.group_key
		query = (
			frappe.qb.from_(grouped)
			.left_join(customer)
			.on(customer.name == key)
			.select(grouped.star, customer.customer_name.as_("name"))
		)
	return query


def _which(term, ranges):
	"""The number of the range ``term`` lies in (the ranges partition every date)."""
	case = Case()
	for number, dates in enumerate(ranges):
		case = case.when(in_range(term, dates), number)
	return case


def _placed(row, bucket_count: int, quantum: Decimal) -> tuple[AgingRow, AgingRow]:
	"""One voucher of the flat voucher level, exact and rounded: its outstanding in its bucket
	(or "not due") and in its stage, nothing elsewhere."""
	key = _voucher(row)
	exact = to_decimal(row.outstanding)

	def placed(amount: Decimal) -> AgingRow:
		columns, stages = [ZERO] * (bucket_count + 1), [ZERO] * 3
		if row.bucket is not None:
			columns[row.bucket] = amount
		if row.stage is not None:
			stages[row.stage] = amount
		return AgingRow(key, amount, columns[0], tuple(columns[1:]), tuple(stages), 1)

	return placed(exact), placed(round_money(exact, quantum))


def _voucher(row) -> Voucher:
	return Voucher(
		row.voucher_type,
		row.voucher_no,
		row.party,
		getdate(row.posting_date) if row.posting_date else None,
		getdate(row.due_date) if row.due_date else None,
	)


def _rounded(row: AgingRow, quantum: Decimal) -> AgingRow:
	return row._replace(
		outstanding=round_money(row.outstanding, quantum),
		not_due=round_money(row.not_due, quantum),
		buckets=tuple(round_money(b, quantum) for b in row.buckets),
		stages=tuple(round_money(s, quantum) for s in row.stages),
	)
