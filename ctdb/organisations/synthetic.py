"""Synthetic organisations: media outlets, states, government agencies and
militant groups, with aliases and relationships between groups.

Other domains refer to them through `made(gen)`: the organisations made so
far, by index and by kind (articles name a media outlet, actors join groups,
agreements bind governments, attacks are attributed to groups).
"""

from collections import defaultdict
from dataclasses import dataclass, field

from ctdb.core.choices import AliasProvenance
from ctdb.core.models import Organisation, OrganisationAlias, OrganisationRelationship
from ctdb.synthetic import vocabulary as words
from ctdb.synthetic.draws import AR, EN, partial_date, search_text
from ctdb.synthetic.generator import RECORD, Phase

COLUMNS = {
    Organisation: ("id", "slug", "name_ar", "name_en", "kind", "country", "founded", "ended", "description_en",
                   "description_ar", "search_text", *RECORD),
    OrganisationAlias: ("organisation_id", "name", "language", "kind", "provenance", "reasoning"),
    OrganisationRelationship: ("id", "slug", "subject_id", "kind", "object_id", "start", "end", "note", *RECORD),
}  # fmt: skip

# How many organisations of each kind go with the plan's attacks.
SIZES = {
    "media": lambda plan: max(2, plan.attacks // 5000),
    "states": lambda plan: min(len(words.STATES), max(5, plan.attacks // 1000)),
    "agencies": lambda plan: max(2, plan.attacks // 2000),
    "groups": lambda plan: max(5, plan.attacks // 100),
    "organisations": lambda plan: plan.media + plan.states + plan.agencies + plan.groups,
}


@dataclass
class Made:
    """The synthetic organisations made so far, for the phases that refer to them."""

    rows: list = field(default_factory=list)  # (id, (ar, en), country, names and aliases), by index
    by_kind: defaultdict = field(default_factory=lambda: defaultdict(list))  # kind -> indices into rows


def made(gen):
    """This generator's organisations made so far."""
    return gen.keep(Made, Made)


def organisation_kind(plan, index):
    """The kind of the `index`th organisation: media, states, agencies, then
    groups. Media come first, so that the first block's articles have an outlet."""
    for kind, bound in (
        ("media", plan.media),
        ("state", plan.media + plan.states),
        ("government_agency", plan.media + plan.states + plan.agencies),
    ):
        if index < bound:
            return kind
    return "militant_group"


def _acronym(english):
    return "".join(word[0] for word in english.replace("-", " ").split() if word[0].isupper())


def organisation_block(gen, rng, start, size, facts):
    organisations = made(gen)
    for index in range(start, start + size):
        kind = organisation_kind(gen.plan, index)
        place = rng.choice(words.PLACES)
        aliases, founded, ended, country, fact = [], None, None, place[2], "organisation"
        if kind == "media":
            head, core = rng.choice(words.MEDIA_NAMES), rng.choice(words.MEDIA_CORES)
            name = (f"{head[AR]} {core[AR]}", f"{core[EN]} {head[EN]}")
            fact = "media"
        elif kind == "state":
            country, *name = words.STATES[index - gen.plan.media]
            name, fact = tuple(name), "state"
        elif kind == "government_agency":
            country, state_ar, state_en = rng.choice(words.STATES)
            agency = rng.choice(words.AGENCY_KINDS)
            name, fact = (f"{agency[AR]} {state_ar}", f"{agency[EN]} {state_en}"), "agency"
        else:
            head, core = rng.choice(words.GROUP_HEADS), rng.choice(words.GROUP_CORES)
            region = rng.choice(words.REGIONS)
            name = tuple(" ".join(part for part in parts if part) for parts in zip(head, core, region, strict=True))
            founded = partial_date(rng, 1980, 2020, day=0.1, month=0.3) if rng.random() < 0.9 else None
            if founded and rng.random() < 0.1:
                ended = str(rng.randint(int(founded[:4]), 2024))
            aliases.append((_acronym(name[EN]), "en", "acronym"))
            if rng.random() < 0.4:
                aliases.append((f"{core[AR]}", "ar", "name"))
            if rng.random() < 0.1:
                aliases.append((f"خوارج {core[AR]}", "ar", "pejorative"))
        organisation_id = gen.sink.next_id(Organisation)
        organisations.rows.append((organisation_id, name, country, (*name, *(alias for alias, _l, _k in aliases))))
        organisations.by_kind[kind].append(index)
        description = f"{name[EN]}: synthetic {kind.replace('_', ' ')} for scale tests."
        gen.add(
            Organisation,
            (organisation_id, gen.slug("organisation"), name[AR], name[EN], kind, country, founded, ended,
             description, "", search_text((*name, *(alias for alias, _l, _k in aliases))), *gen.record()),
        )  # fmt: skip
        for alias, language, alias_kind in aliases:
            gen.add(OrganisationAlias, (organisation_id, alias, language, alias_kind, AliasProvenance.ARTICLE, ""))
        facts.append(("organisation", organisation_id, fact, {"name": name, "place": place[:2]}))
        groups = organisations.by_kind["militant_group"]
        if kind == "militant_group" and len(groups) > 1 and rng.random() < 0.25:
            other = organisations.rows[rng.choice(groups[:-1])]
            relationship = rng.choice(("branch_of", "affiliate_of", "splinter_of", "rival", "ally"))
            relationship_id = gen.sink.next_id(OrganisationRelationship)
            gen.add(
                OrganisationRelationship,
                (relationship_id, gen.slug("relationship"), organisation_id, relationship, other[0],
                 founded if relationship == "splinter_of" else None, None, "", *gen.record()),
            )  # fmt: skip
            facts.append(("relationship", relationship_id, relationship, {"subject": name, "object": other[1]}))


PHASES = (Phase("organisations", lambda plan: plan.organisations, organisation_block),)
