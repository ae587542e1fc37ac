"""Small helpers shared by the Frappe layer: the app's "today" and batch commits."""

from datetime import date

import frappe
from frappe.utils import getdate


def today(value=None) -> date:
	"""The app's "today": ``value`` when given, else ``frappe.flags.current_date`` (tests and
	``--date`` move time with it), else the system date."""
	return getdate(value or frappe.flags.current_date or None)


def commit() -> None:
	"""Commit a finished batch of a scheduled job, so that a later failure does not undo it.

	Inside a test run the whole test is one transaction that is rolled back at its end, so
	nothing is committed there.
	"""
	if not frappe.flags.in_test:
		frappe.db.commit()
