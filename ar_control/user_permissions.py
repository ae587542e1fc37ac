"""What a user may see of the receivables: ERPNext User Permissions on Customer and Company.

The reports, number cards, charts and the credit panel narrow their queries to the customers
and companies a user's User Permissions allow, as Frappe narrows ERPNext's own Accounts
Receivable report (reference DocType Sales Invoice): a permission counts when it applies to
every DocType or to Sales Invoice. Narrowing happens in the query, so totals, charts and summary
figures are those of the permitted customers alone, never a total of rows the user may not see.
"""

from __future__ import annotations

import frappe
from frappe import _
from frappe.utils import escape_html

# The DocType whose User Permissions narrow the receivables, as for ERPNext's AR report
REFERENCE_DOCTYPE = "Sales Invoice"


def allowed(doctype: str, user: str | None = None) -> list[str] | None:
	"""The ``doctype`` records the user is restricted to; ``None`` when unrestricted."""
	from frappe.core.doctype.user_permission.user_permission import get_user_permissions

	entries = get_user_permissions(user or frappe.session.user).get(doctype) or []
	docs = sorted(
		{
			entry.get("doc")
			for entry in entries
			if not entry.get("applicable_for") or entry.get("applicable_for") == REFERENCE_DOCTYPE
		}
	)
	return docs or None


def customers(user: str | None = None) -> list[str] | None:
	"""The customers the user is restricted to; ``None`` when unrestricted."""
	return allowed("Customer", user)


def require_allowed(doctype: str, name: str, user: str | None = None) -> None:
	"""Refuse a customer or company the user's User Permissions leave out."""
	permitted = allowed(doctype, user)
	if permitted is not None and name not in permitted:
		frappe.throw(
			_("You are not permitted to see the receivables of {0}.").format(frappe.bold(escape_html(name))),
			title=_("Not Permitted"),
			exc=frappe.PermissionError,
		)


def require_company(company: str, user: str | None = None) -> None:
	require_allowed("Company", company, user)


def require_customer(customer: str, user: str | None = None) -> None:
	require_allowed("Customer", customer, user)


def narrow_customers(wanted: list[str] | None, user: str | None = None) -> list[str] | None:
	"""The customers a query may read: ``wanted`` (``None`` = all) within what the user may see.
	A wanted customer outside the user's permissions is refused, not silently dropped."""
	permitted = customers(user)
	if wanted is None:
		return permitted
	for customer in wanted:
		require_customer(customer, user)
	return list(wanted)
