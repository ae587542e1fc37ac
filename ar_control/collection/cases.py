"""Collection cases: one open case per customer and company, kept in step with the ledger.

``sync`` is set-based: one grouped ledger query per company for what the customers owe
(``data.positions``, as AR Aging Analysis nets it), one for the open cases and their rows, one
for the invoices on them still submitted, one for the steps done. It works out what
every case should hold and writes only the cases that differ, so running it again on the same
day costs a few queries. Payment Entry, Journal Entry and credit-note events call it for the
customers they touch, so their cases move at once.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date, timedelta

import frappe
from frappe import _
from frappe.utils import flt, getdate

from ar_control import utils
from ar_control.collection import data
from ar_control.core import escalation
from ar_control.core.holds import HoldSource
from ar_control.core.money import ZERO, to_decimal
from ar_control.credit import holds
from ar_control.data import holds as holds_data
from ar_control.evidence import add_activity
from ar_control.settings import get_settings
from ar_control.utils import commit

ROW_FIELDS = (
	"sales_invoice",
	"due_date",
	"outstanding_amount",
	"currency",
	"level_reached",
	"disputed",
	"dispute_reason",
	"promised_date",
	"promised_amount",
	"promise_status",
	"outstanding_at_promise",
)
FIGURE_FIELDS = (
	"status",
	"current_level",
	"next_action_date",
	"outstanding_amount",
	"overdue_amount",
	"oldest_due_date",
	"expected_loss",
	"expected_loss_percent",
	"priority_score",
)


def case_items(rows) -> list[escalation.CaseItem]:
	return [
		escalation.CaseItem(
			invoice=row.sales_invoice,
			due_date=getdate(row.due_date),
			outstanding=to_decimal(row.outstanding_amount),
			disputed=bool(row.disputed),
			promised_date=getdate(row.promised_date) if row.promised_date else None,
			promise_pending=row.promise_status == "Pending",
		)
		for row in rows
	]


def figures(
	case, rows, today: date, settings, done: set[tuple[str, str]], written_off: bool = False, position=None
) -> dict:
	"""Status, level, next action, amounts and priority a case's rows call for (core rules).

	The amounts are the customer's in the company as AR Aging Analysis shows them (``position``,
	read from the ledger when not given): its balance, and what fell due before today net of its
	unallocated credits. The rows hold what is left of each invoice once those credits settled
	the oldest debts first, which is what the ladder chases."""
	if position is None:
		key = (case.get("customer"), case.get("company"))
		position = data.positions([key], today=today).get(key, data.NO_POSITION)
	items = case_items(rows)
	open_items = [i for i in items if i.outstanding > 0]
	overdue = [i for i in open_items if i.due_date < today]
	levels = settings.ladder()
	reached_by_invoice = escalation.levels_reached(done, levels)
	reached = [reached_by_invoice[i.invoice] for i in open_items if i.invoice in reached_by_invoice]
	prio = escalation.priority(items, today, settings.recovery_curve())
	next_action = escalation.next_ladder_date(open_items, levels, done, today)
	follow_up = getdate(case.get("follow_up_date")) if case.get("follow_up_date") else None
	if follow_up and follow_up >= today and (next_action is None or follow_up < next_action):
		next_action = follow_up
	return {
		"status": escalation.case_status(
			items, today, legal=bool(case.get("handed_over_on")), written_off=written_off
		),
		"current_level": max(reached, key=lambda level: level.days).title if reached else None,
		"next_action_date": next_action,
		"outstanding_amount": flt(position.outstanding),
		"overdue_amount": flt(position.overdue(today)),
		"oldest_due_date": min((i.due_date for i in overdue), default=None),
		"expected_loss": flt(prio.expected_loss),
		"expected_loss_percent": flt(prio.loss_percent) if prio.loss_percent is not None else 0,
		"priority_score": flt(prio.score),
	}


def reconcile_rows(rows, overdue: list, left: dict[str, object], reached: dict[str, str], today: date):
	"""The rows a case should hold: its invoices with what is left of them today (``left``: the
	submitted invoices; a cancelled one is dropped), plus every newly overdue invoice; promises
	kept by payment are marked kept.

	Returns (rows, kept) where ``kept`` names the invoices whose promise was kept just now.
	"""
	result, kept, seen = [], [], set()
	for row in rows:
		if row.sales_invoice not in left:  # cancelled or deleted invoice
			continue
		seen.add(row.sales_invoice)
		new = frappe._dict({field: row.get(field) for field in ROW_FIELDS})
		new.outstanding_amount = flt(max(to_decimal(left[row.sales_invoice]), ZERO))
		new.level_reached = reached.get(row.sales_invoice) or row.level_reached
		if new.promise_status == "Pending" and escalation.promise_kept(
			escalation.LadderItem(
				invoice=row.sales_invoice,
				customer="",
				due_date=getdate(row.due_date),
				outstanding=to_decimal(new.outstanding_amount),
				promise=escalation.Promise(
					getdate(new.promised_date),
					to_decimal(new.promised_amount),
					to_decimal(new.outstanding_at_promise),
				),
			)
		):
			new.promise_status = "Kept"
			kept.append(row.sales_invoice)
		result.append(new)
	for invoice in overdue:
		if invoice.name not in seen:
			result.append(
				frappe._dict(
					sales_invoice=invoice.name,
					due_date=invoice.due_date,
					outstanding_amount=flt(invoice.left),
					currency=invoice.currency,
					level_reached=reached.get(invoice.name),
					disputed=0,
				)
			)
	return result, kept


def _row_key(row) -> tuple:
	return tuple(
		flt(row.get(f))
		if f in ("outstanding_amount", "promised_amount", "outstanding_at_promise")
		else row.get(f) or None
		for f in ROW_FIELDS
		if f != "currency"
	)


def _changed(case, rows, new_rows, new_figures) -> bool:
	if [_row_key(r) for r in rows] != [_row_key(r) for r in new_rows]:
		return True
	for field, value in new_figures.items():
		old = case.get(field)
		if isinstance(value, float) or field.endswith(("amount", "loss", "score", "percent")):
			if flt(old, 2) != flt(value, 2):
				return True
		elif (getdate(old) if old and field.endswith("date") else old or None) != (value or None):
			return True
	return False


def invoice_left(names: Iterable[str], found: dict) -> dict[str, object]:
	"""What is left of each submitted invoice among ``names`` (0 when nothing is), from the
	customers' positions (``data.positions``)."""
	names = set(names)
	left = {name: ZERO for name in data.submitted_invoices(names)}
	for position in found.values():
		for (voucher_type, voucher_no), amount in position.left.items():
			if voucher_type == "Sales Invoice" and voucher_no in left:
				left[voucher_no] = amount
	return left


def sync(
	today=None,
	customers: Iterable[tuple[str, str]] | None = None,
	commit_each: bool = True,
	company: str | None = None,
) -> dict:
	"""Bring the open cases (of some customers, of one company, or all) in line with the ledger;
	open new ones for customers with overdue invoices; close those with nothing overdue.

	The daily job commits each case (``commit_each``); a document event or a ladder step syncs
	inside its own transaction and commits nothing."""
	today = utils.today(today)
	settings = get_settings()
	pairs = None if customers is None else list(set(customers))
	found = data.positions(pairs, company, today)
	overdue_by_key: dict[tuple[str, str], list] = defaultdict(list)
	for invoice in data.open_invoices(due_on_or_before=today - timedelta(days=1), found=found):
		overdue_by_key[(invoice.customer, invoice.company)].append(invoice)
	cases = data.open_cases(pairs, company)
	if pairs is not None:
		cases = {key: case for key, case in cases.items() if key in set(pairs)}
	rows_by_case = data.case_rows(c.name for c in cases.values())
	on_cases = {row.sales_invoice for rows in rows_by_case.values() for row in rows}
	all_invoices = on_cases | {i.name for invoices in overdue_by_key.values() for i in invoices}
	left = invoice_left(on_cases, found)
	done = data.done_steps(all_invoices)
	done_by_invoice: dict[str, set] = defaultdict(set)
	for invoice, code in done:
		done_by_invoice[invoice].add((invoice, code))
	reached_titles = {
		invoice: level.title for invoice, level in escalation.levels_reached(done, settings.ladder()).items()
	}

	report = {"opened": [], "updated": [], "closed": [], "unchanged": 0}
	for key in sorted(set(overdue_by_key) | set(cases)):
		case = cases.get(key)
		if case is None:
			case_name = reopen_or_open(key[0], key[1], overdue_by_key[key], today)
			report["opened"].append(case_name)
			case = frappe.db.get_value("Collection Case", case_name, "*", as_dict=True)
			rows = data.case_rows([case_name])[case_name]
			left.update(invoice_left((r.sales_invoice for r in rows), found))
		else:
			rows = rows_by_case.get(case.name, [])
		new_rows, kept = reconcile_rows(rows, overdue_by_key.get(key, []), left, reached_titles, today)
		case_done = set().union(*(done_by_invoice[r.sales_invoice] for r in new_rows)) if new_rows else set()
		position = found.get(key, data.NO_POSITION)
		new_figures = figures(case, new_rows, today, settings, case_done, position=position)
		if new_figures["status"] in escalation.CLOSED:
			if data.written_off(r.sales_invoice for r in new_rows):
				new_figures["status"] = escalation.CLOSED_WRITTEN_OFF
		if not _changed(case, rows, new_rows, new_figures) and not kept:
			report["unchanged"] += 1
			continue
		write_case(case.name, new_rows, new_figures, today, kept)
		(report["closed"] if new_figures["status"] in escalation.CLOSED else report["updated"]).append(
			case.name
		)
		if commit_each:
			commit()  # each case stands on its own; a failure later must not undo it
	release_ladder_holds(today, settings, pairs, found)
	return report


def reopen_or_open(customer: str, company: str, overdue: list, today: date) -> str:
	"""A case that was closed while one of these invoices was on it is reopened (a payment or
	credit note was cancelled); otherwise a new case opens."""
	item = frappe.qb.DocType("Collection Case Invoice")
	case = frappe.qb.DocType("Collection Case")
	closed = (
		frappe.qb.from_(case)
		.join(item)
		.on(item.parent == case.name)
		.select(case.name)
		.where(
			(case.customer == customer)
			& (case.company == company)
			& (case.status.isin(list(escalation.CLOSED)))
			& (item.sales_invoice.isin([i.name for i in overdue]))
		)
		.orderby(case.modified, order=frappe.qb.desc)
		.limit(1)
		.run()
	)
	if closed:
		name = closed[0][0]
		frappe.db.set_value("Collection Case", name, {"status": escalation.OPEN, "closed_on": None})
		add_activity(name, "System Step", _("Case reopened: invoices are overdue again."))
		return name
	settings = get_settings()
	collector, finance_owner = frappe.db.get_value("Customer", customer, ["ar_collector", "ar_finance_owner"])
	sales_person, sales_user = data.sales_person_of(customer)
	doc = frappe.get_doc(
		{
			"doctype": "Collection Case",
			"customer": customer,
			"company": company,
			"opened_on": today,
			"collector": collector or settings.default_collector,
			"finance_owner": finance_owner or settings.default_finance_owner,
			"sales_person": sales_person,
			"sales_person_user": sales_user,
		}
	)
	doc.flags.from_sync = True
	doc.insert(ignore_permissions=True)
	add_activity(doc.name, "System Step", _("Case opened: {0} invoice(s) overdue.").format(len(overdue)))
	return doc.name


def write_case(name: str, rows: list, values: dict, today: date, kept: list[str]) -> None:
	doc = frappe.get_doc("Collection Case", name)
	was_closed = doc.status in escalation.CLOSED
	update_rows(doc, rows)
	doc.update(values)
	if values["status"] in escalation.CLOSED and not was_closed:
		doc.closed_on = today
	doc.flags.from_sync = True
	doc.save(ignore_permissions=True)
	for invoice in kept:
		add_activity(
			name, "System Step", _("Promise to pay kept on {0}.").format(invoice), sales_invoice=invoice
		)
	if values["status"] in escalation.CLOSED and not was_closed:
		if rows:
			add_activity(name, "System Step", _("Case closed: {0}.").format(_(values["status"])))
		else:
			add_activity(name, "System Step", _("Case closed: its invoices were cancelled."))


def update_rows(doc, rows: list) -> None:
	"""Change the case's rows in place (kept rows keep their identity, so the document's history
	shows what changed, not every row removed and added again)."""
	wanted = {row.sales_invoice: row for row in rows}
	for existing in list(doc.invoices):
		if existing.sales_invoice not in wanted:
			doc.remove(existing)
	current = {row.sales_invoice: row for row in doc.invoices}
	for invoice, row in wanted.items():
		values = {field: row.get(field) for field in ROW_FIELDS}
		if invoice in current:
			current[invoice].update(values)
		else:
			doc.append("invoices", values)


def release_ladder_holds(
	today: date, settings, pairs: list[tuple[str, str]] | None = None, found: dict | None = None
) -> list[tuple[str, str]]:
	"""Release the ladder's holds once nothing of the customer in that company is overdue past
	the credit-hold level; other holds stay."""
	held = holds_data.held_by(
		HoldSource.COLLECTION_LADDER, None if pairs is None else {customer for customer, _company in pairs}
	)
	if pairs is not None:
		held &= set(pairs)
	if not held:
		return []
	hold_days = min(
		(level.days for level in settings.ladder() if level.action is escalation.Action.CREDIT_HOLD),
		default=0,
	)
	# the hold lasts while an invoice of the company is at least ``hold_days`` overdue
	if found is None:
		found = data.positions(sorted(held), today=today)
	still_overdue = {
		(invoice.customer, invoice.company)
		for invoice in data.open_invoices(
			due_on_or_before=today - timedelta(days=hold_days),
			found={k: v for k, v in found.items() if k in held},
		)
	}
	released = sorted(held - still_overdue)
	for customer, company in released:
		release_ladder_hold(customer, company, _("Nothing is overdue past the credit-hold level any more."))
	return released


def release_ladder_hold(customer: str, company: str, reason: str) -> list[str]:
	"""Release the ladder's hold of the customer in the company (the ladder itself, or a Credit
	Manager on the case); the holds of other sources stay. Returns the holds released."""
	return holds.release_own(customer, company, {HoldSource.COLLECTION_LADDER}, reason)
