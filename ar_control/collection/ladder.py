"""The daily escalation ladder.

1. Bring the cases in line with the ledger (``cases.sync``).
2. Select the invoices some level may be due for (set-based), with the promises and disputes
   recorded on their case rows and the steps already done.
3. Let the core planner decide what is due today.
4. Per customer and company, in one transaction: perform each level's action once for all its
   invoices, record every step under its unique key (invoice, level) in Collection Step Log,
   write the case's activity lines, mark broken promises, refresh the case; then commit.

A step is recorded in the same transaction as its e-mail (Email Queue), ToDo or Dunning. A run
stopped halfway leaves every customer either fully done or untouched, and the unique key makes a
second run, or two runs at once, do nothing twice.
"""

from __future__ import annotations

import time
from collections import defaultdict
from datetime import date, timedelta

import frappe
from frappe import _
from frappe.utils import getdate, now_datetime

from ar_control import arguments, evidence, messages, records, utils
from ar_control.arguments import Untrusted
from ar_control.collection import actions, cases, data
from ar_control.core import escalation
from ar_control.core.money import to_decimal
from ar_control.roles import CREDIT_MANAGER, require_role
from ar_control.settings import get_settings
from ar_control.utils import commit

# The scheduler kills a long job after 1500 s; the ladder stops well before and continues in a
# new job. Nothing is lost: the next job plans from what is recorded.
TIME_BUDGET = 1200
# A continuation waits this long for the run before it to let go of the run lock.
CONTINUATION_WAIT = 300


class RunLock:
	"""One ladder run at a time per site: a MariaDB named lock held by the run's connection.

	The database releases it when the connection ends, also when the process is killed, so a
	crashed run never blocks the next. Who holds it since when is noted in the cache, for the
	message a second run prints."""

	def __init__(self, wait: float = 0):
		self.wait = wait
		self.held = False
		self.name = f"ar_control_ladder:{frappe.conf.db_name}"[:64]
		self.since_key = "ar_control_ladder_run_since"

	def __enter__(self) -> RunLock:
		got = frappe.db.sql("select get_lock(%s, %s)", (self.name, self.wait))[0][0]
		self.held = got == 1
		if self.held:
			frappe.cache.set_value(self.since_key, str(now_datetime()), expires_in_sec=TIME_BUDGET * 3)
		return self

	def __exit__(self, *exc) -> bool:
		if self.held:
			frappe.cache.delete_value(self.since_key)
			frappe.db.sql("select release_lock(%s)", (self.name,))
			self.held = False
		return False

	def busy_message(self) -> str:
		since = frappe.cache.get_value(self.since_key)
		if since:
			return _("Another ladder run is in progress since {0}; this run does nothing.").format(
				frappe.format(since, "Datetime")
			)
		return _("Another ladder run is in progress; this run does nothing.")


def run(
	today=None,
	dry_run: bool = False,
	time_budget: float | None = None,
	slice_no: int = 0,
	wait: float = 0,
	company: str | None = None,
) -> list[str]:
	"""Run the ladder for ``today`` (for every company, or only ``company``); returns one line
	per thing done (or, dry, to be done).

	Only one run works at a time: a second one started meanwhile returns at once with a line
	saying so (a continuation waits ``wait`` seconds for its turn). With ``time_budget``
	(seconds) a run stops after the customer that exhausts it and enqueues the next slice of the
	day, after it has let go of the lock."""
	today = utils.today(today)
	if dry_run:
		return work(today, dry_run=True, company=company)[0]
	with RunLock(wait) as lock:
		if not lock.held:
			return [lock.busy_message()]
		lines, unfinished = work(today, time_budget=time_budget, company=company)
	if unfinished:
		continue_later(today, slice_no + 1, time_budget, company)
		lines.append(_("Time budget used up: the rest continues in a background job."))
	return lines


def work(
	today: date, dry_run: bool = False, time_budget: float | None = None, company: str | None = None
) -> tuple[list[str], bool]:
	"""The run itself; returns its lines and whether customers were left for a continuation."""
	deadline = None if time_budget is None else time.monotonic() + time_budget
	settings = get_settings()
	levels = settings.ladder()
	if not levels:
		return [_("The collection ladder has no levels: nothing to do.")], False
	if not dry_run:
		cases.sync(today, company=company)

	result, invoices, state = plan(today, settings, levels, company)
	groups: dict[tuple[str, str], list] = defaultdict(list)
	broken: dict[tuple[str, str], list] = defaultdict(list)
	for step in result.steps:
		groups[(step.customer, step.company)].append(step)
	for promise in result.broken_promises:
		broken[(promise.customer, invoices[promise.invoice].company)].append(promise)

	lines = []
	keys = sorted(set(groups) | set(broken))
	for position, key in enumerate(keys, start=1):
		if dry_run:
			lines += describe(key, groups[key], broken[key])
			continue
		lines += execute_customer(key, groups[key], broken[key], today, settings, state)
		if deadline is not None and time.monotonic() > deadline and position < len(keys):
			return lines, True
	if not lines:
		lines.append(_("Nothing due on {0}.").format(frappe.format(today, "Date")))
	return lines, False


def execute_customer(key, steps, broken, today: date, settings, state) -> list[str]:
	"""One customer's steps in one transaction, committed together; a deadlock with another
	transaction is retried once, any other failure leaves the customer untouched for the next
	run and is logged."""
	for try_no in (1, 2):
		frappe.db.savepoint("ar_ladder_customer")
		try:
			lines = execute(key, steps, broken, today, settings, state)
		except Exception as error:
			deadlocked = frappe.db.is_deadlocked(error)
			if deadlocked:
				frappe.db.rollback()  # the database already undid the whole transaction
			else:
				frappe.db.rollback(save_point="ar_ladder_customer")
			if deadlocked and try_no == 1:
				continue
			utils.log_error(_("collection ladder failed for {0} ({1})").format(*key), "Customer", key[0])
			return [_("{0} ({1}): failed, see the Error Log; retried on the next run.").format(*key)]
		except BaseException:
			# killed: undo this customer's half-done work, as the database would on a lost connection
			frappe.db.rollback(save_point="ar_ladder_customer")
			raise
		commit()  # this customer's steps, documents and records together
		return lines
	return []


def continue_later(
	today: date, slice_no: int, time_budget: float = TIME_BUDGET, company: str | None = None
) -> None:
	"""Enqueue the next slice of the day, with the same time budget. Each slice has its own job
	id: a slice enqueued while the one before is still running is never taken for a duplicate of
	it, and enqueueing the same slice twice queues it once."""
	frappe.enqueue(
		"ar_control.collection.ladder.run",
		queue="long",
		timeout=int(time_budget) + CONTINUATION_WAIT + 300,
		job_id=continuation_job_id(today, slice_no, company),
		deduplicate=True,
		today=str(today),
		time_budget=time_budget,
		slice_no=slice_no,
		wait=CONTINUATION_WAIT,
		company=company,
	)


def continuation_job_id(today: date, slice_no: int, company: str | None = None) -> str:
	scope = f"::{company}" if company else ""
	return f"ar_control_collection_ladder::{today}::{slice_no}{scope}"


def plan(today: date, settings, levels: list[escalation.Level], company: str | None = None):
	earliest = min(level.days for level in levels)
	start = settings.ladder_start_date
	# only the customers with something to do today (one query), with all their open invoices
	candidates, found = data.ladder_candidates(today, levels, start, company)
	invoices = {
		row.name: row
		for row in data.open_invoices(
			due_on_or_before=today - timedelta(days=earliest),
			due_from=start,
			found={key: position for key, position in found.items() if key in candidates},
		)
	}
	# promises and disputes recorded on their open cases
	case_rows = data.case_rows(c.name for c in data.open_cases(candidates).values())
	marks = {row.sales_invoice: row for rows in case_rows.values() for row in rows}
	items = []
	for invoice in invoices.values():
		mark = marks.get(invoice.name)
		promise = None
		if mark and mark.promise_status == "Pending" and mark.promised_date:
			promise = escalation.Promise(
				getdate(mark.promised_date),
				to_decimal(mark.promised_amount),
				to_decimal(mark.outstanding_at_promise),
			)
		items.append(
			escalation.LadderItem(
				invoice=invoice.name,
				customer=invoice.customer,
				due_date=invoice.due_date,
				outstanding=invoice.left,
				promise=promise,
				disputed=bool(mark and mark.disputed),
				company=invoice.company,
			)
		)
	state = data.step_state(invoices)
	result = escalation.plan(items, levels, state.done, today, settings.promise_grace_days)
	return result, invoices, state


def describe(key, steps, broken) -> list[str]:
	lines = [_("{0} ({1}): promise to pay on {2} broken").format(key[0], key[1], b.invoice) for b in broken]
	for level, level_steps in by_level(steps):
		state = _("superseded") if all(s.superseded for s in level_steps) else _(level.action.value)
		lines.append(
			_("{0} ({1}): {2} - {3} for {4}").format(
				key[0], key[1], level.title, state, ", ".join(s.invoice for s in level_steps)
			)
		)
	return lines


def by_level(steps) -> list[tuple[escalation.Level, list]]:
	grouped: dict[str, list] = defaultdict(list)
	levels: dict[str, escalation.Level] = {}
	for step in steps:
		grouped[step.level.code].append(step)
		levels[step.level.code] = step.level
	return [(levels[code], grouped[code]) for code in sorted(grouped, key=lambda c: levels[c].days)]


def execute(key, steps, broken, today: date, settings, state) -> list[str]:
	customer, company = key
	case = data.open_cases([key]).get(key)
	ctx = actions.Context(
		customer=customer,
		customer_name=frappe.db.get_value("Customer", customer, "customer_name") or customer,
		company=company,
		currency=utils.company_currency(company),
		case=case,
		today=today,
	)
	lines = []
	for promise in broken:
		mark_promise_broken(case, promise)
		lines.append(_("{0} ({1}): promise to pay on {2} broken").format(customer, company, promise.invoice))
	log_rows = []
	for level, level_steps in by_level(steps):
		live = [s for s in level_steps if not s.superseded]
		row = settings.level_row(level.code)
		outcome = actions.perform(level, row, live, ctx, settings) if live else None
		if case and outcome:
			evidence.add_activity(
				case.name,
				outcome.activity_type,
				outcome.summary,
				outcome=_(outcome.outcome),
				communication=outcome.communication,
				dunning=outcome.dunning,
				todo=outcome.todo,
				sales_invoice=live[0].invoice if len(live) == 1 else None,
			)
		superseded = [s for s in level_steps if s.superseded]
		if case and superseded:
			evidence.add_activity(
				case.name,
				"System Step",
				_("{0} not done for {1}: a later level is due as well.").format(
					level.title, ", ".join(s.invoice for s in superseded)
				),
				outcome=_("Superseded"),
			)
		for step in level_steps:
			attempt = state.attempts.get(step.key, 0)
			log_rows.append(log_row(step, level, ctx, outcome if not step.superseded else None, attempt))
		lines.append(
			_("{0} ({1}): {2} - {3}").format(
				customer, company, level.title, outcome.summary if outcome else _("superseded")
			)
		)
	record(log_rows)
	if case and log_rows:  # the customer's answers on its page are now behind the last step
		frappe.db.set_value("Collection Case", case.name, "customer_answered", 0)
	cases.sync(today, customers=[key], commit_each=False)
	return lines


def mark_promise_broken(case, promise: escalation.BrokenPromise) -> None:
	if not case:
		return
	item = frappe.qb.DocType("Collection Case Invoice")
	frappe.qb.update(item).set(item.promise_status, "Broken").where(
		(item.parent == case.name) & (item.sales_invoice == promise.invoice)
	).run()
	evidence.add_activity(
		case.name,
		"System Step",
		_("Promise to pay {0} by {1} on {2} broken: {3} paid since.").format(
			frappe.utils.fmt_money(promise.promise.amount, currency=case.currency),
			frappe.format(promise.promise.promised_date, "Date"),
			promise.invoice,
			frappe.utils.fmt_money(promise.paid_since, currency=case.currency),
		),
		outcome=_("Broken"),
		sales_invoice=promise.invoice,
	)


LOG_FIELDS = (
	"name",
	"creation",
	"modified",
	"owner",
	"modified_by",
	"step_key",
	"sales_invoice",
	"level",
	"level_title",
	"action",
	"customer",
	"company",
	"collection_case",
	"run_date",
	"outcome",
	"reference_doctype",
	"reference_name",
	"attempt",
)


def log_row(step, level, ctx, outcome, attempt: int = 0) -> tuple:
	now = now_datetime()
	return (
		frappe.generate_hash(length=12),
		now,
		now,
		frappe.session.user,
		frappe.session.user,
		escalation.step_key(step.invoice, level.code, attempt),
		step.invoice,
		level.code,
		level.title,
		level.action.value,
		ctx.customer,
		ctx.company,
		ctx.case.name if ctx.case else None,
		ctx.today,
		outcome.outcome if outcome else "Superseded",
		outcome.reference_doctype if outcome else None,
		outcome.reference_name if outcome else None,
		attempt,
	)


def record(rows: list[tuple]) -> None:
	"""Insert the step records. ``step_key`` is unique: a step recorded by another run makes the
	insert fail and the whole customer is rolled back instead of doing anything twice."""
	if rows:
		frappe.db.bulk_insert("Collection Step Log", LOG_FIELDS, rows)


# --- a Credit Manager's "redo this step" -------------------------------------------------------------

STEP_LOG = "Collection Step Log"


class InvalidRedoError(frappe.ValidationError):
	"""A redo of a step that cannot be redone (a redo pending, not the latest record)."""


@frappe.whitelist(methods=["POST"])
def redo_step(step: Untrusted = None, reason: Untrusted = None) -> str:
	"""Have the next ladder run do a recorded step again (a letter that never arrived, a call
	that was not made). The step record stays; the request is a new record naming it, and the
	step done again is recorded under the next attempt, once."""
	require_role(
		{CREDIT_MANAGER}, _("Only a user with the Credit Manager role can have a ladder step done again.")
	)
	step = arguments.existing(STEP_LOG, step, _("Collection Step Log"))
	reason = arguments.reason(reason)
	frappe.has_permission(STEP_LOG, "read", step, throw=True)
	record = frappe.db.get_value(STEP_LOG, step, "*", as_dict=True)
	if record.outcome == data.REDO_REQUESTED:
		frappe.throw(_("{0} is itself a redo request.").format(step), exc=InvalidRedoError)
	state = data.step_state([record.sales_invoice])
	messages.throw(
		escalation.check_redo(state, record.sales_invoice, record.level, record.attempt or 0),
		title=_("Cannot Redo"),
		exc=InvalidRedoError,
	)
	attempt = (record.attempt or 0) + 1
	request = records.new(
		{
			"doctype": STEP_LOG,
			"step_key": escalation.step_key(record.sales_invoice, record.level, attempt, redo=True),
			"sales_invoice": record.sales_invoice,
			"level": record.level,
			"level_title": record.level_title,
			"action": record.action,
			"customer": record.customer,
			"company": record.company,
			"collection_case": record.collection_case,
			"run_date": utils.today(),
			"outcome": data.REDO_REQUESTED,
			"attempt": attempt,
			"redo_of": step,
			"reason": reason,
		}
	)
	try:
		request.insert(ignore_permissions=True)
	except frappe.DuplicateEntryError:
		frappe.throw(
			_("A redo of this step is already pending; the next ladder run does it."), exc=InvalidRedoError
		)
	if record.collection_case:
		evidence.add_activity(
			record.collection_case,
			"Note",
			_("{0} on {1} is to be done again on the next ladder run: {2}").format(
				record.level_title, record.sales_invoice, reason
			),
			sales_invoice=record.sales_invoice,
		)
	return request.name


@frappe.whitelist()
def preview(company: Untrusted = None) -> list[str]:
	"""What the ladder would do today (a Credit Manager's look ahead: nothing is done or written);
	one line per step, as ``bench ar-control run-ladder --dry-run`` prints them."""
	require_role(
		{CREDIT_MANAGER}, _("Only a user with the Credit Manager role can look at the ladder's plan.")
	)
	company = arguments.company(company, required=False)
	lines = run(utils.today(), dry_run=True, company=company)
	frappe.db.rollback()
	return lines
