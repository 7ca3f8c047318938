"""Numbered pages with a bounded size, and keyset pages for syncing."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ctdb.api.pagination import MAX_PAGE_SIZE
from ctdb.bench.measure import UNFILTERED_COUNT
from ctdb.core import paginator
from ctdb.core.models import Attack
from tests import factories as make

from .base import RESOURCE_BY_PATH, get

ATTACKS = RESOURCE_BY_PATH["attacks"]


@pytest.fixture
def many_attacks(db):
    return [make.attack(start=f"2020-01-{day:02d}") for day in range(1, 8)]


def test_pages_partition_the_list(client, many_attacks):
    first = get(client, ATTACKS.url(), page_size=3).json()
    assert first["count"] == 7 and first["previous"] is None
    second = client.get(first["next"]).json()
    third = client.get(second["next"]).json()
    assert third["next"] is None
    seen = [r["slug"] for page in (first, second, third) for r in page["results"]]
    assert sorted(seen) == sorted(a.slug for a in many_attacks)


def test_default_page_size(client, db, settings):
    for _ in range(settings.REST_FRAMEWORK["PAGE_SIZE"] + 1):
        make.attack()
    assert len(get(client, ATTACKS.url()).json()["results"]) == settings.REST_FRAMEWORK["PAGE_SIZE"]


@pytest.mark.parametrize("size", [MAX_PAGE_SIZE + 1, 0, -1, "many", "1.5"])
def test_page_size_out_of_bounds_is_400(client, many_attacks, size):
    errors = get(client, ATTACKS.url(), expect=400, page_size=size).json()
    assert errors == {"page_size": [f"Give a whole number from 1 to {MAX_PAGE_SIZE}."]}


def test_page_size_at_the_maximum_is_allowed(client, many_attacks):
    assert len(get(client, ATTACKS.url(), page_size=MAX_PAGE_SIZE).json()["results"]) == 7


def test_page_beyond_the_last_is_404(client, many_attacks):
    get(client, ATTACKS.url(), expect=404, page=99)


def test_small_tables_are_counted_exactly(client, many_attacks):
    page = get(client, ATTACKS.url(), page_size=3).json()
    assert page["count"] == 7 and page["count_exact"] is True


class TestEstimatedCount:
    """A large unfiltered table is numbered by an estimate; paging stays exact."""

    @pytest.fixture(autouse=True)
    def estimate(self, monkeypatch):
        # A planner estimate that is wrong, as estimates can be: 3 for 7 rows.
        monkeypatch.setattr(paginator, "ESTIMATE_ABOVE", 1)
        monkeypatch.setattr(paginator, "row_estimate", lambda queryset: 3)

    def test_count_is_the_estimate_and_says_so_without_counting(self, client, many_attacks):
        with CaptureQueriesContext(connection) as captured:
            page = get(client, ATTACKS.url(), page_size=3).json()
        assert page["count"] == 3 and page["count_exact"] is False
        assert not [q["sql"] for q in captured.captured_queries if UNFILTERED_COUNT.search(q["sql"])]

    def test_next_links_reach_every_record_beyond_the_estimate(self, client, many_attacks):
        page = get(client, ATTACKS.url(), page_size=3).json()
        seen = [r["slug"] for r in page["results"]]
        while page["next"]:
            page = client.get(page["next"]).json()
            seen += [r["slug"] for r in page["results"]]
        assert sorted(seen) == sorted(a.slug for a in many_attacks)

    def test_page_beyond_the_rows_is_404(self, client, many_attacks):
        get(client, ATTACKS.url(), expect=404, page=4, page_size=3)
        assert len(get(client, ATTACKS.url(), page=3, page_size=3).json()["results"]) == 1

    def test_last_page_is_refused_rather_than_counted(self, client, many_attacks):
        # An estimated count is of a list deeper than pages reach (tests/api/test_load_bounds.py).
        assert "sync/" in get(client, ATTACKS.url(), expect=400, page="last", page_size=3).json()["page"][0]

    def test_filtered_lists_are_counted_exactly_up_to_the_cap(self, client, many_attacks):
        page = get(client, ATTACKS.url(), date_from="2020-01-03").json()
        assert page["count_exact"] is True and page["count"] == len(page["results"]) == 5


class TestCappedCount:
    """A filtered list counts at most EXACT_UP_TO + 1 matches."""

    @pytest.fixture(autouse=True)
    def cap(self, monkeypatch):
        monkeypatch.setattr(paginator, "EXACT_UP_TO", 3)

    def test_up_to_the_cap_the_count_is_exact(self, client, many_attacks):
        page = get(client, ATTACKS.url(), date_from="2020-01-05").json()
        assert (page["count"], page["count_exact"]) == (3, True)

    def test_beyond_the_cap_postgresql_estimates(self, client, many_attacks):
        with CaptureQueriesContext(connection) as captured:
            page = get(client, ATTACKS.url(), date_from="2020-01-02", page_size=2).json()
        counts = [q["sql"] for q in captured.captured_queries if "COUNT(*)" in q["sql"]]
        assert "LIMIT 4" in counts[0]
        if connection.vendor == "postgresql":
            assert len(counts) == 1
            assert page["count_exact"] is False and page["count"] >= 4
        else:
            # No planner estimate on SQLite: it counts them all.
            assert len(counts) == 2
            assert (page["count"], page["count_exact"]) == (6, True)
        seen = [r["slug"] for r in page["results"]]
        while page["next"]:
            page = client.get(page["next"]).json()
            seen += [r["slug"] for r in page["results"]]
        assert len(seen) == 6


def test_pages_are_linked_in_the_header(client, many_attacks):
    response = get(client, ATTACKS.url(), page_size=3, page=2)
    assert 'rel="next"' in response["Link"] and 'rel="prev"' in response["Link"]


class TestSync:
    def walk(self, client, url, **params):
        page = get(client, url, **params).json()
        pages = [page]
        while page["next"]:
            page = client.get(page["next"]).json()
            pages.append(page)
        return pages

    def test_walks_every_record_once_oldest_change_first(self, client, many_attacks):
        pages = self.walk(client, ATTACKS.url(action="sync"), page_size=2)
        assert [len(page["results"]) for page in pages] == [2, 2, 2, 1]
        seen = [r["slug"] for page in pages for r in page["results"]]
        assert seen == [a.slug for a in Attack.objects.order_by("updated_at", "pk")]

    def test_equal_timestamps_are_ordered_by_id(self, client, many_attacks):
        Attack.objects.update(updated_at=many_attacks[0].updated_at)
        pages = self.walk(client, ATTACKS.url(action="sync"), page_size=3)
        assert [r["slug"] for page in pages for r in page["results"]] == [a.slug for a in many_attacks]

    def test_last_cursor_resumes_with_changes_only(self, client, many_attacks):
        last = self.walk(client, ATTACKS.url(action="sync"))[-1]
        assert last["next"] is None
        assert get(client, ATTACKS.url(action="sync"), cursor=last["cursor"]).json()["results"] == []
        many_attacks[2].save()
        new = make.attack()
        later = get(client, ATTACKS.url(action="sync"), cursor=last["cursor"]).json()
        assert [r["slug"] for r in later["results"]] == [many_attacks[2].slug, new.slug]

    def test_an_empty_page_keeps_the_cursor(self, client, many_attacks):
        last = self.walk(client, ATTACKS.url(action="sync"))[-1]
        again = get(client, ATTACKS.url(action="sync"), cursor=last["cursor"]).json()
        assert again["cursor"] == last["cursor"]

    def test_filters_apply(self, client, world):
        page = get(client, ATTACKS.url(action="sync"), country="RU").json()
        assert [r["slug"] for r in page["results"]] == [world.crocus.slug]

    def test_ordering_parameter_is_refused(self, client, many_attacks):
        # Sync pages are in (updated_at, id) order only; `ordering` is not one of their parameters.
        assert "ordering" in get(client, ATTACKS.url(action="sync"), expect=400, ordering="-slug").json()

    @pytest.mark.parametrize("cursor", ["garbage", "MjAyNHwx", "bm90LWEtZGF0ZXw1"])
    def test_invalid_cursor_is_400(self, client, many_attacks, cursor):
        assert "cursor" in get(client, ATTACKS.url(action="sync"), expect=400, cursor=cursor).json()

    def test_a_deep_cursor_seeks_by_row_comparison(self, client, many_attacks):
        cursor = get(client, ATTACKS.url(action="sync"), page_size=3).json()["cursor"]
        with CaptureQueriesContext(connection) as captured:
            get(client, ATTACKS.url(action="sync"), page_size=3, cursor=cursor)
        listing = next(q["sql"] for q in captured.captured_queries if 'ORDER BY "core_attack"."updated_at"' in q["sql"])
        assert '("core_attack"."updated_at", "core_attack"."id") >' in listing

    def test_every_record_table_has_an_index_in_sync_order(self, db):
        from django.apps import apps

        from ctdb.core.database_rules import SYNC_ORDER
        from ctdb.core.models.base import Record

        listing = {
            "sqlite": "SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = %s",
            "postgresql": "SELECT indexdef FROM pg_indexes WHERE tablename = %s",
        }[connection.vendor]
        columns = f"({', '.join(SYNC_ORDER)})"
        with connection.cursor() as cursor:
            for model in apps.get_app_config("core").get_models():
                if issubclass(model, Record):
                    cursor.execute(listing, [model._meta.db_table])
                    definitions = [row[0].replace('"', "") for row in cursor.fetchall() if row[0]]
                    assert any(d.endswith(columns) for d in definitions), model

    def test_page_size_is_bounded(self, client, many_attacks):
        get(client, ATTACKS.url(action="sync"), expect=400, page_size=MAX_PAGE_SIZE + 1)
