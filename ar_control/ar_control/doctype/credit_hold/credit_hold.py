# Copyright (c) 2026, ar_control developers and contributors
# For license information, please see license.txt

from ar_control.records import Record


class CreditHold(Record):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		company: DF.Link | None
		customer: DF.Link
		customer_name: DF.Data | None
		naming_series: DF.Literal["CH-.YYYY.-"]
		reason: DF.SmallText
		reference_doctype: DF.Link | None
		reference_name: DF.DynamicLink | None
		release_reason: DF.SmallText | None
		released_by: DF.Link | None
		released_on: DF.Datetime | None
		set_by: DF.Link | None
		set_on: DF.Datetime | None
		source: DF.Literal["Manual", "No Credit", "Assessment Expired", "Collection Ladder"]
		status: DF.Literal["Active", "Released"]
	# end: auto-generated types
	pass
