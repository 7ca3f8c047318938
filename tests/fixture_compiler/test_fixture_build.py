"""The fixture compiler: a valid source builds deterministically, and every
kind of bad annotation is refused with a message naming file and entry."""

import copy
import json

import pytest
import yaml
from django.core.management import call_command

from ctdb.core import nested_changes
from ctdb.fixture_compiler.builder import BuildError, build

TEXT = (
    "أعلن تنظيم الدولة الإسلامية مسؤوليته عن الهجوم الذي وقع في 22 مارس 2024 وأسفر عن مقتل 144 شخصاً على الأقل. "
    "واتهمت روسيا أوكرانيا بالوقوف وراءه."
)

VALID = {
    "article": {"slug": "sample", "title": "عنوان", "outlet": None, "published": "2024-03", "language": "ar"},
    "organisations": [
        {
            "slug": "islamic-state",
            "name_ar": "تنظيم الدولة الإسلامية",
            "name_en": "Islamic State",
            "kind": "militant_group",
            "aliases": [{"name": "داعش", "language": "ar", "kind": "pejorative"}],
            "cite": [{"quote": "تنظيم الدولة الإسلامية"}],
        },
        {
            "slug": "russia",
            "name_ar": "روسيا",
            "name_en": "Russia",
            "kind": "state",
            "country": "RU",
            "cite": [{"quote": "روسيا"}],
        },
        {
            "slug": "ukraine",
            "name_ar": "أوكرانيا",
            "name_en": "Ukraine",
            "kind": "state",
            "country": "UA",
            "cite": [{"quote": "أوكرانيا"}],
        },
    ],
    "attacks": [
        {
            "slug": "the-attack",
            "name_en": "The attack",
            "kind": "attack",
            "start": "2024-03-22",
            "killed": {"low": 144},
            "cite": [{"quote": "الهجوم الذي وقع في 22 مارس 2024"}],
            "attributions": [
                {
                    "organisation": "islamic-state",
                    "kind": "claimed",
                    "cite": [{"quote": "أعلن تنظيم الدولة الإسلامية مسؤوليته"}],
                },
                {
                    "organisation": "ukraine",
                    "kind": "accused",
                    "accused_by": "russia",
                    "cite": [{"quote": "واتهمت روسيا أوكرانيا"}],
                },
            ],
        }
    ],
}


def write(root, source, name="sample"):
    (root / "source").mkdir(parents=True, exist_ok=True)
    (root / "articles").mkdir(exist_ok=True)
    (root / "articles" / "sample.txt").write_text(TEXT, encoding="utf-8")
    (root / "dataset.yaml").write_text('version: "t"\ntimestamp: "2026-01-01T00:00:00Z"\n', encoding="utf-8")
    (root / "source" / f"{name}.yaml").write_text(yaml.safe_dump(source, allow_unicode=True), encoding="utf-8")


def test_valid_source_builds_deterministically(tmp_path):
    write(tmp_path, VALID)
    first = build(tmp_path)
    assert first == build(tmp_path)
    objects = json.loads(first)
    models = [item["model"] for item in objects]
    assert models.count("core.organisation") == 3
    assert models.count("core.attribution") == 2
    assert models.count("core.citation") == 6
    attack = next(item for item in objects if item["model"] == "core.attack")
    assert attack["fields"]["killed_low"] == 144
    assert attack["fields"]["killed_high"] is None
    quotes = [item["fields"] for item in objects if item["model"] == "core.citation"]
    assert all(TEXT[q["start"] : q["end"]] == q["quote"] for q in quotes)


def mutated(change):
    source = copy.deepcopy(VALID)
    change(source)
    return source


BAD = {
    "quote not in article": (
        lambda s: s["organisations"][0]["cite"][0].update(quote="تنظيم القاعدة"),
        "organisations islamic-state cite #1: quote not found",
    ),
    "unknown reference": (
        lambda s: s["attacks"][0]["attributions"][0].update(organisation="al-qaeda"),
        "unknown organisation 'al-qaeda'",
    ),
    "impossible date": (
        lambda s: s["attacks"][0].update(start="2024-02-30"),
        "attacks the-attack: invalid date in start",
    ),
    "invalid date shape": (
        lambda s: s["article"].update(published="24-03"),
        "article sample: invalid date in published",
    ),
    "duplicate record": (
        lambda s: s["organisations"].append(copy.deepcopy(s["organisations"][1])),
        "duplicate: 'russia' is defined twice in this file",
    ),
    "duplicate link": (
        lambda s: s["attacks"][0]["attributions"].append(copy.deepcopy(s["attacks"][0]["attributions"][0])),
        "duplicate: this attribution is already recorded",
    ),
    "missing citation on a record": (
        lambda s: s["organisations"][1].pop("cite"),
        "organisations russia: missing citation",
    ),
    "missing citation on a link": (
        lambda s: s["attacks"][0]["attributions"][0].pop("cite"),
        "attributions #1: missing citation",
    ),
    "value outside vocabulary": (
        lambda s: s["attacks"][0]["attributions"][0].update(kind="rumoured"),
        "kind 'rumoured' is not one of",
    ),
    "accusation without accuser": (
        lambda s: s["attacks"][0]["attributions"][1].pop("accused_by"),
        "accused_by is required",
    ),
    "low above high": (
        lambda s: s["attacks"][0].update(killed={"low": 10, "high": 5}),
        "killed: low 10 is above high 5",
    ),
    "unknown key": (
        lambda s: s["attacks"][0].update(casualties=3),
        "unknown key(s) casualties",
    ),
    "bad country": (
        lambda s: s["organisations"][1].update(country="XX"),
        "'XX' is not an ISO 3166 country code",
    ),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_annotation_is_refused(tmp_path, case):
    change, expected = BAD[case]
    write(tmp_path, mutated(change))
    with pytest.raises(BuildError) as error:
        build(tmp_path)
    message = str(error.value)
    assert "sample.yaml" in message
    assert expected in message


def test_conflicting_definitions_across_files_are_refused(tmp_path):
    write(tmp_path, VALID)
    other = {
        "article": {"slug": "other", "title": "آخر"},
        "organisations": [{"slug": "russia", "name_en": "Russian Federation", "cite": [{"quote": "روسيا"}]}],
    }
    (tmp_path / "articles" / "other.txt").write_text(TEXT, encoding="utf-8")
    (tmp_path / "source" / "other.yaml").write_text(yaml.safe_dump(other, allow_unicode=True), encoding="utf-8")
    with pytest.raises(BuildError) as error:
        build(tmp_path)
    message = str(error.value)
    assert "sample.yaml: organisations russia: duplicate: name_en = 'Russia' conflicts with" in message
    assert "in other.yaml" in message


def test_command_check_fails_on_stale_fixture(tmp_path):
    write(tmp_path, VALID)
    output = tmp_path / "out.json"
    call_command("build_fixtures", root=str(tmp_path), output=str(output))
    call_command("build_fixtures", root=str(tmp_path), output=str(output), check=True)
    output.write_text("[]", encoding="utf-8")
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="not a fresh build"):
        call_command("build_fixtures", root=str(tmp_path), output=str(output), check=True)


@pytest.mark.django_db
def test_built_fixture_loads_and_reloads_unchanged(tmp_path):
    from ctdb.core.models import Citation, Organisation

    write(tmp_path, VALID)
    output = tmp_path / "fixture.json"
    output.write_text(build(tmp_path), encoding="utf-8")
    with nested_changes.suspended():  # as load_dataset loads a fixture: with its own times
        call_command("loaddata", str(output), verbosity=0)
    first = sorted(Organisation.objects.values_list("slug", "search_text", "updated_at"))
    citations = Citation.objects.count()
    call_command("loaddata", str(output), verbosity=0)
    assert sorted(Organisation.objects.values_list("slug", "search_text", "updated_at")) == first
    assert Citation.objects.count() == citations == 6
    assert "داعش" in Organisation.objects.get(slug="islamic-state").search_text
