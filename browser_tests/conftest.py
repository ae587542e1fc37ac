"""Desk tests in a real browser: headless Chromium (Debian's ``/usr/bin/chromium``) driven by
Playwright, against a running site that holds the demo company (``ar-control demo``).

Run by ``.ci/run`` after the bench suite, or by hand:

	AR_CONTROL_URL=http://127.0.0.1:8000 AR_CONTROL_DEMO_PASSWORD=... pytest browser_tests

Each test logs in as a demo user (the password the demo was made with), works as that user
would, and saves a screenshot to ``docs/browser/`` (``AR_CONTROL_SCREENSHOTS`` elsewhere): the
README's images come from there.
"""

from __future__ import annotations

import csv
import os
from functools import cache
from pathlib import Path

import pytest

URL = os.environ.get("AR_CONTROL_URL", "http://127.0.0.1:8000").rstrip("/")
PASSWORD = os.environ.get("AR_CONTROL_DEMO_PASSWORD", "")
ADMIN_PASSWORD = os.environ.get("AR_CONTROL_ADMIN_PASSWORD", "admin")
CHROMIUM = os.environ.get("AR_CONTROL_CHROMIUM", "/usr/bin/chromium")
SHOTS = Path(os.environ.get("AR_CONTROL_SCREENSHOTS", Path(__file__).parent.parent / "docs" / "browser"))
DOMAIN = "ar-control-demo.example.com"
USERS = {
	"sales": f"wang.li@{DOMAIN}",
	"credit": f"sun.mei@{DOMAIN}",
	"collector": f"liu.yang@{DOMAIN}",
}
FLAGS = [
	"--no-sandbox",
	"--disable-gpu",
	"--disable-quic",
	"--no-first-run",
	"--disable-background-networking",
	"--disable-component-update",
	"--disable-sync",
]


@cache
def _zh() -> dict[str, str]:
	path = Path(__file__).parent.parent / "ar_control" / "translations" / "zh.csv"
	with path.open(encoding="utf-8", newline="") as f:
		return {row[0]: row[1] for row in csv.reader(f) if len(row) >= 2}


def t(lang: str, text: str) -> str:
	"""What the desk shows for the app's ``text`` in ``lang``: the app's own translation (a
	string missing from zh.csv fails the test rather than passing in English)."""
	if lang == "en":
		return text
	assert lang == "zh", lang
	return _zh()[text]


@pytest.fixture(scope="session")
def browser():
	playwright = pytest.importorskip("playwright.sync_api")
	if not Path(CHROMIUM).exists():
		pytest.skip(f"no browser at {CHROMIUM}")
	with playwright.sync_playwright() as p:
		browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
		yield browser
		browser.close()


@pytest.fixture(scope="session")
def admin(browser):
	"""An API session as Administrator (to set a user's language, nothing the tests check)."""
	context = browser.new_context(base_url=URL)
	login(context, "Administrator", ADMIN_PASSWORD)
	yield context.request
	context.close()


def login(context, user: str, password: str) -> None:
	response = context.request.post("/api/method/login", form={"usr": user, "pwd": password})
	assert response.ok, f"{user} could not log in: {response.status} {response.text()[:200]}"


@pytest.fixture
def as_user(browser, admin, request):
	"""``as_user("sales", lang="en")``: a logged-in page of that demo user in that language."""
	contexts = []
	request.node._contexts = contexts

	def open_as(role: str, lang: str = "en"):
		user = USERS[role]
		response = admin.put(f"/api/resource/User/{user}", data={"language": lang})
		assert response.ok, response.text()[:200]
		context = browser.new_context(base_url=URL, viewport={"width": 1400, "height": 900}, locale=lang)
		contexts.append(context)
		login(context, user, PASSWORD)
		page = context.new_page()
		page.set_default_timeout(30000)
		return page

	yield open_as
	for context in contexts:
		context.close()
	contexts.clear()


def shot(page, name: str) -> Path:
	SHOTS.mkdir(parents=True, exist_ok=True)
	path = SHOTS / f"{name}.png"
	page.wait_for_timeout(500)  # let the dialog's fade and the charts' animation finish
	page.screenshot(path=str(path))
	return path


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
	"""A failing test leaves a screenshot of each page it had open (``failed-<test>-<n>.png``)."""
	outcome = yield
	report = outcome.get_result()
	if report.when == "call" and report.failed:
		SHOTS.mkdir(parents=True, exist_ok=True)
		for context in getattr(item, "_contexts", []):
			for n, page in enumerate(context.pages):
				try:
					page.screenshot(path=str(SHOTS / f"failed-{item.name}-{n}.png"))
				except Exception:  # the page may be gone already
					pass
