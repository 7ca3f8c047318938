"""Bad input in the admin is answered with a reason, never a bare 500: an
article text edit that would break citations names them, and a NUL
character in a changelist's query string is a 400."""

import pytest
from django.contrib import admin
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from ctdb.core import models
from ctdb.sources.admin import ArticleForm
from tests.conftest import ARTICLE_TEXT
from tests.core.test_admin_editing import form_data

# -- an article text that would break its citations ------------------------------


def change_url(article):
    return reverse("admin:core_article_change", args=[article.pk])


def test_text_edit_that_breaks_citations_names_them_and_saves_nothing(admin_client, one_of_each):
    article = one_of_each["article"]
    data = form_data(admin_client.get(change_url(article)))
    # Drops «داعش» from the first sentence: the ISIS citation keeps its place,
    # the claim (which quotes «داعش») breaks, and every citation after it shifts.
    data["text"] = ARTICLE_TEXT.replace(" «داعش»", "")
    response = admin_client.post(change_url(article), data)

    assert response.status_code == 200
    errors = list(response.context["adminform"].form.errors["text"])
    page = response.content.decode()
    assert "would break" in errors[0]
    broken = models.Citation.objects.filter(article=article).exclude(quote="تنظيم الدولة الإسلامية")
    assert len(errors) == 1 + broken.count()  # the reason, then one line per broken citation, in text order
    assert "«أعلن تنظيم الدولة الإسلامية «داعش» مسؤوليته»" in errors[1] and "claimed" in errors[1]
    assert any("Crocus City Hall attack" in line for line in errors[2:])
    assert not any("«تنظيم الدولة الإسلامية»" in line for line in errors[1:])  # it still holds
    assert "Vladimir Putin" in page
    article.refresh_from_db()
    assert article.text == ARTICLE_TEXT


def test_text_edit_that_keeps_every_quote_in_place_is_saved(admin_client, one_of_each):
    article = one_of_each["article"]
    data = form_data(admin_client.get(change_url(article)))
    data["text"] = ARTICLE_TEXT + " وأضاف مصدر أمني."
    assert admin_client.post(change_url(article), data).status_code == 302
    article.refresh_from_db()
    assert article.text.endswith("وأضاف مصدر أمني.")


def test_a_citation_added_after_the_check_is_a_form_error_not_a_500(admin_client, one_of_each, monkeypatch):
    """The database trigger stays the last line of defence: if a citation the
    form's check did not see (another editor's, saved meanwhile) breaks, the
    trigger's refusal comes back as an error on the form, not a 500."""
    article = one_of_each["article"]
    data = form_data(admin_client.get(change_url(article)))
    data["text"] = ARTICLE_TEXT.replace(" «داعش»", "")
    monkeypatch.setattr(ArticleForm, "broken_citations", lambda form, text: [])  # the check misses them all
    response = admin_client.post(change_url(article), data)

    assert response.status_code == 200
    errors = list(response.context["adminform"].form.errors["text"])
    assert "changed while you were editing" in errors[0]
    article.refresh_from_db()
    assert article.text == ARTICLE_TEXT


def test_the_check_reads_the_citations_in_one_query(admin_client, one_of_each):
    article = one_of_each["article"]
    form = ArticleForm(instance=article)
    with CaptureQueriesContext(connection) as queries:
        broken = form.broken_citations(ARTICLE_TEXT.replace(" «داعش»", ""))
        [str(citation.target) for citation in broken]
    assert len(broken) == models.Citation.objects.filter(article=article).count() - 1
    assert len(queries) == 1


# -- NUL in a changelist's query string ------------------------------------------

CHANGELISTS = sorted(
    (model for model in admin.site._registry), key=lambda model: (model._meta.app_label, model._meta.model_name)
)


def changelist(model):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")


def filter_parameters(admin_client, model):
    """The parameters the changelist's own filters take."""
    response = admin_client.get(changelist(model))
    assert response.status_code == 200
    return [name for spec in response.context["cl"].filter_specs for name in spec.expected_parameters()]


@pytest.mark.parametrize("model", CHANGELISTS, ids=lambda model: model._meta.label)
def test_nul_in_a_changelist_query_answers_400(admin_client, model):
    queries = [{"q": "\x00"}, {"kind": "\x00"}, {"country__exact": "a\x00"}, {"q": "x", "o\x00": "1"}]
    queries += [{name: "a\x00"} for name in filter_parameters(admin_client, model)]
    for query in queries:
        response = admin_client.get(changelist(model), query)
        assert response.status_code == 400, query
        assert "NUL" in response.content.decode(), query
    # Without the NUL the same list answers.
    assert admin_client.get(changelist(model), {"q": "a"}).status_code == 200


def test_the_400_is_in_the_editors_language(admin_client):
    admin_client.cookies["django_language"] = "ar"
    response = admin_client.get(changelist(models.Organisation), {"q": "\x00"})
    assert response.status_code == 400
    assert response["Content-Language"] == "ar"
