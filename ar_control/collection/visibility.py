"""Who sees which collection cases (``permission_query_conditions`` and ``has_permission``).

Accounts, credit and sales managers, auditors and system managers see every case. A collector
sees the cases they own, a finance user (Accounts User) the cases where they are the finance
owner, a sales user the cases of customers where they are the sales person. On top, ERPNext's
User Permissions on the case's Customer and Company apply, as on any document.

Everything kept about a case follows the case: its invoice rows (Collection Case Invoice), its
activities and its ladder steps are visible exactly when the case is. Ladder steps recorded
before a case existed (the reminder before the due date) are seen by the roles that see every
case.
"""

from __future__ import annotations

import frappe

from ar_control.roles import AUDITOR, COLLECTOR, MANAGERS, SALES_MANAGER

SEE_ALL = {*MANAGERS, SALES_MANAGER, AUDITOR}
OWNER_FIELD_BY_ROLE = {
	COLLECTOR: "collector",
	"Accounts User": "finance_owner",
	"Sales User": "sales_person_user",
}
CASE = "Collection Case"


def _owner_fields(user: str) -> list[str] | None:
	"""None = sees all; else the case fields that must name the user (any of them)."""
	if user == "Administrator":
		return None
	roles = set(frappe.get_roles(user))
	if roles & SEE_ALL:
		return None
	return [field for role, field in OWNER_FIELD_BY_ROLE.items() if role in roles]


def case_query(user: str | None = None, doctype: str | None = None) -> str:
	"""The cases' own rule (Frappe adds User Permissions on Customer and Company to it)."""
	fields = _owner_fields(user or frappe.session.user)
	if fields is None:
		return ""
	if not fields:
		return "1=0"
	escaped = frappe.db.escape(user or frappe.session.user)
	return "(" + " or ".join(f"`tabCollection Case`.`{field}` = {escaped}" for field in fields) + ")"


def _visible_cases(user: str) -> str:
	"""The full condition on `tabCollection Case` for ``user``: the rule above and the user's
	User Permissions, as Frappe builds it for a case list."""
	from frappe.model.db_query import DatabaseQuery

	return DatabaseQuery(CASE, user=user).build_match_conditions()


def _follows_case(table: str, field: str, user: str | None) -> str:
	condition = _visible_cases(user or frappe.session.user)
	if not condition:
		return ""
	return f"`{table}`.`{field}` in (select `tabCollection Case`.name from `tabCollection Case` where {condition})"


def activity_query(user: str | None = None, doctype: str | None = None) -> str:
	return _follows_case("tabCollection Activity", "collection_case", user)


def step_log_query(user: str | None = None, doctype: str | None = None) -> str:
	return _follows_case("tabCollection Step Log", "collection_case", user)


def case_invoice_query(user: str | None = None, doctype: str | None = None) -> str:
	return _follows_case("tabCollection Case Invoice", "parent", user)


def case_has_permission(doc, ptype: str | None = None, user: str | None = None) -> bool:
	user = user or frappe.session.user
	if getattr(doc, "is_new", None) and doc.is_new():
		return True
	fields = _owner_fields(user)
	return fields is None or any(doc.get(field) == user for field in fields)


def _case_visible(case: str | None, user: str, see_all_without_case: bool) -> bool:
	if not case:
		return see_all_without_case and _owner_fields(user) is None
	return bool(frappe.has_permission(CASE, "read", case, user=user))


def activity_has_permission(doc, ptype: str | None = None, user: str | None = None) -> bool:
	if getattr(doc, "is_new", None) and doc.is_new() and not doc.get("collection_case"):
		return True
	return _case_visible(doc.get("collection_case"), user or frappe.session.user, False)


def step_log_has_permission(doc, ptype: str | None = None, user: str | None = None) -> bool:
	return _case_visible(doc.get("collection_case"), user or frappe.session.user, True)
