"""The provision policy of AR Control Settings: the aging-rate matrix and each company's method and
accounts, as core records, and every problem with them (shown together on the settings form)."""

from __future__ import annotations

from typing import NamedTuple

import frappe
from frappe import _
from frappe.utils import cint

from ar_control.core import provision
from ar_control.core.money import to_decimal
from ar_control.core.problems import Problem
from ar_control.utils import company_currency

AGING_MATRIX = "Aging Matrix"
HISTORICAL = "Historical Loss Rates"
METHODS = (AGING_MATRIX, HISTORICAL)


class ProvisionPolicyMissingError(frappe.ValidationError):
	"""A company runs a provision only once AR Control Settings name its policy and accounts."""


class Policy(NamedTuple):
	company: str
	method: str
	allowance_account: str
	expense_account: str
	cost_center: str | None
	lookback_months: int
	skip_recent_months: int


def matrix_bands(rows) -> list[provision.RateBand]:
	"""The settings' band rows as core bands. An Int field cannot be empty, so the last band's 0
	means "no upper bound"; any other value there is kept, and the core says it must be empty."""
	bands = []
	for position, row in enumerate(rows, start=1):
		upper = cint(row.upper_days)
		if position == len(rows) and upper == 0:
			upper = None
		bands.append(provision.RateBand(upper, to_decimal(row.rate_percent), row.label or ""))
	return bands


def matrix(settings) -> provision.Matrix:
	"""The configured matrix; the default one when the settings hold none."""
	if not settings.provision_bands:
		return provision.DEFAULT_MATRIX
	return provision.make_matrix(matrix_bands(settings.provision_bands))


def policy_of(row) -> Policy:
	return Policy(
		company=row.company,
		method=row.method or AGING_MATRIX,
		allowance_account=row.allowance_account,
		expense_account=row.expense_account,
		cost_center=row.cost_center or None,
		lookback_months=cint(row.lookback_months) or 12,
		skip_recent_months=cint(row.skip_recent_months),
	)


def policy(settings, company: str) -> Policy:
	"""The company's policy; refused with a clear message when it has none."""
	row = next((r for r in settings.provision_policies if r.company == company), None)
	if row is None:
		frappe.throw(
			_(
				"AR Control Settings have no provision policy for {0}: add the company with its allowance and bad-debt expense accounts on the Provision tab."
			).format(company),
			title=_("No Provision Policy"),
			exc=ProvisionPolicyMissingError,
		)
	return policy_of(row)


def problems(settings) -> list[Problem]:
	"""Every problem with the matrix and the policies."""
	found: list[Problem] = []
	if settings.provision_bands:
		found += provision.check_matrix(matrix_bands(settings.provision_bands))
	seen: set[str] = set()
	for row in settings.provision_policies:
		if row.company in seen:
			found.append(
				Problem(
					"provision_policy_duplicate",
					_("{0} has more than one provision policy."),
					(row.company,),
				)
			)
		seen.add(row.company)
		found += policy_problems(policy_of(row), row.method)
	return found


def policy_problems(p: Policy, method: str | None = None) -> list[Problem]:
	found: list[Problem] = []
	if (method or AGING_MATRIX) not in METHODS:
		found.append(
			Problem("provision_method_unknown", _("The provision method {0} is unknown."), (method,))
		)
	currency = company_currency(p.company)
	allowance = account(p.allowance_account)
	if allowance is None or allowance.company != p.company:
		found.append(
			Problem(
				"allowance_account_company",
				_("The allowance account {0} is not an account of {1}."),
				(p.allowance_account, p.company),
			)
		)
	elif (
		allowance.is_group
		or allowance.root_type != "Asset"
		or allowance.account_type
		in (
			"Receivable",
			"Payable",
			"Bank",
			"Cash",
			"Stock",
		)
	):
		found.append(
			Problem(
				"allowance_account_type",
				_(
					"The allowance account {0} must be an asset ledger account that is not a receivable, bank, cash or stock account (a contra-receivable account such as Allowance for Doubtful Accounts)."
				),
				(p.allowance_account,),
			)
		)
	expense = account(p.expense_account)
	if expense is None or expense.company != p.company:
		found.append(
			Problem(
				"expense_account_company",
				_("The bad-debt expense account {0} is not an account of {1}."),
				(p.expense_account, p.company),
			)
		)
	elif expense.is_group or expense.root_type != "Expense":
		found.append(
			Problem(
				"expense_account_type",
				_("The bad-debt expense account {0} must be an expense ledger account, not a group."),
				(p.expense_account,),
			)
		)
	for acc in (allowance, expense):
		if acc is not None and acc.company == p.company and (acc.account_currency or currency) != currency:
			found.append(
				Problem(
					"provision_account_currency",
					_("The account {0} must be in the company's currency {1}."),
					(acc.name, currency),
				)
			)
	if p.cost_center and frappe.db.get_value("Cost Center", p.cost_center, "company") != p.company:
		found.append(
			Problem(
				"provision_cost_center_company",
				_("The cost center {0} is not a cost center of {1}."),
				(p.cost_center, p.company),
			)
		)
	found += provision.check_history([], 1, p.lookback_months, p.skip_recent_months)
	return found


def account(name: str | None):
	if not name:
		return None
	return frappe.db.get_value(
		"Account",
		name,
		["name", "company", "is_group", "root_type", "account_type", "account_currency"],
		as_dict=True,
	)
