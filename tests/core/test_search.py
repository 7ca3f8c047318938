"""Ranked search (ctdb.core.search): its parts, then the failures the search
issue lists, tried on the real dataset as API consumers and editors would."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from ctdb.core import models, registry
from ctdb.core.arabic import fold
from ctdb.core.search import (
    INSIDE,
    PREFIX,
    TIER,
    WHOLE_NAME,
    Query,
    _ways,
    document,
    keys,
    ranked,
    reindex_all,
    search_everything,
    stem,
)

ORGANISATIONS = "/api/v1/organisations/"
ATTACKS = "/api/v1/attacks/"
SEARCH = "/api/v1/search/"


def api_slugs(client, url, **params):
    response = client.get(url, params)
    assert response.status_code == 200, response.content[:300]
    return [row["slug"] for row in response.json()["results"]]


# -- the parts ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "stored"),
    [("بالسعودية", "السعودية"), ("والقاعدة", "القاعدة"), ("للدولة", "الدولة"), ("والشام", "الشام"), ("وداعش", "داعش")],
)
def test_clitics_and_suffixes_meet_in_the_stem(typed, stored):
    assert stem(fold(typed)) == stem(fold(stored))


@pytest.mark.parametrize(
    "spellings",
    [
        ("Zawahiri", "Zawahri", "الظواهري"),
        ("Qaeda", "Qaida"),
        ("Daesh", "Daech", "داعش"),
        ("داكا", "دكا"),
        ("الديموقراطية", "الديمقراطية"),
        ("Khorasan", "خراسان"),
        ("Moscow", "موسكو"),
    ],
)
def test_spellings_of_one_name_share_a_key(spellings):
    shared = set.intersection(*(set(keys(fold(spelling))) for spelling in spellings))
    assert shared, {spelling: keys(fold(spelling)) for spelling in spellings}


def test_unrelated_words_share_no_key():
    assert not set(keys("moscow")) & set(keys("mexico"))
    assert not set(keys(fold("بغداد"))) & set(keys(fold("دمشق")))


def test_short_words_meet_whole_words_and_stems_only():
    assert {worth for worth, _fragment in _ways("cia")}.isdisjoint({PREFIX, INSIDE})
    assert {PREFIX, INSIDE} <= {worth for worth, _fragment in _ways("cias")}


def test_the_document_does_not_depend_on_the_order_of_its_values():
    assert document(["Islamic State", "داعش"], ["Raqqa"]) == document(["داعش", "Islamic State"], ["Raqqa"])
    assert document([], []) == ""


def test_a_context_value_is_not_a_name():
    text = document(["Crocus City Hall attack"], ["Islamic State"])
    assert "\n islamic state \n" not in text
    assert "\n crocus city hall attack \n" in text


def test_stopwords_do_not_count_unless_they_are_all_there_is():
    assert Query.parse("الدولة الإسلامية في العراق والشام").terms == ("الدوله", "الاسلاميه", "العراق", "والشام")
    assert Query.parse("the").terms == ("the",)
    assert Query.parse("islamic state of iraq").needed() == 2


# -- the failures, on the real dataset ----------------------------------


@pytest.mark.parametrize(
    ("query", "first"),
    [
        ("ISIS", "islamic-state"),
        ("ISIL", "islamic-state"),
        ("Daesh", "islamic-state"),
        ("داعش", "islamic-state"),
        ("ISKP", "islamic-state-khorasan-province"),
        ("al-Qaida", "al-qaeda"),
        ("SDF", "syrian-democratic-forces"),
        ("CIA", "central-intelligence-agency"),
        ("بالسعودية", "saudi-arabia"),
        ("والقاعدة", "al-qaeda"),
        ("قوات سوريا الديموقراطية", "syrian-democratic-forces"),
        ("الدولة الإسلامية في العراق والشام", "islamic-state"),
        ("بنجلاديش", "bangladesh"),
    ],
)
def test_the_organisation_people_mean_comes_first(client, dataset, query, first):
    assert api_slugs(client, ORGANISATIONS, search=query)[0] == first


def test_an_acronym_matches_whole_words_only(client, dataset):
    found = api_slugs(client, ORGANISATIONS, search="CIA")
    assert "french-special-services" not in found  # "spe-cia-l"


def test_zawahri_finds_the_actor(client, dataset):
    assert api_slugs(client, "/api/v1/actors/", search="Zawahri")[0] == "ayman-al-zawahiri"


@pytest.mark.parametrize(
    ("query", "attack"),
    [("داكا", "2016-dhaka-attack"), ("بنجلاديش", "2016-dhaka-attack"), ("Bangladesh", "2016-dhaka-attack")],
)
def test_an_attack_is_found_by_its_place_and_country(client, dataset, query, attack):
    assert attack in api_slugs(client, ATTACKS, search=query)[:5]


def test_an_attack_is_found_by_its_perpetrators_names(client, dataset):
    claimed = set(
        models.Attribution.objects.filter(organisation__slug="islamic-state").values_list("attack__slug", flat=True)
    )
    assert claimed
    found = set(api_slugs(client, ATTACKS, search="داعش", page_size=100))
    assert claimed <= found


def test_an_agreement_is_found_by_its_parties(client, dataset):
    party = models.AgreementParty.objects.select_related("agreement", "organisation").first()
    found = api_slugs(client, "/api/v1/agreements/", search=party.organisation.name_en, page_size=100)
    assert party.agreement.slug in found


def test_ordering_given_overrides_the_rank(client, dataset):
    ranked_first = api_slugs(client, ORGANISATIONS, search="ISIS")
    by_slug = api_slugs(client, ORGANISATIONS, search="ISIS", ordering="slug")
    assert sorted(ranked_first) == by_slug != ranked_first


def test_a_whole_name_outranks_any_sum_of_words(dataset):
    best = ranked(models.Organisation.objects.all(), "Islamic State").first()
    assert best.slug == "islamic-state" and best.search_rank >= WHOLE_NAME * TIER


# -- one search across every kind --------------------------------------------------


def test_the_search_across_kinds_answers_typed_ranked_hits(client, dataset, django_assert_num_queries):
    # One query per kind, whatever the number of hits, and the data version's read.
    with django_assert_num_queries(len(registry.searchable_models()) + 1):
        response = client.get(SEARCH, {"q": "داعش", "limit": 5})
    assert response.status_code == 200
    results = response.json()["results"]
    assert results[0]["type"] == "organisation" and results[0]["slug"] == "islamic-state"
    assert results[0]["url"].endswith("/api/v1/organisations/islamic-state/")
    assert [row["rank"] for row in results] == sorted((row["rank"] for row in results), reverse=True)
    kinds = {row["type"] for row in client.get(SEARCH, {"q": "Crocus", "limit": 20}).json()["results"]}
    assert {"attack", "agreement"} <= kinds


def test_the_search_across_kinds_takes_a_type(client, dataset):
    results = client.get(SEARCH, {"q": "داعش", "type": "attack"}).json()["results"]
    assert results and {row["type"] for row in results} == {"attack"}


@pytest.mark.parametrize(
    ("params", "field"),
    [({}, "q"), ({"q": "«»"}, "q"), ({"q": "x", "type": "weapon"}, "type"), ({"q": "x", "limit": "0"}, "limit")],
)
def test_the_search_across_kinds_refuses_bad_input(client, dataset, params, field):
    response = client.get(SEARCH, params)
    assert response.status_code == 400
    assert field in response.json()


def test_the_search_across_kinds_keys_its_cache_on_the_query(client, dataset, settings):
    settings.CTDB_API_CACHE_SECONDS = 60
    first = client.get(SEARCH, {"q": "داعش"}).json()["results"][0]["slug"]
    second = client.get(SEARCH, {"q": "Crocus City Hall"}).json()["results"][0]["slug"]
    assert (first, second) == ("islamic-state", "2024-crocus-city-hall-attack")


# -- the admin: search box, autocomplete, header search ------------------------------


@pytest.fixture
def editor(client, dataset):
    user = get_user_model().objects.create_superuser("search-editor", "e@example.org", "pw")
    client.force_login(user)
    return client


def test_the_autocomplete_offers_the_islamic_state_first(editor):
    response = editor.get(
        "/admin/autocomplete/",
        {"term": "داعش", "app_label": "core", "model_name": "attribution", "field_name": "organisation"},
    )
    assert response.json()["results"][0]["text"] == "Islamic State"


def test_the_changelist_search_lists_the_best_hit_first_unless_sorted(editor):
    best = models.Organisation.objects.get(slug="islamic-state")
    page = editor.get("/admin/core/organisation/", {"q": "داعش"}).content.decode()
    rows = page.split("<tbody>")[1]
    assert rows.index(f"/admin/core/organisation/{best.pk}/change/") == min(
        rows.index(f"/admin/core/organisation/{pk}/change/")
        for pk in models.Organisation.objects.values_list("pk", flat=True)
        if f"/admin/core/organisation/{pk}/change/" in rows
    )


def test_the_header_search_answers_typed_hits_with_their_pages(editor):
    page = editor.get("/admin/search/", {"q": "Crocus"}).content.decode()
    attack = models.Attack.objects.get(slug="2024-crocus-city-hall-attack")
    assert 'id="header-search"' in page
    assert f'data-kind="attack" data-slug="{attack.slug}"' in page
    assert f"/admin/core/attack/{attack.pk}/change/" in page


def test_the_header_search_needs_a_login(client, dataset):
    response = client.get("/admin/search/", {"q": "Crocus"})
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


# -- documents stay current -------------------------------------------------------


def test_an_attribution_added_or_removed_moves_the_attack_in_search(dataset):
    attack = models.Attack.objects.get(slug="2016-dhaka-attack")
    group = models.Organisation.objects.get(slug="al-nusra-front")
    assert attack not in ranked(models.Attack.objects.all(), "Nusra")
    attribution = models.Attribution.objects.create(attack=attack, organisation=group, kind="suspected")
    assert attack in ranked(models.Attack.objects.all(), "Nusra")
    attribution.delete()
    assert attack not in ranked(models.Attack.objects.all(), "Nusra")


def test_a_new_alias_reaches_the_attacks_of_its_group(dataset):
    attacks = ranked(models.Attack.objects.all(), "Zzyzxgroup")
    assert not attacks.exists()
    group = models.Organisation.objects.get(slug="islamic-state")
    group.aliases.create(name="Zzyzxgroup", language="en", kind="name")
    assert set(ranked(models.Attack.objects.all(), "Zzyzxgroup")) == set(
        models.Attack.objects.filter(attributions__organisation=group)
    )


def test_reindex_finds_every_document_current_after_the_fixtures_load(dataset):
    assert reindex_all() == {model: 0 for model in reindex_all()}


def test_the_reindex_command_rebuilds_a_stale_document(dataset):
    models.Attack.objects.filter(slug="2016-dhaka-attack").update(search_text="")
    call_command("reindex_search", verbosity=0)
    assert ranked(models.Attack.objects.all(), "Dhaka").filter(slug="2016-dhaka-attack").exists()


def test_search_everything_lists_each_record_once(dataset):
    hits = search_everything("Islamic State", limit=50)
    assert len(hits) == len({(hit.kind, hit.slug) for hit in hits})


def test_an_imported_attribution_and_a_renamed_group_reach_the_attacks_documents(dataset, admin_user):
    import tablib

    from ctdb.core.resources import RESOURCES

    attack = models.Attack.objects.get(slug="2016-dhaka-attack")
    header = ["slug", "attack", "organisation", "kind", "accused_by", "note", "inferred"]
    rows = tablib.Dataset(["", attack.slug, "al-nusra-front", "suspected", "", "", "{}"], headers=header)
    result = RESOURCES[models.Attribution]().import_data(rows, dry_run=False, raise_errors=True, user=admin_user)
    assert not result.has_errors()
    assert attack in ranked(models.Attack.objects.all(), "Nusra")
    # The group renamed by an import: its attacks are found by the new name.
    group = models.Organisation.objects.get(slug="al-nusra-front")
    renamed = tablib.Dataset(headers=["slug", "name_en"])
    renamed.append([group.slug, "Zzyzx Front"])
    result = RESOURCES[models.Organisation]().import_data(renamed, dry_run=False, raise_errors=True, user=admin_user)
    assert not result.has_errors()
    assert attack in ranked(models.Attack.objects.all(), "Zzyzx")
