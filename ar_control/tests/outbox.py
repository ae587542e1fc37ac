"""An outgoing e-mail account that delivers nothing, for a test site (CI makes the demo on one).

With an outgoing account the ladder sends its reminders as on a site with e-mail, each carrying
the customer's link (without one they are recorded as *Not Sent*); the site's ``mute_emails``
keeps Frappe's queue from delivering them. The account points at a port nothing listens on.

    bench --site SITE set-config mute_emails 1
    bench --site SITE execute ar_control.tests.outbox.make
"""

import frappe

NAME = "AR Control Test Outbox"


def make() -> str:
	"""The account (made once; a test site only)."""
	if not frappe.conf.allow_tests:
		frappe.throw(f"{frappe.local.site} is not a test site (no allow_tests in its site config)")
	if not frappe.conf.mute_emails:
		frappe.throw("set mute_emails first: bench --site SITE set-config mute_emails 1")
	if not frappe.db.exists("Email Account", NAME):
		account = frappe.get_doc(
			{
				"doctype": "Email Account",
				"email_account_name": NAME,
				"email_id": "outbox@ar-control-test.example.com",
				"enable_outgoing": 1,
				"default_outgoing": 1,
				"enable_incoming": 0,
				"smtp_server": "127.0.0.1",
				"smtp_port": 9,
				"no_smtp_authentication": 1,
			}
		)
		# its validation would log in to the SMTP server
		account.flags.ignore_validate = True
		account.insert(ignore_permissions=True)
		frappe.db.commit()
	return NAME
