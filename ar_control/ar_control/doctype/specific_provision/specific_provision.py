# Copyright (c) 2026, ar_control developers and contributors
# For license information, please see license.txt

from frappe.model.document import Document

from ar_control.provision import specific


class SpecificProvision(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		active: DF.Check
		amount: DF.Currency
		basis: DF.Literal["Rate", "Amount"]
		collection_case: DF.Link | None
		company: DF.Link
		currency: DF.Link | None
		customer: DF.Link
		customer_name: DF.Data | None
		naming_series: DF.Literal["SPR-.YYYY.-"]
		rate_percent: DF.Percent
		reason: DF.SmallText
		sales_invoice: DF.Link | None
	# end: auto-generated types

	def validate(self):
		specific.validate(self)
