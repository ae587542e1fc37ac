# Copyright (c) 2026, ar_control developers and contributors
# For license information, please see license.txt

# import frappe
from frappe.model.document import Document


class CollectionLink(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		collection_case: DF.Link | None
		company: DF.Link
		customer: DF.Link
		expires_on: DF.Datetime
		last_opened: DF.Datetime | None
		made_for: DF.Data | None
		revoked: DF.Check
		revoked_by: DF.Link | None
		revoked_on: DF.Datetime | None
		token_hash: DF.Data | None
		visits: DF.Int
	# end: auto-generated types
	pass
