# Copyright (c) 2026, ar_control developers and Contributors
# See license.txt

# import frappe
from ar_control.tests.utils import ARTestCase


class TestCollectionKPISnapshot(ARTestCase):
	pass
