"""The agreements domain's files of the dataset export (ctdb.exports.spec)."""

from ctdb.core import models
from ctdb.core.choices import AgreementKind, AgreementStatus, PartyRole
from ctdb.exports.columns import choice, decimal, partial_date, record_columns, reference, slug, text
from ctdb.exports.spec import Table

TABLES = (
    Table(
        "agreements",
        models.Agreement,
        "Cooperation against terrorism: treaties and resolutions, intelligence sharing, joint commands, "
        "coalitions, pledges, warnings passed between states, proposals.",
        (
            slug(),
            text("name_ar", "Name in Arabic."),
            text("name_en", "Name in English."),
            choice("kind", "What kind of cooperation it is.", AgreementKind.choices),
            choice("status", "Its status as last reported.", AgreementStatus.choices),
            *partial_date("start", "When it was agreed, sent or proposed."),
            *partial_date("end", "When it ended."),
            decimal("amount", "Amount pledged or funded, in `currency`", 2),
            text("currency", "ISO 4217 currency code of `amount`, e.g. `USD`."),
            text("description_en", "A short neutral description in English."),
            *record_columns(),
        ),
    ),
    Table(
        "agreement_parties",
        models.AgreementParty,
        "Organisations taking part in an agreement, each in a role.",
        (
            slug(),
            reference("agreement_slug", "The agreement (agreements.csv).", "agreements", "agreement", required=True),
            reference(
                "organisation_slug", "The party (organisations.csv).", "organisations", "organisation", required=True
            ),
            choice("role", "The party's role.", PartyRole.choices),
            *partial_date("start", "When the party joined."),
            *partial_date("end", "When the party left."),
            text("note", "Editor's note."),
            *record_columns(),
        ),
    ),
    Table(
        "agreement_targets",
        models.AgreementTarget,
        "Organisations an agreement is aimed against.",
        (
            slug(),
            reference("agreement_slug", "The agreement (agreements.csv).", "agreements", "agreement", required=True),
            reference(
                "organisation_slug",
                "The organisation it is aimed against (organisations.csv).",
                "organisations",
                "organisation",
                required=True,
            ),
            *record_columns(),
        ),
    ),
)
