"""Open receivables from ERPNext's Payment Ledger (through the app's copy: :mod:`.ledger`).

One aggregate query, grouped by the voucher each ledger row is against, gives what is still
open per invoice, credit note, journal entry and unallocated payment, exactly as ERPNext's
Accounts Receivable report derives it (same ledger rows: company, party type Customer,
receivable accounts, not delinked, posted on or before the date). Amounts are in company
currency. Rows that round to zero at the currency precision are dropped, as the report does.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal

import frappe
from frappe.query_builder import Case, Criterion
from frappe.query_builder.functions import Max, Round, Sum
from frappe.utils import cint, getdate

from ar_control.core.aging import OpenItem
from ar_control.core.money import round_money, to_decimal
from ar_control.data import ledger
from ar_control.utils import today


def currency_precision() -> int:
	"""The system's currency precision, as ERPNext's reports use it (2 when unset)."""
	from erpnext.accounts.utils import get_currency_precision

	return cint(get_currency_precision()) or 2


def open_items_query(
	company: str,
	as_of: date | None,
	customers: Iterable[str] | None = None,
	precision: int = 2,
	source: ledger.Source | None = None,
	vouchers: bool = True,
):
	"""The ``frappe.qb`` query behind :func:`open_items`; callers may add conditions and joins
	(on ``source.table``, the ledger it reads: see :mod:`ar_control.data.ledger`).

	``as_of`` ``None`` takes every ledger row, future-dated ones included (what is owed now or
	will be owed, as the credit check needs it). Without ``vouchers`` the rows leave out which
	voucher they are and what it invoiced: a query that only adds them up per customer (as the
	aging by customer does) then handles much narrower rows.
	"""
	source = source or ledger.source()
	t = source.table
	own_row = source.own_row
	outstanding = Sum(t.amount)
	named = [t.against_voucher_type.as_("voucher_type"), t.against_voucher_no.as_("voucher_no")]
	return (
		source.reading("ar_ledger_aging")
		.select(
			*(named if vouchers else []),
			t.party,
			Max(Case().when(own_row, t.posting_date)).as_("posting_date"),
			Max(Case().when(own_row, t.due_date)).as_("due_date"),
			*(
				[Sum(Case().when(own_row & (t.amount > 0), t.amount).else_(0)).as_("invoiced")]
				if vouchers
				else []
			),
			outstanding.as_("outstanding"),
		)
		.where(Criterion.all(source.conditions(company, as_of, customers)))
		.groupby(*source.voucher_keys())
		.having(
			(Round(outstanding, precision) != 0) & (Round(Sum(t.amount_in_account_currency), precision) != 0)
		)
	)


def open_items(
	company: str, as_of: date | str | None = None, customers: Iterable[str] | None = None
) -> list[OpenItem]:
	"""Everything still open for the company's customers on ``as_of`` (today by default)."""
	as_of = today(as_of)
	precision = currency_precision()
	quantum = Decimal(1).scaleb(-precision)
	currency = frappe.get_cached_value("Company", company, "default_currency")
	rows = open_items_query(company, as_of, customers, precision).run(as_dict=True)
	return [
		OpenItem(
			voucher_type=row.voucher_type,
			voucher_no=row.voucher_no,
			party=row.party,
			posting_date=getdate(row.posting_date) if row.posting_date else as_of,
			due_date=getdate(row.due_date) if row.due_date else None,
			outstanding=round_money(to_decimal(row.outstanding), quantum),
			invoiced=round_money(to_decimal(row.invoiced), quantum),
			currency=currency,
		)
		for row in rows
	]
