"""The customer's collection page: the rules for its links and for what a customer may answer.

Every reminder and dunning e-mail carries a personal link to a page where the customer sees what
is open and answers. The link's secret is 256 random bits (``secrets``), sent only in the e-mail;
the app keeps its SHA-256 digest, so neither a database backup nor a user reading the records can
rebuild a link. A link opens the page of one customer in one company until it expires or is
revoked.

What the customer sends is hostile until checked: a promise names a date within the horizon and
an amount above zero up to what is owed; a dispute one of the configured reasons and at most
:data:`MAX_TEXT` characters; an attachment one of the allowed types within the size limit.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import NamedTuple

from ar_control.core.money import ZERO, Amount
from ar_control.core.problems import MAX_TEXT, Problem, _

MAX_DAYS = 365
MAX_ATTACHMENT_KB = 10240
DEFAULT_REASONS = (
	"Goods or service not received",
	"Wrong amount or price",
	"Damaged or faulty goods",
	"Already paid",
	"Other",
)
DEFAULT_TYPES = ("pdf", "png", "jpg", "jpeg")


class PagePolicy(NamedTuple):
	link_days: int = 30
	promise_horizon_days: int = 30
	dispute_reasons: tuple[str, ...] = DEFAULT_REASONS
	attachment_max_kb: int = 5120
	attachment_types: tuple[str, ...] = DEFAULT_TYPES


def parse_lines(text: str | None) -> tuple[str, ...]:
	"""The non-empty lines of ``text``, stripped, each once, in order."""
	seen: dict[str, None] = {}
	for line in (text or "").splitlines():
		if line.strip():
			seen.setdefault(line.strip(), None)
	return tuple(seen)


def parse_types(text: str | None) -> tuple[str, ...]:
	"""File extensions from text such as ``"pdf, .PNG; jpg"``: lower case, without dots."""
	parts = (text or "").replace(";", ",").split(",")
	return tuple(dict.fromkeys(p.strip().lower().lstrip(".") for p in parts if p.strip().lstrip(".")))


def check_policy(policy: PagePolicy) -> list[Problem]:
	problems = []
	if not 1 <= policy.link_days <= MAX_DAYS:
		problems.append(
			Problem("page_link_days", _("A customer link must be valid for 1 to {0} days."), (MAX_DAYS,))
		)
	if not 1 <= policy.promise_horizon_days <= MAX_DAYS:
		problems.append(
			Problem("page_horizon", _("The latest promise must be 1 to {0} days ahead."), (MAX_DAYS,))
		)
	if not 1 <= policy.attachment_max_kb <= MAX_ATTACHMENT_KB:
		problems.append(
			Problem(
				"page_attachment_size",
				_("The largest attachment must be 1 to {0} KB."),
				(MAX_ATTACHMENT_KB,),
			)
		)
	if not policy.dispute_reasons:
		problems.append(Problem("page_no_reasons", _("Give at least one dispute reason.")))
	if any(len(reason) > 140 for reason in policy.dispute_reasons):
		problems.append(
			Problem("page_reason_long", _("A dispute reason may have at most {0} characters."), (140,))
		)
	if not policy.attachment_types or not all(t.isalnum() and len(t) <= 10 for t in policy.attachment_types):
		problems.append(
			Problem(
				"page_types",
				_("Attachment Types must be file extensions separated by commas, such as pdf, png."),
			)
		)
	return problems


# --- links -------------------------------------------------------------------------------------------


def new_secret() -> str:
	"""A link's secret: 256 random bits, URL-safe (43 characters)."""
	return secrets.token_urlsafe(32)


def digest(secret: str) -> str:
	"""What the app keeps of a secret."""
	return hashlib.sha256(secret.encode()).hexdigest()


def looks_like_secret(value: object) -> bool:
	"""A value that could be a secret at all (anything else is refused before any look-up)."""
	return (
		isinstance(value, str)
		and 40 <= len(value) <= 64
		and all(c.isascii() and (c.isalnum() or c in "-_") for c in value)
	)


def expiry(now: datetime, policy: PagePolicy) -> datetime:
	return now + timedelta(days=policy.link_days)


class LinkState(NamedTuple):
	usable: bool
	reason: str  # "", "unknown", "expired", "revoked"


def link_state(found: bool, expires_on: datetime | None, revoked: bool, now: datetime) -> LinkState:
	if not found:
		return LinkState(False, "unknown")
	if revoked:
		return LinkState(False, "revoked")
	if expires_on is None or expires_on <= now:
		return LinkState(False, "expired")
	return LinkState(True, "")


# --- what the customer answers ---------------------------------------------------------------------


def check_text(text: object, required: bool) -> list[Problem]:
	"""What a customer writes: text of at most :data:`MAX_TEXT` characters (``required``: not blank)."""
	if text is None or text == "" or (isinstance(text, str) and not text.strip()):
		return [Problem("page_text_missing", _("Write a few words first."))] if required else []
	if not isinstance(text, str):
		return [Problem("page_text_invalid", _("The text could not be read."))]
	if len(text) > MAX_TEXT:
		return [Problem("page_text_long", _("Write at most {0} characters."), (MAX_TEXT,))]
	return []


def check_promise(
	today: date, promised: date | None, amount: Decimal | None, owed: Decimal, policy: PagePolicy
) -> list[Problem]:
	"""A promise to pay ``amount`` by ``promised`` on what is ``owed`` (the invoice's, or all)."""
	problems = []
	latest = today + timedelta(days=policy.promise_horizon_days)
	if promised is None:
		problems.append(Problem("promise_date_missing", _("Choose the date you will pay by.")))
	elif not today <= promised <= latest:
		problems.append(
			Problem("promise_date_range", _("The date must be between {0} and {1}."), (today, latest))
		)
	if owed <= ZERO:
		problems.append(
			Problem("promise_nothing_owed", _("Nothing is owed on this: there is nothing to promise."))
		)
	elif amount is None or amount <= ZERO:
		problems.append(Problem("promise_amount_missing", _("Give an amount above zero.")))
	elif amount > owed:
		problems.append(
			Problem("promise_amount_high", _("The amount may be at most what is owed, {0}."), (Amount(owed),))
		)
	return problems


def check_dispute(reason: object, text: object, policy: PagePolicy) -> list[Problem]:
	problems = []
	if reason not in policy.dispute_reasons:
		problems.append(Problem("dispute_reason", _("Choose one of the reasons given.")))
	problems += check_text(text, required=False)
	return problems


def check_attachment(filename: object, size: int, policy: PagePolicy) -> list[Problem]:
	if not isinstance(filename, str) or "." not in filename or len(filename) > 140:
		return [Problem("attachment_name", _("The attachment needs a file name with an extension."))]
	extension = filename.rsplit(".", 1)[1].lower()
	problems = []
	if extension not in policy.attachment_types:
		problems.append(
			Problem(
				"attachment_type",
				_("Attach a file of one of these types: {0}."),
				(", ".join(policy.attachment_types),),
			)
		)
	if size <= 0 or size > policy.attachment_max_kb * 1024:
		problems.append(
			Problem(
				"attachment_size", _("The attachment may be at most {0} KB."), (policy.attachment_max_kb,)
			)
		)
	return problems


# --- what the page shows ----------------------------------------------------------------------------


class PageItem(NamedTuple):
	"""One open item as the customer sees it, in company currency (and the invoice's own)."""

	voucher_type: str
	voucher_no: str
	posting_date: date
	due_date: date | None
	amount: Decimal  # the invoice's grand total (company currency); 0 for credits
	outstanding: Decimal
	currency: str = ""  # the invoice's currency
	outstanding_in_currency: Decimal | None = None
	disputed: bool = False
	promised_date: date | None = None

	def days_overdue(self, today: date) -> int:
		due = self.due_date or self.posting_date
		return max((today - due).days, 0) if self.outstanding > 0 else 0


class PageTotals(NamedTuple):
	outstanding: Decimal
	overdue: Decimal


def totals(items: Sequence[PageItem], today: date) -> PageTotals:
	"""What the customer owes and what of it is overdue, net of its credits (as the aging)."""
	outstanding = sum((i.outstanding for i in items), ZERO)
	overdue = sum(
		(i.outstanding for i in items if i.outstanding < 0 or (i.due_date or i.posting_date) < today), ZERO
	)
	return PageTotals(outstanding, max(min(overdue, outstanding), ZERO) if outstanding > 0 else ZERO)
