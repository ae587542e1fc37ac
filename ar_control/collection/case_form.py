"""What happens when a user edits a Collection Case: promises, disputes, the hold release."""

from __future__ import annotations

import frappe
from frappe import _
from frappe.utils import flt, getdate

from ar_control import arguments, utils
from ar_control.collection import cases, data
from ar_control.core import escalation
from ar_control.credit import holds
from ar_control.evidence import add_activity
from ar_control.roles import MANAGERS
from ar_control.settings import get_settings


class DuplicateCaseError(frappe.ValidationError):
	"""A customer has at most one open case per company."""


def refuse_second_open_case(doc) -> None:
	existing = frappe.db.get_value(
		"Collection Case",
		{
			"customer": doc.customer,
			"company": doc.company,
			"status": ("not in", list(escalation.CLOSED)),
			"name": ("!=", doc.name or ""),
		},
	)
	if existing:
		frappe.throw(
			_("{0} already has an open collection case in {1}: {2}.").format(
				doc.customer, doc.company, existing
			),
			title=_("Case Exists"),
			exc=DuplicateCaseError,
		)


# Who owns a case decides who sees it: only the managers reassign it
OWNER_FIELDS = ("collector", "finance_owner", "sales_person", "sales_person_user")


def refuse_reassignment(doc) -> None:
	"""A collector, finance or sales user works a case; a Credit or Accounts Manager reassigns it."""
	before = doc.get_doc_before_save()
	if before is None or set(frappe.get_roles()) & set(MANAGERS):
		return
	changed = [field for field in OWNER_FIELDS if (doc.get(field) or None) != (before.get(field) or None)]
	if changed:
		frappe.throw(
			_("Only a Credit Manager or an Accounts Manager can reassign a case ({0}).").format(
				", ".join(_(doc.meta.get_label(field)) for field in changed)
			),
			title=_("Not Permitted"),
			exc=frappe.PermissionError,
		)


def fill_new_case(doc) -> None:
	"""A case opened by hand starts with the customer's overdue invoices and its owners."""
	today = utils.today()
	settings = get_settings()
	if not doc.invoices:
		overdue = [
			i
			for i in data.open_invoices(
				due_on_or_before=frappe.utils.add_days(today, -1), customers=[(doc.customer, doc.company)]
			)
		]
		for invoice in overdue:
			doc.append(
				"invoices",
				{
					"sales_invoice": invoice.name,
					"due_date": invoice.due_date,
					"outstanding_amount": flt(invoice.left),
					"currency": invoice.currency,
				},
			)
	doc.opened_on = doc.opened_on or today
	collector, finance_owner = frappe.db.get_value(
		"Customer", doc.customer, ["ar_collector", "ar_finance_owner"]
	)
	doc.collector = doc.collector or collector or settings.default_collector
	doc.finance_owner = doc.finance_owner or finance_owner or settings.default_finance_owner
	if not doc.sales_person:
		doc.sales_person, doc.sales_person_user = data.sales_person_of(doc.customer)


def take_promises_and_disputes(doc) -> None:
	"""A newly entered promise starts Pending, remembering what was open when it was made."""
	before = {row.name: row for row in (doc.get_doc_before_save() or frappe._dict(invoices=[])).invoices}
	for row in doc.invoices:
		old = before.get(row.name)
		new_promise = row.promised_date and (
			old is None
			or getdate(old.promised_date or "1900-01-01") != getdate(row.promised_date)
			or flt(old.promised_amount) != flt(row.promised_amount)
		)
		if new_promise:
			if flt(row.outstanding_amount) <= 0:
				frappe.throw(
					_("Invoice {0} has nothing outstanding: there is nothing to promise on it.").format(
						row.sales_invoice
					),
					title=_("Promise to Pay"),
				)
			if flt(row.promised_amount) < 0:
				frappe.throw(
					_("The amount promised on invoice {0} must not be negative.").format(row.sales_invoice),
					title=_("Promise to Pay"),
				)
			if not flt(row.promised_amount):
				row.promised_amount = row.outstanding_amount
			row.promise_status = "Pending"
			row.outstanding_at_promise = row.outstanding_amount
		elif not row.promised_date:
			row.promise_status = None


def refresh_figures(doc) -> None:
	settings = get_settings()
	done = data.done_steps(row.sales_invoice for row in doc.invoices)
	doc.update(cases.figures(doc, doc.invoices, utils.today(), settings, done))


def log_changes(doc) -> None:
	"""Every promise and every dispute entered or resolved goes into the evidence file."""
	if doc.flags.from_sync or doc.flags.from_page:  # the sync and the customer's page log their own
		return
	before = doc.get_doc_before_save()
	old_rows = {row.name: row for row in (before.invoices if before else [])}
	for row in doc.invoices:
		old = old_rows.get(row.name)
		if row.promise_status == "Pending" and (
			not old or old.promise_status != "Pending" or old.promised_date != row.promised_date
		):
			add_activity(
				doc.name,
				"Note",
				_("Promise to pay {0} on {1} by {2}.").format(
					frappe.utils.fmt_money(row.promised_amount, currency=doc.currency),
					row.sales_invoice,
					frappe.format(row.promised_date, "Date"),
				),
				outcome=_("Promise to Pay"),
				sales_invoice=row.sales_invoice,
			)
		if row.disputed and not (old and old.disputed):
			add_activity(
				doc.name,
				"Note",
				# the reason as the saved row holds it (Frappe sanitised it in the save)
				_("{0} disputed: {1}").format(row.sales_invoice, row.dispute_reason),
				outcome=_("Disputed"),
				sales_invoice=row.sales_invoice,
			)
		if old and old.disputed and not row.disputed:
			add_activity(
				doc.name,
				"Note",
				_("Dispute on {0} resolved; the invoice is back on the ladder.").format(row.sales_invoice),
				outcome=_("Dispute Resolved"),
				sales_invoice=row.sales_invoice,
			)


def follow_up(case: str, date) -> None:
	"""An activity's next action date becomes the case's agreed follow-up."""
	current = frappe.db.get_value("Collection Case", case, ["next_action_date"], as_dict=True)
	values = {"follow_up_date": date}
	if not current.next_action_date or getdate(date) < getdate(current.next_action_date):
		values["next_action_date"] = date
	frappe.db.set_value("Collection Case", case, values)


def release_credit_hold(doc, reason: object) -> list[str]:
	"""The case's button: release the ladder's hold of the case's customer and company (a Credit
	Manager, with a reason). Holds of other sources are released on their own record."""
	holds.require_credit_manager()
	released = cases.release_ladder_hold(doc.customer, doc.company, arguments.reason(reason))
	if not released:
		frappe.throw(
			_("{0} is not on the collection ladder's credit hold in {1}.").format(doc.customer, doc.company),
			title=_("Not on Hold"),
			exc=holds.InvalidCreditHoldError,
		)
	return released
