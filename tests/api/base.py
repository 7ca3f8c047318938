"""The table every resource test runs over, and helpers to call the API.

A resource states its URL segment, its model and its query budget: the
number of queries a list page costs, whatever its size, its count included.
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
from ctdb.core.models import (
    Actor,
    Affiliation,
    Agreement,
    AgreementParty,
    Article,
    Attack,
    Attribution,
    Citation,
    Organisation,
    OrganisationRelationship,
)

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


RESOURCES = [
    Resource("articles", Article, queries=2),
    Resource("organisations", Organisation, queries=8),
    Resource("actors", Actor, queries=6),
    Resource("attacks", Attack, queries=10),
    Resource("agreements", Agreement, queries=7),
    Resource("attributions", Attribution, queries=3),
    Resource("relationships", OrganisationRelationship, queries=3),
    Resource("agreement-parties", AgreementParty, queries=3),
    Resource("affiliations", Affiliation, queries=3),
    Resource("citations", Citation, queries=2),
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
