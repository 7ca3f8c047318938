"""Synthetic campaigns and attacks, with attributions to militant groups (some
accused by a state) and links between attacks of a block.

Campaigns come first: an attack may belong to one.
"""

import json
from decimal import Decimal

from ctdb.core.choices import AttackKind, AttackType
from ctdb.core.models import Attack, AttackLink, Attribution
from ctdb.core.search import choice_labels, country_names
from ctdb.organisations.synthetic import made
from ctdb.synthetic import vocabulary as words
from ctdb.synthetic.draws import AR, EN, NO_INFERENCE, Weighted, partial_date, search_text
from ctdb.synthetic.generator import RECORD, Phase

COLUMNS = {
    Attack: ("id", "slug", "name_ar", "name_en", "kind", "campaign_id", "start", "end", "country", "place_ar",
             "place_en", "latitude", "longitude", "geo_precision", "attack_type", "target_type", "weapon_type",
             "killed_low", "killed_high", "wounded_low", "wounded_high", "description_en", "search_text", *RECORD),
    Attribution: ("id", "slug", "attack_id", "organisation_id", "kind", "accused_by_id", "note", *RECORD),
    AttackLink: ("id", "slug", "from_attack_id", "kind", "to_attack_id", *RECORD),
}  # fmt: skip

# The plan's attacks include its campaigns.
SIZES = {"campaigns": lambda plan: min(plan.attacks, max(1, plan.attacks // 200))}

FIGURE_KINDS = Weighted({"exact": 50, "at_least": 20, "range": 10, "unknown": 20})
ATTRIBUTIONS_PER_ATTACK = Weighted({0: 35, 1: 45, 2: 15, 3: 5})
ATTRIBUTION_KINDS = Weighted({"claimed": 45, "suspected": 35, "accused": 12, "denied": 8})
INFERRED_START = json.dumps({"start": "Synthetic: inferred from the article's publication date."})


def _figure(rng, scale):
    """A reported casualty figure as (kind, low, high), heavy-tailed like GTD's."""
    kind = FIGURE_KINDS(rng)
    if kind == "unknown":
        return kind, None, None
    # About a quarter zero, a median of a few, a long tail of mass-casualty attacks.
    low = min(int((rng.paretovariate(1.1) - 1) * 3 * scale), 1500)
    if kind == "exact":
        return kind, low, low
    if kind == "at_least":
        return kind, low, None
    return kind, low, low + rng.randint(1, max(2, low))


def campaign_ids(gen):
    """The ids of the campaigns made so far."""
    return gen.keep("campaigns")


CAMPAIGN = choice_labels(AttackKind, "campaign")


def campaign_block(gen, rng, start, size, facts):
    organisations, campaigns = made(gen), campaign_ids(gen)
    for _index in range(start, start + size):
        group = organisations.rows[rng.choice(organisations.by_kind["militant_group"])]
        place = rng.choice(words.PLACES)
        name = (f"حملة {group[1][AR]} في {place[AR]}", f"{group[1][EN]} campaign in {place[EN]}")
        begun = partial_date(rng, 1995, 2022, day=0.1, month=0.4)
        ended = str(rng.randint(int(begun[:4]), 2024)) if rng.random() < 0.5 else None
        campaign_id = gen.sink.next_id(Attack)
        campaigns.append(campaign_id)
        gen.add(
            Attack,
            (campaign_id, gen.slug("campaign"), name[AR], name[EN], "campaign", None, begun, ended, place[2],
             place[AR], place[EN], None, None, 5, "", "", "", None, None, None, None, "",
             search_text(name, (place[AR], place[EN], *country_names(place[2]), *CAMPAIGN)), *gen.record()),
        )  # fmt: skip
        facts.append(("attack", campaign_id, "campaign", {"name": name, "date": begun}))


def attack_block(gen, rng, start, size, facts):
    organisations, campaigns = made(gen), campaign_ids(gen)
    groups, states = organisations.by_kind["militant_group"], organisations.by_kind["state"]
    block = []  # (id, name) of this block's attacks, for links
    for _index in range(start, start + size):
        place = rng.choice(words.PLACES)
        kind_ar, kind_en, attack_type, weapon_type = rng.choice(words.ATTACK_TYPES)
        target_ar, target_en, target_type = rng.choice(words.TARGETS)
        name = (f"{kind_ar} {target_ar} في {place[AR]}", f"{kind_en} {target_en} in {place[EN]}")
        when = partial_date(rng)
        until = when if len(when) == 10 and rng.random() < 0.03 else None
        geo = rng.choice((1, 1, 2, 2, 3, 4, None))
        latitude = longitude = None
        if geo is not None:
            latitude = Decimal(f"{place[3] + rng.uniform(-0.05, 0.05):.6f}")
            longitude = Decimal(f"{place[4] + rng.uniform(-0.05, 0.05):.6f}")
        killed, wounded = _figure(rng, 1), _figure(rng, 2)
        inferred = NO_INFERENCE
        if rng.random() < 0.05:
            inferred = INFERRED_START
        attack_id = gen.sink.next_id(Attack)
        head = (attack_id, gen.slug("attack"), name[AR], name[EN], "attack",
                rng.choice(campaigns) if rng.random() < 0.2 else None, when, until, place[2], place[AR],
                place[EN], latitude, longitude, geo, (told := attack_type if rng.random() < 0.9 else ""), target_type,
                weapon_type if rng.random() < 0.9 else "", killed[1], killed[2], wounded[1], wounded[2],
                "" if rng.random() < 0.7 else f"{name[EN]}.")  # fmt: skip
        record = gen.record(inferred)
        casualties = tuple(template.format(low=killed[1], high=killed[2]) for template in words.CASUALTIES[killed[0]])
        facts.append(("attack", attack_id, "attack", {"name": name, "date": when, "casualties": casualties}))
        attributions = []
        for organisation in rng.distinct(groups, ATTRIBUTIONS_PER_ATTACK(rng)):
            organisation = organisations.rows[organisation]
            kind = ATTRIBUTION_KINDS(rng)
            accuser = organisations.rows[rng.choice(states)] if kind == "accused" else None
            attributions.append((gen.sink.next_id(Attribution), organisation, kind, accuser))
        # Found by its perpetrators' names too, as Attack.search_related says.
        perpetrators = (value for _id, organisation, _kind, _accuser in attributions for value in organisation[3])
        labels = (*choice_labels(AttackKind, "attack"), *choice_labels(AttackType, told))
        document = search_text(name, (place[AR], place[EN], *country_names(place[2]), *labels, *perpetrators))
        gen.add(Attack, (*head, document, *record))
        for attribution_id, organisation, kind, accuser in attributions:
            gen.add(
                Attribution,
                (attribution_id, gen.slug("attribution"), attack_id, organisation[0], kind,
                 accuser and accuser[0], "", *gen.record()),
            )  # fmt: skip
            parameters = {"organisation": organisation[1], "attack": name}
            if accuser:
                parameters["accuser"] = accuser[1]
            facts.append(("attribution", attribution_id, kind, parameters))
        if block and rng.random() < 0.05:
            other_id, other_name = rng.choice(block)
            kind = rng.choice(("same_event", "related", "retaliation_for", "followed"))
            link_id = gen.sink.next_id(AttackLink)
            gen.add(AttackLink, (link_id, gen.slug("attack-link"), attack_id, kind, other_id, *gen.record()))
            facts.append(("attack_link", link_id, kind, {"attack": name, "other": other_name}))
        block.append((attack_id, name))


PHASES = (
    Phase("campaigns", lambda plan: plan.campaigns, campaign_block),
    Phase("attacks", lambda plan: plan.attacks - plan.campaigns, attack_block),
)
