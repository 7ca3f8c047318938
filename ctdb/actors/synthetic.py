"""Synthetic actors, with aliases (kunyas) and affiliations to the militant
groups the organisations domain made."""

from ctdb.core.choices import AliasProvenance
from ctdb.core.models import Actor, ActorAlias, Affiliation
from ctdb.organisations.synthetic import made
from ctdb.synthetic import vocabulary as words
from ctdb.synthetic.draws import AR, EN, partial_date, search_text
from ctdb.synthetic.generator import RECORD, Phase

COLUMNS = {
    Actor: ("id", "slug", "name_ar", "name_en", "title_ar", "title_en", "nationality", "description_en",
            "search_text", *RECORD),
    ActorAlias: ("actor_id", "name", "language", "kind", "provenance", "reasoning"),
    Affiliation: ("id", "slug", "actor_id", "organisation_id", "role", "start", "end", *RECORD),
}  # fmt: skip

SIZES = {"actors": lambda plan: max(5, plan.attacks // 50)}


def actor_block(gen, rng, start, size, facts):
    organisations = made(gen)
    for _index in range(start, start + size):
        first, family = rng.choice(words.FIRST_NAMES), rng.choice(words.FAMILY_NAMES)
        name = (f"{first[AR]} {family[AR]}", f"{first[EN]} {family[EN]}")
        title = rng.choice(words.TITLES)
        homes = rng.distinct(organisations.by_kind["militant_group"], rng.choice((1, 1, 1, 2)))
        aliases = []
        if rng.random() < 0.5:
            aliases.append((f"أبو {first[AR]} {family[AR]}", "ar", "name"))
            if rng.random() < 0.3:
                aliases.append((f"Abu {first[EN]} {family[EN]}", "en", "transliteration"))
        actor_id = gen.sink.next_id(Actor)
        first_home = organisations.rows[homes[0]]
        titles = (f"{title[AR]} {first_home[1][AR]}", f"{title[EN]} {first_home[1][EN]}")
        gen.add(
            Actor,
            (actor_id, gen.slug("actor"), name[AR], name[EN], *titles, first_home[2], "",
             search_text((*name, *(alias for alias, _l, _k in aliases)), titles), *gen.record()),
        )  # fmt: skip
        for alias, language, kind in aliases:
            gen.add(ActorAlias, (actor_id, alias, language, kind, AliasProvenance.ARTICLE, ""))
        facts.append(("actor", actor_id, "actor", {"name": name}))
        for home in homes:
            organisation = organisations.rows[home]
            affiliation_id = gen.sink.next_id(Affiliation)
            start_date = partial_date(rng, 2000, 2020, day=0.1, month=0.3) if rng.random() < 0.5 else None
            gen.add(
                Affiliation,
                (affiliation_id, gen.slug("affiliation"), actor_id, organisation[0], title[EN].removesuffix(
                    " of").removesuffix(" in"), start_date, None, *gen.record()),
            )  # fmt: skip
            facts.append(
                ("affiliation", affiliation_id, "affiliation",
                 {"name": name, "title": title, "organisation": organisation[1]}),
            )  # fmt: skip


PHASES = (Phase("actors", lambda plan: plan.actors, actor_block),)
