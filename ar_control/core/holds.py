"""Credit holds as records.

A hold names a customer, the company it covers (or every company), its source and the reason.
The rules a user can argue about:

- a customer is on hold for a company while at least one active hold covers that company: a
  hold of that company, or a hold of every company;
- each source places and releases only its own holds: a payment that clears the overdue
  invoices releases the ladder's hold, never a Credit Manager's; cancelling an assessment
  releases only the hold that assessment set;
- a source holds a customer at most once per scope: placing a hold that is already active for
  the same source, company and reference changes nothing;
- a hold placed or released by hand always has a reason.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from typing import NamedTuple

from ar_control.core.problems import MAX_TEXT, Problem, _


class HoldSource(enum.Enum):
	MANUAL = "Manual"
	NO_CREDIT = "No Credit"
	ASSESSMENT_EXPIRED = "Assessment Expired"
	COLLECTION_LADDER = "Collection Ladder"


# The sources an assessment owns: a newer approval of the same customer and company ends them.
ASSESSMENT_SOURCES = frozenset({HoldSource.NO_CREDIT, HoldSource.ASSESSMENT_EXPIRED})


class Hold(NamedTuple):
	"""One active hold. ``company`` ``None`` covers every company."""

	name: str
	source: HoldSource
	reason: str
	company: str | None = None
	reference: str | None = None  # the document that set it (an assessment, a case)


def covers(hold: Hold, company: str) -> bool:
	return hold.company is None or hold.company == company


def covering(holds: Iterable[Hold], company: str) -> list[Hold]:
	"""The holds that stop the customer's documents in ``company``."""
	return [hold for hold in holds if covers(hold, company)]


def same_scope(hold: Hold, source: HoldSource, company: str | None, reference: str | None) -> bool:
	"""Whether ``hold`` is the hold ``source`` would place for ``company`` and ``reference``."""
	return hold.source is source and hold.company == company and hold.reference == reference


def already_held(
	holds: Iterable[Hold], source: HoldSource, company: str | None, reference=None
) -> Hold | None:
	"""The active hold that makes placing this one a no-op, if any."""
	return next((hold for hold in holds if same_scope(hold, source, company, reference)), None)


def to_release(
	holds: Iterable[Hold],
	sources: Iterable[HoldSource],
	company: str | None,
	reference: str | None = None,
) -> list[Hold]:
	"""The holds a source releases: its own, in exactly that company (a company-wide release
	never lifts a hold of every company), and, when given, only those set by ``reference``."""
	wanted = frozenset(sources)
	return [
		hold
		for hold in holds
		if hold.source in wanted
		and hold.company == company
		and (reference is None or hold.reference == reference)
	]


def check_reason(reason: object) -> list[Problem]:
	if not isinstance(reason, str) or not reason.strip():
		return [Problem("hold_reason_missing", _("Give the reason for the credit hold."))]
	if len(reason) > MAX_TEXT:
		return [
			Problem("hold_reason_too_long", _("The reason may have at most {0} characters."), (MAX_TEXT,))
		]
	return []
