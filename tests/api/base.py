"""The table every resource test runs over, and helpers to call the API.

A resource is a route of the API: its URL segment, its model and its query
budget, which its viewset states (`page_queries`): the number of queries a
list page costs, whatever its size, its count included.
To that, an answer not in the API's cache adds the data version's read, and
an unfiltered list on PostgreSQL the read of the table's row estimate.
"""

import csv
import io
from dataclasses import dataclass

import pytest
from django.db import connection

from ctdb.api.pagination import MAX_PAGE_SIZE
from ctdb.api.urls import router

API = "/api/v1/"
CACHE_LOOKUP = 1


@dataclass(frozen=True)
class Resource:
    path: str
    model: type
    queries: int

    def __str__(self):
        return self.path

    @property
    def list_queries(self):
        """An unfiltered page, not in the cache."""
        estimate = 1 if connection.vendor == "postgresql" else 0
        return CACHE_LOOKUP + estimate + self.queries

    @property
    def sync_queries(self):
        """A sync page, not in the cache: no count, no estimate."""
        return CACHE_LOOKUP + self.queries - 1

    def url(self, slug=None, action=None):
        return API + "/".join(part for part in (self.path, slug, action) if part) + "/"


# Every route of the API, with the query budget its viewset states (`page_queries`).
RESOURCES = [
    Resource(prefix, viewset.queryset.model, viewset.page_queries) for prefix, viewset, _basename in router.registry
]
RESOURCE_BY_PATH = {resource.path: resource for resource in RESOURCES}

every_resource = pytest.mark.parametrize("resource", RESOURCES, ids=str)


def get(client, url, expect=200, **params):
    response = client.get(url, params)
    assert response.status_code == expect, response.content[:500]
    return response


def slugs(client, url, **params):
    """The slugs a list answers, in order, from a page large enough for all."""
    return [record["slug"] for record in get(client, url, page_size=MAX_PAGE_SIZE, **params).json()["results"]]


def csv_rows(response):
    return list(csv.reader(io.StringIO(response.content.decode("utf-8"))))


def viewset_of(resource):
    return next(view for _prefix, view, _basename in router.registry if view.queryset.model is resource.model)
