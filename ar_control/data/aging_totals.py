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
from frappe.query_builder.functions import Cast, Coalesce, Count, Max, Round, Sum
from frappe.query_builder.terms import ValueWrapper
from frappe.utils import getdate
from pypika.terms import Function

from ar_control.core.aging import (
	DEFAULT_STAGES,
	AgingRow,
	Basis,
	Buckets,
	Stages,
	bucket_date_ranges,
	grand_total,
	range_starts,
	stage_date_ranges,
)
from ar_control.core.money import ZERO, round_money
from ar_control.data.dimensions import date_literal, join_sales_team
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
		return _grouped(vouchers, company, as_of, buckets, basis, stages, group_by, sales_person, precision)

	bucket_count = len(buckets.boundaries) + 1  # columns b1 ... (b0: not due)
	if group_by == "Voucher":
		return _flat(run(build, as_dict=False), bucket_count, quantum)
	return _rolled(run(build, as_dict=False), bucket_count)


def _rolled(rows: list[tuple], bucket_count: int) -> AgingResult:
	"""The rows of a grouping by one key (see :func:`_grouped`): each group rounded by the
	database and given as text, so that it becomes a ``Decimal`` without passing through a float,
	and the total row (key ``NULL``), rounded once from the exact sum of every group."""
	groups, total = [], None
	for key, *amounts, count, name, _mixed in rows:
		outstanding, not_due, *rest = map(Decimal, amounts)
		row = AgingRow(
			key if key is not None else "Total",
			outstanding,
			not_due,
			tuple(rest[:bucket_count]),
			tuple(rest[bucket_count:]),
			int(count),
		)
		if key is None:
			total = row
		else:
			groups.append(AgingGroup(row, name or ""))
	if total is None:  # nothing open: the database returns no row at all
		total = grand_total([], bucket_count)
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


def _grouped(vouchers, company, as_of, buckets, basis, stages, group_by, sales_person, precision: int):
	"""The open vouchers with each one's outstanding in "not due" or one bucket, and in one stage
	(see the module's docstring): at the voucher level one row per voucher with the numbers of
	its bucket and stage (see :func:`_flat`); grouped by one key, each group rounded, as text, and
	the total row (see :func:`_with_total` and :func:`_rolled`)."""
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
	stage_ranges = stage_date_ranges(stages, as_of)
	# each voucher's bucket and stage, worked out once
	bucket = _which(basis_date, bucket_ranges)
	stage = _which(effective_due, stage_ranges)

	if group_by == "Voucher":
		keys = [vouchers.voucher_no, vouchers.party]
		voucher_type = voucher_type_of(vouchers)
		# each voucher is one row of the derived table; with a sales-person filter it joins the
		# Sales Team rows of the persons in the filter, whose shares are added up (one voucher,
		# one bucket and one stage)
		per_voucher = Max if sales_person else _itself
		query = query.select(
			per_voucher(voucher_type).as_("voucher_type"),
			*keys,
			per_voucher(vouchers.posting_date).as_("posting_date"),
			per_voucher(due).as_("due_date"),
			Cast(Sum(amount) if sales_person else amount, "CHAR").as_("outstanding"),
			per_voucher(bucket).as_("bucket"),
			per_voucher(stage).as_("stage"),
			per_voucher(vouchers.mixed).as_("mixed"),
		)
		if sales_person:
			query = query.groupby(vouchers.account, *keys)
		query = query.orderby(vouchers.party).orderby(per_voucher(posting))
		# the customers' names, looked up once per voucher; plain rows (see _flat), mixed last
		grouped = query.as_("grouped")
		columns = ("voucher_type", "voucher_no", "party", "posting_date", "due_date", "outstanding")
		return (
			frappe.qb.from_(grouped)
			.left_join(customer)
			.on(customer.name == grouped.party)
			.select(
				*(grouped[column] for column in columns),
				grouped.bucket,
				grouped.stage,
				customer.customer_name.as_("name"),
				grouped.mixed,
			)
		)

	# the amounts summed per group, bucket and stage; then spread into columns (see _with_total)
	key = {
		"Customer": vouchers.party,
		"Sales Person": person,
		"Territory": customer.territory,
		"Customer Group": customer.customer_group,
		COMPANY: ValueWrapper(company),
	}[group_by]
	key = Coalesce(key, "").as_("group_key")
	if sales_person and group_by != "Sales Person":  # one voucher may join several sales persons
		count = Count(vouchers.voucher_no).distinct()
	else:
		count = Count("*")
	bucket, stage = bucket.as_("bucket"), stage.as_("stage")
	parts = query.select(
		key,
		bucket,
		stage,
		Sum(amount).as_("amount"),
		count.as_("vouchers"),
		Max(vouchers.mixed).as_("mixed"),
	).groupby(key, bucket, stage)
	return _with_total(parts, group_by, customer, len(bucket_ranges), len(stage_ranges), precision)


def _with_total(parts, group_by, customer, bucket_count: int, stage_count: int, precision: int):
	"""The sums per group, bucket and stage (``parts``) spread into one row per group, each
	amount rounded and given as text, with the total row (``WITH ROLLUP``: key ``NULL``, rounded
	once from the exact sums; a group without a value has the key ``''``), the customers' names
	looked up once per group, in the key's order with the total last: ``key, outstanding, b0...,
	s0..., count, name, mixed``."""
	parts = parts.as_("parts")

	def total(condition=None):
		term = parts.amount if condition is None else Case().when(condition, parts.amount).else_(0)
		return Cast(Round(Sum(term), precision), "CHAR")

	sums = [
		total().as_("outstanding"),
		*(total(parts.bucket == number).as_(f"b{number}") for number in range(bucket_count)),
		*(total(parts.stage == number).as_(f"s{number}") for number in range(stage_count)),
		Sum(parts.vouchers).as_("count"),
	]
	grouped = (
		frappe.qb.from_(parts)
		.select(parts.group_key, *sums, Max(parts.mixed).as_("mixed"))
		.groupby(parts.group_key)
		.rollup(vendor="mysql")
		.as_("grouped")
	)
	outer = frappe.qb.from_(grouped)
	name = ValueWrapper(None)
	if group_by == "Customer":
		outer = outer.left_join(customer).on(customer.name == grouped.group_key)
		name = customer.customer_name
	return (
		outer.select(
			grouped.group_key,
			*(grouped[term.alias] for term in sums),
			name.as_("name"),
			grouped.mixed,
		)
		.orderby(grouped.group_key.isnull())
		.orderby(grouped.group_key)
	)


def _itself(term):
	return term


class _Interval(Function):
	"""MariaDB's ``INTERVAL(n, n1, n2, ...)``: how many of the ascending ``n1, n2, ...`` are at
	most ``n``."""

	def __init__(self, *terms):
		super().__init__("INTERVAL", *terms)


class _ToDays(Function):
	def __init__(self, term):
		super().__init__("TO_DAYS", term)


def _which(term, ranges):
	"""The number of the range the date ``term`` lies in, as :func:`~ar_control.core.aging.range_number`
	tells it: ``INTERVAL`` works ``term`` out once and searches the ranges' first days, where a
	``CASE`` over the ranges would work it out again for every range it tries."""
	starts = range_starts(ranges)
	return len(starts) - _Interval(_ToDays(term), *(_ToDays(date_literal(start)) for start in starts))


def _flat(rows: list[tuple], bucket_count: int, quantum: Decimal) -> AgingResult:
	"""The voucher level (see :func:`_grouped`): each voucher's outstanding, rounded, in its
	bucket (or "not due") and its stage, nothing elsewhere; the total is the exact sum of the
	vouchers, rounded once. The amounts come as text: a ``Decimal`` without a float."""
	groups = []
	outstanding_sum, column_sums, stage_sums = ZERO, [ZERO] * (bucket_count + 1), [ZERO] * 3
	for voucher_type, voucher_no, party, posting_date, due_date, text, bucket, stage, name, _mixed in rows:
		exact = Decimal(text)
		amount = round_money(exact, quantum)
		columns, stages = [ZERO] * (bucket_count + 1), [ZERO] * 3
		outstanding_sum += exact
		columns[bucket] = amount
		column_sums[bucket] += exact
		stages[stage] = amount
		stage_sums[stage] += exact
		key = Voucher(voucher_type, voucher_no, party, posting_date or None, due_date or None)
		row = AgingRow(key, amount, columns[0], tuple(columns[1:]), tuple(stages), 1)
		groups.append(AgingGroup(row, name or ""))
	total = AgingRow(
		"Total", outstanding_sum, column_sums[0], tuple(column_sums[1:]), tuple(stage_sums), len(groups)
	)
	return AgingResult(groups, _rounded(total, quantum))


def _rounded(row: AgingRow, quantum: Decimal) -> AgingRow:
	return row._replace(
		outstanding=round_money(row.outstanding, quantum),
		not_due=round_money(row.not_due, quantum),
		buckets=tuple(round_money(b, quantum) for b in row.buckets),
		stages=tuple(round_money(s, quantum) for s in row.stages),
	)
