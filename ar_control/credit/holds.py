"""Credit holds: the one place that puts customers on hold and releases them.

Every hold is a **Credit Hold** record (customer, company or every company, source, reason, who
set it and when, who released it, when and why); the rules are ``core.holds``. The customer is
on hold for a company while an active hold covers it. Each source places and releases only its
own holds:

- **Manual**: a Credit Manager, with a reason (:func:`put_on_hold`, :func:`release_hold`);
- **No Credit**: an assessment approved with a limit of 0; released when a newer assessment of
  the company is approved or this one is cancelled;
- **Assessment Expired**: the review job, when the settings say so; released the same way;
- **Collection Ladder**: the ladder's credit-hold level; released when nothing of the customer
  in that company is overdue past the level any more.

A Credit Manager may release any single hold by hand, with a reason. The Customer's *On Credit
Hold*, *Credit Hold Reason* and *Credit Hold Set By* show the active holds; they are written
here only, with *Held In Companies*, a row per company the customer is held in
(``ar_control.overrides.customer`` refuses them in a Customer save). Placing and
releasing lock the customer's row, as the credit check does, so a check never sees half a
change. Each change is logged on the customer's open collection cases it concerns.
"""

from __future__ import annotations

import frappe
from frappe import _
from frappe.query_builder.functions import Coalesce
from frappe.utils import escape_html, now_datetime

from ar_control import arguments, records
from ar_control.arguments import Untrusted
from ar_control.core import holds as rules
from ar_control.core.holds import HoldSource
from ar_control.data.exposure import lock_customer
from ar_control.data.holds import ACTIVE, HOLD, RELEASED, active
from ar_control.evidence import log_on_open_cases
from ar_control.messages import throw
from ar_control.roles import CREDIT_MANAGER, require_role

HELD_IN = "Credit Hold Company"  # the Customer's rows of the companies it is held in
HELD_IN_FIELD = "ar_credit_hold_companies"


class CreditHoldPermissionError(frappe.PermissionError):
	"""Only a Credit Manager places or releases a credit hold by hand."""


class InvalidCreditHoldError(frappe.ValidationError):
	"""A hold without a reason, or a release of a hold that is not active."""


# --- changing --------------------------------------------------------------------------------------


def place(
	customer: str,
	company: str | None,
	source: HoldSource,
	reason: str,
	reference: tuple[str, str] | None = None,
) -> str | None:
	"""Put the customer on hold; returns the new hold, or ``None`` when the same source already
	holds it for the same company and reference."""
	lock_customer(customer)
	reference_doctype, reference_name = reference or (None, None)
	if rules.already_held(active(customer), source, company or None, reference_name):
		return None
	doc = records.new(
		{
			"doctype": HOLD,
			"customer": customer,
			# empty, not None: a missing company would be filled with the user's default company
			"company": company or "",
			"source": source.value,
			"status": ACTIVE,
			"reason": reason,
			"reference_doctype": reference_doctype,
			"reference_name": reference_name,
			"set_by": frappe.session.user,
			"set_on": now_datetime(),
		}
	)
	doc.insert(ignore_permissions=True)
	refresh_customer(customer)
	log_on_open_cases(
		customer,
		company,
		_("Credit hold {0} placed ({1}): {2}").format(doc.name, _(source.value), escape_html(reason)),
	)
	return doc.name


def release(name: str, reason: str) -> None:
	"""Release one active hold, giving the reason."""
	customer, company, source = frappe.db.get_value(HOLD, name, ["customer", "company", "source"])
	lock_customer(customer)
	# read again under the lock: a concurrent release may have come first
	if frappe.db.get_value(HOLD, name, "status", for_update=True) != ACTIVE:
		frappe.throw(
			_("Credit hold {0} is not active.").format(name),
			title=_("Not Active"),
			exc=InvalidCreditHoldError,
		)
	frappe.db.set_value(
		HOLD,
		name,
		{
			"status": RELEASED,
			"released_by": frappe.session.user,
			"released_on": now_datetime(),
			# written without a document save, so not sanitised by Frappe: kept escaped
			"release_reason": escape_html(reason),
		},
	)
	refresh_customer(customer)
	log_on_open_cases(
		customer,
		company,
		_("Credit hold {0} ({1}) released by {2}: {3}").format(
			name, _(source), frappe.session.user, escape_html(reason)
		),
	)


def release_own(
	customer: str,
	company: str | None,
	sources: frozenset[HoldSource] | set[HoldSource],
	reason: str,
	reference: str | None = None,
) -> list[str]:
	"""Release the holds ``sources`` placed for exactly ``company`` (and ``reference``)."""
	names = [hold.name for hold in rules.to_release(active(customer), sources, company or None, reference)]
	for name in names:
		release(name, reason)
	return names


def refresh_customer(customer: str) -> None:
	"""Show the active holds on the Customer: on hold in any company, the reasons, the sources,
	and per company in which it is held (*Held In Companies*: a hold of every company covers
	each company of the site) the reasons and sources of the holds that cover it."""
	holds = active(customer)
	# the reasons as the hold records keep them (Frappe sanitised them when the record was made)
	reasons = [_("{0}: {1}").format(hold.company or _("All Companies"), hold.reason) for hold in holds]
	sources = sorted({_(hold.source.value) for hold in holds})
	frappe.db.set_value(
		"Customer",
		customer,
		{
			"ar_credit_hold": 1 if holds else 0,
			"ar_credit_hold_reason": "\n".join(reasons) or None,
			"ar_credit_hold_source": ", ".join(sources) or None,
		},
	)
	frappe.db.delete(HELD_IN, {"parent": customer, "parenttype": "Customer", "parentfield": HELD_IN_FIELD})
	companies = frappe.get_all("Company", pluck="name", order_by="name") if holds else []
	for idx, company in enumerate((c for c in companies if rules.covering(holds, c)), start=1):
		covering = rules.covering(holds, company)
		frappe.get_doc(
			{
				"doctype": HELD_IN,
				"parent": customer,
				"parenttype": "Customer",
				"parentfield": HELD_IN_FIELD,
				"idx": idx,
				"company": company,
				"reasons": "; ".join(hold.reason for hold in covering),
				"sources": ", ".join(sorted({_(hold.source.value) for hold in covering})),
			}
		).db_insert()


def refresh_customers_held_everywhere(doc=None, method=None) -> None:
	"""A new company: the customers held in every company are held in it too (Company hook)."""
	hold = frappe.qb.DocType(HOLD)
	for customer in (
		frappe.qb.from_(hold)
		.select(hold.customer)
		.distinct()
		.where((hold.status == ACTIVE) & (Coalesce(hold.company, "") == ""))
		.run(pluck=True)
	):
		refresh_customer(customer)


# --- the desk: a Credit Manager's hand ------------------------------------------------------------


def require_credit_manager() -> None:
	require_role(
		{CREDIT_MANAGER},
		_("Only a user with the Credit Manager role can place or release a credit hold."),
		CreditHoldPermissionError,
	)


@frappe.whitelist(methods=["POST"])
def put_on_hold(customer: Untrusted = None, company: Untrusted = None, reason: Untrusted = None) -> str:
	"""Put a customer on hold by hand, for one company or (no company) every company."""
	require_credit_manager()
	customer = arguments.existing("Customer", customer, _("Customer"))
	company = arguments.company(company, required=False)
	reason = arguments.reason(reason)
	throw(rules.check_reason(reason), title=_("Reason Required"), exc=InvalidCreditHoldError)
	name = place(customer, company, HoldSource.MANUAL, reason)
	if name is None:
		frappe.throw(
			_("{0} is already on a manual credit hold for {1}.").format(
				customer, company or _("All Companies")
			),
			title=_("Already on Hold"),
			exc=InvalidCreditHoldError,
		)
	return name


@frappe.whitelist(methods=["POST"])
def release_hold(hold: Untrusted = None, reason: Untrusted = None) -> str:
	"""Release one hold by hand, whatever set it, with a reason; other holds stay."""
	require_credit_manager()
	hold = arguments.existing(HOLD, hold, _("Credit Hold"))
	reason = arguments.reason(reason)
	throw(rules.check_reason(reason), title=_("Reason Required"), exc=InvalidCreditHoldError)
	frappe.has_permission(HOLD, "read", hold, throw=True)
	release(hold, reason)
	return hold
