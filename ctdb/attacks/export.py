"""The attacks domain's files of the dataset export (ctdb.exports.spec)."""

from ctdb.core import models
from ctdb.core.choices import AttackKind, AttackLinkKind, AttackType, AttributionKind, TargetType, WeaponType
from ctdb.exports.columns import (
    choice,
    country,
    decimal,
    integer,
    low_high,
    partial_date,
    record_columns,
    reference,
    slug,
    text,
)
from ctdb.exports.spec import Table

TABLES = (
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
)
