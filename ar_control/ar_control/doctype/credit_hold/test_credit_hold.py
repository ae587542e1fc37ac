# Copyright (c) 2026, ar_control developers and Contributors
# See license.txt

# import frappe
from frappe.tests.utils import FrappeTestCase


class TestCreditHold(FrappeTestCase):
	pass
