"""Real processes for the tests that need them: the bench's own command line, a background
worker, a ladder run that can be killed at a known moment.

Those tests commit their data (another process must see it) and remove it with
:func:`purge_customers` at the end.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from pathlib import Path
from unittest.mock import patch

import frappe


def bench_command(*args: str) -> list[str]:
	"""``bench --site SITE ARGS`` as the bench runs it, for this test's site."""
	python = Path(frappe.utils.get_bench_path()) / "env" / "bin" / "python"
	return [str(python), "-m", "frappe.utils.bench_helper", "frappe", *args]


def site_command(*args: str) -> list[str]:
	return bench_command("--site", frappe.local.site, *args)


def start(command: list[str]) -> subprocess.Popen:
	"""Start ``command`` in the sites folder, in a process group of its own (so a kill takes its
	children too), capturing its output."""
	return subprocess.Popen(
		command,
		cwd=frappe.local.sites_path,
		stdout=subprocess.PIPE,
		stderr=subprocess.PIPE,
		text=True,
		start_new_session=True,
		env={**os.environ, "PYTHONUNBUFFERED": "1"},
	)


def drop_jobs_of_missing_sites(redis_url: str, sites_path: str) -> int:
	"""Delete from a bench's queue Redis (every queue and registry) the jobs of sites that are no
	longer in ``sites_path``; return how many pending ones went. Every site of a bench shares that
	Redis, which keeps its data across restarts, so a dropped site's pending jobs stay there: Frappe
	counts them against its queue limit, and a worker that meets one in its clean-up quits. Works on
	the keys themselves: RQ's own listings clean up first, which is what fails. Also `.ci/dead-jobs.py`."""
	import redis

	sites = {path.parent.name for path in Path(sites_path).glob("*/site_config.json")}

	def dead(entry: bytes) -> bool:
		text = entry.decode()
		for separator in ("::", "||"):  # a job id is SITE::ID (Frappe 15) or SITE||ID (Frappe 16)
			if separator in text:
				return text.split(separator, 1)[0] not in sites
		return False

	queue = redis.Redis.from_url(redis_url)
	dropped = 0
	for key in queue.scan_iter("rq:*"):
		if key.startswith(b"rq:job:"):
			if dead(key[len(b"rq:job:") :]):
				queue.delete(key)
		elif (kind := queue.type(key)) == b"list":
			dropped += sum(queue.lrem(key, 0, entry) for entry in queue.lrange(key, 0, -1) if dead(entry))
		elif kind == b"zset":
			for entry in queue.zrange(key, 0, -1):
				if dead(entry):
					queue.zrem(key, entry)
	return dropped


def finish(process: subprocess.Popen, timeout: float = 300) -> tuple[int, str, str]:
	out, err = process.communicate(timeout=timeout)
	return process.returncode, out, err


def kill(process: subprocess.Popen) -> None:
	os.killpg(process.pid, signal.SIGKILL)
	process.communicate(timeout=60)


def wait_for(path: Path, process: subprocess.Popen, timeout: float = 120) -> None:
	deadline = time.monotonic() + timeout
	while not path.exists():
		if process.poll() is not None:
			out, err = process.communicate()
			raise AssertionError(f"{process.args} ended before {path.name}:\n{out}\n{err}")
		if time.monotonic() > deadline:
			kill(process)
			raise AssertionError(f"{path.name} did not appear within {timeout} s")
		time.sleep(0.2)


def execute_command(method: str, **kwargs) -> list[str]:
	return site_command("execute", method, "--kwargs", json.dumps(kwargs))


# --- run in the child process (``bench execute``) --------------------------------------------------


def ladder_run(today: str, markers: str, pause: float = 0, hang_at: int = 0, time_budget=None) -> list[str]:
	"""Run the ladder as the scheduler would, leaving marker files in ``markers``: ``committed-N``
	after the Nth customer is committed (then sleeping ``pause`` seconds), ``hanging`` when the
	``hang_at``-th customer has made its documents and not yet recorded its steps (then hanging
	until killed)."""
	from ar_control.collection import ladder

	folder = Path(markers)
	customers = {"recorded": 0, "committed": 0}
	real_record, real_commit = ladder.record, ladder.commit

	def record(rows):
		customers["recorded"] += 1
		if customers["recorded"] == hang_at:
			(folder / "hanging").touch()
			time.sleep(3600)
		return real_record(rows)

	def commit():
		real_commit()
		customers["committed"] += 1
		(folder / f"committed-{customers['committed']}").touch()
		time.sleep(pause)

	frappe.flags.current_date = today
	with patch.object(ladder, "record", record), patch.object(ladder, "commit", commit):
		return ladder.run(today, time_budget=time_budget)


# --- clean-up --------------------------------------------------------------------------------------


def purge_customers(customers: list[str]) -> None:
	"""Delete every record the app and ERPNext made for these committed test customers."""
	if not customers:
		return
	frappe.db.rollback()
	invoices = frappe.get_all("Sales Invoice", filters={"customer": ("in", customers)}, pluck="name")
	orders = frappe.get_all("Sales Order", filters={"customer": ("in", customers)}, pluck="name")
	payments = frappe.get_all("Payment Entry", filters={"party": ("in", customers)}, pluck="name")
	dunnings = frappe.get_all("Dunning", filters={"customer": ("in", customers)}, pluck="name")
	case_names = frappe.get_all("Collection Case", filters={"customer": ("in", customers)}, pluck="name")
	requests = frappe.get_all(
		"Payment Request", filters={"reference_name": ("in", invoices or [""])}, pluck="name"
	)
	documents = invoices + orders + payments + dunnings + case_names + requests
	deletions = [
		("Collection Link", "customer", customers),
		("File", "attached_to_name", case_names),
		("Notification Log", "document_name", case_names),
		("Payment Request", "name", requests),
		("Credit Hold Company", "parent", customers),
		("Collection Step Log", "customer", customers),
		("Collection Activity", "collection_case", case_names),
		("Collection Case Invoice", "parent", case_names),
		("Collection Case", "name", case_names),
		("Credit Hold", "customer", customers),
		("Credit Override Log", "customer", customers),
		("ToDo", "reference_name", documents),
		("Communication", "reference_name", documents),
		("Overdue Payment", "parent", dunnings),
		("Dunning", "name", dunnings),
		("GL Entry", "voucher_no", documents),
		("Payment Ledger Entry", "voucher_no", documents),
		("Payment Entry Reference", "parent", payments),
		("Payment Entry", "name", payments),
		("Sales Order Item", "parent", orders),
		("Sales Order", "name", orders),
		("Sales Invoice Item", "parent", invoices),
		("Sales Team", "parent", invoices + customers),
		("Payment Schedule", "parent", invoices + orders),
		("Sales Invoice", "name", invoices),
		("Customer Credit Limit", "parent", customers),
		("Dynamic Link", "link_name", customers),
		("Customer", "name", customers),
	]
	for attempt in range(3):  # another process writing the ledger meanwhile may deadlock with this
		try:
			for doctype, field, values in deletions:
				if values:
					frappe.db.delete(doctype, {field: ("in", values)})
			frappe.db.commit()
			return
		except frappe.QueryDeadlockError:
			frappe.db.rollback()
			if attempt == 2:
				raise
			time.sleep(1)
