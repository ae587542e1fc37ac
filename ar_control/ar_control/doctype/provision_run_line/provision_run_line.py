# Copyright (c) 2026, ar_control developers and contributors
# For license information, please see license.txt

# import frappe
from frappe.model.document import Document


class ProvisionRunLine(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		band: DF.Data | None
		band_index: DF.Int
		credit_applied: DF.Currency
		currency: DF.Link | None
		customer: DF.Link | None
		net: DF.Currency
		outstanding: DF.Currency
		parent: DF.Data
		parentfield: DF.Data
		parenttype: DF.Data
		provision: DF.Currency
		rate_percent: DF.Percent
		specific: DF.Currency
	# end: auto-generated types
	pass
