"""The curated dataset: a fresh build of the sources, loadable twice with no
change, every record and link cited, every quote in its article."""

from pathlib import Path

import pytest
from django.core import serializers
from django.core.management import call_command

from ctdb.core import models
from ctdb.fixture_compiler.builder import build

ROOT = Path(__file__).resolve().parent.parent.parent / "fixtures"

CITED = [
    models.Organisation,
    models.Actor,
    models.Attack,
    models.Agreement,
    models.Attribution,
    models.AttackLink,
    models.AgreementParty,
    models.AgreementTarget,
    models.OrganisationRelationship,
    models.Affiliation,
]


def test_committed_fixture_is_a_fresh_build():
    assert (ROOT / "ctdb.json").read_text(encoding="utf-8") == build(ROOT)


def test_article_texts_are_the_sources_files():
    sources = {path.stem for path in (ROOT / "source").glob("*.yaml")}
    texts = {path.stem for path in (ROOT / "articles").glob("*.txt")}
    assert sources == texts
    assert len(sources) == 5


def snapshot():
    rows = []
    for model in [models.Article, models.OrganisationAlias, models.ActorAlias, models.Citation, *CITED]:
        rows.append(serializers.serialize("json", model.objects.order_by("pk"), use_natural_foreign_keys=True))
    return rows


def test_loading_twice_changes_nothing(dataset):
    before = snapshot()
    call_command("loaddata", str(ROOT / "ctdb.json"), verbosity=0)
    assert snapshot() == before


@pytest.mark.parametrize("model", CITED, ids=lambda m: m.__name__)
def test_no_record_without_citation(dataset, model):
    assert model.objects.exists()
    uncited = list(model.objects.filter(citations__isnull=True).values_list("slug", flat=True))
    assert uncited == []


def test_every_quote_is_in_its_article_at_its_offsets(dataset):
    citations = list(models.Citation.objects.select_related("article"))
    assert len(citations) > 100
    misplaced = [c.slug for c in citations if c.article.text[c.start : c.end] != c.quote]
    assert misplaced == []


def test_article_checksums_match_texts(dataset):
    import hashlib

    for article in models.Article.objects.all():
        assert article.text_sha256 == hashlib.sha256(article.text.encode()).hexdigest()


def test_search_text_is_filled_on_load(dataset):
    islamic_state = models.Organisation.objects.get(slug="islamic-state")
    assert "داعش" in islamic_state.search_text
    assert models.Organisation.objects.filter(search_text="").count() == 0


def test_loaded_records_get_a_first_history_entry(db):
    call_command("load_dataset", verbosity=0)
    assert models.Organisation.history.count() == models.Organisation.objects.count() > 0
    call_command("load_dataset", if_empty=True, verbosity=0)
    assert models.Organisation.history.count() == models.Organisation.objects.count()
