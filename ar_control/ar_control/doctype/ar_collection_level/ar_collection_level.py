# Copyright (c) 2026, ar_control developers and contributors
# For license information, please see license.txt

# import frappe
from frappe.model.document import Document


class ARCollectionLevel(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		action: DF.Literal[
			"Reminder Email",
			"Call Task",
			"Dunning Letter",
			"Credit Hold",
			"Legal Hand-over",
			"Write-off Proposal",
		]
		assign_to: DF.Literal["Collector", "Sales Person", "Finance Owner", "Credit Manager"]
		days: DF.Int
		dunning_type: DF.Link | None
		email_template: DF.Link | None
		min_amount: DF.Currency
		parent: DF.Data
		parentfield: DF.Data
		parenttype: DF.Data
		title: DF.Data
	# end: auto-generated types
	pass
