# Copyright (c) 2026, ar_control developers and contributors
# For license information, please see license.txt

# import frappe
from frappe.model.document import Document


class CreditAssessmentFactor(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		basis: DF.Literal["Manual", "On-time Share", "Days Late", "Worst Lateness"]
		evidence: DF.SmallText | None
		factor: DF.Data
		parent: DF.Data
		parentfield: DF.Data
		parenttype: DF.Data
		score: DF.Float
		weight: DF.Percent
	# end: auto-generated types
	pass
