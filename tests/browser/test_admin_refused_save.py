"""A refused save loses nothing the editor typed, in a real browser.

On the attack add and change pages the editor adds attribution and citation
rows with "Add another", chooses organisations and articles in the select2
autocompletes, types quotes, occurrences and notes, and the save is refused:
by an invalid field of the attack, by a wrong quote in one citation, or
because another editor saved first. Every row comes back as it was typed,
and once the one mistake is corrected the same page saves all of it.
"""

import pytest

from ctdb.core import models
from tests.browser.test_admin import choose_autocomplete, messages
from tests.conftest import ARTICLE_TEXT

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

REPEATED = "تنظيم"  # twice in the article: the editor cites the second
SECOND = ARTICLE_TEXT.index(REPEATED, ARTICLE_TEXT.index(REPEATED) + 1)
OTHER_QUOTE = "مقتل 144 شخصاً على الأقل"
WRONG_QUOTE = "هذه الجملة ليست في المقال"


def save(page):
    with page.expect_navigation():
        page.locator("input[name=_save]").first.click()


def add_attribution(page, index, organisation_search, organisation, kind, note):
    page.locator("#attributions-group .add-row a").click()
    choose_autocomplete(page, f"id_attributions-{index}-organisation", organisation_search, organisation)
    page.select_option(f"#id_attributions-{index}-kind", kind)
    page.fill(f"#id_attributions-{index}-note", note)


def add_citation(page, index, article, quote, occurrence, translation):
    page.locator("#citations-group .add-row a").click()
    choose_autocomplete(page, f"id_citations-{index}-article", "كروكوس", article.title)
    page.fill(f"#id_citations-{index}-quote", quote)
    page.fill(f"#id_citations-{index}-occurrence", str(occurrence))
    page.fill(f"#id_citations-{index}-translation_en", translation)


def typed(page):
    """Every attribution and citation row's values, and the autocompletes' shown choices."""
    rows = {}
    for prefix, names in (
        ("attributions", ("organisation", "kind", "note")),
        ("citations", ("article", "quote", "occurrence", "translation_en")),
    ):
        total = int(page.locator(f"#id_{prefix}-TOTAL_FORMS").input_value())
        for index in range(total):
            values = {name: page.locator(f"#id_{prefix}-{index}-{name}").input_value() for name in names}
            shown = page.locator(f"#id_{prefix}-{index}-{names[0]} + .select2 .select2-selection__rendered")
            values["shown"] = shown.inner_text().strip().lstrip("×").strip()
            rows[f"{prefix}-{index}"] = values
    return rows


def expected_rows(isis, article, start_index=0, citation_start=0):
    return {
        f"attributions-{start_index}": {
            "organisation": str(isis.pk),
            "kind": "suspected",
            "note": "typed attribution",
            "shown": "Islamic State",
        },
        f"citations-{citation_start}": {
            "article": str(article.pk),
            "quote": REPEATED,
            "occurrence": "2",
            "translation_en": "the organisation",
            "shown": article.title,
        },
    }


def test_add_page_keeps_every_row_after_an_invalid_field(page, log_in, editor, one_of_each, screenshots):
    article, isis = one_of_each["article"], one_of_each["isis"]
    log_in(editor, "/admin/core/attack/add/")
    page.goto("/admin/core/attack/add/")
    page.fill("#id_slug", "browser-refused-attack")
    page.fill("#id_name_en", "Refused attack")
    page.fill("#id_start", "2024-03-22")
    page.fill("#id_killed_low", "144")
    page.fill("#id_killed_high", "10")  # below the low figure: the save is refused
    add_attribution(page, 0, "داعش", "Islamic State", "suspected", "typed attribution")
    add_citation(page, 0, article, REPEATED, 2, "the organisation")
    add_citation(page, 1, article, OTHER_QUOTE, 1, "at least 144 killed")
    save(page)

    assert "/admin/core/attack/add/" in page.url
    assert "high figure is below the low figure" in page.locator(".field-killed_high .errorlist").inner_text()
    page.screenshot(path=str(screenshots / "attack-add-refused.png"), full_page=True)
    rows = typed(page)
    assert rows == {
        **expected_rows(isis, article),
        "citations-1": {
            "article": str(article.pk),
            "quote": OTHER_QUOTE,
            "occurrence": "1",
            "translation_en": "at least 144 killed",
            "shown": article.title,
        },
    }
    assert page.locator("#id_name_en").input_value() == "Refused attack"
    assert not models.Attack.objects.filter(slug="browser-refused-attack").exists()

    page.fill("#id_killed_high", "150")
    save(page)
    assert any("was added successfully" in text for text in messages(page)), page.locator(
        ".errorlist"
    ).all_inner_texts()
    attack = models.Attack.objects.get(slug="browser-refused-attack")
    assert list(attack.attributions.values_list("organisation__slug", "kind", "note")) == [
        ("islamic-state", "suspected", "typed attribution")
    ]
    assert list(attack.citations.order_by("start").values_list("quote", "start", "translation_en")) == [
        (OTHER_QUOTE, ARTICLE_TEXT.index(OTHER_QUOTE), "at least 144 killed"),
        (REPEATED, SECOND, "the organisation"),
    ]
    assert not page.js_errors


def test_change_page_keeps_every_row_after_a_wrong_quote(page, log_in, editor, one_of_each):
    article, isis, attack = one_of_each["article"], one_of_each["isis"], one_of_each["attack"]
    change = f"/admin/core/attack/{attack.pk}/change/"
    log_in(editor, change)
    page.goto(change)
    attributions = attack.attributions.count()
    citations = attack.citations.count()
    page.fill("#id_wounded_low", "551")
    add_attribution(page, attributions, "داعش", "Islamic State", "suspected", "typed attribution")
    add_citation(page, citations, article, REPEATED, 2, "the organisation")
    add_citation(page, citations + 1, article, WRONG_QUOTE, 1, "not in the article")
    save(page)

    assert page.url.endswith(change)
    errors = page.locator(f"#citations-{citations + 1} .errorlist").inner_text()
    assert "does not occur in the article" in errors
    rows = typed(page)
    for key, values in expected_rows(isis, article, attributions, citations).items():
        assert rows[key] == values, key
    assert rows[f"citations-{citations + 1}"]["quote"] == WRONG_QUOTE
    assert rows[f"citations-{citations + 1}"]["translation_en"] == "not in the article"
    assert page.locator("#id_wounded_low").input_value() == "551"
    assert attack.citations.count() == citations

    page.fill(f"#id_citations-{citations + 1}-quote", OTHER_QUOTE)
    save(page)
    assert any("was changed successfully" in text for text in messages(page)), page.locator(
        ".errorlist"
    ).all_inner_texts()
    assert attack.citations.count() == citations + 2
    assert attack.attributions.filter(note="typed attribution").count() == 1
    assert not page.js_errors


def test_change_page_keeps_every_row_after_another_editor_saved(page, log_in, editor, one_of_each):
    article, isis, attack = one_of_each["article"], one_of_each["isis"], one_of_each["attack"]
    change = f"/admin/core/attack/{attack.pk}/change/"
    log_in(editor, change)
    page.goto(change)
    attributions = attack.attributions.count()
    citations = attack.citations.count()
    add_attribution(page, attributions, "داعش", "Islamic State", "suspected", "typed attribution")
    add_citation(page, citations, article, REPEATED, 2, "the organisation")
    theirs = models.Attack.objects.get(pk=attack.pk)  # another editor saves first
    theirs.wounded_low = 551
    theirs.save()
    save(page)

    assert page.url.endswith(change)
    assert "Another editor saved this record" in " ".join(page.locator(".errorlist").all_inner_texts())
    rows = typed(page)
    for key, values in expected_rows(isis, article, attributions, citations).items():
        assert rows[key] == values, key
    assert attack.citations.count() == citations
    assert not page.js_errors
