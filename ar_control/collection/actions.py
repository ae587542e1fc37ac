"""What each ladder action does, for one customer and one level, on the level's invoices.

Each action produces ERPNext documents (Communication and Email Queue, ToDo, Dunning) or sets
the customer's credit hold, and returns an :class:`Outcome` that the ladder records. Everything
happens inside the customer's transaction: if the run stops before it commits, none of it
exists, so nothing is sent twice and nothing is lost.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import NamedTuple

import frappe
from frappe import _
from frappe.utils import escape_html, flt, fmt_money, formatdate

from ar_control.collection import data, links
from ar_control.core.escalation import Action, Level, Step
from ar_control.core.holds import HoldSource
from ar_control.credit import holds
from ar_control.data.holds import HOLD


class Outcome(NamedTuple):
	outcome: str  # Done / Not Sent
	summary: str
	activity_type: str = "System Step"
	reference_doctype: str | None = None
	reference_name: str | None = None
	communication: str | None = None
	dunning: str | None = None
	todo: str | None = None


class Context(NamedTuple):
	"""Who and what one customer's steps are about."""

	customer: str
	customer_name: str
	company: str
	currency: str
	case: frappe._dict | None
	today: date


def perform(level: Level, row, steps: list[Step], ctx: Context, settings) -> Outcome:
	handlers = {
		Action.REMINDER_EMAIL: reminder_email,
		Action.CALL_TASK: call_task,
		Action.DUNNING_LETTER: dunning_letter,
		Action.CREDIT_HOLD: credit_hold,
		Action.LEGAL_HANDOVER: legal_handover,
		Action.WRITE_OFF_PROPOSAL: write_off_proposal,
	}
	return handlers[level.action](level, row, steps, ctx, settings)


# --- helpers -------------------------------------------------------------------------------------------


def invoice_lines(steps: list[Step], level: Level, ctx: Context) -> list[dict]:
	return [
		{
			"name": step.invoice,
			"due_date": formatdate(step.due_on - timedelta(days=level.days)),
			"days_overdue": (ctx.today - (step.due_on - timedelta(days=level.days))).days,
			"outstanding": fmt_money(step.amount, currency=ctx.currency),
		}
		for step in steps
	]


def total(steps: list[Step], ctx: Context) -> str:
	return fmt_money(sum(flt(s.amount) for s in steps), currency=ctx.currency)


def invoice_names(steps: list[Step]) -> str:
	return ", ".join(step.invoice for step in steps)


def reference(ctx: Context, steps: list[Step]) -> tuple[str, str]:
	"""Documents the ladder produces hang on the case, or on the invoice before a case exists."""
	if ctx.case:
		return "Collection Case", ctx.case.name
	return "Sales Invoice", steps[0].invoice


def assignees(assign_to: str | None, ctx: Context, settings) -> list[str]:
	"""The users a level's task goes to: the case's collector, sales person's user or finance
	owner, or the credit managers; falling back to the collector, then the credit managers."""
	case = ctx.case or frappe._dict()
	collector = case.get("collector") or settings.default_collector
	choice = {
		"Collector": [collector],
		"Sales Person": [case.get("sales_person_user")],
		"Finance Owner": [case.get("finance_owner") or settings.default_finance_owner],
		"Credit Manager": settings.credit_managers(),
	}.get(assign_to or "Collector", [collector])
	users = [u for u in choice if u]
	return users or ([collector] if collector else settings.credit_managers())


def make_todos(users: list[str], description: str, ctx: Context, steps: list[Step], priority="Medium") -> str:
	ref_doctype, ref_name = reference(ctx, steps)
	names = []
	for user in users:
		todo = frappe.get_doc(
			{
				"doctype": "ToDo",
				"allocated_to": user,
				"description": description,
				"reference_type": ref_doctype,
				"reference_name": ref_name,
				"date": ctx.today,
				"priority": priority,
				"assigned_by": "Administrator",
			}
		)
		todo.insert(ignore_permissions=True)
		names.append(todo.name)
	return names[0]


def send_email(
	row,
	steps: list[Step],
	level: Level,
	ctx: Context,
	doctype: str,
	name: str,
	print_format: str | None = None,
) -> tuple[str | None, str | None]:
	"""Queue the level's e-mail to the customer's billing contact.

	Returns (communication, reason it was not sent)."""
	from frappe.core.doctype.communication.email import make
	from frappe.email.doctype.email_account.email_account import EmailAccount

	recipient = data.billing_email(ctx.customer)
	if not recipient:
		return None, _("no e-mail address: add a billing contact to the customer")
	if not EmailAccount.find_outgoing(match_by_doctype=doctype):
		return None, _("no outgoing e-mail account is set up")
	context = {
		"customer": ctx.customer,
		"customer_name": ctx.customer_name,
		"company": ctx.company,
		"currency": ctx.currency,
		"invoices": invoice_lines(steps, level, ctx),
		"total": total(steps, ctx),
		"level": level.title,
		"case": ctx.case.name if ctx.case else None,
		# a personal link to the customer's page, made for this e-mail (ar_control.portal)
		"customer_link": links.make(
			ctx.customer,
			ctx.company,
			f"{level.title}: {invoice_names(steps)}",
			ctx.case.name if ctx.case else None,
		),
	}
	if row.email_template:
		template = frappe.get_cached_doc("Email Template", row.email_template)
		subject = frappe.render_template(template.subject, context)
		# the body is HTML: names typed by users go into it escaped (the subject is plain text)
		body = frappe.render_template(
			template.response_html if template.use_html else template.response, escaped(context)
		)
	else:
		subject = _("{0}: invoices {1}").format(level.title, invoice_names(steps))
		body = _("Please pay the invoices {0}, in total {1}.").format(invoice_names(steps), context["total"])
	if context["customer_link"] not in body:  # a template of the user's that does not show it
		body += link_paragraph(context["customer_link"])
	communication = make(
		doctype=doctype,
		name=name,
		subject=subject,
		content=body,
		recipients=[recipient],
		send_email=True,
		print_format=print_format,
		communication_medium="Email",
		sent_or_received="Sent",
	)
	return communication["name"], None


def link_paragraph(url: str) -> str:
	return '<p>{0} <a href="{1}">{1}</a></p>'.format(
		escape_html(_("See what is open, promise a date, dispute an invoice or pay on your page:")), url
	)


def escaped(context: dict) -> dict:
	return {key: escape_html(value) if isinstance(value, str) else value for key, value in context.items()}


# --- the actions ---------------------------------------------------------------------------------------


def reminder_email(level: Level, row, steps: list[Step], ctx: Context, settings) -> Outcome:
	doctype, name = reference(ctx, steps)
	communication, not_sent = send_email(row, steps, level, ctx, doctype, name)
	if not_sent:
		return Outcome(
			"Not Sent", _("{0} not sent for {1}: {2}.").format(level.title, invoice_names(steps), not_sent)
		)
	return Outcome(
		"Done",
		_("{0} e-mailed for {1} ({2}).").format(level.title, invoice_names(steps), total(steps, ctx)),
		"Email",
		"Communication",
		communication,
		communication=communication,
	)


def call_task(level: Level, row, steps: list[Step], ctx: Context, settings) -> Outcome:
	description = _("{0}: call {1} about invoices {2} ({3}).").format(
		escape_html(level.title), escape_html(ctx.customer_name), invoice_names(steps), total(steps, ctx)
	)
	todo = make_todos(assignees(row.assign_to, ctx, settings), description, ctx, steps)
	return Outcome("Done", description, "System Step", "ToDo", todo, todo=todo)


def dunning_letter(level: Level, row, steps: list[Step], ctx: Context, settings) -> Outcome:
	dunnings = make_dunnings(row, steps, ctx)
	communications, not_sent = [], None
	for dunning in dunnings:
		dunning_steps = [s for s in steps if s.invoice in {p.sales_invoice for p in dunning.overdue_payments}]
		communication, not_sent = send_email(
			row, dunning_steps, level, ctx, "Dunning", dunning.name, "Dunning Letter"
		)
		communications.append(communication)
	names, amount = ", ".join(d.name for d in dunnings), total(steps, ctx)
	if not_sent:
		summary = _("Dunning {0} issued for {1} ({2}); not e-mailed ({3}): print and post it.").format(
			names, invoice_names(steps), amount, not_sent
		)
	else:
		summary = _("Dunning {0} issued for {1} ({2}).").format(names, invoice_names(steps), amount)
	return Outcome(
		"Done",
		summary,
		"Letter",
		"Dunning",
		dunnings[0].name,
		communication=communications[0],
		dunning=dunnings[0].name,
	)


LETTER_TYPE = "AR Control Letter"  # the Dunning Type the ladder makes for a company without one


def dunning_type_for(row, company: str) -> str:
	"""The level's Dunning Type, else the company's default, else one made for the company."""
	if row.dunning_type:
		return row.dunning_type
	default = frappe.db.get_value("Dunning Type", {"company": company, "is_default": 1}, "name")
	if default:
		return default
	made = frappe.db.get_value(
		"Dunning Type", {"company": company, "dunning_type": ("like", f"{LETTER_TYPE}%")}, "name"
	)
	if made:
		return made
	# ERPNext keeps the Dunning Type's title unique across companies: the first company's letter
	# is "AR Control Letter", another's carries its abbreviation
	title = LETTER_TYPE
	if frappe.db.exists("Dunning Type", {"dunning_type": title}):
		title = f"{LETTER_TYPE} {frappe.get_cached_value('Company', company, 'abbr')}"
	return (
		frappe.get_doc(
			{
				"doctype": "Dunning Type",
				"dunning_type": title,
				"company": company,
				"dunning_letter_text": [
					{
						"is_default_language": 1,
						"language": frappe.db.get_default("lang") or "en",
						"body_text": _(
							"We have not yet received payment of the invoices listed below, although they are overdue."
						),
						"closing_text": _("Please pay the amount due immediately to avoid further steps."),
					}
				],
			}
		)
		.insert(ignore_permissions=True)
		.name
	)


def make_dunnings(row, steps: list[Step], ctx: Context) -> list:
	"""One submitted ERPNext Dunning per invoice currency, listing the overdue payment terms."""
	from erpnext.accounts.doctype.dunning.dunning import get_dunning_letter_text

	si = frappe.qb.DocType("Sales Invoice")
	ps = frappe.qb.DocType("Payment Schedule")
	invoices = [s.invoice for s in steps]
	headers = {
		r.name: r
		for r in frappe.qb.from_(si)
		.select(si.name, si.currency, si.conversion_rate, si.due_date, si.outstanding_amount, si.grand_total)
		.where(si.name.isin(invoices))
		.run(as_dict=True)
	}
	terms = (
		frappe.qb.from_(ps)
		.select(
			ps.parent,
			ps.name,
			ps.payment_term,
			ps.description,
			ps.due_date,
			ps.invoice_portion,
			ps.payment_amount,
			ps.outstanding,
			ps.paid_amount,
			ps.discounted_amount,
			ps.mode_of_payment,
		)
		.where(
			(ps.parenttype == "Sales Invoice")
			& (ps.parent.isin(invoices))
			& (ps.outstanding > 0)
			& (ps.due_date < ctx.today)
		)
		.orderby(ps.parent)
		.orderby(ps.idx)
		.run(as_dict=True)
	)
	rows_by_invoice: dict[str, list] = {}
	for term in terms:
		rows_by_invoice.setdefault(term.parent, []).append(
			{
				"sales_invoice": term.parent,
				"payment_schedule": term.name,
				"payment_term": term.payment_term,
				"description": term.description,
				"due_date": term.due_date,
				"invoice_portion": term.invoice_portion,
				"payment_amount": term.payment_amount,
				"outstanding": term.outstanding,
				"paid_amount": term.paid_amount,
				"discounted_amount": term.discounted_amount,
				"mode_of_payment": term.mode_of_payment,
			}
		)
	dunning_type = frappe.get_doc("Dunning Type", dunning_type_for(row, ctx.company))
	by_currency: dict[str, list[str]] = {}
	for invoice in invoices:
		by_currency.setdefault(headers[invoice].currency, []).append(invoice)
	dunnings = []
	for currency, names in by_currency.items():
		doc = frappe.new_doc("Dunning")
		doc.update(
			{
				"company": ctx.company,
				"customer": ctx.customer,
				"posting_date": ctx.today,
				"currency": currency,
				"conversion_rate": headers[names[0]].conversion_rate,
				"dunning_type": dunning_type.name,
				"rate_of_interest": dunning_type.rate_of_interest,
				"dunning_fee": dunning_type.dunning_fee,
				"income_account": dunning_type.income_account,
				"cost_center": dunning_type.cost_center,
			}
		)
		for invoice in names:
			header = headers[invoice]
			for term in rows_by_invoice.get(invoice) or [
				{
					"sales_invoice": invoice,
					"due_date": header.due_date,
					"payment_amount": header.grand_total,
					"outstanding": header.outstanding_amount,
				}
			]:
				doc.append("overdue_payments", term)
		letter = get_dunning_letter_text(dunning_type.name, doc.as_dict())
		if letter:
			doc.body_text = letter.get("body_text")
			doc.closing_text = letter.get("closing_text")
			doc.language = letter.get("language")
		doc.insert(ignore_permissions=True)
		doc.submit()
		dunnings.append(doc)
	return dunnings


def credit_hold(level: Level, row, steps: list[Step], ctx: Context, settings) -> Outcome:
	"""The ladder's own hold for the customer in this company (once: a second level reached
	while the hold is active changes nothing but the case's record)."""
	why = _("Collection ladder: invoices {0} are {1} or more days overdue.").format(
		invoice_names(steps), level.days
	)
	reference = ("Collection Case", ctx.case.name) if ctx.case else None
	if ctx.case:
		frappe.db.set_value("Collection Case", ctx.case.name, "hold_level_days", level.days)
	hold = holds.place(ctx.customer, ctx.company, HoldSource.COLLECTION_LADDER, why, reference)
	if hold:
		return Outcome("Done", _("Credit hold {0}: {1}").format(hold, why), "System Step", HOLD, hold)
	summary = _("Customer already on the ladder's credit hold; level {0} reached by {1}.").format(
		level.title, invoice_names(steps)
	)
	return Outcome("Done", summary, "System Step", "Customer", ctx.customer)


def legal_handover(level: Level, row, steps: list[Step], ctx: Context, settings) -> Outcome:
	if ctx.case:
		frappe.db.set_value("Collection Case", ctx.case.name, "handed_over_on", ctx.today)
	description = _("{0}: hand {1} over to legal or a collection agency; invoices {2} ({3}).").format(
		escape_html(level.title), escape_html(ctx.customer_name), invoice_names(steps), total(steps, ctx)
	)
	todo = make_todos(
		assignees(row.assign_to or "Credit Manager", ctx, settings), description, ctx, steps, "High"
	)
	return Outcome("Done", description, "Legal Step", "ToDo", todo, todo=todo)


def write_off_proposal(level: Level, row, steps: list[Step], ctx: Context, settings) -> Outcome:
	description = _("{0}: consider writing off {1} of {2} (invoices {3}).").format(
		escape_html(level.title), total(steps, ctx), escape_html(ctx.customer_name), invoice_names(steps)
	)
	if ctx.case:  # the case's button charges the loss to the provision already made
		description += " " + _(
			"Write Off Through Allowance on case {0} posts the write-off against the allowance for doubtful accounts."
		).format(ctx.case.name)
	todo = make_todos(
		assignees(row.assign_to or "Credit Manager", ctx, settings), description, ctx, steps, "High"
	)
	return Outcome("Done", description, "Note", "ToDo", todo, todo=todo)
