"""The CSV dataset: a lossless round trip, verifiable files, a complete codebook."""

import hashlib
import io
import json
import zipfile
from pathlib import Path

import pytest
from django.core.management import call_command

from ctdb.core import models, registry
from ctdb.exports.codebook import codebook, markdown
from ctdb.exports.columns import TYPES
from ctdb.exports.importer import DatasetError, import_dataset
from ctdb.exports.spec import RENAMES, SCHEMA_VERSION, TABLES
from ctdb.exports.writer import export_dataset
from tests.conftest import PUBLISHED_FILES, published

from .conftest import empty_database, read_rows

ROOT = Path(__file__).resolve().parent.parent.parent
CSV_FILES = [table.filename for table in TABLES]


def search_texts():
    return {
        (model.__name__, slug): text
        for model in (models.Organisation, models.Actor, models.Attack, models.Agreement, models.Article)
        for slug, text in model.objects.values_list("slug", "search_text")
    }


def test_every_record_type_and_link_table_is_a_file():
    # The published files, in their order; one added since goes where its keys put it.
    assert [name for name in CSV_FILES if name in PUBLISHED_FILES] == list(PUBLISHED_FILES)
    assert len(CSV_FILES) == len(set(CSV_FILES)) == len(registry.record_models())


def test_round_trip_through_an_empty_database(dataset, tmp_path):
    first = export_dataset(tmp_path / "first")
    searchable = search_texts()
    empty_database()

    counts = import_dataset(tmp_path / "first")
    second = export_dataset(tmp_path / "second")

    assert counts == {entry["name"]: entry["rows"] for entry in first["files"] if "rows" in entry}
    for name in CSV_FILES:
        assert read_rows(tmp_path / "second" / name) == read_rows(tmp_path / "first" / name), name
    # Byte for byte: the manifests differ only in the export time.
    assert {**first, "exported_at": None} == {**second, "exported_at": None}
    # What save() computes and bulk inserts bypass is filled in too.
    assert search_texts() == searchable


def test_files_name_related_records_by_slug_and_write_dates_and_figures_as_documented(dataset, tmp_path):
    export_dataset(tmp_path)
    header, *rows = read_rows(tmp_path / "attacks.csv")
    attack = dict(zip(header, next(row for row in rows if row[0] == "2024-crocus-city-hall-attack"), strict=True))
    assert attack["start"] == "2024-03-22" and attack["start_precision"] == "day"
    assert attack["end"] == attack["end_precision"] == ""
    assert attack["killed_low"] == "144" and attack["killed_high"] == ""
    assert attack["created_at"] == "2026-11-22T00:00:00Z"
    header, *rows = read_rows(tmp_path / "attributions.csv")
    slugs = {row[header.index("attack_slug")] for row in rows}
    assert slugs <= set(models.Attack.objects.values_list("slug", flat=True))
    header, *rows = read_rows(tmp_path / "citations.csv")
    texts = dict(models.Article.objects.values_list("slug", "text"))
    for row in rows:
        cited = dict(zip(header, row, strict=True))
        assert texts[cited["article_slug"]][int(cited["start"]) : int(cited["end"])] == cited["quote"]
        citation = models.Citation.objects.get(slug=cited["slug"])
        assert (cited["record_type"], cited["record_slug"]) == (citation.target_field, citation.target.slug)


def test_manifest_checksums_verify_and_row_counts_match_the_tables(dataset, tmp_path):
    manifest = export_dataset(tmp_path)
    on_disk = json.loads((tmp_path / "manifest.json").read_text(encoding="utf-8"))
    assert on_disk == manifest
    assert manifest["dataset_version"] == "1.0.0"
    assert manifest["schema_version"] == SCHEMA_VERSION
    assert manifest["exported_at"].endswith("Z")
    assert [entry["name"] for entry in manifest["files"]] == [*CSV_FILES, "codebook.md", "codebook.json"]
    for entry in manifest["files"]:
        data = (tmp_path / entry["name"]).read_bytes()
        assert hashlib.sha256(data).hexdigest() == entry["sha256"]
        assert len(data) == entry["bytes"]
    for table, entry in zip(TABLES, manifest["files"], strict=False):
        assert entry["rows"] == table.model.objects.count()
        assert entry["rows"] > 0 or not published(table.model), entry["name"]
        assert len(read_rows(tmp_path / entry["name"])) == entry["rows"] + 1


def test_codebook_documents_every_column_of_every_file(dataset, tmp_path):
    export_dataset(tmp_path)
    book = json.loads((tmp_path / "codebook.json").read_text(encoding="utf-8"))
    assert book == json.loads(json.dumps(codebook()))
    document = (tmp_path / "codebook.md").read_text(encoding="utf-8")
    assert [file["name"] for file in book["files"]] == CSV_FILES
    for file in book["files"]:
        header, *rows = read_rows(tmp_path / file["name"])
        assert header == [column["name"] for column in file["columns"]]
        assert f"### {file['name']}" in document
        for column in file["columns"]:
            assert column["type"] in TYPES and column["meaning"].strip()
            assert f"| `{column['name']}` |" in document
            values = {row[header.index(column["name"])] for row in rows}
            if "allowed_values" in column:
                allowed = {value["value"] for value in column["allowed_values"]}
                assert values - {""} <= allowed, (file["name"], column["name"])
            if column["required"]:
                assert "" not in values, (file["name"], column["name"])


@pytest.mark.parametrize("table", TABLES, ids=lambda table: table.name)
def test_every_model_field_is_exported(table):
    covered = {column.field for column in table.columns} | {"text_sha256", "id", "search_text"}
    if table.model is models.Citation:
        covered |= set(models.Citation.TARGET_FIELDS)
    assert {field.name for field in table.model._meta.concrete_fields} <= covered


def test_the_static_codebook_is_current():
    assert (ROOT / "docs" / "codebook.md").read_text(encoding="utf-8") == markdown(), (
        "run: manage.py export_dataset --codebook-only docs/codebook.md"
    )


def test_the_codebook_says_what_this_schema_version_changed():
    """The newest change listed is this version's, and a rename's new names are the files' and columns'."""
    book = codebook()
    assert book["changes"][0]["schema_version"] == SCHEMA_VERSION
    assert f"- **{SCHEMA_VERSION}**: " in markdown()
    headers = {table.filename: table.header for table in TABLES}
    for renames in RENAMES:
        assert any(change["schema_version"] == renames.version for change in book["changes"])
        for old, new in renames.files.items():
            assert new in headers and old not in headers
        for file, columns in renames.columns.items():
            assert set(columns.values()) <= set(headers[file]) and not set(columns) & set(headers[file])


def test_bom_option(dataset, tmp_path):
    plain = export_dataset(tmp_path / "plain")
    with_bom = export_dataset(tmp_path / "bom", bom=True)
    assert with_bom["encoding"] == "utf-8-sig"
    for name in CSV_FILES:
        data = (tmp_path / "bom" / name).read_bytes()
        assert data.startswith(b"\xef\xbb\xbf")
        assert data[3:] == (tmp_path / "plain" / name).read_bytes()
        assert not (tmp_path / "plain" / name).read_bytes().startswith(b"\xef\xbb\xbf")
    # JSON and Markdown never carry a BOM (RFC 8259 forbids it in JSON).
    assert not (tmp_path / "bom" / "codebook.json").read_bytes().startswith(b"\xef\xbb\xbf")
    assert plain["files"][-2:] == with_bom["files"][-2:]
    # A file with a BOM loads like one without.
    empty_database()
    import_dataset(tmp_path / "bom")
    export_dataset(tmp_path / "again")
    assert all(
        (tmp_path / "again" / name).read_bytes() == (tmp_path / "plain" / name).read_bytes() for name in CSV_FILES
    )


def test_export_reads_each_table_in_one_query(dataset, tmp_path, django_assert_max_num_queries):
    # No per-row queries: related slugs are joined into each table's query.
    with django_assert_max_num_queries(len(TABLES) + 4):
        export_dataset(tmp_path, chunk_size=7)


def test_command_writes_the_files_and_a_zip(dataset, tmp_path):
    call_command("export_dataset", "--output", str(tmp_path), "--zip", "--no-progress", stdout=io.StringIO())
    manifest = json.loads((tmp_path / "manifest.json").read_text(encoding="utf-8"))
    with zipfile.ZipFile(tmp_path / "ctdb-dataset-1.0.0.zip") as archive:
        assert sorted(archive.namelist()) == sorted([*CSV_FILES, "codebook.md", "codebook.json", "manifest.json"])
        for entry in manifest["files"]:
            assert hashlib.sha256(archive.read(entry["name"])).hexdigest() == entry["sha256"]


def test_import_refuses_an_unknown_slug(dataset, tmp_path):
    export_dataset(tmp_path)
    path = tmp_path / "attributions.csv"
    path.write_text(path.read_text(encoding="utf-8").replace("2024-crocus-city-hall-attack", "no-such-attack"), "utf-8")
    empty_database()
    with pytest.raises(DatasetError, match="no-such-attack"):
        import_dataset(tmp_path)
    assert not models.Organisation.objects.exists()  # all or nothing
