"""Records carry what a client needs without a second request."""

import hashlib

from .base import RESOURCE_BY_PATH, get

attacks, organisations, agreements = (RESOURCE_BY_PATH[p] for p in ("attacks", "organisations", "agreements"))


def test_attack_shows_attributions_citations_campaign_and_links(client, world):
    attack = get(client, attacks.url(world.crocus.slug)).json()
    assert attack["name_ar"] == "هجوم كروكوس سيتي هول"
    assert attack["killed_low"] == 144 and attack["killed_high"] is None
    assert attack["latitude"] == 55.824
    assert attack["country"] == "RU"
    accusation, claim = attack["attributions"]  # by kind, then organisation
    assert claim["organisation"] == {
        "slug": "islamic-state-khorasan-province",
        "name_ar": "ولاية خراسان",
        "name_en": "Islamic State Khorasan Province",
        "kind": "militant_group",
        "country": "AF",
    }
    assert (claim["kind"], claim["accused_by"]) == ("claimed", None)
    assert (accusation["kind"], accusation["accused_by"]["slug"]) == ("accused", "russia")
    assert claim["citations"][0]["quote"] == "Fact 23."
    citation = attack["citations"][0]
    assert citation["quote"] == "Fact 21."
    assert citation["translation_en"] == "Translation 21"
    assert citation["article"]["slug"] == world.article.slug
    assert citation["article"]["title"] == "هجوم موسكو"
    assert world.article.text[citation["start"] : citation["end"]] == citation["quote"]
    assert attack["campaign"]["slug"] == world.campaign.slug
    assert attack["campaign"]["start_precision"] == "year"
    links = {(link["from_attack"]["slug"], link["kind"], link["to_attack"]["slug"]) for link in attack["attack_links"]}
    assert links == {
        (world.crocus.slug, "related", world.kerman.slug),
        (world.kerman.slug, "followed", world.crocus.slug),
    }


def test_campaign_lists_its_attacks(client, world):
    campaign = get(client, attacks.url(world.campaign.slug)).json()
    assert [a["slug"] for a in campaign["campaign_attacks"]] == [world.kerman.slug, world.crocus.slug]


def test_partial_dates_keep_their_precision(client, world):
    crocus = get(client, attacks.url(world.crocus.slug)).json()
    assert (crocus["start"], crocus["start_precision"]) == ("2024-03-22", "day")
    assert (crocus["end"], crocus["end_precision"]) == (None, None)
    iskp = get(client, organisations.url(world.iskp.slug)).json()
    assert (iskp["founded"], iskp["founded_precision"]) == ("2015-01", "month")
    islamic_state = get(client, organisations.url(world.islamic_state.slug)).json()
    assert (islamic_state["founded"], islamic_state["founded_precision"]) == ("2014", "year")


def test_organisation_shows_aliases_relationships_counts(client, world):
    record = get(client, organisations.url(world.islamic_state.slug)).json()
    assert [alias["name"] for alias in record["aliases"]] == ["ISIS", "داعش"]
    assert record["aliases"][1] == {
        "name": "داعش",
        "language": "ar",
        "kind": "name",
        "provenance": "article",
        "reasoning": "",
    }
    relationships = {(r["subject"]["slug"], r["kind"], r["object"]["slug"]) for r in record["relationships"]}
    assert relationships == {
        (world.iskp.slug, "branch_of", world.islamic_state.slug),
        (world.islamic_state.slug, "rival", world.nusra.slug),
    }
    assert all(r["citations"] for r in record["relationships"])
    assert (record["attributions_count"], record["affiliations_count"], record["agreements_count"]) == (1, 0, 0)
    assert record["inferred"] == {"country": "Its capital was in Syria."}
    usa = get(client, organisations.url(world.usa.slug)).json()
    assert usa["agreements_count"] == 2


def test_agreement_shows_parties_with_roles_and_targets(client, world):
    record = get(client, agreements.url(world.warning.slug)).json()
    parties = {(p["organisation"]["slug"], p["role"]) for p in record["parties"]}
    assert parties == {("united-states", "sender"), ("russia", "recipient")}
    assert [t["organisation"]["slug"] for t in record["targets"]] == [world.iskp.slug]
    assert record["parties"][0]["organisation"]["kind"] == "state"
    assert all(p["citations"] for p in record["parties"])


def test_actor_shows_aliases_and_affiliations(client, world):
    record = get(client, RESOURCE_BY_PATH["actors"].url(world.erdogan.slug)).json()
    assert record["nationality"] == "TR"
    assert [alias["name"] for alias in record["aliases"]] == ["أردوغان"]
    (affiliation,) = record["affiliations"]
    assert (affiliation["organisation"]["slug"], affiliation["role"]) == ("turkey", "president")
    assert affiliation["start_precision"] == "day"


def test_article_text_only_in_detail_or_when_asked(client, world):
    articles = RESOURCE_BY_PATH["articles"]
    listed = get(client, articles.url()).json()["results"]
    assert all("text" not in article for article in listed)
    with_text = get(client, articles.url(), include_text=1).json()["results"]
    assert {article["slug"]: article["text"] for article in with_text}[world.article.slug] == world.article.text
    detail = get(client, articles.url(world.article.slug)).json()
    assert detail["text"] == world.article.text
    assert detail["text_sha256"] == hashlib.sha256(world.article.text.encode()).hexdigest()
    assert detail["outlet"]["slug"] == "sputnik-arabic"
    assert detail["citations_count"] == world.article.citations.count() > 1
    assert (detail["published"], detail["published_precision"]) == ("2024-03", "month")


def test_citation_names_its_target(client, world):
    citation = world.claim.citations.get()
    record = get(client, RESOURCE_BY_PATH["citations"].url(citation.slug)).json()
    assert (record["record_type"], record["record_slug"]) == ("attribution", world.claim.slug)
    assert record["article"]["slug"] == world.article.slug


def test_link_records_show_both_ends(client, world):
    attribution = get(client, RESOURCE_BY_PATH["attributions"].url(world.accusation.slug)).json()
    assert attribution["attack"]["slug"] == world.crocus.slug
    assert attribution["organisation"]["slug"] == "ukraine"
    assert attribution["accused_by"]["slug"] == "russia"
    party = get(client, RESOURCE_BY_PATH["agreement-parties"].url(world.leader.slug)).json()
    assert (party["agreement"]["slug"], party["organisation"]["slug"], party["role"]) == (
        world.coalition.slug,
        "united-states",
        "leader",
    )
    affiliation = get(client, RESOURCE_BY_PATH["affiliations"].url(world.putin_president.slug)).json()
    assert (affiliation["actor"]["name_ar"], affiliation["organisation"]["slug"]) == ("فلاديمير بوتين", "russia")


def test_timestamps_are_iso(client, world):
    record = get(client, attacks.url(world.crocus.slug)).json()
    assert record["created_at"].endswith("Z") and "T" in record["updated_at"]
