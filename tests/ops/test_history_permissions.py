"""Restoring a past version from the history page writes the record, so only
users who may change it may open or post that page; Viewers still read the
history list, whose versions link to that page only for those who may open
it. Checked on an attack and on a citation (the evidence itself),
in the database and in what the API serves."""

import re

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from ctdb.core.models import Attack, Citation
from tests.core.test_admin_editing import form_data, user_in

pytestmark = pytest.mark.django_db


def history_urls(record):
    """The record's history list and the page of its oldest version."""
    name = record._meta.model_name
    oldest = record.history.order_by("history_date").first()
    return (
        reverse(f"admin:core_{name}_history", args=[record.pk]),
        reverse(f"admin:core_{name}_simple_history", args=[record.pk, oldest.history_id]),
    )


def revert_form(revert_url, **changes):
    """The revert form as a superuser's browser would post it, with `changes`."""
    superuser = Client()
    superuser.force_login(User.objects.filter(is_superuser=True).first())
    return {**form_data(superuser.get(revert_url)), **changes}


def api_get(path):
    response = Client().get(path)
    assert response.status_code == 200
    return response.json()


@pytest.fixture
def edited(one_of_each, admin_user):
    """An attack and a citation, each changed once since they were created."""
    attack = one_of_each["attack"]
    attack.name_en = "Crocus City Hall attack (Krasnogorsk)"
    attack.save()
    citation = Citation.objects.get(attack=attack)
    citation.translation_en = "The Crocus attack"
    citation.save()
    return attack, citation


def test_viewer_reads_history_but_cannot_revert_an_attack(client, edited):
    attack, _citation = edited
    history, revert = history_urls(attack)
    data = revert_form(revert, name_en="Forged by a viewer", killed_low="1")
    client.force_login(user_in("Viewer", "viewer"))

    assert client.get(history).status_code == 200
    assert client.get(revert).status_code == 403
    assert client.post(revert, data).status_code == 403

    attack.refresh_from_db()
    assert (attack.name_en, attack.killed_low) == ("Crocus City Hall attack (Krasnogorsk)", 144)
    assert attack.history.count() == 2
    served = api_get(f"/api/v1/attacks/{attack.slug}/")
    assert (served["name_en"], served["killed_low"]) == ("Crocus City Hall attack (Krasnogorsk)", 144)


def test_viewer_cannot_revert_a_citation(client, edited):
    _attack, citation = edited
    history, revert = history_urls(citation)
    data = revert_form(revert, translation_en="Forged translation", note="forged")
    client.force_login(user_in("Viewer", "viewer"))

    assert client.get(history).status_code == 200
    assert client.post(revert, data).status_code == 403

    citation.refresh_from_db()
    assert (citation.translation_en, citation.note) == ("The Crocus attack", "")
    served = api_get(f"/api/v1/citations/{citation.slug}/")
    assert served["translation_en"] == "The Crocus attack"


def test_editor_can_still_revert(client, edited):
    attack, citation = edited
    client.force_login(user_in("Editor", "editor"))
    for record in (attack, citation):
        _history, revert = history_urls(record)
        data = revert_form(revert)
        assert client.get(revert).status_code == 200
        response = client.post(revert, data)
        assert response.status_code == 302, response.content.decode()[:2000]
    assert Attack.objects.get(pk=attack.pk).name_en == "Crocus City Hall attack"
    assert Citation.objects.get(pk=citation.pk).translation_en == ""
    assert api_get(f"/api/v1/attacks/{attack.slug}/")["name_en"] == "Crocus City Hall attack"


# The history list: version links only for those who may open them.


def version_urls(record):
    """The page of every version of `record`."""
    name = record._meta.model_name
    return [
        reverse(f"admin:core_{name}_simple_history", args=[record.pk, version.history_id])
        for version in record.history.all()
    ]


def history_page(client, record):
    history, _revert = history_urls(record)
    response = client.get(history, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    return response.content.decode()


def version_rows(html):
    """How many versions the history table lists."""
    body = re.search(r'<table id="change-history".*?<tbody>(.*?)</tbody>', html, re.DOTALL).group(1)
    return body.count("<tr>")


REVERT_WORDING = "to revert to a previous version"


def test_viewer_sees_versions_without_links(client, edited):
    client.force_login(user_in("Viewer", "viewer"))
    for record in edited:
        html = history_page(client, record)
        urls = version_urls(record)
        assert len(urls) == 2
        assert [url for url in urls if url in html] == []
        assert version_rows(html) == 2  # both versions are still listed
        assert str(record) in html
        assert REVERT_WORDING not in html
        for url in urls:
            assert client.get(url).status_code == 403


def test_editor_sees_versions_linked(client, edited):
    client.force_login(user_in("Editor", "editor"))
    for record in edited:
        html = history_page(client, record)
        urls = version_urls(record)
        assert len(urls) == 2
        assert [url for url in urls if f'href="{url}"' not in html] == []
        assert version_rows(html) == 2
        assert REVERT_WORDING in html
        for url in urls:
            assert client.get(url).status_code == 200
