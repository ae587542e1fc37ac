"""AR Control Settings as the app reads them: the one module that reads the settings.

:func:`get_settings` wraps the cached *AR Control Settings* document in :class:`Settings`, which
hands out plain values and core records (``ar_control.core``): the aging buckets, the factors and
grades, the ladder, the recoverability curve, the provision matrix and each company's policy, the
customer page's policy. Where a field is empty the default comes from the core, which also holds
every default the settings are filled with on install (:meth:`Settings.fill_defaults`).

The DocType's controller only validates: it asks :meth:`Settings.problems` for every problem at
once, so the form and the code judge the same records.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import frappe
from frappe import _
from frappe.utils import cint, getdate

from ar_control.core import aging, credit, escalation, portal, provision
from ar_control.core.money import to_decimal
from ar_control.core.period import HISTORY_MONTHS
from ar_control.core.problems import Problem, RuleError
from ar_control.roles import CREDIT_MANAGER
from ar_control.utils import company_currency

SETTINGS = "AR Control Settings"


class InvalidSettingsError(frappe.ValidationError):
	"""AR Control Settings hold a value the rules cannot work with."""


class ProvisionPolicyMissingError(frappe.ValidationError):
	"""A company runs a provision only once AR Control Settings name its policy and accounts."""


def get_settings() -> Settings:
	"""The settings as saved (Frappe's document cache)."""
	return Settings(frappe.get_cached_doc(SETTINGS))


class Settings:
	"""A read-only view of an *AR Control Settings* document (saved, or being validated)."""

	def __init__(self, doc):
		self.doc = doc

	# --- aging -------------------------------------------------------------------------------------

	@property
	def aging_range(self) -> str:
		"""The bucket boundaries as the user wrote them (``30, 60, 90, 120``)."""
		return self.doc.aging_buckets or aging.DEFAULT_BUCKETS.text

	def aging_buckets(self) -> aging.Buckets:
		return aging.parse_buckets(self.aging_range)

	def aging_basis(self) -> aging.Basis:
		return aging.Basis(self.doc.aging_based_on or aging.Basis.DUE_DATE.value)

	def stages(self) -> aging.Stages:
		return aging.Stages(cint(self.doc.coordination_period_days) or aging.DEFAULT_STAGES.coordination_days)

	# --- credit ------------------------------------------------------------------------------------

	def factor_definitions(self) -> list[credit.FactorDefinition]:
		return [
			credit.FactorDefinition(
				row.factor, to_decimal(row.weight), row.basis or credit.Basis.MANUAL.value
			)
			for row in self.doc.credit_factors
		]

	def grade_bands(self) -> list[credit.GradeBand]:
		"""The grades as core bands; a maximum limit of 0 means no cap."""
		return [
			credit.GradeBand(
				grade=row.grade,
				min_score=to_decimal(row.min_score),
				credit_days=cint(row.credit_days),
				limit_months=to_decimal(row.limit_months),
				min_limit=to_decimal(row.min_limit),
				max_limit=to_decimal(row.max_limit) or None,
				review_months=cint(row.review_months),
			)
			for row in self.doc.credit_grades
		]

	def grade_row(self, grade: str | None):
		"""The grade's row (its payment terms template, its limit months); ``None`` if unknown."""
		return next((row for row in self.doc.credit_grades if row.grade == grade), None)

	@property
	def history_months(self) -> int:
		"""The window of the customer's own history that payment behaviour is read from."""
		return cint(self.doc.history_months) or HISTORY_MONTHS

	@property
	def no_history_score(self) -> Decimal:
		return to_decimal(self.doc.no_history_score)

	@property
	def review_notice_days(self) -> int:
		return cint(self.doc.review_notice_days)

	@property
	def hold_on_expiry(self) -> bool:
		return bool(self.doc.hold_on_expiry)

	def checks(self, doctype: str) -> bool:
		"""Whether the credit check runs when a document of ``doctype`` is submitted."""
		return bool(
			{
				"Sales Order": self.doc.check_sales_order,
				"Delivery Note": self.doc.check_delivery_note,
				"Sales Invoice": self.doc.check_sales_invoice,
			}.get(doctype)
		)

	@property
	def credit_limit_tolerance(self) -> Decimal:
		return to_decimal(self.doc.credit_limit_tolerance)

	def overdue_grace(self) -> int | None:
		"""Grace days of the overdue rule, ``None`` when the rule is off."""
		return cint(self.doc.overdue_grace_days) if self.doc.block_on_overdue else None

	@property
	def overdue_min_amount(self) -> Decimal:
		return to_decimal(self.doc.overdue_min_amount)

	def credit_managers(self) -> list[str]:
		"""Who receives credit ToDos and alerts: the configured user, else every Credit Manager."""
		if self.doc.credit_manager:
			return [self.doc.credit_manager]
		from frappe.utils.user import get_users_with_role

		users = [u for u in get_users_with_role(CREDIT_MANAGER) if u not in ("Administrator", "Guest")]
		return sorted(users) or ["Administrator"]

	# --- collection --------------------------------------------------------------------------------

	def ladder(self) -> list[escalation.Level]:
		"""The ladder as core levels; a level's code is its row's name, which stays with the row."""
		return [
			escalation.Level(
				code=row.name,
				title=row.title,
				days=cint(row.days),
				action=escalation.Action(row.action),
				min_amount=to_decimal(row.min_amount),
			)
			for row in self.doc.collection_levels
		]

	def level_row(self, code: str):
		"""The level's row (who it is assigned to, its e-mail template and dunning type)."""
		return next((row for row in self.doc.collection_levels if row.name == code), None)

	@property
	def ladder_start_date(self) -> date | None:
		"""Invoices due before it stay off the ladder; ``None``: every invoice."""
		return getdate(self.doc.ladder_start_date) if self.doc.ladder_start_date else None

	@property
	def promise_grace_days(self) -> int:
		return cint(self.doc.promise_grace_days)

	@property
	def default_collector(self) -> str | None:
		return self.doc.default_collector or None

	@property
	def default_finance_owner(self) -> str | None:
		return self.doc.default_finance_owner or None

	def recovery_curve(self) -> list[escalation.RecoveryStep]:
		return [
			escalation.RecoveryStep(cint(row.from_days), to_decimal(row.recoverable_percent))
			for row in sorted(self.doc.recovery_rates, key=lambda r: cint(r.from_days))
		] or list(escalation.DEFAULT_RECOVERY)

	# --- the customer's page -------------------------------------------------------------------------

	def page_policy(self) -> portal.PagePolicy:
		return portal.PagePolicy(
			link_days=cint(self.doc.link_valid_days),
			promise_horizon_days=cint(self.doc.promise_horizon_days),
			dispute_reasons=portal.parse_lines(self.doc.dispute_reasons),
			attachment_max_kb=cint(self.doc.attachment_max_kb),
			attachment_types=portal.parse_types(self.doc.attachment_types),
		)

	# --- provision ---------------------------------------------------------------------------------

	def provision_matrix(self) -> provision.Matrix:
		"""The configured matrix; the default one when the settings hold none."""
		if not self.doc.provision_bands:
			return provision.DEFAULT_MATRIX
		return provision.make_matrix(_matrix_bands(self.doc.provision_bands))

	def provision_policy(self, company: str, required: bool = True) -> provision.Policy | None:
		"""The company's policy; without one, refused with a clear message (``None`` when not
		``required``)."""
		row = next((r for r in self.doc.provision_policies if r.company == company), None)
		if row is not None:
			return _policy_of(row)
		if required:
			frappe.throw(
				_(
					"AR Control Settings have no provision policy for {0}: add the company with its allowance and bad-debt expense accounts on the Provision tab."
				).format(company),
				title=_("No Provision Policy"),
				exc=ProvisionPolicyMissingError,
			)
		return None

	# --- validation and defaults -------------------------------------------------------------------

	def problems(self) -> list[Problem]:
		"""Every problem with the settings, so the form shows them all at once."""
		found: list[Problem] = []
		try:
			aging.parse_buckets(self.doc.aging_buckets)
		except RuleError as error:
			found += error.problems
		found += aging.check_stages(aging.Stages(self.doc.coordination_period_days or 0))
		found += credit.check_weights([(f.name, f.weight) for f in self.factor_definitions()])
		found += credit.check_bands(self.grade_bands())
		found += self._ladder_problems()
		found += escalation.check_recovery(self.recovery_curve())
		found += self._provision_problems()
		found += portal.check_policy(self.page_policy())
		return found

	def _ladder_problems(self) -> list[Problem]:
		unknown = [
			Problem(
				"level_action_unknown",
				_("Ladder level {0} has an unknown action {1}."),
				(row.idx, row.action),
			)
			for row in self.doc.collection_levels
			if row.action not in {a.value for a in escalation.Action}
		]
		if unknown:
			return unknown
		# unsaved rows have no name yet: give them one so the codes are unique
		levels = [level._replace(code=level.code or f"new-{i}") for i, level in enumerate(self.ladder())]
		return escalation.check_ladder(levels)

	def _provision_problems(self) -> list[Problem]:
		"""Every problem with the matrix and the companies' policies."""
		found: list[Problem] = []
		if self.doc.provision_bands:
			found += provision.check_matrix(_matrix_bands(self.doc.provision_bands))
		seen: set[str] = set()
		for row in self.doc.provision_policies:
			if row.company in seen:
				found.append(
					Problem(
						"provision_policy_duplicate",
						_("{0} has more than one provision policy."),
						(row.company,),
					)
				)
			seen.add(row.company)
			found += _policy_problems(_policy_of(row), row.method)
		return found

	def fill_defaults(self) -> None:
		"""Fill what was never set: field defaults, the default factors, grades, ladder,
		recovery curve and provision matrix (all from the core). A value the user set, 0 or an
		unticked box included, stays."""
		doc = self.doc
		for field in doc.meta.fields:
			if field.default and doc.get(field.fieldname) in (None, ""):
				doc.set(field.fieldname, field.default)
		if not doc.credit_factors:
			for factor in credit.DEFAULT_FACTORS:
				doc.append(
					"credit_factors", {"factor": factor.name, "weight": factor.weight, "basis": factor.basis}
				)
		if not doc.credit_grades:
			for band in credit.DEFAULT_BANDS:
				doc.append(
					"credit_grades",
					{
						"grade": band.grade,
						"min_score": band.min_score,
						"credit_days": band.credit_days,
						"limit_months": band.limit_months,
						"min_limit": band.min_limit,
						"max_limit": band.max_limit or 0,
						"review_months": band.review_months,
					},
				)
		if not doc.collection_levels:
			for level in escalation.DEFAULT_LADDER:
				doc.append("collection_levels", {**level._asdict(), "action": level.action.value})
		if not doc.recovery_rates:
			for step in escalation.DEFAULT_RECOVERY:
				doc.append(
					"recovery_rates",
					{"from_days": step.from_days, "recoverable_percent": step.recoverable_percent},
				)
		if not doc.provision_bands:
			for band in provision.DEFAULT_MATRIX.bands:
				doc.append(
					"provision_bands",
					{
						"upper_days": band.upper_days or 0,
						"rate_percent": band.rate_percent,
						"label": band.label,
					},
				)


# --- changing the settings ---------------------------------------------------------------------------


def add_provision_policy(company: str, method: str = provision.AGING_MATRIX, **accounts) -> None:
	"""Give ``company`` a provision policy: its method and accounts (``allowance_account``,
	``expense_account``, optionally ``cost_center``), validated with the rest of the settings."""
	doc = frappe.get_single(SETTINGS)
	doc.append("provision_policies", {"company": company, "method": method, **accounts})
	doc.save(ignore_permissions=True)


def remove_provision_policies(company: str) -> None:
	"""Take ``company``'s provision policy out of the settings (a company that goes)."""
	doc = frappe.get_single(SETTINGS)
	kept = [row for row in doc.provision_policies if row.company != company]
	if len(kept) != len(doc.provision_policies):
		doc.provision_policies = kept
		doc.save(ignore_permissions=True)


# --- the provision rows -------------------------------------------------------------------------------


def _matrix_bands(rows) -> list[provision.RateBand]:
	"""The settings' band rows as core bands. An Int field cannot be empty, so the last band's 0
	means "no upper bound"; any other value there is kept, and the core says it must be empty."""
	bands = []
	for position, row in enumerate(rows, start=1):
		upper = cint(row.upper_days)
		if position == len(rows) and upper == 0:
			upper = None
		bands.append(provision.RateBand(upper, to_decimal(row.rate_percent), row.label or ""))
	return bands


def _policy_of(row) -> provision.Policy:
	return provision.Policy(
		company=row.company,
		method=row.method or provision.AGING_MATRIX,
		allowance_account=row.allowance_account,
		expense_account=row.expense_account,
		cost_center=row.cost_center or None,
		lookback_months=cint(row.lookback_months) or HISTORY_MONTHS,
		skip_recent_months=cint(row.skip_recent_months),
	)


def _policy_problems(p: provision.Policy, method: str | None = None) -> list[Problem]:
	"""The policy's method, and its accounts and cost center: of its company, of the right kind,
	in the company's currency."""
	found: list[Problem] = []
	if (method or provision.AGING_MATRIX) not in provision.METHODS:
		found.append(
			Problem("provision_method_unknown", _("The provision method {0} is unknown."), (method,))
		)
	currency = company_currency(p.company)
	allowance = _account(p.allowance_account)
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
		or allowance.account_type in ("Receivable", "Payable", "Bank", "Cash", "Stock")
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
	expense = _account(p.expense_account)
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


def _account(name: str | None):
	if not name:
		return None
	return frappe.db.get_value(
		"Account",
		name,
		["name", "company", "is_group", "root_type", "account_type", "account_currency"],
		as_dict=True,
	)
