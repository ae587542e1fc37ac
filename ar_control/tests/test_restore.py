"""ERPNext's own operations never fail because the app is installed: proven with the bench's own
commands, in subprocesses, on a site this test makes and drops.

The test site's backup is restored into a new site (another database, another database user:
how a site moves to another server); then, on that site: a backup restored into the same site;
a backup taken with the app restored after ``uninstall-app``; ``migrate``; and ``install-app`` on
a site restored from a backup taken without the app. After each, on that site
(:func:`ar_control.tests.restore_checks.post_and_compare`, in a process of its own): a Sales Invoice, a Payment Entry, a
Journal Entry against the customer and a Payment Reconciliation post, the health check finds
nothing wrong, and the app's aging equals ERPNext's Accounts Receivable. The lines it prints
(what was posted after each step) are the evidence the README quotes.

It needs MariaDB's root password (``root_password`` in the bench's common_site_config.json, as
``bench new-site`` does) and takes several minutes, so it runs when ``AR_CONTROL_RESTORE_TESTS``
is set (``.ci/bench-suite`` sets it on the ERPNext 15 bench).
"""

from __future__ import annotations

import json
import os
import subprocess
import tempfile
import time
from pathlib import Path

import frappe

from ar_control.compat import test_record_dependencies
from ar_control.tests.processes import bench_command
from ar_control.tests.utils import TEST_DEPENDENCIES, ARTestCase

globals().update(test_record_dependencies(TEST_DEPENDENCIES))

TIMEOUT = 1800


def run(*args: str, check: bool = True) -> str:
	"""Run ``bench ARGS`` in the sites folder; its output (stdout and stderr)."""
	done = subprocess.run(
		bench_command(*args),
		cwd=frappe.local.sites_path,
		capture_output=True,
		text=True,
		timeout=TIMEOUT,
		env={**os.environ, "PYTHONUNBUFFERED": "1"},
	)
	output = done.stdout + done.stderr
	if check and done.returncode:
		raise AssertionError(f"bench {' '.join(args)} failed ({done.returncode}):\n{output[-3000:]}")
	return output


def database_file(folder: str) -> str:
	(found,) = Path(folder).glob("*-database.sql.gz")
	return str(found)


class TestBenchCommands(ARTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.root_password = os.environ.get("AR_CONTROL_DB_ROOT_PASSWORD") or frappe.conf.get("root_password")

	def setUp(self):
		if not os.environ.get("AR_CONTROL_RESTORE_TESTS"):
			self.skipTest("set AR_CONTROL_RESTORE_TESTS=1 to run the bench commands (several minutes)")
		if not self.root_password:
			raise AssertionError(
				"the restore tests need MariaDB's root password: root_password in common_site_config.json"
			)
		self.site = f"ar_restore_{int(time.time())}_{os.getpid()}"
		self.folder = tempfile.mkdtemp(prefix="ar_restore_")
		self.results = []

	def tearDown(self):
		if getattr(self, "site", None) and Path(frappe.local.sites_path, self.site).exists():
			run(
				"drop-site",
				self.site,
				"--force",
				"--no-backup",
				"--db-root-password",
				self.root_password,
				check=False,
			)
		for line in getattr(self, "results", []):
			print(line)

	def backup(self, site: str, name: str) -> str:
		folder = os.path.join(self.folder, name)
		run("--site", site, "backup", "--backup-path", folder)
		return database_file(folder)

	def restore(self, dump: str):
		run("--site", self.site, "restore", dump, "--db-root-password", self.root_password, "--force")

	def check(self, path: str, installed: bool = True):
		"""ERPNext posts, the app is healthy and agrees with ERPNext: on ``self.site``, after ``path``."""
		python = Path(frappe.utils.get_bench_path()) / "env" / "bin" / "python"
		done = subprocess.run(
			[str(python), "-m", "ar_control.tests.restore_checks", self.site],
			cwd=frappe.local.sites_path,
			capture_output=True,
			text=True,
			timeout=TIMEOUT,
		)
		self.assertEqual(done.returncode, 0, f"{path}: {done.stdout[-2000:]}{done.stderr[-2000:]}")
		found = json.loads(done.stdout.strip().splitlines()[-1])
		self.results.append(f"{path}: posted {found['posted']}; health {found.get('health')}")
		self.assertEqual(found["errors"], [], path)
		self.assertEqual(found["installed"], installed, path)
		self.assertEqual(
			set(found["posted"]),
			{
				"customer group",
				"Sales Invoice",
				"Payment Entry",
				"Journal Entry",
				"advance",
				"second Sales Invoice",
				"Payment Reconciliation",
			},
			path,
		)
		if installed:
			self.assertEqual(found["health"], [], path)
			self.assertTrue(all(found["aging_equal"].values()), path)

	def test_backup_restore_migrate_uninstall_and_install_leave_erpnext_posting(self):
		# into a new site: another database and database user
		dump = self.backup(frappe.local.site, "test_site")
		run("new-site", self.site, "--admin-password", "admin", "--db-root-password", self.root_password)
		self.restore(dump)
		self.check("restored into a new site")

		# into the same site
		with_app = self.backup(self.site, "with_app")
		self.restore(with_app)
		self.check("restored into the same site")

		# a backup with the app, restored after the app was uninstalled
		run("--site", self.site, "uninstall-app", "ar_control", "--yes", "--no-backup")
		self.check("uninstalled", installed=False)
		self.restore(with_app)
		self.check("restored after uninstall-app")

		run("--site", self.site, "migrate")
		self.check("migrated")

		# a site restored from a backup taken without the app, then the app installed
		run("--site", self.site, "uninstall-app", "ar_control", "--yes", "--no-backup")
		without_app = self.backup(self.site, "without_app")
		self.restore(without_app)
		self.check("restored without the app", installed=False)
		run("--site", self.site, "install-app", "ar_control")
		self.check("install-app after the restore")
