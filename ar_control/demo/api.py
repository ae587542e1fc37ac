"""The demo from AR Control Settings: a System Manager's buttons, run as background jobs."""

from __future__ import annotations

import frappe
from frappe import _

from ar_control import utils
from ar_control.demo import make, plan, remove
from ar_control.roles import SYSTEM_MANAGER, require_role

JOB = "ar_control_demo"


def require_system_manager() -> None:
	require_role({SYSTEM_MANAGER}, _("Only a System Manager may make or remove the demo company."))


@frappe.whitelist(methods=["POST"])
def make_demo() -> str:
	"""Make the demo company in the background (a few minutes); the user is told when it is done."""
	require_system_manager()
	if make.exists():
		return _("The demo company {0} exists already; nothing was changed.").format(plan.COMPANY)
	enqueue("make")
	return _("The demo company {0} is being made in the background; this takes a few minutes.").format(
		plan.COMPANY
	)


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
