# Copyright (c) 2026, ar_control developers and contributors
# For license information, please see license.txt

# import frappe
from frappe.model.document import Document


class ProvisionRunBand(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		band: DF.Data | None
		currency: DF.Link | None
		has_history: DF.Check
		historical_rate: DF.Percent
		matrix_rate: DF.Percent
		net: DF.Currency
		parent: DF.Data
		parentfield: DF.Data
		parenttype: DF.Data
		provision: DF.Currency
		rate_used: DF.Percent
		specific: DF.Currency
	# end: auto-generated types
	pass
