"""The editors' admin driven through a real browser: log in, search in
Arabic, add an attack with its citation, see a wrong quote refused, import a
CSV through its preview, and switch the admin to Arabic (right to left).

The live server runs in another thread, so the database is transactional;
`serialized_rollback` puts back what the migrations made (the Editor and
Viewer groups) after each test flushes the tables.
"""

import pytest

from ctdb.core import models
from tests.conftest import ARTICLE_TEXT

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

GOOD_QUOTE = "وقال الرئيس الروسي فلاديمير بوتين"
WRONG_QUOTE = "هذه الجملة ليست في المقال"


def assert_styled(page):
    """The admin's own stylesheet was served and applied (not a bare HTML page)."""
    loaded = page.evaluate(
        """() => [...document.styleSheets].some(
            (sheet) => sheet.href && sheet.href.endsWith("/admin/css/base.css") && sheet.cssRules.length > 0)"""
    )
    assert loaded, "admin/css/base.css did not load"
    header = page.evaluate("() => getComputedStyle(document.querySelector('#header')).display")
    assert header == "flex", f"#header is not laid out by the admin CSS (display: {header})"


def messages(page, level="success"):
    return page.locator(f"ul.messagelist li.{level}").all_inner_texts()


def choose_autocomplete(page, select_id, search, option_text):
    """Pick an option of a select2 autocomplete widget by typing, as an editor would."""
    # select2 may redraw its results (debounced search) just as the option is
    # clicked, on a loaded machine: then the click lands on a detached node
    # and nothing is chosen. A person would look and pick again.
    for _attempt in range(3):
        if not page.locator(".select2-container--open").count():
            page.locator(f"#{select_id} + .select2 .select2-selection").click()
        page.locator(".select2-container--open .select2-search__field").fill(search)
        page.wait_for_load_state("networkidle")
        option = page.locator(
            ".select2-container--open .select2-results__option:not(.loading-results)", has_text=option_text
        ).first
        option.click()
        if page.locator(f"#{select_id}").input_value():
            return
    assert page.locator(f"#{select_id}").input_value(), f"nothing chosen in #{select_id}"


def fill_attack_with_citation(page, slug, quote, article):
    page.goto("/admin/core/attack/add/")
    assert_styled(page)
    page.fill("#id_slug", slug)
    page.fill("#id_name_en", "Browser test attack")
    page.fill("#id_name_ar", "هجوم اختبار المتصفح")
    page.fill("#id_start", "2024-03-22")
    page.locator("#citations-group .add-row a").click()
    choose_autocomplete(page, "id_citations-0-article", "كروكوس", article.title)
    page.fill("#id_citations-0-quote", quote)
    with page.expect_navigation():
        page.locator("input[name=_save]").first.click()


def test_log_in_through_the_form(page, live_server, superuser, password):
    page.goto("/admin/")
    assert "/admin/login/" in page.url
    assert_styled(page)
    page.fill("#id_username", superuser.username)
    page.fill("#id_password", "wrong password")
    with page.expect_navigation():
        page.click("#login-form input[type=submit]")
    assert "correct username and password" in page.locator(".errornote").inner_text()

    page.fill("#id_username", superuser.username)
    page.fill("#id_password", password)
    with page.expect_navigation():
        page.click("#login-form input[type=submit]")
    assert page.url == f"{live_server.url}/admin/"
    assert_styled(page)
    assert page.locator("#site-name").inner_text() == "ctdb: counter-terrorism database"
    assert superuser.username.upper() in page.locator("#user-tools").inner_text().upper()
    assert page.locator("#logout-form").count() == 1
    assert page.locator("a[href='/admin/core/attack/']").count() >= 1
    assert not page.js_errors


def test_search_organisations_in_arabic(page, log_in, superuser, one_of_each):
    """Without the hamza, or by its pejorative alias: both find the Islamic State."""
    log_in(superuser, "/admin/core/organisation/")
    for query in ("الدولة الاسلامية", "داعش"):
        page.fill("#searchbar", query)
        with page.expect_navigation():
            page.press("#searchbar", "Enter")
        assert "q=" in page.url
        rows = page.locator("#result_list tbody tr")
        assert rows.count() == 1, (query, rows.all_inner_texts())
        assert "Islamic State" in rows.first.inner_text(), query
        assert page.locator("#searchbar").input_value() == query
    assert not page.js_errors


def test_add_attack_with_citation(page, log_in, editor, one_of_each):
    article = one_of_each["article"]
    log_in(editor, "/admin/core/attack/add/")
    fill_attack_with_citation(page, "browser-test-attack", GOOD_QUOTE, article)

    errors = page.locator(".errornote, .errorlist").all_inner_texts()
    assert not errors, errors
    assert any("was added successfully" in text for text in messages(page)), messages(page)
    attack = models.Attack.objects.get(slug="browser-test-attack")
    assert (attack.name_en, attack.name_ar, attack.start) == (
        "Browser test attack",
        "هجوم اختبار المتصفح",
        "2024-03-22",
    )
    citation = attack.citations.get()
    start = ARTICLE_TEXT.index(GOOD_QUOTE)
    assert (citation.article_id, citation.quote) == (article.pk, GOOD_QUOTE)
    assert (citation.start, citation.end) == (start, start + len(GOOD_QUOTE))
    assert article.text[citation.start : citation.end] == GOOD_QUOTE
    assert not page.js_errors


def test_wrong_quote_is_refused(page, log_in, editor, one_of_each):
    article = one_of_each["article"]
    citations_before = models.Citation.objects.count()
    log_in(editor, "/admin/core/attack/add/")
    fill_attack_with_citation(page, "browser-wrong-quote", WRONG_QUOTE, article)

    assert "/admin/core/attack/add/" in page.url
    assert page.locator(".errornote").count() >= 1
    quote_errors = page.locator("#citations-0 .errorlist").all_inner_texts()
    assert any("does not occur in the article" in text for text in quote_errors), quote_errors
    assert page.locator("#id_citations-0-quote").input_value() == WRONG_QUOTE
    assert not messages(page)
    assert not models.Attack.objects.filter(slug="browser-wrong-quote").exists()
    assert models.Citation.objects.count() == citations_before


def test_import_csv_through_preview(page, log_in, editor, one_of_each, tmp_path, screenshots):
    csv = tmp_path / "organisations.csv"
    csv.write_text(
        "slug,name_ar,name_en,kind,country\n"
        "browser-new-group,جماعة اختبار المتصفح,Browser Test Group,militant_group,SY\n"
        "russia,روسيا,Russian Federation,state,RU\n",
        encoding="utf-8",
    )
    log_in(editor, "/admin/core/organisation/")
    page.locator("a.import_link").click()
    page.wait_for_url("**/admin/core/organisation/import/")
    assert_styled(page)
    page.set_input_files("#id_import_file", str(csv))
    page.select_option("#id_format", label="csv")
    with page.expect_navigation():
        page.locator("input[type=submit][value=Submit]").click()

    errors = page.locator(".errornote, .errorlist, .import-error-li, .validation-error-container").all_inner_texts()
    assert not errors, errors
    new_rows = page.locator("table.import-preview tr.new")
    updated_rows = page.locator("table.import-preview tr.update")
    assert new_rows.count() == 1 and "Browser Test Group" in new_rows.inner_text()
    assert updated_rows.count() == 1 and "Russian Federation" in updated_rows.inner_text()
    assert not models.Organisation.objects.filter(slug="browser-new-group").exists(), "the preview saved"
    page.screenshot(path=str(screenshots / "import-preview.png"), full_page=True)

    page.locator("input[name=confirm]").click()
    page.wait_for_url("**/admin/core/organisation/")
    assert any("Import finished" in text for text in messages(page)), messages(page)
    new = models.Organisation.objects.get(slug="browser-new-group")
    assert (new.name_ar, new.name_en, new.kind, new.country.code) == (
        "جماعة اختبار المتصفح",
        "Browser Test Group",
        "militant_group",
        "SY",
    )
    assert new.inferred == {}
    russia = models.Organisation.objects.get(slug="russia")
    assert (russia.name_en, russia.kind, russia.country.code) == ("Russian Federation", "state", "RU")
    assert models.Organisation.objects.filter(slug="russia").count() == 1
    assert not page.js_errors


def test_switch_to_arabic(page, log_in, superuser, one_of_each, screenshots):
    log_in(superuser, "/admin/core/attack/")
    html = page.locator("html")
    assert (html.get_attribute("lang"), html.get_attribute("dir")) == ("en", "ltr")
    with page.expect_navigation():
        page.select_option("#language-select", "ar")
    page.wait_for_url("**/admin/core/attack/")
    assert (html.get_attribute("lang"), html.get_attribute("dir")) == ("ar", "rtl")
    assert page.locator("#language-select").input_value() == "ar"
    assert_styled(page)
    rtl = page.evaluate(
        "() => [...document.styleSheets].some((sheet) => sheet.href && sheet.href.endsWith('/admin/css/rtl.css'))"
    )
    assert rtl, "admin/css/rtl.css is not loaded on the Arabic page"
    assert page.evaluate("() => getComputedStyle(document.body).direction") == "rtl"
    assert "Crocus City Hall attack" in page.locator("#result_list").inner_text()
    page.screenshot(path=str(screenshots / "changelist-ar.png"))

    page.goto("/admin/core/organisation/")
    assert html.get_attribute("dir") == "rtl", "the language choice did not stick"
    assert not page.js_errors
