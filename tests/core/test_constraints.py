"""Every database rule refuses bad rows in the database itself (no form or
model validation runs here: rows go straight to the database)."""

import pytest
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError

from ctdb.core.models import (
    Agreement,
    Article,
    Attack,
    Attribution,
    Citation,
    Organisation,
    OrganisationRelationship,
)

pytestmark = pytest.mark.django_db

TEXT = "أعلن تنظيم الدولة الإسلامية مسؤوليته عن الهجوم الذي أسفر عن مقتل 144 شخصاً على الأقل."


@pytest.fixture
def base():
    isis = Organisation.objects.create(slug="islamic-state", name_en="Islamic State", kind="militant_group")
    russia = Organisation.objects.create(slug="russia", name_en="Russia", kind="state", country="RU")
    article = Article.objects.create(slug="a1", title="t", text=TEXT)
    attack = Attack.objects.create(slug="attack", name_en="Attack", start="2024-03-22")
    return {"isis": isis, "russia": russia, "article": article, "attack": attack}


def refused(callable_):
    with pytest.raises(IntegrityError), transaction.atomic():
        callable_()


@pytest.mark.parametrize(
    "values",
    [
        {"killed_low": -1},
        {"killed_high": -1},
        {"wounded_low": -5},
        {"wounded_high": -5},
        {"killed_low": 10, "killed_high": 9},
        {"wounded_low": 3, "wounded_high": 2},
        {"start": "2024-03-22", "end": "2024-03-21"},
        {"start": "2024-03", "end": "2023"},
        {"latitude": 91},
        {"longitude": -181},
        {"geo_precision": 6},
        {"start": "2024-3"},
        {"start": "24"},
        {"name_en": "", "name_ar": ""},
    ],
)
def test_attack_rows_refused(base, values):
    refused(lambda: Attack.objects.filter(pk=base["attack"].pk).update(**values))


@pytest.mark.parametrize(
    "values",
    [
        {"killed_low": 144, "killed_high": None},
        {"killed_low": 90, "killed_high": 90},
        {"start": "2024-03", "end": "2024"},
        {"start": "2024-03-22", "end": "2024-03"},
    ],
)
def test_attack_rows_accepted(base, values):
    Attack.objects.filter(pk=base["attack"].pk).update(**values)


def test_attack_cannot_be_its_own_campaign(base):
    attack = base["attack"]
    refused(lambda: Attack.objects.filter(pk=attack.pk).update(campaign=attack))


def test_organisation_end_before_founding_refused(base):
    refused(lambda: Organisation.objects.filter(pk=base["isis"].pk).update(founded="2014-06", ended="2013"))


def test_slug_is_unique(base):
    refused(lambda: Organisation.objects.create(slug="islamic-state", name_en="Other", kind="militant_group"))


def test_relationship_with_itself_refused(base):
    refused(lambda: OrganisationRelationship.objects.create(subject=base["isis"], kind="rival", object=base["isis"]))


def test_duplicate_relationship_refused(base):
    OrganisationRelationship.objects.create(subject=base["isis"], kind="rival", object=base["russia"])
    refused(
        lambda: OrganisationRelationship.objects.create(
            slug="other-slug", subject=base["isis"], kind="rival", object=base["russia"]
        )
    )


def test_accusation_needs_accuser(base):
    refused(lambda: Attribution.objects.create(attack=base["attack"], organisation=base["isis"], kind="accused"))


def test_accuser_only_for_accusations(base):
    refused(
        lambda: Attribution.objects.create(
            attack=base["attack"], organisation=base["isis"], kind="claimed", accused_by=base["russia"]
        )
    )


@pytest.mark.parametrize("values", [{"amount": -1, "currency": "USD"}, {"amount": 10, "currency": ""}])
def test_agreement_amount_rules(values):
    refused(lambda: Agreement.objects.create(slug="a", name_en="A", kind="pledge", **values))


def citation(base, **values):
    fields = {"article": base["article"], "quote": "تنظيم الدولة الإسلامية", "organisation": base["isis"]}
    fields.update(values)
    return Citation.objects.create(**fields)


def test_valid_citation_is_located(base):
    made = citation(base)
    assert TEXT[made.start : made.end] == made.quote
    assert made.slug.startswith("c-")


def test_citation_quote_not_in_article_refused(base):
    refused(lambda: citation(base, quote="تنظيم القاعدة", start=5, end=18))


def test_citation_quote_at_wrong_offsets_refused(base):
    made = citation(base)
    refused(lambda: Citation.objects.filter(pk=made.pk).update(start=made.start + 1, end=made.end + 1))


def test_citation_span_outside_article_refused(base):
    refused(lambda: citation(base, quote="الهجوم", start=len(TEXT) + 10, end=len(TEXT) + 16))


def test_citation_span_must_match_quote_length(base):
    made = citation(base)
    refused(lambda: Citation.objects.filter(pk=made.pk).update(end=made.end + 1))


def test_citation_without_target_refused(base):
    refused(lambda: citation(base, organisation=None))


def test_citation_with_two_targets_refused(base):
    refused(lambda: citation(base, attack=base["attack"]))


def test_article_text_change_that_breaks_a_citation_refused(base):
    citation(base)
    refused(lambda: Article.objects.filter(pk=base["article"].pk).update(text="نص آخر تماماً"))


def test_article_text_change_that_keeps_citations_allowed(base):
    citation(base)
    Article.objects.filter(pk=base["article"].pk).update(text=TEXT + " ملحق")


def test_deleting_cited_record_or_article_is_refused(base):
    citation(base)
    with pytest.raises(ProtectedError):
        base["isis"].delete()
    with pytest.raises(ProtectedError):
        base["article"].delete()


def test_deleting_organisation_with_attribution_is_refused(base):
    Attribution.objects.create(attack=base["attack"], organisation=base["isis"], kind="claimed")
    with pytest.raises(ProtectedError):
        base["isis"].delete()
    with pytest.raises(ProtectedError):
        base["attack"].delete()


@pytest.mark.parametrize(
    "inferred",
    [[], "a guess", {"start": ""}, {"start": 2024}, {"start": {"why": "nested"}}],
    ids=["list", "text", "empty-reason", "number", "nested"],
)
def test_inferred_must_map_fields_to_reasoning_text(db, inferred):
    from django.core.exceptions import ValidationError

    from tests import factories as make

    attack = make.attack()
    attack.inferred = inferred
    with pytest.raises(ValidationError) as raised:
        attack.full_clean()
    assert "inferred" in raised.value.message_dict
    attack.inferred = {"start": "The article dates it to the week before."}
    attack.full_clean()
