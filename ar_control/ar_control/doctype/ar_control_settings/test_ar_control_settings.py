# Copyright (c) 2026, ar_control developers and Contributors
# See license.txt

import frappe

from ar_control.core.aging import Basis, Buckets
from ar_control.messages import InvalidSettingsError
from ar_control.tests.utils import ARTestCase


class TestARControlSettings(ARTestCase):
	def test_install_filled_the_defaults(self):
		settings = frappe.get_single("AR Control Settings")
		self.assertEqual(settings.aging_buckets_parsed(), Buckets((30, 60, 90, 120)))
		self.assertEqual(settings.aging_basis(), Basis.DUE_DATE)
		self.assertEqual(settings.coordination_period_days, 60)

	def test_every_problem_is_reported_in_one_translated_error(self):
		settings = frappe.get_single("AR Control Settings")
		settings.aging_buckets = "30, 20, x"
		settings.coordination_period_days = 0
		with self.assertRaises(InvalidSettingsError) as caught:
			settings.save()
		self.assertIn("whole numbers of days", str(caught.exception))
		settings = frappe.get_single("AR Control Settings")
		settings.aging_buckets = "60, 30"
		settings.coordination_period_days = 0
		with self.assertRaises(InvalidSettingsError) as caught:
			settings.save()
		message = str(caught.exception)
		self.assertIn("increase strictly", message)
		self.assertIn("coordination period", message)

	def test_valid_settings_save(self):
		settings = frappe.get_single("AR Control Settings")
		settings.aging_buckets = "15, 45, 90"
		settings.coordination_period_days = 45
		settings.save()
		self.assertEqual(
			frappe.get_single("AR Control Settings").aging_buckets_parsed(), Buckets((15, 45, 90))
		)
