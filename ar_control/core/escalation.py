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

from ar_control.core.money import HUNDRED, ZERO, round_money
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


# The e-mail templates of the default ladder (the app installs them; the user may edit them)
REMINDER_TEMPLATE = "AR Control: Payment Reminder"
DUNNING_TEMPLATE = "AR Control: Dunning Letter"


class LevelTemplate(NamedTuple):
	"""A level of the default ladder, as a row of the settings holds it."""

	title: str
	days: int
	action: Action
	assign_to: str
	email_template: str | None = None


# The seed documents' ladder: remind before the due date, then call, write a formal letter, stop
# supply, hand over to legal, propose the write-off; sales, finance and credit take over in turn.
DEFAULT_LADDER = (
	LevelTemplate("Payment reminder", -3, Action.REMINDER_EMAIL, "Sales Person", REMINDER_TEMPLATE),
	LevelTemplate("Call the customer", 1, Action.CALL_TASK, "Collector"),
	LevelTemplate("Formal dunning letter", 15, Action.DUNNING_LETTER, "Finance Owner", DUNNING_TEMPLATE),
	LevelTemplate("Credit hold", 30, Action.CREDIT_HOLD, "Credit Manager"),
	LevelTemplate("Legal or agency hand-over", 60, Action.LEGAL_HANDOVER, "Credit Manager"),
	LevelTemplate("Write-off proposal", 180, Action.WRITE_OFF_PROPOSAL, "Credit Manager"),
)


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
	company: str = ""


class Step(NamedTuple):
	"""One level reached by one invoice, to be done (or recorded as superseded) on a date."""

	invoice: str
	customer: str
	level: Level
	due_on: date
	amount: Decimal
	superseded: bool = False
	company: str = ""

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

	# Minimum amount: the customer's outstanding (in the company) on invoices that reached the level.
	reached: dict[tuple[str, str, str], Decimal] = {}
	for item, level in candidates:
		key = (item.customer, item.company, level.code)
		reached[key] = reached.get(key, ZERO) + item.outstanding

	steps: list[Step] = []
	for item, level in candidates:
		if (item.invoice, level.code) in done:
			continue
		if reached[(item.customer, item.company, level.code)] < level.min_amount:
			continue
		due_on = item.due_date + timedelta(days=level.days)
		steps.append(Step(item.invoice, item.customer, level, due_on, item.outstanding, company=item.company))

	steps = _mark_superseded(steps)
	steps.sort(key=lambda s: (s.customer, s.company, s.level.days, s.invoice))
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


class StepRecord(NamedTuple):
	"""What the step log holds for one (invoice, level): a step done (or recorded as superseded,
	or not sent) at an ``attempt``, or a Credit Manager's request to do it again (``redo``)."""

	invoice: str
	level: str
	attempt: int = 0
	redo: bool = False


class StepState(NamedTuple):
	done: frozenset[tuple[str, str]]  # (invoice, level code) whose latest attempt is recorded
	attempts: dict[tuple[str, str], int]  # the attempt the next record of each pair carries
	latest: dict[tuple[str, str], int]  # the latest attempt recorded as done, per pair


def step_state(records: Iterable[StepRecord]) -> StepState:
	"""Attempt 0 is the ladder's first time; each redo request opens the next attempt, and the
	step counts as done again once that attempt is recorded. A pair with no record is not done
	and its first record is attempt 0."""
	requested: dict[tuple[str, str], int] = {}
	executed: dict[tuple[str, str], set[int]] = {}
	for record in records:
		key = (record.invoice, record.level)
		if record.redo:
			requested[key] = max(requested.get(key, 0), record.attempt)
		else:
			executed.setdefault(key, set()).add(record.attempt)
	done, attempts, latest = set(), {}, {}
	for key in set(requested) | set(executed):
		wanted = requested.get(key, 0)
		attempts[key] = wanted
		if wanted in executed.get(key, ()):
			done.add(key)
		if executed.get(key):
			latest[key] = max(executed[key])
	return StepState(frozenset(done), attempts, latest)


def step_key(invoice: str, level: str, attempt: int = 0, redo: bool = False) -> str:
	"""The unique key of a step record: a step is recorded once per attempt, a redo requested
	once per attempt."""
	if redo:
		return f"{invoice}|{level}|redo-{attempt}"
	return f"{invoice}|{level}" if attempt == 0 else f"{invoice}|{level}|{attempt}"


def check_redo(state: StepState, invoice: str, level: str, attempt: int) -> list[Problem]:
	"""A redo applies to the latest time a step was done, and not while a redo is pending."""
	key = (invoice, level)
	if key not in state.done:
		return [
			Problem(
				"redo_pending",
				_("A redo of this step is already pending; the next ladder run does it."),
			)
		]
	if state.latest.get(key) != attempt:
		return [
			Problem(
				"redo_not_latest",
				_("Only the latest record of a step can be redone (attempt {0})."),
				(state.latest.get(key, 0),),
			)
		]
	return []


# ---------------------------------------------------------------------------------------------
# The collection case: worklist priority, status, next action
# ---------------------------------------------------------------------------------------------


class RecoveryStep(NamedTuple):
	"""From ``from_days`` overdue on, ``recoverable_percent`` of a debt is expected to come in."""

	from_days: int
	recoverable_percent: Decimal


# Seed 003: debts younger than two years are about 80 % recoverable, older ones about 20 %.
DEFAULT_RECOVERY = (RecoveryStep(0, Decimal(80)), RecoveryStep(731, Decimal(20)))


def check_recovery(steps: Sequence[RecoveryStep]) -> list[Problem]:
	problems: list[Problem] = []
	if not steps or steps[0].from_days != 0:
		problems.append(
			Problem("recovery_no_start", _("The recoverability curve must start at 0 days overdue."))
		)
	for before, after in itertools.pairwise(steps):
		if after.from_days <= before.from_days:
			problems.append(
				Problem(
					"recovery_not_increasing",
					_("The recoverability curve's days must increase strictly: {0} after {1}."),
					(after.from_days, before.from_days),
				)
			)
	for step in steps:
		if not Decimal(0) <= step.recoverable_percent <= Decimal(100):
			problems.append(
				Problem(
					"recovery_out_of_range",
					_("A recoverable share must be between 0 and 100 percent, not {0}."),
					(step.recoverable_percent,),
				)
			)
	return problems


def recoverable(days_overdue: int, steps: Sequence[RecoveryStep]) -> Decimal:
	"""The recoverable percent for a debt this many days overdue (a step function)."""
	rate = steps[0].recoverable_percent
	for step in steps:
		if days_overdue >= step.from_days:
			rate = step.recoverable_percent
	return rate


class CaseItem(NamedTuple):
	"""An invoice of a collection case as the case's figures need it."""

	invoice: str
	due_date: date
	outstanding: Decimal
	disputed: bool = False
	promised_date: date | None = None
	promise_pending: bool = False


class CasePriority(NamedTuple):
	"""Worklist priority: overdue amount x expected loss by age (the parts shown on the case)."""

	overdue: Decimal
	expected_loss: Decimal
	loss_percent: Decimal | None
	score: Decimal


def priority(items: Iterable[CaseItem], today: date, steps: Sequence[RecoveryStep]) -> CasePriority:
	"""score = sum over overdue invoices of outstanding * (100 - recoverable(days overdue)) / 100.

	Rounded half up to the cent, as every amount is (``core.money.round_money``); ``loss_percent``
	= expected loss / overdue (the weighted loss rate), rounded the same way.
	"""
	raise_if(check_recovery(steps))
	overdue = loss = ZERO
	for item in items:
		days = (today - item.due_date).days
		if item.outstanding <= 0 or days <= 0:
			continue
		overdue += item.outstanding
		loss += item.outstanding * (Decimal(100) - recoverable(days, steps)) / Decimal(100)
	loss = round_money(loss)
	return CasePriority(overdue, loss, round_money(loss / overdue * HUNDRED) if overdue else None, loss)


OPEN = "Open"
PROMISE_TO_PAY = "Promise to Pay"
DISPUTED = "Disputed"
LEGAL = "Legal"
CLOSED_PAID = "Closed - Paid"
CLOSED_WRITTEN_OFF = "Closed - Written Off"
CLOSED = (CLOSED_PAID, CLOSED_WRITTEN_OFF)


def case_status(items: Sequence[CaseItem], today: date, legal: bool, written_off: bool = False) -> str:
	"""The status a case's invoices call for.

	A case watches its overdue invoices and those not yet due on which the customer promised a
	date or raised a dispute (from the customer's page, before the due date). Nothing watched any
	more: closed (written off when a write-off settled the last of it). Otherwise: Legal once
	handed over; Promise to Pay while a promise is pending on a watched invoice; Disputed when
	every watched invoice is disputed; else Open.
	"""
	watched = [
		i for i in items if i.outstanding > 0 and (i.due_date < today or i.promise_pending or i.disputed)
	]
	if not watched:
		return CLOSED_WRITTEN_OFF if written_off else CLOSED_PAID
	if legal:
		return LEGAL
	if any(i.promise_pending for i in watched):
		return PROMISE_TO_PAY
	if all(i.disputed for i in watched):
		return DISPUTED
	return OPEN


def levels_reached(done: Iterable[tuple[str, str]], levels: Sequence[Level]) -> dict[str, Level]:
	"""The highest ladder level done for each invoice (steps of levels no longer on the ladder
	are ignored)."""
	by_code = {level.code: level for level in levels}
	reached: dict[str, Level] = {}
	for invoice, code in done:
		level = by_code.get(code)
		if level is not None and (invoice not in reached or level.days > reached[invoice].days):
			reached[invoice] = level
	return reached


def next_ladder_date(
	items: Iterable[CaseItem], levels: Sequence[Level], done: Collection[tuple[str, str]], today: date
) -> date | None:
	"""The first date, after today, on which a level not yet done falls due for an open,
	undisputed invoice (a promised invoice waits until its promised date)."""
	dates = []
	for item in items:
		if item.outstanding <= 0 or item.disputed:
			continue
		for level in levels:
			due_on = item.due_date + timedelta(days=level.days)
			if (item.invoice, level.code) in done:
				continue
			if item.promise_pending and item.promised_date:
				due_on = max(due_on, item.promised_date + timedelta(days=1))
			if due_on > today:
				dates.append(due_on)
				break
	return min(dates) if dates else None
