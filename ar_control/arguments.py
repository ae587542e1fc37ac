"""What whitelisted methods, reports and charts receive, checked before anything runs.

Every entry point the desk or the REST API can reach passes its arguments through these
functions. A value of the wrong type, text that is not JSON, a name that does not exist, a
company the user may not see, a date that does not exist, a number out of range: each ends in
a translated ``ValidationError``, ``DoesNotExistError`` or ``PermissionError`` with a message
that names the argument, before anything is read or written. Values echoed in a message are
escaped and shortened.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Iterable

import frappe
from frappe import _
from frappe.utils import escape_html, getdate

from ar_control import user_permissions
from ar_control.core.problems import MAX_TEXT

# What a request sent to a whitelisted method: any JSON value, until the functions below have
# checked it. Annotating such parameters ``str`` would let Frappe refuse a list with an
# untranslated type error; the checks here answer with a translated message instead.
Untrusted = object


class InvalidArgumentError(frappe.ValidationError):
	"""An argument of the wrong type or out of range."""


def shown(value: object) -> str:
	"""A value as it may appear in a message: escaped, at most 60 characters."""
	text = value if isinstance(value, str) else json.dumps(value, default=str)
	return escape_html(text if len(text) <= 60 else text[:57] + "...")


def invalid(message: str) -> None:
	frappe.throw(message, title=_("Invalid Argument"), exc=InvalidArgumentError)


def json_object(value: object, label: str) -> dict:
	"""A dict, or the JSON text of one (the desk sends filters as JSON); empty means ``{}``."""
	if value is None or value == "":
		return {}
	if isinstance(value, str):
		try:
			value = json.loads(value)
		except ValueError:
			invalid(_("{0} must be a JSON object, not {1}.").format(label, shown(value)))
	if not isinstance(value, dict):
		invalid(_("{0} must be a JSON object, not {1}.").format(label, shown(value)))
	return value


def text(value: object, label: str, required: bool = False, max_length: int = 140) -> str | None:
	"""A string of at most ``max_length`` characters; ``None`` when empty and not required."""
	if value is None or (isinstance(value, str) and not value.strip()):
		if required:
			invalid(_("{0} is required.").format(label))
		return None
	if not isinstance(value, str):
		invalid(_("{0} must be text, not {1}.").format(label, shown(value)))
	if len(value) > max_length:
		invalid(_("{0} may have at most {1} characters.").format(label, max_length))
	return value


def reason(value: object, label: str | None = None) -> str:
	"""A reason or a note a user gives: required, at most :data:`MAX_TEXT` characters; stripped."""
	return text(value, label or _("Reason"), required=True, max_length=MAX_TEXT).strip()


def existing(doctype: str, value: object, label: str, required: bool = True) -> str | None:
	"""The name of an existing ``doctype`` record."""
	name = text(value, label, required=required)
	if name is None:
		return None
	if not frappe.db.exists(doctype, name):
		frappe.throw(
			_("{0} {1} does not exist.").format(_(doctype), shown(name)),
			title=_("Not Found"),
			exc=frappe.DoesNotExistError,
		)
	return name


def company(value: object, required: bool = True, default: bool = False) -> str | None:
	"""An existing company the user may see (ERPNext User Permissions on Company). With
	``default``, an empty value means the user's default company."""
	name = existing("Company", value, _("Company"), required=False)
	if name is None and default:
		name = frappe.defaults.get_user_default("Company") or frappe.db.get_single_value(
			"Global Defaults", "default_company"
		)
	if name is None:
		if required:
			frappe.throw(_("Please select a company."), title=_("Company Required"), exc=InvalidArgumentError)
		return None
	user_permissions.require_company(name)
	return name


def date(value: object, label: str, required: bool = False) -> datetime.date | None:
	"""A calendar date (``YYYY-MM-DD`` or a date); 2026-02-30 and text that is no date are refused."""
	if value is None or value == "":
		if required:
			invalid(_("{0} is required.").format(label))
		return None
	if isinstance(value, datetime.date):
		return value.date() if isinstance(value, datetime.datetime) else value
	if not isinstance(value, str) or len(value) > 40:
		invalid(_("{0} must be a date, not {1}.").format(label, shown(value)))
	try:
		parsed = getdate(value)
	except (ValueError, TypeError, OverflowError):
		parsed = None
	if parsed is None or not 1900 <= parsed.year <= 2999:
		invalid(_("{0} must be a date, not {1}.").format(label, shown(value)))
	return parsed


def choice(value: object, options: Iterable[str], label: str, default: str | None = None) -> str | None:
	"""One of ``options``; empty means ``default``."""
	if value is None or value == "":
		return default
	options = list(options)
	if not isinstance(value, str) or value not in options:
		invalid(
			_("{0} must be one of {1}, not {2}.").format(
				label, ", ".join(_(option) for option in options), shown(value)
			)
		)
	return value


def integer(value: object, label: str, minimum: int, maximum: int, default: int | None = None) -> int | None:
	"""A whole number within ``minimum`` and ``maximum`` (a number or its text)."""
	if value is None or value == "":
		return default
	number = None
	if isinstance(value, int) and not isinstance(value, bool):
		number = value
	elif isinstance(value, float) and value.is_integer():
		number = int(value)
	elif isinstance(value, str) and len(value) <= 20:
		try:
			number = int(value.strip())
		except ValueError:
			number = None
	if number is None:
		invalid(_("{0} must be a whole number, not {1}.").format(label, shown(value)))
	if not minimum <= number <= maximum:
		invalid(_("{0} must be between {1} and {2}, not {3}.").format(label, minimum, maximum, number))
	return number
