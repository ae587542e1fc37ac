"""Doc events of Communication (see ``doc_events`` in hooks.py)."""

import frappe


def on_trash(doc, method=None):
	"""A Communication ERPNext or a user deletes (ERPNext's *Delete Transactions* of a company
	deletes the e-mails of its documents) is no longer named by the collection activities that
	recorded it: each keeps its text and date, and the deletion is never refused because of
	them."""
	activity = frappe.qb.DocType("Collection Activity")
	frappe.qb.update(activity).set(activity.communication, None).where(
		activity.communication == doc.name
	).run()
