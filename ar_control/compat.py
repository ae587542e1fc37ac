"""What differs between Frappe/ERPNext 15 and 16, in one place: the rest of the app asks here.

Each name answers for the Frappe it runs on, decided once at import; ``tests/test_compat.py``
proves both branches of each against stand-ins of either major's ``frappe``.
"""

from __future__ import annotations

import frappe


def major(version: str) -> int:
	"""``"15.92.0"`` → 15, ``"16.0.0-dev"`` → 16."""
	head = version.split(".", 1)[0]
	if not head.isdigit():
		raise ValueError(f"not a Frappe version: {version!r}")
	return int(head)


FRAPPE_MAJOR = major(frappe.__version__)


def in_test() -> bool:
	"""Whether a test run is under way (v16: ``frappe.in_test``; v15: ``frappe.flags.in_test``)."""
	if FRAPPE_MAJOR >= 16:
		return bool(frappe.in_test)
	return bool(frappe.flags.in_test)


def set_in_test(value: bool) -> None:
	"""Switch the test mode on or off for the rest of the process (the benchmarks measure outside it)."""
	if FRAPPE_MAJOR >= 16:
		frappe.in_test = value
	frappe.flags.in_test = value


def test_record_dependencies(doctypes: list[str]) -> dict[str, list[str]]:
	"""A test module's extra test records, under the name its Frappe's runner reads:
	``globals().update(test_record_dependencies([...]))``. v16 renamed ``test_dependencies``
	to ``EXTRA_TEST_RECORD_DEPENDENCIES`` (the old name still works there, with a deprecation)."""
	name = "EXTRA_TEST_RECORD_DEPENDENCIES" if FRAPPE_MAJOR >= 16 else "test_dependencies"
	return {name: list(doctypes)}


def test_record_ignores(doctypes: list[str]) -> dict[str, list[str]]:
	"""Link targets whose test records a DocType's test module does not need (it makes its own
	documents): ``globals().update(test_record_ignores([...]))``. v16 renamed ``test_ignore`` to
	``IGNORE_TEST_RECORD_DEPENDENCIES``."""
	name = "IGNORE_TEST_RECORD_DEPENDENCIES" if FRAPPE_MAJOR >= 16 else "test_ignore"
	return {name: list(doctypes)}


def test_case_class() -> type:
	"""The base class of the bench tests: v16's ``IntegrationTestCase``, v15's ``FrappeTestCase``."""
	if FRAPPE_MAJOR >= 16:
		from frappe.tests import IntegrationTestCase

		return IntegrationTestCase
	from frappe.tests.utils import FrappeTestCase

	return FrappeTestCase


def remove_workspace_sidebars(module: str) -> None:
	"""Delete the Workspace Sidebars of ``module``'s workspaces. Frappe 16 makes one per workspace
	when an app is installed and leaves it behind when the app is uninstalled; Frappe 15 has none."""
	if FRAPPE_MAJOR < 16:
		return
	for name in frappe.get_all("Workspace Sidebar", filters={"module": module}, pluck="name"):
		frappe.delete_doc("Workspace Sidebar", name, force=True, ignore_permissions=True)
