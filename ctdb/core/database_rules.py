"""Rules the database enforces that a CHECK constraint cannot express.

A citation's quote must be the article's text at the citation's offsets, and
an article's text may not change under its citations. Both cross tables, so
they are triggers. They are (re)installed after every `migrate`, because
SQLite drops a table's triggers when a migration rebuilds the table. On
PostgreSQL the same step adds the trigram indexes behind name search.

Every record table also gets an index in the API's sync order, (updated_at,
id), so that a sync page seeks to its cursor instead of scanning the rows
before it. The triggers behind the data version (`data_version.py`) are
installed here too.

On PostgreSQL every ordering the API offers (each viewset's
`ordering_fields`, either way, with the `slug` that breaks ties) has an
index, so that a page in any order reads its rows in order instead of
sorting the table. They are derived from the viewsets, so a new ordering
gets its index (and `tests/api/test_load_bounds.py` checks the plans). The
API sorts nulls last either way: a descending order needs its own index
(`DESC NULLS LAST`), since a backward scan would put the nulls first. A
count (`attributions_count`) cannot be indexed; a covering index makes it
an index-only count per record.
"""

from . import data_version, deletions, nested_changes, registry

# Every record model with a `search_text` column gets a trigram index on it.
SEARCHABLE_TABLES = tuple(model._meta.db_table for model in registry.searchable_models())

# The columns that say where a citation's quote is.
CITATION_SPAN = 'quote, "start", "end", article_id'
QUOTE_MISMATCH = "citation quote does not occur at its offsets in the article text"
TEXT_BREAKS_CITATION = "article text change would break a citation of it"

_SQLITE = [
    "DROP TRIGGER IF EXISTS core_citation_quote_insert",
    "DROP TRIGGER IF EXISTS core_citation_quote_update",
    "DROP TRIGGER IF EXISTS core_article_text_update",
    *[
        f"""
        CREATE TRIGGER core_citation_quote_{name} BEFORE {event} ON core_citation
        WHEN substr((SELECT text FROM core_article WHERE id = NEW.article_id),
                    NEW."start" + 1, NEW."end" - NEW."start") IS NOT NEW.quote
        BEGIN SELECT RAISE(ABORT, '{QUOTE_MISMATCH}'); END
        """
        # An update that moves only `updated_at` (nested_changes, when an
        # article is deleted or renamed) is not checked: its span is unchanged.
        for name, event in (("insert", "INSERT"), ("update", f"UPDATE OF {CITATION_SPAN}"))
    ],
    f"""
    CREATE TRIGGER core_article_text_update BEFORE UPDATE OF text ON core_article
    WHEN EXISTS (SELECT 1 FROM core_citation c WHERE c.article_id = NEW.id
                 AND substr(NEW.text, c."start" + 1, c."end" - c."start") IS NOT c.quote)
    BEGIN SELECT RAISE(ABORT, '{TEXT_BREAKS_CITATION}'); END
    """,
]

_POSTGRESQL = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    f"""
    CREATE OR REPLACE FUNCTION core_citation_check_quote() RETURNS trigger AS $$
    BEGIN
      IF substr((SELECT text FROM core_article WHERE id = NEW.article_id),
                NEW."start" + 1, NEW."end" - NEW."start") IS DISTINCT FROM NEW.quote THEN
        RAISE EXCEPTION '{QUOTE_MISMATCH}' USING ERRCODE = 'check_violation';
      END IF;
      RETURN NEW;
    END $$ LANGUAGE plpgsql
    """,
    f"""
    CREATE OR REPLACE FUNCTION core_article_check_citations() RETURNS trigger AS $$
    BEGIN
      IF EXISTS (SELECT 1 FROM core_citation c WHERE c.article_id = NEW.id
                 AND substr(NEW.text, c."start" + 1, c."end" - c."start") IS DISTINCT FROM c.quote) THEN
        RAISE EXCEPTION '{TEXT_BREAKS_CITATION}' USING ERRCODE = 'check_violation';
      END IF;
      RETURN NEW;
    END $$ LANGUAGE plpgsql
    """,
    "DROP TRIGGER IF EXISTS core_citation_quote ON core_citation",
    f"""CREATE TRIGGER core_citation_quote BEFORE INSERT OR UPDATE OF {CITATION_SPAN} ON core_citation
       FOR EACH ROW EXECUTE FUNCTION core_citation_check_quote()""",
    "DROP TRIGGER IF EXISTS core_article_text ON core_article",
    """CREATE TRIGGER core_article_text BEFORE UPDATE OF text ON core_article
       FOR EACH ROW EXECUTE FUNCTION core_article_check_citations()""",
    *[
        f"CREATE INDEX IF NOT EXISTS {table}_search_trgm ON {table} USING gin (search_text gin_trgm_ops)"
        for table in SEARCHABLE_TABLES
    ],
    # Now one of the ordering indexes below (core_attack_order_start_desc).
    "DROP INDEX IF EXISTS core_attack_api_order",
    # `ordering=attributions_count`: each organisation's count read from the index alone.
    "CREATE INDEX IF NOT EXISTS core_attribution_count ON core_attribution (organisation_id, id)",
]


SYNC_ORDER = ["updated_at", "id"]


def _sync_order_indexes():
    from django.apps import apps

    from .models.base import Record

    for model in apps.get_app_config("core").get_models():
        if issubclass(model, Record) and not any(index.fields == SYNC_ORDER for index in model._meta.indexes):
            table = model._meta.db_table
            columns = ", ".join(f'"{column}"' for column in SYNC_ORDER)
            yield f'CREATE INDEX IF NOT EXISTS "{table}_sync_order" ON "{table}" ({columns})'


def ordering_columns(model, name):
    """(table, column) an API ordering `name` sorts on, or None for an annotation."""
    *path, last = name.split("__")
    for step in path:
        model = model._meta.get_field(step).related_model
    field = next((f for f in model._meta.concrete_fields if f.name == last), None)
    return (model._meta.db_table, field.column) if field else None


def _api_order_indexes():
    from ctdb.api.urls import router

    statements = {}
    for _prefix, view, _basename in router.registry:
        model = view.queryset.model
        for name in view.ordering_fields:
            table, column = ordering_columns(model, name) or (None, None)
            if table is None:
                continue
            # The tie-breaker is the listed record's slug: only its own table's index can hold it.
            tie = ', "slug"' if column != "slug" and table == model._meta.db_table else ""
            if column != "slug":  # ascending slug is the unique index
                statements[f"{table}_order_{column}"] = f'("{column}"{tie})'
            statements[f"{table}_order_{column}_desc"] = f'("{column}" DESC NULLS LAST{tie})'
    for index, columns in statements.items():
        yield f'CREATE INDEX IF NOT EXISTS "{index}" ON "{index.split("_order_")[0]}" {columns}'


def install(connection):
    statements = {"sqlite": _SQLITE, "postgresql": _POSTGRESQL}.get(connection.vendor, [])
    with connection.cursor() as cursor:
        for statement in [
            *statements,
            *_sync_order_indexes(),
            *(_api_order_indexes() if connection.vendor == "postgresql" else ()),
            *data_version.statements(connection.vendor),
            *nested_changes.statements(connection.vendor),
            *deletions.statements(),
        ]:
            cursor.execute(statement)


def install_after_migrate(sender, using="default", **kwargs):
    from django.db import connections

    install(connections[using])
