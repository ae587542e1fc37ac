"""The credit exposure of one customer in one company, in company currency.

One statement reads everything the credit decision needs, each figure an indexed aggregate
(the app's copy of the Payment Ledger by party; Sales Order, Delivery Note and Sales Invoice by
customer), never a loop over the customer's invoices in Python: receivables, unbilled orders and
deliveries, what is overdue, the credit limit as ERPNext sets it, and whether a hold covers the
customer. Its text is made once per kind of reading and kept.

With ``lock=True`` the customer's row is locked first (``FOR UPDATE``) and the receivables,
orders and deliveries are read with locking reads (``LOCK IN SHARE MODE``). Under MariaDB's
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
from frappe.query_builder import Criterion
from frappe.query_builder.functions import Sum
from frappe.utils import getdate
from pypika.terms import Parameter

from ar_control import utils
from ar_control.core.credit import Exposure, Standing
from ar_control.core.money import ZERO, to_decimal
from ar_control.credit import holds
from ar_control.data import ledger

# Made by ar_control.install: locking reads through it lock only the customer's submitted rows.
CUSTOMER_DOCSTATUS_INDEX = "ar_customer_docstatus"
SHARED = " LOCK IN SHARE MODE"

_statements: dict[tuple[bool, bool, bool], str] = {}


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
	source = ledger.source()
	query = (
		source.reading("ar_ledger_aging")
		.select(Sum(source.table.amount))
		.where(
			Criterion.all(source.conditions(Parameter("%(company)s"), customers=[Parameter("%(customer)s")]))
		)
	)
	return query.get_sql() + (SHARED if lock else "")


def _unbilled_orders_sql(lock: bool) -> str:
	"""The unbilled part of the customer's submitted, open Sales Orders (as ERPNext counts it)."""
	return f"""select sum(so.base_grand_total * (100 - so.per_billed) / 100)
		from `tabSales Order` so force index ({CUSTOMER_DOCSTATUS_INDEX})
		where so.customer = %(customer)s and so.company = %(company)s and so.docstatus = 1
			and so.per_billed < 100 and so.status not in ('Closed', 'Completed')
			and so.name != %(exclude)s{SHARED if lock else ""}"""


def _unbilled_deliveries_sql(lock: bool) -> str:
	"""The unbilled part of delivered items that no Sales Order covers (an order's items are
	already counted with the order), grossed up from net to grand total like ERPNext does."""
	return f"""select sum(item.base_net_amount * (1 - ifnull(item.billed_amt, 0) / nullif(item.amount, 0))
			* dn.base_grand_total / nullif(dn.base_net_total, 0))
		from `tabDelivery Note` dn force index ({CUSTOMER_DOCSTATUS_INDEX})
		join `tabDelivery Note Item` item on item.parent = dn.name
		where dn.customer = %(customer)s and dn.company = %(company)s and dn.docstatus = 1
			and dn.is_return = 0 and dn.status not in ('Closed', 'Completed')
			and ifnull(item.against_sales_order, '') = '' and ifnull(item.against_sales_invoice, '') = ''
			and dn.name != %(exclude)s{SHARED if lock else ""}"""


def _overdue_sql(aggregate: str) -> str:
	"""Over the customer's invoices still open and due before the cut-off, in company currency,
	from the outstanding amount ERPNext keeps on each Sales Invoice.

	A plain read, not a locking one: the lock protects the limit from two submissions counting
	without each other. Whether invoices are overdue does not depend on what is submitted at the
	same moment (due dates are fixed; a payment committed meanwhile only makes the figure a
	little high for one check)."""
	return f"""select {aggregate} from `tabSales Invoice`
		where customer = %(customer)s and docstatus = 1 and company = %(company)s
			and outstanding_amount > 0 and due_date < %(overdue_before)s"""


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
	key = (ledger.source().mirror, lock, overdue)
	if key not in _statements:
		parts = {
			"currency": "select default_currency from `tabCompany` where name = %(company)s",
			"open_receivables": _receivables_sql(lock),
			"unbilled_orders": _unbilled_orders_sql(lock),
			"unbilled_deliveries": _unbilled_deliveries_sql(lock),
			"overdue": _overdue_sql("sum(outstanding_amount * conversion_rate)")
			if overdue
			else "select null",
			"oldest_due": _overdue_sql("min(due_date)") if overdue else "select null",
			"holds": holds.COVERING_COUNT_SQL,
		}
		columns = [f"({sql}) as {name}" for name, sql in parts.items()]
		columns.append(f"{CREDIT_LIMIT_SQL} as credit_limit")
		_statements[key] = "select " + ",\n".join(columns)
	return _statements[key]


def read(customer: str, company: str, exclude: str | None, overdue_before: date | None, lock: bool):
	"""The figures of the customer, as one row (see :func:`statement`)."""
	values = {
		"customer": customer,
		"company": company,
		"exclude": exclude or "",
		"overdue_before": overdue_before,
	}
	return frappe.db.sql(statement(lock, overdue_before is not None), values, as_dict=True)[0]


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
	if lock:
		lock_customer(customer)
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
