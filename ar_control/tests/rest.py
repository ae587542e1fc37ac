"""Users calling the site through its REST API, as the desk and other programs do.

Each :class:`User` logs in with a password and sends its requests as a browser does
(:class:`ar_control.tests.http.Browser`: Frappe's WSGI application, each request in a thread and
on a connection of its own), with its own cookie jar. The data a request must see is committed
first.
"""

from __future__ import annotations

from urllib.parse import quote, urlencode

from werkzeug.test import TestResponse

from ar_control.tests.http import Browser

PASSWORD = "Ar-Matrix-Probe-2026!"


class User:
	"""A logged-in user with a cookie jar, calling the site through its WSGI application."""

	def __init__(self, email: str):
		self.email = email
		self.browser = Browser()
		response = self.call("post", "/api/method/login", {"usr": email, "pwd": PASSWORD})
		assert response.status_code == 200, response.text

	def call(self, verb: str, path: str, data: dict | None = None) -> TestResponse:
		kwargs = {"json": data} if data is not None else {}
		return self.browser.request(verb.upper(), path, **kwargs)

	def get(self, path: str, params: dict | None = None) -> TestResponse:
		return self.call("get", path + ("?" + urlencode(params) if params else ""))

	def method(self, path: str, /, **args) -> TestResponse:
		"""POST ``/api/method/<path>`` with ``args`` as the JSON body."""
		return self.call("post", f"/api/method/{path}", args)


def resource(doctype: str, name: str | None = None) -> str:
	path = f"/api/resource/{quote(doctype)}"
	return path + (f"/{quote(name)}" if name else "")
