"""The search benchmark behind `manage.py search_benchmark` (issue 15, item 7).

`search_queries.yaml` holds queries as users type them, each with the record
it must find in the first five results of
`ctdb.core.search.search_everything(q, limit=5)`. `run()` sends every query
and returns a `Report`: each query's rank of its expected record, hit@1 and
hit@5 overall and per category, the misses, and, for acronyms of 3 letters
or fewer, any hit in the first five that is neither the expected record nor
one the query lists as legitimately containing the acronym (`unrelated_ok`).

A hit is named "<kind>:<slug>", as the queries name the records they expect.
The rank is the hit's place in the list the engine returns, best first (1 is
the first); a query whose record is not in the first five is sent again with
a deeper limit, only to tell how far down it is.
"""

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

QUERIES_PATH = Path(__file__).with_name("search_queries.yaml")
FIXTURE_PATH = Path(__file__).resolve().parents[2] / "fixtures" / "ctdb.json"
CATEGORIES = (
    "arabic_variant",
    "arabic_clitic",
    "english",
    "transliteration",
    "acronym",
    "multiword",
    "cross_script",
)
TOP = 5  # the results a query's record must be among
DEPTH = 50  # how deep a missed record is looked for, to report its rank
SHORT_ACRONYM = 3  # acronyms of this many letters or fewer: no unrelated hit in the first five
TARGETS = {"hit@1": 0.9, "hit@5": 1.0}  # what the benchmark must reach (issue 15)
_KEY = re.compile(r"^[a-z_]+:[a-z0-9][a-z0-9-]*$")
_FIELDS = {"q", "expect", "category", "note", "unrelated_ok"}


class QueryFileError(ValueError):
    """The queries file is not as the benchmark reads it."""


@dataclass(frozen=True)
class Query:
    number: int  # its place in the file, from 1
    q: str
    expect: tuple  # "<kind>:<slug>" keys; any one of them will do
    category: str
    note: str = ""
    unrelated_ok: tuple = ()

    @property
    def letters(self):
        return sum(ch.isalpha() for ch in self.q)

    @property
    def short_acronym(self):
        """Whether hits other than the expected ones count as unrelated."""
        return self.category == "acronym" and self.letters <= SHORT_ACRONYM

    @property
    def expected(self):
        return " | ".join(self.expect)

    @property
    def test_id(self):
        return f"{self.number:03d}-{self.category}-{self.expect[0]}"


def hit_key(hit):
    return f"{hit.kind}:{hit.slug}"


def _keys(value, where, name):
    keys = [value] if isinstance(value, str) else value
    if not isinstance(keys, list) or not keys or not all(isinstance(key, str) and _KEY.match(key) for key in keys):
        raise QueryFileError(f"{where}: {name} must be a '<kind>:<slug>' key or a list of them, not {value!r}")
    return tuple(keys)


def load_queries(path=QUERIES_PATH):
    """The benchmark's queries, checked for shape (not for the records' existence)."""
    entries = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    if not isinstance(entries, list):
        raise QueryFileError(f"{path}: a list of queries expected")
    queries = []
    for number, entry in enumerate(entries, 1):
        where = f"{path}, query {number}"
        if not isinstance(entry, dict) or not {"q", "expect", "category"} <= entry.keys():
            raise QueryFileError(f"{where}: q, expect and category are required")
        if entry.keys() - _FIELDS:
            raise QueryFileError(f"{where}: unknown fields {sorted(entry.keys() - _FIELDS)}")
        if not isinstance(entry["q"], str) or not entry["q"].strip():
            raise QueryFileError(f"{where}: q must be a non-empty string")
        if entry["category"] not in CATEGORIES:
            raise QueryFileError(f"{where}: category {entry['category']!r} is not one of {', '.join(CATEGORIES)}")
        query = Query(
            number=number,
            q=entry["q"],
            expect=_keys(entry["expect"], where, "expect"),
            category=entry["category"],
            note=str(entry.get("note") or ""),
            unrelated_ok=_keys(entry["unrelated_ok"], where, "unrelated_ok") if "unrelated_ok" in entry else (),
        )
        if query.unrelated_ok and not query.short_acronym:
            raise QueryFileError(f"{where}: unrelated_ok is for acronyms of {SHORT_ACRONYM} letters or fewer only")
        queries.append(query)
    duplicates = sorted({query.q for query in queries if [other.q for other in queries].count(query.q) > 1})
    if duplicates:
        raise QueryFileError(f"{path}: queries given twice: {duplicates}")
    return queries


def fixture_keys(path=FIXTURE_PATH):
    """Every "<kind>:<slug>" of a record in a fixture file (kind: the model's name)."""
    records = json.loads(Path(path).read_text(encoding="utf-8"))
    return {
        f"{record['model'].rpartition('.')[2]}:{record['fields']['slug']}"
        for record in records
        if record.get("fields", {}).get("slug")
    }


def unknown_records(queries, known):
    """The keys `queries` name (expected or unrelated_ok) that are not in `known`."""
    return sorted(
        {(query.number, key) for query in queries for key in (*query.expect, *query.unrelated_ok) if key not in known}
    )


@dataclass
class Result:
    query: Query
    hits: list  # the first TOP hits, best first
    rank: int | None  # the expected record's place (1 = first); None if not within the depth looked at
    depth: int = TOP  # how deep the rank was looked for

    @property
    def at_1(self):
        return self.rank == 1

    @property
    def at_5(self):
        return self.rank is not None and self.rank <= TOP

    @property
    def first(self):
        return self.hits[0] if self.hits else None

    @property
    def unrelated(self):
        """Hits in the first five that are neither expected nor listed, for short acronyms."""
        if not self.query.short_acronym:
            return []
        allowed = {*self.query.expect, *self.query.unrelated_ok}
        return [hit for hit in self.hits if hit_key(hit) not in allowed]

    def rank_text(self):
        return str(self.rank) if self.rank is not None else f">{self.depth}"


def rank_of(query, hits):
    keys = [hit_key(hit) for hit in hits]
    return next((place for place, key in enumerate(keys, 1) if key in query.expect), None)


def run_query(query, search, depth=DEPTH):
    hits = list(search(query.q, limit=TOP))[:TOP]
    rank = rank_of(query, hits)
    if rank is not None or depth <= TOP:
        return Result(query, hits, rank)
    return Result(query, hits, rank_of(query, list(search(query.q, limit=depth))[:depth]), depth)


@dataclass
class Figures:
    queries: int = 0
    at_1: int = 0
    at_5: int = 0

    def add(self, result):
        self.queries += 1
        self.at_1 += result.at_1
        self.at_5 += result.at_5

    @property
    def hit_1(self):
        return self.at_1 / self.queries if self.queries else 0.0

    @property
    def hit_5(self):
        return self.at_5 / self.queries if self.queries else 0.0


@dataclass
class Report:
    results: list = field(default_factory=list)

    def figures(self, category=None):
        figures = Figures()
        for result in self.results:
            if category is None or result.query.category == category:
                figures.add(result)
        return figures

    @property
    def by_category(self):
        present = {result.query.category for result in self.results}
        return {category: self.figures(category) for category in CATEGORIES if category in present}

    def missed_at(self, place):
        return [result for result in self.results if result.rank is None or result.rank > place]

    @property
    def unrelated(self):
        return [(result, hit) for result in self.results for hit in result.unrelated]

    def hardest(self, count):
        """The `count` results whose expected record ranks lowest (not found: lowest of all)."""
        return sorted(self.results, key=lambda result: -(result.rank or result.depth + 1))[:count]

    def failures(self):
        """What keeps the benchmark from its targets, in words; empty if it meets them."""
        overall = self.figures()
        failures = []
        if overall.hit_1 < TARGETS["hit@1"]:
            failures.append(f"hit@1 {overall.hit_1:.1%} < {TARGETS['hit@1']:.0%}")
        if overall.hit_5 < TARGETS["hit@5"]:
            failures.append(f"hit@5 {overall.hit_5:.1%} < {TARGETS['hit@5']:.0%}")
        if self.unrelated:
            failures.append(f"{len(self.unrelated)} unrelated hits for short acronyms")
        return failures


def default_search():
    from ctdb.core.search import search_everything

    return search_everything


def run(queries=None, search=None, depth=DEPTH, categories=None):
    """Send every query (of `categories`, if given) to `search` (by default
    the real engine) and return the Report."""
    queries = load_queries() if queries is None else queries
    search = default_search() if search is None else search
    return Report(
        [run_query(query, search, depth) for query in queries if not categories or query.category in categories]
    )
