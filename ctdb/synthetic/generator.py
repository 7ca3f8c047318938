"""The generator: runs every domain's phases block by block, and flushes the
rows they make to the sink in batches.

A phase (`Phase`) makes one kind of record in blocks of `BLOCK`; each block
draws from its own random stream, seeded by (seed, phase name, block), and
states facts that the sources domain writes up as articles and citations.
What the domains make, in what order and how many, comes from their
`synthetic` modules (`discovery`).
"""

import sys
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from django.utils import timezone
from tqdm import tqdm

from ctdb.exports.spec import SYNTHETIC_PREFIX

from . import discovery
from .draws import NO_INFERENCE, Stream
from .sink import Sink

# Records per random stream (see the package docstring).
BLOCK = 100
DEFAULT_BATCH_SIZE = 20_000

# The columns every record row ends with, in the order `Generator.record` gives them.
RECORD = ("inferred", "created_at", "updated_at")


@dataclass(frozen=True)
class Plan:
    """How many records of each kind go with N attacks (campaigns included):
    `plan.<name>` is the size the domains' `SIZES` give for that name."""

    attacks: int

    def __getattr__(self, name):
        size = discovery.sizes().get(name)
        if size is None:
            raise AttributeError(f"no synthetic size {name!r}: no domain's SIZES declares it")
        return size(self)


@dataclass(frozen=True)
class Phase:
    """One kind of record made in blocks: `size(plan)` records in all, each
    block made by `block(generator, rng, start, size, facts)`.

    The name seeds the blocks' random streams: renaming a phase changes the rows.
    """

    name: str
    size: Callable
    block: Callable


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
        self.kept = {}

    # For the domains' blocks ---------------------------------------------

    def slug(self, kind):
        """The next synthetic slug of `kind`, numbered in generation order."""
        self.serial[kind] += 1
        return f"{SYNTHETIC_PREFIX}{kind}-{self.serial[kind]:07d}"

    def add(self, model, row):
        """Queue a row of `model` (values in its synthetic columns' order) for the next flush."""
        self.rows[model].append(row)

    def record(self, inferred=NO_INFERENCE):
        """The `RECORD` columns' values."""
        return (inferred, self.now, self.now)

    def keep(self, key, make=list):
        """What a phase keeps for later ones (the organisations made so far,
        the campaigns' ids): one object per key, made by `make` on first use."""
        if key not in self.kept:
            self.kept[key] = make()
        return self.kept[key]

    # Running ---------------------------------------------------------------

    def flush(self):
        """Hand the queued rows to the sink as one batch."""
        if self.rows:
            self.sink.write(self.rows)
            self.rows = defaultdict(list)

    def run(self):
        """Generate everything; return {model name: rows inserted}."""
        try:
            for phase in discovery.phases():
                self.phase(phase)
        finally:
            self.sink.close()
        connection = self.sink.connection
        if connection.vendor == "postgresql":
            # Fresh statistics, so that the next queries are planned for the new size.
            with connection.cursor() as cursor:
                for model in self.sink.columns:
                    cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
        return {model.__name__: self.sink.counts[model.__name__] for model in self.sink.columns}

    def phase(self, phase):
        """Run one phase block by block, each block's facts written up after
        it, and flush about every `batch_size` records."""
        total = phase.size(self.plan)
        write_facts = discovery.fact_writers()
        with tqdm(total=total, desc=phase.name, unit=" rows", file=sys.stderr, disable=not self.progress) as bar:
            pending = 0
            for block, start in enumerate(range(0, total, BLOCK)):
                size = min(BLOCK, total - start)
                rng = Stream(f"{self.seed}:{phase.name}:{block}")
                facts = []
                phase.block(self, rng, start, size, facts)
                for write in write_facts:
                    write(self, rng, facts)
                pending += size
                if pending >= self.batch_size:
                    self.flush()
                    bar.update(pending)
                    pending = 0
            self.flush()
            bar.update(pending)
