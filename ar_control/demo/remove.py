"""``bench --site SITE ar-control demo --remove``: the demo company and what belongs to it, gone.

1. ERPNext's own Transaction Deletion Record deletes every document of the demo company (each
   DocType with a link to Company, the app's included), in this one process.
2. The company itself (ERPNext deletes its accounts, cost centres and warehouses with it).
3. The masters :mod:`ar_control.demo.make` made: what hangs below ``plan.ROOT`` (customers of
   its groups, with their contacts, activities and the app's records; its territories, sales
   persons and their employees, items), the users of ``plan.EMAIL_DOMAIN`` (with their User
   Permissions and passwords, also a password the desk's button stored for a demo that never
   made its users), the company's provision policy in AR Control Settings, and the fiscal years
   and exchange rates the manifest lists.

Nothing else is touched: a demo customer that has documents of another company stays, and is
named in what the command prints. Any other company is refused.
"""

from __future__ import annotations

import json
from collections.abc import Callable

import frappe
from frappe import _

from ar_control.demo import plan as story
from ar_control.demo.make import MANIFEST, exists
from ar_control.settings import remove_provision_policies

# the app's records of a customer that are not the company's documents (no Company link)
CUSTOMER_RECORDS = ("Collection Activity", "Collection Step Log", "Credit Hold", "Credit Override Log")


def remove(company: str = story.COMPANY, echo: Callable[[str], None] = print) -> dict:
	if company != story.COMPANY:
		frappe.throw(
			_("Only the demo company {0} can be removed this way, not {1}.").format(story.COMPANY, company)
		)
	if not exists():
		forget_passwords()
		echo(_("There is no demo company {0}: nothing to remove.").format(story.COMPANY))
		return {"removed": False}
	customers = frappe.get_all("Customer", filters={"customer_group": ("in", demo_groups())}, pluck="name")
	echo(_("Deleting the documents of {0}…").format(story.COMPANY))
	delete_transactions()
	frappe.db.commit()
	for doctype in CUSTOMER_RECORDS:
		if frappe.db.has_column(doctype, "customer"):
			frappe.db.delete(doctype, {"customer": ("in", customers or [""])})
	frappe.db.delete("ToDo", {"reference_type": "Customer", "reference_name": ("in", customers or [""])})
	remove_provision_policy()
	frappe.delete_doc("Company", story.COMPANY, ignore_permissions=True, force=True)
	kept = remove_customers(customers)
	remove_masters()
	frappe.db.commit()
	echo(_("Demo company {0} removed.").format(story.COMPANY))
	left = leftovers()
	echo(
		_("Nothing of the demo is left.")
		if not left
		else _("Left of the demo: {0}").format(", ".join(f"{k} ({v})" for k, v in left.items()))
	)
	if kept:
		echo(_("Kept, because they have documents of other companies: {0}").format(", ".join(kept)))
	return {"removed": True, "kept": kept}


def demo_groups() -> list[str]:
	return [story.ROOT, *(group for group, _days in story.GROUPS)]


def delete_transactions() -> None:
	record = frappe.get_doc(
		{
			"doctype": "Transaction Deletion Record",
			"company": story.COMPANY,
			"process_in_single_transaction": 1,
		}
	)
	record.insert(ignore_permissions=True)
	record.submit()
	record.start_deletion_tasks()
	record.reload()
	if record.status != "Completed":
		frappe.throw(
			_("ERPNext's Transaction Deletion Record {0} stopped with status {1}; see its error log.").format(
				record.name, record.status
			)
		)
	record.cancel()
	frappe.delete_doc("Transaction Deletion Record", record.name, ignore_permissions=True, force=True)


def remove_customers(customers: list[str]) -> list[str]:
	kept = []
	for name in customers:
		if frappe.db.exists("GL Entry", {"party_type": "Customer", "party": name}):
			kept.append(name)
			continue
		for link in frappe.get_all(
			"Dynamic Link",
			filters={
				"link_doctype": "Customer",
				"link_name": name,
				"parenttype": ("in", ["Contact", "Address"]),
			},
			fields=["parent", "parenttype"],
		):
			frappe.delete_doc(link.parenttype, link.parent, ignore_permissions=True, force=True)
		frappe.delete_doc("Customer", name, ignore_permissions=True, force=True)
	return kept


def remove_provision_policy() -> None:
	remove_provision_policies(story.COMPANY)


def forget_passwords() -> None:
	"""Passwords stored for demo users that do not exist (the desk's button stores the password
	before its job makes the users)."""
	auth = frappe.qb.Table("__Auth")
	users = frappe.get_all("User", filters={"name": ("like", f"%@{story.EMAIL_DOMAIN}")}, pluck="name")
	query = (
		frappe.qb.from_(auth)
		.delete()
		.where((auth.doctype == "User") & auth.name.like(f"%@{story.EMAIL_DOMAIN}"))
	)
	if users:
		query = query.where(auth.name.notin(users))
	query.run()


def remove_masters() -> None:
	for person in frappe.get_all(
		"Sales Person", filters={"parent_sales_person": story.ROOT}, fields=["name", "employee"]
	):
		frappe.delete_doc("Sales Person", person.name, ignore_permissions=True, force=True)
		if person.employee:
			frappe.delete_doc("Employee", person.employee, ignore_permissions=True, force=True)
	for item in frappe.get_all("Item", filters={"item_group": story.ROOT}, pluck="name"):
		frappe.delete_doc("Item", item, ignore_permissions=True, force=True)
	for currency in (story.CURRENCY, story.FOREIGN_CURRENCY):
		if frappe.db.exists("Price List", f"{story.ROOT} {currency}"):
			frappe.delete_doc("Price List", f"{story.ROOT} {currency}", ignore_permissions=True, force=True)
	for doctype, field in (("Customer Group", "customer_group"), ("Territory", "territory")):
		for name in frappe.get_all(doctype, filters={f"parent_{field}": story.ROOT}, pluck="name"):
			if not frappe.db.exists("Customer", {field: name}):
				frappe.delete_doc(doctype, name, ignore_permissions=True, force=True)
	for doctype in ("Customer Group", "Territory", "Sales Person", "Item Group"):
		if frappe.db.exists(doctype, story.ROOT) and not frappe.db.count(
			doctype, {f"parent_{frappe.scrub(doctype)}": story.ROOT}
		):
			frappe.delete_doc(doctype, story.ROOT, ignore_permissions=True, force=True)
	# the KPI alerts the demo's users were sent go with them
	frappe.db.delete("Notification Log", {"for_user": ("like", f"%@{story.EMAIL_DOMAIN}")})
	for user in frappe.get_all("User", filters={"name": ("like", f"%@{story.EMAIL_DOMAIN}")}, pluck="name"):
		frappe.delete_doc("User", user, ignore_permissions=True, force=True)
	frappe.db.delete("User Permission", {"user": ("like", f"%@{story.EMAIL_DOMAIN}")})
	forget_passwords()
	# the contacts Frappe makes for users (a background job after each user's insert)
	for contact in frappe.get_all(
		"Contact Email",
		filters={"email_id": ("like", f"%{story.EMAIL_DOMAIN}"), "parenttype": "Contact"},
		pluck="parent",
		distinct=True,
	):
		frappe.delete_doc("Contact", contact, ignore_permissions=True, force=True)
	manifest = json.loads(frappe.db.get_default(MANIFEST) or "{}")
	for doctype, names in manifest.items():
		for name in names:
			if frappe.db.exists(doctype, name):
				frappe.delete_doc(doctype, name, ignore_permissions=True, force=True)
	for name in frappe.get_all("Fiscal Year", filters={"name": ("like", f"{story.ROOT} %")}, pluck="name"):
		frappe.delete_doc("Fiscal Year", name, ignore_permissions=True, force=True)
	frappe.db.delete("DefaultValue", {"defkey": MANIFEST})
	frappe.db.delete("DefaultValue", {"parent": ("like", f"%@{story.EMAIL_DOMAIN}")})


def leftovers() -> dict[str, int]:
	"""What of the demo is still there: documents of any DocType linking to the demo company,
	the company, its masters and users (empty after a complete removal)."""
	found: dict[str, int] = {}
	links = frappe.get_all(
		"DocField",
		filters={"fieldtype": "Link", "options": "Company", "parenttype": "DocType"},
		fields=["parent", "fieldname"],
	)
	custom = frappe.get_all(
		"Custom Field",
		filters={"fieldtype": "Link", "options": "Company"},
		fields=["dt as parent", "fieldname"],
	)
	for link in links + custom:
		meta = frappe.get_meta(link.parent)
		if meta.issingle or meta.istable or meta.is_virtual or not frappe.db.table_exists(link.parent):
			continue
		count = frappe.db.count(link.parent, {link.fieldname: story.COMPANY})
		if count:
			found[link.parent] = found.get(link.parent, 0) + count
	for doctype, filters in (
		("Company", {"name": story.COMPANY}),
		("Customer", {"customer_group": ("in", demo_groups())}),
		("Customer Group", {"name": ("in", demo_groups())}),
		("Territory", {"name": ("in", [story.ROOT, *story.TERRITORIES])}),
		("Sales Person", {"name": ("in", [story.ROOT, *(p for p, _login in story.SALES_PERSONS)])}),
		("Item Group", {"name": story.ROOT}),
		("Item", {"item_group": story.ROOT}),
		("User", {"name": ("like", f"%@{story.EMAIL_DOMAIN}")}),
		("Contact Email", {"email_id": ("like", f"%{story.EMAIL_DOMAIN}")}),
		("Notification Log", {"for_user": ("like", f"%@{story.EMAIL_DOMAIN}")}),
		("Fiscal Year", {"name": ("like", f"{story.ROOT} %")}),
		("User Permission", {"user": ("like", f"%@{story.EMAIL_DOMAIN}")}),
		("AR Provision Policy", {"company": story.COMPANY}),
	):
		count = frappe.db.count(doctype, filters)
		if count:
			found[doctype] = count
	auth = frappe.qb.Table("__Auth")
	passwords = (
		frappe.qb.from_(auth)
		.select(auth.name)
		.where((auth.doctype == "User") & auth.name.like(f"%@{story.EMAIL_DOMAIN}"))
		.run(pluck=True)
	)
	if passwords:
		found["password"] = len(passwords)
	return found
