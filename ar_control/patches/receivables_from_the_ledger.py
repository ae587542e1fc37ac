"""The app reads ERPNext's Payment Ledger directly: the copy earlier versions kept (AR Ledger
Entry, its triggers on the Payment Ledger and their stored functions) goes, and the index on the
ledger comes (``after_migrate`` makes it). Also drops the Sales Invoice indexes the collection
queries no longer read (they read the ledger)."""

import frappe

from ar_control.data import ledger

RETIRED_INDEXES = (("Sales Invoice", "ar_customer_overdue"), ("Sales Invoice", "ar_open_invoices"))


def execute():
	ledger.remove_legacy()
	for doctype, name in RETIRED_INDEXES:
		if frappe.db.has_index(f"tab{doctype}", name):
			frappe.db.sql_ddl(f"ALTER TABLE `tab{doctype}` DROP INDEX `{name}`")
