# Copyright (c) 2026, ar_control developers and contributors
# For license information, please see license.txt

import frappe
from frappe.model.document import Document
from frappe.utils import getdate

from ar_control.utils import today


class CollectionCaseInvoice(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		currency: DF.Link | None
		dispute_reason: DF.SmallText | None
		disputed: DF.Check
		due_date: DF.Date | None
		level_reached: DF.Data | None
		outstanding_amount: DF.Currency
		outstanding_at_promise: DF.Currency
		parent: DF.Data
		parentfield: DF.Data
		parenttype: DF.Data
		promise_status: DF.Literal["", "Pending", "Kept", "Broken"]
		promised_amount: DF.Currency
		promised_date: DF.Date | None
		sales_invoice: DF.Link
	# end: auto-generated types

	def has_permission(self, permtype="read", *, debug=False, user=None) -> bool:
		"""A row read or written on its own (``/api/resource/Collection Case Invoice/<row>``) is
		seen exactly when its case is: Frappe checks a child row against its parent DocType's
		roles only, not against the case's row-level rules."""
		if self.flags.ignore_permissions:
			return True
		return super().has_permission(permtype, debug=debug, user=user) and bool(
			frappe.has_permission("Collection Case", permtype, self.parent, user=user)
		)

	@property
	def days_overdue(self) -> int:
		"""Days past the due date today (not stored: it changes every day)."""
		if not self.due_date:
			return 0
		return max(0, (today() - getdate(self.due_date)).days)
