"""The Customer shows the companies it is held in (*Held In Companies*): filled for every customer
an active Credit Hold covers."""

import frappe

from ar_control.credit import holds


def execute():
	for customer in frappe.get_all(
		holds.HOLD, filters={"status": holds.ACTIVE}, pluck="customer", distinct=True
	):
		holds.refresh_customer(customer)
