# Copyright (c) 2026, ar_control developers and contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.model.document import Document
from frappe.utils import flt, get_fullname, getdate

from ar_control import arguments
from ar_control.arguments import Untrusted
from ar_control.collection import case_form
from ar_control.provision import write_off

# what the form's evidence file shows of each Collection Activity entry
EVIDENCE_FIELDS = (
	"name",
	"activity_type",
	"activity_date",
	"user",
	"contact",
	"summary",
	"outcome",
	"next_action_date",
	"sales_invoice",
	"communication",
	"dunning",
	"todo",
	"payment_document_type",
	"payment_document",
)


class CollectionCase(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		from ar_control.ar_control.doctype.collection_case_invoice.collection_case_invoice import (
			CollectionCaseInvoice,
		)

		closed_on: DF.Date | None
		collector: DF.Link | None
		company: DF.Link
		currency: DF.Link | None
		current_level: DF.Data | None
		customer: DF.Link
		customer_answered: DF.Check
		customer_answered_on: DF.Datetime | None
		customer_name: DF.Data | None
		expected_loss: DF.Currency
		expected_loss_percent: DF.Percent
		finance_owner: DF.Link | None
		follow_up_date: DF.Date | None
		handed_over_on: DF.Date | None
		hold_level_days: DF.Int
		invoices: DF.Table[CollectionCaseInvoice]
		naming_series: DF.Literal["CC-.YYYY.-"]
		next_action_date: DF.Date | None
		oldest_due_date: DF.Date | None
		opened_on: DF.Date | None
		outstanding_amount: DF.Currency
		overdue_amount: DF.Currency
		page_last_opened: DF.Datetime | None
		page_visits: DF.Int
		priority_score: DF.Float
		sales_person: DF.Link | None
		sales_person_user: DF.Link | None
		status: DF.Literal[
			"Open", "Promise to Pay", "Disputed", "Legal", "Closed - Paid", "Closed - Written Off"
		]
	# end: auto-generated types

	def validate(self):
		if self.is_new():
			case_form.refuse_second_open_case(self)
			if not self.flags.from_sync:
				case_form.fill_new_case(self)
		if not self.flags.from_sync:
			case_form.refuse_reassignment(self)
			case_form.take_promises_and_disputes(self)
			case_form.refresh_figures(self)
		order_invoices(self)

	def on_update(self):
		case_form.log_changes(self)

	@frappe.whitelist()
	def release_credit_hold(self, reason: Untrusted = None) -> list[str]:
		"""Release the collection ladder's credit hold of this case's customer and company (Credit
		Manager only, with a reason); logged on the case. Other holds stay."""
		self.check_permission("read")
		return case_form.release_credit_hold(self, reason)

	@frappe.whitelist()
	def write_off_through_allowance(self) -> str:
		"""Write off what is still open of the case's invoices against the company's allowance for
		doubtful accounts (Credit Manager or Accounts Manager); returns the Journal Entry."""
		self.check_permission("read")
		return write_off.write_off_case(self)


def order_invoices(doc) -> None:
	"""The invoices still owed first, then those paid (nothing outstanding, kept on the case until
	it closes), each by due date: the form folds the paid ones away."""
	doc.invoices.sort(
		key=lambda row: (
			flt(row.outstanding_amount) <= 0,
			getdate(row.due_date) if row.due_date else getdate("9999-12-31"),
			row.sales_invoice or "",
		)
	)
	for idx, row in enumerate(doc.invoices, start=1):
		row.idx = idx


@frappe.whitelist()
def evidence(case: Untrusted = None, limit: Untrusted = None) -> dict:
	"""The case's evidence file for its form, newest first: the Collection Activity entries the
	user may read (they follow the case), with who, what, the outcome and the next action."""
	name = arguments.text(case, _("Collection Case"), required=True)
	limit = arguments.integer(limit, _("Limit"), 1, 500, default=100)
	if not frappe.db.exists("Collection Case", name) or not frappe.has_permission(
		"Collection Case", "read", doc=name
	):
		frappe.throw(
			_("You are not permitted to read collection case {0}.").format(arguments.shown(name)),
			title=_("Not Permitted"),
			exc=frappe.PermissionError,
		)
	entries = frappe.get_list(
		"Collection Activity",
		filters={"collection_case": name},
		fields=list(EVIDENCE_FIELDS),
		order_by="activity_date desc, creation desc",
		limit=limit + 1,
	)
	for entry in entries:
		entry["user_fullname"] = get_fullname(entry.user) if entry.user else ""
	return {"entries": entries[:limit], "more": len(entries) > limit}
