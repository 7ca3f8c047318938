"""Large pages (500 records, about 1 MB of JSON) cost their serialisers'
Python and, uncached, cost it again on every request (issue 11's load
test): representations are built from a plan made once per serializer, the
same JSON as DRF's generic path, and large answers are cached compressed,
still bounded in bytes."""

import json
import pickle

import pytest
from django.core.cache import caches
from django.db import connection
from django.db.models.query import QuerySet
from django.test.utils import CaptureQueriesContext
from rest_framework import fields as drf_fields
from rest_framework import serializers as drf_serializers

from ctdb.api import serializers
from ctdb.core.models import Article
from tests import factories as make

from .base import RESOURCE_BY_PATH, RESOURCES, every_resource, get

ATTACKS = RESOURCE_BY_PATH["attacks"]


@pytest.fixture(autouse=True)
def _fresh_cache(fresh_cache):
    pass


@pytest.fixture
def no_cache(settings):
    settings.CTDB_API_CACHE_SECONDS = 0


def answers(client, resource):
    """Every form of a resource: a full page as JSON and as CSV, a sync page, each record in detail."""
    page = get(client, resource.url(), page_size=500)
    found = [
        page.content,
        get(client, resource.url(), page_size=500, format="csv").content,
        get(client, resource.url(action="sync"), page_size=500).content,
    ]
    for record in page.json()["results"]:
        found.append(get(client, resource.url(record["slug"])).content)
    return found


def generic(monkeypatch):
    """Representations through DRF's own `Serializer.to_representation`, as before the plan."""
    monkeypatch.setattr(
        serializers.ReadOnlyModelSerializer, "to_representation", drf_serializers.Serializer.to_representation
    )


@every_resource
def test_the_planned_representation_is_drf_s_byte_for_byte(client, world, no_cache, monkeypatch, resource):
    planned = answers(client, resource)
    generic(monkeypatch)
    assert answers(client, resource) == planned
    assert len(planned) > 3  # records were compared in detail too


def test_the_planned_representation_keeps_every_null_and_empty_list(client, one_of_each, no_cache, monkeypatch):
    planned = {resource.path: answers(client, resource) for resource in RESOURCES}
    generic(monkeypatch)
    assert {resource.path: answers(client, resource) for resource in RESOURCES} == planned


def test_plain_fields_are_read_without_drf_s_per_field_lookup(client, world, no_cache, monkeypatch):
    looked_up = set()
    drf_lookup = drf_fields.Field.get_attribute

    def spy(field, instance):
        looked_up.add((type(field.parent).__name__, field.field_name))
        return drf_lookup(field, instance)

    monkeypatch.setattr(drf_fields.Field, "get_attribute", spy)
    assert get(client, ATTACKS.url(), page_size=500).json()["results"]
    # Only the fields computed by a method go through DRF's lookup (their source is the record itself).
    assert looked_up == {("AttackSerializer", "attack_links")}


# Large answers are cached compressed, bounded by the compressed size.


def test_an_answer_larger_than_the_budget_is_cached_when_its_compressed_entry_fits(client, world, settings):
    first = get(client, ATTACKS.url(), page_size=500)
    uncompressed = len(pickle.dumps((first.data, {"Link": ""}), pickle.HIGHEST_PROTOCOL))
    caches["api"].clear()
    settings.CTDB_API_CACHE_ENTRY_BYTES = min(len(first.content), uncompressed) // 2
    miss, hit = get(client, ATTACKS.url(), page_size=500), get(client, ATTACKS.url(), page_size=500)
    assert (miss["X-Cache"], hit["X-Cache"]) == ("miss", "hit")
    assert hit.content == first.content and json.loads(hit.content)["results"]
    (stored,) = caches["api"]._cache
    assert len(caches["api"].get(stored.removeprefix(":1:"))) <= settings.CTDB_API_CACHE_ENTRY_BYTES


def test_a_cached_csv_page_is_the_same_csv(client, world):
    first = get(client, ATTACKS.url(), page_size=500, format="csv")
    again = get(client, ATTACKS.url(), page_size=500, format="csv")
    assert (first["X-Cache"], again["X-Cache"]) == ("miss", "hit") and again.content == first.content


# A page's related records are prefetched into plain lists, in the columns shown.


def querysets_built(client, monkeypatch, **params):
    built = []
    clone = QuerySet._clone

    def counting(queryset):
        built.append(queryset.model)
        return clone(queryset)

    monkeypatch.setattr(QuerySet, "_clone", counting)
    try:
        assert get(client, ATTACKS.url(), **params).json()["results"]
    finally:
        monkeypatch.setattr(QuerySet, "_clone", clone)
    return len(built)


def test_a_page_of_attacks_builds_no_queryset_per_record(client, world, no_cache, monkeypatch):
    previous = None
    for number in range(14):
        attack = make.attack(slug=f"more-{number:02d}", start="2001")
        make.cite(attack)
        make.cite(make.attribution(attack=attack))
        if previous is not None:
            make.cite(make.attack_link(attack, previous))
        previous = attack
    # Django's prefetch into a relation builds a filtered queryset per record and relation to hold its rows.
    # (The page is ordered by -start: the world's 2024 attacks come first, and the list holds more than 14.)
    assert querysets_built(client, monkeypatch, page_size=2) == querysets_built(client, monkeypatch, page_size=14)


def test_cited_records_are_read_without_their_articles_text(client, world, no_cache):
    with CaptureQueriesContext(connection) as captured:
        get(client, ATTACKS.url(), page_size=500)
        get(client, ATTACKS.url(world.crocus.slug))
    text = f'"{Article._meta.db_table}"."text"'
    assert [q["sql"] for q in captured.captured_queries if "core_citation" in q["sql"]]
    assert not [q["sql"] for q in captured.captured_queries if text in q["sql"]]
