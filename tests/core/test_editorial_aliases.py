"""Well-known names as editorial aliases (issue 15, item 4): a name no article
spells out (ISIS, CIA) is an alias of provenance `editorial` with the
editor's reasoning, kept apart from the names the articles report in the
model, the fixtures, the API and the dataset's files."""

import copy
from pathlib import Path

import pytest
import yaml
from django.core.exceptions import ValidationError

from ctdb.core import models
from ctdb.core.choices import AliasProvenance
from ctdb.exports.spec import TABLES_BY_NAME
from ctdb.exports.writer import export_dataset
from ctdb.fixture_compiler.builder import BuildError, build, spelled
from tests import factories
from tests.api.base import RESOURCE_BY_PATH, get
from tests.exports.conftest import read_rows
from tests.fixture_compiler.test_fixture_build import VALID, write

ROOT = Path(__file__).resolve().parent.parent.parent / "fixtures"
ALIAS_MODELS = (models.OrganisationAlias, models.ActorAlias)


def editorial_sources():
    """(owner field, owner slug, alias as written) of every alias in fixtures/editorial/*.yaml."""
    found = []
    for path in sorted((ROOT / "editorial").glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for section, owner in (("organisations", "organisation"), ("actors", "actor")):
            for entry in data.get(section) or []:
                found += [(owner, entry["slug"], alias) for alias in entry["aliases"]]
    return found


# -- the model ---------------------------------------------------------


@pytest.fixture
def group(db):
    return factories.organisation(name_en="Islamic State", name_ar="تنظيم الدولة الإسلامية")


@pytest.mark.parametrize("reasoning", ["", "   \n"])
def test_an_editorial_alias_without_reasoning_is_refused(group, reasoning):
    alias = models.OrganisationAlias(
        organisation=group, name="ISIS", language="en", kind="acronym", provenance="editorial", reasoning=reasoning
    )
    with pytest.raises(ValidationError) as refused:
        alias.full_clean()
    assert set(refused.value.message_dict) == {"reasoning"}


def test_an_article_alias_with_reasoning_is_refused(db):
    actor = factories.actor(name_en="Vladimir Putin", name_ar="فلاديمير بوتين")
    alias = models.ActorAlias(actor=actor, name="بوتين", reasoning="Everyone knows it.")
    assert alias.provenance == AliasProvenance.ARTICLE  # the default
    with pytest.raises(ValidationError) as refused:
        alias.full_clean()
    assert set(refused.value.message_dict) == {"reasoning"}


def test_an_editorial_alias_with_reasoning_is_valid(group):
    alias = models.OrganisationAlias(
        organisation=group,
        name="ISIS",
        language="en",
        kind="acronym",
        provenance="editorial",
        reasoning="The common English acronym; no article uses it.",
    )
    alias.full_clean()
    alias.save()
    assert alias.history.get().provenance == "editorial"


# -- the curated fixtures -------------------------------------------------


def test_the_fixtures_hold_the_editorial_aliases_with_their_reasoning(dataset):
    written = editorial_sources()
    assert len(written) >= 30
    for owner, slug, alias in written:
        model = models.OrganisationAlias if owner == "organisation" else models.ActorAlias
        stored = model.objects.get(**{f"{owner}__slug": slug, "name": alias["name"]})
        assert stored.provenance == AliasProvenance.EDITORIAL, stored
        assert stored.reasoning == alias["reasoning"] and stored.reasoning.strip()
        assert (stored.language, stored.kind) == (alias["language"], alias["kind"])
    editorial = sum(model.objects.filter(provenance="editorial").count() for model in ALIAS_MODELS)
    assert editorial == len(written)
    isis = models.OrganisationAlias.objects.get(organisation__slug="islamic-state", name="ISIS")
    assert (isis.kind, isis.language) == ("acronym", "en")
    assert models.ActorAlias.objects.get(actor__slug="ayman-al-zawahiri", name="al-Zawahiri").provenance == "editorial"


def test_no_article_alias_has_reasoning(dataset):
    for model in ALIAS_MODELS:
        article = model.objects.filter(provenance=AliasProvenance.ARTICLE)
        assert article.exists()
        assert list(article.exclude(reasoning="").values_list("name", flat=True)) == []
    # The names the articles report stay article aliases.
    daesh = models.OrganisationAlias.objects.get(organisation__slug="islamic-state", name="داعش")
    assert daesh.provenance == AliasProvenance.ARTICLE


def test_no_article_spells_an_editorial_name():
    texts = [path.read_text(encoding="utf-8") for path in (ROOT / "articles").glob("*.txt")]
    written = [alias["name"] for _owner, _slug, alias in editorial_sources()]
    assert [name for name in written if any(name in text for text in texts)] == []


# -- the compiler ---------------------------------------------------------

EDITORIAL = {
    "organisations": [
        {
            "slug": "islamic-state",
            "aliases": [{"name": "ISIS", "language": "en", "kind": "acronym", "reasoning": "No article uses it."}],
        }
    ]
}


def write_editorial(root, data):
    (root / "editorial").mkdir(exist_ok=True)
    (root / "editorial" / "aliases.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")


def compiled_aliases(root):
    import json

    return [item["fields"] for item in json.loads(build(root)) if item["model"] == "core.organisationalias"]


def test_an_editorial_file_adds_aliases_with_their_provenance(tmp_path):
    write(tmp_path, VALID)
    write_editorial(tmp_path, EDITORIAL)
    aliases = {alias["name"]: alias for alias in compiled_aliases(tmp_path)}
    assert aliases["ISIS"] == {
        "organisation": ["islamic-state"],
        "name": "ISIS",
        "language": "en",
        "kind": "acronym",
        "provenance": "editorial",
        "reasoning": "No article uses it.",
    }
    assert (aliases["داعش"]["provenance"], aliases["داعش"]["reasoning"]) == ("article", "")


def edited(change):
    data = copy.deepcopy(EDITORIAL)
    change(data)
    return data


def first_alias(data):
    return data["organisations"][0]["aliases"][0]


BAD_EDITORIAL = {
    "no reasoning": (lambda d: first_alias(d).pop("reasoning"), "alias #1: reasoning is required"),
    "blank reasoning": (lambda d: first_alias(d).update(reasoning=" "), "alias #1: reasoning"),
    "provenance written": (lambda d: first_alias(d).update(provenance="article"), "`provenance` is not written"),
    "unknown record": (
        lambda d: d["organisations"][0].update(slug="al-qaeda"),
        "editorial/aliases.yaml: organisations al-qaeda: unknown organisation 'al-qaeda'",
    ),
    "a citation": (lambda d: d["organisations"][0].update(cite=[{"quote": "روسيا"}]), "unknown key(s) cite"),
    "a record's field": (lambda d: d["organisations"][0].update(name_en="IS"), "unknown key(s) name_en"),
    "an article": (lambda d: d.update(article={"slug": "x"}), "an editorial file only adds aliases"),
    "a link section": (lambda d: d.update(relationships=[]), "an editorial file only adds aliases"),
    "no aliases": (lambda d: d["organisations"][0].pop("aliases"), "an editorial entry gives a list of `aliases`"),
    "spelled by the article": (
        lambda d: first_alias(d).update(name="روسيا", language="ar", kind="name"),
        "'روسيا' is spelled in article sample",
    ),
    "a second alias spelled by the article": (
        lambda d: d["organisations"][0]["aliases"].append(
            {"name": "أوكرانيا", "language": "ar", "kind": "name", "reasoning": "r"}
        ),
        "'أوكرانيا' is spelled in article sample",
    ),
    "an article's alias": (
        lambda d: first_alias(d).update(name="داعش", language="ar", kind="pejorative"),
        "alias 'داعش' is also given in sample.yaml",
    ),
    "twice": (
        lambda d: d["organisations"][0]["aliases"].append(copy.deepcopy(first_alias(d))),
        "alias 'ISIS' is given twice in this file",
    ),
}


@pytest.mark.parametrize("case", list(BAD_EDITORIAL))
def test_a_bad_editorial_file_is_refused(tmp_path, case):
    change, expected = BAD_EDITORIAL[case]
    write(tmp_path, VALID)
    write_editorial(tmp_path, edited(change))
    with pytest.raises(BuildError) as refused:
        build(tmp_path)
    assert any(expected in error for error in refused.value.errors), refused.value.errors


def test_an_article_alias_cannot_carry_reasoning(tmp_path):
    source = copy.deepcopy(VALID)
    source["organisations"][0]["aliases"][0]["reasoning"] = "Everyone knows it."
    write(tmp_path, source)
    with pytest.raises(BuildError) as refused:
        build(tmp_path)
    assert any("an article's alias has no `reasoning`" in error for error in refused.value.errors)


@pytest.mark.parametrize(
    "text, name, found",
    [
        ("أعلن تنظيم داعش مسؤوليته", "داعش", True),
        ("وداعش", "داعش", True),  # with a proclitic
        ("ولداعش فروع", "داعش", True),  # with two
        ("الداعشيون", "داعش", False),  # inside a longer word
        ("SITE compiled", "SITE", True),
        ("This IS it", "IS", True),
        ("this is it", "IS", False),  # case matters
        ("ISIS-K", "ISIS", True),  # a hyphen ends a word
        ("ISISK", "ISIS", False),
    ],
)
def test_spelled_finds_a_name_as_a_word_of_its_own(text, name, found):
    assert spelled(text, name) is found


# -- the API and the dataset ----------------------------------------------


def test_the_api_shows_provenance_and_reasoning(client, dataset):
    record = get(client, RESOURCE_BY_PATH["organisations"].url("islamic-state")).json()
    aliases = {alias["name"]: alias for alias in record["aliases"]}
    assert aliases["ISIS"]["provenance"] == "editorial" and aliases["ISIS"]["reasoning"]
    assert (aliases["داعش"]["provenance"], aliases["داعش"]["reasoning"]) == ("article", "")
    actor = get(client, RESOURCE_BY_PATH["actors"].url("ayman-al-zawahiri")).json()
    assert {alias["name"]: alias["provenance"] for alias in actor["aliases"]} == {
        "الظواهري": "article",
        "al-Zawahiri": "editorial",
        "Ayman al-Zawahri": "editorial",
    }


@pytest.mark.parametrize(
    "name, owner", [("organisation_aliases", "islamic-state"), ("actor_aliases", "ayman-al-zawahiri")]
)
def test_the_alias_files_have_provenance_and_reasoning(dataset, tmp_path, name, owner):
    export_dataset(tmp_path)
    header, *rows = read_rows(tmp_path / f"{name}.csv")
    assert header == TABLES_BY_NAME[name].header
    assert header[-2:] == ["provenance", "reasoning"]
    rows = [dict(zip(header, row, strict=True)) for row in rows]
    assert {row["provenance"] for row in rows} == {"article", "editorial"}
    assert all(bool(row["reasoning"]) == (row["provenance"] == "editorial") for row in rows)
    assert any(row[header[0]] == owner and row["provenance"] == "editorial" for row in rows)
