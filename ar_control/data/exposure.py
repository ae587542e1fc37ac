"""The credit exposure of one customer in one company, in company currency.

One statement reads everything the credit decision needs, each figure an indexed aggregate
(ERPNext's Payment Ledger by customer, through the app's index; Sales Order and Delivery Note by
customer), never a loop over the customer's invoices in Python: receivables, unbilled orders and
deliveries, what is overdue (the customer's open items netted as the aging nets them: the one
home of "what a customer owes" is :mod:`ar_control.data.receivables`), the credit limit as
ERPNext sets it, and whether a hold covers the customer. Its text is made once per kind of
reading and kept.

With ``lock=True`` the customer's row is locked (``FOR UPDATE``) and the receivables,
orders and deliveries are then read with locking reads (``LOCK IN SHARE MODE``). Under MariaDB's
repeatable read a plain read sees the snapshot taken when the transaction began, which may
predate another submission that committed while this one waited for the customer lock; a
locking read sees the latest committed rows, so two submissions for the same customer are
judged one after the other. Shared locks suffice for that (the customer lock already puts the
two checks in a row) and cost a tenth of exclusive ones on a customer with thousands of rows.
"""

from __future__ import annotations

from datetime import date
from typing import NamedTuple

import frappe
from frappe.query_builder import Case, Criterion
from frappe.query_builder.functions import Coalesce, Min, Sum
from frappe.utils import getdate
from pypika import Table
from pypika.terms import Function, Parameter

from ar_control import utils
from ar_control.core.credit import Exposure, Standing, unbilled_order
from ar_control.core.money import ZERO, to_decimal
from ar_control.data import holds, ledger
from ar_control.data.indexes import CUSTOMER_DOCSTATUS
from ar_control.data.receivables import currency_precision, open_items_query

SHARED = " LOCK IN SHARE MODE"

_statements: dict[tuple, str] = {}


class Greatest(Function):
	def __init__(self, *terms):
		super().__init__("GREATEST", *terms)


class Figures(NamedTuple):
	exposure: Exposure
	standing: Standing
	credit_limit: object  # Decimal, 0 when ERPNext sets no limit


def lock_customer(customer: str) -> None:
	"""Hold a row lock on the customer until the transaction ends."""
	frappe.db.sql("select name from `tabCustomer` where name = %s for update", customer)


def _receivables_sql(lock: bool) -> str:
	"""Everything the receivables ledger holds for the customer in the company, netted (advances
	and credit notes count negative), whatever its date."""
	reading = ledger.receivables()
	query = (
		reading.reading()
		.select(Sum(reading.table.amount))
		.where(
			Criterion.all(reading.conditions(Parameter("%(company)s"), customers=[Parameter("%(customer)s")]))
		)
	)
	return query.get_sql() + (SHARED if lock else "")


def _unbilled_orders_sql(lock: bool) -> str:
	"""The unbilled part of the customer's submitted, open Sales Orders (as ERPNext counts it)."""
	order = Table("tabSales Order").as_("so")
	unbilled = unbilled_order(order.base_grand_total, order.per_billed).get_sql(quote_char="`")
	return f"""select sum({unbilled})
		from `tabSales Order` so force index ({CUSTOMER_DOCSTATUS})
		where so.customer = %(customer)s and so.company = %(company)s and so.docstatus = 1
			and so.per_billed < 100 and so.status not in ('Closed', 'Completed')
			and so.name != %(exclude)s{SHARED if lock else ""}"""


def _unbilled_deliveries_sql(lock: bool) -> str:
	"""The unbilled part of delivered items that no Sales Order covers (an order's items are
	already counted with the order), grossed up from net to grand total like ERPNext does."""
	return f"""select sum(item.base_net_amount * (1 - ifnull(item.billed_amt, 0) / nullif(item.amount, 0))
			* dn.base_grand_total / nullif(dn.base_net_total, 0))
		from `tabDelivery Note` dn force index ({CUSTOMER_DOCSTATUS})
		join `tabDelivery Note Item` item on item.parent = dn.name
		where dn.customer = %(customer)s and dn.company = %(company)s and dn.docstatus = 1
			and dn.is_return = 0 and dn.status not in ('Closed', 'Completed')
			and ifnull(item.against_sales_order, '') = '' and ifnull(item.against_sales_invoice, '') = ''
			and dn.name != %(exclude)s{SHARED if lock else ""}"""


def _overdue_sql(precision: int) -> str:
	"""What of the customer's open items fell due before the cut-off, in company currency, as
	:func:`ar_control.core.aging.overdue_amount` counts it: the open items netted per voucher
	as the aging nets them (:mod:`ar_control.data.receivables`), the debts due before the cut-off,
	less every unallocated credit (credit notes, advances and payments on account settle the
	oldest debts first); and the oldest of those due dates.

	A plain read, not a locking one: the lock protects the limit from two submissions counting
	without each other. Whether invoices are overdue does not depend on what is submitted at the
	same moment (due dates are fixed; a payment committed meanwhile only makes the figure a
	little high for one check)."""
	vouchers = open_items_query(Parameter("%(company)s"), None, [Parameter("%(customer)s")], precision).as_(
		"vouchers"
	)
	due = Coalesce(vouchers.due_date, vouchers.posting_date)
	debt_due = (vouchers.outstanding > 0) & (due < Parameter("%(overdue_before)s"))
	query = frappe.qb.from_(vouchers).select(
		Greatest(
			0,
			Sum(Case().when(debt_due, vouchers.outstanding).else_(0))
			+ Sum(Case().when(vouchers.outstanding < 0, vouchers.outstanding).else_(0)),
		).as_("overdue"),
		Min(Case().when(debt_due, due)).as_("oldest_due"),
	)
	return query.get_sql()


# ERPNext's own limit (``erpnext...customer.get_credit_limit``): the customer's row for the
# company, else its group's unless the group bypasses the check, else the company's; 0 is none.
CREDIT_LIMIT_SQL = """coalesce(
	nullif((select credit_limit from `tabCustomer Credit Limit`
		where parent = %(customer)s and parenttype = 'Customer' and company = %(company)s limit 1), 0),
	nullif((select if(l.bypass_credit_limit_check, 0, l.credit_limit)
		from `tabCustomer Credit Limit` l join `tabCustomer` c on l.parent = c.customer_group
		where c.name = %(customer)s and l.parenttype = 'Customer Group' and l.company = %(company)s
		limit 1), 0),
	(select credit_limit from `tabCompany` where name = %(company)s),
	0)"""


def statement(lock: bool, overdue: bool) -> str:
	"""The one statement, as parameterised SQL text (``%(customer)s`` and the like): raw SQL,
	since ``frappe.qb`` puts no locking clause on a sub-query, and made once per kind."""
	precision = currency_precision() if overdue else 0
	key = (ledger.receivables().indexed, lock, overdue, precision)
	if key not in _statements:
		parts = {
			"currency": "select default_currency from `tabCompany` where name = %(company)s",
			"open_receivables": _receivables_sql(lock),
			"unbilled_orders": _unbilled_orders_sql(lock),
			"unbilled_deliveries": _unbilled_deliveries_sql(lock),
			"holds": holds.COVERING_COUNT_SQL,
		}
		columns = [f"({sql}) as {name}" for name, sql in parts.items()]
		columns.append(f"{CREDIT_LIMIT_SQL} as credit_limit")
		if overdue:
			columns += ["overdue.overdue as overdue", "overdue.oldest_due as oldest_due"]
			source = f" from ({_overdue_sql(precision)}) overdue"
		else:
			columns += ["null as overdue", "null as oldest_due"]
			source = ""
		_statements[key] = "select " + ",\n".join(columns) + source
	return _statements[key]


def read(customer: str, company: str, exclude: str | None, overdue_before: date | None, lock: bool):
	"""The figures of the customer, as one row (see :func:`statement`).

	With ``lock``, what is overdue (a plain read, see :func:`_overdue_sql`) is read first, before
	the customer lock is taken, and the locking reads follow the lock: the lock is held for the
	sums alone and the rest of the submission."""
	values = {
		"customer": customer,
		"company": company,
		"exclude": exclude or "",
		"overdue_before": overdue_before,
	}
	if not lock:
		return frappe.db.sql(statement(False, overdue_before is not None), values, as_dict=True)[0]
	overdue = None
	if overdue_before is not None:
		overdue = frappe.db.sql(overdue_statement(), values, as_dict=True)[0]
	lock_customer(customer)
	row = frappe.db.sql(statement(True, False), values, as_dict=True)[0]
	if overdue is not None:
		row.update(overdue)
	return row


def overdue_statement() -> str:
	"""What is overdue and since when, alone (see :func:`_overdue_sql`)."""
	precision = currency_precision()
	key = ("overdue", ledger.receivables().indexed, precision)
	if key not in _statements:
		_statements[key] = "select overdue, oldest_due from (" + _overdue_sql(precision) + ") overdue"
	return _statements[key]


def load(
	customer: str,
	company: str,
	this_document=ZERO,
	exclude: str | None = None,
	overdue_before: date | None = None,
	lock: bool = False,
	increase=None,
) -> Figures:
	"""Exposure, standing and credit limit of a customer; ``exclude`` names the document being
	checked, whose own amount is passed as ``this_document`` instead of being read."""
	row = read(customer, company, exclude, overdue_before, lock)
	exposure = Exposure(
		currency=row.currency,
		open_receivables=to_decimal(row.open_receivables),
		unbilled_orders=to_decimal(row.unbilled_orders),
		unbilled_deliveries=to_decimal(row.unbilled_deliveries),
		this_document=to_decimal(this_document),
		increase=None if increase is None else to_decimal(increase),
	)
	# the reasons are read only when a hold covers the customer (then the document is refused)
	on_hold, reason = holds.standing(customer, company) if row.holds else (False, "")
	oldest = getdate(row.oldest_due) if row.oldest_due else None
	standing = Standing(
		on_hold=on_hold,
		hold_reason=reason,
		overdue_past_grace=to_decimal(row.overdue),
		oldest_overdue_days=(utils.today() - oldest).days if oldest else 0,
	)
	return Figures(exposure, standing, to_decimal(row.credit_limit))
