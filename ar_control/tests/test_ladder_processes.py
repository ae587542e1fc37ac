"""The ladder in real processes: two runs at once, a run killed with SIGKILL, a long day carried on
by the real background queue. Each step must be done exactly once, and no run may die with a
traceback.

The data is committed (the other processes must see it) and purged at the end. The invoices are
due on a date no other test uses, and AR Control Settings > Ladder Applies to Invoices Due From
keeps any other invoice of the site off these runs.
"""

import tempfile
from pathlib import Path

import frappe

from ar_control.collection import ladder
from ar_control.compat import test_record_dependencies
from ar_control.tests import processes
from ar_control.tests.utils import (
	TEST_DEPENDENCIES,
	ARTestCase,
	make_customer,
	make_sales_invoice,
)

globals().update(test_record_dependencies(TEST_DEPENDENCIES))

DUE = "2025-02-11"
RUN = "2025-02-27"  # 16 days overdue: reminder (superseded), call and letter for every invoice
STEPS_PER_INVOICE = 3
CUSTOMERS = 3


class LadderProcessCase(ARTestCase):
	def setUp(self):
		frappe.set_user("Administrator")
		self.customers = [make_customer("AR Ladder Process") for _ in range(CUSTOMERS)]
		self.invoices = {c: make_sales_invoice(c, 100, "2025-01-12", DUE).name for c in self.customers}
		self.saved_start = frappe.db.get_single_value("AR Control Settings", "ladder_start_date")
		frappe.db.set_single_value("AR Control Settings", "ladder_start_date", DUE)
		frappe.db.commit()
		frappe.clear_document_cache("AR Control Settings", "AR Control Settings")
		self.markers = Path(tempfile.mkdtemp(prefix="ar-ladder-"))

	def tearDown(self):
		processes.purge_customers(self.customers)
		frappe.db.set_single_value("AR Control Settings", "ladder_start_date", self.saved_start)
		frappe.db.commit()
		frappe.clear_document_cache("AR Control Settings", "AR Control Settings")

	def steps(self) -> dict[str, int]:
		"""Step records per customer, read fresh from the database."""
		frappe.db.rollback()
		return {
			customer: frappe.db.count("Collection Step Log", {"sales_invoice": invoice})
			for customer, invoice in self.invoices.items()
		}

	def dunnings(self) -> int:
		return frappe.db.count("Dunning", {"customer": ("in", self.customers), "docstatus": 1})

	def ladder_run(self, **kwargs):
		return processes.start(
			processes.execute_command(
				"ar_control.tests.processes.ladder_run", today=RUN, markers=str(self.markers), **kwargs
			)
		)

	def assert_no_traceback(self, *outputs: str) -> None:
		for output in outputs:
			self.assertNotIn("Traceback", output)


class TestCollidingRuns(LadderProcessCase):
	def test_two_runs_started_together_do_every_step_once_and_the_second_says_why_it_stopped(self):
		first, second = self.ladder_run(pause=2), self.ladder_run(pause=2)
		(code_a, out_a, err_a), (code_b, out_b, err_b) = processes.finish(first), processes.finish(second)
		self.assertEqual((code_a, code_b), (0, 0), err_a + err_b)
		self.assert_no_traceback(err_a, err_b, out_a, out_b)
		# "... in progress since <time>; ...", or without the time when the second run looked
		# between the first taking the lock and noting since when it holds it
		busy = [out for out in (out_a, out_b) if "Another ladder run is in progress" in out]
		self.assertEqual(len(busy), 1, out_a + out_b)
		self.assertEqual(self.steps(), dict.fromkeys(self.customers, STEPS_PER_INVOICE))
		self.assertEqual(self.dunnings(), CUSTOMERS)

	def test_a_run_killed_halfway_is_finished_by_the_next_with_nothing_lost_or_doubled(self):
		run = self.ladder_run(hang_at=2)  # the second customer makes its Dunning, then hangs
		processes.wait_for(self.markers / "hanging", run)
		processes.kill(run)  # SIGKILL: the database rolls the second customer back
		done = self.steps()
		self.assertEqual(sorted(done.values()), [0, 0, STEPS_PER_INVOICE])
		self.assertEqual(self.dunnings(), 1)

		again = processes.start(processes.site_command("ar-control", "run-ladder", "--date", RUN))
		code, out, err = processes.finish(again)
		self.assertEqual(code, 0, err)
		self.assert_no_traceback(out, err)
		self.assertNotIn("in progress", out)  # the killed run's lock went with its connection
		self.assertEqual(self.steps(), dict.fromkeys(self.customers, STEPS_PER_INVOICE))
		self.assertEqual(self.dunnings(), CUSTOMERS)


class TestContinuation(LadderProcessCase):
	def test_every_slice_of_a_long_day_runs_on_the_real_queue(self):
		# a budget of 0 s: each slice does one customer, then enqueues the next slice while its own
		# job is still running (RQ deduplication must not take it for a repeat)
		first = self.ladder_run(time_budget=0)
		code, out, err = processes.finish(first)
		self.assertEqual(code, 0, err)
		self.assertIn("continues in a background job", out)
		self.assertEqual(sorted(self.steps().values()), [0, 0, STEPS_PER_INVOICE])

		# jobs that dropped sites left in the bench's queue would make the worker quit unrun
		processes.drop_jobs_of_missing_sites(frappe.conf.redis_queue, frappe.local.sites_path)
		worker = processes.start(processes.bench_command("worker", "--queue", "long", "--burst"))
		code, out, err = processes.finish(worker)
		self.assertEqual(code, 0, err)
		jobs = {
			slice_no: frappe.utils.background_jobs.get_job(ladder.continuation_job_id(RUN, slice_no))
			for slice_no in (1, 2)
		}
		# what the worker and the jobs said, should the steps not all be there
		evidence = "\n".join(
			[out, err]
			+ [
				f"slice {n}: {job.get_status()} {job.exc_info or ''}" if job else f"slice {n}: none"
				for n, job in jobs.items()
			]
		)
		self.assertEqual(self.steps(), dict.fromkeys(self.customers, STEPS_PER_INVOICE), evidence)
		self.assertEqual(self.dunnings(), CUSTOMERS)
		for slice_no, job in jobs.items():
			self.assertIsNotNone(job, f"slice {slice_no} was never queued")
			self.assertEqual(job.get_status(), "finished", evidence)

	def test_the_same_slice_enqueued_twice_is_queued_once(self):
		from frappe.utils.background_jobs import get_queue

		queue = get_queue("long")
		before = len(queue.job_ids)
		try:
			ladder.continue_later(frappe.utils.getdate("2025-01-01"), 7, time_budget=0)
			ladder.continue_later(frappe.utils.getdate("2025-01-01"), 7, time_budget=0)
			self.assertEqual(len(queue.job_ids), before + 1)
		finally:
			job = frappe.utils.background_jobs.get_job(
				ladder.continuation_job_id(frappe.utils.getdate("2025-01-01"), 7)
			)
			if job:
				job.delete()
