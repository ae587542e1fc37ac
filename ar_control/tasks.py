"""Scheduled job entry points (see ``scheduler_events`` in hooks.py).

Each job is thin: load rows with set-based queries, hand plain records to ``ar_control.core``,
apply the answer. "Today" is ``ar_control.utils.today()`` (``frappe.flags.current_date`` when set) so tests can
move time.
"""


def review_credit_assessments() -> None:
	"""Daily: expire approved assessments past their date, and give the credit manager a ToDo
	for each one that falls due for review within the notice days."""
	from ar_control.credit.review import run

	run()


def run_collection_ladder() -> None:
	"""Daily: bring the collection cases in line with the ledger and do the ladder steps due;
	a day with more than the time budget allows continues in a background job."""
	from ar_control.collection.ladder import TIME_BUDGET, run

	run(time_budget=TIME_BUDGET)


def write_monthly_kpi_snapshots() -> None:
	"""Monthly: last month's Collection KPI Snapshots for every company and sales person, and an
	alert for each threshold a snapshot crosses (once per snapshot)."""
	from ar_control.kpi.snapshots import write_monthly_snapshots

	write_monthly_snapshots()


def check_receivables_ledger() -> None:
	"""Daily: what the receivables queries rely on is in place (the app's index on the Payment
	Ledger), and nothing an earlier version kept is back; what is not is mended and logged."""
	from ar_control.data.ledger import repair

	repair()  # logs what it mended
