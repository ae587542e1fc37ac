"""The credit check at order entry.

Runs when a Sales Order (and, as AR Control Settings say, a Delivery Note or Sales Invoice) is
submitted, and when a submitted Sales Order's items are changed. On a draft save the same
evaluation is shown as a warning. Returns and credit notes are never checked.

At submission the customer's row is locked for the rest of the transaction and the exposure is
read with locking reads (see ``ar_control.data.exposure``), so two documents submitted at the
same moment are judged one after the other and cannot both pass when together they break the
limit.
"""

from __future__ import annotations

from decimal import Decimal
from typing import NamedTuple

import frappe
from frappe import _
from frappe.utils import cint, escape_html, fmt_money, now_datetime

from ar_control import arguments, records, utils
from ar_control.arguments import Untrusted
from ar_control.core import credit
from ar_control.core.money import ZERO, to_decimal
from ar_control.data import exposure as exposure_data
from ar_control.messages import translate
from ar_control.roles import CREDIT_MANAGER, require_role
from ar_control.settings import get_settings

CHECKED_DOCTYPES = ("Sales Order", "Delivery Note", "Sales Invoice")


class CreditBlockedError(frappe.ValidationError):
	"""The credit check refused a document."""


class CreditLimitExceededError(CreditBlockedError):
	"""Exposure above the credit limit plus tolerance."""


class CreditHoldError(CreditBlockedError):
	"""The customer is on credit hold."""


class OverdueInvoicesError(CreditBlockedError):
	"""The customer owes invoices overdue beyond the grace days."""


ERRORS = {"over_limit": CreditLimitExceededError, "on_hold": CreditHoldError, "overdue": OverdueInvoicesError}


class Evaluation(NamedTuple):
	customer: str
	company: str
	exposure: credit.Exposure
	standing: credit.Standing
	policy: credit.CreditPolicy
	decision: credit.CreditDecision


# --- what the document adds ------------------------------------------------------------------------


def document_lines(doc) -> list[credit.DocumentLine]:
	"""The document's lines, each marked when an earlier document already counts it."""
	lines = []
	for item in doc.get("items") or []:
		if doc.doctype == "Delivery Note":
			counted = bool(item.get("against_sales_order") or item.get("against_sales_invoice"))
		elif doc.doctype == "Sales Invoice":
			counted = bool(item.get("sales_order") or item.get("delivery_note"))
		else:
			counted = False
		lines.append(credit.DocumentLine(to_decimal(item.get("base_net_amount")), counted))
	return lines


def document_amount(doc) -> Decimal:
	"""What the document adds to the exposure, in company currency (see ``core.credit``)."""
	if doc.doctype == "Sales Order":
		return credit.unbilled_order(to_decimal(doc.base_grand_total), to_decimal(doc.per_billed))
	paid = to_decimal(doc.get("base_paid_amount")) if doc.get("is_pos") else ZERO
	return credit.document_exposure(
		document_lines(doc), to_decimal(doc.base_net_total), to_decimal(doc.base_grand_total), paid
	)


# --- the evaluation --------------------------------------------------------------------------------


def evaluate(
	customer: str,
	company: str,
	amount: Decimal = ZERO,
	exclude: str | None = None,
	lock: bool = False,
	increase: Decimal | None = None,
) -> Evaluation:
	settings = get_settings()
	grace = settings.overdue_grace()
	today = utils.today()
	cutoff = credit.overdue_cutoff(today, grace) if grace is not None else None
	# the limit is ERPNext's own (see ``exposure_data.CREDIT_LIMIT_SQL``); 0 means none
	exposure, standing, limit = exposure_data.load(customer, company, amount, exclude, cutoff, lock, increase)
	limit = limit or None
	policy = credit.CreditPolicy(
		currency=exposure.currency,
		limit=limit,
		tolerance_percent=settings.credit_limit_tolerance,
		overdue_grace_days=grace,
		overdue_min_amount=settings.overdue_min_amount,
	)
	return Evaluation(
		customer, company, exposure, standing, policy, credit.decide(exposure, policy, standing)
	)


def evaluate_document(doc, lock: bool = False, increase: Decimal | None = None) -> Evaluation:
	return evaluate(doc.customer, doc.company, document_amount(doc), doc.name, lock, increase)


def applies(doc) -> bool:
	if frappe.flags.in_install or frappe.flags.in_migrate or frappe.flags.in_patch:
		return False
	if doc.doctype not in CHECKED_DOCTYPES or not doc.get("customer") or cint(doc.get("is_return")):
		return False
	return get_settings().checks(doc.doctype)


# --- doc events ------------------------------------------------------------------------------------


def warn_on_save(doc) -> None:
	"""On a draft save, show what submission would say, without blocking."""
	if doc.docstatus != 0 or getattr(doc, "_action", "save") != "save" or not applies(doc):
		return
	evaluation = evaluate_document(doc)
	if not evaluation.decision.allowed:
		frappe.msgprint(
			block_message(doc, evaluation, _("This document will be blocked when it is submitted:")),
			title=_("Credit Check"),
			indicator="orange",
		)


def check_on_submit(doc) -> None:
	if applies(doc):
		enforce(doc, evaluate_document(doc, lock=True))


def check_on_update_after_submit(doc) -> None:
	"""A submitted Sales Order whose items changed: judge the increase of its unbilled amount."""
	if doc.doctype != "Sales Order" or not applies(doc):
		return
	before = doc.get_doc_before_save()
	if before is None:
		return
	increase = document_amount(doc) - document_amount(before)
	if increase > 0:
		enforce(doc, evaluate_document(doc, lock=True, increase=increase))


def enforce(doc, evaluation: Evaluation) -> None:
	decision = evaluation.decision
	if decision.allowed:
		return
	reason = (doc.get("ar_credit_override_reason") or "").strip()
	if reason and CREDIT_MANAGER in frappe.get_roles():
		log_override(doc, evaluation, reason)
		frappe.msgprint(
			_("Credit check overridden by {0}: {1}").format(frappe.session.user, escape_html(reason)),
			title=_("Credit Check"),
			indicator="orange",
		)
		return
	intro = _("{0} {1} cannot be submitted for customer {2}:").format(_(doc.doctype), doc.name, doc.customer)
	frappe.throw(
		block_message(doc, evaluation, intro, offer_override=True),
		title=_("Credit Check Failed"),
		exc=ERRORS[decision.reasons[0].code],
	)


# --- messages and the override record -------------------------------------------------------------


def money(amount: Decimal | None, currency: str) -> str:
	return fmt_money(amount or 0, currency=currency)


def exposure_summary(evaluation: Evaluation) -> str:
	e, currency = evaluation.exposure, evaluation.exposure.currency
	return _(
		"Exposure {0} = open receivables {1} + unbilled orders {2} + unbilled deliveries {3} + this document {4}."
	).format(
		money(e.total, currency),
		money(e.open_receivables, currency),
		money(e.unbilled_orders, currency),
		money(e.unbilled_deliveries, currency),
		money(e.this_document, currency),
	)


def block_message(doc, evaluation: Evaluation, intro: str, offer_override: bool = False) -> str:
	currency = evaluation.exposure.currency
	reasons = "".join(f"<li>{escape_html(translate(r, currency))}</li>" for r in evaluation.decision.reasons)
	parts = [escape_html(intro), f"<ul>{reasons}</ul>", escape_html(exposure_summary(evaluation))]
	if offer_override:
		approvers = ", ".join(get_settings().credit_managers())
		if (doc.get("ar_credit_override_reason") or "").strip():
			parts.append(
				escape_html(
					_("Only a user with the Credit Manager role can override it ({0}).").format(approvers)
				)
			)
		else:
			parts.append(
				escape_html(
					_(
						"A Credit Manager ({0}) may submit it anyway by entering a Credit Override Reason; the override is recorded."
					).format(approvers)
				)
			)
	return "<br>".join(parts)


def log_override(doc, evaluation: Evaluation, reason: str) -> None:
	decision, currency = evaluation.decision, evaluation.exposure.currency
	records.new(
		{
			"doctype": "Credit Override Log",
			"reference_doctype": doc.doctype,
			"reference_name": doc.name,
			"customer": doc.customer,
			"company": doc.company,
			"user": frappe.session.user,
			"overridden_on": now_datetime(),
			"currency": currency,
			"exposure": decision.exposure,
			"credit_limit": decision.limit or 0,
			"available": decision.available or 0,
			"overdue_amount": evaluation.standing.overdue_past_grace,
			"block_reasons": "\n".join(translate(r, currency) for r in decision.reasons),
			"override_reason": reason,
		}
	).insert(ignore_permissions=True)


OVERRIDE_LOG = "Credit Override Log"
COPIED_ON_CORRECTION = (
	"reference_doctype",
	"reference_name",
	"customer",
	"company",
	"currency",
	"exposure",
	"credit_limit",
	"available",
	"overdue_amount",
	"block_reasons",
)


@frappe.whitelist(methods=["POST"])
def correct_override(log: Untrusted = None, note: Untrusted = None) -> str:
	"""A Credit Manager corrects an override record: a new entry that names the one it corrects
	and says what is wrong with it. The original stays as it was."""
	require_role(
		{CREDIT_MANAGER}, _("Only a user with the Credit Manager role can correct a credit override record.")
	)
	log = arguments.existing(OVERRIDE_LOG, log, _("Credit Override Log"))
	note = arguments.reason(note, _("Correction"))
	frappe.has_permission(OVERRIDE_LOG, "read", log, throw=True)
	original = frappe.db.get_value(OVERRIDE_LOG, log, COPIED_ON_CORRECTION, as_dict=True)
	entry = records.new(
		{
			"doctype": OVERRIDE_LOG,
			**original,
			"user": frappe.session.user,
			"overridden_on": now_datetime(),
			"override_reason": note,
			"correction_of": log,
		}
	).insert(ignore_permissions=True)
	return entry.name


# --- the credit panel ---------------------------------------------------------------------------------


def panel(evaluation: Evaluation) -> dict:
	"""The figures the credit panel on the sales forms shows."""
	customer = frappe.db.get_value(
		"Customer", evaluation.customer, ["ar_credit_grade", "ar_next_review_date"], as_dict=True
	)
	e, d = evaluation.exposure, evaluation.decision
	return {
		"currency": e.currency,
		"credit_limit": d.limit,
		"ceiling": d.ceiling,
		"exposure": e.total,
		"open_receivables": e.open_receivables,
		"unbilled_orders": e.unbilled_orders,
		"unbilled_deliveries": e.unbilled_deliveries,
		"this_document": e.this_document,
		"available": d.available,
		"overdue": evaluation.standing.overdue_past_grace,
		"oldest_overdue_days": evaluation.standing.oldest_overdue_days,
		"grace_days": evaluation.policy.overdue_grace_days,
		"on_hold": evaluation.standing.on_hold,
		"hold_reason": evaluation.standing.hold_reason,
		"grade": customer.ar_credit_grade,
		"next_review_date": customer.ar_next_review_date,
		"allowed": d.allowed,
		"reasons": [translate(r, e.currency) for r in d.reasons],
	}
