"""Search as an editor does it, in Chromium, over the real dataset: the
header's search across kinds, and an autocomplete that offers the record
meant first («داعش» is the Islamic State, not the coalition against it)."""

import pytest
from django.core.management import call_command

from ctdb.core import models, nested_changes
from tests.conftest import FIXTURE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def real_dataset():
    with nested_changes.suspended():
        call_command("loaddata", str(FIXTURE), verbosity=0)


def test_the_header_search_finds_every_kind_and_opens_the_record(page, log_in, editor, real_dataset, screenshots):
    log_in(editor)
    page.fill("#header-search-q", "داعش")
    with page.expect_navigation():
        page.press("#header-search-q", "Enter")
    assert "/admin/search/" in page.url
    rows = page.locator("#ctdb-search-results tbody tr.search-hit")
    assert rows.first.get_attribute("data-slug") == "islamic-state"
    kinds = set(
        page.locator("#ctdb-search-results tbody tr.search-hit").evaluate_all("rs => rs.map(r => r.dataset.kind)")
    )
    assert {"organisation", "attack"} <= kinds
    page.screenshot(path=str(screenshots / "search-across-kinds.png"), full_page=True)
    with page.expect_navigation():
        rows.first.locator("a").click()
    islamic_state = models.Organisation.objects.get(slug="islamic-state")
    assert page.url.endswith(f"/admin/core/organisation/{islamic_state.pk}/change/")
    assert not page.js_errors


def test_the_autocomplete_offers_the_record_meant_first(page, log_in, editor, real_dataset):
    log_in(editor, "/admin/core/attribution/add/")
    page.locator("#id_organisation + .select2 .select2-selection").click()
    page.locator(".select2-container--open .select2-search__field").fill("داعش")
    page.wait_for_load_state("networkidle")
    first = page.locator(".select2-container--open .select2-results__option:not(.loading-results)").first
    first.wait_for()
    assert first.inner_text() == "Islamic State"
    page.keyboard.press("Enter")  # what the editor in the issue did
    islamic_state = models.Organisation.objects.get(slug="islamic-state")
    assert page.locator("#id_organisation").input_value() == str(islamic_state.pk)
    assert not page.js_errors
