"""Credit Assessment: fill, score, approve, revoke.

Scoring is ``core.credit``; this module moves figures between the document, the customer's
ERPNext history and the Customer record. Approval writes the approved limit into ERPNext's own
Customer Credit Limit row for the company (so ERPNext's check uses the same limit), sets the
grade's payment terms and stamps the Customer; it keeps on the assessment what it replaced, so
cancelling restores it. Holds are ``ar_control.credit.holds`` records: an approval with a limit of
0 places a *No Credit* hold; an approval ends the holds earlier assessments of the company set;
a cancellation releases only the holds this assessment set.
"""

from __future__ import annotations

import frappe
from frappe import _
from frappe.utils import add_days, add_months, flt, getdate

from ar_control import utils
from ar_control.core import credit
from ar_control.core.holds import ASSESSMENT_SOURCES, HoldSource
from ar_control.core.money import to_decimal
from ar_control.core.problems import RuleError
from ar_control.credit import holds
from ar_control.data.history import invoice_history
from ar_control.messages import throw, translate
from ar_control.roles import CREDIT_MANAGER, require_role
from ar_control.settings import get_settings


class InvalidAssessmentError(frappe.ValidationError):
	"""A credit assessment whose factors or grades the rules cannot score."""


class AssessmentApprovalError(frappe.PermissionError):
	"""Only the Credit Manager role approves credit assessments."""


def fill_factors(doc) -> None:
	"""A new assessment gets the configured factor set; weights always follow the settings."""
	definitions = get_settings().factor_definitions()
	if not doc.factors:
		for factor in definitions:
			doc.append("factors", {"factor": factor.name, "weight": factor.weight, "basis": factor.basis})
		return
	by_name = {f.name: f for f in definitions}
	for row in doc.factors:
		if row.factor in by_name:
			row.weight = by_name[row.factor].weight
			row.basis = by_name[row.factor].basis


def load_payment_behaviour(doc) -> None:
	"""Compute the payment-behaviour figures and the computed factors' scores from history."""
	settings = get_settings()
	months = settings.history_months
	end = getdate(doc.assessment_date)
	start = add_days(add_months(end, -months), 1)
	history = credit.payment_history(invoice_history(doc.customer, doc.company, start, end), end, months)
	doc.history_from = start
	doc.invoices_assessed = history.invoices
	doc.invoices_judged = history.judged
	doc.late_invoices = history.late
	doc.late_share = flt(history.late_share * 100) if history.late_share is not None else 0
	doc.average_days_to_pay = (
		flt(history.average_days_to_pay) if history.average_days_to_pay is not None else 0
	)
	doc.average_days_late = flt(history.average_days_late) if history.average_days_late is not None else 0
	doc.worst_days_late = history.worst_days_late
	doc.billed_in_window = flt(history.billed)
	doc.average_monthly_billing = flt(history.average_monthly)
	for row in doc.factors:
		if row.basis and row.basis != credit.Basis.MANUAL.value:
			score, evidence = credit.behaviour_score(
				credit.Basis(row.basis), history, settings.no_history_score
			)
			row.score = flt(score)
			row.evidence = translate(evidence)


def score(doc) -> None:
	"""Total score, grade, credit days, recommended limit and review date, through the core."""
	settings = get_settings()
	factors = [
		credit.Factor(row.factor, to_decimal(row.weight), to_decimal(row.score)) for row in doc.factors
	]
	try:
		result = credit.assess(
			factors,
			settings.grade_bands(),
			to_decimal(doc.average_monthly_billing),
			getdate(doc.assessment_date),
		)
	except RuleError as error:
		throw(error, title=_("Invalid Credit Assessment"), exc=InvalidAssessmentError, currency=doc.currency)

	before = doc.get_doc_before_save()
	previous_recommendation = flt(before.recommended_limit) if before else None
	previous_grade = before.grade if before else None
	doc.total_score = flt(result.total_score)
	doc.grade = result.grade
	doc.credit_days = result.credit_days
	doc.valid_until = result.valid_until
	doc.recommended_limit = flt(result.recommended_limit)
	# The approved limit follows the recommendation until the credit manager changes it.
	if (doc.is_new() and not doc.approved_limit) or flt(doc.approved_limit) == previous_recommendation:
		doc.approved_limit = doc.recommended_limit
	grade_row = settings.grade_row(result.grade)
	grade_terms = grade_row.payment_terms_template if grade_row else None
	previous_row = settings.grade_row(previous_grade) if previous_grade else None
	previous_terms = previous_row.payment_terms_template if previous_row else None
	# The payment terms follow the grade until the credit manager picks others.
	if not doc.payment_terms_template or doc.payment_terms_template == previous_terms:
		doc.payment_terms_template = grade_terms
	doc.limit_note = limit_note(doc, grade_row)


def limit_note(doc, grade_row) -> str:
	fmt = lambda amount: frappe.format_value(amount, {"fieldtype": "Currency", "options": doc.currency})  # noqa: E731
	if not flt(doc.average_monthly_billing):
		note = _(
			"No billing in the history window: the recommendation is the grade's minimum limit {0}."
		).format(fmt(doc.recommended_limit))
	else:
		note = _(
			"Recommended: {0} months of average monthly billing {1}, within the grade's bounds: {2}."
		).format(
			flt(grade_row.limit_months) if grade_row else 0,
			fmt(doc.average_monthly_billing),
			fmt(doc.recommended_limit),
		)
	if not flt(doc.approved_limit):
		note += " " + _("An approved limit of 0 means no credit: approval puts the customer on credit hold.")
	return note


def require_credit_manager() -> None:
	require_role(
		{CREDIT_MANAGER},
		_("Only a user with the Credit Manager role can approve a credit assessment."),
		AssessmentApprovalError,
	)


# --- approval and its reversal ----------------------------------------------------------------------


def current_assessment(customer: str, company: str, exclude: str | None = None) -> str | None:
	"""The approved (or expired, not yet replaced) assessment in force for a customer and company."""
	return frappe.db.get_value(
		"Credit Assessment",
		{
			"customer": customer,
			"company": company,
			"docstatus": 1,
			"status": ("in", ("Approved", "Expired")),
			"name": ("!=", exclude or ""),
		},
		"name",
		order_by="creation desc",
	)


def limit_row(customer: str, company: str):
	name = frappe.db.get_value(
		"Customer Credit Limit", {"parent": customer, "parenttype": "Customer", "company": company}, "name"
	)
	return frappe.get_doc("Customer Credit Limit", name) if name else None


def set_credit_limit(customer: str, company: str, limit: float) -> None:
	"""Write the limit into ERPNext's Customer Credit Limit row of the company (create it if
	missing). Written directly: Customer.save would refuse a limit below today's outstanding,
	and lowering a limit is exactly what a credit manager may decide."""
	row = limit_row(customer, company)
	if row:
		row.db_set("credit_limit", limit)
		return
	idx = frappe.db.count("Customer Credit Limit", {"parent": customer, "parenttype": "Customer"}) + 1
	frappe.get_doc(
		{
			"doctype": "Customer Credit Limit",
			"parent": customer,
			"parenttype": "Customer",
			"parentfield": "credit_limits",
			"idx": idx,
			"company": company,
			"credit_limit": limit,
		}
	).db_insert()


def remove_credit_limit(customer: str, company: str) -> None:
	frappe.db.delete(
		"Customer Credit Limit", {"parent": customer, "parenttype": "Customer", "company": company}
	)


def approve(doc) -> None:
	customer = frappe.db.get_value(
		"Customer", doc.customer, ["payment_terms", "ar_credit_grade", "ar_next_review_date"], as_dict=True
	)
	row = limit_row(doc.customer, doc.company)
	previous = current_assessment(doc.customer, doc.company, exclude=doc.name)
	doc.db_set(
		{
			"status": "Approved",
			"previous_assessment": previous,
			"previous_credit_limit": row.credit_limit if row else 0,
			"previous_limit_existed": 1 if row else 0,
			"previous_payment_terms": customer.payment_terms,
			"previous_grade": customer.ar_credit_grade,
			"previous_next_review_date": customer.ar_next_review_date,
		}
	)
	if previous:
		frappe.db.set_value("Credit Assessment", previous, "status", "Superseded")

	set_credit_limit(doc.customer, doc.company, flt(doc.approved_limit))
	values = {
		"ar_credit_grade": doc.grade,
		"ar_next_review_date": doc.valid_until,
		"ar_current_assessment": doc.name,
	}
	if doc.payment_terms_template:
		values["payment_terms"] = doc.payment_terms_template
	frappe.db.set_value("Customer", doc.customer, values)
	# the holds earlier assessments of the company set (no credit, expiry) end with this approval
	holds.release_own(
		doc.customer,
		doc.company,
		ASSESSMENT_SOURCES,
		_("Superseded by credit assessment {0}.").format(doc.name),
	)
	if not flt(doc.approved_limit):
		place_no_credit_hold(doc.customer, doc.company, doc.name)


def place_no_credit_hold(customer: str, company: str, assessment: str) -> None:
	holds.place(
		customer,
		company,
		HoldSource.NO_CREDIT,
		_("No credit: assessment {0} approved a credit limit of 0.").format(assessment),
		("Credit Assessment", assessment),
	)


def place_expiry_hold(customer: str, company: str, assessment: str, valid_until) -> None:
	holds.place(
		customer,
		company,
		HoldSource.ASSESSMENT_EXPIRED,
		_("Credit assessment {0} expired on {1}.").format(assessment, frappe.format(valid_until, "Date")),
		("Credit Assessment", assessment),
	)


def revoke(doc) -> None:
	"""Cancel: when this assessment is the one in force, put back what its approval replaced."""
	in_force = doc.status in ("Approved", "Expired")
	doc.db_set("status", "Cancelled")
	if not in_force:
		return
	if doc.previous_limit_existed:
		set_credit_limit(doc.customer, doc.company, flt(doc.previous_credit_limit))
	else:
		remove_credit_limit(doc.customer, doc.company)
	frappe.db.set_value(
		"Customer",
		doc.customer,
		{
			"payment_terms": doc.previous_payment_terms,
			"ar_credit_grade": doc.previous_grade,
			"ar_next_review_date": doc.previous_next_review_date,
			"ar_current_assessment": doc.previous_assessment,
		},
	)
	cancelled = _("Credit assessment {0} was cancelled.").format(doc.name)
	holds.release_own(doc.customer, doc.company, ASSESSMENT_SOURCES, cancelled, reference=doc.name)
	if doc.previous_assessment:
		restore_previous(doc)


def restore_previous(doc) -> None:
	"""The assessment the cancelled one replaced is in force again, with its own holds: no
	credit when it approved a limit of 0, expiry when it has expired and the settings hold."""
	previous = frappe.db.get_value(
		"Credit Assessment", doc.previous_assessment, ["valid_until", "approved_limit"], as_dict=True
	)
	expired = bool(previous.valid_until) and getdate(previous.valid_until) < utils.today()
	frappe.db.set_value(
		"Credit Assessment", doc.previous_assessment, "status", "Expired" if expired else "Approved"
	)
	if not flt(previous.approved_limit):
		place_no_credit_hold(doc.customer, doc.company, doc.previous_assessment)
	if expired and get_settings().hold_on_expiry:
		place_expiry_hold(doc.customer, doc.company, doc.previous_assessment, previous.valid_until)
