"""Small helpers shared by the Frappe layer."""

import frappe


def commit() -> None:
	"""Commit a finished batch of a scheduled job, so that a later failure does not undo it.

	Inside a test run the whole test is one transaction that is rolled back at its end, so
	nothing is committed there.
	"""
	if not frappe.flags.in_test:
		frappe.db.commit()
