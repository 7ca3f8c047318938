"""A number that changes whenever the data the API serves changes.

`SELECT value FROM ctdb_data_version WHERE id = 1` gives it, on both
databases; a trigger on every core table changes it on each insert, update,
delete or truncate, however it is made: the admin, an import, `loaddata`,
bulk SQL. The API keys its response cache on it (`ctdb.api.cache`): a reader
that sees a version must never see data older than it.

On SQLite, writers take turns anyway, so one row is set to a new random
number in the writing transaction and becomes visible with the data.

On PostgreSQL one row bumped in every writing transaction would serialise
all writers (each waits for the row until the one before commits) and
deadlock with their other row locks. Instead each write statement appends
a row to `ctdb_data_version_log`, numbered by an identity sequence: no two
writers touch the same row, nobody waits. `ctdb_data_version` is a view
that digests, in the reader's one snapshot, the highest number it can see
and the transactions still running. Why that is enough: a write this
reader cannot see either runs now (it is in the running list, which changes
when it commits) or started after the snapshot (its number is then above
every visible one, so the highest changes when it commits). Deleting old
log rows keeps the table small and changes nothing: a writer deletes only
rows below its own, which becomes visible with the deletion. A rolled-back
write takes its row, and so its version, back with its data.
"""

import hashlib
import json

TABLE = "ctdb_data_version"
LOG = "ctdb_data_version_log"
# Log rows kept below the newest; older ones are removed as writes go on.
LOG_KEPT = 1000


def _core_tables():
    from django.apps import apps

    for model in apps.get_app_config("core").get_models():
        table = model._meta.db_table
        if not table.startswith("core_historical"):
            yield table


def statements(vendor):
    """The SQL that creates the version and its triggers (idempotent)."""
    if vendor == "postgresql":
        yield from _postgresql_statements()
    elif vendor == "sqlite":
        yield f"CREATE TABLE IF NOT EXISTS {TABLE} (id integer PRIMARY KEY CHECK (id = 1), value integer NOT NULL)"
        yield f"INSERT OR IGNORE INTO {TABLE} (id, value) VALUES (1, 0)"
        for table in _core_tables():
            # SQLite has row triggers only.
            for event in ("INSERT", "UPDATE", "DELETE"):
                name = f"{table}_data_version_{event.lower()}"
                yield f'DROP TRIGGER IF EXISTS "{name}"'
                yield (
                    f'CREATE TRIGGER "{name}" AFTER {event} ON "{table}" '
                    f"BEGIN UPDATE {TABLE} SET value = random() WHERE id = 1; END"
                )


def _postgresql_statements():
    # Databases made before the log kept the version in a one-row table.
    yield f"""DO $$ BEGIN
          IF to_regclass('{TABLE}') IS NOT NULL
             AND (SELECT relkind FROM pg_class WHERE oid = to_regclass('{TABLE}')) = 'r' THEN
            DROP TABLE {TABLE};
          END IF;
        END $$"""
    yield f"CREATE TABLE IF NOT EXISTS {LOG} (value bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY)"
    yield f"""CREATE OR REPLACE VIEW {TABLE} AS SELECT 1 AS id, hashtextextended(
          coalesce((SELECT max(value) FROM {LOG}), 0)::text || ':' ||
          coalesce((SELECT string_agg(x::text, ',' ORDER BY x) FROM pg_snapshot_xip(pg_current_snapshot()) x), ''),
          0) AS value"""
    yield f"""CREATE OR REPLACE FUNCTION ctdb_new_data_version() RETURNS trigger AS $$
        DECLARE
          added bigint;
        BEGIN
          INSERT INTO {LOG} DEFAULT VALUES RETURNING value INTO added;
          -- SKIP LOCKED: rows another writer is deleting are left to it, never waited for.
          DELETE FROM {LOG} WHERE value IN (
            SELECT value FROM {LOG} WHERE value < added - {LOG_KEPT} FOR UPDATE SKIP LOCKED);
          RETURN NULL;
        END $$ LANGUAGE plpgsql"""
    for table in _core_tables():
        # Once per statement: a bulk insert of a million rows adds one log row.
        yield f'DROP TRIGGER IF EXISTS "{table}_data_version" ON "{table}"'
        yield (
            f'CREATE TRIGGER "{table}_data_version" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE '
            f'ON "{table}" FOR EACH STATEMENT EXECUTE FUNCTION ctdb_new_data_version()'
        )


def current(using="default"):
    """The data version now (one read of a row, or of the view)."""
    from django.db import connections

    with connections[using].cursor() as cursor:
        cursor.execute(f"SELECT value FROM {TABLE} WHERE id = 1")
        row = cursor.fetchone()
    return row[0] if row else None


def record_version(record):
    """The version of one stored record, as a string an editor's form carries:
    a digest of its own values.

    Not its `updated_at`: that also moves when a row its API answer embeds
    changes (`nested_changes`), which is no edit of the record itself, and
    aliases have none. Any change to the row's own values changes the digest.
    """
    if record is None:
        return ""
    values = [
        [field.attname, str(getattr(record, field.attname))]
        for field in record._meta.concrete_fields
        if field.name != "updated_at"
    ]
    return hashlib.sha256(json.dumps(values).encode()).hexdigest()[:16]
