"""What a customer does on its collection page: promise, dispute, pay, write, download.

Every endpoint is open to guests and trusts nothing it is sent. Each POST checks, in this order:
Frappe's rate limit per address and per link; the link (:func:`ar_control.collection.links.resolve`:
unknown, expired or revoked opens nothing, 403); the form's one-time token (a form sent twice
changes nothing the second time, 409); that the invoice is an open Sales Invoice of the link's own
customer and company (anything else: 404, whoever it belongs to); the amounts, dates, texts and
the attachment (``core.portal``: 417 with the reasons). Frappe's own sanitising of guests' input is
off for these endpoints (``xss_safe``): they escape what they keep themselves, exactly once. Only
then does it act, as the app's own
code: the answer becomes the case's promise or dispute (the very fields a collector fills, so the
ladder pauses as for a collector's), a Collection Activity "from the customer's page" with the
time and the address, a desk notification to the collector (and a ToDo for a dispute). Text the
customer typed is stored escaped.

*Pay now* makes an ERPNext Payment Request for the checked invoice, on the server, as
Administrator for that one call: ERPNext's own endpoint is never opened to guests.
"""

from __future__ import annotations

from contextlib import contextmanager
from datetime import date
from decimal import Decimal, InvalidOperation
from functools import wraps

import frappe
from frappe import _
from frappe.rate_limiter import rate_limit
from frappe.utils import escape_html, getdate, now_datetime

from ar_control import evidence, utils
from ar_control.arguments import Untrusted
from ar_control.collection import links
from ar_control.core import portal as rules
from ar_control.core.money import ZERO, round_money
from ar_control.messages import throw
from ar_control.portal import page

ALL = "all"  # the invoice value that means every open invoice
FORM_TOKEN = "ar_control_page_form"
FORM_TOKEN_SECONDS = 4 * 3600
PER_LINK = 30  # POSTs per link per hour
PER_ADDRESS = 60  # POSTs per address per hour
LARGEST = Decimal("1e15")  # no amount a customer types is larger
# what a file of each allowed type starts with
SIGNATURES = {"pdf": (b"%PDF",), "png": (b"\x89PNG",), "jpg": (b"\xff\xd8\xff",), "jpeg": (b"\xff\xd8\xff",)}


class ReplayedForm(frappe.ValidationError):
	http_status_code = 409


class NotYours(frappe.DoesNotExistError):
	"""An invoice that is not an open Sales Invoice of the link's customer and company."""

	http_status_code = 404


class LinkClosed(frappe.PermissionError):
	http_status_code = 403


def for_guests(fn):
	"""A customer's endpoint: whatever goes wrong, the answer carries no traceback (Frappe shows
	one to desk users where System Settings allow it; a customer is not one)."""

	@wraps(fn)
	def wrapper(*args, **kwargs):
		frappe.local.flags.disable_traceback = True
		return fn(*args, **kwargs)

	return wrapper


# --- the form token -----------------------------------------------------------------------------------


def new_form_token(link: str) -> str:
	"""A one-time token for the forms of one page view of ``link``."""
	token = rules.new_secret()
	frappe.cache.set_value(f"{FORM_TOKEN}:{link}:{rules.digest(token)}", 1, expires_in_sec=FORM_TOKEN_SECONDS)
	return token


def _use_form_token(link: str, token: object) -> None:
	if not rules.looks_like_secret(token):
		frappe.throw(
			_("This form has expired: reload the page."), title=_("Reload the Page"), exc=ReplayedForm
		)
	key = frappe.cache.make_key(f"{FORM_TOKEN}:{link}:{rules.digest(token)}")
	if not frappe.cache.delete(key):  # atomic: of two identical posts only one finds it
		frappe.throw(
			_("This form was already sent, or has expired: reload the page."),
			title=_("Already Sent"),
			exc=ReplayedForm,
		)


# --- the checks ---------------------------------------------------------------------------------------


def _link(key: object) -> frappe._dict:
	try:
		return links.resolve(key)
	except links.LinkRefused:
		frappe.throw(
			_("This link does not open the page any more. Ask for a new one."),
			title=_("Link Closed"),
			exc=LinkClosed,
		)


def _owed(link: frappe._dict, invoice: object) -> dict[str, Decimal]:
	"""What is owed on the invoice named (``all``: on each open invoice) of the link's customer in
	the link's company; refuses anything else without saying whose it is."""
	owed = page.owed(link.customer, link.company)
	if invoice == ALL:
		if not owed:
			frappe.throw(_("Nothing is open on your account."), title=_("Nothing Open"), exc=NotYours)
		return owed
	if not isinstance(invoice, str) or invoice not in owed:
		frappe.throw(_("This invoice is not open on your account."), title=_("Not Found"), exc=NotYours)
	return {invoice: owed[invoice]}


def _date(value: object) -> date | None:
	if not isinstance(value, str) or len(value) != 10:
		return None
	try:
		return getdate(value)
	except Exception:
		return None


def _amount(value: object) -> Decimal | None:
	if not isinstance(value, (str, int, float)) or isinstance(value, bool) or len(str(value)) > 20:
		return None
	try:
		amount = Decimal(str(value).strip())
	except InvalidOperation:
		return None
	if not amount.is_finite() or abs(amount) >= LARGEST:
		return None
	return round_money(amount)


def _address() -> str:
	return frappe.local.request_ip or "?"


def _quoted(text: str | None) -> str:
	return escape_html((text or "").strip())


# --- acting on the case --------------------------------------------------------------------------------


def _case(link: frappe._dict, invoices: dict[str, Decimal]):
	"""The customer's open case in the link's company, opened if there is none, holding a row
	for each of these invoices."""
	name = page.case_of(link.customer, link.company)
	if name is None:  # opened as a user opens one: owners and overdue invoices filled in
		doc = frappe.get_doc(
			{"doctype": "Collection Case", "customer": link.customer, "company": link.company}
		)
		doc.insert(ignore_permissions=True)
		evidence.add_activity(doc.name, "System Step", _("Case opened: the customer answered on its page."))
		name = doc.name
	doc = frappe.get_doc("Collection Case", name)
	rows = {row.sales_invoice for row in doc.invoices}
	due = dict(
		frappe.get_all(
			"Sales Invoice",
			filters={"name": ("in", list(invoices))},
			fields=["name", "due_date"],
			as_list=True,
		)
	)
	currency = utils.company_currency(link.company)
	for invoice, amount in invoices.items():
		if invoice not in rows:
			doc.append(
				"invoices",
				{
					"sales_invoice": invoice,
					"due_date": due.get(invoice),
					"outstanding_amount": amount,
					"currency": currency,
				},
			)
	return doc


def _save(doc) -> None:
	doc.flags.from_page = True  # the page writes its own activity, naming the customer
	doc.save(ignore_permissions=True)
	frappe.db.set_value(
		"Collection Case", doc.name, {"customer_answered": 1, "customer_answered_on": now_datetime()}
	)


def _record(doc, summary: str, outcome: str, invoice: str | None = None, **fields) -> str:
	name = evidence.add_activity(
		doc.name,
		"Customer Page",
		_("{0} (from the customer's page, address {1})").format(summary, escape_html(_address())),
		outcome=outcome,
		sales_invoice=invoice,
		**fields,
	)
	_notify(doc, summary)
	return name


def _notify(doc, summary: str) -> None:
	recipients = {user for user in (doc.collector, doc.finance_owner) if user}
	for user in recipients:
		frappe.get_doc(
			{
				"doctype": "Notification Log",
				"for_user": user,
				"type": "Alert",
				"document_type": "Collection Case",
				"document_name": doc.name,
				"subject": _("{0} answered on its page: {1}").format(
					escape_html(doc.customer_name or doc.customer), summary
				),
			}
		).insert(ignore_permissions=True)


# --- the endpoints --------------------------------------------------------------------------------------


@frappe.whitelist(allow_guest=True, xss_safe=True, methods=["POST"])
@for_guests
@rate_limit(limit=PER_ADDRESS, seconds=3600)
@rate_limit(key="key", limit=PER_LINK, seconds=3600, ip_based=False)
def promise(
	key: Untrusted = None,
	form: Untrusted = None,
	invoice: Untrusted = None,
	date: Untrusted = None,
	amount: Untrusted = None,
) -> dict:
	"""Promise to pay ``amount`` by ``date`` on one invoice (or, ``invoice`` = all, on the open
	invoices, oldest first)."""
	link = _link(key)
	_use_form_token(link.name, form)
	owed = _owed(link, invoice)
	promised, total = _date(date), _amount(amount)
	throw(
		rules.check_promise(utils.today(), promised, total, sum(owed.values(), ZERO), links.policy()),
		title=_("Promise to Pay"),
		currency=utils.company_currency(link.company),
	)
	doc = _case(link, owed)
	left, promised_on = total, []
	for row in sorted(doc.invoices, key=lambda r: (getdate(r.due_date), r.sales_invoice)):
		if row.sales_invoice not in owed or left <= 0:
			continue
		share = min(left, owed[row.sales_invoice])
		row.outstanding_amount = owed[row.sales_invoice]
		row.promised_date, row.promised_amount = promised, share
		left -= share
		promised_on.append(row.sales_invoice)
	_save(doc)
	summary = _("Promise to pay {0} by {1} on {2}.").format(
		frappe.utils.fmt_money(total, currency=doc.currency),
		frappe.format(promised, "Date"),
		", ".join(promised_on),
	)
	_record(
		doc,
		summary,
		_("Promise to Pay"),
		promised_on[0] if len(promised_on) == 1 else None,
		next_action_date=promised,
	)
	return {"message": _("Thank you: your promise is recorded.")}


@frappe.whitelist(allow_guest=True, xss_safe=True, methods=["POST"])
@for_guests
@rate_limit(limit=PER_ADDRESS, seconds=3600)
@rate_limit(key="key", limit=PER_LINK, seconds=3600, ip_based=False)
def dispute(
	key: Untrusted = None,
	form: Untrusted = None,
	invoice: Untrusted = None,
	reason: Untrusted = None,
	details: Untrusted = None,
) -> dict:
	"""Dispute an invoice: one of the configured reasons, a text, optionally a file (``attachment``
	in the multipart body)."""
	link = _link(key)
	_use_form_token(link.name, form)
	owed = _owed(link, invoice if invoice != ALL else None)
	policy = links.policy()
	throw(rules.check_dispute(reason, details, policy), title=_("Dispute"))
	upload = frappe.request.files.get("attachment") if frappe.request and frappe.request.files else None
	content = None
	if upload and upload.filename:
		content = upload.stream.read(policy.attachment_max_kb * 1024 + 1)
		throw(rules.check_attachment(upload.filename, len(content), policy), title=_("Dispute"))
		if not readable(upload.filename, content):
			throw(
				[rules.Problem("attachment_content", _("The file is not what its name says."))],
				title=_("Dispute"),
			)
	doc = _case(link, owed)
	(invoice,) = owed
	text = _quoted(details)
	for row in doc.invoices:
		if row.sales_invoice == invoice:
			row.outstanding_amount = owed[invoice]
			row.disputed = 1
			row.dispute_reason = f"{escape_html(reason)}: {text}" if text else escape_html(reason)
	_save(doc)
	file_url = None
	if content is not None:
		file_url = (
			frappe.get_doc(
				{
					"doctype": "File",
					"file_name": f"dispute-{invoice}.{upload.filename.rsplit('.', 1)[1].lower()}",
					"attached_to_doctype": "Collection Case",
					"attached_to_name": doc.name,
					"is_private": 1,
					"content": content,
				}
			)
			.insert(ignore_permissions=True)
			.file_url
		)
	summary = _("{0} disputed: {1}").format(
		invoice, f"{escape_html(reason)}: {text}" if text else escape_html(reason)
	)
	todo = _dispute_todo(doc, invoice, summary)
	_record(doc, summary, _("Disputed"), invoice, attachment=file_url, todo=todo)
	return {"message": _("Thank you: your dispute is recorded. We will contact you.")}


def readable(filename: str, content: bytes) -> bool:
	"""The file is what its extension says: it starts as such a file does, and a PDF opens."""
	extension = filename.rsplit(".", 1)[1].lower()
	if not content.startswith(SIGNATURES.get(extension, (b"",))):
		return False
	if extension == "pdf":
		from io import BytesIO

		from pypdf import PdfReader

		try:
			PdfReader(BytesIO(content))
		except Exception:
			return False
	return True


def _dispute_todo(doc, invoice: str, summary: str) -> str | None:
	user = doc.collector or doc.finance_owner
	if not user:
		return None
	return (
		frappe.get_doc(
			{
				"doctype": "ToDo",
				"allocated_to": user,
				"reference_type": "Collection Case",
				"reference_name": doc.name,
				"description": _("Look into the customer's dispute: {0}").format(summary),
				"priority": "High",
				"date": utils.today(),
			}
		)
		.insert(ignore_permissions=True)
		.name
	)


@frappe.whitelist(allow_guest=True, xss_safe=True, methods=["POST"])
@for_guests
@rate_limit(limit=PER_ADDRESS, seconds=3600)
@rate_limit(key="key", limit=PER_LINK, seconds=3600, ip_based=False)
def message(key: Untrusted = None, form: Untrusted = None, text: Untrusted = None) -> dict:
	"""A message to the collector, on the case."""
	link = _link(key)
	_use_form_token(link.name, form)
	throw(rules.check_text(text, required=True), title=_("Message"))
	doc = _case(link, {})
	_save(doc)
	_record(doc, _("Message: {0}").format(_quoted(text)), _("Message"))
	return {"message": _("Thank you: your message reached us.")}


@contextmanager
def _as_administrator():
	"""For the one ERPNext call below: the guest's session comes back whatever happens."""
	user = frappe.session.user
	frappe.set_user("Administrator")
	try:
		yield
	finally:
		frappe.set_user(user)


@frappe.whitelist(allow_guest=True, xss_safe=True, methods=["POST"])
@for_guests
@rate_limit(limit=PER_ADDRESS, seconds=3600)
@rate_limit(key="key", limit=PER_LINK, seconds=3600, ip_based=False)
def pay(key: Untrusted = None, form: Untrusted = None, invoice: Untrusted = None) -> dict:
	"""*Pay now*: an ERPNext Payment Request for the invoice through the company's payment
	gateway; the page goes on to the gateway's payment page when the gateway gives one."""
	from erpnext.accounts.doctype.payment_request.payment_request import make_payment_request

	link = _link(key)
	_use_form_token(link.name, form)
	owed = _owed(link, invoice if invoice != ALL else None)
	(invoice,) = owed
	currency = frappe.db.get_value("Sales Invoice", invoice, "currency")
	gateway = page.gateway_account(link.company, currency)
	if not gateway:
		frappe.throw(
			_("Paying here is not set up: please pay by bank transfer to the account shown on the page."),
			title=_("Pay Now"),
			exc=NotYours,
		)
	with _as_administrator():
		request = make_payment_request(
			dt="Sales Invoice",
			dn=invoice,
			party_type="Customer",
			party=link.customer,
			payment_gateway_account=gateway,
			submit_doc=1,
			mute_email=1,
			return_doc=1,
		)
	doc = _case(link, {})
	_save(doc)
	_record(
		doc,
		_("Payment request {0} made for {1}.").format(request.name, invoice),
		_("Payment Requested"),
		invoice,
	)
	return {"message": _("Your payment request is made."), "payment_url": request.payment_url or None}


@frappe.whitelist(allow_guest=True, xss_safe=True, methods=["GET"])
@for_guests
@rate_limit(limit=PER_ADDRESS, seconds=3600)
def statement(key: Untrusted = None) -> None:
	"""The statement of open items as a PDF download."""
	from frappe.utils.pdf import get_pdf

	link = _link(key)
	html = frappe.render_template("ar_control/templates/statement.html", statement_context(link))
	frappe.local.response.filename = f"statement-{link.customer}.pdf"
	frappe.local.response.filecontent = get_pdf(html)
	frappe.local.response.type = "download"  # a file to keep, not a page to show


def statement_context(link) -> dict:
	shown = page.load(link.customer, link.company)
	return {"page": shown, "company": page.company_details(link.company), "today": utils.today()}
