# Copyright (c) 2026, ar_control developers and contributors
# For license information, please see license.txt

from frappe.model.document import Document

from ar_control.provision import run


class ProvisionRun(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		from ar_control.ar_control.doctype.provision_run_band.provision_run_band import ProvisionRunBand
		from ar_control.ar_control.doctype.provision_run_line.provision_run_line import ProvisionRunLine

		adjustment_amount: DF.Currency
		allowance_account: DF.Link | None
		amended_from: DF.Link | None
		as_of_date: DF.Date
		bands: DF.Table[ProvisionRunBand]
		booked_amount: DF.Currency
		company: DF.Link
		cost_center: DF.Link | None
		currency: DF.Link | None
		expense_account: DF.Link | None
		journal_entry: DF.Link | None
		lines: DF.Table[ProvisionRunLine]
		method: DF.Literal["Aging Matrix", "Historical Loss Rates"]
		naming_series: DF.Literal["PRV-.YYYY.-"]
		previous_run: DF.Link | None
		remarks: DF.SmallText | None
		required_amount: DF.Currency
		unapplied_credit: DF.Currency
	# end: auto-generated types

	def validate(self):
		run.fill(self)

	def on_submit(self):
		run.post_journal_entry(self)

	def before_cancel(self):
		run.refuse_cancel_out_of_order(self)

	def on_cancel(self):
		run.cancel_journal_entry(self)
