"""The collection ladder and the daily step planner.

The seed documents' collection procedure: remind before the due date, then escalate after it —
phone call, formal letter, visit or stop supply, legal hand-over or an agency, write-off — with
sales, finance and a credit function taking over in turn ("three-level collection"), and the
effort shifted forward, before the due date.

A ladder is a list of levels, each ``days`` relative to an invoice's due date (negative =
before due; strictly increasing) with one action. Every (invoice, level) pair is done at most
once: the planner is told which pairs are done and returns only the rest, so applying a plan and
planning again on the same day yields nothing new, and a run that stopped halfway is completed
by the next one without repeating anything.

Planner rules, for each open invoice of a customer:
	- an invoice with nothing outstanding, or disputed, is off the ladder;
	- a promise to pay pauses the invoice until the promised date; after it, a promise not kept
	  (paid since the promise < promised amount) is reported broken once the promise grace days
	  have passed, and the invoice goes back on the ladder at once;
	- a level is due on ``due_date + days``; every level due on or before the planning date and
	  not yet done is returned, lowest first, so nothing is ever skipped;
	- a level applies only when the customer's outstanding on invoices that have reached it is at
	  least the level's minimum amount;
	- a reminder email or a call task that falls due in the same plan as a later contact step
	  (reminder, call, letter, legal hand-over) of the same invoice is marked ``superseded``: it is
	  recorded as done but not sent, so a customer who is already 40 days late does not get a
	  "due in 3 days" reminder the day the ladder first sees the invoice.
"""

from __future__ import annotations

import enum
import itertools
from collections.abc import Collection, Iterable, Sequence
from datetime import date, timedelta
from decimal import Decimal
from typing import NamedTuple

from ar_control.core.money import ZERO
from ar_control.core.problems import Problem, _, raise_if


class Action(enum.Enum):
	REMINDER_EMAIL = "Reminder Email"
	CALL_TASK = "Call Task"
	DUNNING_LETTER = "Dunning Letter"
	CREDIT_HOLD = "Credit Hold"
	LEGAL_HANDOVER = "Legal Hand-over"
	WRITE_OFF_PROPOSAL = "Write-off Proposal"


# Actions that contact the customer; a later one makes an earlier reminder or call pointless.
CONTACT_ACTIONS = frozenset(
	{Action.REMINDER_EMAIL, Action.CALL_TASK, Action.DUNNING_LETTER, Action.LEGAL_HANDOVER}
)
SUPERSEDABLE_ACTIONS = frozenset({Action.REMINDER_EMAIL, Action.CALL_TASK})


class Level(NamedTuple):
	"""One rung: ``code`` identifies it for good (the record key), ``days`` relative to due date."""

	code: str
	title: str
	days: int
	action: Action
	min_amount: Decimal = ZERO


def check_ladder(levels: Sequence[Level]) -> list[Problem]:
	"""Every problem with a ladder: titles, codes, actions, strictly increasing days."""
	problems: list[Problem] = []
	codes: set[str] = set()
	for position, level in enumerate(levels, start=1):
		if not (level.title or "").strip():
			problems.append(Problem("level_title_missing", _("Ladder level {0} needs a title."), (position,)))
		if not level.code or level.code in codes:
			problems.append(
				Problem("level_code_duplicate", _("Ladder level {0} has no unique code."), (position,))
			)
		codes.add(level.code)
		if not isinstance(level.action, Action):
			problems.append(
				Problem(
					"level_action_unknown",
					_("Ladder level {0} has an unknown action {1}."),
					(position, level.action),
				)
			)
		if level.min_amount < 0:
			problems.append(
				Problem(
					"level_min_negative",
					_("The minimum amount of ladder level {0} must not be negative."),
					(position,),
				)
			)
	for position, (before, after) in enumerate(itertools.pairwise(levels), start=2):
		if after.days <= before.days:
			problems.append(
				Problem(
					"level_days_not_increasing",
					_("Ladder level {0} ({1} days) must come later than level {2} ({3} days)."),
					(position, after.days, position - 1, before.days),
				)
			)
	return problems


class Promise(NamedTuple):
	"""A promise to pay ``amount`` by ``promised_date``, made when ``outstanding_then`` was open."""

	promised_date: date
	amount: Decimal
	outstanding_then: Decimal


class LadderItem(NamedTuple):
	"""One open invoice as the planner sees it."""

	invoice: str
	customer: str
	due_date: date
	outstanding: Decimal
	promise: Promise | None = None
	disputed: bool = False


class Step(NamedTuple):
	"""One level reached by one invoice, to be done (or recorded as superseded) on a date."""

	invoice: str
	customer: str
	level: Level
	due_on: date
	amount: Decimal
	superseded: bool = False

	@property
	def key(self) -> tuple[str, str]:
		return (self.invoice, self.level.code)


class BrokenPromise(NamedTuple):
	invoice: str
	customer: str
	promise: Promise
	paid_since: Decimal


class Plan(NamedTuple):
	steps: tuple[Step, ...]
	broken_promises: tuple[BrokenPromise, ...]
	paused: tuple[str, ...]


def promise_kept(item: LadderItem) -> bool:
	"""Kept when what was paid since the promise reaches the promised amount (or all is paid)."""
	if item.promise is None:
		return False
	paid_since = item.promise.outstanding_then - item.outstanding
	return item.outstanding <= 0 or paid_since >= item.promise.amount


def plan(
	items: Iterable[LadderItem],
	levels: Sequence[Level],
	done: Collection[tuple[str, str]],
	today: date,
	promise_grace_days: int = 0,
) -> Plan:
	"""The steps due on ``today`` that are not in ``done``; broken promises; paused invoices."""
	raise_if(check_ladder(levels))
	if promise_grace_days < 0:
		raise_if([Problem("promise_grace_negative", _("The promise grace days must not be negative."))])

	candidates: list[tuple[LadderItem, Level]] = []
	broken: list[BrokenPromise] = []
	paused: list[str] = []
	for item in items:
		if item.outstanding <= 0 or item.disputed:
			continue
		if item.promise is not None:
			if today <= item.promise.promised_date:
				paused.append(item.invoice)
				continue
			if not promise_kept(item):
				if today <= item.promise.promised_date + timedelta(days=promise_grace_days):
					paused.append(item.invoice)
					continue
				paid_since = item.promise.outstanding_then - item.outstanding
				broken.append(BrokenPromise(item.invoice, item.customer, item.promise, paid_since))
		for level in levels:
			if item.due_date + timedelta(days=level.days) <= today:
				candidates.append((item, level))

	# Minimum amount: the customer's outstanding on invoices that have reached the level.
	reached: dict[tuple[str, str], Decimal] = {}
	for item, level in candidates:
		reached[(item.customer, level.code)] = (
			reached.get((item.customer, level.code), ZERO) + item.outstanding
		)

	steps: list[Step] = []
	for item, level in candidates:
		if (item.invoice, level.code) in done:
			continue
		if reached[(item.customer, level.code)] < level.min_amount:
			continue
		steps.append(
			Step(
				item.invoice,
				item.customer,
				level,
				item.due_date + timedelta(days=level.days),
				item.outstanding,
			)
		)

	steps = _mark_superseded(steps)
	steps.sort(key=lambda s: (s.customer, s.level.days, s.invoice))
	return Plan(tuple(steps), tuple(broken), tuple(paused))


def _mark_superseded(steps: list[Step]) -> list[Step]:
	latest_contact: dict[str, int] = {}
	for step in steps:
		if step.level.action in CONTACT_ACTIONS:
			latest_contact[step.invoice] = max(
				latest_contact.get(step.invoice, step.level.days), step.level.days
			)
	return [
		step._replace(superseded=True)
		if step.level.action in SUPERSEDABLE_ACTIONS
		and latest_contact.get(step.invoice, step.level.days) > step.level.days
		else step
		for step in steps
	]


def apply_plan(
	items: Sequence[LadderItem], done: Collection[tuple[str, str]], result: Plan
) -> tuple[list[LadderItem], set[tuple[str, str]]]:
	"""The state after a plan was carried out: its steps are done, broken promises are cleared.

	This is what the Frappe layer records (step log rows, promise status); planning again on
	the same day with this state returns no steps.
	"""
	broken = {b.invoice for b in result.broken_promises}
	new_items = [item._replace(promise=None) if item.invoice in broken else item for item in items]
	return new_items, set(done) | {step.key for step in result.steps}
