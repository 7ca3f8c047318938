"""A number that changes whenever the data the API serves changes.

One row, `ctdb_data_version`, which a trigger on every core table sets to a
new random number on each insert, update, delete or truncate, however it is
made: the admin, an import, `loaddata`, bulk SQL. The row changes in the
writing transaction, so it becomes visible together with the data: a reader
that sees a version never sees data older than it. A rolled-back write takes
its version back with its data; random numbers, not a counter, so that a
number once used for some data never names other data later.

The API keys its response cache on it (`ctdb.api.cache`).
"""

TABLE = "ctdb_data_version"


def _core_tables():
    from django.apps import apps

    for model in apps.get_app_config("core").get_models():
        table = model._meta.db_table
        if not table.startswith("core_historical"):
            yield table


def statements(vendor):
    """The SQL that creates the row and its triggers (idempotent)."""
    if vendor == "postgresql":
        yield f"CREATE TABLE IF NOT EXISTS {TABLE} (id integer PRIMARY KEY CHECK (id = 1), value bigint NOT NULL)"
        yield f"INSERT INTO {TABLE} (id, value) VALUES (1, 0) ON CONFLICT (id) DO NOTHING"
        yield f"""CREATE OR REPLACE FUNCTION ctdb_new_data_version() RETURNS trigger AS $$
            BEGIN
              UPDATE {TABLE} SET value = floor(random() * 9.2e18)::bigint WHERE id = 1;
              RETURN NULL;
            END $$ LANGUAGE plpgsql"""
        for table in _core_tables():
            # Once per statement: a bulk insert of a million rows bumps it once.
            yield f'DROP TRIGGER IF EXISTS "{table}_data_version" ON "{table}"'
            yield (
                f'CREATE TRIGGER "{table}_data_version" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE '
                f'ON "{table}" FOR EACH STATEMENT EXECUTE FUNCTION ctdb_new_data_version()'
            )
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


def current(using="default"):
    """The data version now (one primary-key read)."""
    from django.db import connections

    with connections[using].cursor() as cursor:
        cursor.execute(f"SELECT value FROM {TABLE} WHERE id = 1")
        row = cursor.fetchone()
    return row[0] if row else None
