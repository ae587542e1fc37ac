"""The Credit Hold records as the rules read them: who is held, where, by whom.

Only reading lives here, so that the credit check's one statement (:mod:`ar_control.data.exposure`)
and the ladder can see the holds without depending on the module that places and releases them
(:mod:`ar_control.credit.holds`). The rules are ``core.holds``.
"""

from __future__ import annotations

from collections.abc import Iterable

import frappe

from ar_control.core import holds as rules
from ar_control.core.holds import HoldSource

HOLD = "Credit Hold"
ACTIVE = "Active"
RELEASED = "Released"


def active(customer: str, company: str | None = None) -> list[rules.Hold]:
	"""The customer's active holds; with ``company``, only those that cover it."""
	hold = frappe.qb.DocType(HOLD)
	rows = (
		frappe.qb.from_(hold)
		.select(hold.name, hold.source, hold.reason, hold.company, hold.reference_name)
		.where((hold.customer == customer) & (hold.status == ACTIVE))
		.orderby(hold.creation)
		.run(as_dict=True)
	)
	found = [
		rules.Hold(row.name, HoldSource(row.source), row.reason, row.company or None, row.reference_name)
		for row in rows
	]
	return found if company is None else rules.covering(found, company)


# How many active holds cover the customer in the company (``rules.covers``: a hold without a
# company covers every company), as a subquery of the credit check's one statement.
COVERING_COUNT_SQL = f"""select count(*) from `tab{HOLD}`
	where customer = %(customer)s and status = '{ACTIVE}'
		and (ifnull(company, '') = '' or company = %(company)s)"""


def standing(customer: str, company: str) -> tuple[bool, str]:
	"""(on hold in ``company``, the reasons of the holds that cover it)."""
	covering = active(customer, company)
	return bool(covering), "; ".join(hold.reason for hold in covering)


def held_by(source: HoldSource, customers: Iterable[str] | None = None) -> set[tuple[str, str]]:
	"""The (customer, company) pairs ``source`` holds now (of some ``customers`` when given)."""
	hold = frappe.qb.DocType(HOLD)
	query = (
		frappe.qb.from_(hold)
		.select(hold.customer, hold.company)
		.distinct()
		.where((hold.status == ACTIVE) & (hold.source == source.value))
	)
	if customers is not None:
		customers = set(customers)
		if not customers:
			return set()
		query = query.where(hold.customer.isin(customers))
	return {(row[0], row[1]) for row in query.run()}
