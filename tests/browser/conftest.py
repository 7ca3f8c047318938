"""Real-browser tests of the editors' admin, in headless Chromium.

The browser is Debian's `chromium` (`apt-get install chromium`), driven by
Playwright from PyPI; Playwright's own browser download is not used. Without
either, every browser test is skipped with the reason (see `pytest -ra`).

Playwright's sync API runs an event loop in this thread, so Django's ORM,
used here to set up and check records, must be allowed to run beside it.
"""

import os
import shutil
from contextlib import contextmanager
from pathlib import Path

import pytest

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
CHROMIUM_CANDIDATES = ("chromium", "chromium-browser")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PASSWORD = "browser-test-password-1"
TIMEOUT_MS = 15_000


def chromium_path():
    """The Chromium to drive: $CTDB_CHROMIUM, else Debian's on the PATH."""
    configured = os.environ.get("CTDB_CHROMIUM")
    if configured:
        return configured if Path(configured).exists() else None
    for name in CHROMIUM_CANDIDATES:
        found = shutil.which(name) or (f"/usr/bin/{name}" if Path(f"/usr/bin/{name}").exists() else None)
        if found:
            return found
    return None


def pytest_collection_modifyitems(config, items):
    """Every test in this folder is a browser test (`-m "not browser"` leaves them out)."""
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.path).parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def chromium_executable():
    return require_chromium()


def require_chromium():
    """Chromium and Playwright, or a skip that says which is missing."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        pytest.skip("browser tests need Playwright: pip install -r requirements-dev.txt")
    executable = chromium_path()
    if executable is None:
        pytest.skip("browser tests need Chromium: apt-get install chromium (or set CTDB_CHROMIUM)")
    return executable


@contextmanager
def launched_chromium(executable):
    """Start Playwright and a headless Chromium, keeping Django's connections.

    Playwright's sync API marks an asyncio loop as running in this thread, and
    Django then keeps its database connections in per-context storage instead
    of the thread's: the code would get new connection objects, without the
    serialized contents of the test database that `serialized_rollback` puts
    back. The thread's connections are carried over, so the tests, the live
    server and the rollback keep using the same ones. Only one Playwright may
    run at a time in a thread: callers stop theirs when their module ends.
    """
    from django.db import connections
    from playwright.sync_api import sync_playwright

    thread_connections = {alias: connections[alias] for alias in connections}
    with sync_playwright() as playwright:
        for alias, connection in thread_connections.items():
            connections[alias] = connection
        chromium = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture(scope="module")
def browser(chromium_executable, django_db_setup):
    """A headless Chromium for this module's tests (made after the test database)."""
    with launched_chromium(chromium_executable) as chromium:
        yield chromium


@pytest.fixture
def page(browser, live_server):
    """A fresh browser tab (own cookies) on the live server, in English."""
    context = browser.new_context(
        base_url=live_server.url, locale="en-US", viewport={"width": 1280, "height": 900}, accept_downloads=False
    )
    context.set_default_timeout(TIMEOUT_MS)
    tab = context.new_page()
    errors = []
    tab.on("pageerror", lambda error: errors.append(str(error)))
    tab.js_errors = errors
    yield tab
    context.close()


@pytest.fixture
def screenshots():
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS


@pytest.fixture
def password():
    """The password of the users made by `superuser` and `editor`."""
    return PASSWORD


@pytest.fixture
def superuser(django_user_model):
    return django_user_model.objects.create_superuser("browser-admin", "admin@example.org", PASSWORD)


@pytest.fixture
def editor(django_user_model):
    """A staff user whose only rights are the Editor group's (migration core.0002_roles)."""
    from django.contrib.auth.models import Group

    user = django_user_model.objects.create_user("browser-editor", "editor@example.org", PASSWORD, is_staff=True)
    user.groups.add(Group.objects.get(name="Editor"))
    return user


@pytest.fixture
def log_in(page):
    """Log a user in through the admin login form, as a person would."""

    def log_in(user, next_url="/admin/"):
        page.goto(f"/admin/login/?next={next_url}")
        page.fill("#id_username", user.get_username())
        page.fill("#id_password", PASSWORD)
        with page.expect_navigation():
            page.click("#login-form input[type=submit]")
        assert "/admin/login/" not in page.url, page.locator(".errornote").all_inner_texts()

    return log_in
