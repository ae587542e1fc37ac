"""Factories for core records, so each test states only what matters to it."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from ar_control.core.aging import OpenItem
from ar_control.core.credit import Factor, GradeBand
from ar_control.core.escalation import Action, LadderItem, Level, Promise


def D(value: str | int) -> Decimal:
	return Decimal(str(value))


def make_item(
	voucher_no: str = "SINV-1",
	party: str = "CUST-1",
	due: date | None = date(2026, 6, 1),
	outstanding: str | int = "100",
	posted: date | None = None,
	voucher_type: str = "Sales Invoice",
) -> OpenItem:
	return OpenItem(
		voucher_type=voucher_type,
		voucher_no=voucher_no,
		party=party,
		posting_date=posted or due or date(2026, 1, 1),
		due_date=due,
		outstanding=D(outstanding),
		invoiced=max(D(outstanding), D(0)),
	)


def make_factors() -> list[Factor]:
	"""The seed documents' factor set with a worked set of scores (total 78.00)."""
	return [
		Factor("Solvency", D(25), D(80)),
		Factor("Profitability", D(20), D(70)),
		Factor("Operating Capability", D(15), D(60)),
		Factor("Payment Behaviour", D(25), D(90)),
		Factor("Credit History", D(10), D(100)),
		Factor("Industry Position", D(5), D(50)),
	]


def make_bands() -> list[GradeBand]:
	return [
		GradeBand("A", D(85), 60, D(3), D(50000), D(1000000), 12),
		GradeBand("B", D(70), 45, D(2), D(20000), D(500000), 12),
		GradeBand("C", D(55), 30, D(1), D(10000), D(200000), 6),
		GradeBand("D", D(40), 15, D("0.5"), D(0), D(50000), 6),
		GradeBand("E", D(0), 0, D(0), D(0), D(0), 3),
	]


def make_ladder() -> list[Level]:
	"""The default ladder from the seed documents."""
	return [
		Level("reminder", "Reminder", -3, Action.REMINDER_EMAIL),
		Level("call", "Call", 1, Action.CALL_TASK),
		Level("letter", "Formal letter", 15, Action.DUNNING_LETTER),
		Level("hold", "Credit hold", 30, Action.CREDIT_HOLD),
		Level("legal", "Legal hand-over", 60, Action.LEGAL_HANDOVER),
		Level("write_off", "Write-off proposal", 180, Action.WRITE_OFF_PROPOSAL),
	]


def make_ladder_item(
	invoice: str = "SINV-1",
	customer: str = "CUST-1",
	due: date = date(2026, 6, 1),
	outstanding: str | int = "1000",
	promise: Promise | None = None,
	disputed: bool = False,
) -> LadderItem:
	return LadderItem(invoice, customer, due, D(outstanding), promise, disputed)
