"""Contract tests: the app's files are what Frappe expects, checked without Frappe."""

from __future__ import annotations

import ast
import csv
import json
import re
import sys
from pathlib import Path

import pytest

from ar_control.roles import ROLES

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "ar_control"
DATA = Path(__file__).resolve().parent / "data"

FIELD_TYPES = {
	"Autocomplete", "Attach", "Attach Image", "Barcode", "Button", "Check", "Code", "Color",
	"Column Break", "Currency", "Data", "Date", "Datetime", "Duration", "Dynamic Link", "Float",
	"Fold", "Geolocation", "Heading", "HTML", "HTML Editor", "Icon", "Image", "Int", "JSON", "Link",
	"Long Text", "Markdown Editor", "Password", "Percent", "Phone", "Read Only", "Rating",
	"Section Break", "Select", "Signature", "Small Text", "Tab Break", "Table", "Table MultiSelect",
	"Text", "Text Editor", "Time",
}  # fmt: skip
NO_VALUE_TYPES = {"Section Break", "Column Break", "Tab Break", "HTML", "Button", "Image", "Fold", "Heading"}
SNAKE_CASE = re.compile(r"^[a-z][a-z0-9_]*$")


def read_names(filename: str) -> set[str]:
	lines = (DATA / filename).read_text(encoding="utf-8").splitlines()
	return {line.strip() for line in lines if line.strip() and not line.startswith("#")}


def scrub(name: str) -> str:
	return name.replace(" ", "_").replace("-", "_").lower()


def doctype_files() -> list[Path]:
	return sorted(p for p in APP.glob("*/doctype/*/*.json") if p.stem == p.parent.name)


def load(path: Path) -> dict:
	return json.loads(path.read_text(encoding="utf-8"))


APP_DOCTYPES = {load(p)["name"]: load(p) for p in doctype_files()}
KNOWN_DOCTYPES = read_names("known_doctypes.txt") | set(APP_DOCTYPES)
KNOWN_ROLES = read_names("known_roles.txt") | set(ROLES)


def test_the_app_has_its_module_and_doctypes():
	assert (APP / "modules.txt").read_text().split("\n")[0] == "AR Control"
	assert (APP / "ar_control" / "__init__.py").exists(), "the module folder ar_control/ar_control is missing"
	assert "AR Control Settings" in APP_DOCTYPES


@pytest.mark.parametrize("path", doctype_files(), ids=lambda p: p.stem)
def test_doctype_json_is_well_formed(path):
	meta = load(path)
	name = meta["name"]
	assert meta["doctype"] == "DocType"
	assert meta["module"] == "AR Control", f"{name}: module must be AR Control"
	assert scrub(name) == path.stem, f"{name}: folder must be {scrub(name)}"
	assert (path.parent / "__init__.py").exists()
	controller = path.with_suffix(".py")
	assert controller.exists(), f"{name}: controller {controller.name} is missing"
	assert f"class {name.replace(' ', '').replace('-', '')}(" in controller.read_text(encoding="utf-8")

	fields = meta.get("fields", [])
	names = [f["fieldname"] for f in fields]
	assert len(names) == len(set(names)), f"{name}: duplicate fieldnames"
	assert meta.get("field_order", names) == names, f"{name}: field_order does not match fields"
	for field in fields:
		label = f"{name}.{field['fieldname']}"
		assert SNAKE_CASE.match(field["fieldname"]), f"{label}: fieldname is not snake_case"
		assert field["fieldtype"] in FIELD_TYPES, f"{label}: unknown fieldtype {field['fieldtype']}"
		if field["fieldtype"] not in NO_VALUE_TYPES | {"Table", "Table MultiSelect"}:
			assert field.get("label") or field["fieldtype"] == "Section Break", f"{label}: no label"
		if field["fieldtype"] in ("Link", "Table", "Table MultiSelect"):
			assert field.get("options") in KNOWN_DOCTYPES, f"{label}: links to unknown {field.get('options')}"
		if field["fieldtype"] in ("Table", "Table MultiSelect") and field["options"] in APP_DOCTYPES:
			assert APP_DOCTYPES[field["options"]].get("istable"), (
				f"{label}: {field['options']} is not a child table"
			)
		if field["fieldtype"] == "Select":
			assert (field.get("options") or "").strip(), f"{label}: Select without options"
			if field.get("default"):
				assert field["default"] in field["options"].split("\n"), f"{label}: default not an option"
		if field["fieldtype"] == "Dynamic Link":
			assert field.get("options") in names, f"{label}: Dynamic Link must name a field of {name}"

	if meta.get("istable"):
		assert not meta.get("permissions"), f"{name}: child tables carry no permissions"
	else:
		assert meta.get("permissions"), f"{name}: no permission rows"
	for perm in meta.get("permissions", []):
		assert perm["role"] in KNOWN_ROLES, f"{name}: permission for unknown role {perm['role']}"


def test_every_json_file_of_the_app_parses():
	for path in APP.rglob("*.json"):
		load(path)


# --- hooks --------------------------------------------------------------------------------------


def hook_values() -> dict:
	namespace: dict = {}
	exec(compile((APP / "hooks.py").read_text(encoding="utf-8"), "hooks.py", "exec"), namespace)
	return {k: v for k, v in namespace.items() if not k.startswith("__")}


def dotted_paths(value) -> list[str]:
	if isinstance(value, str):
		return [value] if re.fullmatch(r"ar_control(\.\w+)+", value) else []
	if isinstance(value, dict):
		return [p for v in value.values() for p in dotted_paths(v)]
	if isinstance(value, list | tuple):
		return [p for v in value for p in dotted_paths(v)]
	return []


def resolve(dotted: str) -> bool:
	"""True when ``dotted`` names a top-level function (or class) of a module of this repository."""
	module, _, attr = dotted.rpartition(".")
	base = ROOT.joinpath(*module.split("."))
	source = base.with_suffix(".py") if base.with_suffix(".py").exists() else base / "__init__.py"
	if not source.exists():
		return False
	tree = ast.parse(source.read_text(encoding="utf-8"))
	return any(isinstance(node, ast.FunctionDef | ast.ClassDef) and node.name == attr for node in tree.body)


def test_hooks_name_the_app_and_require_erpnext():
	hooks = hook_values()
	assert hooks["app_name"] == "ar_control"
	# "frappe/erpnext": the org/repo form needs no network to resolve at install time
	assert [app.rsplit("/", 1)[-1] for app in hooks["required_apps"]] == ["erpnext"]


def test_every_dotted_path_in_hooks_resolves_to_a_function_in_the_repository():
	paths = dotted_paths(hook_values())
	assert len(paths) >= 3, "hooks.py should at least name the install hooks"
	unresolved = [p for p in paths if not resolve(p)]
	assert not unresolved, f"hooks.py names functions that do not exist: {unresolved}"


def test_the_resolver_itself_rejects_a_missing_function():
	assert resolve("ar_control.install.after_install")
	assert not resolve("ar_control.install.no_such_function")
	assert not resolve("ar_control.no_such_module.after_install")


# --- the core stays framework-free ---------------------------------------------------------------


def imported_modules(path: Path) -> set[str]:
	tree = ast.parse(path.read_text(encoding="utf-8"))
	found = set()
	for node in ast.walk(tree):
		if isinstance(node, ast.Import):
			found.update(alias.name for alias in node.names)
		elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
			found.add(node.module)
	return found


@pytest.mark.parametrize("path", sorted((APP / "core").glob("*.py")), ids=lambda p: p.name)
def test_core_imports_only_the_standard_library_and_itself(path):
	for module in imported_modules(path):
		top = module.split(".")[0]
		allowed = top in sys.stdlib_module_names or module.startswith("ar_control.core")
		assert allowed, f"{path.name} imports {module}: core must not depend on frappe, erpnext or other apps"


# --- the layers -----------------------------------------------------------------------------------

# The app's layers, lowest first (README, *Architecture*): a module imports only from its own
# folder or from a lower layer. ``ar_control`` is the Frappe module folder (DocType controllers,
# reports, chart sources); the tests are no layer.
LAYERS = (
	("core",),
	("compat", "roles"),
	("utils", "messages", "records", "user_permissions"),
	("arguments", "settings", "evidence"),
	("data",),
	("credit", "kpi", "forecast"),
	("collection", "provision"),
	("portal",),
	("ar_control", "overrides", "tasks", "api", "patches", "install", "www", "demo"),
	("benchmarks",),
	("commands",),
)
LAYER_OF = {part: rank for rank, parts in enumerate(LAYERS) for part in parts}


def app_modules() -> dict[str, Path]:
	"""Every module of the app but the tests, by dotted name."""
	found = {}
	for path in APP.rglob("*.py"):
		relative = path.relative_to(ROOT).with_suffix("")
		if "tests" in relative.parts or path.name.startswith("test_"):
			continue
		parts = relative.parts[:-1] if path.name == "__init__.py" else relative.parts
		found[".".join(parts)] = path
	return found


def part_of(module: str) -> str:
	return module.split(".")[1] if module.count(".") else "__init__"


def app_imports(path: Path, modules: dict[str, Path]) -> set[str]:
	"""The app's modules ``path`` imports, anywhere in it (a function's import counts too)."""
	found = set()
	for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
		names = []
		if isinstance(node, ast.Import):
			names = [alias.name for alias in node.names]
		elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
			names = [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
		found.update(name for name in names if name in modules)
	return found


def test_every_import_runs_down_the_layers():
	modules = app_modules()
	upward = []
	for name, path in modules.items():
		for target in app_imports(path, modules):
			source_part, target_part = part_of(name), part_of(target)
			if "__init__" in (source_part, target_part) or source_part == target_part:
				continue
			if LAYER_OF[target_part] >= LAYER_OF[source_part]:
				upward.append(f"{name} -> {target}")
	assert set(LAYER_OF) >= {part_of(name) for name in modules} - {"__init__", "hooks"}
	assert upward == []


def test_no_module_imports_itself_through_others():
	modules = app_modules()
	graph = {name: app_imports(path, modules) - {name} for name, path in modules.items()}
	state: dict[str, int] = {}
	cycles = []

	def visit(name: str, trail: list[str]) -> None:
		state[name] = 1
		for target in sorted(graph[name]):
			if state.get(target) == 1:
				cycles.append(" -> ".join([*trail[trail.index(target) :], target]))
			elif target not in state:
				visit(target, [*trail, target])
		state[name] = 2

	for name in sorted(graph):
		if name not in state:
			visit(name, [name])
	assert cycles == []


# --- the defaults live in the core ---------------------------------------------------------------


def field_defaults(doctype: str) -> dict[str, str]:
	return {f["fieldname"]: f["default"] for f in APP_DOCTYPES[doctype]["fields"] if "default" in f}


def test_the_settings_forms_start_from_the_core_defaults():
	"""A DocType's field default is Frappe's to show on a new form; the value the code falls
	back to is the core's. They are the same value."""
	from ar_control.core import aging, escalation, period, portal, provision

	settings = field_defaults("AR Control Settings")
	assert aging.parse_buckets(settings["aging_buckets"]) == aging.DEFAULT_BUCKETS
	assert settings["aging_based_on"] == aging.Basis.DUE_DATE.value
	assert int(settings["coordination_period_days"]) == aging.DEFAULT_STAGES.coordination_days
	assert int(settings["history_months"]) == period.HISTORY_MONTHS
	page = portal.PagePolicy()
	assert int(settings["link_valid_days"]) == page.link_days
	assert int(settings["promise_horizon_days"]) == page.promise_horizon_days
	assert int(settings["attachment_max_kb"]) == page.attachment_max_kb
	assert portal.parse_lines(settings["dispute_reasons"]) == page.dispute_reasons
	assert portal.parse_types(settings["attachment_types"]) == page.attachment_types
	policy = field_defaults("AR Provision Policy")
	assert policy["method"] == provision.AGING_MATRIX
	assert int(policy["lookback_months"]) == period.HISTORY_MONTHS
	level = APP_DOCTYPES["AR Collection Level"]
	options = next(f["options"] for f in level["fields"] if f["fieldname"] == "action").split("\n")
	assert [a for a in options if a] == [a.value for a in escalation.Action]
	assert {lvl.action.value for lvl in escalation.DEFAULT_LADDER} <= set(options)


def test_pyproject_admits_frappe_and_erpnext_15_and_16_and_is_bounded_above():
	from packaging.specifiers import SpecifierSet

	text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
	block = text.split("[tool.bench.frappe-dependencies]", 1)[1].split("[", 1)[0]
	section = dict(re.findall(r'^(\w+) = "([^"]+)"$', block, re.MULTILINE))  # no tomllib on 3.10
	assert set(section) == {"frappe", "erpnext"}
	for app, spec in section.items():
		bounds = SpecifierSet(spec)
		for version in ("15.0.0", "15.90.0", "16.0.0.dev0", "16.37.0"):
			assert bounds.contains(version, prereleases=True), (app, version)
		for version in ("14.99.0", "17.0.0.dev0", "17.0.0"):
			assert not bounds.contains(version, prereleases=True), (app, version)


# --- translations --------------------------------------------------------------------------------

PLACEHOLDER = re.compile(r"\{\d+\}")


def translation_rows(lang: str) -> list[list[str]]:
	with (APP / "translations" / f"{lang}.csv").open(encoding="utf-8", newline="") as f:
		return list(csv.reader(f))


def test_the_chinese_translations_parse_and_have_one_row_per_source_and_context():
	rows = translation_rows("zh")
	assert rows, "zh.csv is empty"
	seen = set()
	for number, row in enumerate(rows, start=1):
		assert len(row) in (2, 3), f"zh.csv row {number}: {row} has not 2 or 3 columns"
		assert row[0].strip() and row[1].strip(), (
			f"zh.csv row {number}: {row} has an empty source or translation"
		)
		key = (row[0], row[2] if len(row) == 3 else "")
		assert key not in seen, f"zh.csv row {number}: {key} is translated twice"
		seen.add(key)


def test_the_chinese_translations_keep_every_placeholder():
	for row in translation_rows("zh"):
		source, translation = set(PLACEHOLDER.findall(row[0])), set(PLACEHOLDER.findall(row[1]))
		assert source == translation, (
			f"{row[0]!r}: placeholders {sorted(source)} became {sorted(translation)}"
		)


# --- the README's permission table is the DocType JSON --------------------------------------------

RIGHTS = ("read", "create", "write", "delete", "submit")


def readme_permission_table() -> dict[str, dict[str, set[str]]]:
	lines = (ROOT / "README.md").read_text(encoding="utf-8").splitlines()
	start = next(i for i, line in enumerate(lines) if line.startswith("| DocType | System Manager"))
	roles = [cell.strip() for cell in lines[start].strip("|").split("|")][1:]
	table = {}
	for line in lines[start + 2 :]:
		if not line.startswith("|"):
			break
		cells = [cell.strip() for cell in line.strip("|").split("|")]
		table[cells[0]] = {
			role: {right.strip(" ¹") for right in cell.split(",") if right.strip(" ¹–")}
			for role, cell in zip(roles, cells[1:], strict=True)
		}
	return table


def test_the_readme_permission_table_is_what_the_doctypes_grant():
	table = readme_permission_table()
	documents = {name: meta for name, meta in APP_DOCTYPES.items() if not meta.get("istable")}
	assert set(table) == set(documents), "the README table must list every DocType of the app"
	for name, meta in documents.items():
		granted: dict[str, set[str]] = {}
		for perm in meta["permissions"]:
			if perm.get("permlevel", 0) == 0:
				granted.setdefault(perm["role"], set()).update(r for r in RIGHTS if perm.get(r))
		for role, rights in table[name].items():
			assert rights == granted.get(role, set()), f"README: {role} on {name}"
		assert set(granted) <= set(table[name]), f"{name} grants rights to a role the README omits"


# --- every string users see has a Chinese translation ---------------------------------------------

JS_TRANSLATED = re.compile(r"""__\(\s*("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')""")
# {{ _("...") }} in the web page and print templates (Jinja)
JINJA_TRANSLATED = re.compile(r"""(?<![\w.])_\(\s*("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')""")


def translatable_strings() -> set[str]:
	"""``_("...")`` in Python, ``__("...")`` in JavaScript, and the DocType names, labels,
	descriptions and Select options, as Frappe translates them."""
	found: set[str] = set()
	for path in APP.rglob("*.py"):
		if "tests" in path.parts or "benchmarks" in path.parts or path.name.startswith("test_"):
			continue
		for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
			if (
				isinstance(node, ast.Call)
				and isinstance(node.func, ast.Name)
				and node.func.id == "_"
				and node.args
				and isinstance(node.args[0], ast.Constant)
				and isinstance(node.args[0].value, str)
			):
				found.add(node.args[0].value)
	for path in APP.rglob("*.js"):
		for match in JS_TRANSLATED.finditer(path.read_text(encoding="utf-8")):
			found.add(ast.literal_eval(match.group(1)))
	for path in APP.rglob("*.html"):
		for match in JINJA_TRANSLATED.finditer(path.read_text(encoding="utf-8")):
			found.add(ast.literal_eval(match.group(1)))
	for meta in APP_DOCTYPES.values():
		found.add(meta["name"])
		for field in meta.get("fields", []):
			found.update(field[key] for key in ("label", "description") if field.get(key))
			if field["fieldtype"] == "Select":
				found.update(o for o in (field.get("options") or "").split("\n") if o.strip())
	# naming series and bare formats are not words
	return {s for s in found if ".YYYY." not in s and re.sub(r"\{\d+\}|\W", "", s)}


def test_every_string_users_see_has_a_chinese_translation():
	translated = {row[0] for row in translation_rows("zh")}
	missing = sorted(translatable_strings() - translated)
	assert not missing, f"zh.csv lacks {len(missing)} strings: {missing[:10]}"
