"""Synthetic agreements between governments (the organisations domain's
states and agencies), with parties and, for some, militant groups as targets."""

from decimal import Decimal

from ctdb.core.models import Agreement, AgreementParty, AgreementTarget
from ctdb.organisations.synthetic import made
from ctdb.synthetic import vocabulary as words
from ctdb.synthetic.draws import AR, EN, Weighted, partial_date, search_text
from ctdb.synthetic.generator import RECORD, Phase

COLUMNS = {
    Agreement: ("id", "slug", "name_ar", "name_en", "kind", "status", "start", "end", "amount", "currency",
                "description_en", "search_text", *RECORD),
    AgreementParty: ("id", "slug", "agreement_id", "organisation_id", "role", "start", "end", "note", *RECORD),
    AgreementTarget: ("id", "slug", "agreement_id", "organisation_id", *RECORD),
}  # fmt: skip

SIZES = {"agreements": lambda plan: max(2, plan.attacks // 500)}

AGREEMENT_STATUSES = Weighted({"in_force": 40, "proposed": 15, "ended": 15, "stalled": 10, "unknown": 20})


def agreement_block(gen, rng, start, size, facts):
    organisations = made(gen)
    governments = organisations.by_kind["state"] + organisations.by_kind["government_agency"]
    for _index in range(start, start + size):
        kind = rng.choice(list(words.AGREEMENT_KINDS))
        roles = {
            "warning": ("sender", "recipient"),
            "pledge": ("funder", "recipient"),
            "proposal": ("proposer", "party"),
        }.get(kind, ("party",) * rng.choice((2, 2, 3, 4)))
        parties = [organisations.rows[i] for i in rng.distinct(governments, len(roles))]
        label = words.AGREEMENT_KINDS[kind]
        name = tuple(
            f"{label[language]} {parties[0][1][language]}"
            + ("" if kind in ("warning", "pledge") else f" {('و', 'and ')[language]}{parties[1][1][language]}")
            for language in (AR, EN)
        )
        begun = partial_date(rng, 1995, 2024, day=0.4, month=0.4)
        ended = str(rng.randint(int(begun[:4]), 2025)) if rng.random() < 0.15 else None
        status = AGREEMENT_STATUSES(rng)
        amount = Decimal(rng.randint(1, 500) * 1_000_000) if kind == "pledge" else None
        agreement_id = gen.sink.next_id(Agreement)
        gen.add(
            Agreement,
            (agreement_id, gen.slug("agreement"), name[AR], name[EN], kind, status, begun, ended, amount,
             "USD" if amount else "", "", search_text(name, tuple(value for party in parties for value in party[3])),
             *gen.record()),
        )  # fmt: skip
        facts.append(("agreement", agreement_id, "agreement", {"name": name, "date": begun}))
        for organisation, role in zip(parties, roles, strict=False):
            party_id = gen.sink.next_id(AgreementParty)
            gen.add(
                AgreementParty,
                (party_id, gen.slug("party"), agreement_id, organisation[0], role, None, None, "", *gen.record()),
            )
            facts.append(
                ("party", party_id, "party",
                 {"organisation": organisation[1], "agreement": name, "role": words.PARTY_ROLES[role]}),
            )  # fmt: skip
        targets = rng.distinct(organisations.by_kind["militant_group"], rng.choice((0, 1, 1, 2)))
        for target in targets:
            organisation = organisations.rows[target]
            target_id = gen.sink.next_id(AgreementTarget)
            gen.add(
                AgreementTarget,
                (target_id, gen.slug("agreement-target"), agreement_id, organisation[0], *gen.record()),
            )
            facts.append(
                ("agreement_target", target_id, "agreement_target",
                 {"agreement": name, "organisation": organisation[1]}),
            )  # fmt: skip


PHASES = (Phase("agreements", lambda plan: plan.agreements, agreement_block),)
