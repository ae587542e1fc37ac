# Copyright (c) 2026, ar_control developers and Contributors
# See license.txt

import frappe

from ar_control.core.aging import Basis, Buckets, Stages
from ar_control.settings import InvalidSettingsError, get_settings
from ar_control.tests.utils import ARTestCase


class TestARControlSettings(ARTestCase):
	def test_install_filled_the_defaults(self):
		settings = get_settings()
		self.assertEqual(settings.aging_buckets(), Buckets((30, 60, 90, 120)))
		self.assertEqual(settings.aging_basis(), Basis.DUE_DATE)
		self.assertEqual(settings.stages(), Stages(60))

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
		self.assertEqual(get_settings().aging_buckets(), Buckets((15, 45, 90)))

	def test_credit_factors_grades_and_the_ladder_are_validated_together(self):
		settings = frappe.get_single("AR Control Settings")
		settings.credit_factors[0].weight = 35  # weights now sum to 115
		settings.credit_grades[-1].min_score = 10  # no grade starts at 0
		settings.collection_levels[2].days = -5  # the letter before the call
		settings.recovery_rates[0].recoverable_percent = 120
		with self.assertRaises(InvalidSettingsError) as caught:
			settings.save()
		message = str(caught.exception)
		self.assertIn("must sum to 100, they sum to 115", message)
		self.assertIn("must start at score 0", message)
		self.assertIn("Ladder level 3 (-5 days) must come later than level 2 (1 days)", message)
		self.assertIn("between 0 and 100 percent, not 120", message)

	def test_install_filled_the_seed_defaults(self):
		settings = frappe.get_single("AR Control Settings")
		self.assertEqual(sum(f.weight for f in settings.credit_factors), 100)
		self.assertEqual([g.grade for g in settings.credit_grades], ["A", "B", "C", "D", "E"])
		self.assertEqual(
			[(lvl.days, lvl.action) for lvl in settings.collection_levels],
			[
				(-3, "Reminder Email"),
				(1, "Call Task"),
				(15, "Dunning Letter"),
				(30, "Credit Hold"),
				(60, "Legal Hand-over"),
				(180, "Write-off Proposal"),
			],
		)
		self.assertTrue(frappe.db.exists("Email Template", "AR Control: Payment Reminder"))
