"""Users calling the site through its REST API, as the desk and other programs do.

Each :class:`User` logs in with a password and sends its requests through Frappe's WSGI
application in a thread of their own (a connection of their own), with its own cookie jar. The
data a request must see is committed first.
"""

from __future__ import annotations

import io
from contextlib import redirect_stderr, redirect_stdout
from urllib.parse import quote, urlencode

import frappe
from frappe.tests.test_api import make_request
from frappe.utils import get_test_client

PASSWORD = "Ar-Matrix-Probe-2026!"


class User:
	"""A logged-in user with a cookie jar, calling the site through its WSGI application."""

	def __init__(self, email: str):
		self.email = email
		self.client = get_test_client()
		response = self.call("post", "/api/method/login", {"usr": email, "pwd": PASSWORD})
		assert response.status_code == 200, response.text

	def call(self, verb: str, path: str, data: dict | None = None):
		kwargs = {"json": data} if data is not None else {}
		# the request stack prints the traceback of every refused request: keep the test log short
		with redirect_stdout(io.StringIO()), redirect_stderr(io.StringIO()):
			return make_request(
				target=getattr(self.client, verb), args=(path,), kwargs=kwargs, site=frappe.local.site
			)

	def get(self, path: str, params: dict | None = None):
		return self.call("get", path + ("?" + urlencode(params) if params else ""))

	def method(self, path: str, /, **args):
		"""POST ``/api/method/<path>`` with ``args`` as the JSON body."""
		return self.call("post", f"/api/method/{path}", args)


def resource(doctype: str, name: str | None = None) -> str:
	path = f"/api/resource/{quote(doctype)}"
	return path + (f"/{quote(name)}" if name else "")
