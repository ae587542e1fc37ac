"""The demo from AR Control Settings: a System Manager's buttons, run as background jobs.

The System Manager chooses the demo users' password in the button's dialog. The request stores
its hash for the users it is about to make (Frappe's own password table, as a password set on
the User form), so the password itself never reaches the job's arguments, a notification or any
other document."""

from __future__ import annotations

import frappe
from frappe import _
from frappe.utils.password import update_password

from ar_control import arguments, utils
from ar_control.arguments import Untrusted
from ar_control.demo import make, plan, remove
from ar_control.roles import SYSTEM_MANAGER, require_role

JOB = "ar_control_demo"


def require_system_manager() -> None:
	require_role({SYSTEM_MANAGER}, _("Only a System Manager may make or remove the demo company."))


@frappe.whitelist(methods=["POST"])
def make_demo(password: Untrusted = None, confirm: Untrusted = None) -> dict:
	"""Make the demo company in the background (a few minutes); the user is told when it is done.

	On a site that keeps other companies' books the answer is ``{"confirm": what the demo's users
	will see}`` until the call is repeated with ``confirm``."""
	require_system_manager()
	if make.exists():
		return {
			"message": _("The demo company {0} exists already; nothing was changed.").format(plan.COMPANY)
		}
	password = arguments.text(password, _("Password"), required=True, max_length=100)
	require_strong(password)
	others = make.other_companies()
	if others and not arguments.integer(confirm, _("Confirm"), 0, 1, default=0):
		return {"confirm": make.what_users_see(others)}
	set_passwords(password)
	frappe.db.commit()  # the job runs in another process
	enqueue("make")
	return {
		"message": _(
			"The demo company {0} is being made in the background; this takes a few minutes."
		).format(plan.COMPANY)
	}


def require_strong(password: str) -> None:
	"""At least 8 characters, and what the site's password policy asks of any user's password."""
	from frappe.core.doctype.user.user import handle_password_test_fail, test_password_strength

	if len(password) < 8:
		frappe.throw(_("The demo users' password must have at least 8 characters."), title=_("Password"))
	result = test_password_strength(password)
	feedback = (result or {}).get("feedback") or {}
	if result and not feedback.get("password_policy_validation_passed"):
		handle_password_test_fail(result)


def set_passwords(password: str) -> None:
	"""The demo users' password, hashed in Frappe's password table under the names the demo is
	about to give them (made without a password, they log in with this one)."""
	for email in make.user_emails():
		update_password(email, password)


@frappe.whitelist(methods=["POST"])
def remove_demo() -> str:
	"""Remove the demo company and what belongs to it, in the background."""
	require_system_manager()
	if not make.exists():
		return _("There is no demo company {0}: nothing to remove.").format(plan.COMPANY)
	enqueue("remove")
	return _("The demo company {0} is being removed in the background.").format(plan.COMPANY)


def enqueue(action: str) -> None:
	frappe.enqueue(
		"ar_control.demo.api.run",
		queue="long",
		timeout=3600,
		job_id=JOB,
		deduplicate=True,
		action=action,
		user=frappe.session.user,
	)


def run(action: str, user: str) -> None:
	"""The job: make or remove, then tell the user what it printed."""
	lines: list[str] = []
	frappe.set_user("Administrator")
	try:
		if action == "make":
			make.make(echo=lines.append)
		else:
			remove.remove(echo=lines.append)
	except frappe.ValidationError as error:
		frappe.db.rollback()
		lines.append(frappe.utils.strip_html(str(error)))
	except Exception:
		frappe.db.rollback()
		utils.log_error(
			_("the demo could not be made") if action == "make" else _("the demo could not be removed")
		)
		lines.append(_("The demo failed; see the Error Log."))
	message = "<br>".join(frappe.utils.escape_html(line) for line in lines if not line.startswith("…"))
	frappe.get_doc(
		{
			"doctype": "Notification Log",
			"for_user": user,
			"type": "Alert",
			"subject": _("AR Control demo"),
			"email_content": message,
		}
	).insert(ignore_permissions=True)
	frappe.db.commit()
	frappe.publish_realtime("msgprint", {"message": message, "title": _("AR Control demo")}, user=user)
