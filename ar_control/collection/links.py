"""Personal links to the customer's collection page (``ar_control.portal``): made for the
ladder's reminders and by a case's buttons, resolved when the customer follows one, revoked.

A link names one customer in one company. Its secret (``core.portal.new_secret``) goes only into
the e-mail or to the user who copies it from the case; the **Collection Link** record keeps its
SHA-256 digest, the expiry, who revoked it, and its visits. A link made for a reminder carries the
customer and company of the reminder's case; anything else (an expired, revoked, altered or
unknown secret) opens nothing.
"""

from __future__ import annotations

from urllib.parse import urlencode

import frappe
from frappe import _
from frappe.utils import get_datetime, get_url, now_datetime

from ar_control import arguments, evidence
from ar_control.arguments import Untrusted
from ar_control.core import portal as rules
from ar_control.roles import COLLECTOR, MANAGERS, require_role
from ar_control.settings import get_settings

LINK = "Collection Link"
ROUTE = "collect"
# who may copy a customer's link from a case, or revoke its links
CASE_ROLES = (*MANAGERS, COLLECTOR)


class LinkRefused(frappe.PermissionError):
	"""A secret that opens nothing: unknown, expired or revoked (then ``company`` is the link's,
	so the page can say whom to contact)."""

	def __init__(self, reason: str, company: str | None = None):
		super().__init__(reason)
		self.reason = reason
		self.company = company


def policy() -> rules.PagePolicy:
	return get_settings().page_policy()


def url_for(secret: str) -> str:
	return get_url(f"/{ROUTE}?{urlencode({'key': secret})}")


def make(customer: str, company: str, made_for: str, case: str | None = None) -> str:
	"""A new link for the customer in the company; returns its URL (the only place its secret
	is). Inside the caller's transaction: a reminder that is rolled back takes its link along."""
	secret = rules.new_secret()
	frappe.get_doc(
		{
			"doctype": LINK,
			"customer": customer,
			"company": company,
			"collection_case": case,
			"made_for": made_for[:140],
			"expires_on": rules.expiry(now_datetime(), policy()),
			"token_hash": rules.digest(secret),
		}
	).insert(ignore_permissions=True)
	return url_for(secret)


def resolve(secret: object) -> frappe._dict:
	"""The link a secret opens; :class:`LinkRefused` with the reason when it opens nothing."""
	if not rules.looks_like_secret(secret):
		raise LinkRefused("unknown")
	found = frappe.db.get_value(
		LINK,
		{"token_hash": rules.digest(secret)},
		["name", "customer", "company", "collection_case", "expires_on", "revoked"],
		as_dict=True,
	)
	state = rules.link_state(
		bool(found),
		get_datetime(found.expires_on) if found else None,
		bool(found and found.revoked),
		now_datetime(),
	)
	if not state.usable:
		raise LinkRefused(state.reason, found.company if found else None)
	return found


def record_visit(link: frappe._dict, case: str | None) -> None:
	now = now_datetime()
	visits = frappe.db.get_value(LINK, link.name, "visits") or 0
	frappe.db.set_value(LINK, link.name, {"last_opened": now, "visits": visits + 1}, update_modified=False)
	if case:
		page_visits = frappe.db.get_value("Collection Case", case, "page_visits") or 0
		frappe.db.set_value(
			"Collection Case",
			case,
			{"page_last_opened": now, "page_visits": page_visits + 1},
			update_modified=False,
		)


def revoke(customer: str, company: str) -> int:
	"""Revoke every link of the customer in the company that still opens; returns how many."""
	link = frappe.qb.DocType(LINK)
	names = (
		frappe.qb.from_(link)
		.select(link.name)
		.where(
			(link.customer == customer)
			& (link.company == company)
			& (link.revoked == 0)
			& (link.expires_on > now_datetime())
		)
		.run(pluck=True)
	)
	for name in names:
		frappe.db.set_value(
			LINK, name, {"revoked": 1, "revoked_by": frappe.session.user, "revoked_on": now_datetime()}
		)
	return len(names)


# --- the case's buttons ------------------------------------------------------------------------------


def _case(case: object):
	name = arguments.existing("Collection Case", case, _("Collection Case"))
	doc = frappe.get_doc("Collection Case", name)
	doc.check_permission("read")
	require_role(CASE_ROLES, _("Only a Collector, a Credit Manager or an Accounts Manager can do this."))
	return doc


@frappe.whitelist(methods=["POST"])
def copy_link(case: Untrusted = None) -> str:
	"""*Copy Customer Link* on a case: a new link for its customer, shown once to the user."""
	doc = _case(case)
	url = make(doc.customer, doc.company, _("Copied by {0}").format(frappe.session.user), doc.name)
	evidence.add_activity(
		doc.name, "Note", _("A customer link was copied by {0}.").format(frappe.session.user)
	)
	return url


@frappe.whitelist(methods=["POST"])
def revoke_links(case: Untrusted = None) -> int:
	"""*Revoke Links* on a case: every link of its customer and company stops opening the page."""
	doc = _case(case)
	count = revoke(doc.customer, doc.company)
	evidence.add_activity(
		doc.name, "Note", _("{0} customer link(s) revoked by {1}.").format(count, frappe.session.user)
	)
	return count
