"""Synthetic data in bulk, for scale tests, and its removal.

`generate(attacks=N, seed=S)` writes realistic-shaped records: organisations
with aliases and relationships, actors with aliases and affiliations,
agreements with parties and targets, campaigns, and N attacks (campaigns
included) with attributions and links, every record and link cited from a
synthetic article whose text contains the quote at the cited offsets.

- **Never mixed with curated data**: every slug starts with `synthetic-`
  (aliases belong to synthetic owners), synthetic citations quote only
  synthetic articles, and `remove()` deletes exactly those rows.
- **Reproducible**: the same seed gives the same slugs and values. Each block
  of `BLOCK` records draws from its own random stream, seeded by (seed, phase,
  block), and rows are numbered in generation order, so the batch size and the
  database change only the ids and the creation time.
- **Fast**: ids are taken from the table's sequence in bulk, so rows and the
  rows that refer to them are built in Python before any insert; each batch
  is one COPY per table on PostgreSQL (`bulk_create` elsewhere), written by a
  background thread while the next batch is built. Inserts bypass `save()`,
  so `search_text` and `text_sha256` are computed here. No history rows are
  written: synthetic records have no editorial history.
"""

import bisect
import functools
import hashlib
import itertools
import json
import queue
import random
import sys
import threading
from collections import Counter, defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db import connections, transaction
from django.db.models import JSONField, Max
from django.utils import timezone
from tqdm import tqdm

from ..core import arabic
from ..core.models import (
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
from ..core.models.articles import CITATION_TARGETS
from . import vocabulary as words
from .spec import SYNTHETIC_PREFIX

# Records per random stream (see the module docstring).
BLOCK = 100
DEFAULT_BATCH_SIZE = 20_000
# Ids taken from a sequence per round trip.
ID_POOL = 10_000
# Facts per synthetic article: enough to look like a news digest, few enough
# that an article's text stays small for the citation trigger to read.
ARTICLE_FACTS = (6, 20)

AR, EN = 0, 1

# Session settings for a bulk load on PostgreSQL. Synthetic rows can be made
# again, so a crash may lose the last commits (never corrupt them); and the
# trigram indexes take new rows in fewer, larger merges.
BULK_SETTINGS = (
    "SET synchronous_commit = off",
    "SET gin_pending_list_limit = '64MB'",
    "SET work_mem = '64MB'",
)

# Columns written per model, in row order. Every NOT NULL column is listed:
# COPY and bulk_create do not apply Django's field defaults for us.
RECORD = ("inferred", "created_at", "updated_at")
FIELDS = {
    Organisation: ("id", "slug", "name_ar", "name_en", "kind", "country", "founded", "ended", "description_en",
                   "description_ar", "search_text", *RECORD),
    OrganisationAlias: ("organisation_id", "name", "language", "kind"),
    OrganisationRelationship: ("id", "slug", "subject_id", "kind", "object_id", "start", "end", "note", *RECORD),
    Actor: ("id", "slug", "name_ar", "name_en", "title_ar", "title_en", "nationality", "description_en",
            "search_text", *RECORD),
    ActorAlias: ("actor_id", "name", "language", "kind"),
    Affiliation: ("id", "slug", "actor_id", "organisation_id", "role", "start", "end", *RECORD),
    Agreement: ("id", "slug", "name_ar", "name_en", "kind", "status", "start", "end", "amount", "currency",
                "description_en", "search_text", *RECORD),
    AgreementParty: ("id", "slug", "agreement_id", "organisation_id", "role", "start", "end", "note", *RECORD),
    AgreementTarget: ("id", "slug", "agreement_id", "organisation_id", *RECORD),
    Attack: ("id", "slug", "name_ar", "name_en", "kind", "campaign_id", "start", "end", "country", "place_ar",
             "place_en", "latitude", "longitude", "geo_precision", "attack_type", "target_type", "weapon_type",
             "killed_low", "killed_high", "wounded_low", "wounded_high", "description_en", "search_text", *RECORD),
    Attribution: ("id", "slug", "attack_id", "organisation_id", "kind", "accused_by_id", "note", *RECORD),
    AttackLink: ("id", "slug", "from_attack_id", "kind", "to_attack_id", *RECORD),
    Article: ("id", "slug", "title", "outlet_id", "author", "published", "language", "url", "text", "text_sha256",
              "search_text", *RECORD),
    Citation: ("slug", "article_id", "quote", "start", "end", "translation_en", "note", *RECORD,
               *(f"{target}_id" for target in CITATION_TARGETS)),
}  # fmt: skip
# Insert order: a citation's article must exist when the citation trigger
# reads it; foreign keys are checked at commit.
INSERT_ORDER = tuple(FIELDS)

# Removal order: citations, links, records, articles, then organisations
# (articles name their outlet). PROTECT forbids deleting a row still cited
# or linked, so the order matters wherever constraints are immediate.
REMOVE_ORDER = (
    Citation,
    Attribution,
    AttackLink,
    AgreementParty,
    AgreementTarget,
    Affiliation,
    OrganisationRelationship,
    Attack,
    Agreement,
    ActorAlias,
    Actor,
    Article,
    OrganisationAlias,
    Organisation,
)

# `inferred` as JSON text, as COPY takes it.
NO_INFERENCE = "{}"
INFERRED_START = json.dumps({"start": "Synthetic: inferred from the article's publication date."})
# The folded search text of a name recurs: fold each combination once.
search_text = functools.lru_cache(maxsize=200_000)(arabic.search_text)


@dataclass(frozen=True)
class Plan:
    """How many records of each kind go with N attacks (campaigns included)."""

    attacks: int

    @property
    def media(self):
        return max(2, self.attacks // 5000)

    @property
    def states(self):
        return min(len(words.STATES), max(5, self.attacks // 1000))

    @property
    def agencies(self):
        return max(2, self.attacks // 2000)

    @property
    def groups(self):
        return max(5, self.attacks // 100)

    @property
    def organisations(self):
        return self.media + self.states + self.agencies + self.groups

    @property
    def actors(self):
        return max(5, self.attacks // 50)

    @property
    def agreements(self):
        return max(2, self.attacks // 500)

    @property
    def campaigns(self):
        return min(self.attacks, max(1, self.attacks // 200))


class Sink:
    """Inserts batches of rows (tuples in `FIELDS` order) and hands out ids
    ahead of them.

    On PostgreSQL outside a transaction, batches are written by a background
    thread on its own connection, so that the database indexes one batch
    while Python builds the next (two cores, both busy). Inside a
    transaction (the tests) every batch is written in it, synchronously.
    """

    def __init__(self, using="default", copy=True):
        self.using = using
        self.connection = connections[using]
        postgresql = self.connection.vendor == "postgresql"
        self.copy = copy and postgresql
        self.background = postgresql and not self.connection.in_atomic_block
        self.pools = defaultdict(list)
        self.next_ids = {}
        self.counts = Counter()
        self.analyzed = {}  # model -> rows written when last analyzed
        self.error = None
        self.queue = queue.Queue(maxsize=1)  # at most one batch waiting: memory stays bounded
        self.thread = None
        if self.background:
            self.thread = threading.Thread(target=self._work, name="synthetic-writer", daemon=True)
            self.thread.start()
        else:
            self._configure(self.connection)

    # Ids ---------------------------------------------------------------------

    def next_id(self, model):
        pool = self.pools[model]
        if not pool:
            pool.extend(reversed(self._take_ids(model, ID_POOL)))
        return pool.pop()

    def _take_ids(self, model, count):
        if self.connection.vendor == "postgresql":
            # Taken from the sequence, so concurrent inserts never collide;
            # ids left in the pool at the end are a harmless gap.
            with self.connection.cursor() as cursor:
                cursor.execute(
                    "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                    [model._meta.db_table, count],
                )
                return [row[0] for row in cursor.fetchall()]
        if model not in self.next_ids:
            highest = model._default_manager.using(self.using).aggregate(highest=Max("id"))["highest"]
            self.next_ids[model] = (highest or 0) + 1
        start = self.next_ids[model]
        self.next_ids[model] = start + count
        return list(range(start, start + count))

    # Writing -----------------------------------------------------------------

    def write(self, batch):
        """Insert {model: rows} in one transaction (in the background, if so)."""
        if not self.background:
            self._write(batch)
            return
        self._raise_if_failed()
        self.queue.put(batch)

    def close(self):
        """Wait for the background writer; raise what it raised."""
        if self.thread is not None:
            self.queue.put(None)
            self.thread.join()
            self.thread = None
        self._raise_if_failed()

    def _raise_if_failed(self):
        if self.error is not None:
            raise self.error

    def _work(self):
        connection = connections[self.using]  # this thread's own
        try:
            self._configure(connection)
            while (batch := self.queue.get()) is not None:
                if self.error is None:  # after a failure, drain so that the producer never blocks
                    try:
                        self._write(batch)
                    except Exception as error:  # re-raised in the producer's thread
                        self.error = error
        except Exception as error:
            self.error = error
        finally:
            connection.close()

    @staticmethod
    def _configure(connection):
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                for setting in BULK_SETTINGS:
                    cursor.execute(setting)

    def _write(self, batch):
        connection = connections[self.using]
        with transaction.atomic(using=self.using):
            for model in INSERT_ORDER:
                rows = batch.get(model, ())
                if model is Citation and connection.vendor == "postgresql":
                    self._analyze_grown_tables(connection)
                if rows:
                    self._insert(connection, model, rows)
                self.counts[model.__name__] += len(rows)

    def _analyze_grown_tables(self, connection):
        # The citation trigger and the foreign key checks keep their query
        # plans for the session. Planned while a table was nearly empty, a
        # lookup by id scans the whole table, and every insert slows as the
        # table grows (minutes at 50,000 attacks). ANALYZE, which sees this
        # transaction's own rows, replaces those plans: each time a table has
        # doubled, so a few times per table in all, and before the citations
        # whose trigger and checks read the tables.
        grown = [
            model
            for model in INSERT_ORDER
            if model is not Citation and self.counts[model.__name__] >= 2 * self.analyzed.get(model, 0) + 100
        ]
        with connection.cursor() as cursor:
            for model in grown:
                cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
                self.analyzed[model] = self.counts[model.__name__]

    def _insert(self, connection, model, rows):
        fields = FIELDS[model]
        if not self.copy:
            # Rows carry JSON as text, ready for COPY; model fields want objects.
            json_fields = {field for field in fields if isinstance(model._meta.get_field(field), JSONField)}
            instances = []
            for row in rows:
                values = dict(zip(fields, row, strict=True))
                for field in json_fields:
                    values[field] = json.loads(values[field])
                instances.append(model(**values))
            model._default_manager.using(self.using).bulk_create(instances, batch_size=2000)
            return
        quote = connection.ops.quote_name
        columns = ", ".join(quote(model._meta.get_field(field).column) for field in fields)
        statement = f"COPY {quote(model._meta.db_table)} ({columns}) FROM STDIN"
        with connection.cursor() as cursor, cursor.copy(statement) as copy:
            for row in rows:
                copy.write_row(row)


class Stream(random.Random):
    """A random stream whose `choice` and `randint` cost one `random()` call.

    (`random.Random`'s take several Python calls each, a million times over.)
    """

    def choice(self, sequence):
        return sequence[int(self.random() * len(sequence))]

    def randint(self, low, high):
        return low + int(self.random() * (high - low + 1))

    def distinct(self, sequence, count):
        """`count` distinct items of a long `sequence` (fewer if it is short)."""
        if count >= len(sequence):
            return list(sequence)
        chosen = []
        while len(chosen) < count:
            item = self.choice(sequence)
            if item not in chosen:
                chosen.append(item)
        return chosen


class Weighted:
    """Values drawn with fixed weights, one random number a draw (a tenth of
    the cost of `random.choices`, which matters a million times over)."""

    def __init__(self, weights):
        self.values = list(weights)
        total = sum(weights.values())
        self.bounds = list(itertools.accumulate(weight / total for weight in weights.values()))
        self.bounds[-1] = 1.0  # rounding must not leave a draw past the end

    def __call__(self, rng):
        return self.values[bisect.bisect(self.bounds, rng.random())]


FIGURE_KINDS = Weighted({"exact": 50, "at_least": 20, "range": 10, "unknown": 20})
AGREEMENT_STATUSES = Weighted({"in_force": 40, "proposed": 15, "ended": 15, "stalled": 10, "unknown": 20})
ATTRIBUTIONS_PER_ATTACK = Weighted({0: 35, 1: 45, 2: 15, 3: 5})
ATTRIBUTION_KINDS = Weighted({"claimed": 45, "suspected": 35, "accused": 12, "denied": 8})


def _partial_date(rng, first_year=1990, last_year=2024, day=0.7, month=0.2):
    year = rng.randint(first_year, last_year)
    draw = rng.random()
    if draw < day:
        return f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
    if draw < day + month:
        return f"{year}-{rng.randint(1, 12):02d}"
    return str(year)


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


def _acronym(english):
    return "".join(word[0] for word in english.replace("-", " ").split() if word[0].isupper())


class Generator:
    """Builds synthetic rows phase by phase and flushes them in batches."""

    def __init__(self, *, attacks, seed=0, batch_size=DEFAULT_BATCH_SIZE, sink=None, progress=False):
        if attacks < 1:
            raise ValueError("generate at least one attack")
        self.plan = Plan(attacks)
        self.seed = seed
        self.batch_size = max(batch_size, 1)
        self.sink = sink or Sink()
        self.progress = progress
        self.now = timezone.now()
        self.rows = defaultdict(list)
        self.serial = Counter()
        # What later phases refer to: organisation ids and names by index.
        self.organisations = []  # (id, (ar, en), country)
        self.by_kind = defaultdict(list)  # kind -> organisation indices
        self.campaigns = []  # attack ids of the campaigns

    # Plumbing --------------------------------------------------------------

    def slug(self, kind):
        self.serial[kind] += 1
        return f"{SYNTHETIC_PREFIX}{kind}-{self.serial[kind]:07d}"

    def add(self, model, row):
        self.rows[model].append(row)

    def flush(self):
        if self.rows:
            self.sink.write(self.rows)
            self.rows = defaultdict(list)

    def run(self):
        """Generate everything; return {model name: rows inserted}."""
        plan = self.plan
        try:
            self.phase("organisations", plan.organisations, self.organisation_block)
            self.phase("actors", plan.actors, self.actor_block)
            self.phase("agreements", plan.agreements, self.agreement_block)
            self.phase("campaigns", plan.campaigns, self.campaign_block)
            self.phase("attacks", plan.attacks - plan.campaigns, self.attack_block)
        finally:
            self.sink.close()
        if self.sink.connection.vendor == "postgresql":
            # Fresh statistics, so that the next queries are planned for the new size.
            with self.sink.connection.cursor() as cursor:
                for model in INSERT_ORDER:
                    cursor.execute(f"ANALYZE {self.sink.connection.ops.quote_name(model._meta.db_table)}")
        return {model.__name__: self.sink.counts[model.__name__] for model in INSERT_ORDER}

    def phase(self, name, total, make_block):
        with tqdm(total=total, desc=name, unit=" rows", file=sys.stderr, disable=not self.progress) as bar:
            pending = 0
            for block, start in enumerate(range(0, total, BLOCK)):
                size = min(BLOCK, total - start)
                rng = Stream(f"{self.seed}:{name}:{block}")
                facts = []
                make_block(rng, start, size, facts)
                self.articles(rng, facts)
                pending += size
                if pending >= self.batch_size:
                    self.flush()
                    bar.update(pending)
                    pending = 0
            self.flush()
            bar.update(pending)

    def record(self, inferred=NO_INFERENCE):
        return (inferred, self.now, self.now)

    # Articles and citations -----------------------------------------------

    def articles(self, rng, facts):
        """Write the block's facts into articles, one citation per fact.

        A fact is (target field, target id, sentence key, parameters); a
        parameter is an (Arabic, English) pair or one value for both.
        """
        position = 0
        while position < len(facts):
            chunk = facts[position : position + rng.randint(*ARTICLE_FACTS)]
            position += len(chunk)
            language = AR if rng.random() < 0.8 else EN
            published = _partial_date(rng, 1995, 2024, day=0.5, month=0.4)
            outlet = self.organisations[rng.choice(self.by_kind["media"])]
            title = (f"تقرير أمني ({published})", f"Security report ({published})")[language]
            author = ""
            if rng.random() < 0.3:
                author = " ".join(rng.choice(names)[language] for names in (words.FIRST_NAMES, words.FAMILY_NAMES))
            parts, offset, citations = [title], len(title), []
            for index, (target, target_id, key, parameters) in enumerate(chunk):
                separator = "\n\n" if index % 4 == 0 else " "
                sentence = self.sentence(key, language, parameters)
                start = offset + len(separator)
                quote = sentence[:-1]  # without its full stop
                translation = self.sentence(key, EN, parameters)[:-1] if language == AR else ""
                citations.append((target, target_id, quote, start, translation))
                parts += [separator, sentence]
                offset = start + len(sentence)
            text = "".join(parts)
            article_id = self.sink.next_id(Article)
            slug = self.slug("article")
            self.add(
                Article,
                (article_id, slug, title, outlet[0], author, published, ("ar", "en")[language],
                 f"https://example.org/{slug}", text, hashlib.sha256(text.encode()).hexdigest(),
                 search_text(title, author), *self.record()),
            )  # fmt: skip
            for target, target_id, quote, start, translation in citations:
                targets = [None] * len(CITATION_TARGETS)
                targets[CITATION_TARGETS.index(target)] = target_id
                self.add(
                    Citation,
                    (self.slug("citation"), article_id, quote, start, start + len(quote), translation, "",
                     *self.record(), *targets),
                )  # fmt: skip

    @staticmethod
    def sentence(key, language, parameters):
        values = {name: value[language] if isinstance(value, tuple) else value for name, value in parameters.items()}
        return words.SENTENCES[key][language].format(**values)

    # Phases ------------------------------------------------------------------

    def organisation_kind(self, index):
        plan = self.plan
        for kind, bound in (
            ("media", plan.media),
            ("state", plan.media + plan.states),
            ("government_agency", plan.media + plan.states + plan.agencies),
        ):
            if index < bound:
                return kind
        return "militant_group"

    def organisation_block(self, rng, start, size, facts):
        for index in range(start, start + size):
            kind = self.organisation_kind(index)
            place = rng.choice(words.PLACES)
            aliases, founded, ended, country, fact = [], None, None, place[2], "organisation"
            if kind == "media":
                head, core = rng.choice(words.MEDIA_NAMES), rng.choice(words.MEDIA_CORES)
                name = (f"{head[AR]} {core[AR]}", f"{core[EN]} {head[EN]}")
                fact = "media"
            elif kind == "state":
                country, *name = words.STATES[index - self.plan.media]
                name, fact = tuple(name), "state"
            elif kind == "government_agency":
                country, state_ar, state_en = rng.choice(words.STATES)
                agency = rng.choice(words.AGENCY_KINDS)
                name, fact = (f"{agency[AR]} {state_ar}", f"{agency[EN]} {state_en}"), "agency"
            else:
                head, core = rng.choice(words.GROUP_HEADS), rng.choice(words.GROUP_CORES)
                region = rng.choice(words.REGIONS)
                name = tuple(" ".join(part for part in parts if part) for parts in zip(head, core, region, strict=True))
                founded = _partial_date(rng, 1980, 2020, day=0.1, month=0.3) if rng.random() < 0.9 else None
                if founded and rng.random() < 0.1:
                    ended = str(rng.randint(int(founded[:4]), 2024))
                aliases.append((_acronym(name[EN]), "en", "acronym"))
                if rng.random() < 0.4:
                    aliases.append((f"{core[AR]}", "ar", "name"))
                if rng.random() < 0.1:
                    aliases.append((f"خوارج {core[AR]}", "ar", "pejorative"))
            organisation_id = self.sink.next_id(Organisation)
            self.organisations.append((organisation_id, name, country))
            self.by_kind[kind].append(index)
            description = f"{name[EN]}: synthetic {kind.replace('_', ' ')} for scale tests."
            self.add(
                Organisation,
                (organisation_id, self.slug("organisation"), name[AR], name[EN], kind, country, founded, ended,
                 description, "", search_text(*name, *sorted(alias for alias, _l, _k in aliases)), *self.record()),
            )  # fmt: skip
            for alias, language, alias_kind in aliases:
                self.add(OrganisationAlias, (organisation_id, alias, language, alias_kind))
            facts.append(("organisation", organisation_id, fact, {"name": name, "place": place[:2]}))
            groups = self.by_kind["militant_group"]
            if kind == "militant_group" and len(groups) > 1 and rng.random() < 0.25:
                other = self.organisations[rng.choice(groups[:-1])]
                relationship = rng.choice(("branch_of", "affiliate_of", "splinter_of", "rival", "ally"))
                relationship_id = self.sink.next_id(OrganisationRelationship)
                self.add(
                    OrganisationRelationship,
                    (relationship_id, self.slug("relationship"), organisation_id, relationship, other[0],
                     founded if relationship == "splinter_of" else None, None, "", *self.record()),
                )  # fmt: skip
                facts.append(("relationship", relationship_id, relationship, {"subject": name, "object": other[1]}))

    def actor_block(self, rng, start, size, facts):
        for _index in range(start, start + size):
            first, family = rng.choice(words.FIRST_NAMES), rng.choice(words.FAMILY_NAMES)
            name = (f"{first[AR]} {family[AR]}", f"{first[EN]} {family[EN]}")
            title = rng.choice(words.TITLES)
            homes = rng.distinct(self.by_kind["militant_group"], rng.choice((1, 1, 1, 2)))
            aliases = []
            if rng.random() < 0.5:
                aliases.append((f"أبو {first[AR]} {family[AR]}", "ar", "name"))
                if rng.random() < 0.3:
                    aliases.append((f"Abu {first[EN]} {family[EN]}", "en", "transliteration"))
            actor_id = self.sink.next_id(Actor)
            first_home = self.organisations[homes[0]]
            self.add(
                Actor,
                (actor_id, self.slug("actor"), name[AR], name[EN], f"{title[AR]} {first_home[1][AR]}",
                 f"{title[EN]} {first_home[1][EN]}", first_home[2], "",
                 search_text(*name, *sorted(alias for alias, _l, _k in aliases)), *self.record()),
            )  # fmt: skip
            for alias, language, kind in aliases:
                self.add(ActorAlias, (actor_id, alias, language, kind))
            facts.append(("actor", actor_id, "actor", {"name": name}))
            for home in homes:
                organisation = self.organisations[home]
                affiliation_id = self.sink.next_id(Affiliation)
                start_date = _partial_date(rng, 2000, 2020, day=0.1, month=0.3) if rng.random() < 0.5 else None
                self.add(
                    Affiliation,
                    (affiliation_id, self.slug("affiliation"), actor_id, organisation[0], title[EN].removesuffix(
                        " of").removesuffix(" in"), start_date, None, *self.record()),
                )  # fmt: skip
                facts.append(
                    ("affiliation", affiliation_id, "affiliation",
                     {"name": name, "title": title, "organisation": organisation[1]}),
                )  # fmt: skip

    def agreement_block(self, rng, start, size, facts):
        governments = self.by_kind["state"] + self.by_kind["government_agency"]
        for _index in range(start, start + size):
            kind = rng.choice(list(words.AGREEMENT_KINDS))
            roles = {
                "warning": ("sender", "recipient"),
                "pledge": ("funder", "recipient"),
                "proposal": ("proposer", "party"),
            }.get(kind, ("party",) * rng.choice((2, 2, 3, 4)))
            parties = [self.organisations[i] for i in rng.distinct(governments, len(roles))]
            label = words.AGREEMENT_KINDS[kind]
            name = tuple(
                f"{label[language]} {parties[0][1][language]}"
                + ("" if kind in ("warning", "pledge") else f" {('و', 'and ')[language]}{parties[1][1][language]}")
                for language in (AR, EN)
            )
            begun = _partial_date(rng, 1995, 2024, day=0.4, month=0.4)
            ended = str(rng.randint(int(begun[:4]), 2025)) if rng.random() < 0.15 else None
            status = AGREEMENT_STATUSES(rng)
            amount = Decimal(rng.randint(1, 500) * 1_000_000) if kind == "pledge" else None
            agreement_id = self.sink.next_id(Agreement)
            self.add(
                Agreement,
                (agreement_id, self.slug("agreement"), name[AR], name[EN], kind, status, begun, ended, amount,
                 "USD" if amount else "", "", search_text(*name), *self.record()),
            )  # fmt: skip
            facts.append(("agreement", agreement_id, "agreement", {"name": name, "date": begun}))
            for organisation, role in zip(parties, roles, strict=False):
                party_id = self.sink.next_id(AgreementParty)
                self.add(
                    AgreementParty,
                    (party_id, self.slug("party"), agreement_id, organisation[0], role, None, None, "",
                     *self.record()),
                )  # fmt: skip
                facts.append(
                    ("party", party_id, "party",
                     {"organisation": organisation[1], "agreement": name, "role": words.PARTY_ROLES[role]}),
                )  # fmt: skip
            targets = rng.distinct(self.by_kind["militant_group"], rng.choice((0, 1, 1, 2)))
            for target in targets:
                organisation = self.organisations[target]
                target_id = self.sink.next_id(AgreementTarget)
                self.add(
                    AgreementTarget,
                    (target_id, self.slug("agreement-target"), agreement_id, organisation[0], *self.record()),
                )
                facts.append(
                    ("agreement_target", target_id, "agreement_target",
                     {"agreement": name, "organisation": organisation[1]}),
                )  # fmt: skip

    def campaign_block(self, rng, start, size, facts):
        for _index in range(start, start + size):
            group = self.organisations[rng.choice(self.by_kind["militant_group"])]
            place = rng.choice(words.PLACES)
            name = (f"حملة {group[1][AR]} في {place[AR]}", f"{group[1][EN]} campaign in {place[EN]}")
            begun = _partial_date(rng, 1995, 2022, day=0.1, month=0.4)
            ended = str(rng.randint(int(begun[:4]), 2024)) if rng.random() < 0.5 else None
            campaign_id = self.sink.next_id(Attack)
            self.campaigns.append(campaign_id)
            self.add(
                Attack,
                (campaign_id, self.slug("campaign"), name[AR], name[EN], "campaign", None, begun, ended, place[2],
                 place[AR], place[EN], None, None, 5, "", "", "", None, None, None, None, "",
                 search_text(*name, place[AR], place[EN]), *self.record()),
            )  # fmt: skip
            facts.append(("attack", campaign_id, "campaign", {"name": name, "date": begun}))

    def attack_block(self, rng, start, size, facts):
        groups, states = self.by_kind["militant_group"], self.by_kind["state"]
        block = []  # (id, name) of this block's attacks, for links
        for _index in range(start, start + size):
            place = rng.choice(words.PLACES)
            kind_ar, kind_en, attack_type, weapon_type = rng.choice(words.ATTACK_TYPES)
            target_ar, target_en, target_type = rng.choice(words.TARGETS)
            name = (f"{kind_ar} {target_ar} في {place[AR]}", f"{kind_en} {target_en} in {place[EN]}")
            when = _partial_date(rng)
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
            attack_id = self.sink.next_id(Attack)
            self.add(
                Attack,
                (attack_id, self.slug("attack"), name[AR], name[EN], "attack",
                 rng.choice(self.campaigns) if rng.random() < 0.2 else None, when, until, place[2], place[AR],
                 place[EN], latitude, longitude, geo, attack_type if rng.random() < 0.9 else "", target_type,
                 weapon_type if rng.random() < 0.9 else "", killed[1], killed[2], wounded[1], wounded[2],
                 "" if rng.random() < 0.7 else f"{name[EN]}.", search_text(*name, place[AR], place[EN]),
                 *self.record(inferred)),
            )  # fmt: skip
            casualties = tuple(
                template.format(low=killed[1], high=killed[2]) for template in words.CASUALTIES[killed[0]]
            )
            facts.append(("attack", attack_id, "attack", {"name": name, "date": when, "casualties": casualties}))
            count = ATTRIBUTIONS_PER_ATTACK(rng)
            for organisation in rng.distinct(groups, count):
                organisation = self.organisations[organisation]
                kind = ATTRIBUTION_KINDS(rng)
                accuser = self.organisations[rng.choice(states)] if kind == "accused" else None
                attribution_id = self.sink.next_id(Attribution)
                self.add(
                    Attribution,
                    (attribution_id, self.slug("attribution"), attack_id, organisation[0], kind,
                     accuser and accuser[0], "", *self.record()),
                )  # fmt: skip
                parameters = {"organisation": organisation[1], "attack": name}
                if accuser:
                    parameters["accuser"] = accuser[1]
                facts.append(("attribution", attribution_id, kind, parameters))
            if block and rng.random() < 0.05:
                other_id, other_name = rng.choice(block)
                kind = rng.choice(("same_event", "related", "retaliation_for", "followed"))
                link_id = self.sink.next_id(AttackLink)
                self.add(AttackLink, (link_id, self.slug("attack-link"), attack_id, kind, other_id, *self.record()))
                facts.append(("attack_link", link_id, kind, {"attack": name, "other": other_name}))
            block.append((attack_id, name))


def synthetic_exists(using="default"):
    return any(
        model._default_manager.using(using).filter(slug__startswith=SYNTHETIC_PREFIX).exists()
        for model in (Organisation, Article, Attack)
    )


def generate(
    *,
    attacks,
    seed=0,
    batch_size=DEFAULT_BATCH_SIZE,
    using="default",
    copy=True,
    progress=False,
    defer_search_indexes=False,
):
    """Generate synthetic data; return {model name: rows inserted}.

    `defer_search_indexes` (PostgreSQL): drop the trigram (name search)
    indexes for the load and build them again afterwards, which is several
    times faster than updating them row by row. Name search is slow in the
    meantime; if the process dies, `manage.py migrate` builds them again.
    """
    if synthetic_exists(using):
        raise ValueError("the database already holds synthetic data: run `manage.py remove_synthetic` first")
    generator = Generator(
        attacks=attacks, seed=seed, batch_size=batch_size, sink=Sink(using, copy=copy), progress=progress
    )
    connection = connections[using]
    if not defer_search_indexes or connection.vendor != "postgresql" or connection.in_atomic_block:
        return generator.run()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() "
            "AND tablename = ANY(%s) AND indexdef LIKE %s",
            [[model._meta.db_table for model in INSERT_ORDER], "%gin_trgm_ops%"],
        )
        deferred = cursor.fetchall()
        for name, _definition in deferred:
            cursor.execute(f"DROP INDEX IF EXISTS {connection.ops.quote_name(name)}")
    try:
        return generator.run()
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SET maintenance_work_mem = '512MB'")  # a sorted build in memory
            for _name, definition in deferred:
                cursor.execute(definition.replace("CREATE INDEX", "CREATE INDEX IF NOT EXISTS", 1))


def _synthetic(connection, column):
    """SQL condition and parameters: `column` holds a synthetic slug (case-sensitively)."""
    if connection.vendor == "postgresql":
        return f"{column} LIKE %s", [f"{SYNTHETIC_PREFIX}%"]  # the slug's pattern index serves it
    if connection.vendor == "sqlite":
        return f"{column} GLOB %s", [f"{SYNTHETIC_PREFIX}*"]  # LIKE ignores case in SQLite
    return f"substr({column}, 1, {len(SYNTHETIC_PREFIX)}) = %s", [SYNTHETIC_PREFIX]


def remove(using="default"):
    """Delete every synthetic row, and its history, in one transaction.

    Rows are deleted by SQL, not by the ORM: at millions of rows, collecting
    them for signals and cascades would not fit in memory. A curated row that
    refers to a synthetic one makes the transaction fail, and nothing is
    deleted. Return {model name: rows deleted}.
    """
    connection = connections[using]
    quote = connection.ops.quote_name
    counts = {}
    with transaction.atomic(using=using), connection.cursor() as cursor:
        for model in REMOVE_ORDER:
            table = quote(model._meta.db_table)
            history_table = quote(model.history.model._meta.db_table)
            condition, parameters = _synthetic(connection, quote("slug"))
            if getattr(model, "owner_field", None):
                # An alias has no slug: it goes with its synthetic owner.
                owner = model._meta.get_field(model.owner_field)
                owners = f"SELECT id FROM {quote(owner.related_model._meta.db_table)} WHERE {condition}"
                condition = f"{quote(owner.column)} IN ({owners})"
            cursor.execute(f"DELETE FROM {history_table} WHERE {condition}", parameters)
            cursor.execute(f"DELETE FROM {table} WHERE {condition}", parameters)
            counts[model.__name__] = cursor.rowcount
        # Foreign keys are checked at commit, which an enclosing transaction
        # postpones: check now, so that this transaction fails on its own.
        connection.check_constraints(table_names=[model._meta.db_table for model in REMOVE_ORDER])
    return counts


def summary(counts):
    """One line per model, for the commands' output."""
    width = max(map(len, counts), default=0)
    return "\n".join(f"{name:<{width}} {count:>10}" for name, count in counts.items())
