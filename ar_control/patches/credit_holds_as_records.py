"""Credit holds became records: a customer the earlier version held (the Customer's own
*On Credit Hold* box) gets one Credit Hold that keeps the reason and the source.

An assessment's hold covers the company of the customer's current assessment (*Assessment
Expired* when that assessment has expired, else *No Credit*); the ladder's hold the companies of
the customer's open collection cases; a hold set by hand every company.
"""

import frappe

from ar_control.core.escalation import CLOSED
from ar_control.core.holds import HoldSource
from ar_control.credit import holds
from ar_control.data.holds import active

OLD_SOURCES = {"Credit Assessment": HoldSource.NO_CREDIT, "Collection Ladder": HoldSource.COLLECTION_LADDER}


def execute():
	if not frappe.db.has_column("Customer", "ar_credit_hold"):
		return
	customer = frappe.qb.DocType("Customer")
	held = (
		frappe.qb.from_(customer)
		.select(
			customer.name,
			customer.ar_credit_hold_reason,
			customer.ar_credit_hold_source,
			customer.ar_current_assessment,
		)
		.where(customer.ar_credit_hold == 1)
		.run(as_dict=True)
	)
	for row in held:
		if active(row.name):
			continue  # already migrated
		source = OLD_SOURCES.get(row.ar_credit_hold_source or "", HoldSource.MANUAL)
		reason = row.ar_credit_hold_reason or "On credit hold before credit holds were records."
		if source is HoldSource.NO_CREDIT and row.ar_current_assessment:
			company, status = frappe.db.get_value(
				"Credit Assessment", row.ar_current_assessment, ["company", "status"]
			)
			if status == "Expired":
				source = HoldSource.ASSESSMENT_EXPIRED
			holds.place(row.name, company, source, reason, ("Credit Assessment", row.ar_current_assessment))
		elif source is HoldSource.COLLECTION_LADDER:
			for case, company in frappe.get_all(
				"Collection Case",
				filters={"customer": row.name, "status": ("not in", list(CLOSED))},
				fields=["name", "company"],
				as_list=True,
			) or [(None, None)]:
				holds.place(row.name, company, source, reason, ("Collection Case", case) if case else None)
		else:
			holds.place(row.name, None, HoldSource.MANUAL, reason)
