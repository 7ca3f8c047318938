"""The writer of synthetic rows: ids handed out ahead of the rows, and
batches inserted in a background thread where it can be.

The rows themselves go in through the project's one bulk writer,
ctdb.core.bulk.insert_rows (COPY on PostgreSQL, `bulk_create` elsewhere),
without historical rows: synthetic data is that writer's one exception to
history (see ctdb/core/bulk.py).
"""

import queue
import threading
from collections import Counter, defaultdict

from django.db import connections, transaction
from django.db.models import Max

from ctdb.core import bulk
from ctdb.core.registry import references

from . import discovery

# Ids taken from a sequence per round trip.
ID_POOL = 10_000

# Session settings for a bulk load on PostgreSQL. Synthetic rows can be made
# again, so a crash may lose the last commits (never corrupt them); and the
# trigram indexes take new rows in fewer, larger merges.
BULK_SETTINGS = (
    "SET synchronous_commit = off",
    "SET gin_pending_list_limit = '64MB'",
    "SET work_mem = '64MB'",
)


class Sink:
    """Inserts batches of rows (tuples in the order of the model's synthetic
    columns, `discovery.columns()`) and hands out ids ahead of them.

    On PostgreSQL outside a transaction, batches are written by a background
    thread on its own connection, so that the database indexes one batch
    while Python builds the next (two cores, both busy). Inside a
    transaction (the tests) every batch is written in it, synchronously.
    """

    def __init__(self, using="default", copy=True):
        self.using = using
        self.columns = discovery.columns()  # in load order: a row's references are written first
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
            return bulk.sequence_ids(self.connection, model, count)
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
            for model in self.columns:
                rows = batch.get(model, ())
                if rows:
                    if connection.vendor == "postgresql":
                        self._analyze_grown_tables(connection, model)
                    bulk.insert_rows(connection, model, self.columns[model], rows, copy=self.copy)
                self.counts[model.__name__] += len(rows)

    def _analyze_grown_tables(self, connection, model):
        # Triggers (the citation's reads its article) and foreign key checks
        # keep their query plans for the session. Planned while a table was
        # nearly empty, a lookup by id scans the whole table, and every insert
        # slows as the table grows (minutes at 50,000 attacks). ANALYZE, which
        # sees this transaction's own rows, replaces those plans: each time a
        # table has doubled, so a few times per table in all, and before the
        # rows of a model that refers to it.
        grown = [
            referenced
            for referenced in self.columns
            if referenced in references(model)
            and self.counts[referenced.__name__] >= 2 * self.analyzed.get(referenced, 0) + 100
        ]
        with connection.cursor() as cursor:
            for referenced in grown:
                cursor.execute(f"ANALYZE {connection.ops.quote_name(referenced._meta.db_table)}")
                self.analyzed[referenced] = self.counts[referenced.__name__]
