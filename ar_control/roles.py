"""The roles the app names: its own, ERPNext's it relies on, the sets of them that own a
decision, and the check a whitelisted method makes. Importable without Frappe (the contract tests
read the names); :func:`require_role` imports it when called."""

from __future__ import annotations

from collections.abc import Iterable

# The app's own roles, made on install and removed with the app
CREDIT_MANAGER = "Credit Manager"
COLLECTOR = "Collector"
ROLES = (CREDIT_MANAGER, COLLECTOR)

# Frappe's and ERPNext's
SYSTEM_MANAGER = "System Manager"
ACCOUNTS_MANAGER = "Accounts Manager"
SALES_MANAGER = "Sales Manager"
AUDITOR = "Auditor"

# Who manages receivables: reassigns a case or a customer's collection owners, writes off
# through the allowance (in this order on the Customer form's read-only condition)
MANAGERS = (CREDIT_MANAGER, ACCOUNTS_MANAGER, SYSTEM_MANAGER)

# Who changes credit limits, takes KPI snapshots and sees the app's errors
CREDIT_OR_SYSTEM_MANAGER = (CREDIT_MANAGER, SYSTEM_MANAGER)


def require_role(roles: Iterable[str], message: str, exc: type[Exception] | None = None) -> None:
	"""Refuse a user who has none of ``roles`` (``exc``, a ``PermissionError`` by default);
	``message`` says who may do it."""
	import frappe
	from frappe import _

	if not set(roles) & set(frappe.get_roles()):
		frappe.throw(message, title=_("Not Permitted"), exc=exc or frappe.PermissionError)
