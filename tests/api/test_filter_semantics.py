"""Filters mean exactly what they say: filters on one related row match that
row together, and a filter the API cannot honour is a 400 naming it, never
a silently empty (or silently unfiltered) list."""

import itertools

import pytest
from django.urls import resolve

from ctdb.api.filters import CountryFilter, RowFilter, paths_of, relation_of, slug_models
from tests import factories as make

from .base import RESOURCE_BY_PATH, RESOURCES, get, slugs, viewset_of


def filtersets():
    return [(resource.path, viewset_of(resource).filterset_class) for resource in RESOURCES]


def relations(model, filter_):
    """The multi-valued relations a filter's paths go through."""
    return {relation_of(model, path) for path in paths_of(filter_)} - {None}


def pairs_on_one_relation():
    """{(resource, filter, filter): whether the filterset matches them on one row}, for
    every two filters of a resource whose paths go through the same multi-valued relation."""
    pairs = {}
    for path, filterset in filtersets():
        model = filterset._meta.model
        for (a, first), (b, second) in itertools.combinations(sorted(filterset.base_filters.items()), 2):
            if relations(model, first) & relations(model, second):
                row = [f.relation(model) if isinstance(f, RowFilter) else None for f in (first, second)]
                pairs[(path, a, b)] = row[0] is not None and row[0] == row[1]
    return pairs


# (resource, filter, filter): (a query the record meets only on different rows,
# a query it meets on one row, the records that one row gives).
ON_ONE_ROW = {
    # The example: Russia accused Ukraine of Crocus; Ukraine claimed nothing.
    ("attacks", "attribution_kind", "organisation"): (
        {"organisation": "ukraine", "attribution_kind": "claimed"},
        {"organisation": "ukraine", "attribution_kind": "accused"},
        lambda w: [w.crocus],
    ),
    ("attacks", "accused_by", "organisation"): (
        {"organisation": "islamic-state-khorasan-province", "accused_by": "russia"},
        {"organisation": "ukraine", "accused_by": "russia"},
        lambda w: [w.crocus],
    ),
    ("attacks", "accused_by", "attribution_kind"): (
        {"attribution_kind": "claimed", "accused_by": "russia"},
        {"attribution_kind": "accused", "accused_by": "russia"},
        lambda w: [w.crocus],
    ),
    ("agreements", "country", "party"): (
        {"party": "united-states", "country": "RU"},
        {"party": "russia", "country": "RU"},
        lambda w: [w.warning],
    ),
    ("agreements", "party", "role"): (
        {"party": "united-states", "role": "recipient"},
        {"party": "united-states", "role": "sender"},
        lambda w: [w.warning],
    ),
    ("agreements", "country", "role"): (
        {"country": "US", "role": "recipient"},
        {"country": "US", "role": "sender"},
        lambda w: [w.warning],
    ),
}

# (resource, filter, filter): (a query the record meets only on different rows, the records it gives).
EACH_ON_ITS_OWN = {
    # `organisation` is a party or a target: of its own, beside the party filters.
    ("agreements", "organisation", "party"): (
        {"organisation": "islamic-state-khorasan-province", "party": "united-states"},
        lambda w: [w.warning],
    ),
    ("agreements", "country", "organisation"): (
        {"organisation": "islamic-state-khorasan-province", "country": "US"},
        lambda w: [w.warning],
    ),
    ("agreements", "organisation", "role"): (
        {"organisation": "islamic-state-khorasan-province", "role": "sender"},
        lambda w: [w.warning],
    ),
    ("agreements", "organisation", "target"): (
        {"organisation": "russia", "target": "islamic-state-khorasan-province"},
        lambda w: [w.warning],
    ),
    # One citation supports one record: an article cited for two has two citations.
    **{
        ("articles", *sorted(pair)): (
            dict(zip(pair, values, strict=True)),
            lambda w: [w.article],
        )
        for pair, values in [
            (("organisation", "actor"), ("islamic-state", "vladimir-putin")),
            (("organisation", "attack"), ("islamic-state", "2024-crocus-city-hall-attack")),
            (("organisation", "agreement"), ("islamic-state", "global-coalition-against-daesh")),
            (("actor", "attack"), ("vladimir-putin", "2024-crocus-city-hall-attack")),
            (("actor", "agreement"), ("vladimir-putin", "global-coalition-against-daesh")),
            (("attack", "agreement"), ("2024-crocus-city-hall-attack", "global-coalition-against-daesh")),
        ]
    },
}


def test_every_pair_of_filters_on_one_relation_is_tested():
    # A filter added on a relation another filter already uses falls in here until its pairs are tested.
    pairs = pairs_on_one_relation()
    assert {pair for pair, together in pairs.items() if together} == set(ON_ONE_ROW)
    assert {pair for pair, together in pairs.items() if not together} == set(EACH_ON_ITS_OWN)


def in_both_orders(query):
    return [query, dict(reversed(query.items()))]


@pytest.mark.parametrize("pair", ON_ONE_ROW, ids="{0[0]}:{0[1]}+{0[2]}".format)
def test_filters_on_one_relation_match_one_row(client, world, pair):
    apart, together, expected = ON_ONE_ROW[pair]
    url = RESOURCE_BY_PATH[pair[0]].url()
    for query in in_both_orders(apart):
        assert slugs(client, url, **query) == [], query
    for query in in_both_orders(together):
        assert sorted(slugs(client, url, **query)) == sorted(r.slug for r in expected(world)), query


@pytest.mark.parametrize("pair", EACH_ON_ITS_OWN, ids="{0[0]}:{0[1]}+{0[2]}".format)
def test_filters_that_match_on_their_own(client, world, pair):
    query, expected = EACH_ON_ITS_OWN[pair]
    url = RESOURCE_BY_PATH[pair[0]].url()
    for ordered in in_both_orders(query):
        assert sorted(slugs(client, url, **ordered)) == sorted(r.slug for r in expected(world))


def test_the_schema_says_which_filters_match_one_row(client, db):
    paths = get(client, "/api/schema/", format="json").json()["paths"]
    for path, a, b in ON_ONE_ROW:
        operation = paths[RESOURCE_BY_PATH[path].url()]["get"]
        descriptions = {parameter["name"]: parameter["description"] for parameter in operation["parameters"]}
        assert f"`{b}`" in descriptions[a] and f"`{a}`" in descriptions[b]
        assert "one and the same" in descriptions[a] and "one and the same" in descriptions[b]


def slug_filters():
    return [
        (path, name, next(iter(slug_models(filterset._meta.model, filter_))))
        for path, filterset in filtersets()
        for name, filter_ in sorted(filterset.base_filters.items())
        if slug_models(filterset._meta.model, filter_)
    ]


@pytest.mark.parametrize("path, name, target", slug_filters(), ids=lambda value: getattr(value, "__name__", value))
def test_an_unknown_slug_is_400_naming_the_parameter_and_the_slug(client, world, path, name, target):
    url = RESOURCE_BY_PATH[path].url()
    errors = get(client, url, expect=400, **{name: "no-such-record"}).json()
    assert list(errors) == [name] and "no-such-record" in errors[name][0]
    # A slug of a record of that kind is a filter, whatever it matches.
    get(client, url, **{name: target.objects.order_by("pk").first().slug})


def test_an_unknown_slug_is_reported_with_the_other_errors(client, world):
    errors = get(
        client, RESOURCE_BY_PATH["attacks"].url(), expect=400, organisation="nobody", date_from="2016-13"
    ).json()
    assert set(errors) == {"organisation", "date_from"}


def country_filters():
    return [
        (path, name)
        for path, filterset in filtersets()
        for name, filter_ in sorted(filterset.base_filters.items())
        if isinstance(filter_, CountryFilter)
    ]


@pytest.mark.parametrize("path, name", country_filters())
def test_an_unknown_country_code_is_400(client, world, path, name):
    url = RESOURCE_BY_PATH[path].url()
    errors = get(client, url, expect=400, **{name: "xx"}).json()
    assert list(errors) == [name] and "xx" in errors[name][0]
    get(client, url, **{name: "ru"})


def operations(client):
    """(url to call, the query parameters its schema documents) for every operation."""
    schema = get(client, "/api/schema/", format="json").json()
    for template, item in schema["paths"].items():
        url = template
        if "{slug}" in template:
            model = resolve(template.replace("{slug}", "x")).func.cls.queryset.model
            url = template.replace("{slug}", model.objects.order_by("pk").first().slug)
        query = [p for p in item["get"]["parameters"] if p["in"] == "query"]
        yield url, {p["name"] for p in query}, {p["name"] for p in query if p.get("required")}


def test_every_documented_parameter_is_taken_and_no_other(client, world):
    for url, documented, required in operations(client):
        # Empty values are left out, so each documented parameter can be sent at once
        # (a required one, the search's `q`, with a value).
        sent = {**dict.fromkeys(documented, ""), **dict.fromkeys(required, "islamic")}
        get(client, url, **sent)
        errors = get(client, url, expect=400, contry="RU", **sent).json()
        assert list(errors) == ["contry"], url
        assert all(f" {name}" in errors["contry"][0] for name in documented), url


@pytest.mark.parametrize(
    "url, name",
    [
        ("attacks/", "country_code"),
        ("attacks/sync/", "ordering"),  # sync pages have one order
        ("attacks/sync/", "page"),
        ("attacks/2024-crocus-city-hall-attack/", "country"),  # a record takes no filter
        ("articles/2024-03-sputnik-moscow-attack/", "include_text"),  # always included there
    ],
)
def test_an_unknown_parameter_is_400_naming_it(client, world, url, name):
    errors = get(client, f"/api/v1/{url}", expect=400, **{name: "1"}).json()
    assert list(errors) == [name] and "Unknown parameter" in errors[name][0]


class TestDateMatch:
    """`date_match=within` keeps only the dates that surely fall in the range;
    `overlaps`, the default, also those that may."""

    @pytest.fixture
    def dated(self, db):
        dates = ["2015-12-31", "2016", "2016-07", "2016-07-04", "2016-08", "2016-12", "2016-12-31", "2017", None]
        return {date: make.attack(start=date).slug for date in dates}

    @pytest.mark.parametrize(
        "query, expected",
        [
            ({"date_from": "2016-07-04"}, ["2016-07-04", "2016-08", "2016-12", "2016-12-31", "2017"]),
            # A month that starts on the bound surely does not start before it.
            ({"date_from": "2016-07-01"}, ["2016-07", "2016-07-04", "2016-08", "2016-12", "2016-12-31", "2017"]),
            ({"date_from": "2016-01"}, ["2016", "2016-07", "2016-07-04", "2016-08", "2016-12", "2016-12-31", "2017"]),
            ({"date_to": "2016-07"}, ["2015-12-31", "2016-07", "2016-07-04"]),
            ({"date_to": "2016-12-30"}, ["2015-12-31", "2016-07", "2016-07-04", "2016-08"]),
            # A year and a month that end on the bound surely do not end after it.
            (
                {"date_to": "2016-12-31"},
                ["2015-12-31", "2016", "2016-07", "2016-07-04", "2016-08", "2016-12", "2016-12-31"],
            ),
            ({"date_from": "2016-07", "date_to": "2016-07"}, ["2016-07", "2016-07-04"]),
            ({"date_from": "2016-07-02", "date_to": "2016-12-30"}, ["2016-07-04", "2016-08"]),
        ],
    )
    def test_within(self, client, dated, query, expected):
        found = slugs(client, RESOURCE_BY_PATH["attacks"].url(), date_match="within", **query)
        assert sorted(found) == sorted(dated[date] for date in expected)

    @pytest.mark.parametrize("query", [{"date_from": "2016-07-04"}, {"date_to": "2016-07"}])
    def test_overlaps_is_the_default(self, client, dated, query):
        url = RESOURCE_BY_PATH["attacks"].url()
        assert slugs(client, url, date_match="overlaps", **query) == slugs(client, url, **query)
        assert dated["2016"] in slugs(client, url, **query)

    def test_without_a_range_it_changes_nothing(self, client, dated):
        url = RESOURCE_BY_PATH["attacks"].url()
        assert slugs(client, url, date_match="within") == slugs(client, url)

    def test_another_value_is_400(self, client, db):
        assert list(get(client, RESOURCE_BY_PATH["attacks"].url(), expect=400, date_match="maybe").json()) == [
            "date_match"
        ]

    def test_a_related_date(self, client, world):
        # Attributions are dated by their attack's start: Crocus on 2024-03-22, within March.
        url = RESOURCE_BY_PATH["attributions"].url()
        found = slugs(client, url, date_from="2024-03", date_to="2024-03", date_match="within")
        assert sorted(found) == sorted([world.claim.slug, world.accusation.slug])


def test_every_date_range_has_date_match(client, db):
    schema = get(client, "/api/schema/", format="json").json()
    for template, item in schema["paths"].items():
        parameters = {p["name"]: p for p in item["get"]["parameters"]}
        if "date_from" in parameters:
            assert parameters["date_match"]["schema"] == {
                "type": "string",
                "enum": ["overlaps", "within"],
                "default": "overlaps",
            }, template
            assert "`overlaps` (the default)" in parameters["date_match"]["description"]


def test_a_record_with_several_matching_rows_comes_once(client, world):
    # Crocus claimed twice: one condition on the attributions, not one row of the answer per attribution.
    make.attribution(attack=world.crocus, organisation=world.islamic_state, kind="claimed")
    make.attribution(attack=world.crocus, organisation=world.islamic_state, kind="suspected")
    query = {"attribution_kind": ["claimed", "suspected"], "organisation": "islamic-state"}
    assert sorted(slugs(client, RESOURCE_BY_PATH["attacks"].url(), **query)) == [world.crocus.slug, world.kerman.slug]
