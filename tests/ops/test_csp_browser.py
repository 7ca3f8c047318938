"""The Content-Security-Policy in a real browser: the admin and the API docs
work under it, and the browser reports no violation (no inline script or
style refused, no resource blocked)."""

import pytest
from django.test import override_settings
from django.urls import resolve
from drf_spectacular.views import SpectacularSwaggerView

from ctdb.sources.admin import highlight
from tests.browser.conftest import PASSWORD, TIMEOUT_MS, launched_chromium, require_chromium

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Known until the owners of those files change them (then these tests simply pass).
DOCS_VIEW_HAS_INLINE_SCRIPT = resolve("/api/docs/").func.view_class is SpectacularSwaggerView
HIGHLIGHT_HAS_STYLE_ATTRIBUTE = "style=" in str(highlight("text", [(0, 1)]))

SPLIT_VIEW_NEEDED = (
    "ctdb/api/urls.py serves /api/docs/ with SpectacularSwaggerView, whose inline start-up script "
    "script-src 'self' refuses; SpectacularSwaggerSplitView works (test_split_view_docs_work_under_the_policy)"
)
STYLE_ATTRIBUTE_IN_HIGHLIGHT = (
    "ctdb/core/admin highlight() writes a style attribute, which style-src refuses; "
    "the .ctdb-article-text rule in ctdb/static/ctdb/admin.css already gives the same layout"
)


@pytest.fixture(scope="module", autouse=True)
def database_left_as_found(django_db_setup, django_db_blocker):
    """Put the test database back as this module found it.

    The live server needs committed rows, so these tests are transactional,
    and each ends by emptying the tables (the migrations' groups included).
    Without serialized_rollback, these tests do not depend on what earlier
    transactional tests left behind; the tests after them get back exactly
    what was there before.
    """
    from django.core.management import call_command
    from django.db import connection

    with django_db_blocker.unblock():
        contents = connection.creation.serialize_db_to_string()
    yield
    with django_db_blocker.unblock():
        call_command("flush", interactive=False, inhibit_post_migrate=True, verbosity=0)
        connection.creation.deserialize_db_from_string(contents)


@pytest.fixture(scope="module")
def browser(database_left_as_found):
    with launched_chromium(require_chromium()) as chromium:
        yield chromium


@pytest.fixture
def page(browser, live_server):
    """A browser tab that records the policy violations and script errors it meets."""
    context = browser.new_context(base_url=live_server.url, locale="en-US")
    context.set_default_timeout(TIMEOUT_MS)
    tab = context.new_page()
    tab.problems = []
    tab.on(
        "console",
        lambda message: (
            tab.problems.append(f"{tab.url}: {message.text}") if "Content Security Policy" in message.text else None
        ),
    )
    tab.on("pageerror", lambda error: tab.problems.append(f"{tab.url}: {error}"))
    yield tab
    context.close()


@pytest.fixture
def logged_in(page, django_user_model):
    user = django_user_model.objects.create_superuser("csp-admin", "csp@example.org", PASSWORD)
    page.goto("/admin/login/")
    page.fill("#id_username", user.get_username())
    page.fill("#id_password", PASSWORD)
    page.click("#login-form input[type=submit]")
    page.wait_for_load_state()
    assert "/admin/login/" not in page.url
    return page


def test_admin_works_under_the_policy(logged_in, one_of_each):
    page = logged_in
    attack = one_of_each["attack"]
    for url in (
        "/admin/",
        "/admin/core/attack/",
        "/admin/core/attack/add/",
        f"/admin/core/attack/{attack.pk}/change/",
        "/admin/core/organisation/import/",
    ):
        page.goto(url)
        page.wait_for_load_state()
    # The change form's scripts ran: the inline formset's "add another" link is there.
    page.goto("/admin/core/attack/add/")
    page.locator("#citations-group .add-row a").wait_for()
    # The language switch, once an inline onchange handler, now a static script.
    page.goto("/admin/core/attack/")
    with page.expect_navigation():
        page.select_option("#language-select", "ar")
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert page.problems == []


@pytest.mark.xfail(HIGHLIGHT_HAS_STYLE_ATTRIBUTE, reason=STYLE_ATTRIBUTE_IN_HIGHLIGHT, strict=True)
def test_article_page_has_no_inline_style(logged_in, one_of_each):
    page = logged_in
    page.goto(f"/admin/core/article/{one_of_each['article'].pk}/change/")
    text = page.locator(".ctdb-article-text")
    assert text.evaluate("(element) => getComputedStyle(element).whiteSpace") == "pre-wrap"
    assert page.problems == []


def docs_render(page):
    page.goto("/api/docs/")
    page.locator(".opblock").first.wait_for()  # Swagger UI ran and listed the operations
    assert page.problems == []


@pytest.mark.xfail(DOCS_VIEW_HAS_INLINE_SCRIPT, reason=SPLIT_VIEW_NEEDED, strict=True)
def test_api_docs_work_under_the_policy(page):
    page.set_default_timeout(5_000)
    docs_render(page)


def test_split_view_docs_work_under_the_policy(page):
    with override_settings(ROOT_URLCONF="tests.ops.urls_split_docs"):
        docs_render(page)
