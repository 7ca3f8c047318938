"""What every resource promises: reads by slug, no writes, CSV, fixed cost."""

from types import SimpleNamespace

import pytest
from django.db.models import ForeignKey
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from ctdb.api.pagination import MAX_PAGE_SIZE
from ctdb.api.renderers import csv_columns

from .base import API, RESOURCES, csv_rows, every_resource, get, viewset_of


def list_serializer(resource):
    request = Request(APIRequestFactory().get(resource.url()))
    return viewset_of(resource).serializer_class(context={"request": request, "view": SimpleNamespace(action="list")})


def test_root_lists_every_resource(client):
    root = get(client, API).json()
    assert sorted(root) == sorted(resource.path for resource in RESOURCES)


@every_resource
def test_list(client, world, resource):
    body = get(client, resource.url()).json()
    assert body["count"] == resource.model.objects.count() > 1
    assert len(body["results"]) == body["count"]
    record = body["results"][0]
    assert {"slug", "inferred", "created_at", "updated_at"} <= set(record)


@every_resource
def test_detail_by_slug(client, world, resource):
    slug = resource.model.objects.order_by("pk").first().slug
    record = get(client, resource.url(slug)).json()
    listed = next(
        r for r in get(client, resource.url(), page_size=MAX_PAGE_SIZE).json()["results"] if r["slug"] == slug
    )
    assert record["slug"] == slug
    # The detail is the list's representation (articles add their text).
    assert {k: v for k, v in record.items() if k != "text"} == listed


@every_resource
def test_unknown_slug_is_404(client, world, resource):
    assert "detail" in get(client, resource.url("no-such-record"), expect=404).json()


@every_resource
@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_writes_are_refused(client, world, resource, method):
    record = resource.model.objects.order_by("pk").first()
    before = (resource.model.objects.count(), record.updated_at)
    for url in (resource.url(), resource.url(record.slug)):
        response = getattr(client, method)(url, data={"slug": "changed"}, content_type="application/json")
        assert response.status_code == 405
    record.refresh_from_db()
    assert (resource.model.objects.count(), record.updated_at) == before
    assert record.slug != "changed"


@every_resource
def test_csv_list(client, world, resource):
    response = get(client, resource.url(), format="csv", page_size=1)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    expected_name = f"ctdb-api-v1-{resource.path}.csv"
    assert response["Content-Disposition"] == f'attachment; filename="{expected_name}"'
    header, *rows = csv_rows(response)
    assert header == [name for name, _path in csv_columns(list_serializer(resource))]
    assert len(rows) == 1
    assert all(len(row) == len(header) for row in rows)
    assert 'rel="next"' in response["Link"]


@every_resource
def test_csv_detail_is_one_row(client, world, resource):
    record = resource.model.objects.order_by("pk").first()
    header, *rows = csv_rows(get(client, resource.url(record.slug), format="csv"))
    assert len(rows) == 1
    assert rows[0][header.index("slug")] == record.slug


@every_resource
def test_errors_stay_json_when_csv_is_asked(client, world, resource):
    response = get(client, resource.url("no-such-record"), expect=404, format="csv")
    assert response["Content-Type"] == "application/json"
    assert "detail" in response.json()


@every_resource
def test_list_queries_do_not_grow_with_page_size(client, world, resource, django_assert_num_queries):
    for size in (1, MAX_PAGE_SIZE):
        with django_assert_num_queries(resource.list_queries):
            results = get(client, resource.url(), page_size=size).json()["results"]
        assert len(results) == min(size, resource.model.objects.count())


@every_resource
def test_sync_queries_do_not_grow_with_page_size(
    client, world, resource, django_assert_num_queries, django_assert_max_num_queries
):
    # No count query in keyset pages. The first record in sync order may lack
    # some kind of nested part, whose prefetch Django then skips: at most.
    with django_assert_max_num_queries(resource.sync_queries):
        get(client, resource.url(action="sync"), page_size=1)
    with django_assert_num_queries(resource.sync_queries):
        get(client, resource.url(action="sync"), page_size=MAX_PAGE_SIZE)


@every_resource
def test_every_foreign_key_has_a_filter(resource):
    filters = viewset_of(resource).filterset_class.base_filters
    foreign_keys = [field.name for field in resource.model._meta.get_fields() if isinstance(field, ForeignKey)]
    assert foreign_keys == [] or set(foreign_keys) <= set(filters), set(foreign_keys) - set(filters)
