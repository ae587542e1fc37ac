# Copyright (c) 2026, ar_control developers and contributors
# For license information, please see license.txt

import frappe
from frappe.model.document import Document

from ar_control.credit import assessment


class CreditAssessment(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		from ar_control.ar_control.doctype.credit_assessment_factor.credit_assessment_factor import (
			CreditAssessmentFactor,
		)

		amended_from: DF.Link | None
		approved_limit: DF.Currency
		assessment_date: DF.Date
		average_days_late: DF.Float
		average_days_to_pay: DF.Float
		average_monthly_billing: DF.Currency
		billed_in_window: DF.Currency
		company: DF.Link
		credit_days: DF.Int
		currency: DF.Link | None
		customer: DF.Link
		customer_name: DF.Data | None
		factors: DF.Table[CreditAssessmentFactor]
		grade: DF.Data | None
		history_from: DF.Date | None
		invoices_assessed: DF.Int
		invoices_judged: DF.Int
		late_invoices: DF.Int
		late_share: DF.Percent
		limit_note: DF.SmallText | None
		naming_series: DF.Literal["CA-.YYYY.-"]
		payment_terms_template: DF.Link | None
		previous_assessment: DF.Link | None
		previous_credit_limit: DF.Currency
		previous_grade: DF.Data | None
		previous_limit_existed: DF.Check
		previous_next_review_date: DF.Date | None
		previous_payment_terms: DF.Link | None
		recommended_limit: DF.Currency
		status: DF.Literal["Draft", "Approved", "Superseded", "Expired", "Cancelled"]
		total_score: DF.Float
		valid_until: DF.Date | None
		worst_days_late: DF.Int
	# end: auto-generated types

	def validate(self):
		assessment.fill_factors(self)
		if self.is_new() or any(
			self.has_value_changed(f) for f in ("customer", "company", "assessment_date")
		):
			assessment.load_payment_behaviour(self)
		assessment.score(self)
		self.status = "Draft"

	def before_submit(self):
		assessment.require_credit_manager()

	def before_cancel(self):
		# a later assessment names this one as the one it replaced; that must not stop a cancel
		self.ignore_linked_doctypes = ("Credit Assessment",)

	def on_submit(self):
		assessment.approve(self)

	def on_cancel(self):
		assessment.revoke(self)

	@frappe.whitelist()
	def refresh_payment_behaviour(self):
		"""Recompute the payment-behaviour factors from the customer's history (form button)."""
		self.check_permission("write")
		assessment.load_payment_behaviour(self)
		self.save()
