"""`?search=` folds Arabic spelling variants and Latin accents, and finds
records by their aliases."""

import pytest

from .base import RESOURCE_BY_PATH, slugs

ORGANISATIONS = RESOURCE_BY_PATH["organisations"].url()
ACTORS = RESOURCE_BY_PATH["actors"].url()


@pytest.mark.parametrize(
    "query",
    [
        "الدولة الاسلامية",  # no hamza, no shadda
        "الدولة الإسلامية",  # hamza below
        "الدوله الاسلاميه",  # ta marbuta written as ha
        "الدَّوْلَةُ الإسْلامِيَّة",  # full diacritics
        "الدولـــة الإسلامية",  # tatweel
        "تنظيم الدولة",
        "داعش",  # the alias
        "ISIS",
        "isis",
        "islamic state",
    ],
)
def test_islamic_state_by_any_spelling(client, world, query):
    assert "islamic-state" in slugs(client, ORGANISATIONS, search=query)


def test_alias_finds_only_its_owner(client, world):
    assert slugs(client, ORGANISATIONS, search="داعش") == ["islamic-state"]


def test_records_meeting_more_words_come_first(client, world):
    # Both words: the Khorasan Province first; one of two still finds the Islamic State, after it.
    assert slugs(client, ORGANISATIONS, search="islamic khorasan")[:2] == [
        "islamic-state-khorasan-province",
        "islamic-state",
    ]
    assert slugs(client, ORGANISATIONS, search="islamic state")[:2] == [
        "islamic-state",
        "islamic-state-khorasan-province",
    ]
    # All of the words but one is enough; none of them is not.
    assert "islamic-state" in slugs(client, ORGANISATIONS, search="islamic nowhere")
    assert slugs(client, ORGANISATIONS, search="nowhere elsewhere") == []
    # Of three words, two must be met.
    assert "islamic-state" not in slugs(client, ORGANISATIONS, search="islamic nowhere elsewhere")


@pytest.mark.parametrize("query", ["Erdogan", "erdoğan", "ERDOGAN", "recep erdogan", "أردوغان", "اردوغان", "إردوغان"])
def test_latin_accents_and_alef_forms(client, world, query):
    assert slugs(client, ACTORS, search=query) == ["recep-tayyip-erdogan"]


def test_blank_or_punctuation_only_search_matches_all(client, world):
    assert slugs(client, ORGANISATIONS, search=" «» - ") == slugs(client, ORGANISATIONS)


def test_search_combines_with_filters(client, world):
    assert slugs(client, ORGANISATIONS, search="islamic", country="AF") == ["islamic-state-khorasan-province"]


@pytest.mark.parametrize(
    "path, query, expected",
    [
        ("attacks", "كروكوس", ["2024-crocus-city-hall-attack"]),
        ("attacks", "krasnogorsk", ["2024-crocus-city-hall-attack"]),
        ("agreements", "التحالف الدولي", ["global-coalition-against-daesh"]),
        ("articles", "هجوم موسكو", ["2024-03-sputnik-moscow-attack"]),
        ("attributions", "crocus ukraine", ["2024-crocus-city-hall-attack--accused--ukraine--russia"]),
        ("relationships", "خراسان", ["islamic-state-khorasan-province--branch_of--islamic-state"]),
        ("agreement-parties", "coalition turkey", ["global-coalition-against-daesh--member--turkey"]),
        ("affiliations", "بوتين", ["vladimir-putin--russia--president"]),
    ],
)
def test_search_on_other_resources(client, world, path, query, expected):
    # Best first: a link that meets a word only through a record's context comes after.
    assert slugs(client, RESOURCE_BY_PATH[path].url(), search=query)[: len(expected)] == expected


def test_too_many_words_is_400(client, world):
    response = client.get(ORGANISATIONS, {"search": " ".join(["word"] * 11)})
    assert response.status_code == 400
