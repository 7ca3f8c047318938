"""Each filter narrows to the right records; ordering is explicit and stable."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from ctdb.api.filters import next_partial_date
from ctdb.core.models import Attack
from tests import factories as make

from .base import RESOURCE_BY_PATH, get, slugs

# (resource, query, the records expected, in any order)
CASES = [
    ("attacks", {"country": "ru"}, lambda w: [w.crocus]),
    ("attacks", {"country": "IR"}, lambda w: [w.kerman]),
    ("attacks", {"kind": "campaign"}, lambda w: [w.campaign]),
    ("attacks", {"attack_type": ["armed_assault", "bombing_explosion"]}, lambda w: [w.crocus, w.kerman]),
    ("attacks", {"weapon_type": "firearms"}, lambda w: [w.crocus]),
    ("attacks", {"target_type": "military"}, lambda w: []),
    ("attacks", {"organisation": "ukraine"}, lambda w: [w.crocus]),
    ("attacks", {"attribution_kind": "claimed"}, lambda w: [w.crocus, w.kerman]),
    ("attacks", {"attribution_kind": "accused"}, lambda w: [w.crocus]),
    ("attacks", {"campaign": "2024-islamic-state-campaign"}, lambda w: [w.crocus, w.kerman]),
    ("attacks", {"article": "2024-03-sputnik-moscow-attack"}, lambda w: [w.campaign, w.crocus, w.kerman]),
    ("attacks", {"article": "2017-04-merger-talks"}, lambda w: []),
    ("attacks", {"date_from": "2024-02"}, lambda w: [w.crocus, w.campaign]),
    ("attacks", {"date_to": "2024-01"}, lambda w: [w.kerman, w.campaign]),
    ("organisations", {"kind": "state"}, lambda w: [w.russia, w.ukraine, w.turkey, w.usa]),
    ("organisations", {"country": "SY"}, lambda w: [w.islamic_state, w.nusra]),
    ("organisations", {"organisation": "islamic-state"}, lambda w: [w.iskp, w.nusra]),
    ("organisations", {"actor": "recep-tayyip-erdogan"}, lambda w: [w.turkey]),
    ("organisations", {"article": "2017-04-merger-talks"}, lambda w: [w.nusra]),
    ("organisations", {"date_from": "2015"}, lambda w: [w.iskp]),
    ("actors", {"country": "tr"}, lambda w: [w.erdogan]),
    ("actors", {"organisation": "russia"}, lambda w: [w.putin]),
    ("actors", {"article": "2024-03-sputnik-moscow-attack"}, lambda w: [w.erdogan, w.putin]),
    ("articles", {"outlet": "sputnik-arabic"}, lambda w: [w.article]),
    ("articles", {"organisation": "jabhat-al-nusra"}, lambda w: [w.other_article]),
    ("articles", {"attack": "2024-crocus-city-hall-attack"}, lambda w: [w.article]),
    ("articles", {"actor": "vladimir-putin"}, lambda w: [w.article]),
    ("articles", {"agreement": "global-coalition-against-daesh"}, lambda w: [w.article]),
    ("articles", {"language": "en"}, lambda w: []),
    ("articles", {"date_to": "2020"}, lambda w: [w.other_article]),
    ("agreements", {"kind": "warning"}, lambda w: [w.warning]),
    ("agreements", {"status": ["in_force", "denied"]}, lambda w: [w.warning, w.coalition]),
    ("agreements", {"organisation": "islamic-state"}, lambda w: [w.coalition]),
    ("agreements", {"organisation": "united-states"}, lambda w: [w.warning, w.coalition]),
    ("agreements", {"party": "turkey"}, lambda w: [w.coalition]),
    ("agreements", {"target": "islamic-state-khorasan-province"}, lambda w: [w.warning]),
    ("agreements", {"country": "RU"}, lambda w: [w.warning]),
    ("agreements", {"date_from": "2020"}, lambda w: [w.warning]),
    ("attributions", {"attack": "2024-crocus-city-hall-attack"}, lambda w: [w.claim, w.accusation]),
    ("attributions", {"organisation": "ukraine"}, lambda w: [w.accusation]),
    ("attributions", {"accused_by": "russia"}, lambda w: [w.accusation]),
    ("attributions", {"kind": "claimed"}, lambda w: [w.claim, w.kerman_claim]),
    ("attributions", {"country": "ir"}, lambda w: [w.kerman_claim]),
    ("attributions", {"date_from": "2024-03"}, lambda w: [w.claim, w.accusation]),
    ("relationships", {"subject": "islamic-state-khorasan-province"}, lambda w: [w.branch]),
    ("relationships", {"object": "jabhat-al-nusra"}, lambda w: [w.rivalry]),
    ("relationships", {"organisation": "islamic-state"}, lambda w: [w.branch, w.rivalry]),
    ("relationships", {"kind": "rival"}, lambda w: [w.rivalry]),
    ("relationships", {"date_to": "2013"}, lambda w: [w.rivalry]),
    ("agreement-parties", {"agreement": "2024-us-warning-to-russia"}, lambda w: [w.sender, w.recipient]),
    ("agreement-parties", {"organisation": "united-states"}, lambda w: [w.sender, w.leader]),
    ("agreement-parties", {"role": "member"}, lambda w: [w.member]),
    ("agreement-parties", {"country": "tr"}, lambda w: [w.member]),
    ("agreement-parties", {"date_from": "2015"}, lambda w: [w.member]),
    ("affiliations", {"actor": "vladimir-putin"}, lambda w: [w.putin_president]),
    ("affiliations", {"organisation": "turkey"}, lambda w: [w.erdogan_president]),
    ("affiliations", {"date_to": "2001"}, lambda w: [w.putin_president]),
    ("citations", {"article": "2017-04-merger-talks"}, lambda w: [*w.nusra.citations.all()]),
    (
        "citations",
        {"record_type": "attribution"},
        lambda w: [c for a in (w.claim, w.accusation, w.kerman_claim) for c in a.citations.all()],
    ),
    ("citations", {"attack": "2024-crocus-city-hall-attack"}, lambda w: [*w.crocus.citations.all()]),
    ("citations", {"party": "2024-us-warning-to-russia--sender--united-states"}, lambda w: [*w.sender.citations.all()]),
    ("citations", {"date_to": "2020"}, lambda w: [*w.nusra.citations.all()]),
]


@pytest.mark.parametrize("path, query, expected", CASES, ids=[f"{p}?{q}" for p, q, _e in CASES])
def test_filter_narrows(client, world, path, query, expected):
    assert sorted(slugs(client, RESOURCE_BY_PATH[path].url(), **query)) == sorted(r.slug for r in expected(world))


@pytest.mark.parametrize(
    "path, query",
    [
        ("attacks", {"country": "RUS"}),
        ("attacks", {"date_from": "2016-13"}),
        ("attacks", {"date_to": "16"}),
        ("attacks", {"date_from": "2016-02-30"}),
        ("attacks", {"kind": "massacre"}),
        ("attacks", {"updated_since": "yesterday"}),
        ("organisations", {"ordering": "nonsense"}),
        ("citations", {"record_type": "article"}),
        ("citations", {"target_type": "attribution"}),  # the name before 2.0: unknown, not ignored
    ],
)
def test_invalid_filter_values_are_400(client, world, path, query):
    errors = get(client, RESOURCE_BY_PATH[path].url(), expect=400, **query).json()
    assert set(errors) == set(query)


class TestDateRangeRespectsPrecision:
    """A partial date is within a range when the day it denotes may be."""

    @pytest.fixture
    def dated(self, db):
        dates = ["2015-12-31", "2016", "2016-07", "2016-07-04", "2016-08", "2016-12", "2016-12-31", "2017", None]
        return {date: make.attack(start=date).slug for date in dates}

    @pytest.mark.parametrize(
        "query, expected",
        [
            (
                {"date_from": "2016-07-04"},
                ["2016", "2016-07", "2016-07-04", "2016-08", "2016-12", "2016-12-31", "2017"],
            ),
            ({"date_from": "2016-07-05"}, ["2016", "2016-07", "2016-08", "2016-12", "2016-12-31", "2017"]),
            ({"date_from": "2016-08"}, ["2016", "2016-08", "2016-12", "2016-12-31", "2017"]),
            ({"date_to": "2016-07"}, ["2015-12-31", "2016", "2016-07", "2016-07-04"]),
            ({"date_to": "2016-07-03"}, ["2015-12-31", "2016", "2016-07"]),
            ({"date_to": "2016"}, ["2015-12-31", "2016", "2016-07", "2016-07-04", "2016-08", "2016-12", "2016-12-31"]),
            (
                {"date_to": "2016-12"},
                ["2015-12-31", "2016", "2016-07", "2016-07-04", "2016-08", "2016-12", "2016-12-31"],
            ),
            ({"date_to": "2016-12-30"}, ["2015-12-31", "2016", "2016-07", "2016-07-04", "2016-08", "2016-12"]),
            (
                {"date_to": "2016-12-31"},
                ["2015-12-31", "2016", "2016-07", "2016-07-04", "2016-08", "2016-12", "2016-12-31"],
            ),
            ({"date_from": "2016-07", "date_to": "2016-07"}, ["2016", "2016-07", "2016-07-04"]),
            (
                {"date_from": "2016", "date_to": "2016"},
                ["2016", "2016-07", "2016-07-04", "2016-08", "2016-12", "2016-12-31"],
            ),
            (
                {"date_from": "2016-01-01", "date_to": "2016-12-31"},
                ["2016", "2016-07", "2016-07-04", "2016-08", "2016-12", "2016-12-31"],
            ),
        ],
    )
    def test_range(self, client, dated, query, expected):
        found = slugs(client, RESOURCE_BY_PATH["attacks"].url(), **query)
        assert sorted(found) == sorted(dated[date] for date in expected)

    def test_the_upper_bound_is_one_range_an_index_can_answer(self, client, dated):
        with CaptureQueriesContext(connection) as captured:
            get(client, RESOURCE_BY_PATH["attacks"].url(), date_to="2016-07")
        listing = [q["sql"] for q in captured.captured_queries if 'FROM "core_attack"' in q["sql"]][0]
        assert '"core_attack"."start" < \'2016-08\'' in listing.replace("%s", "'2016-08'")
        assert "LIKE" not in listing


@pytest.mark.parametrize(
    "value, after",
    [("2016", "2017"), ("0999", "1000"), ("2016-07", "2016-08"), ("2016-12", "2016-13"), ("2016-07-31", "2016-07-32")],
)
def test_next_partial_date(value, after):
    assert next_partial_date(value) == after


def test_a_column_of_the_record_is_filtered_without_a_subquery(client, world):
    with CaptureQueriesContext(connection) as captured:
        get(client, RESOURCE_BY_PATH["attacks"].url(), country="RU")
    listing = [q["sql"] for q in captured.captured_queries if 'FROM "core_attack"' in q["sql"]][0]
    assert "IN (SELECT" not in listing and '"core_attack"."country" =' in listing


def test_updated_since(client, world):
    Attack.objects.update(updated_at=timezone.now() - datetime.timedelta(days=10))
    since = timezone.now() - datetime.timedelta(days=1)
    world.kerman.save()
    url = RESOURCE_BY_PATH["attacks"].url()
    assert slugs(client, url, updated_since=since.isoformat()) == [world.kerman.slug]
    assert slugs(client, url, updated_since="2000-01-01T00:00:00Z") == slugs(client, url)
    assert slugs(client, url, updated_since=(timezone.now() + datetime.timedelta(days=1)).isoformat()) == []


class TestOrdering:
    def test_default_is_newest_first_then_slug(self, client, world):
        assert slugs(client, RESOURCE_BY_PATH["attacks"].url()) == [
            world.crocus.slug,
            world.kerman.slug,
            world.campaign.slug,
        ]

    def test_unknown_values_sort_last_both_ways(self, client, world):
        url = RESOURCE_BY_PATH["attacks"].url()
        # Only Kerman has a high figure; the others follow by slug.
        assert slugs(client, url, ordering="killed_high") == [world.kerman.slug, world.crocus.slug, world.campaign.slug]
        assert slugs(client, url, ordering="-killed_high") == [
            world.kerman.slug,
            world.crocus.slug,
            world.campaign.slug,
        ]
        assert slugs(client, url, ordering="-killed_low") == [world.crocus.slug, world.kerman.slug, world.campaign.slug]

    def test_ties_are_broken_by_slug(self, client, db):
        made = [make.attack(start="2020").slug for _ in range(4)]
        url = RESOURCE_BY_PATH["attacks"].url()
        assert slugs(client, url, ordering="start") == sorted(made)
        assert slugs(client, url, ordering="-start") == sorted(made)
        assert slugs(client, url, ordering="-slug") == sorted(made, reverse=True)

    def test_several_fields(self, client, world):
        url = RESOURCE_BY_PATH["organisations"].url()
        assert slugs(client, url, ordering="kind,-name_en") == [
            "sputnik-arabic",  # media
            "jabhat-al-nusra",  # militant groups
            "islamic-state-khorasan-province",
            "islamic-state",
            "united-states",  # states
            "ukraine",
            "turkey",
            "russia",
        ]

    def test_only_listed_fields(self, client, world):
        errors = get(client, RESOURCE_BY_PATH["attacks"].url(), expect=400, ordering="start,description_en").json()
        assert "description_en" in errors["ordering"][0]
