# Copyright (c) 2026, ar_control developers and contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.model.document import Document
from frappe.utils import get_link_to_form

from ar_control.core.kpi import check_target
from ar_control.kpi.measure import as_target
from ar_control.messages import throw


class InvalidCollectionTargetError(frappe.ValidationError):
	"""A target or alert threshold out of range (negative days, a percentage over 100)."""


class DuplicateCollectionTargetError(frappe.ValidationError):
	"""A second target for the same company and sales person (or the same company default)."""


class CollectionTarget(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		company: DF.Link
		dso_margin: DF.Float
		over_90_share_limit: DF.Percent
		overdue_ratio_limit: DF.Percent
		sales_person: DF.Link | None
		target_collection_rate: DF.Percent
		target_dso: DF.Float

	# end: auto-generated types
	def validate(self):
		throw(check_target(as_target(self)), _("Invalid Collection Target"), InvalidCollectionTargetError)
		self.validate_unique()

	def validate_unique(self):
		other = frappe.db.exists(
			"Collection Target",
			{
				"company": self.company,
				"sales_person": self.sales_person or ("is", "not set"),
				"name": ("!=", self.name or ""),
			},
		)
		if other:
			frappe.throw(
				_("{0} already holds the target of {1} in {2}.").format(
					get_link_to_form("Collection Target", other),
					self.sales_person or _("the company default"),
					self.company,
				),
				title=_("Duplicate Collection Target"),
				exc=DuplicateCollectionTargetError,
			)
