"""The search benchmark (issue 15, item 7) on the real curated dataset.

ctdb/bench/search_queries.yaml holds queries as users type them, each with the
record it must find. The dataset is loaded and every query run once for the
module; one test per query then names the query that regressed.
"""

from types import SimpleNamespace

import pytest
from django.core.management import call_command
from django.db import transaction

from ctdb.bench import search_benchmark as bench
from ctdb.core import nested_changes
from tests.conftest import FIXTURE

QUERIES = bench.load_queries()
# So that pytest-django sets up the test database, which the module's fixture loads.
pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def report(django_db_setup, django_db_blocker):
    """Every query's result, against fixtures/ctdb.json, the database left as found."""
    with django_db_blocker.unblock(), transaction.atomic():
        with nested_changes.suspended():  # as load_dataset loads a fixture: with its own times
            call_command("loaddata", str(FIXTURE), verbosity=0)
        results = bench.run(QUERIES)
        transaction.set_rollback(True)
    return results


@pytest.fixture(scope="module")
def result_of(report):
    return {result.query.number: result for result in report.results}


def test_every_expected_record_is_in_the_fixtures():
    assert bench.unknown_records(QUERIES, bench.fixture_keys(FIXTURE)) == []


def test_enough_queries_in_every_category():
    assert len(QUERIES) >= 80
    assert {query.category for query in QUERIES} == set(bench.CATEGORIES)


@pytest.mark.parametrize("query", QUERIES, ids=[query.test_id for query in QUERIES])
def test_query_finds_its_record_in_the_first_five(query, result_of):
    result = result_of[query.number]
    found = [f"{bench.hit_key(hit)} ({hit.label})" for hit in result.hits]
    assert result.at_5, f"«{query.q}» expects {query.expected}; rank {result.rank_text()}; first five: {found}"


def test_hit_at_1_is_at_least_90_percent(report):
    missed = [f"«{r.query.q}» -> {bench.hit_key(r.first) if r.first else None}" for r in report.missed_at(1)]
    assert report.figures().hit_1 >= bench.TARGETS["hit@1"], missed


def test_no_unrelated_hit_for_short_acronyms(report):
    assert any(query.short_acronym for query in QUERIES)
    unrelated = [f"«{result.query.q}»: {bench.hit_key(hit)} ({hit.label})" for result, hit in report.unrelated]
    assert unrelated == []


# The benchmark's own arithmetic, with a stand-in engine.


def _hit(key, label=""):
    kind, slug = key.split(":")
    return SimpleNamespace(kind=kind, slug=slug, label=label or slug, rank=0)


def test_ranks_figures_and_unrelated_hits_with_a_stand_in_engine():
    queries = [
        bench.Query(1, "first", ("organisation:a",), "english"),
        bench.Query(2, "third", ("organisation:a", "attack:b"), "english"),
        bench.Query(3, "deep", ("organisation:a",), "multiword"),
        bench.Query(4, "UN", ("organisation:a",), "acronym", unrelated_ok=("organisation:ok",)),
    ]
    answers = {
        "first": ["organisation:a", "organisation:x"],
        "third": ["organisation:x", "organisation:y", "attack:b"],
        "deep": [f"organisation:n{i}" for i in range(7)] + ["organisation:a"],
        "UN": ["organisation:a", "organisation:ok", "organisation:noise"],
    }

    def search(q, limit=5):
        return [_hit(key) for key in answers[q][:limit]]

    report = bench.run(queries, search=search, depth=20)
    assert [result.rank for result in report.results] == [1, 3, 8, 1]
    overall = report.figures()
    assert (overall.queries, overall.at_1, overall.at_5) == (4, 2, 3)
    assert report.by_category["english"].hit_5 == 1.0
    assert [result.query.q for result in report.missed_at(1)] == ["third", "deep"]
    assert [(result.query.q, bench.hit_key(hit)) for result, hit in report.unrelated] == [("UN", "organisation:noise")]
    assert [result.query.q for result in report.hardest(2)] == ["deep", "third"]
    assert report.failures()  # hit@5 75%, and an unrelated hit


def test_the_queries_file_is_checked(tmp_path):
    path = tmp_path / "queries.yaml"
    path.write_text('- {q: "x", expect: "organisation:a", category: nonsense}\n', encoding="utf-8")
    with pytest.raises(bench.QueryFileError, match="category"):
        bench.load_queries(path)
    path.write_text(
        '- {q: "Islamic State", expect: "organisation:a", category: english, unrelated_ok: [organisation:b]}\n',
        encoding="utf-8",
    )
    with pytest.raises(bench.QueryFileError, match="unrelated_ok"):
        bench.load_queries(path)
