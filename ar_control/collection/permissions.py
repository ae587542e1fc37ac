"""Who sees which collection cases (``permission_query_conditions`` and ``has_permission``).

Accounts and credit managers see every case. A collector sees the cases they own, a finance
user (Accounts User) the cases where they are the finance owner, a sales user the cases of
customers where they are the sales person. Activities follow their case.
"""

from __future__ import annotations

import frappe

SEE_ALL = {"System Manager", "Accounts Manager", "Credit Manager"}
OWNER_FIELD_BY_ROLE = {
	"Collector": "collector",
	"Accounts User": "finance_owner",
	"Sales User": "sales_person_user",
}


def _owner_fields(user: str) -> list[str] | None:
	"""None = sees all; else the case fields that must name the user (any of them)."""
	if user == "Administrator":
		return None
	roles = set(frappe.get_roles(user))
	if roles & SEE_ALL:
		return None
	return [field for role, field in OWNER_FIELD_BY_ROLE.items() if role in roles]


def _case_condition(user: str, table: str = "`tabCollection Case`") -> str:
	fields = _owner_fields(user)
	if fields is None:
		return ""
	if not fields:
		return "1=0"
	escaped = frappe.db.escape(user)
	return "(" + " or ".join(f"{table}.`{field}` = {escaped}" for field in fields) + ")"


def case_query(user: str | None = None) -> str:
	return _case_condition(user or frappe.session.user)


def activity_query(user: str | None = None) -> str:
	condition = _case_condition(user or frappe.session.user, "`tabCollection Case`")
	if not condition:
		return ""
	return (
		"`tabCollection Activity`.`collection_case` in "
		f"(select `tabCollection Case`.name from `tabCollection Case` where {condition})"
	)


def _may_see(case_values, user: str) -> bool:
	fields = _owner_fields(user)
	if fields is None:
		return True
	return any(case_values.get(field) == user for field in fields)


def case_has_permission(doc, ptype: str | None = None, user: str | None = None) -> bool:
	user = user or frappe.session.user
	if getattr(doc, "is_new", None) and doc.is_new():
		return True
	return _may_see(doc, user)


def activity_has_permission(doc, ptype: str | None = None, user: str | None = None) -> bool:
	user = user or frappe.session.user
	if not doc.get("collection_case"):
		return True
	case = frappe.db.get_value(
		"Collection Case", doc.collection_case, list(OWNER_FIELD_BY_ROLE.values()), as_dict=True
	)
	return bool(case) and _may_see(case, user)
