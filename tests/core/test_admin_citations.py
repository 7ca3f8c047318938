"""Citations in the admin: any number of citations of one article may support
one record, each found at the occurrence the editor chose; a citation that
repeats another is refused on its quote, never with a 500 or the hidden slug."""

import pytest
from django.contrib import admin
from django.urls import reverse
from django.utils import timezone

from ctdb.core import models
from ctdb.core.admin.citations import CitationInlineBase
from ctdb.core.models import Citation
from ctdb.sources.models import CITATION_TARGETS, citation_slug
from tests.conftest import ARTICLE_TEXT
from tests.core.test_admin_editing import form_data

REPEATED = "تنظيم"  # twice in ARTICLE_TEXT: «أعلن تنظيم الدولة» and «من التنظيم»
FIRST, SECOND = ARTICLE_TEXT.index(REPEATED), ARTICLE_TEXT.index(REPEATED, ARTICLE_TEXT.index(REPEATED) + 1)
DUPLICATE = "This record already cites these words at this place in the article."


def url(model, view, *args):
    return reverse(f"admin:core_{model._meta.model_name}_{view}", args=args)


def cited_models():
    """Every model whose admin page has a citation inline, with the inline's foreign key."""
    found = []
    for model, model_admin in admin.site._registry.items():
        for inline in model_admin.inlines:
            if issubclass(inline, CitationInlineBase):
                found.append((model, inline.fk_name))
    return found


def add_row(data, prefix="citations", **values):
    """Append a row to an inline formset, as "Add another" does."""
    index = int(data[f"{prefix}-TOTAL_FORMS"])
    data[f"{prefix}-TOTAL_FORMS"] = str(index + 1)
    for name, value in values.items():
        data[f"{prefix}-{index}-{name}"] = str(value)
    return index


def formset(response, prefix="citations"):
    for inline in response.context["inline_admin_formsets"]:
        if inline.formset.prefix == prefix:
            return inline.formset
    raise AssertionError(f"no inline {prefix}")


def expected_slug(article, start, field, target):
    return citation_slug(article.slug, start, start + len(REPEATED), field, target.slug)


def test_every_cited_model_has_the_citation_inline():
    """One inline per kind of record a citation supports, on that record's page."""
    expected = sorted(
        (models.Citation._meta.get_field(field).related_model.__name__, field) for field in CITATION_TARGETS
    )
    assert sorted((model.__name__, field) for model, field in cited_models()) == expected
    assert len(expected) >= 10


@pytest.mark.parametrize(("model", "field"), cited_models(), ids=lambda value: getattr(value, "__name__", value))
def test_change_page_saves_two_more_citations_of_one_article(admin_client, one_of_each, model, field):
    """Both occurrences of one phrase cite the record: two rows of one article, one save."""
    record = model.objects.order_by("pk").first()
    article = one_of_each["article"]
    change = url(model, "change", record.pk)
    data = form_data(admin_client.get(change))
    add_row(data, article=article.pk, quote=REPEATED, occurrence=1)
    add_row(data, article=article.pk, quote=REPEATED, occurrence=2)
    response = admin_client.post(change, data)
    assert response.status_code == 302, response.context and formset(response).errors
    made = Citation.objects.filter(article=article, quote=REPEATED, **{field: record}).order_by("start")
    assert [(c.start, c.slug) for c in made] == [
        (FIRST, expected_slug(article, FIRST, field, record)),
        (SECOND, expected_slug(article, SECOND, field, record)),
    ]


ADD_PAGES = {
    models.Attack: {"slug": "new-attack", "name_en": "New attack", "start": "2024-03-22"},
    models.Organisation: {"slug": "new-group", "name_en": "New group", "kind": "militant_group"},
    models.Actor: {"slug": "new-actor", "name_en": "New actor"},
    models.Agreement: {"slug": "new-pledge", "name_en": "New pledge", "kind": "pledge"},
}


@pytest.mark.parametrize("model", ADD_PAGES, ids=lambda model: model.__name__)
def test_add_page_saves_two_citations_of_one_article(admin_client, one_of_each, model):
    article = one_of_each["article"]
    add = url(model, "add")
    data = {**form_data(admin_client.get(add)), **ADD_PAGES[model]}
    add_row(data, article=article.pk, quote=REPEATED, occurrence=2)
    add_row(data, article=article.pk, quote="هجوم كروكوس", occurrence=1)
    response = admin_client.post(add, data)
    assert response.status_code == 302, response.context and (
        response.context["adminform"].form.errors,
        formset(response).errors,
    )
    record = model.objects.get(slug=ADD_PAGES[model]["slug"])
    field = model._meta.get_field("citations").field.name
    made = record.citations.order_by("start")
    assert [(c.quote, c.start) for c in made] == [("هجوم كروكوس", 47), (REPEATED, SECOND)]
    assert made[1].slug == expected_slug(article, SECOND, field, record)


def test_citation_page_saves_a_second_citation_of_one_article(admin_client, one_of_each):
    article, isis = one_of_each["article"], one_of_each["isis"]
    for occurrence, start in ((1, FIRST), (2, SECOND)):
        data = {"article": article.pk, "quote": REPEATED, "occurrence": occurrence, "organisation": isis.pk}
        response = admin_client.post(url(Citation, "add"), data)
        assert response.status_code == 302, response.context and response.context["adminform"].form.errors
        made = Citation.objects.get(quote=REPEATED, start=start)
        assert made.slug == expected_slug(article, start, "organisation", isis)
    assert isis.citations.filter(article=article).count() == 3  # with the fixture's own


def test_model_derives_the_slug_from_the_located_offsets(one_of_each):
    """full_clean() (forms, imports) locates the quote before it derives the slug."""
    article, isis = one_of_each["article"], one_of_each["isis"]
    quote = "«داعش»"
    citation = Citation(article=article, quote=quote, organisation=isis)
    citation.full_clean()
    start = ARTICLE_TEXT.index(quote)
    assert (citation.start, citation.end) == (start, start + len(quote))
    assert citation.slug == citation_slug(article.slug, start, start + len(quote), "organisation", isis.slug)


def test_an_occurrence_that_does_not_exist_is_refused_on_its_field(admin_client, one_of_each):
    attack = one_of_each["attack"]
    change = url(models.Attack, "change", attack.pk)
    data = form_data(admin_client.get(change))
    index = add_row(data, article=one_of_each["article"].pk, quote=REPEATED, occurrence=3)
    before = Citation.objects.count()
    response = admin_client.post(change, data)
    assert response.status_code == 200
    errors = formset(response).forms[index].errors
    assert errors == {"occurrence": ["The quote occurs fewer than 3 times in the article."]}
    assert Citation.objects.count() == before


def test_the_form_shows_the_occurrence_a_citation_points_at(admin_client, one_of_each):
    attack, article = one_of_each["attack"], one_of_each["article"]
    second = Citation.objects.create(article=article, quote=REPEATED, start=SECOND, end=SECOND + 5, attack=attack)
    from ctdb.sources.models import occurrence_at  # new with the occurrence field

    assert occurrence_at(ARTICLE_TEXT, REPEATED, SECOND) == 2
    inline = formset(admin_client.get(url(models.Attack, "change", attack.pk)))
    shown = {form.instance.pk: form["occurrence"].value() for form in inline.forms}
    assert shown[second.pk] == 2
    assert set(shown.values()) == {1, 2}  # «هجوم كروكوس» is its first occurrence
    page = admin_client.get(url(Citation, "change", second.pk))
    assert page.context["adminform"].form["occurrence"].value() == 2
    fields = [name for fieldset in page.context["adminform"] for line in fieldset for name in line.fields]
    assert fields.index("occurrence") == fields.index("quote") + 1


def test_editing_a_quote_moves_the_citation_and_its_slug(admin_client, one_of_each):
    """The offsets follow the new quote (this was a 500: an error on the unseen `start`)."""
    attack, article = one_of_each["attack"], one_of_each["article"]
    change = url(models.Attack, "change", attack.pk)
    data = form_data(admin_client.get(change))
    assert data["citations-0-quote"] == "هجوم كروكوس"
    data["citations-0-quote"] = REPEATED
    data["citations-0-occurrence"] = "2"
    assert admin_client.post(change, data).status_code == 302
    moved = attack.citations.get()
    assert (moved.quote, moved.start, moved.end) == (REPEATED, SECOND, SECOND + len(REPEATED))
    assert moved.slug == expected_slug(article, SECOND, "attack", attack)
    # The place it left can be cited again.
    data = form_data(admin_client.get(change))
    add_row(data, article=article.pk, quote="هجوم كروكوس", occurrence=1)
    assert admin_client.post(change, data).status_code == 302
    assert attack.citations.count() == 2


def test_a_citation_the_record_already_has_is_refused_on_the_quote(admin_client, one_of_each):
    attack = one_of_each["attack"]
    change = url(models.Attack, "change", attack.pk)
    data = form_data(admin_client.get(change))
    index = add_row(data, article=one_of_each["article"].pk, quote="هجوم كروكوس", occurrence=1)
    before = Citation.objects.count()
    response = admin_client.post(change, data)
    assert response.status_code == 200
    assert formset(response).forms[index].errors == {"quote": [DUPLICATE]}
    assert "slug" not in response.content.decode().lower().split('class="errorlist')[1][:400]
    assert Citation.objects.count() == before


def test_two_equal_rows_on_an_add_page_are_refused_on_the_quote(admin_client, one_of_each):
    article = one_of_each["article"]
    add = url(models.Attack, "add")
    data = {**form_data(admin_client.get(add)), **ADD_PAGES[models.Attack]}
    add_row(data, article=article.pk, quote=REPEATED, occurrence=2)
    add_row(data, article=article.pk, quote=REPEATED, occurrence=2, translation_en="typed")
    response = admin_client.post(add, data)
    assert response.status_code == 200
    forms = formset(response).forms
    assert (forms[0].errors, forms[1].errors) == ({}, {"quote": [DUPLICATE]})
    assert not models.Attack.objects.filter(slug="new-attack").exists()
    assert forms[1]["translation_en"].value() == "typed"


def test_a_deleted_row_frees_its_place_for_a_new_one(admin_client, one_of_each):
    attack, article = one_of_each["attack"], one_of_each["article"]
    change = url(models.Attack, "change", attack.pk)
    data = form_data(admin_client.get(change))
    data["citations-0-DELETE"] = "on"
    add_row(data, article=article.pk, quote="هجوم كروكوس", occurrence=1, note="again")
    assert admin_client.post(change, data).status_code == 302
    assert list(attack.citations.values_list("note", flat=True)) == ["again"]


def test_the_citation_page_refuses_a_citation_the_database_holds(admin_client, one_of_each):
    article, isis = one_of_each["article"], one_of_each["isis"]
    before = Citation.objects.count()
    data = {"article": article.pk, "quote": "تنظيم الدولة الإسلامية", "occurrence": 1, "organisation": isis.pk}
    response = admin_client.post(url(Citation, "add"), data)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {"quote": [DUPLICATE]}
    assert Citation.objects.count() == before
    # The same words for another record are another citation.
    data["organisation"] = models.Organisation.objects.get(slug="russia").pk
    assert admin_client.post(url(Citation, "add"), data).status_code == 302


def test_a_refused_save_keeps_every_inline_row(admin_client, one_of_each):
    """An invalid parent field: the attribution and citation rows come back as typed."""
    attack, article, isis = one_of_each["attack"], one_of_each["article"], one_of_each["isis"]
    change = url(models.Attack, "change", attack.pk)
    data = form_data(admin_client.get(change))
    data["killed_high"] = "1"  # below killed_low: refused
    add_row(data, "attributions", organisation=isis.pk, kind="suspected", note="typed attribution")
    index = add_row(data, article=article.pk, quote=REPEATED, occurrence=2, translation_en="typed translation")
    response = admin_client.post(change, data)
    assert response.status_code == 200
    assert "killed_high" in response.context["adminform"].form.errors
    attribution = formset(response, "attributions").forms[-1]
    assert (attribution["organisation"].value(), attribution["note"].value()) == (str(isis.pk), "typed attribution")
    citation = formset(response).forms[index]
    assert [citation[name].value() for name in ("article", "quote", "occurrence", "translation_en")] == [
        str(article.pk),
        REPEATED,
        "2",
        "typed translation",
    ]


def test_a_stale_citation_page_with_a_new_quote_is_refused_not_a_500(admin_client, one_of_each):
    """The stale-version refusal comes after the quote is located, so the model
    never sees the new quote at the old offsets (an error on the unseen `start`)."""
    citation = one_of_each["attack"].citations.get()
    change = url(Citation, "change", citation.pk)
    data = form_data(admin_client.get(change))
    Citation.objects.filter(pk=citation.pk).update(note="another editor's note", updated_at=timezone.now())
    data["quote"] = REPEATED
    response = admin_client.post(change, data)
    assert response.status_code == 200
    assert "Another editor saved this record" in response.content.decode()
    citation.refresh_from_db()
    assert (citation.quote, citation.note) == ("هجوم كروكوس", "another editor's note")
