# Copyright (c) 2026, ar_control developers and contributors
# For license information, please see license.txt

# import frappe
from frappe.model.document import Document


class ARProvisionBand(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		label: DF.Data | None
		parent: DF.Data
		parentfield: DF.Data
		parenttype: DF.Data
		rate_percent: DF.Percent
		upper_days: DF.Int
	# end: auto-generated types
	pass
