"""Each branch of ``ar_control.compat``, against stand-ins of Frappe 15's and Frappe 16's module
(the real ones are proven by the bench suite on a bench of each major)."""

from __future__ import annotations

import importlib
import sys
import types

import pytest


class FrappeTestCase:  # what v15's frappe.tests.utils offers
	pass


class IntegrationTestCase:  # what v16's frappe.tests offers
	pass


def stand_in(version: str) -> dict[str, types.ModuleType]:
	frappe = types.ModuleType("frappe")
	frappe.__version__ = version
	frappe.flags = types.SimpleNamespace(in_test=False)
	frappe.deleted = []  # what delete_doc was asked to delete
	sidebars = {"AR Control": ["AR Control"], "Selling": ["Selling"]}
	frappe.get_all = lambda doctype, filters, pluck: sidebars[filters["module"]]
	frappe.delete_doc = lambda doctype, name, **_: frappe.deleted.append((doctype, name))
	tests = types.ModuleType("frappe.tests")
	utils = types.ModuleType("frappe.tests.utils")
	utils.FrappeTestCase = FrappeTestCase
	if version.startswith("16"):
		frappe.in_test = False
		tests.IntegrationTestCase = IntegrationTestCase
	frappe.tests = tests
	tests.utils = utils
	return {"frappe": frappe, "frappe.tests": tests, "frappe.tests.utils": utils}


@pytest.fixture
def compat_on(monkeypatch):
	def load(version: str):
		for name, module in stand_in(version).items():
			monkeypatch.setitem(sys.modules, name, module)
		monkeypatch.delitem(sys.modules, "ar_control.compat", raising=False)
		return importlib.import_module("ar_control.compat"), sys.modules["frappe"]

	yield load
	sys.modules.pop("ar_control.compat", None)


@pytest.mark.parametrize(
	("version", "major"), [("15.92.0", 15), ("16.0.0-dev", 16), ("16.37.1", 16), ("17.0.0", 17)]
)
def test_the_major_version_is_the_first_number(compat_on, version, major):
	compat, _ = compat_on(version)
	assert compat.FRAPPE_MAJOR == major
	assert compat.major(version) == major


def test_a_version_without_a_number_is_refused(compat_on):
	compat, _ = compat_on("15.92.0")
	with pytest.raises(ValueError):
		compat.major("develop")


def test_v15_reads_and_sets_the_test_mode_in_the_flags(compat_on):
	compat, frappe = compat_on("15.92.0")
	assert compat.in_test() is False
	frappe.flags.in_test = True
	assert compat.in_test() is True
	compat.set_in_test(False)
	assert frappe.flags.in_test is False
	assert not hasattr(frappe, "in_test")  # v15 has no such attribute, and the app adds none


def test_v16_reads_the_test_mode_from_frappe_in_test_and_sets_both(compat_on):
	compat, frappe = compat_on("16.0.0-dev")
	frappe.flags.in_test = True  # v16 reads the module attribute, not the flag
	assert compat.in_test() is False
	frappe.in_test = True
	assert compat.in_test() is True
	compat.set_in_test(False)
	assert (frappe.in_test, frappe.flags.in_test) == (False, False)


def test_test_records_are_declared_under_the_name_each_runner_reads(compat_on):
	compat, _ = compat_on("15.92.0")
	assert compat.test_record_dependencies(["Company", "Customer"]) == {
		"test_dependencies": ["Company", "Customer"]
	}
	compat, _ = compat_on("16.0.0-dev")
	assert compat.test_record_dependencies(("Company",)) == {"EXTRA_TEST_RECORD_DEPENDENCIES": ["Company"]}


def test_test_records_left_out_are_named_as_each_runner_reads_them(compat_on):
	compat, _ = compat_on("15.92.0")
	assert compat.test_record_ignores(["Sales Invoice"]) == {"test_ignore": ["Sales Invoice"]}
	compat, _ = compat_on("16.0.0-dev")
	assert compat.test_record_ignores(("Sales Invoice",)) == {
		"IGNORE_TEST_RECORD_DEPENDENCIES": ["Sales Invoice"]
	}


def test_the_bench_tests_base_class_is_each_majors_own(compat_on):
	compat, _ = compat_on("15.92.0")
	assert compat.test_case_class() is FrappeTestCase
	compat, _ = compat_on("16.0.0-dev")
	assert compat.test_case_class() is IntegrationTestCase


def test_v16_removes_the_modules_workspace_sidebars_and_v15_has_none_to_remove(compat_on):
	compat, frappe = compat_on("16.0.0-dev")
	compat.remove_workspace_sidebars("AR Control")
	assert frappe.deleted == [("Workspace Sidebar", "AR Control")]
	compat, frappe = compat_on("15.92.0")
	compat.remove_workspace_sidebars("AR Control")
	assert frappe.deleted == []
