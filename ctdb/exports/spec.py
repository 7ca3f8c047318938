"""The exported dataset, file by file and column by column: defined here once.

The CSV writer, the importer and the codebook all read `TABLES`; a column
added here appears in all three. Files are listed in an order in which they
can be loaded: every file refers only to files before it (and attacks to
other attacks, their campaigns).

Naming scheme:
- a record's own fields keep their model names (`name_en`, `killed_low`);
- a foreign key is `<field>_slug` and holds the related row's slug
  (`attack_slug`, `accused_by_slug`), never a database id;
- a partial date `<field>` is followed by `<field>_precision`;
- a low/high figure is two columns, `<figure>_low` and `<figure>_high`;
- every record row starts with `slug` and ends with `inferred`,
  `created_at`, `updated_at`; aliases have no slug of their own.
"""

from dataclasses import dataclass

from ..core import models
from ..core.choices import (
    AgreementKind,
    AgreementStatus,
    AliasKind,
    AttackKind,
    AttackLinkKind,
    AttackType,
    AttributionKind,
    Language,
    OrganisationKind,
    OrganisationRelationshipKind,
    PartyRole,
    TargetType,
    WeaponType,
)
from ..core.models.articles import CITATION_TARGETS
from .columns import (
    Column,
    choice,
    country,
    decimal,
    derived,
    integer,
    low_high,
    partial_date,
    record_columns,
    reference,
    slug,
    text,
)
from .copy import first_non_empty, first_of

# Bump on any change to a file or a column: consumers check it.
SCHEMA_VERSION = "1.2"  # 1.1: rows end in LF, not CRLF; 1.2: formula cells get an apostrophe

# Every synthetic row's slug starts with this, so that synthetic data can be
# told apart from curated data, and removed, by slug alone.
SYNTHETIC_PREFIX = "synthetic-"

# The file each citation target's slug is found in.
CITATION_TARGET_FILES = {
    "organisation": "organisations",
    "actor": "actors",
    "attack": "attacks",
    "agreement": "agreements",
    "attribution": "attributions",
    "attack_link": "attack_links",
    "party": "agreement_parties",
    "agreement_target": "agreement_targets",
    "relationship": "organisation_relationships",
    "affiliation": "affiliations",
}
assert set(CITATION_TARGET_FILES) == set(CITATION_TARGETS)


@dataclass(frozen=True)
class Table:
    """One exported file: a model's rows, in a stable order."""

    name: str
    model: type
    meaning: str
    columns: tuple[Column, ...]
    order_by: tuple[str, ...] = ("slug",)

    @property
    def filename(self):
        return f"{self.name}.csv"

    @property
    def header(self):
        return [column.name for column in self.columns]


def _alias_columns(owner, owner_file):
    return (
        reference(
            f"{owner}_slug",
            f"The {owner} ({owner_file}.csv) this is another name of.",
            owner_file,
            owner,
            required=True,
        ),
        text("name", "The other name, as written in the source.", required=True),
        choice("language", "Language of the name.", Language.choices),
        choice("kind", "What kind of name it is.", AliasKind.choices),
    )


def _first_target(*slugs):
    for field, target_slug in zip(CITATION_TARGETS, slugs, strict=True):
        if target_slug is not None:
            return field
    return ""


def _first_slug(*slugs):
    return next((target_slug for target_slug in slugs if target_slug is not None), "")


_TARGET_SOURCES = tuple(f"{field}__slug" for field in CITATION_TARGETS)

_CITATION_TARGET_LIST = ", ".join(f"`{field}` ({file}.csv)" for field, file in CITATION_TARGET_FILES.items())

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
        _alias_columns("organisation", "organisations"),
        order_by=("organisation__slug", "name"),
    ),
    Table(
        "organisation_relationships",
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
        _alias_columns("actor", "actors"),
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
    Table(
        "articles",
        models.Article,
        "The source documents, with their full original text. Every fact in the dataset cites a passage of one "
        "of them (citations.csv).",
        (
            slug(),
            text("title", "Title as printed (or the headline).", required=True),
            reference(
                "outlet_slug", "The media outlet that published it (organisations.csv).", "organisations", "outlet"
            ),
            text("author", "Author as printed."),
            *partial_date("published", "Publication date."),
            choice("language", "Language of the text.", Language.choices),
            text("url", "Where the article was published online."),
            text(
                "text", "The article's full text, exactly as published. Citations quote it by offsets.", required=True
            ),
            derived(
                "text_sha256",
                "text",
                "SHA-256 of `text` encoded as UTF-8, in lower-case hex: checks that the "
                "text is the one the citations were made against.",
                "text_sha256",
                str,
            ),
            *record_columns(),
        ),
    ),
    Table(
        "attacks",
        models.Attack,
        "Terrorist attacks, and declared campaigns of attacks (kind `campaign`).",
        (
            slug(),
            text("name_ar", "Name in Arabic."),
            text("name_en", "Name in English."),
            choice("kind", "A single attack, or a campaign of attacks.", AttackKind.choices),
            reference(
                "campaign_slug",
                "The campaign this attack belongs to (attacks.csv, a row of kind `campaign`).",
                "attacks",
                "campaign",
            ),
            *partial_date("start", "When the attack took place (a campaign: when it began)."),
            *partial_date("end", "When a multi-day attack or a campaign ended."),
            country("country", "Country where it took place."),
            text("place_ar", "Place, in Arabic."),
            text("place_en", "Place, in English."),
            decimal("latitude", "Latitude in degrees (WGS 84)", 6),
            decimal("longitude", "Longitude in degrees (WGS 84)", 6),
            integer(
                "geo_precision",
                "How precise the coordinates are, on GTD's scale: 1 the exact place … 5 the country only.",
            ),
            choice("attack_type", "GTD attack type.", AttackType.choices, required=False),
            choice("target_type", "GTD target type.", TargetType.choices, required=False),
            choice("weapon_type", "GTD weapon type.", WeaponType.choices, required=False),
            *low_high("killed", "killed"),
            *low_high("wounded", "wounded"),
            text("description_en", "A short neutral description in English."),
            *record_columns(),
        ),
    ),
    Table(
        "attributions",
        models.Attribution,
        'Who is said to be behind an attack, and how. "Claimed by the Islamic State; Russia blamed Ukraine" is '
        "two rows.",
        (
            slug(),
            reference("attack_slug", "The attack (attacks.csv).", "attacks", "attack", required=True),
            reference(
                "organisation_slug",
                "The organisation said to be behind it (organisations.csv).",
                "organisations",
                "organisation",
                required=True,
            ),
            choice("kind", "How it is attributed.", AttributionKind.choices),
            reference(
                "accused_by_slug",
                "Who made the accusation (organisations.csv); set exactly when kind is `accused`.",
                "organisations",
                "accused_by",
            ),
            text("note", "Editor's note."),
            *record_columns(),
        ),
    ),
    Table(
        "attack_links",
        models.AttackLink,
        "Links between two attacks: parts of one coordinated event, related, or retaliation.",
        (
            slug(),
            reference("from_attack_slug", "The attack (attacks.csv).", "attacks", "from_attack", required=True),
            choice("kind", "How the first attack relates to the second.", AttackLinkKind.choices),
            reference("to_attack_slug", "The related attack (attacks.csv).", "attacks", "to_attack", required=True),
            *record_columns(),
        ),
    ),
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
    Table(
        "citations",
        models.Citation,
        "The evidence for every record and link: a passage of an article, quoted verbatim. "
        "`quote` equals the article's text from `start` to `end`.",
        (
            slug(),
            reference("article_slug", "The article quoted (articles.csv).", "articles", "article", required=True),
            text("quote", "The passage, character for character as in the article.", required=True),
            integer("start", "Where the quote starts in the article's text (inclusive).", type="offset", required=True),
            integer(
                "end",
                "Where the quote ends in the article's text (exclusive): `start` + length of `quote`.",
                type="offset",
                required=True,
            ),
            Column(
                "target_type",
                "choice",
                "Which file the supported row is in: " + _CITATION_TARGET_LIST + ".",
                _TARGET_SOURCES,
                _first_target,
                str,
                sql=first_of(CITATION_TARGETS),
                choices=[(field, file) for field, file in CITATION_TARGET_FILES.items()],
                required=True,
            ),
            Column(
                "target_slug",
                "reference",
                "The slug of the row this citation supports, in the file named by `target_type`.",
                _TARGET_SOURCES,
                _first_slug,
                str,
                sql=first_non_empty,
                required=True,
            ),
            text("translation_en", "English translation of the quote."),
            text("note", "Editor's note."),
            *record_columns(),
        ),
        order_by=("article__slug", "start", "slug"),
    ),
)

TABLES_BY_NAME = {table.name: table for table in TABLES}
