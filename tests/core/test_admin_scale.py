"""The attack changelist costs the same whatever the table's size: no
COUNT(*) over the whole table on PostgreSQL, a bounded number of queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ctdb.bench.measure import UNFILTERED_COUNT
from ctdb.core import paginator

CHANGELIST = "/admin/core/attack/"


def counts_in(queries):
    return [q["sql"] for q in queries if UNFILTERED_COUNT.search(q["sql"])]


def test_unfiltered_changelist_uses_the_estimate_on_postgresql(admin_client, one_of_each, monkeypatch):
    monkeypatch.setattr(paginator, "ESTIMATE_ABOVE", -1)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE core_attack")
    with CaptureQueriesContext(connection) as captured:
        response = admin_client.get(CHANGELIST)
    assert response.status_code == 200
    if connection.vendor == "postgresql":
        assert counts_in(captured.captured_queries) == []
        assert any("reltuples" in q["sql"] for q in captured.captured_queries)
    else:
        # SQLite has no planner estimate: the exact count stands.
        assert len(counts_in(captured.captured_queries)) == 1


def test_filtered_changelist_is_counted_exactly(admin_client, one_of_each, monkeypatch):
    monkeypatch.setattr(paginator, "ESTIMATE_ABOVE", -1)
    response = admin_client.get(CHANGELIST, {"kind__exact": "campaign"})
    assert response.context["cl"].result_count == 1


@pytest.mark.parametrize("extra", [0, 30])
def test_changelist_query_count_does_not_grow_with_rows(
    admin_client, one_of_each, extra, django_assert_max_num_queries
):
    from ctdb.core.models import Attack

    Attack.objects.bulk_create(
        Attack(slug=f"extra-{i}", name_en=f"Extra {i}", start="2020", search_text=f"extra {i}") for i in range(extra)
    )
    with django_assert_max_num_queries(12):
        assert admin_client.get(CHANGELIST).status_code == 200
