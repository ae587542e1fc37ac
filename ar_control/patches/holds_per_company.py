"""The Customer shows the companies it is held in (*Held In Companies*): filled for every customer
an active Credit Hold covers."""

import frappe

from ar_control.credit.holds import refresh_customer
from ar_control.data.holds import ACTIVE, HOLD


def execute():
	for customer in frappe.get_all(HOLD, filters={"status": ACTIVE}, pluck="customer", distinct=True):
		refresh_customer(customer)
