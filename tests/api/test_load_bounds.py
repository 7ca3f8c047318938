"""No request may take seconds: numbered pages stop at a depth, sync pages
at a size in bytes, every ordering has its index on PostgreSQL, and the
answer cache can neither be bypassed by unknown parameters nor filled by
huge answers."""

import json

import pytest
from django.conf import settings
from django.core.cache import caches
from django.db import connection
from django.db.models import Subquery
from django.test.utils import CaptureQueriesContext

from ctdb.api.urls import router
from ctdb.bench.measure import UNFILTERED_COUNT
from ctdb.core import paginator
from ctdb.core.database_rules import ordering_columns
from ctdb.core.models import Article, Citation
from tests import factories as make

from .base import RESOURCE_BY_PATH, RESOURCES, get

ATTACKS = RESOURCE_BY_PATH["attacks"]
on_postgresql = pytest.mark.skipif(connection.vendor != "postgresql", reason="indexes are PostgreSQL's")


@pytest.fixture
def many_attacks(db):
    return [make.attack(start=f"2020-01-{day:02d}") for day in range(1, 8)]


@pytest.fixture(autouse=True)
def _fresh_cache(fresh_cache):
    pass


# Offset paging stops at a depth and points deeper readers to /sync/.


@pytest.fixture
def depth(settings):
    settings.CTDB_API_MAX_PAGE_DEPTH = 6
    return 6


def test_pages_within_the_depth_are_served(client, many_attacks, depth):
    assert len(get(client, ATTACKS.url(), page=2, page_size=3).json()["results"]) == 3


@pytest.mark.parametrize("page, size", [(3, 3), (7, 1), (1, 7), (10**30, 1)])
def test_a_page_deeper_than_the_bound_is_400_pointing_to_sync(client, many_attacks, depth, page, size):
    with CaptureQueriesContext(connection) as captured:
        errors = get(client, ATTACKS.url(), expect=400, page=page, page_size=size).json()
    message = errors["page"][0]
    assert f"first {depth} records" in message and "http://testserver/api/v1/attacks/sync/" in message
    # Refused before the database reads (or counts) any row.
    assert not [q["sql"] for q in captured.captured_queries if "core_attack" in q["sql"]]


def test_the_last_page_within_the_bound_is_served(client, many_attacks, settings):
    settings.CTDB_API_MAX_PAGE_DEPTH = 9
    page = get(client, ATTACKS.url(), page="last", page_size=3).json()
    assert len(page["results"]) == 1 and page["next"] is None


def test_the_last_page_beyond_the_bound_is_400(client, many_attacks, depth):
    assert "sync/" in get(client, ATTACKS.url(), expect=400, page="last", page_size=3).json()["page"][0]


def test_the_last_page_of_an_estimated_count_is_400_without_counting(client, many_attacks, monkeypatch):
    monkeypatch.setattr(paginator, "ESTIMATE_ABOVE", 1)
    monkeypatch.setattr(paginator, "row_estimate", lambda queryset: 3)
    with CaptureQueriesContext(connection) as captured:
        get(client, ATTACKS.url(), expect=400, page="last", page_size=3)
    assert not [q["sql"] for q in captured.captured_queries if UNFILTERED_COUNT.search(q["sql"])]


def test_the_schema_states_the_bound(client, db, settings):
    schema = get(client, "/api/schema/", format="json").json()
    page = next(p for p in schema["paths"]["/api/v1/attacks/"]["get"]["parameters"] if p["name"] == "page")
    assert f"first {settings.CTDB_API_MAX_PAGE_DEPTH} records" in page["description"]
    assert "/sync/" in page["description"]


# Sync pages are bounded in bytes, and their cursor continues where they stopped.


def record_bytes(record):
    return len(json.dumps(record, ensure_ascii=False, separators=(",", ":")).encode())


def test_a_sync_page_stops_at_its_byte_budget_and_resumes(client, many_attacks, settings):
    whole = get(client, ATTACKS.url(action="sync"), page_size=500).json()["results"]
    assert len(whole) == 7
    budget = settings.CTDB_API_SYNC_PAGE_BYTES = max(map(record_bytes, whole)) * 2
    caches[settings.CTDB_API_CACHE].clear()
    pages = [get(client, ATTACKS.url(action="sync"), page_size=500).json()]
    while pages[-1]["next"]:
        pages.append(client.get(pages[-1]["next"]).json())
    assert len(pages) >= 3
    for page in pages:
        assert 1 <= len(page["results"]) <= 2
        assert sum(map(record_bytes, page["results"])) <= budget
    assert [r["slug"] for page in pages for r in page["results"]] == [r["slug"] for r in whole]


def test_a_record_larger_than_the_budget_still_makes_a_page(client, many_attacks, settings):
    settings.CTDB_API_SYNC_PAGE_BYTES = 1
    page = get(client, ATTACKS.url(action="sync"), page_size=500).json()
    assert len(page["results"]) == 1 and page["next"]


# Every ordering the API offers is served by an index on PostgreSQL.


def offered_orderings():
    """(resource, viewset, ordering) for every ordering the viewsets offer, both ways."""
    for _prefix, view, _basename in router.registry:
        resource = next(r for r in RESOURCES if r.model is view.queryset.model)
        for name in view.ordering_fields:
            for term in (name, f"-{name}"):
                yield resource, view, term


def page_query(client, resource, term):
    """The SQL of the API's page in that order (the query that reads the records)."""
    with CaptureQueriesContext(connection) as captured:
        get(client, resource.url(), ordering=term, page_size=2)
    table = f'FROM "{resource.model._meta.db_table}"'
    return next(q["sql"] for q in captured.captured_queries if table in q["sql"] and "LIMIT 3" in q["sql"])


def plan_nodes(plan):
    yield plan
    for child in plan.get("Plans", ()):
        yield from plan_nodes(child)


def index_columns(table):
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT array_agg(a.attname ORDER BY k.n) FROM pg_index i
               CROSS JOIN unnest(i.indkey) WITH ORDINALITY AS k(attnum, n)
               JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
               WHERE i.indrelid = %s::regclass GROUP BY i.indexrelid""",
            [table],
        )
        return [tuple(row[0]) for row in cursor.fetchall()]


def unindexed(client, resource, view, term):
    """Why no index serves `term`, or None."""
    name = term.lstrip("-")
    if ordering_columns(view.queryset.model, name) is None:
        # A count: no index can hold it, but the counted rows are read from
        # an index alone (the record's column, then the id that is counted).
        subquery = next(e for e in view.queryset.query.annotations[name].get_source_expressions())
        assert isinstance(subquery, Subquery)
        inner = subquery.query
        table, column = inner.model._meta.db_table, inner.where.children[0].lhs.target.column
        if not [cols for cols in index_columns(table) if cols[:2] == (column, "id")]:
            return f"no index on {table} ({column}, id) to count {name}"
        return None
    sql = page_query(client, resource, term)
    with connection.cursor() as cursor:
        # The tables are tiny: make a sort or a scan of the whole table the
        # last resort, so the plan shows whether an index can give the order.
        cursor.execute("SET LOCAL enable_sort = off")
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}")
        plan = cursor.fetchone()[0]
    plan = json.loads(plan) if isinstance(plan, str) else plan
    sorts = [node for node in plan_nodes(plan[0]["Plan"]) if node["Node Type"] == "Sort"]
    return f"sorts by {sorts[0].get('Sort Key')}" if sorts else None


@on_postgresql
def test_every_ordering_is_served_by_an_index(client, world):
    orderings = list(offered_orderings())
    assert len(orderings) > 2 * len(RESOURCES)
    failures = {
        f"{resource}?ordering={term}": unindexed(client, resource, view, term) for resource, view, term in orderings
    }
    assert {key: why for key, why in failures.items() if why} == {}


# The answer cache: keyed on the parameters the view knows, bounded in bytes.


def test_an_unknown_parameter_makes_no_new_cache_entry(client, many_attacks):
    first = get(client, ATTACKS.url(), page_size=2)
    response = client.get(ATTACKS.url(), {"page_size": 2, "x": "1"})
    if response.status_code == 400:  # unknown parameters refused: nothing cached either
        assert response.get("X-Cache") is None
    else:
        assert response["X-Cache"] == "hit" and response.content == first.content
    assert len(caches["api"]._cache) == 1


def test_known_parameters_in_any_order_share_an_entry(client, many_attacks):
    first = get(client, ATTACKS.url() + "?page_size=2&ordering=-start")
    again = get(client, ATTACKS.url() + "?ordering=-start&page_size=2")
    assert (first["X-Cache"], again["X-Cache"]) == ("miss", "hit")
    assert again.content == first.content


def test_known_parameters_still_make_their_own_entries(client, many_attacks):
    two = get(client, ATTACKS.url(), page_size=2)
    three = get(client, ATTACKS.url(), page_size=3)
    assert (two["X-Cache"], three["X-Cache"]) == ("miss", "miss")
    assert len(three.json()["results"]) == 3


def stored_entry_bytes(client, **params):
    """The size of the entry an answer leaves in the (cleared) cache: what the budget bounds."""
    caches["api"].clear()
    get(client, ATTACKS.url(), **params)
    (key,) = caches["api"]._cache
    return len(caches["api"].get(key.removeprefix(":1:")))


def test_an_answer_over_the_entry_budget_is_not_cached(client, many_attacks, settings):
    small, large = stored_entry_bytes(client, page_size=1), stored_entry_bytes(client, page_size=7)
    assert small < large
    caches["api"].clear()
    settings.CTDB_API_CACHE_ENTRY_BYTES = (small + large) // 2
    large = [get(client, ATTACKS.url(), page_size=7)["X-Cache"] for _ in range(2)]
    fits = [get(client, ATTACKS.url(), page_size=1)["X-Cache"] for _ in range(2)]
    assert large == ["miss", "miss"] and fits == ["miss", "hit"]
    assert len(caches["api"]._cache) == 1


# Deep pages read their ids first, then join only the page's rows.


def pages_of(client, resource, term, monkeypatch, ids_first_from):
    monkeypatch.setattr(paginator, "IDS_FIRST_FROM", ids_first_from)
    caches[settings.CTDB_API_CACHE].clear()
    answers = []
    for number in (1, 2, 3):
        response = client.get(resource.url(), {"ordering": term, "page_size": 1, "page": number})
        answers.append((response.status_code, response.content))
    return answers


def test_a_deep_page_read_ids_first_is_the_page_read_by_offset(client, world, monkeypatch):
    checked = 0
    for resource, _view, term in offered_orderings():
        by_offset = pages_of(client, resource, term, monkeypatch, ids_first_from=10**9)
        ids_first = pages_of(client, resource, term, monkeypatch, ids_first_from=1)
        assert ids_first == by_offset, f"{resource}?ordering={term}"
        checked += sum(status == 200 for status, _ in by_offset[1:])
    assert checked > len(RESOURCES)  # pages beyond the first were compared, not only 404s


def test_a_deep_citations_page_joins_only_its_own_rows(client, world, monkeypatch):
    monkeypatch.setattr(paginator, "IDS_FIRST_FROM", 1)
    citations = RESOURCE_BY_PATH["citations"]
    with CaptureQueriesContext(connection) as captured:
        page = get(client, citations.url(), page=2, page_size=1).json()
    assert page["results"]
    table = Citation._meta.db_table
    (offset_query,) = [q["sql"] for q in captured.captured_queries if "OFFSET 1" in q["sql"]]
    # The offset reads the ids alone; the article and the ten targets are joined for the page's rows only.
    selected, _, joined = offset_query.partition(" FROM ")
    assert selected == f'SELECT "{table}"."id" AS "pk"'
    assert joined.count(" JOIN ") == 1  # the article, for the order by its slug
    (rows_query,) = [q["sql"] for q in captured.captured_queries if f'"{Article._meta.db_table}"."title"' in q["sql"]]
    assert "OFFSET" not in rows_query and "IN (" in rows_query
