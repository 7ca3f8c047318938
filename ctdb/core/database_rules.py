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
"""

from . import data_version

SEARCHABLE_TABLES = ("core_organisation", "core_actor", "core_attack", "core_agreement", "core_article")

QUOTE_MISMATCH = "citation quote does not occur at its offsets in the article text"
TEXT_BREAKS_CITATION = "article text change would break a citation of it"

_SQLITE = [
    "DROP TRIGGER IF EXISTS core_citation_quote_insert",
    "DROP TRIGGER IF EXISTS core_citation_quote_update",
    "DROP TRIGGER IF EXISTS core_article_text_update",
    *[
        f"""
        CREATE TRIGGER core_citation_quote_{event.lower()} BEFORE {event} ON core_citation
        WHEN substr((SELECT text FROM core_article WHERE id = NEW.article_id),
                    NEW."start" + 1, NEW."end" - NEW."start") IS NOT NEW.quote
        BEGIN SELECT RAISE(ABORT, '{QUOTE_MISMATCH}'); END
        """
        for event in ("INSERT", "UPDATE")
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
    """CREATE TRIGGER core_citation_quote BEFORE INSERT OR UPDATE ON core_citation
       FOR EACH ROW EXECUTE FUNCTION core_citation_check_quote()""",
    "DROP TRIGGER IF EXISTS core_article_text ON core_article",
    """CREATE TRIGGER core_article_text BEFORE UPDATE OF text ON core_article
       FOR EACH ROW EXECUTE FUNCTION core_article_check_citations()""",
    *[
        f"CREATE INDEX IF NOT EXISTS {table}_search_trgm ON {table} USING gin (search_text gin_trgm_ops)"
        for table in SEARCHABLE_TABLES
    ],
    # The API lists attacks newest first with undated ones last; a btree
    # sorts NULLs first when descending unless told otherwise, and SQLite
    # cannot declare NULLS LAST in an index, so this one is PostgreSQL's.
    """CREATE INDEX IF NOT EXISTS core_attack_api_order
       ON core_attack (start DESC NULLS LAST, slug ASC NULLS LAST)""",
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


def install(connection):
    statements = {"sqlite": _SQLITE, "postgresql": _POSTGRESQL}.get(connection.vendor, [])
    with connection.cursor() as cursor:
        for statement in [*statements, *_sync_order_indexes(), *data_version.statements(connection.vendor)]:
            cursor.execute(statement)


def install_after_migrate(sender, using="default", **kwargs):
    from django.db import connections

    install(connections[using])
