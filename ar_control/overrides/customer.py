"""Who may change the credit fields of a Customer, a Customer Group and a Company.

ERPNext lets anyone who writes a Customer (a Sales User) change its credit limits, and so lift
the credit check. With the app installed:

- the credit state the app derives (grade, next review, current assessment, credit hold and its
  reason and source) is written only by the app itself (assessments, ``credit.holds``), never
  through a Customer save, whoever saves it;
- the collection owners (collector, finance owner) are set by a Credit Manager, an Accounts
  Manager or a System Manager;
- the credit limits ERPNext's check and the app's use (Customer Credit Limit rows of a Customer
  or Customer Group, the Company's credit limit) are changed by a Credit Manager or a System
  Manager.

The app writes its own changes with ``frappe.db.set_value``, which these guards do not see; a
form or REST save that changes a guarded field is refused with a message naming the fields.
The fields are read-only on the form as well (``install.CUSTOM_FIELDS``); permission levels are
not used because a permission row on Customer would replace ERPNext's own Customer permissions.
"""

from __future__ import annotations

import frappe
from frappe import _
from frappe.utils import cint, flt

from ar_control.roles import CREDIT_OR_SYSTEM_MANAGER, MANAGERS

DERIVED_FIELDS = (
	"ar_credit_grade",
	"ar_next_review_date",
	"ar_current_assessment",
	"ar_credit_hold",
	"ar_credit_hold_reason",
	"ar_credit_hold_source",
)
OWNER_FIELDS = ("ar_collector", "ar_finance_owner")
OWNER_ROLES = MANAGERS
LIMIT_ROLES = CREDIT_OR_SYSTEM_MANAGER


class CreditFieldPermissionError(frappe.PermissionError):
	"""A save that changes credit fields the user may not change."""


def _value(doc, field: str):
	value = doc.get(field) if doc else None
	return cint(value) if field == "ar_credit_hold" else (value or None)


def _limits(doc) -> list[tuple]:
	rows = doc.get("credit_limits") or [] if doc else []
	return sorted(
		(row.get("company") or "", flt(row.get("credit_limit")), cint(row.get("bypass_credit_limit_check")))
		for row in rows
	)


def _refuse(doc, fields: list[str], roles: set[str] | None) -> None:
	labels = ", ".join(_(doc.meta.get_label(field)) for field in fields)
	if roles is None:
		message = _(
			"{0} of {1} are set by AR Control (credit assessments and credit holds) and cannot be changed here."
		)
		frappe.throw(
			message.format(labels, frappe.bold(doc.name or _("a new record"))),
			title=_("Not Permitted"),
			exc=CreditFieldPermissionError,
		)
	frappe.throw(
		_("Only a user with one of the roles {0} can change {1}.").format(
			", ".join(_(role) for role in sorted(roles)), labels
		),
		title=_("Not Permitted"),
		exc=CreditFieldPermissionError,
	)


def _held_in(doc) -> list[tuple]:
	rows = doc.get("ar_credit_hold_companies") or [] if doc else []
	return [(row.get("company"), row.get("reasons") or None, row.get("sources") or None) for row in rows]


def validate_customer(doc, method=None) -> None:
	before = doc.get_doc_before_save()
	changed = [f for f in DERIVED_FIELDS if _value(doc, f) != _value(before, f)]
	if _held_in(doc) != _held_in(before):
		changed.append("ar_credit_hold_companies")
	if changed:
		_refuse(doc, changed, None)
	roles = set(frappe.get_roles())
	changed = [f for f in OWNER_FIELDS if _value(doc, f) != _value(before, f)]
	if changed and not roles & set(OWNER_ROLES):
		_refuse(doc, changed, OWNER_ROLES)
	validate_credit_limits(doc)


def validate_credit_limits(doc, method=None) -> None:
	"""Customer and Customer Group: the Customer Credit Limit rows."""
	if _limits(doc) != _limits(doc.get_doc_before_save()) and not set(frappe.get_roles()) & set(LIMIT_ROLES):
		_refuse(doc, ["credit_limits"], LIMIT_ROLES)


def validate_company(doc, method=None) -> None:
	before = doc.get_doc_before_save()
	old = flt(before.credit_limit) if before else 0
	if flt(doc.get("credit_limit")) != old and not set(frappe.get_roles()) & set(LIMIT_ROLES):
		_refuse(doc, ["credit_limit"], LIMIT_ROLES)
