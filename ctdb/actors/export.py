"""The actors domain's files of the dataset export (ctdb.exports.spec)."""

from ctdb.core import models
from ctdb.exports.columns import country, partial_date, record_columns, reference, slug, text
from ctdb.exports.spec import Table, alias_columns

TABLES = (
    Table(
        "actors",
        models.Actor,
        "Individual people: leaders, officials, analysts, authors.",
        (
            slug(),
            text("name_ar", "Name in Arabic."),
            text("name_en", "Name in English."),
            text("title_ar", "Title or role as reported, in Arabic."),
            text("title_en", "Title or role as reported, in English."),
            country("nationality", "Nationality."),
            text("description_en", "A short neutral description in English."),
            *record_columns(),
        ),
    ),
    Table(
        "actor_aliases",
        models.ActorAlias,
        "Other names of people: kunyas, transliterations, noms de guerre. One row per name.",
        alias_columns("actor", "actors"),
        order_by=("actor__slug", "name"),
    ),
    Table(
        "affiliations",
        models.Affiliation,
        "A person's membership of, or role in, an organisation, with dates.",
        (
            slug(),
            reference("actor_slug", "The person (actors.csv).", "actors", "actor", required=True),
            reference(
                "organisation_slug",
                "The organisation (organisations.csv).",
                "organisations",
                "organisation",
                required=True,
            ),
            text("role", "The role as reported; empty for a plain member."),
            *partial_date("start", "When the affiliation began."),
            *partial_date("end", "When the affiliation ended."),
            *record_columns(),
        ),
    ),
)
