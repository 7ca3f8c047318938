"""PostgreSQL's COPY path writes the very bytes of the Python path, file by file."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.db import connection

from ctdb.core import models
from ctdb.exports import writer
from ctdb.exports.copy import copy_rows
from ctdb.exports.spec import TABLES, TABLES_BY_NAME
from tests import factories as make

from .conftest import read_rows

AWKWARD = 'a, b "quoted"\r\nsecond line\rthird'


def test_csv_line_quotes_what_a_reader_needs_and_reads_back():
    cells = [AWKWARD, "", "plain", " padded ", "=1+1", "٣", 'x"', "\r"]
    line = writer.csv_line(cells)
    assert line.endswith("\n") and not line.endswith("\r\n")
    assert next(csv.reader(io.StringIO(line, newline=""))) == cells
    # A lone CR is quoted too, which Python's csv module does not do with an LF line end.
    assert writer.csv_line(["a\rb"]) == '"a\rb"\n'


@pytest.fixture
def awkward_records(dataset):
    """Records with every kind of value a cell can hold, at its edges."""
    organisation = make.organisation(
        name_en=AWKWARD,
        name_ar="",
        inferred={"start": "ج", "kind": "a", "killed_low": "x\ny", "é": '"q"', "name_ar": "رأي"},
    )
    attack = make.attack(
        name_en="=SUM(A1)",
        latitude=Decimal("-33.500000"),
        longitude=Decimal("0.000001"),
        killed_low=0,
        start="2024",
        end="2024-05-01",
        country="",
    )
    # Free text a spreadsheet would run as a formula, in a slug, a reference and a quote too.
    sneaky = make.organisation(
        slug="-sneaky", name_en="'=1+1", name_ar="-٣", description_en="\t=1", description_ar="-3"
    )
    make.attribution(attack=attack, organisation=sneaky, note="@SUM(A1)")
    hostile = make.article(slug="-hostile", title="+1+1", text="=HYPERLINK(1) and -3.5 and '-2")
    for quote in ("=HYPERLINK(1)", "-3.5", "'-2"):
        models.Citation.objects.create(article=hostile, quote=quote, organisation=sneaky)
    moments = {
        organisation.pk: datetime.datetime(2026, 1, 2, 3, 4, 5, 500000, tzinfo=datetime.UTC),
        attack.pk: datetime.datetime(1999, 12, 31, 23, 59, 59, 123, tzinfo=datetime.UTC),
    }
    models.Organisation.objects.filter(pk=organisation.pk).update(updated_at=moments[organisation.pk])
    models.Attack.objects.filter(pk=attack.pk).update(
        created_at=moments[attack.pk], updated_at=moments[attack.pk] + datetime.timedelta(seconds=1)
    )
    return organisation, attack


postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="COPY is PostgreSQL's; on SQLite the Python path is the only one"
)


def python_path(*args):
    return None


@postgresql_only
@pytest.mark.parametrize("table", TABLES, ids=lambda table: table.name)
def test_copy_writes_the_bytes_of_the_python_path(awkward_records, tmp_path, monkeypatch, table):
    (tmp_path / "copy").mkdir()
    (tmp_path / "python").mkdir()
    by_copy = writer.write_table(table, tmp_path / "copy")
    monkeypatch.setattr(writer, "copy_rows", python_path)
    by_python = writer.write_table(table, tmp_path / "python")
    assert by_copy["rows"] == by_python["rows"] == table.model.objects.count() > 0
    copied = (tmp_path / "copy" / table.filename).read_bytes()
    assert copied == (tmp_path / "python" / table.filename).read_bytes()
    assert by_copy["sha256"] == by_python["sha256"]


@postgresql_only
def test_copy_writes_the_awkward_values_as_documented(awkward_records, tmp_path):
    organisation, attack = awkward_records
    writer.write_table(TABLES_BY_NAME["organisations"], tmp_path)
    writer.write_table(TABLES_BY_NAME["attacks"], tmp_path)
    header, *rows = read_rows(tmp_path / "organisations.csv")
    row = dict(zip(header, next(r for r in rows if r[0] == organisation.slug), strict=True))
    assert row["name_en"] == AWKWARD and row["name_ar"] == ""
    assert row["inferred"] == '{"é": "\\"q\\"", "kind": "a", "start": "ج", "name_ar": "رأي", "killed_low": "x\\ny"}'
    assert row["updated_at"] == "2026-01-02T03:04:05.5Z"
    header, *rows = read_rows(tmp_path / "attacks.csv")
    row = dict(zip(header, next(r for r in rows if r[0] == attack.slug), strict=True))
    assert (row["latitude"], row["longitude"], row["killed_low"]) == ("-33.500000", "0.000001", "0")
    assert (row["start_precision"], row["end_precision"], row["country"]) == ("year", "day", "")
    assert (row["created_at"], row["updated_at"]) == ("1999-12-31T23:59:59.000123Z", "2000-01-01T00:00:00.000123Z")


@postgresql_only
def test_the_export_takes_the_copy_path(dataset, tmp_path, monkeypatch):
    used = []

    def counting(*args, **kwargs):
        rows = copy_rows(*args, **kwargs)
        used.append(rows)
        return rows

    monkeypatch.setattr(writer, "copy_rows", counting)
    writer.export_dataset(tmp_path)
    assert len(used) == len(TABLES) and None not in used
