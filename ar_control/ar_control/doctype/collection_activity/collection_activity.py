# Copyright (c) 2026, ar_control developers and contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.model.document import Document

from ar_control.roles import SYSTEM_MANAGER


class CollectionActivity(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		activity_date: DF.Datetime
		activity_type: DF.Literal[
			"Call", "Email", "Letter", "Visit", "Legal Step", "Note", "System Step", "Customer Page"
		]
		attachment: DF.Attach | None
		collection_case: DF.Link
		communication: DF.Link | None
		contact: DF.Link | None
		customer: DF.Link | None
		dunning: DF.Link | None
		next_action_date: DF.Date | None
		outcome: DF.Data | None
		payment_document: DF.DynamicLink | None
		payment_document_type: DF.Link | None
		sales_invoice: DF.Link | None
		summary: DF.SmallText
		todo: DF.Link | None
		user: DF.Link
	# end: auto-generated types

	def validate(self):
		if not self.is_new() and not may_edit():
			frappe.throw(
				_("Collection activities are an evidence file: they cannot be changed, only added."),
				title=_("Not Permitted"),
				exc=AppendOnlyError,
			)

	def on_trash(self):
		if not may_edit():
			frappe.throw(
				_("Collection activities are an evidence file: only a System Manager can delete one."),
				title=_("Not Permitted"),
				exc=AppendOnlyError,
			)

	def after_insert(self):
		if self.next_action_date:
			from ar_control.collection.case_form import follow_up

			follow_up(self.collection_case, self.next_action_date)


class AppendOnlyError(frappe.PermissionError):
	"""Collection Activity is append-only for everyone but the System Manager."""


def may_edit() -> bool:
	return SYSTEM_MANAGER in frappe.get_roles()
