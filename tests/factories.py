"""Plain functions that build valid ctdb records for tests.

Each takes the fields that matter to a test as keyword arguments and fills
the rest with unique, valid values. `cite()` attaches a citation whose quote
really occurs in its article, as the database insists.
"""

import itertools

from ctdb.core.choices import AgreementKind, AttributionKind, OrganisationKind
from ctdb.core.models import (
    Actor,
    ActorAlias,
    Affiliation,
    Agreement,
    AgreementParty,
    AgreementTarget,
    Article,
    Attack,
    AttackLink,
    Attribution,
    Citation,
    Organisation,
    OrganisationAlias,
    OrganisationRelationship,
)
from ctdb.sources.models import CITATION_TARGETS

_numbers = itertools.count(1)

# The Citation field that points at each kind of record or link.
CITATION_FIELD = {Citation._meta.get_field(field).related_model: field for field in CITATION_TARGETS}


def number():
    return next(_numbers)


def article(**fields):
    n = number()
    values = {
        "slug": f"article-{n}",
        "title": f"Article {n}",
        "published": "2024-03",
        "text": f"Article {n} reports what follows. It is fiction written for tests.",
    }
    return Article.objects.create(**{**values, **fields})


def cite(record, **fields):
    """A citation of `record`; by default its quote is in a new article."""
    if "article" not in fields:
        fields.setdefault("quote", f"Sentence {number()} supports {record.slug}.")
        fields["article"] = article(text=f"Preamble. {fields['quote']} Postscript.")
    fields.setdefault("quote", fields["article"].text)
    return Citation.objects.create(**{CITATION_FIELD[type(record)]: record}, **fields)


def _default(fields, name, build):
    if name not in fields:
        fields[name] = build()
    return fields


def organisation(aliases=(), **fields):
    n = number()
    values = {"slug": f"organisation-{n}", "name_en": f"Organisation {n}", "kind": OrganisationKind.MILITANT_GROUP}
    record = Organisation.objects.create(**{**values, **fields})
    for name in aliases:
        OrganisationAlias.objects.create(organisation=record, name=name)
    record.refresh_from_db()
    return record


def actor(aliases=(), **fields):
    n = number()
    record = Actor.objects.create(**{"slug": f"actor-{n}", "name_en": f"Actor {n}", **fields})
    for name in aliases:
        ActorAlias.objects.create(actor=record, name=name)
    record.refresh_from_db()
    return record


def attack(**fields):
    n = number()
    return Attack.objects.create(**{"slug": f"attack-{n}", "name_en": f"Attack {n}", "start": "2024-03-22", **fields})


def agreement(**fields):
    n = number()
    values = {"slug": f"agreement-{n}", "name_en": f"Agreement {n}", "kind": AgreementKind.TREATY, "start": "2016"}
    return Agreement.objects.create(**{**values, **fields})


def attribution(**fields):
    _default(fields, "attack", attack)
    _default(fields, "organisation", organisation)
    return Attribution.objects.create(**{"kind": AttributionKind.CLAIMED, **fields})


def attack_link(from_attack, to_attack, kind="related"):
    return AttackLink.objects.create(from_attack=from_attack, to_attack=to_attack, kind=kind)


def relationship(**fields):
    _default(fields, "subject", organisation)
    _default(fields, "object", organisation)
    return OrganisationRelationship.objects.create(**{"kind": "branch_of", **fields})


def party(**fields):
    _default(fields, "agreement", agreement)
    _default(fields, "organisation", lambda: organisation(kind=OrganisationKind.STATE))
    return AgreementParty.objects.create(**fields)


def target(**fields):
    _default(fields, "agreement", agreement)
    _default(fields, "organisation", organisation)
    return AgreementTarget.objects.create(**fields)


def affiliation(**fields):
    _default(fields, "actor", actor)
    _default(fields, "organisation", organisation)
    return Affiliation.objects.create(**fields)


def example(model, n=1):
    """The `n`th record of `model` made from its fields alone, for a record
    type added after the hand-made records of the fixtures were written:
    each required value filled in (the `n`th record of a related model, the
    first choice, a word or a number), so that every test that takes the
    records of each type covers the new type too. Not cited: the caller cites
    it where the type can be cited (`CITATION_FIELD`)."""
    values = {}
    for field in model._meta.concrete_fields:
        if field.primary_key or field.null or field.has_default() or (field.blank and not field.is_relation):
            continue
        if field.is_relation:
            related = field.related_model.objects.order_by("pk")
            values[field.name] = related[(n - 1) % related.count()]
        elif field.choices:
            values[field.name] = field.choices[0][0]
        else:
            values[field.name] = field.to_python(n if field.get_internal_type().endswith("IntegerField") else f"x{n}")
    if any(field.name == "name_en" for field in model._meta.fields):
        values["name_en"] = f"Example {model._meta.verbose_name} {n}"
    record = model(**values)
    record.full_clean()
    record.save()
    return record
