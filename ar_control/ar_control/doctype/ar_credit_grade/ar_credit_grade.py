# Copyright (c) 2026, ar_control developers and contributors
# For license information, please see license.txt

# import frappe
from frappe.model.document import Document


class ARCreditGrade(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		credit_days: DF.Int
		grade: DF.Data
		limit_months: DF.Float
		max_limit: DF.Currency
		min_limit: DF.Currency
		min_score: DF.Float
		parent: DF.Data
		parentfield: DF.Data
		parenttype: DF.Data
		payment_terms_template: DF.Link | None
		review_months: DF.Int
	# end: auto-generated types
	pass
