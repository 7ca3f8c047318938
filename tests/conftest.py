"""Shared test fixtures: a small, complete set of records, and the real dataset."""

from pathlib import Path

import pytest
from django.core.management import call_command

from ctdb.core import models, nested_changes
from ctdb.core.registry import record_models
from tests import factories as make

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "fixtures" / "ctdb.json"
# The dataset's files as published (schema version 2.0), in their order; each
# has curated rows. A file added since comes where its foreign keys put it,
# and has no curated rows until an article reports one.
PUBLISHED_FILES = (
    "organisations.csv",
    "organisation_aliases.csv",
    "relationships.csv",
    "actors.csv",
    "actor_aliases.csv",
    "affiliations.csv",
    "articles.csv",
    "attacks.csv",
    "attributions.csv",
    "attack_links.csv",
    "agreements.csv",
    "agreement_parties.csv",
    "agreement_targets.csv",
    "citations.csv",
)


def published(model):
    """Whether `model`'s records are in a published file (and so in the curated dataset)."""
    from ctdb.exports.spec import TABLES

    return any(table.model is model and table.filename in PUBLISHED_FILES for table in TABLES)


ARTICLE_TEXT = (
    "أعلن تنظيم الدولة الإسلامية «داعش» مسؤوليته عن هجوم كروكوس الذي أسفر عن مقتل 144 شخصاً على الأقل، "
    "واتهمت روسيا أوكرانيا، فيما قالت الولايات المتحدة إنها حذرت موسكو. "
    "وقال الرئيس الروسي فلاديمير بوتين إن ولاية خراسان فرع من التنظيم."
)


def _cite(article, quote, **target):
    return models.Citation.objects.create(article=article, quote=quote, **target)


@pytest.fixture
def one_of_each(db):
    """One record of every model, each cited, built through the ORM."""
    isis = models.Organisation.objects.create(
        slug="islamic-state", name_ar="تنظيم الدولة الإسلامية", name_en="Islamic State", kind="militant_group"
    )
    models.OrganisationAlias.objects.create(organisation=isis, name="داعش", kind="pejorative")
    iskp = models.Organisation.objects.create(
        slug="islamic-state-khorasan-province", name_ar="ولاية خراسان", name_en="ISKP", kind="militant_group"
    )
    russia = models.Organisation.objects.create(
        slug="russia", name_ar="روسيا", name_en="Russia", kind="state", country="RU"
    )
    ukraine = models.Organisation.objects.create(
        slug="ukraine", name_ar="أوكرانيا", name_en="Ukraine", kind="state", country="UA"
    )
    usa = models.Organisation.objects.create(
        slug="united-states", name_ar="الولايات المتحدة", name_en="United States", kind="state", country="US"
    )
    article = models.Article.objects.create(
        slug="test-article", title="هجوم كروكوس", published="2024-03", text=ARTICLE_TEXT
    )
    putin = models.Actor.objects.create(
        slug="vladimir-putin", name_ar="فلاديمير بوتين", name_en="Vladimir Putin", nationality="RU"
    )
    models.ActorAlias.objects.create(actor=putin, name="بوتين")
    affiliation = models.Affiliation.objects.create(actor=putin, organisation=russia, role="president")
    relationship = models.OrganisationRelationship.objects.create(subject=iskp, kind="branch_of", object=isis)
    campaign = models.Attack.objects.create(slug="campaign", name_en="A campaign", kind="campaign", start="2024")
    attack = models.Attack.objects.create(
        slug="crocus-city-hall-attack",
        name_ar="هجوم كروكوس",
        name_en="Crocus City Hall attack",
        start="2024-03-22",
        country="RU",
        killed_low=144,
        campaign=campaign,
    )
    link = models.AttackLink.objects.create(from_attack=attack, kind="related", to_attack=campaign)
    claimed = models.Attribution.objects.create(attack=attack, organisation=isis, kind="claimed")
    accused = models.Attribution.objects.create(attack=attack, organisation=ukraine, kind="accused", accused_by=russia)
    warning = models.Agreement.objects.create(
        slug="us-warning-to-russia", name_en="US warning to Russia", kind="warning", status="denied", start="2024-03"
    )
    sender = models.AgreementParty.objects.create(agreement=warning, organisation=usa, role="sender")
    target = models.AgreementTarget.objects.create(agreement=warning, organisation=iskp)
    _cite(article, "تنظيم الدولة الإسلامية", organisation=isis)
    _cite(article, "ولاية خراسان", organisation=iskp)
    _cite(article, "روسيا", organisation=russia)
    _cite(article, "أوكرانيا", organisation=ukraine)
    _cite(article, "الولايات المتحدة", organisation=usa)
    _cite(article, "فلاديمير بوتين", actor=putin)
    _cite(article, "الرئيس الروسي فلاديمير بوتين", affiliation=affiliation)
    _cite(article, "ولاية خراسان فرع من التنظيم", relationship=relationship)
    _cite(article, "هجوم كروكوس", attack=attack)
    _cite(article, "هجوم كروكوس الذي", attack=campaign)
    _cite(article, "هجوم كروكوس الذي أسفر", attack_link=link)
    _cite(article, "أعلن تنظيم الدولة الإسلامية «داعش» مسؤوليته", attribution=claimed)
    _cite(article, "واتهمت روسيا أوكرانيا", attribution=accused)
    _cite(article, "قالت الولايات المتحدة إنها حذرت موسكو", agreement=warning)
    _cite(article, "الولايات المتحدة إنها حذرت", party=sender)
    _cite(article, "حذرت موسكو", agreement_target=target)
    made = {"isis": isis, "article": article, "attack": attack, "putin": putin, "warning": warning}
    # A record type added since this was written: one record, cited if it can be.
    for model in record_models():
        if not model.objects.exists():
            made[model._meta.model_name] = record = make.example(model)
            if model in make.CITATION_FIELD:
                _cite(article, "هجوم كروكوس", **{make.CITATION_FIELD[model]: record})
    return made


@pytest.fixture
def dataset(db):
    """The real curated dataset, loaded from fixtures/ctdb.json with its own times."""
    with nested_changes.suspended():
        call_command("loaddata", str(FIXTURE), verbosity=0)
