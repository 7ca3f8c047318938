"""The API's answers are cached until the data changes, however it changes."""

import pytest
from django.apps import apps
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ctdb.core import data_version
from ctdb.core.models import Attack, Citation
from tests import factories as make

from .base import RESOURCE_BY_PATH, get

ATTACKS = RESOURCE_BY_PATH["attacks"]


@pytest.fixture(autouse=True)
def _fresh_cache(fresh_cache):
    pass


def names(client, **params):
    return {r["slug"]: r["name_en"] for r in get(client, ATTACKS.url(), **params).json()["results"]}


def test_a_repeated_request_is_answered_from_the_cache_with_one_query(client, world):
    first = get(client, ATTACKS.url(), page_size=2)
    with CaptureQueriesContext(connection) as captured:
        again = get(client, ATTACKS.url(), page_size=2)
    assert (first["X-Cache"], again["X-Cache"]) == ("miss", "hit")
    assert again.content == first.content and again["Link"] == first["Link"]
    assert [q["sql"] for q in captured.captured_queries] == [f"SELECT value FROM {data_version.TABLE} WHERE id = 1"]


def test_a_detail_is_cached_too(client, world):
    url = ATTACKS.url(world.crocus.slug)
    assert [get(client, url)["X-Cache"] for _ in range(2)] == ["miss", "hit"]


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(lambda a: (setattr(a, "name_en", "Renamed"), a.save()), id="save"),
        pytest.param(lambda a: Attack.objects.filter(pk=a.pk).update(name_en="Renamed"), id="queryset-update"),
        pytest.param(
            lambda a: connection.cursor().execute("UPDATE core_attack SET name_en = 'Renamed' WHERE id = %s", [a.pk]),
            id="raw-sql",
        ),
    ],
)
def test_any_change_is_served_at_once(client, world, change):
    before = names(client)
    change(world.crocus)
    after = names(client)
    assert before[world.crocus.slug] != "Renamed" and after[world.crocus.slug] == "Renamed"


def test_a_deletion_is_served_at_once(client, world):
    doomed = make.attack()
    assert doomed.slug in names(client, page_size=500)
    doomed.delete()
    assert doomed.slug not in names(client, page_size=500)


def test_a_change_to_a_related_table_is_served_at_once(client, world):
    url = ATTACKS.url(world.crocus.slug)
    before = get(client, url).json()
    Citation.objects.filter(attack=world.crocus).update(translation_en="Changed")
    after = get(client, url)
    assert after["X-Cache"] == "miss" and after.json() != before


def test_each_format_is_its_own_entry(client, world):
    as_json = get(client, ATTACKS.url())
    as_csv = get(client, ATTACKS.url(), format="csv")
    again = get(client, ATTACKS.url(), format="csv")
    assert as_json["Content-Type"] == "application/json"
    assert as_csv["X-Cache"] == "miss" and again["X-Cache"] == "hit"
    assert again["Content-Type"].startswith("text/csv") and again.content == as_csv.content


def test_errors_are_not_cached(client, world):
    for _ in range(2):
        assert get(client, ATTACKS.url("no-such-attack"), expect=404).get("X-Cache") != "hit"
        assert get(client, ATTACKS.url(), expect=400, page_size=0).get("X-Cache") != "hit"


def test_the_cache_can_be_switched_off(client, world, settings):
    settings.CTDB_API_CACHE_SECONDS = 0
    get(client, ATTACKS.url())
    with CaptureQueriesContext(connection) as captured:
        response = get(client, ATTACKS.url())
    assert not response.has_header("X-Cache")
    assert not any(data_version.TABLE in q["sql"] for q in captured.captured_queries)


def core_tables():
    return sorted(
        model._meta.db_table
        for model in apps.get_app_config("core").get_models()
        if not model._meta.db_table.startswith("core_historical")
    )


def test_every_core_table_is_watched(one_of_each):
    for table in core_tables():
        before = data_version.current()
        with connection.cursor() as cursor:
            cursor.execute(f'UPDATE "{table}" SET id = id')
        assert data_version.current() != before, table


def test_a_rolled_back_write_takes_its_version_back(one_of_each):
    from django.db import transaction

    before = data_version.current()
    with pytest.raises(RuntimeError), transaction.atomic():
        Attack.objects.update(name_en="Never")
        assert data_version.current() != before
        raise RuntimeError("roll back")
    assert data_version.current() == before
