"""The `dataset` fixture's fast path (rows inserted from a capture of the
first load) leaves the database as `loaddata` of fixtures/ctdb.json does.

The comparison reads every table the database has (found by introspection,
not from the models the fixture knows), every column of it, and the id
sequences; only the data version's own tables are left out, since every
write gives them a new value by design (both ways write, so both move it).
"""

from contextlib import contextmanager

import pytest
from django.db import connection, transaction
from django.db.models import AutoField, Max

from ctdb.core import data_version, nested_changes
from ctdb.core.registry import record_models
from tests import factories as make
from tests.conftest import DATASET, stored

# Tables whose content is a new number after any write, whichever way it is made.
CHANGES_WITH_EVERY_WRITE = {data_version.TABLE, data_version.LOG}


@contextmanager
def rolled_back():
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


def database_state():
    """({table: sorted rows}, {sequence: where it stands}) of the whole database."""
    quote = connection.ops.quote_name
    tables = {}
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names(cursor, include_views=False)):
            if table in CHANGES_WITH_EVERY_WRITE:
                continue
            cursor.execute(f"SELECT * FROM {quote(table)} WHERE 1 = 0")
            columns = [column[0] for column in cursor.description]
            cursor.execute(f"SELECT {', '.join(stored(connection, c) for c in columns)} FROM {quote(table)}")
            tables[table] = (columns, sorted(cursor.fetchall(), key=repr))
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT schemaname, sequencename, last_value FROM pg_sequences WHERE "
                "format('%%I.%%I', schemaname, sequencename) IS DISTINCT FROM pg_get_serial_sequence(%s, 'value')",
                [data_version.LOG],
            )
        else:
            cursor.execute("SELECT name, seq FROM sqlite_sequence")
        sequences = sorted(cursor.fetchall())
    return tables, sequences


def differences(state, expected):
    """The tables (and 'sequences') in which `state` differs from `expected`."""
    (tables, sequences), (expected_tables, expected_sequences) = state, expected
    names = sorted(set(tables) | set(expected_tables))
    found = [name for name in names if tables.get(name) != expected_tables.get(name)]
    return found + (["sequences"] if sequences != expected_sequences else [])


def captured():
    """The capture the fast path inserts, made now if no test has loaded the dataset yet."""
    if DATASET.tables is None:
        with rolled_back():
            DATASET.load()
    assert DATASET.tables is not None, "the load at the start of a test was not clean: nothing was captured"
    return DATASET.tables


def test_the_fast_path_leaves_the_database_as_a_real_load_does(db):
    tables = captured()
    with rolled_back():
        version = data_version.current()
        assert DATASET.load() == "fast"
        # A new data version, as after any write: no answer cached before is served after.
        assert data_version.current() != version
        fast = database_state()
    # The ids a real load gives come from the sequences: start them where the captured load did.
    DATASET.restore_sequences()
    with rolled_back():
        with nested_changes.suspended():
            DATASET.loaddata()
        real = database_state()
    assert differences(fast, real) == []
    # Something was compared: the records, their history tables and the search documents among them.
    filled = {table for table, (_columns, rows) in real[0].items() if rows}
    assert {model._meta.db_table for model, _columns, rows in tables if rows} <= filled
    assert {model._meta.db_table for model in record_models()} <= filled
    assert sum(len(rows) for _model, _columns, rows in tables) >= 781


def test_the_comparison_notices_any_table_left_out_of_the_capture(db, monkeypatch):
    tables = captured()
    with rolled_back():
        DATASET.load()
        complete = database_state()
    # A table the database fills itself (the search terms) is filled whatever the capture holds.
    for left_out in [entry for entry in tables if entry[0] not in DATASET.derived]:
        monkeypatch.setattr(DATASET, "tables", [entry for entry in tables if entry is not left_out])
        with rolled_back():
            try:
                with transaction.atomic():
                    assert DATASET.load() == "fast"
                    noticed = left_out[0]._meta.db_table in differences(database_state(), complete)
            except Exception:  # noqa: BLE001 -- rows that need the left-out ones are refused: noticed too
                noticed = True
        assert noticed, left_out[0]._meta.db_table


def test_a_record_made_after_the_fast_path_gets_a_new_id(db):
    captured()
    assert DATASET.load() == "fast"
    # Every captured table's sequence is past its highest id...
    for model, _columns, rows in DATASET.tables:
        if rows and isinstance(model._meta.pk, AutoField):
            highest = model._base_manager.aggregate(highest=Max("pk"))["highest"]
            assert next_id(model) > highest, model._meta.label
    # ...and the ORM's create gives a new record one: each type that needs no other
    # record (`make.example` would link one that may already be linked so).
    standalone = [
        model
        for model in record_models()
        if not any(field.is_relation and not field.null for field in model._meta.concrete_fields)
    ]
    assert standalone
    for model in standalone:
        highest = model._base_manager.aggregate(highest=Max("pk"))["highest"]
        assert make.example(model, n=10_000).pk > highest, model._meta.label


def test_the_fast_path_leaves_no_constraint_check_pending(db):
    """As `loaddata`, which checks the foreign keys it wrote at its end: a
    pending deferred check would make PostgreSQL refuse DDL on the table."""
    captured()
    assert DATASET.load() == "fast"
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for model, columns, _rows in DATASET.tables:
            with rolled_back():
                table, column = quote(model._meta.db_table), quote(columns[0])
                cursor.execute(f"CREATE INDEX dataset_fixture_probe ON {table} ({column})")


def next_id(model):
    """The id the database would give `model`'s next row."""
    table, column = model._meta.db_table, model._meta.pk.column
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, %s))", [table, column])
            return cursor.fetchone()[0]
        # AUTOINCREMENT: past both the highest id ever given and the highest there is.
        cursor.execute(
            f"SELECT max(coalesce((SELECT seq FROM sqlite_sequence WHERE name = %s), 0), "
            f"coalesce((SELECT max({quote(column)}) FROM {quote(table)}), 0)) + 1",
            [table],
        )
        return cursor.fetchone()[0]


@pytest.mark.parametrize("made_first", [False, True])
def test_a_database_that_is_not_empty_gets_the_real_load(db, monkeypatch, made_first):
    captured()
    loaded = []
    monkeypatch.setattr(DATASET, "loaddata", lambda using="default": loaded.append(using))
    monkeypatch.setattr(DATASET, "_insert", lambda connection: loaded.append("inserted"))
    if made_first:  # `loaddata` would merge the fixture's records into what is there, by natural key
        make.example(record_models()[0])
    assert DATASET.load() == ("real" if made_first else "fast")
    assert loaded == (["default"] if made_first else ["inserted"])
