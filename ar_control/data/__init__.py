"""Data access: set-based ``frappe.qb`` queries that turn ERPNext's ledgers into core records."""
