"""The Provision Run: the allowance the aging requires on a date, and the Journal Entry that
brings the allowance account to it.

    required    Σ provision of the open items on the as-of date (``core.provision``: matrix or
                historical rates, specific provisions first, credits netted per customer)
    booked      the allowance account's credit balance on the as-of date (GL Entry)
    adjustment  required - booked: > 0 debit bad-debt expense / credit the allowance;
                < 0 debit the allowance / credit bad-debt expense (a release)

Runs of a company follow each other in date order: one submitted run per company and date, none
dated before the last submitted one, and only the last one may be cancelled (its cancel cancels
its Journal Entry). The submission holds a lock on the company's row, so two runs submitted at
the same moment are put in order.
"""

from __future__ import annotations

from decimal import Decimal
from typing import NamedTuple

import frappe
from frappe import _
from frappe.utils import flt, fmt_money, formatdate, getdate

from ar_control import user_permissions
from ar_control.core import provision
from ar_control.core.money import HUNDRED, ZERO, round_money
from ar_control.core.problems import RuleError
from ar_control.data import provision as provision_data
from ar_control.data.receivables import currency_precision, open_items
from ar_control.messages import throw
from ar_control.settings import InvalidSettingsError, get_settings
from ar_control.utils import company_currency, today


class EarlierProvisionRunError(frappe.ValidationError):
	"""A run may not be dated before the company's last submitted run."""


class DuplicateProvisionRunError(frappe.ValidationError):
	"""A company has one submitted run per date."""


class LaterProvisionRunError(frappe.ValidationError):
	"""Only the company's last submitted run may be cancelled."""


class FutureProvisionRunError(frappe.ValidationError):
	"""A run is dated today or earlier: the aging of a future date is not known."""


class Computed(NamedTuple):
	"""What a run computes: the policy, the configured matrix, the matrix used (the configured
	one, or the historical loss rates where there is history), the rates behind the latter and
	the core result."""

	policy: provision.Policy
	matrix: provision.Matrix
	result: provision.ProvisionRun
	rates: tuple[provision.LossRate, ...]
	used_matrix: provision.Matrix
	currency: str
	quantum: Decimal


def compute(company: str, as_of, customers=None) -> Computed:
	"""The provision of ``company`` on ``as_of`` under its policy (also used by the report)."""
	settings = get_settings()
	policy = settings.provision_policy(company)
	try:
		matrix = settings.provision_matrix()
	except RuleError as error:
		throw(error, _("Invalid Provision Matrix"), InvalidSettingsError)
	as_of = getdate(as_of)
	history = provision_data.loss_history(
		company, matrix, as_of, policy.lookback_months, policy.skip_recent_months
	)
	historical, rates = provision.historical_matrix(
		matrix, history, as_of, policy.lookback_months, policy.skip_recent_months
	)
	used = historical if policy.method == provision.HISTORICAL else matrix
	quantum = Decimal(1).scaleb(-currency_precision())
	items = provision.provision_items(open_items(company, as_of, customers), as_of)
	booked = provision_data.allowance_balance(company, policy.allowance_account, as_of)
	result = provision.provision(
		items, used, provision_data.specifics(company, customers), booked=booked, quantum=quantum
	)
	currency = company_currency(company)
	return Computed(policy, matrix, result, rates, used, currency, quantum)


def fill(doc) -> None:
	"""Validate the run's date against the company's other runs, compute it and write the figures
	and lines onto it."""
	user_permissions.require_company(doc.company)
	as_of = getdate(doc.as_of_date)
	if as_of > today():
		frappe.throw(
			_("A provision run cannot be dated after today ({0}).").format(formatdate(today())),
			title=_("Date in the Future"),
			exc=FutureProvisionRunError,
		)
	if doc._action == "submit":
		# put simultaneous submissions for the company in order
		frappe.db.get_value("Company", doc.company, "name", for_update=True)
	refuse_out_of_order(doc)
	computed = compute(doc.company, as_of)
	policy, result, used = computed.policy, computed.result, computed.used_matrix
	labels = used.labels
	doc.method = policy.method
	doc.allowance_account = policy.allowance_account
	doc.expense_account = policy.expense_account
	doc.cost_center = policy.cost_center or frappe.get_cached_value("Company", doc.company, "cost_center")
	doc.currency = computed.currency
	doc.required_amount = flt(result.required)
	doc.booked_amount = flt(result.booked)
	doc.adjustment_amount = flt(result.adjustment)
	doc.unapplied_credit = flt(sum((c.unapplied_credit for c in result.customers), ZERO))
	last = provision_data.last_run(doc.company, exclude=doc.name)
	doc.previous_run = last.name if last else None
	doc.set("lines", [])
	for row in result.rows:
		if row.specific and row.net > 0:
			rate = round_money(row.provision / row.net * HUNDRED)
		else:
			rate = used.bands[row.band].rate_percent
		doc.append(
			"lines",
			{
				"customer": row.customer,
				"band": labels[row.band],
				"band_index": row.band + 1,
				"outstanding": flt(row.outstanding),
				"credit_applied": flt(row.credit_applied),
				"net": flt(row.net),
				"rate_percent": flt(rate),
				"provision": flt(row.provision),
				"specific": flt(row.specific),
				"currency": computed.currency,
			},
		)
	doc.set("bands", [])
	for band, configured, rate in zip(result.bands, computed.matrix.bands, computed.rates, strict=True):
		doc.append(
			"bands",
			{
				"band": labels[band.band],
				"matrix_rate": flt(configured.rate_percent),
				"historical_rate": flt(rate.rate_percent) if rate.rate_percent is not None else 0,
				"has_history": int(rate.rate_percent is not None),
				"rate_used": flt(used.bands[band.band].rate_percent),
				"net": flt(band.net),
				"provision": flt(band.provision),
				"specific": flt(band.specific),
				"currency": computed.currency,
			},
		)


def refuse_out_of_order(doc) -> None:
	last = provision_data.last_run(doc.company, exclude=doc.name)
	if not last:
		return
	as_of, last_date = getdate(doc.as_of_date), getdate(last.as_of_date)
	if as_of == last_date:
		frappe.throw(
			_("{0} already has a submitted provision run on {1}: {2}. Cancel it first.").format(
				doc.company, formatdate(last_date), last.name
			),
			title=_("Run Exists"),
			exc=DuplicateProvisionRunError,
		)
	if as_of < last_date:
		frappe.throw(
			_(
				"The provision run of {0} on {1} is dated before the last submitted run {2} on {3}; runs follow each other in date order."
			).format(doc.company, formatdate(as_of), last.name, formatdate(last_date)),
			title=_("Earlier Than the Last Run"),
			exc=EarlierProvisionRunError,
		)


def refuse_cancel_out_of_order(doc) -> None:
	last = provision_data.last_run(doc.company, exclude=doc.name)
	if last and getdate(last.as_of_date) >= getdate(doc.as_of_date):
		frappe.throw(
			_("Cancel the later provision run {0} on {1} first.").format(
				last.name, formatdate(last.as_of_date)
			),
			title=_("Later Run Exists"),
			exc=LaterProvisionRunError,
		)


def post_journal_entry(doc) -> str | None:
	"""The run's Journal Entry for the adjustment (none when the allowance is already right).

	Made with the run's authority: a Credit Manager who may submit the run need not hold the
	right to create Journal Entries."""
	amount = flt(doc.adjustment_amount)
	if not amount:
		return None
	expense_row = {"account": doc.expense_account, "cost_center": doc.cost_center}
	allowance_row = {"account": doc.allowance_account, "cost_center": doc.cost_center}
	if amount > 0:
		expense_row["debit_in_account_currency"] = amount
		allowance_row["credit_in_account_currency"] = amount
	else:
		allowance_row["debit_in_account_currency"] = -amount
		expense_row["credit_in_account_currency"] = -amount
	remark = _("Bad-debt provision {0} on {1}: required {2}, booked before {3}.").format(
		doc.name,
		formatdate(doc.as_of_date),
		fmt_money(doc.required_amount, currency=doc.currency),
		fmt_money(doc.booked_amount, currency=doc.currency),
	)
	je = frappe.get_doc(
		{
			"doctype": "Journal Entry",
			"voucher_type": "Journal Entry",
			"company": doc.company,
			"posting_date": doc.as_of_date,
			"user_remark": remark,
			"accounts": [expense_row, allowance_row] if amount > 0 else [allowance_row, expense_row],
		}
	)
	je.insert(ignore_permissions=True)
	je.submit()
	doc.db_set("journal_entry", je.name)
	return je.name


def cancel_journal_entry(doc) -> None:
	if not doc.journal_entry:
		return
	je = frappe.get_doc("Journal Entry", doc.journal_entry)
	if je.docstatus == 1:
		je.flags.ignore_permissions = True
		je.cancel()
