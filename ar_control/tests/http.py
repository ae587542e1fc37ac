"""Requests to the site as a browser or another program sends them: through Frappe's WSGI
application (werkzeug's test client), each in a thread of its own, so each has its own
``frappe.local``, session and database connection, as on a running server. What a request must
see is committed first.
"""

from __future__ import annotations

import io
import threading
from contextlib import redirect_stderr, redirect_stdout
from unittest.mock import patch

import frappe
from werkzeug.test import Client, TestResponse


class Browser:
	"""A client with its own cookie jar, coming from ``address``."""

	def __init__(self, address: str = "127.0.0.1"):
		from frappe.app import application

		self.client = Client(application, use_cookies=True)
		self.address = address

	def request(self, method: str, path: str, **kwargs) -> TestResponse:
		site = frappe.local.site
		result: dict = {}

		def run():
			# the request stack prints the traceback of every refused request: keep the log short
			with (
				patch("frappe.app.get_site_name", return_value=site),
				redirect_stdout(io.StringIO()),
				redirect_stderr(io.StringIO()),
			):
				result["response"] = self.client.open(
					path,
					method=method,
					environ_overrides={"REMOTE_ADDR": self.address},
					headers={"X-Forwarded-For": self.address},
					**kwargs,
				)

		thread = threading.Thread(target=run)
		thread.start()
		thread.join()
		return result["response"]

	def get(self, path: str, **kwargs) -> TestResponse:
		return self.request("GET", path, **kwargs)

	def post(self, path: str, **kwargs) -> TestResponse:
		return self.request("POST", path, **kwargs)
