"""Generate synthetic data, remove it, and summarise what was done: what the
`generate_synthetic` and `remove_synthetic` commands call.
"""

from django.db import connections, transaction

from ctdb.core.registry import load_order, removal_order
from ctdb.exports.spec import SYNTHETIC_PREFIX

from .generator import DEFAULT_BATCH_SIZE, Generator, Plan
from .sink import Sink

__all__ = ["DEFAULT_BATCH_SIZE", "Plan", "generate", "remove", "summary", "synthetic_exists"]


def synthetic_exists(using="default"):
    """Whether any record with a slug has a synthetic one (organisations, the first made, are asked first)."""
    return any(
        model._default_manager.using(using).filter(slug__startswith=SYNTHETIC_PREFIX).exists()
        for model in load_order()
        if any(field.name == "slug" for field in model._meta.concrete_fields)
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
            [[model._meta.db_table for model in load_order()], "%gin_trgm_ops%"],
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
    deleted. Each model's rows go before those of the models it refers to
    (`registry.removal_order()`): PROTECT forbids deleting a row still cited
    or linked, wherever constraints are immediate. Return {model name: rows
    deleted}.
    """
    connection = connections[using]
    quote = connection.ops.quote_name
    counts = {}
    with transaction.atomic(using=using), connection.cursor() as cursor:
        for model in removal_order():
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
        connection.check_constraints(table_names=[model._meta.db_table for model in removal_order()])
    return counts


def summary(counts):
    """One line per model, for the commands' output."""
    width = max(map(len, counts), default=0)
    return "\n".join(f"{name:<{width}} {count:>10}" for name, count in counts.items())
