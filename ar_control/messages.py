"""Turn core problems into translated messages and one ``frappe.throw`` per business rule.

The core returns English templates with ``{0}`` placeholders (see ``ar_control.core.problems``);
here the template is translated first and formatted second, which is how a translated message
must be built (never ``_(f"...")``). Amount arguments are formatted as money in the given
currency.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

import frappe
from frappe import _
from frappe.utils import escape_html, fmt_money

from ar_control.core.money import Amount
from ar_control.core.problems import Problem, RuleError


def format_arg(value: object, currency: str | None = None) -> str:
	"""Money (:class:`Amount`) in the currency; other numbers plainly, without trailing zeros."""
	if isinstance(value, Amount) and currency:
		return fmt_money(value, currency=currency)
	if isinstance(value, Decimal):
		return f"{value.normalize():f}" if value == value.to_integral() else f"{value:f}"
	return str(value)


def translate(problem: Problem, currency: str | None = None) -> str:
	return _(problem.message).format(*(format_arg(arg, currency) for arg in problem.args))


def bucket_labels(buckets) -> list[str]:
	"""Translated names of aging buckets (``core.aging.Buckets``): 0-30, ..., 121-Above."""
	return [translate(label) for label in buckets.label_messages()]


def as_html(problems: Iterable[Problem], currency: str | None = None) -> str:
	"""One problem as a sentence; several as a list, so the user sees all of them at once."""
	messages = [escape_html(translate(p, currency)) for p in problems]
	if len(messages) == 1:
		return messages[0]
	return "<ul>" + "".join(f"<li>{m}</li>" for m in messages) + "</ul>"


def throw(
	problems: Iterable[Problem] | RuleError,
	title: str,
	exc: type[Exception] = frappe.ValidationError,
	currency: str | None = None,
) -> None:
	if isinstance(problems, RuleError):
		problems = problems.problems
	problems = list(problems)
	if problems:
		frappe.throw(as_html(problems, currency), title=title, exc=exc)
