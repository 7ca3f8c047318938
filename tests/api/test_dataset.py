"""The API over the real curated dataset, fixtures/ctdb.json."""

from pathlib import Path

import pytest
from django.core.management import call_command

from ctdb.api.pagination import MAX_PAGE_SIZE
from tests.conftest import published

from .base import RESOURCE_BY_PATH, every_resource, get, slugs

FIXTURE = Path(__file__).resolve().parents[2] / "fixtures" / "ctdb.json"


@pytest.fixture
def dataset(db):
    call_command("loaddata", str(FIXTURE), verbosity=0)


def test_daesh_finds_the_islamic_state(client, dataset):
    assert "islamic-state" in slugs(client, RESOURCE_BY_PATH["organisations"].url(), search="داعش")


def test_arabic_name_without_hamza_finds_the_islamic_state(client, dataset):
    assert "islamic-state" in slugs(client, RESOURCE_BY_PATH["organisations"].url(), search="الدولة الاسلامية")


@every_resource
def test_whole_dataset_within_the_query_budget(client, dataset, resource, django_assert_max_num_queries):
    with django_assert_max_num_queries(resource.list_queries):
        body = get(client, resource.url(), page_size=MAX_PAGE_SIZE).json()
    assert body["count"] == resource.model.objects.count()
    assert body["count"] > 0 or not published(resource.model)
    for record in body["results"][:1]:
        assert get(client, resource.url(record["slug"]), format="csv")["Content-Type"].startswith("text/csv")


def test_sync_copies_every_citation_once(client, dataset):
    citations = RESOURCE_BY_PATH["citations"]
    page = get(client, citations.url(action="sync"), page_size=100).json()
    seen = [r["slug"] for r in page["results"]]
    while page["next"]:
        page = client.get(page["next"]).json()
        seen += [r["slug"] for r in page["results"]]
    assert len(seen) == len(set(seen)) == citations.model.objects.count()
