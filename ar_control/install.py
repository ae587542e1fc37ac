"""Install and uninstall: custom fields on ERPNext DocTypes, the app's roles, default settings.

The custom fields are declared once, here, as a dict (the lending / hrms habit) and created with
``create_custom_fields``; ``before_uninstall`` removes exactly these fields and roles, so an
uninstalled site keeps nothing of the app.
"""

from __future__ import annotations

import frappe
from frappe.custom.doctype.custom_field.custom_field import create_custom_fields

from ar_control import compat
from ar_control.core import escalation
from ar_control.data import indexes, ledger
from ar_control.roles import CREDIT_MANAGER, MANAGERS, ROLES
from ar_control.settings import SETTINGS, Settings

# The collection owners are set by these roles (``ar_control.overrides.customer`` enforces it)
OWNERS_READ_ONLY = "eval:!frappe.user.has_role([{}])".format(", ".join(f"'{role}'" for role in MANAGERS))

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
			"fieldname": "ar_current_assessment",
			"fieldtype": "Link",
			"label": "Current Credit Assessment",
			"options": "Credit Assessment",
			"insert_after": "ar_next_review_date",
			"read_only": 1,
			"no_copy": 1,
		},
		{
			"fieldname": "ar_credit_column",
			"fieldtype": "Column Break",
			"insert_after": "ar_current_assessment",
		},
		{
			"fieldname": "ar_credit_hold",
			"fieldtype": "Check",
			"label": "On Credit Hold",
			"insert_after": "ar_credit_column",
			"in_standard_filter": 1,
			"read_only": 1,
			"no_copy": 1,
			"description": "Set while an active Credit Hold covers the customer in any company (Held In Companies lists which); holds are placed and released by a Credit Manager, an assessment or the collection ladder.",
		},
		{
			"fieldname": "ar_credit_hold_reason",
			"fieldtype": "Small Text",
			"label": "Credit Hold Reason",
			"insert_after": "ar_credit_hold",
			"depends_on": "ar_credit_hold",
			"read_only": 1,
			"no_copy": 1,
		},
		{
			"fieldname": "ar_collector",
			"fieldtype": "Link",
			"label": "Collector",
			"options": "User",
			"insert_after": "ar_credit_hold_source",
			"read_only_depends_on": OWNERS_READ_ONLY,
			"description": "Owns this customer's collection cases (default: AR Control Settings).",
		},
		{
			"fieldname": "ar_finance_owner",
			"fieldtype": "Link",
			"label": "Finance Owner",
			"options": "User",
			"insert_after": "ar_collector",
			"read_only_depends_on": OWNERS_READ_ONLY,
		},
		{
			"fieldname": "ar_credit_hold_source",
			"fieldtype": "Data",
			"label": "Credit Hold Set By",
			"insert_after": "ar_credit_hold_reason",
			"read_only": 1,
			"no_copy": 1,
			"depends_on": "ar_credit_hold",
			"description": "The sources of the active credit holds: Manual, No Credit, Assessment Expired, Collection Ladder.",
		},
		{
			"fieldname": "ar_credit_hold_companies",
			"fieldtype": "Table",
			"label": "Held In Companies",
			"options": "Credit Hold Company",
			"insert_after": "ar_credit_hold_source",
			"depends_on": "ar_credit_hold",
			"read_only": 1,
			"no_copy": 1,
			"description": "Each company in which the customer's documents are stopped, and why (a hold of every company covers each).",
		},
	],
	**{
		doctype: [
			{
				"fieldname": "ar_credit_override_reason",
				"fieldtype": "Small Text",
				"label": "Credit Override Reason",
				"insert_after": "amended_from",
				"no_copy": 1,
				"print_hide": 1,
				"depends_on": "eval:doc.ar_credit_override_reason || (doc.docstatus === 0 && frappe.user.has_role('Credit Manager'))",
				"description": "A Credit Manager may submit a document the credit check blocks by giving the reason here; the override is recorded in the Credit Override Log.",
			}
		]
		for doctype in ("Sales Order", "Delivery Note", "Sales Invoice")
	},
}


def before_install() -> None:
	"""Rebuild the module map before Frappe syncs the app's DocTypes.

	A bench process takes its map of apps and modules from the cache when it starts. On a running
	bench whose cache was filled before the app was added to apps.txt, that map has no AR Control
	module: the install would sync none of the app's DocTypes and then fail in ``after_install``
	with the app already marked installed. Reading the map afresh makes the first install work.
	"""
	frappe.cache.delete_value(["app_modules", "installed_app_modules"])
	frappe.setup_module_map()


def after_install() -> None:
	make_roles()
	make_custom_fields()
	indexes.make()
	make_email_templates()
	set_default_settings()
	make_credit_manager_erpnext_credit_controller()


def before_migrate() -> None:
	"""The migrate never meets the app's indexes on ERPNext's tables (an ALTER of a column they
	cover might fail over them), nor what earlier versions kept in the database."""
	ledger.remove_legacy()
	indexes.remove()


def after_migrate() -> None:
	"""Keep custom fields, indexes, e-mail templates and settings defaults in step with this
	version of the app (a new setting of an update gets its default; nothing set is changed)."""
	make_custom_fields()
	make_email_templates()
	set_default_settings()
	# what before_migrate dropped (and whatever else is missing) is made again: not a repair
	ledger.remove_legacy()
	indexes.make()
	ledger.forget()


def before_uninstall() -> None:
	ledger.remove_legacy()
	release_erpnext_credit_controller()
	indexes.remove()
	remove_custom_fields()
	remove_email_templates()
	remove_roles()
	compat.remove_workspace_sidebars("AR Control")


EMAIL_TEMPLATES = {
	escalation.REMINDER_TEMPLATE: {
		"subject": "Payment reminder from {{ company }}: {{ invoices|length }} invoice(s) due soon",
		"response_html": """<p>Dear {{ customer_name }},</p>
<p>This is a friendly reminder that the following invoices from {{ company }} fall due shortly.</p>
<table border="1" cellpadding="4" cellspacing="0">
<tr><th>Invoice</th><th>Due date</th><th>Outstanding</th></tr>
{% for invoice in invoices %}<tr><td>{{ invoice.name }}</td><td>{{ invoice.due_date }}</td>
<td style="text-align: right">{{ invoice.outstanding }}</td></tr>{% endfor %}
</table>
<p>Total: <b>{{ total }}</b></p>
<p>See what is open, promise a date, dispute an invoice or pay on your page: <a href="{{ customer_link }}">{{ customer_link }}</a></p>
<p>If you have already paid, please disregard this message. Thank you.</p>""",
	},
	escalation.DUNNING_TEMPLATE: {
		"subject": "Overdue invoices: formal notice from {{ company }}",
		"response_html": """<p>Dear {{ customer_name }},</p>
<p>Despite our reminders, the following invoices are overdue. Please find our formal letter attached.</p>
<table border="1" cellpadding="4" cellspacing="0">
<tr><th>Invoice</th><th>Due date</th><th>Days overdue</th><th>Outstanding</th></tr>
{% for invoice in invoices %}<tr><td>{{ invoice.name }}</td><td>{{ invoice.due_date }}</td>
<td style="text-align: right">{{ invoice.days_overdue }}</td>
<td style="text-align: right">{{ invoice.outstanding }}</td></tr>{% endfor %}
</table>
<p>Total overdue: <b>{{ total }}</b>. Please pay it without delay or contact us to agree on a date.</p>
<p>See what is open, promise a date, dispute an invoice or pay on your page: <a href="{{ customer_link }}">{{ customer_link }}</a></p>""",
	},
}


def make_email_templates() -> None:
	"""The default ladder's e-mails. Editable by the user; removed with the app."""
	for name, values in EMAIL_TEMPLATES.items():
		if not frappe.db.exists("Email Template", name):
			frappe.get_doc({"doctype": "Email Template", "name": name, "use_html": 1, **values}).insert(
				ignore_permissions=True
			)


def remove_email_templates() -> None:
	for name in EMAIL_TEMPLATES:
		frappe.delete_doc_if_exists("Email Template", name, force=True)


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
	doc = frappe.get_single(SETTINGS)
	Settings(doc).fill_defaults()
	doc.save(ignore_permissions=True)


def make_credit_manager_erpnext_credit_controller() -> None:
	"""Let ERPNext's own credit check defer to ours for Credit Managers.

	ERPNext refuses a document over the limit unless the user holds the role named in Accounts
	Settings > Credit Controller. With Credit Manager there, a Credit Manager's override of our
	check (which needs a recorded reason) is not refused again by ERPNext. An existing setting
	is left alone.
	"""
	if not frappe.db.get_single_value("Accounts Settings", "credit_controller"):
		frappe.db.set_single_value("Accounts Settings", "credit_controller", CREDIT_MANAGER)


def release_erpnext_credit_controller() -> None:
	if frappe.db.get_single_value("Accounts Settings", "credit_controller") == CREDIT_MANAGER:
		frappe.db.set_single_value("Accounts Settings", "credit_controller", None)


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
