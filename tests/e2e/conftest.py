"""Browser tests: Playwright (sync API) driving the system Chromium against ``live_server``.

Chromium comes from the distribution (``apt-get install chromium``), never from
``playwright install``. Without it the tests are skipped on a workstation, but
fail in CI (where ``CI`` is set), so a broken CI image cannot pass silently.
"""

import contextlib
import datetime as dt
import os
import re
import shutil
import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

import holidays
import pytest
import time_machine
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import connection

from servicelane.core.models import Workshop
from servicelane.demo.builder import DemoBuilder

SYSTEM_CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
PASSWORD = "servicelane"
# Per action / navigation; generous for a slow CI machine, short enough to fail fast.
TIMEOUT_MS = 10_000


def chromium_executable() -> str | None:
    if os.path.exists(SYSTEM_CHROMIUM):
        return SYSTEM_CHROMIUM
    return shutil.which("chromium")


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo) -> Iterator:
    # Lets the ``page`` fixture know whether the test failed (for a screenshot).
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


@pytest.fixture(scope="module")
def browser() -> Iterator:
    executable = chromium_executable()
    if executable is None:
        message = f"Chromium is not installed ({SYSTEM_CHROMIUM} not found, none on PATH)."
        if os.environ.get("CI"):
            pytest.fail(f"{message} CI must run the browser tests: apt-get install chromium")
        pytest.skip(f"{message} Browser tests skipped; apt-get install chromium to run them.")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an asyncio event loop in the main thread, and Django
    # then refuses database access from the tests and fixtures unless this is set.
    # Only while the browser runs: in the environment of the whole session it would
    # leak into subprocesses other tests start (``check --deploy`` fails on it).
    saved = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=executable, headless=True, args=CHROMIUM_ARGS
            )
            try:
                yield browser
            finally:
                browser.close()
    finally:
        if saved is None:
            del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = saved


@dataclass
class Demo:
    freiburg: object
    beijing: object
    freiburg_advisor: str = "advisor@freiburg.demo"
    beijing_advisor: str = "advisor@beijing.demo"


def working_morning() -> dt.datetime:
    """Half past nine in Freiburg (half past four in the afternoon in Beijing) on the next
    working day from today: the demo's day has its bookings and room to plan whenever the
    tests run. Within days of the real date, so the browser keeps the session cookies."""
    zone = ZoneInfo("Europe/Berlin")
    day = dt.datetime.now(zone).date()
    closed = holidays.country_holidays("DE", subdiv="BW", years=[day.year, day.year + 1])
    while day.weekday() >= 5 or day in closed or (day.month, day.day) == (12, 31):
        day += dt.timedelta(days=1)
    return dt.datetime.combine(day, dt.time(9, 30), tzinfo=zone)


def build_demo() -> dt.datetime:
    """The demo network, small, built on a working morning; returns the time the build
    ended (the clock ran on from the morning while it built)."""
    with time_machine.travel(working_morning(), tick=True):
        DemoBuilder(scale=0.02, password=PASSWORD, progress=lambda n: None).build()
        return dt.datetime.now(dt.UTC)


@dataclass
class DemoSnapshot:
    """The database right after the demo was built (a copy held in memory), and the time
    the build ended. Only on SQLite; elsewhere each test builds the demo again."""

    copy: sqlite3.Connection | None
    built_at: dt.datetime | None

    def restore(self) -> None:
        connection.ensure_connection()
        self.copy.backup(connection.connection)
        # The content types were made again when the last test's tables were emptied.
        ContentType.objects.clear_cache()


@pytest.fixture(scope="session")
def demo_snapshot(django_db_setup, django_db_blocker) -> Iterator[DemoSnapshot]:
    """The demo is built once for the whole run, on a database of its own making; every
    test that uses it starts from a copy (its changes are flushed after it, as before)."""
    if connection.vendor != "sqlite":
        yield DemoSnapshot(copy=None, built_at=None)
        return
    with django_db_blocker.unblock():
        call_command("flush", interactive=False, verbosity=0)
        built_at = build_demo()
        copy = sqlite3.connect(":memory:", check_same_thread=False)
        connection.ensure_connection()
        connection.connection.backup(copy)
        call_command("flush", interactive=False, verbosity=0)
    try:
        yield DemoSnapshot(copy=copy, built_at=built_at)
    finally:
        copy.close()


@pytest.fixture
def demo(demo_snapshot, transactional_db, time_machine) -> Demo:
    """The demo network, small: workshops FR (German) and BJ (Chinese) with staff, as it
    stood when its build on a working morning ended (the clock runs on from there for the
    rest of the test)."""
    if demo_snapshot.copy is None:
        time_machine.move_to(build_demo(), tick=True)
    else:
        demo_snapshot.restore()
        time_machine.move_to(demo_snapshot.built_at, tick=True)
    return Demo(freiburg=Workshop.objects.get(code="FR"), beijing=Workshop.objects.get(code="BJ"))


# Every page reports what the Content-Security-Policy refused, on the console where the
# test collects it (Chromium also logs "Refused to ..." itself).
REPORT_CSP_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  console.error(`CSP violation: ${event.violatedDirective} blocked ${event.blockedURI || "inline"}`
    + ` at ${event.sourceFile || document.location.href}:${event.lineNumber}`);
});
"""


def is_csp_violation(text: str) -> bool:
    return text.startswith("CSP violation:") or (
        text.startswith("Refused to") and "Content Security Policy" in text
    )


def watch_csp_violations(context, violations: list[str]) -> None:
    """Add what the policy refuses on any page of ``context`` to ``violations``."""
    context.add_init_script(REPORT_CSP_VIOLATIONS)

    def collect(message) -> None:
        if is_csp_violation(message.text):
            violations.append(f"{message.page.url if message.page else ''}: {message.text}")

    context.on("console", collect)


@pytest.fixture(autouse=True)
def csp_violations(request) -> Iterator[list[str]]:
    """Every browser test fails on anything the Content-Security-Policy refused, in any
    browser context it opens (staff on their computers, owners on their phones)."""
    violations: list[str] = []
    if "browser" not in request.fixturenames:
        yield violations
        return
    browser = request.getfixturevalue("browser")
    open_context = browser.new_context

    def new_context(*args, **kwargs):
        context = open_context(*args, **kwargs)
        watch_csp_violations(context, violations)
        return context

    browser.new_context = new_context
    try:
        yield violations
    finally:
        del browser.new_context
    if violations:
        pytest.fail("The Content-Security-Policy refused:\n" + "\n".join(violations))


@pytest.fixture
def page(browser, live_server, request) -> Iterator:
    context = browser.new_context(
        base_url=live_server.url, locale="en-US", viewport={"width": 1280, "height": 900}
    )
    context.set_default_timeout(TIMEOUT_MS)
    context.set_default_navigation_timeout(TIMEOUT_MS)
    page = context.new_page()
    try:
        yield page
    finally:
        report = getattr(request.node, "rep_call", None)
        if report is not None and report.failed:
            ARTIFACTS.mkdir(exist_ok=True)
            name = re.sub(r"[^\w.-]+", "_", request.node.name)
            # A missing screenshot must not hide the failure itself.
            with contextlib.suppress(Exception):
                page.screenshot(path=str(ARTIFACTS / f"FAILED-{name}.png"), full_page=True)
        context.close()


@pytest.fixture
def screenshot(page) -> Callable[[str], None]:
    """Keep a picture of the page for debugging (test-artifacts/ is git-ignored)."""

    def take(name: str) -> None:
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)

    return take


@pytest.fixture
def login(page) -> Callable[..., None]:
    """Log in through the login form, by e-mail; returns once the overview is shown."""

    def log_in(email: str, password: str = PASSWORD) -> None:
        page.goto("/accounts/login/")
        page.fill("#id_username", email)
        page.fill("#id_password", password)
        page.click("main form button[type=submit]")
        page.wait_for_url(lambda url: "/accounts/login/" not in url)

    return log_in
