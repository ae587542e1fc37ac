# Copyright (c) 2026, ar_control developers and contributors
# For license information, please see license.txt

import frappe

from ar_control.records import Record


class ARLedgerEntry(Record):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		against_voucher_no: DF.DynamicLink | None
		against_voucher_type: DF.Link | None
		amount: DF.Currency
		amount_in_account_currency: DF.Currency
		company: DF.Link | None
		due_date: DF.Date | None
		kind: DF.Int
		own_row: DF.Check
		party: DF.Link | None
		posting_date: DF.Date | None
		voucher_no: DF.DynamicLink | None
		voucher_type: DF.Link | None
	# end: auto-generated types
	pass


def on_doctype_update():
	"""The covering indexes the receivables queries read (``ar_control.data.ledger``)."""
	from ar_control.data.ledger import INDEXES

	for name, columns in INDEXES.items():
		frappe.db.add_index("AR Ledger Entry", columns, index_name=name)
