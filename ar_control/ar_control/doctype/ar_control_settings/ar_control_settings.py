# Copyright (c) 2026, ar_control developers and contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.model.document import Document

from ar_control.core import aging
from ar_control.core.problems import Problem, RuleError
from ar_control.messages import InvalidSettingsError, throw


class ARControlSettings(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		aging_based_on: DF.Literal["Due Date", "Posting Date"]
		aging_buckets: DF.Data
		coordination_period_days: DF.Int

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
		return found

	def set_defaults_if_empty(self) -> None:
		"""Fill the fields the install left empty with their DocType defaults."""
		for field in self.meta.fields:
			if field.default and not self.get(field.fieldname):
				self.set(field.fieldname, field.default)

	def aging_buckets_parsed(self) -> aging.Buckets:
		return aging.parse_buckets(self.aging_buckets)

	def aging_basis(self) -> aging.Basis:
		return aging.Basis(self.aging_based_on or aging.Basis.DUE_DATE.value)

	def stages(self) -> aging.Stages:
		return aging.Stages(self.coordination_period_days)


def get_settings() -> ARControlSettings:
	return frappe.get_cached_doc("AR Control Settings")
