# Copyright (c) 2026, ar_control developers and contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.model.document import Document
from frappe.utils import cint

from ar_control.core import aging, credit, escalation, portal, provision
from ar_control.core.money import to_decimal
from ar_control.core.problems import Problem, RuleError
from ar_control.messages import InvalidSettingsError, throw
from ar_control.provision import policy as provision_rules
from ar_control.roles import CREDIT_MANAGER


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
		throw(self.problems(), title=_("Invalid AR Control Settings"), exc=InvalidSettingsError)

	def problems(self) -> list[Problem]:
		"""Every problem with the settings, so the form shows them all at once."""
		found: list[Problem] = []
		try:
			aging.parse_buckets(self.aging_buckets)
		except RuleError as error:
			found += error.problems
		found += aging.check_stages(aging.Stages(self.coordination_period_days or 0))
		found += credit.check_weights([(f.name, f.weight) for f in self.factor_definitions()])
		found += credit.check_bands(self.grade_bands())
		found += self.ladder_problems()
		found += escalation.check_recovery(self.recovery_curve())
		found += provision_rules.problems(self)
		found += portal.check_policy(self.page_policy())
		return found

	def set_defaults_if_empty(self) -> None:
		"""Fill what was never set: field defaults, the default factors, grades, ladder and
		recovery curve. A value the user set, 0 or an unticked box included, stays."""
		for field in self.meta.fields:
			if field.default and self.get(field.fieldname) in (None, ""):
				self.set(field.fieldname, field.default)
		if not self.credit_factors:
			for factor in credit.DEFAULT_FACTORS:
				self.append(
					"credit_factors", {"factor": factor.name, "weight": factor.weight, "basis": factor.basis}
				)
		if not self.credit_grades:
			for band in credit.DEFAULT_BANDS:
				self.append(
					"credit_grades",
					{
						"grade": band.grade,
						"min_score": band.min_score,
						"credit_days": band.credit_days,
						"limit_months": band.limit_months,
						"min_limit": band.min_limit,
						"max_limit": band.max_limit or 0,
						"review_months": band.review_months,
					},
				)

		if not self.collection_levels:
			for level in DEFAULT_LADDER:
				self.append("collection_levels", level)
		if not self.recovery_rates:
			for step in escalation.DEFAULT_RECOVERY:
				self.append(
					"recovery_rates",
					{"from_days": step.from_days, "recoverable_percent": step.recoverable_percent},
				)
		if not self.provision_bands:
			for band in provision.DEFAULT_MATRIX.bands:
				self.append(
					"provision_bands",
					{
						"upper_days": band.upper_days or 0,
						"rate_percent": band.rate_percent,
						"label": band.label,
					},
				)

	# --- aging ---------------------------------------------------------------------------------

	def aging_buckets_parsed(self) -> aging.Buckets:
		return aging.parse_buckets(self.aging_buckets)

	def aging_basis(self) -> aging.Basis:
		return aging.Basis(self.aging_based_on or aging.Basis.DUE_DATE.value)

	def stages(self) -> aging.Stages:
		return aging.Stages(self.coordination_period_days)

	# --- credit --------------------------------------------------------------------------------

	def factor_definitions(self) -> list[credit.FactorDefinition]:
		return [
			credit.FactorDefinition(
				row.factor, to_decimal(row.weight), row.basis or credit.Basis.MANUAL.value
			)
			for row in self.credit_factors
		]

	def grade_bands(self) -> list[credit.GradeBand]:
		"""The grades as core bands; a maximum limit of 0 means no cap."""
		return [
			credit.GradeBand(
				grade=row.grade,
				min_score=to_decimal(row.min_score),
				credit_days=cint(row.credit_days),
				limit_months=to_decimal(row.limit_months),
				min_limit=to_decimal(row.min_limit),
				max_limit=to_decimal(row.max_limit) or None,
				review_months=cint(row.review_months),
			)
			for row in self.credit_grades
		]

	def grade_row(self, grade: str):
		return next((row for row in self.credit_grades if row.grade == grade), None)

	def checks(self, doctype: str) -> bool:
		"""Whether the credit check runs when a document of ``doctype`` is submitted."""
		return bool(
			{
				"Sales Order": self.check_sales_order,
				"Delivery Note": self.check_delivery_note,
				"Sales Invoice": self.check_sales_invoice,
			}.get(doctype)
		)

	# --- the customer's page -----------------------------------------------------------------------

	def page_policy(self) -> portal.PagePolicy:
		return portal.PagePolicy(
			link_days=cint(self.link_valid_days),
			promise_horizon_days=cint(self.promise_horizon_days),
			dispute_reasons=portal.parse_lines(self.dispute_reasons),
			attachment_max_kb=cint(self.attachment_max_kb),
			attachment_types=portal.parse_types(self.attachment_types),
		)

	def overdue_grace(self) -> int | None:
		"""Grace days of the overdue rule, ``None`` when the rule is off."""
		return cint(self.overdue_grace_days) if self.block_on_overdue else None

	def credit_managers(self) -> list[str]:
		"""Who receives credit ToDos and alerts: the configured user, else every Credit Manager."""
		if self.credit_manager:
			return [self.credit_manager]
		from frappe.utils.user import get_users_with_role

		users = [u for u in get_users_with_role(CREDIT_MANAGER) if u not in ("Administrator", "Guest")]
		return sorted(users) or ["Administrator"]

	# --- collection ----------------------------------------------------------------------------

	def ladder(self) -> list[escalation.Level]:
		"""The ladder as core levels; a level's code is its row's name, which stays with the row."""
		return [
			escalation.Level(
				code=row.name,
				title=row.title,
				days=cint(row.days),
				action=escalation.Action(row.action),
				min_amount=to_decimal(row.min_amount),
			)
			for row in self.collection_levels
		]

	def ladder_problems(self) -> list[Problem]:
		unknown = [
			Problem(
				"level_action_unknown",
				_("Ladder level {0} has an unknown action {1}."),
				(row.idx, row.action),
			)
			for row in self.collection_levels
			if row.action not in {a.value for a in escalation.Action}
		]
		if unknown:
			return unknown
		# unsaved rows have no name yet: give them one so the codes are unique
		levels = [level._replace(code=level.code or f"new-{i}") for i, level in enumerate(self.ladder())]
		return escalation.check_ladder(levels)

	def level_row(self, code: str):
		return next((row for row in self.collection_levels if row.name == code), None)

	def recovery_curve(self) -> list[escalation.RecoveryStep]:
		return [
			escalation.RecoveryStep(cint(row.from_days), to_decimal(row.recoverable_percent))
			for row in sorted(self.recovery_rates, key=lambda r: cint(r.from_days))
		] or list(escalation.DEFAULT_RECOVERY)

	# --- provision -----------------------------------------------------------------------------

	def provision_matrix(self) -> provision.Matrix:
		return provision_rules.matrix(self)

	def provision_policy(self, company: str) -> provision_rules.Policy:
		return provision_rules.policy(self, company)


# The seed documents' ladder: remind before the due date, then call, write a formal letter, stop
# supply, hand over to legal, propose the write-off; sales, finance and credit take over in turn.
DEFAULT_LADDER = (
	{
		"title": "Payment reminder",
		"days": -3,
		"action": "Reminder Email",
		"assign_to": "Sales Person",
		"email_template": "AR Control: Payment Reminder",
	},
	{"title": "Call the customer", "days": 1, "action": "Call Task", "assign_to": "Collector"},
	{
		"title": "Formal dunning letter",
		"days": 15,
		"action": "Dunning Letter",
		"assign_to": "Finance Owner",
		"email_template": "AR Control: Dunning Letter",
	},
	{"title": "Credit hold", "days": 30, "action": "Credit Hold", "assign_to": "Credit Manager"},
	{
		"title": "Legal or agency hand-over",
		"days": 60,
		"action": "Legal Hand-over",
		"assign_to": "Credit Manager",
	},
	{
		"title": "Write-off proposal",
		"days": 180,
		"action": "Write-off Proposal",
		"assign_to": "Credit Manager",
	},
)


def get_settings() -> ARControlSettings:
	return frappe.get_cached_doc("AR Control Settings")
