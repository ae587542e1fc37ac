"""Install and uninstall: custom fields on ERPNext DocTypes, the app's roles, default settings.

The custom fields are declared once, here, as a dict (the lending / hrms habit) and created with
``create_custom_fields``; ``before_uninstall`` removes exactly these fields and roles, so an
uninstalled site keeps nothing of the app.
"""

from __future__ import annotations

import frappe
from frappe.custom.doctype.custom_field.custom_field import create_custom_fields

from ar_control.roles import ROLES

CUSTOM_FIELDS = {
	"Customer": [
		{
			"fieldname": "ar_credit_section",
			"fieldtype": "Section Break",
			"label": "Credit Control",
			"insert_after": "credit_limits",
			"collapsible": 1,
		},
		{
			"fieldname": "ar_credit_grade",
			"fieldtype": "Data",
			"label": "Credit Grade",
			"insert_after": "ar_credit_section",
			"read_only": 1,
			"in_standard_filter": 1,
			"no_copy": 1,
		},
		{
			"fieldname": "ar_next_review_date",
			"fieldtype": "Date",
			"label": "Next Credit Review",
			"insert_after": "ar_credit_grade",
			"read_only": 1,
			"no_copy": 1,
		},
		{
			"fieldname": "ar_credit_column",
			"fieldtype": "Column Break",
			"insert_after": "ar_next_review_date",
		},
		{
			"fieldname": "ar_credit_hold",
			"fieldtype": "Check",
			"label": "On Credit Hold",
			"insert_after": "ar_credit_column",
			"in_standard_filter": 1,
			"no_copy": 1,
			"description": "New orders and invoices are blocked while the customer is on credit hold.",
		},
		{
			"fieldname": "ar_credit_hold_reason",
			"fieldtype": "Small Text",
			"label": "Credit Hold Reason",
			"insert_after": "ar_credit_hold",
			"depends_on": "ar_credit_hold",
			"mandatory_depends_on": "ar_credit_hold",
			"no_copy": 1,
		},
	],
}


def after_install() -> None:
	make_roles()
	make_custom_fields()
	set_default_settings()


def after_migrate() -> None:
	"""Keep custom fields in step with this file when the app is updated."""
	make_custom_fields()


def before_uninstall() -> None:
	remove_custom_fields()
	remove_roles()


def make_roles() -> None:
	for role in ROLES:
		if not frappe.db.exists("Role", role):
			frappe.get_doc({"doctype": "Role", "role_name": role, "desk_access": 1}).insert(
				ignore_permissions=True
			)


def make_custom_fields() -> None:
	create_custom_fields(CUSTOM_FIELDS, ignore_validate=True)


def set_default_settings() -> None:
	"""Fill AR Control Settings with the defaults its DocType declares, once."""
	settings = frappe.get_single("AR Control Settings")
	settings.set_defaults_if_empty()
	settings.save(ignore_permissions=True)


def remove_custom_fields() -> None:
	for doctype, fields in CUSTOM_FIELDS.items():
		for field in fields:
			name = frappe.db.get_value("Custom Field", {"dt": doctype, "fieldname": field["fieldname"]})
			if name:
				frappe.delete_doc("Custom Field", name, ignore_permissions=True, force=True)
		frappe.clear_cache(doctype=doctype)


def remove_roles() -> None:
	for role in ROLES:
		if frappe.db.exists("Role", role):
			frappe.db.delete("Has Role", {"role": role})
			frappe.db.delete("Custom DocPerm", {"role": role})
			frappe.delete_doc("Role", role, ignore_permissions=True, force=True)
