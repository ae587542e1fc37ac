# Copyright (c) 2026, ar_control developers and contributors
# For license information, please see license.txt

# import frappe
from frappe.model.document import Document


class ARProvisionPolicy(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		allowance_account: DF.Link
		company: DF.Link
		cost_center: DF.Link | None
		expense_account: DF.Link
		lookback_months: DF.Int
		method: DF.Literal["Aging Matrix", "Historical Loss Rates"]
		parent: DF.Data
		parentfield: DF.Data
		parenttype: DF.Data
		skip_recent_months: DF.Int
	# end: auto-generated types
	pass
