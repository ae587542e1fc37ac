"""Small helpers shared by the Frappe layer: the app's "today", a company's currency and batch
commits."""

from datetime import date

import frappe
from frappe.utils import getdate

from ar_control import compat


def today(value=None) -> date:
	"""The app's "today": ``value`` when given, else ``frappe.flags.current_date`` (tests and
	``--date`` move time with it), else the system date."""
	return getdate(value or frappe.flags.current_date or None)


def company_currency(company: str) -> str | None:
	"""The company's currency (ERPNext's *Default Currency*), read once per request: one column
	of one row, not the cached Company document, whose first load in a process imports ERPNext's
	Company controller (a tenth of a second a report would pay on its first call)."""
	return frappe.db.get_value("Company", company, "default_currency", cache=True)


# Error Log titles of the app start with this (untranslated, so the workspace can count them)
ERROR_PREFIX = "AR Control: "


def log_error(
	message: str,
	reference_doctype: str | None = None,
	reference_name: str | None = None,
	details: str | None = None,
):
	"""Record a failure in the Error Log, titled so the workspace counts it: the exception being
	handled, or ``details`` when there is none."""
	return frappe.log_error(
		title=ERROR_PREFIX + message,
		message=details,
		reference_doctype=reference_doctype,
		reference_name=reference_name,
	)


def commit() -> None:
	"""Commit a finished batch of a scheduled job, so that a later failure does not undo it.

	Inside a test run the whole test is one transaction that is rolled back at its end, so
	nothing is committed there.
	"""
	if not compat.in_test():
		frappe.db.commit()
