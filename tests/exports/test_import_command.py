"""`manage.py import_dataset`: an export's directory loads back into an empty
database, and exporting again gives the same files; a database that holds
records, an export of another schema version or a bad file is refused, with
nothing written."""

import io
import json

import pytest
from django.core.management import CommandError, call_command

from ctdb.core import models
from ctdb.exports.importer import DatasetError, import_dataset
from ctdb.exports.spec import SCHEMA_VERSION, TABLES
from ctdb.exports.writer import export_dataset

from .conftest import empty_database


def import_command(directory):
    out = io.StringIO()
    call_command("import_dataset", str(directory), stdout=out)
    return out.getvalue()


def test_the_command_loads_an_export_into_an_empty_database(dataset, tmp_path):
    first = export_dataset(tmp_path / "first")
    empty_database()

    output = import_command(tmp_path / "first")

    second = export_dataset(tmp_path / "second")
    for entry in first["files"]:
        if "rows" in entry:
            assert f"{entry['name']:<32}{entry['rows']:>10} rows" in output
    assert f"imported {sum(entry.get('rows', 0) for entry in first['files'])} rows" in output
    assert {**first, "exported_at": None} == {**second, "exported_at": None}
    for table in TABLES:
        assert (tmp_path / "second" / table.filename).read_bytes() == (tmp_path / "first" / table.filename).read_bytes()


def test_the_command_refuses_a_database_that_holds_records(dataset, tmp_path):
    export_dataset(tmp_path)
    before = models.Attack.objects.count()
    with pytest.raises(CommandError, match="already holds records"):
        import_command(tmp_path)
    assert models.Attack.objects.count() == before


def test_the_command_refuses_another_schema_version(dataset, tmp_path):
    export_dataset(tmp_path)
    manifest = json.loads((tmp_path / "manifest.json").read_text(encoding="utf-8"))
    (tmp_path / "manifest.json").write_text(json.dumps({**manifest, "schema_version": "1.1"}), encoding="utf-8")
    empty_database()
    with pytest.raises(CommandError, match="schema version 1.1"):
        import_command(tmp_path)
    assert not models.Organisation.objects.exists()


def as_schema_1_2(directory, *, manifest):
    """Rewrite a current export into the names of schema version 1.2: the
    relationships' file and the citations' columns as they were before 2.0."""
    (directory / "relationships.csv").rename(directory / "organisation_relationships.csv")
    path = directory / "citations.csv"
    header, rest = path.read_text(encoding="utf-8").split("\n", 1)
    header = header.replace("record_type", "target_type").replace("record_slug", "target_slug")
    path.write_text(f"{header}\n{rest}", encoding="utf-8")
    if manifest:
        found = json.loads((directory / "manifest.json").read_text(encoding="utf-8"))
        (directory / "manifest.json").write_text(json.dumps({**found, "schema_version": "1.2"}), encoding="utf-8")
    else:
        (directory / "manifest.json").unlink()


@pytest.mark.parametrize("manifest", [True, False], ids=["with its manifest", "without a manifest"])
def test_an_export_of_schema_1_2_is_refused_naming_the_versions_and_the_renames(dataset, tmp_path, manifest):
    """Whether its manifest says so or only its file and column names do, an
    export of the schema before 2.0's renames is refused before anything is
    written, naming both versions and what was renamed."""
    assert tuple(map(int, SCHEMA_VERSION.split("."))) >= (2, 0)  # a version after the renames
    export_dataset(tmp_path)
    as_schema_1_2(tmp_path, manifest=manifest)
    empty_database()
    with pytest.raises(CommandError) as refused:
        import_command(tmp_path)
    message = str(refused.value)
    assert message.startswith("nothing imported: ")
    if manifest:
        assert f"the export has schema version 1.2; this code reads {SCHEMA_VERSION}" in message
    else:
        assert "schema version 1.2 or earlier" in message
        assert f"this code reads schema version {SCHEMA_VERSION}" in message
    assert "organisation_relationships.csv" in message and "relationships.csv" in message
    assert "target_type" in message and "record_type" in message
    assert not models.Organisation.objects.exists()

    # The importer itself refuses it too, whoever calls it.
    with pytest.raises(DatasetError, match="1.2"):
        import_dataset(tmp_path)
    assert not models.Organisation.objects.exists()


def test_a_missing_file_is_named_before_anything_is_read(dataset, tmp_path):
    export_dataset(tmp_path)
    (tmp_path / "citations.csv").unlink()  # the last file read: found missing before the others are inserted
    empty_database()
    with pytest.raises(DatasetError, match="citations.csv is missing"):
        import_dataset(tmp_path)
    assert not models.Organisation.objects.exists()


def without_agreements(directory):
    (directory / "agreements.csv").unlink()  # read after organisations.csv, which is rolled back
    return "agreements.csv"


def naming_an_unknown_attack(directory):
    path = directory / "attributions.csv"
    path.write_text(path.read_text(encoding="utf-8").replace("2024-crocus-city-hall-attack", "no-such-attack"), "utf-8")
    return "no-such-attack"


@pytest.mark.parametrize("spoil", [without_agreements, naming_an_unknown_attack], ids=lambda spoil: spoil.__name__)
def test_the_command_imports_nothing_from_a_spoilt_export(dataset, tmp_path, spoil):
    export_dataset(tmp_path)
    named = spoil(tmp_path)
    empty_database()
    with pytest.raises(CommandError, match=f"nothing imported.*{named}"):
        import_command(tmp_path)
    assert not models.Organisation.objects.exists()


def test_the_command_refuses_a_missing_directory(db, tmp_path):
    with pytest.raises(CommandError, match="not a directory"):
        import_command(tmp_path / "absent")
