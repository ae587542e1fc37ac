# Copyright (c) 2026, ar_control developers and contributors
# For license information, please see license.txt

from frappe import _
from frappe.model.document import Document

from ar_control.messages import throw
from ar_control.settings import InvalidSettingsError, Settings


class ARControlSettings(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		from ar_control.ar_control.doctype.ar_collection_level.ar_collection_level import ARCollectionLevel
		from ar_control.ar_control.doctype.ar_credit_factor.ar_credit_factor import ARCreditFactor
		from ar_control.ar_control.doctype.ar_credit_grade.ar_credit_grade import ARCreditGrade
		from ar_control.ar_control.doctype.ar_provision_band.ar_provision_band import ARProvisionBand
		from ar_control.ar_control.doctype.ar_provision_policy.ar_provision_policy import ARProvisionPolicy
		from ar_control.ar_control.doctype.ar_recovery_rate.ar_recovery_rate import ARRecoveryRate

		aging_based_on: DF.Literal["Due Date", "Posting Date"]
		aging_buckets: DF.Data
		attachment_max_kb: DF.Int
		attachment_types: DF.Data | None
		block_on_overdue: DF.Check
		check_delivery_note: DF.Check
		check_sales_invoice: DF.Check
		check_sales_order: DF.Check
		collection_levels: DF.Table[ARCollectionLevel]
		coordination_period_days: DF.Int
		credit_factors: DF.Table[ARCreditFactor]
		credit_grades: DF.Table[ARCreditGrade]
		credit_limit_tolerance: DF.Percent
		credit_manager: DF.Link | None
		default_collector: DF.Link | None
		default_finance_owner: DF.Link | None
		dispute_reasons: DF.SmallText | None
		history_months: DF.Int
		hold_on_expiry: DF.Check
		ladder_start_date: DF.Date | None
		link_valid_days: DF.Int
		no_history_score: DF.Float
		overdue_grace_days: DF.Int
		overdue_min_amount: DF.Currency
		promise_grace_days: DF.Int
		promise_horizon_days: DF.Int
		provision_bands: DF.Table[ARProvisionBand]
		provision_policies: DF.Table[ARProvisionPolicy]
		recovery_rates: DF.Table[ARRecoveryRate]
		review_notice_days: DF.Int
	# end: auto-generated types

	def validate(self):
		"""Every problem at once, as :class:`ar_control.settings.Settings` reads the settings."""
		throw(Settings(self).problems(), title=_("Invalid AR Control Settings"), exc=InvalidSettingsError)
