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
from frappe.utils import cint, getdate, now_datetime

from ar_control import utils
from ar_control.ar_control.doctype.ar_control_settings.ar_control_settings import get_settings
from ar_control.collection import actions, cases, data
from ar_control.core import escalation
from ar_control.core.money import to_decimal
from ar_control.utils import commit

# The scheduler kills a long job after 1500 s; the ladder stops well before and continues in a
# new job. Nothing is lost: the next job plans from what is recorded.
TIME_BUDGET = 1200


def run(today=None, dry_run: bool = False, time_budget: float | None = None) -> list[str]:
	"""Run the ladder for ``today``; returns one line per thing done (or, dry, to be done).

	With ``time_budget`` (seconds) it stops after the customer that exhausts it and enqueues a
	continuation for the rest of the day's steps."""
	deadline = None if time_budget is None else time.monotonic() + time_budget
	today = utils.today(today)
	settings = get_settings()
	levels = settings.ladder()
	if not levels:
		return [_("The collection ladder has no levels: nothing to do.")]
	if not dry_run:
		cases.sync(today)

	result, invoices = plan(today, settings, levels)
	groups: dict[tuple[str, str], list] = defaultdict(list)
	broken: dict[tuple[str, str], list] = defaultdict(list)
	for step in result.steps:
		groups[(step.customer, step.company)].append(step)
	for promise in result.broken_promises:
		broken[(promise.customer, invoices[promise.invoice].company)].append(promise)

	lines = []
	for key in sorted(set(groups) | set(broken)):
		if dry_run:
			lines += describe(key, groups[key], broken[key])
			continue
		frappe.db.savepoint("ar_ladder_customer")
		try:
			lines += execute(key, groups[key], broken[key], today, settings)
		except Exception:
			# this customer stays untouched and is tried again on the next run
			frappe.db.rollback(save_point="ar_ladder_customer")
			frappe.log_error(title=_("Collection ladder failed for {0}").format(key[0]))
			lines.append(_("{0} ({1}): failed, see the Error Log; retried on the next run.").format(*key))
			continue
		except BaseException:
			# killed: undo this customer's half-done work, as the database would on a lost connection
			frappe.db.rollback(save_point="ar_ladder_customer")
			raise
		commit()  # this customer's steps, documents and records together
		if deadline is not None and time.monotonic() > deadline:
			continue_later(today)
			lines.append(_("Time budget used up: the rest continues in a background job."))
			break
	if not lines:
		lines.append(_("Nothing due on {0}.").format(frappe.format(today, "Date")))
	return lines


def continue_later(today: date) -> None:
	frappe.enqueue(
		"ar_control.collection.ladder.run",
		queue="long",
		timeout=TIME_BUDGET + 300,
		job_id=f"ar_control_collection_ladder_{today}",
		deduplicate=True,
		today=str(today),
		time_budget=TIME_BUDGET,
	)


def plan(today: date, settings, levels: list[escalation.Level]):
	earliest = min(level.days for level in levels)
	start = getdate(settings.ladder_start_date) if settings.ladder_start_date else None
	invoices = {
		row.name: row
		for row in data.open_invoices(due_on_or_before=today - timedelta(days=earliest), due_from=start)
	}
	# promises and disputes recorded on open cases
	case_rows = data.case_rows(c.name for c in data.open_cases().values())
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
				outstanding=invoice.base_outstanding,
				promise=promise,
				disputed=bool(mark and mark.disputed),
				company=invoice.company,
			)
		)
	done = data.done_steps(invoices)
	result = escalation.plan(items, levels, done, today, cint(settings.promise_grace_days))
	return result, invoices


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


def execute(key, steps, broken, today: date, settings) -> list[str]:
	customer, company = key
	case = data.open_cases([key]).get(key)
	ctx = actions.Context(
		customer=customer,
		customer_name=frappe.db.get_value("Customer", customer, "customer_name") or customer,
		company=company,
		currency=frappe.get_cached_value("Company", company, "default_currency"),
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
			cases.add_activity(
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
			cases.add_activity(
				case.name,
				"System Step",
				_("{0} not done for {1}: a later level is due as well.").format(
					level.title, ", ".join(s.invoice for s in superseded)
				),
				outcome=_("Superseded"),
			)
		for step in level_steps:
			log_rows.append(log_row(step, level, ctx, outcome if not step.superseded else None))
		lines.append(
			_("{0} ({1}): {2} - {3}").format(
				customer, company, level.title, outcome.summary if outcome else _("superseded")
			)
		)
	record(log_rows)
	cases.sync(today, customers=[key], commit_each=False)
	return lines


def mark_promise_broken(case, promise: escalation.BrokenPromise) -> None:
	if not case:
		return
	item = frappe.qb.DocType("Collection Case Invoice")
	frappe.qb.update(item).set(item.promise_status, "Broken").where(
		(item.parent == case.name) & (item.sales_invoice == promise.invoice)
	).run()
	cases.add_activity(
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
)


def log_row(step, level, ctx, outcome) -> tuple:
	now = now_datetime()
	return (
		frappe.generate_hash(length=12),
		now,
		now,
		frappe.session.user,
		frappe.session.user,
		f"{step.invoice}|{level.code}",
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
	)


def record(rows: list[tuple]) -> None:
	"""Insert the step records. ``step_key`` is unique: a step recorded by another run makes the
	insert fail and the whole customer is rolled back instead of doing anything twice."""
	if rows:
		frappe.db.bulk_insert("Collection Step Log", LOG_FIELDS, rows)
