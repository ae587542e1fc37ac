"""Open receivables from ERPNext's Payment Ledger, netted per voucher as its Accounts Receivable
report nets them: the one home of "what a customer owes".

Amounts are in company currency. The rows read are the report's (:mod:`.ledger`); the netting
follows its rules, in SQL:

1. Rows are added up per receivable account, customer and the voucher they are against (an
   invoice with its payments, credit notes and journal entries against it).
2. That sum belongs to the voucher it is against when that voucher's own row is among the rows
   read (posted on or before the date, on that account). Otherwise (an advance later matched to
   an invoice posted after the date; a payment booked to another receivable account than the
   invoice) ERPNext keeps it under the row's own voucher, aged by that voucher's own date: so
   does the app.
3. What is against a credit note whose outstanding is the returned invoice's (not its own: ERPNext
   15's *Update Outstanding for Self* off), such as a refund, belongs to the returned invoice.
4. A voucher is open while its sum, rounded to the currency's precision, is not zero, and so is
   its sum in the account's currency, unless it is an exchange-rate revaluation or exchange
   gain/loss journal (a revaluation moves the company-currency value only).

The ledger is read in one of three ways (``mode``), each exact where it is used, and
:func:`run` moves to the next only when the rows say the previous one cannot be:

- ``fast``: every group has its voucher's own row (the usual case on today's date): the groups
  of step 1 are the open vouchers, with no second grouping;
- ``regroup``: some group lacks its own row, and all its rows belong to one voucher (an advance
  matched later to one invoice): steps 2 and 3 key each group to its voucher and add up what
  lands on the same one;
- ``exact``: a group mixes several vouchers without the one it is against (two advances both
  matched to an invoice posted after the date, read on a date between): every row keyed by its
  own voucher or the voucher it is against; slower.

The ``mixed`` column of a reading says the next one is needed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date
from decimal import Decimal

import frappe
from frappe.query_builder import Case, Criterion
from frappe.query_builder.functions import Max, Min, Round, Sum
from frappe.utils import cint, get_number_format_info, getdate
from pypika.enums import Equality
from pypika.terms import BasicCriterion, ExistsCriterion, Term

from ar_control.core.aging import OpenItem
from ar_control.core.money import round_money, to_decimal
from ar_control.data import indexes, ledger
from ar_control.data.dimensions import customer_conditions
from ar_control.utils import company_currency, today

ERR_JOURNALS = ("Exchange Rate Revaluation", "Exchange Gain Or Loss")
MODES = ("fast", "regroup", "exact")


def currency_precision() -> int:
	"""The system's currency precision, as ERPNext's reports use it (2 when unset): its
	``get_currency_precision`` (the default ``currency_precision``, else the number format's),
	read here without importing ERPNext's accounting utilities, which would cost a report's first
	call in a process more than its own reading of the settings."""
	precision = cint(frappe.db.get_default("currency_precision"))
	if not precision:
		precision = get_number_format_info(frappe.db.get_default("number_format") or "#,###.##")[2]
	return cint(precision) or 2


def _is_own(reading: ledger.Receivables):
	"""The row is its voucher's own row, compared byte for byte (a tenth of the cost of the
	collation's comparison, paid on every row read)."""
	t = reading.table
	return t.voucher_no == Collate(t.against_voucher_no)


class Collate(Term):
	"""``term COLLATE utf8mb4_bin``."""

	def __init__(self, term):
		super().__init__()
		self.term = term

	def get_sql(self, **kwargs):
		return f"{self.term.get_sql(**kwargs)} COLLATE utf8mb4_bin"


def _rows_against(reading: ledger.Receivables, groups, as_of):
	"""The ledger rows of a group (a sub-query's ``FROM`` and ``WHERE``), read through the index."""
	rows = frappe.qb.DocType(ledger.LEDGER).as_("group_rows")
	conditions = [
		rows.account == groups.account,
		rows.party_type == "Customer",
		rows.delinked == 0,
		rows.party == groups.party,
		rows.against_voucher_no == groups.against,
	]
	if as_of is not None:
		conditions.append(rows.posting_date <= as_of)
	query = frappe.qb.from_(rows)
	if reading.indexed:
		query = query.force_index(indexes.RECEIVABLES.name)
	return rows, query.where(Criterion.all(conditions))


def _per_against_voucher(
	reading: ledger.Receivables,
	company,
	as_of,
	customers,
	precision: int,
	exact: bool,
	trees: dict,
	spans: bool = False,
):
	"""Step 1: the ledger's rows summed per account, customer and voucher they are against
	(``exact``: and per own voucher). Keeps the open groups and those steps 2 and 3 may move:
	those without an own row among the rows read (``own_posting`` is null: every row has a
	posting date). ``spans``: with the first and last voucher, the first posting date and the
	last due date of each group's rows (see :func:`_fast`)."""
	t = reading.table
	own = _is_own(reading)
	own_posting = Max(Case().when(own, t.posting_date))
	outstanding = Sum(t.amount)
	keys = reading.voucher_keys() + ([t.voucher_no] if exact else [])
	return (
		reading.reading()
		.select(
			t.account,
			t.party,
			t.against_voucher_no.as_("against"),
			*([t.voucher_no.as_("part_voucher")] if exact else []),
			own_posting.as_("own_posting"),
			Max(Case().when(own, t.due_date)).as_("own_due"),
			outstanding.as_("outstanding"),
			Sum(t.amount_in_account_currency).as_("outstanding_in_account_currency"),
			*(
				[
					Min(t.voucher_no).as_("first_voucher"),
					Max(t.voucher_no).as_("last_voucher"),
					Min(t.posting_date).as_("first_posting"),
					Max(t.due_date).as_("last_due"),
				]
				if spans
				else []
			),
		)
		.where(Criterion.all(reading.conditions(company, as_of, customers)))
		.where(Criterion.all(customer_conditions(t.party, **trees)))
		.groupby(*keys)
		.having((Round(outstanding, precision) != 0) | own_posting.isnull())
	)


def open_items_query(
	company: str,
	as_of: date | None,
	customers: Iterable[str] | None = None,
	precision: int = 2,
	reading: ledger.Receivables | None = None,
	mode: str = "fast",
	customer_group: str | None = None,
	territory: str | None = None,
):
	"""The ``frappe.qb`` query of the open vouchers (steps 1-4 above): one row each, with
	``account``, ``party``, ``voucher_no``, ``posting_date``, ``due_date`` (the one ERPNext ages
	it by: none for payments, advances and journal entries without a bill number), ``outstanding``
	and ``mixed`` (see :func:`run`). Callers use it as a
	derived table and may add conditions and joins.

	``as_of`` ``None`` takes every ledger row, future-dated ones included (what is owed now or
	will be owed, as the credit check needs it). ``customer_group`` and ``territory`` keep the
	customers in that group or territory (or below it). ``mode``: see the module.
	"""
	if mode not in MODES:
		raise ValueError(f"no mode {mode!r}")
	reading = reading or ledger.receivables()
	trees = {"customer_group": customer_group, "territory": territory}
	exact = mode == "exact"
	if mode == "fast":
		return _fast(reading, company, as_of, customers, precision, trees)
	groups = _per_against_voucher(reading, company, as_of, customers, precision, exact, trees).as_(
		"against_groups"
	)
	invoice = frappe.qb.DocType("Sales Invoice").as_("returned")
	# step 3, looked up only for the few groups without their own row
	returned = (
		frappe.qb.from_(invoice)
		.select(invoice.return_against)
		.where(
			(invoice.name == groups.against)
			& (invoice.is_return == 1)
			& (invoice.docstatus == 1)
			& (invoice.return_against.isnotnull())
			& (invoice.return_against != "")
		)
		.limit(1)
	)
	if frappe.db.has_column("Sales Invoice", "update_outstanding_for_self"):
		returned = returned.where(invoice.update_outstanding_for_self == 0)
	if as_of is not None:
		returned = returned.where(invoice.posting_date <= as_of)
	has_own = groups.own_posting.isnotnull()
	if exact:
		# the voucher a part is against may have its own row in another part of the group
		own_rows, against_own = _rows_against(reading, groups, as_of)
		has_own = has_own | ExistsCriterion(
			against_own.select(own_rows.name).where(own_rows.voucher_no == groups.against).limit(1)
		)
		orphan_voucher, orphan_posting, orphan_due = groups.part_voucher, None, None
	else:
		# step 2, looked up only for the groups without their own row (few): the voucher(s) the
		# rows belong to, the first date, a due date
		rows, of_group = _rows_against(reading, groups, as_of)
		first, last = of_group.select(Min(rows.voucher_no)), of_group.select(Max(rows.voucher_no))
		orphan_voucher = Case().when(BasicCriterion(Equality.eq, first, last), first)
		orphan_posting, orphan_due = (
			of_group.select(Min(rows.posting_date)),
			of_group.select(Max(rows.due_date)),
		)
	to_returned = ~has_own & ExistsCriterion(returned)
	keyed = (
		frappe.qb.from_(groups).select(
			groups.account,
			groups.party,
			Case()
			.when(to_returned, returned)
			.when(has_own, groups.against)
			.else_(orphan_voucher)
			.as_("voucher_no"),
			Case()
			.when(to_returned, None)
			.when(has_own, groups.own_posting)
			.else_(orphan_posting if orphan_posting is not None else _part_posting(reading, groups, as_of))
			.as_("posting_date"),
			Case()
			.when(to_returned, None)
			.when(has_own, groups.own_due)
			.else_(orphan_due if orphan_due is not None else _part_due(reading, groups, as_of))
			.as_("due_date"),
			groups.outstanding,
			groups.outstanding_in_account_currency,
		)
	).as_("keyed")
	outstanding = Sum(keyed.outstanding)
	per_voucher = (
		frappe.qb.from_(keyed)
		.select(
			keyed.account,
			keyed.party,
			keyed.voucher_no,
			Max(keyed.posting_date).as_("posting_date"),
			# worked out here, once per voucher (the aging compares it with every bucket)
			_aging_due_date(keyed.voucher_no, Max(keyed.due_date)).as_("due_date"),
			outstanding.as_("outstanding"),
			Sum(keyed.outstanding_in_account_currency).as_("outstanding_in_account_currency"),
			Max(Case().when(keyed.voucher_no.isnull(), 1).else_(0)).as_("mixed"),
		)
		.groupby(keyed.account, keyed.party, keyed.voucher_no)
		.having(Round(outstanding, precision) != 0)
	).as_("per_voucher")
	# step 4
	return (
		frappe.qb.from_(per_voucher)
		.select(
			per_voucher.account,
			per_voucher.party,
			per_voucher.voucher_no,
			per_voucher.posting_date,
			per_voucher.due_date,
			per_voucher.outstanding,
			per_voucher.mixed,
		)
		.where(
			(Round(per_voucher.outstanding_in_account_currency, precision) != 0)
			| _revaluation(per_voucher.voucher_no)
		)
	)


def _revaluation(voucher_no):
	"""The voucher is an exchange-rate revaluation or exchange gain/loss journal (step 4)."""
	journal = frappe.qb.DocType("Journal Entry").as_("revaluation")
	return ExistsCriterion(
		frappe.qb.from_(journal)
		.select(journal.name)
		.where(
			(journal.name == voucher_no)
			& (journal.voucher_type.isin(ERR_JOURNALS))
			& (journal.docstatus == 1)
		)
	)


def _fast(reading: ledger.Receivables, company, as_of, customers, precision: int, trees: dict):
	"""The groups of step 1 as the open vouchers. A group without its own row whose rows all
	belong to one voucher with no row against anything else (the rows of an exchange-rate
	revaluation's journal are against the revaluation, which posts nothing itself) is that voucher,
	looked up for it alone. Any other group without its own row sets ``mixed`` (read again:
	``regroup``).

	For some customers (the credit check, a case, the customer's page: a few dozen rows) the
	grouping also takes each group's first and last voucher and dates, which costs nothing there
	and spares the statement most of its sub-queries: it is parsed and planned several times
	faster. Over the whole ledger these aggregates would cost more than the look-ups for the few
	groups without their own row."""
	spans = customers is not None
	groups = _per_against_voucher(reading, company, as_of, customers, precision, False, trees, spans).as_(
		"fast_groups"
	)
	orphan = groups.own_posting.isnull()
	rows, of_group = _rows_against(reading, groups, as_of)
	if spans:
		first, last = groups.first_voucher, groups.last_voucher
		first_posting, last_due = groups.first_posting, groups.last_due
	else:
		first, last = of_group.select(Min(rows.voucher_no)), of_group.select(Max(rows.voucher_no))
		first_posting, last_due = of_group.select(Min(rows.posting_date)), of_group.select(Max(rows.due_date))
	# the voucher has rows against anything else (its own rows, another invoice): what is
	# against this group may have to be added to those, so the groups are read again
	elsewhere = frappe.qb.DocType(ledger.LEDGER).as_("elsewhere")
	spread = (
		frappe.qb.from_(elsewhere)
		.select(elsewhere.name)
		.where(
			(elsewhere.voucher_no == first)
			& (elsewhere.against_voucher_no != groups.against)
			& (elsewhere.account == groups.account)
			& (elsewhere.party == groups.party)
			& (elsewhere.party_type == "Customer")
			& (elsewhere.delinked == 0)
			& (elsewhere.posting_date <= as_of if as_of is not None else elsewhere.posting_date.isnotnull())
		)
		.limit(1)
	)
	invoice = frappe.qb.DocType("Sales Invoice").as_("fast_returned")
	returned = (
		frappe.qb.from_(invoice)
		.select(invoice.name)
		.where((invoice.name == groups.against) & (invoice.is_return == 1) & (invoice.docstatus == 1))
	)
	# evaluated for the few groups without their own row only (CASE and OR stop at the first)
	regroup = orphan & (
		BasicCriterion(Equality.ne, first, last) | ExistsCriterion(spread) | ExistsCriterion(returned)
	)
	voucher = Case().when(orphan, first).else_(groups.against)
	open_in_currency = Round(groups.outstanding_in_account_currency, precision) != 0
	# a journal without a bill number is aged from its posting date: looked up once per open
	# group, by a join (a sub-query here would run again wherever the due date is compared)
	unbilled = _unbilled_journal("fast_unbilled")
	return (
		frappe.qb.from_(groups)
		.left_join(unbilled)
		.on((unbilled.name == groups.against) & _no_bill(unbilled))
		.select(
			groups.account,
			groups.party,
			voucher.as_("voucher_no"),
			Case().when(orphan, first_posting).else_(groups.own_posting).as_("posting_date"),
			Case()
			.when(orphan, _aging_due_date(first, last_due))
			.when(unbilled.name.isnull(), groups.own_due)
			.as_("due_date"),
			groups.outstanding,
			Case().when(regroup, 1).else_(0).as_("mixed"),
		)
		.where(
			(~orphan & (open_in_currency | _revaluation(groups.against)))
			| (
				orphan
				& (
					regroup
					| ((Round(groups.outstanding, precision) != 0) & (open_in_currency | _revaluation(first)))
				)
			)
		)
	)


def _part_posting(reading: ledger.Receivables, groups, as_of):
	"""A part's own voucher's posting date (the exact reading keys a part by its voucher)."""
	rows, of_part = _rows_against(reading, groups, as_of)
	return of_part.select(Min(rows.posting_date)).where(rows.voucher_no == groups.part_voucher)


def _part_due(reading: ledger.Receivables, groups, as_of):
	rows, of_part = _rows_against(reading, groups, as_of)
	return of_part.select(Max(rows.due_date)).where(rows.voucher_no == groups.part_voucher)


def voucher_type_of(vouchers):
	"""The type of an open voucher (a column of :func:`open_items_query`'s table), looked up
	through ERPNext's own index on the ledger's vouchers: one look-up per open voucher."""
	row = frappe.qb.DocType(ledger.LEDGER).as_("typed")
	return frappe.qb.from_(row).select(row.voucher_type).where(row.voucher_no == vouchers.voucher_no).limit(1)


def _unbilled_journal(alias: str = "unbilled"):
	return frappe.qb.DocType("Journal Entry").as_(alias)


def _no_bill(journal):
	return journal.bill_no.isnull() | (journal.bill_no == "")


def _aging_due_date(voucher_no, due_date):
	"""The due date ERPNext's Accounts Receivable ages an open voucher by: the ledger's, except
	for a Journal Entry without a bill number (aged from its posting date, as are payments and
	advances, which carry none)."""
	journal = _unbilled_journal()
	unbilled = (
		frappe.qb.from_(journal).select(journal.name).where((journal.name == voucher_no) & _no_bill(journal))
	)
	return Case().when(due_date.isnull(), None).when(ExistsCriterion(unbilled), None).else_(due_date)


def due_date_of(vouchers):
	""":func:`_aging_due_date` of a derived table's ``voucher_no`` and ``due_date`` (the grouping
	queries of the forecast's profile, which group the ledger per voucher themselves)."""
	return _aging_due_date(vouchers.voucher_no, vouchers.due_date)


def run(build: Callable[[str], object], as_dict: bool = True) -> list:
	"""Run a query built on :func:`open_items_query` (``build(mode)`` makes it; its rows carry
	``mixed``, or a sum of it, as their last column or as ``mixed``), reading the ledger the
	fastest way its rows allow (see the module)."""
	with ledger.large_temporary_tables():
		for mode in MODES:
			rows = build(mode).run(as_dict=as_dict)
			if not any((row.get("mixed") if as_dict else row[-1]) for row in rows):
				break
	return rows


def open_items(
	company: str,
	as_of: date | str | None = None,
	customers: Iterable[str] | None = None,
	customer_group: str | None = None,
	territory: str | None = None,
	every_date: bool = False,
) -> list[OpenItem]:
	"""Everything still open for the company's customers on ``as_of`` (today by default), one
	item per receivable account and voucher (as ERPNext's Accounts Receivable lists them).
	``every_date``: counting what is posted after ``as_of`` too (a payment dated tomorrow has
	been received: collection does not chase what it settles), as the credit check does."""
	as_of = today(as_of)
	precision = currency_precision()
	quantum = Decimal(1).scaleb(-precision)
	currency = company_currency(company)

	def build(mode: str):
		vouchers = open_items_query(
			company,
			None if every_date else as_of,
			customers,
			precision,
			mode=mode,
			customer_group=customer_group,
			territory=territory,
		).as_("vouchers")
		return frappe.qb.from_(vouchers).select(
			vouchers.star,
			voucher_type_of(vouchers).as_("voucher_type"),
		)

	return [
		OpenItem(
			voucher_type=row.voucher_type,
			voucher_no=row.voucher_no,
			party=row.party,
			posting_date=getdate(row.posting_date) if row.posting_date else as_of,
			due_date=getdate(row.due_date) if row.due_date else None,
			outstanding=round_money(to_decimal(row.outstanding), quantum),
			currency=currency,
		)
		for row in run(build)
	]
