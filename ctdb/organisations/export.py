"""The organisations domain's files of the dataset export (ctdb.exports.spec)."""

from ctdb.core import models
from ctdb.core.choices import OrganisationKind, OrganisationRelationshipKind
from ctdb.exports.columns import choice, country, partial_date, record_columns, reference, slug, text
from ctdb.exports.spec import Table, alias_columns

TABLES = (
    Table(
        "organisations",
        models.Organisation,
        "Organisations: militant groups, states, agencies, international bodies, coalitions, think tanks and "
        "media outlets. A state acting as a party is an organisation of kind `state`.",
        (
            slug(),
            text("name_ar", "Name in Arabic, as the sources write it."),
            text("name_en", "Name in English."),
            choice("kind", "What kind of organisation it is.", OrganisationKind.choices),
            country("country", "Country of a state, agency or group based in one country."),
            *partial_date("founded", "When the organisation was founded."),
            *partial_date("ended", "When the organisation ceased to exist."),
            text("description_en", "A short neutral description in English."),
            text("description_ar", "A short neutral description in Arabic."),
            *record_columns(),
        ),
    ),
    Table(
        "organisation_aliases",
        models.OrganisationAlias,
        "Other names of organisations: acronyms, pejoratives, former names, transliterations. One row per name.",
        alias_columns("organisation", "organisations"),
        order_by=("organisation__slug", "name"),
    ),
    Table(
        "relationships",
        models.OrganisationRelationship,
        "Typed, dated links between two organisations: the subject is `kind` the object "
        "(ISKP is `branch_of` the Islamic State).",
        (
            slug(),
            reference(
                "subject_slug",
                "The organisation the relationship is stated of (organisations.csv).",
                "organisations",
                "subject",
                required=True,
            ),
            choice("kind", "How the subject relates to the object.", OrganisationRelationshipKind.choices),
            reference(
                "object_slug", "The other organisation (organisations.csv).", "organisations", "object", required=True
            ),
            *partial_date("start", "When the relationship began."),
            *partial_date("end", "When the relationship ended."),
            text("note", "Editor's note."),
            *record_columns(),
        ),
    ),
)
