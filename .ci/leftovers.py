"""Print whatever of ar_control is still on a site after `uninstall-app`; exit 1 if anything.

Run from the bench's sites folder with the bench's Python: ../env/bin/python leftovers.py SITE
"""

import json
import sys
from pathlib import Path

import frappe

from ar_control.data.indexes import INDEXES
from ar_control.data.ledger import LEGACY_TABLE
from ar_control.install import CUSTOM_FIELDS, EMAIL_TEMPLATES
from ar_control.roles import ROLES

APP = Path(__file__).resolve().parent.parent / "ar_control"


def main(site: str) -> int:
	frappe.init(site=site, sites_path=".")
	frappe.connect()
	found = []
	found += [
		f"Module Def {n}" for n in frappe.get_all("Module Def", {"app_name": "ar_control"}, pluck="name")
	]
	found += [f"DocType {n}" for n in frappe.get_all("DocType", {"module": "AR Control"}, pluck="name")]
	for doctype, fields in CUSTOM_FIELDS.items():
		names = [f["fieldname"] for f in fields]
		found += [
			f"Custom Field {n}"
			for n in frappe.get_all("Custom Field", {"dt": doctype, "fieldname": ("in", names)}, pluck="name")
		]
	found += [f"Role {n}" for n in frappe.get_all("Role", {"name": ("in", ROLES)}, pluck="name")]
	found += [f"Email Template {n}" for n in EMAIL_TEMPLATES if frappe.db.exists("Email Template", n)]
	found += [
		f"index {i.name} on {i.doctype}" for i in INDEXES if frappe.db.has_index(f"tab{i.doctype}", i.name)
	]
	if frappe.db.table_exists(LEGACY_TABLE):
		found.append(f"table tab{LEGACY_TABLE}")
	found += [
		f"trigger {name}"
		for (name,) in frappe.db.sql(
			"select trigger_name from information_schema.triggers"
			" where trigger_schema = database() and trigger_name like 'ar_control%%'"
		)
	]
	found += [
		f"function {name}"
		for (name,) in frappe.db.sql(
			"select routine_name from information_schema.routines"
			" where routine_schema = database() and routine_name like 'ar_control%%'"
		)
	]
	for doctype in ("Workspace", "Number Card", "Dashboard Chart", "Report", "Workspace Sidebar"):
		if frappe.db.table_exists(doctype):  # Workspace Sidebar: Frappe 16
			found += [
				f"{doctype} {n}" for n in frappe.get_all(doctype, {"module": "AR Control"}, pluck="name")
			]
	if frappe.db.table_exists("Desktop Icon"):
		# Frappe 16 makes one for the app's workspace; Frappe 15's older table has other columns
		wanted = {
			"name": "AR Control",
			"app": "ar_control",
			"link_to": "AR Control",
			"module_name": "AR Control",
		}
		or_filters = {
			k: v for k, v in wanted.items() if k == "name" or frappe.db.has_column("Desktop Icon", k)
		}
		found += [
			f"Desktop Icon {n}" for n in frappe.get_all("Desktop Icon", or_filters=or_filters, pluck="name")
		]
	for path in APP.glob("*/doctype/*/*.json"):
		if path.stem == path.parent.name:
			name = json.loads(path.read_text())["name"]
			if frappe.db.table_exists(name):
				found.append(f"table tab{name}")
	frappe.destroy()
	print("\n".join(found))
	return 1 if found else 0


if __name__ == "__main__":
	sys.exit(main(sys.argv[1]))
