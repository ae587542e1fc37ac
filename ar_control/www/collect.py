"""The customer's collection page: ``/collect?key=SECRET``, no login.

The link decides everything: one customer in one company, until it expires or is revoked
(:mod:`ar_control.collection.links`). An expired, revoked, altered or unknown link shows a plain page
saying so (with the company's contact details when the link was real), never anyone's data. The
page is in the customer's language (the Customer's *Language*; ``_lang=zh`` or ``_lang=en``
switch it) and records each visit on the link and the case.
"""

import frappe
from frappe import _
from frappe.utils import add_days, cint

from ar_control import utils
from ar_control.collection import links
from ar_control.portal import answers, page

no_cache = 1
LANGUAGES = (("en", "English"), ("zh", "中文"))
REFUSED_STATUS = {"unknown": 404, "expired": 410, "revoked": 410}


def get_context(context):
	context.no_cache = 1
	context.show_sidebar = False
	context.no_breadcrumbs = True
	key = frappe.form_dict.get("key")
	try:
		link = links.resolve(key)
	except links.LinkRefused as refused:
		context.refused = refused.reason
		context.http_status_code = REFUSED_STATUS[refused.reason]
		context.company = page.company_details(refused.company) if refused.company else None
		context.title = _("This link is closed")
		return context
	shown = page.load(link.customer, link.company)
	if shown.language and not frappe.form_dict.get("_lang"):
		frappe.local.lang = shown.language
	links.record_visit(link, shown.case)
	policy = links.policy()
	today = utils.today()
	open_invoices = [
		item for item in shown.items if item.voucher_type == "Sales Invoice" and item.outstanding > 0
	]
	context.update(
		{
			"title": _("Your account with {0}").format(shown.company),
			"page": shown,
			"company": page.company_details(link.company),
			"today": today,
			"latest_promise": add_days(today, policy.promise_horizon_days),
			"reasons": policy.dispute_reasons,
			"attachment_types": ", ".join(f".{t}" for t in policy.attachment_types),
			"attachment_max_kb": cint(policy.attachment_max_kb),
			"open_invoices": open_invoices,
			"gateway": bool(open_invoices)
			and bool(page.gateway_account(link.company, open_invoices[0].currency or shown.currency)),
			"bank": page.bank_details(link.company),
			"key": key,
			"form": answers.new_form_token(link.name),
			"languages": LANGUAGES,
		}
	)
	frappe.db.commit()  # the visit, on a GET request Frappe does not commit
	return context
