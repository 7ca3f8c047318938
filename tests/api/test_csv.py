"""The CSV form: flat, stable columns; lists joined with `|`."""

import json

from .base import RESOURCE_BY_PATH, csv_rows, get

ATTACKS = RESOURCE_BY_PATH["attacks"]


def rows_by_slug(response):
    header, *rows = csv_rows(response)
    return {row[0]: dict(zip(header, row, strict=True)) for row in rows}


def test_attack_columns_flatten_nested_summaries(client, world):
    rows = rows_by_slug(get(client, ATTACKS.url(), format="csv"))
    crocus = rows[world.crocus.slug]
    assert crocus["name_ar"] == "هجوم كروكوس سيتي هول"
    assert crocus["start"] == "2024-03-22" and crocus["start_precision"] == "day"
    assert crocus["end"] == "" and crocus["killed_high"] == ""
    assert crocus["killed_low"] == "144"
    assert crocus["campaign_slug"] == world.campaign.slug
    # Positions line up across the attribution columns: the claim has no accuser.
    assert crocus["attribution_organisations"] == "ukraine|islamic-state-khorasan-province"
    assert crocus["attribution_kinds"] == "accused|claimed"
    assert crocus["attribution_accused_by"] == "russia|"
    assert crocus["citation_articles"] == world.article.slug
    assert crocus["citation_quotes"] == "Fact 21."
    assert rows[world.campaign.slug]["campaign_slug"] == ""
    assert rows[world.campaign.slug]["campaign_attack_slugs"] == f"{world.kerman.slug}|{world.crocus.slug}"
    assert crocus["attack_link_slugs"] == "|".join(sorted([world.same_campaign.slug, world.followed.slug]))


def test_nested_dictionaries_are_json(client, world):
    rows = rows_by_slug(get(client, RESOURCE_BY_PATH["organisations"].url(), format="csv"))
    assert json.loads(rows["islamic-state"]["inferred"]) == {"country": "Its capital was in Syria."}
    assert rows["islamic-state"]["alias_names"] == "ISIS|داعش"
    assert rows["russia"]["inferred"] == "{}"


def test_editorial_aliases_are_told_apart_in_the_csv(client, dataset):
    rows = rows_by_slug(get(client, RESOURCE_BY_PATH["organisations"].url(), format="csv", page_size=100))
    isis = rows["islamic-state"]
    names, provenances = isis["alias_names"].split("|"), isis["alias_provenances"].split("|")
    assert len(names) == len(provenances)
    by_name = dict(zip(names, provenances, strict=True))
    assert by_name["ISIL"] == "editorial" and by_name["داعش"] == "article"


def test_csv_by_accept_header(client, world):
    response = client.get(ATTACKS.url(), HTTP_ACCEPT="text/csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"


def test_csv_respects_paging_and_filters(client, world):
    header, *rows = csv_rows(get(client, ATTACKS.url(), format="csv", country="RU", page_size=1))
    assert [row[0] for row in rows] == [world.crocus.slug]


def test_article_text_column_only_when_asked(client, world):
    url = RESOURCE_BY_PATH["articles"].url()
    assert "text" not in csv_rows(get(client, url, format="csv"))[0]
    rows = rows_by_slug(get(client, url, format="csv", include_text=1))
    assert rows[world.article.slug]["text"] == world.article.text


def test_sync_in_csv(client, world):
    header, *rows = csv_rows(get(client, ATTACKS.url(action="sync"), format="csv"))
    assert header[0] == "slug" and len(rows) == 3


def test_invalid_query_in_csv_answers_json(client, world):
    response = get(client, ATTACKS.url(), expect=400, format="csv", page_size=0)
    assert response["Content-Type"] == "application/json"
    assert "page_size" in response.json()


def test_citations_say_what_they_support(client, world):
    # As the JSON does: `record_type` and `record_slug`, one record or link per citation.
    url = RESOURCE_BY_PATH["citations"].url()
    records = {record["slug"]: record for record in get(client, url, page_size=500).json()["results"]}
    rows = rows_by_slug(get(client, url, format="csv", page_size=500))
    assert rows.keys() == records.keys()
    for slug, row in rows.items():
        assert (row["record_type"], row["record_slug"]) == (records[slug]["record_type"], records[slug]["record_slug"])
    accusation = world.accusation.citations.get()
    assert (rows[accusation.slug]["record_type"], rows[accusation.slug]["record_slug"]) == (
        "attribution",
        world.accusation.slug,
    )
