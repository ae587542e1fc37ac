"""The aging *Based On Payment Terms*: each open invoice split into its payment schedule's terms,
as ERPNext's Accounts Receivable does with that filter (:func:`ar_control.core.aging.split_by_payment_terms`).

The open vouchers come from :func:`ar_control.data.receivables.open_items` (the same netting as
every other figure); for the Sales Invoices among them two set-based reads add what the split
needs: their payment schedules, and the ledger's rows against them split into invoiced, paid and
credited as ERPNext splits them. The split items are then aged and grouped in Python (one item
per term: this filter is for looking at terms, and costs one Python object per open term).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date
from decimal import Decimal

import frappe
from frappe.query_builder import Criterion

from ar_control.core.aging import (
	AgingRow,
	Basis,
	Buckets,
	OpenItem,
	Settlement,
	Stages,
	Term,
	age_items,
	split_by_payment_terms,
	split_item,
)
from ar_control.core.money import ZERO, to_decimal
from ar_control.data import ledger
from ar_control.data.dimensions import NOT_ASSIGNED, subtree
from ar_control.data.receivables import open_items

CHUNK = 5000


def _chunks(names: list[str]):
	for start in range(0, len(names), CHUNK):
		yield names[start : start + CHUNK]


def schedules(invoices: list[str]) -> dict[str, tuple[list[Term], Decimal]]:
	"""Each invoice's payment schedule (company currency) and the advance allocated in it."""
	si = frappe.qb.DocType("Sales Invoice")
	ps = frappe.qb.DocType("Payment Schedule")
	found: dict[str, tuple[list[Term], Decimal]] = {}
	for part in _chunks(invoices):
		rows = (
			frappe.qb.from_(ps)
			.join(si)
			.on(si.name == ps.parent)
			.select(
				ps.parent,
				si.total_advance,
				ps.due_date,
				ps.base_payment_amount,
				ps.base_paid_amount,
				ps.discounted_amount,
				ps.paid_amount,
			)
			.where((ps.parenttype == "Sales Invoice") & ps.parent.isin(part) & (si.is_return == 0))
			.run(as_dict=True)
		)
		for row in rows:
			terms, _advance = found.setdefault(row.parent, ([], to_decimal(row.total_advance)))
			terms.append(
				Term(
					due_date=frappe.utils.getdate(row.due_date),
					amount=to_decimal(row.base_payment_amount),
					paid=to_decimal(row.base_paid_amount),
					discounted=to_decimal(row.discounted_amount),
					paid_in_invoice_currency=to_decimal(row.paid_amount),
				)
			)
	return found


def settlements(company: str, as_of: date, invoices: list[str]) -> dict[str, Settlement]:
	"""The ledger's rows against each invoice up to ``as_of``, split as ERPNext splits them: a
	debit is invoiced unless a payment or journal entry refunds (paid less), a credit is a credit
	note when another Sales Invoice makes it, else paid."""
	reading = ledger.receivables()
	t = reading.table
	sums: dict[str, list[Decimal]] = defaultdict(lambda: [ZERO, ZERO, ZERO])
	for part in _chunks(invoices):
		rows = (
			frappe.qb.from_(t)
			.select(t.against_voucher_no, t.voucher_type, t.voucher_no, t.amount)
			.where(Criterion.all(reading.conditions(company, as_of)) & t.against_voucher_no.isin(part))
			.run()
		)
		for against, voucher_type, voucher_no, amount in rows:
			amount = to_decimal(amount)
			split = sums[against]
			if amount > 0:
				if voucher_type in ("Journal Entry", "Payment Entry") and voucher_no != against:
					split[1] -= amount
				else:
					split[0] += amount
			elif voucher_type == "Sales Invoice" and voucher_no != against:
				split[2] -= amount
			else:
				split[1] -= amount
	return {name: Settlement(*split) for name, split in sums.items()}


def split_items(company: str, as_of: date, items: list[OpenItem]) -> list[OpenItem]:
	"""The open items with every Sales Invoice that has a payment schedule split into its terms."""
	invoices = sorted({i.voucher_no for i in items if i.voucher_type == "Sales Invoice" and i.outstanding})
	found = schedules(invoices)
	settled = settlements(company, as_of, sorted(found)) if found else {}
	result = []
	for item in items:
		schedule = found.get(item.voucher_no) if item.voucher_type == "Sales Invoice" else None
		if not schedule:
			result.append(item)
			continue
		terms, advance = schedule
		settlement = settled.get(item.voucher_no, Settlement(ZERO, ZERO, ZERO))
		result += split_by_payment_terms(item, settlement, terms, advance)
	return result


def _customer_attributes(customers: Iterable[str], field: str) -> dict[str, str]:
	names = sorted(set(customers))
	customer = frappe.qb.DocType("Customer")
	values: dict[str, str] = {}
	for part in _chunks(names):
		values.update(
			frappe.qb.from_(customer)
			.select(customer.name, customer[field])
			.where(customer.name.isin(part))
			.run()
		)
	return values


def _team_shares(invoices: list[str], sales_person: str | None) -> dict[str, list[tuple[str, Decimal]]]:
	team = frappe.qb.DocType("Sales Team")
	shares: dict[str, list[tuple[str, Decimal]]] = defaultdict(list)
	for part in _chunks(invoices):
		query = (
			frappe.qb.from_(team)
			.select(team.parent, team.sales_person, team.allocated_percentage)
			.where((team.parenttype == "Sales Invoice") & team.parent.isin(part))
			.orderby(team.parent)
			.orderby(team.idx)
		)
		if sales_person:
			query = query.where(team.sales_person.isin(subtree("Sales Person", sales_person)))
		for parent, person, percentage in query.run():
			shares[parent].append((person, to_decimal(percentage)))
	return shares


def aging_rows(
	company: str,
	as_of: date,
	buckets: Buckets,
	basis: Basis,
	stages: Stages,
	group_by: str,
	customers: Iterable[str] | None,
	customer_group: str | None,
	territory: str | None,
	sales_person: str | None,
	quantum: Decimal,
) -> list[tuple[object, AgingRow]]:
	"""(group key, aging row) per group, as :func:`ar_control.data.aging_totals.aging_totals`
	returns them, from the open items split into their terms."""
	items = split_items(
		company,
		as_of,
		open_items(company, as_of, customers, customer_group=customer_group, territory=territory),
	)
	if sales_person or group_by == "Sales Person":
		shares = _team_shares(
			sorted({i.voucher_no for i in items if i.voucher_type == "Sales Invoice"}), sales_person
		)
		owned = []
		for item in items:
			team = shares.get(item.voucher_no) if item.voucher_type == "Sales Invoice" else None
			if sales_person and not team:
				continue  # the filter keeps only the person's (and their team's) invoices
			weights = [(person, percentage / 100) for person, percentage in team or []]
			owned += split_item(item, weights, quantum) if weights else [(NOT_ASSIGNED, item)]
	else:
		owned = [(NOT_ASSIGNED, item) for item in items]

	keyed: list[tuple[object, OpenItem]] = []
	if group_by in ("Territory", "Customer Group"):
		field = "territory" if group_by == "Territory" else "customer_group"
		attributes = _customer_attributes((i.party for _o, i in owned), field)
		keyed = [(attributes.get(item.party) or "", item) for _owner, item in owned]
	elif group_by == "Sales Person":
		keyed = owned
	elif group_by == "Voucher":
		keyed = [
			((item.voucher_type, item.voucher_no, item.party, item.posting_date, item.due_date), item)
			for _o, item in owned
		]
	elif group_by == "Customer":
		keyed = [(item.party, item) for _owner, item in owned]
	else:  # the company's total
		keyed = [(company, item) for _owner, item in owned]
	index = {id(item): key for key, item in keyed}
	rows = age_items(
		[item for _key, item in keyed], as_of, buckets, basis, stages, key=lambda item: index[id(item)]
	)
	return sorted(rows.items(), key=lambda pair: str(pair[0]))
