"""The one bulk writer (ctdb/core/bulk.py): a restored dataset gets its
history, synthetic data goes through the same COPY and gets none."""

from collections import Counter

import pytest
from django.db import connection

from ctdb.core import bulk, models
from ctdb.exports.importer import import_dataset
from ctdb.exports.spec import TABLES
from ctdb.exports.writer import export_dataset
from ctdb.synthetic.engine import generate
from tests.conftest import published
from tests.exports.conftest import empty_database

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="COPY is PostgreSQL's; elsewhere bulk_create writes the rows"
)


@pytest.fixture
def copied(monkeypatch):
    """Rows per model written through bulk.copy_in, which still writes them."""
    counts = Counter()
    copy_in = bulk.copy_in

    def spy(connection, model, fields, rows):
        rows = list(rows)
        counts[model.__name__] += len(rows)
        copy_in(connection, model, fields, rows)

    monkeypatch.setattr("ctdb.core.bulk.copy_in", spy)
    return counts


def restored(tmp_path):
    """Export the dataset, empty the database and its history, import the export."""
    export_dataset(tmp_path / "first")
    empty_database()
    for table in TABLES:
        table.model.history.all().delete()
    return import_dataset(tmp_path / "first")


@pytest.mark.parametrize("path", ["insert-select", "simple_history"])
def test_a_restored_record_has_one_created_row_with_its_restored_values(dataset, tmp_path, monkeypatch, path):
    if path == "simple_history":  # where the database cannot copy the rows itself
        monkeypatch.setattr("ctdb.core.bulk.history_statement", lambda model, using: None)
    restored(tmp_path)

    assert models.Attack.objects.filter(campaign__isnull=False).exists()  # the back-fill is exercised
    for table in TABLES:
        model, history = table.model, table.model.history.model
        assert model.objects.exists() or not published(model), table.name
        # The owners' search text takes their aliases after the history is
        # written, by update(), as when an editor adds an alias.
        tracked = [field.attname for field in history.tracked_fields if field.attname != "search_text"]
        rows = {row.id: row for row in history.objects.all()}
        assert len(rows) == history.objects.count() == model.objects.count(), table.name
        for record in model.objects.all():
            row = rows[record.pk]
            assert (row.history_type, row.history_user_id) == ("+", None), table.name
            assert row.history_change_reason == "import_dataset first", table.name
            assert {name: getattr(row, name) for name in tracked} == {
                name: getattr(record, name) for name in tracked
            }, f"{table.name} {record.pk}"


@postgresql_only
def test_the_restore_copies_its_rows_through_the_shared_routine(dataset, tmp_path, copied):
    counts = restored(tmp_path)
    written = Counter({table.model.__name__: counts[table.filename] for table in TABLES if counts[table.filename]})
    assert copied == written
    assert copied["Attack"] == models.Attack.objects.count()


@postgresql_only
def test_synthetic_rows_go_through_the_shared_copy(db, copied):
    counts = generate(attacks=50, seed=2)
    assert copied == Counter({name: rows for name, rows in counts.items() if rows})
    assert copied["Attack"] == 50


def test_synthetic_rows_have_no_history(db):
    counts = generate(attacks=50, seed=2)
    assert counts["Attack"] == models.Attack.objects.count() == 50
    assert not any(table.model.history.exists() for table in TABLES)
