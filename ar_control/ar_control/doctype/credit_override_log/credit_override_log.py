# Copyright (c) 2026, ar_control developers and contributors
# For license information, please see license.txt

from ar_control.records import Record


class CreditOverrideLog(Record):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		available: DF.Currency
		block_reasons: DF.Text | None
		company: DF.Link | None
		correction_of: DF.Link | None
		credit_limit: DF.Currency
		currency: DF.Link | None
		customer: DF.Link | None
		exposure: DF.Currency
		overdue_amount: DF.Currency
		overridden_on: DF.Datetime | None
		override_reason: DF.SmallText | None
		reference_doctype: DF.Link | None
		reference_name: DF.DynamicLink | None
		user: DF.Link | None
	# end: auto-generated types
	pass
