# Copyright (c) 2026, ar_control developers and contributors
# For license information, please see license.txt

import frappe

from ar_control.records import Record


class CollectionStepLog(Record):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		action: DF.Data | None
		attempt: DF.Int
		collection_case: DF.Link | None
		company: DF.Link | None
		customer: DF.Link | None
		level: DF.Data
		level_title: DF.Data | None
		outcome: DF.Literal["Done", "Superseded", "Not Sent", "Redo Requested"]
		reason: DF.SmallText | None
		redo_of: DF.Link | None
		reference_doctype: DF.Link | None
		reference_name: DF.DynamicLink | None
		run_date: DF.Date | None
		sales_invoice: DF.Link
		step_key: DF.Data
	# end: auto-generated types
	pass


def on_doctype_update():
	"""Whether a step is recorded for an invoice and level: looked up for every open invoice."""
	frappe.db.add_index("Collection Step Log", ["sales_invoice", "level", "outcome", "attempt"])
