"""No CSV or XLSX leaves ctdb with a cell a spreadsheet would run as a
formula: the dataset export (both paths), the API's CSV and the admin's
export all neutralise free text by one rule (ctdb.ops.spreadsheets), which
the codebook states; numbers stay numbers; and every file reads back, through
the dataset importer or the admin's import, to the values it was written from.
"""

import csv
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from ctdb.core import models
from ctdb.exports.codebook import codebook
from ctdb.exports.importer import import_dataset
from ctdb.exports.spec import SCHEMA_VERSION
from ctdb.exports.writer import export_dataset
from tests import factories as make
from tests.api.base import RESOURCE_BY_PATH, csv_rows, get
from tests.ops.test_hostile_imports import CSV, XLSX, error_messages, export

from .conftest import empty_database, read_rows

# Each value as stored, and its cell in a file. Written out, not computed by
# the code under test. The apostrophes already in front of a value count, so
# that the cell always says which value it was written from.
CELLS = {
    "=1+1": "'=1+1",
    "'=1+1": "''=1+1",
    "''=1+1": "'''=1+1",
    "==1+1": "'==1+1",
    "+1+1": "'+1+1",
    "-2+3+cmd|' /C calc'!A0": "'-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)": "'@SUM(1+1)",
    "\t=1+1": "'\t=1+1",
    "\r=1+1": "'\r=1+1",
    '=HYPERLINK("http://x")': '\'=HYPERLINK("http://x")',
    "-x": "'-x",
    "-": "'-",
    "-٣": "'-٣",  # not a number a spreadsheet reads: Arabic-Indic digits
    "-3\n": "'-3\n",
    # Left as they are: plain numbers (after any apostrophes), and text that does not start like a formula.
    "-3": "-3",
    "+1.5": "+1.5",
    "-2e5": "-2e5",
    "'-3": "'-3",
    "'": "'",
    "'abc": "'abc",
    "a=1+1": "a=1+1",
    " =1+1": " =1+1",
}
SLUG = "-sneaky"  # a slug may start with "-" too
QUOTE = '=HYPERLINK("http://x")'


@pytest.fixture
def hostile(db):
    """Records whose text, slugs and references start like formulas, beside negative numbers."""
    for number, value in enumerate(CELLS):
        make.organisation(slug=f"hostile-{number:02d}", name_en=value, description_en=value)
    sneaky = make.organisation(slug=SLUG, name_en="Sneaky")
    attack = make.attack(slug="negative", name_en="=SUM(A1)", latitude="-33.500000", longitude="-70.250000")
    make.attribution(attack=attack, organisation=sneaky)
    article = make.article(slug="formula-article", title="-title", text=f"{QUOTE} said the page.")
    models.Citation.objects.create(article=article, quote=QUOTE, organisation=sneaky)
    return sneaky


def by_slug(rows):
    header, *rows = rows
    return {row[0]: dict(zip(header, row, strict=True)) for row in rows}


def test_the_dataset_export_neutralises_free_text_and_leaves_numbers(hostile, tmp_path):
    # On PostgreSQL the files are COPY's (tests/exports/test_copy.py: the same bytes as Python's).
    export_dataset(tmp_path)
    organisations = by_slug(read_rows(tmp_path / "organisations.csv"))
    for number, (value, cell) in enumerate(CELLS.items()):
        row = organisations[f"hostile-{number:02d}"]
        assert (row["name_en"], row["description_en"]) == (cell, cell), value
    assert f"'{SLUG}" in organisations  # the slug column
    attack = by_slug(read_rows(tmp_path / "attacks.csv"))["negative"]
    assert (attack["name_en"], attack["latitude"], attack["longitude"]) == ("'=SUM(A1)", "-33.500000", "-70.250000")
    (attribution,) = by_slug(read_rows(tmp_path / "attributions.csv")).values()
    assert attribution["organisation_slug"] == f"'{SLUG}"
    (citation,) = [row for row in by_slug(read_rows(tmp_path / "citations.csv")).values() if row["quote"] != ""]
    assert (citation["quote"], citation["record_slug"]) == ("'" + QUOTE, f"'{SLUG}")
    assert by_slug(read_rows(tmp_path / "articles.csv"))["formula-article"]["title"] == "'-title"


def test_the_dataset_reads_back_to_the_values_and_writes_the_same_bytes(hostile, tmp_path):
    first = export_dataset(tmp_path / "first")
    empty_database()
    import_dataset(tmp_path / "first")
    for number, value in enumerate(CELLS):
        organisation = models.Organisation.objects.get(slug=f"hostile-{number:02d}")
        assert (organisation.name_en, organisation.description_en) == (value, value)
    citation = models.Citation.objects.get()
    assert (citation.quote, citation.organisation.slug) == (QUOTE, SLUG)
    assert models.Attribution.objects.get().organisation.slug == SLUG
    second = export_dataset(tmp_path / "second")
    assert {**first, "exported_at": None} == {**second, "exported_at": None}  # every file's SHA-256


def test_the_codebook_states_the_rule_and_its_inverse(db):
    book = codebook()
    assert book["schema_version"] == SCHEMA_VERSION == book["changes"][0]["schema_version"]
    # The rule came with 1.2, and the codebook's changes say so.
    assert "formula cell" in {change["schema_version"]: change["change"] for change in book["changes"]}["1.2"]
    rule = book["conventions"]["formula_cells"]
    for example in ("`=1+1` is written `'=1+1`", "`'=1+1` is written `''=1+1`", "`-3`", "drop that first apostrophe"):
        assert example in rule


def test_the_api_csv_neutralises_formula_cells(client, hostile):
    organisations = by_slug(csv_rows(get(client, RESOURCE_BY_PATH["organisations"].url(), format="csv", page_size=100)))
    for number, (value, cell) in enumerate(CELLS.items()):
        assert organisations[f"hostile-{number:02d}"]["name_en"] == cell, value
    assert f"'{SLUG}" in organisations
    attack = by_slug(csv_rows(get(client, RESOURCE_BY_PATH["attacks"].url(), format="csv")))["negative"]
    assert attack["name_en"] == "'=SUM(A1)"
    assert float(attack["latitude"]) == -33.5 and not attack["latitude"].startswith("'")


def admin_import(admin_client, name, content, fmt=CSV):
    """Import a file through the admin, preview then confirmation."""
    url = f"/admin/core/{name}/import/"
    upload = SimpleUploadedFile(f"{name}.{'csv' if fmt == CSV else 'xlsx'}", content)
    preview = admin_client.post(url, {"resource": "0", "format": fmt, "import_file": upload}, follow=True)
    assert error_messages(preview) == []
    confirm = preview.context["confirm_form"]
    response = admin_client.post(
        f"/admin/core/{name}/process_import/", {field: confirm[field].value() for field in confirm.fields}
    )
    assert response.status_code == 302, error_messages(response)


def test_an_imported_apostrophe_cell_never_exports_as_a_live_formula(admin_client, db, tmp_path):
    """`'=1+1` in an imported CSV is the neutralised `=1+1`: it is stored as
    that, and every export writes it neutralised again, never bare."""
    content = b"slug,name_en,name_ar,kind\nimported,'=1+1,''=2+2,state\n"
    admin_import(admin_client, "organisation", content)
    imported = models.Organisation.objects.get(slug="imported")
    assert (imported.name_en, imported.name_ar) == ("=1+1", "'=2+2")

    cells = by_slug(list(csv.reader(io.StringIO(export(admin_client, "organisation", CSV).decode("utf-8-sig")))))
    assert (cells["imported"]["name_en"], cells["imported"]["name_ar"]) == ("'=1+1", "''=2+2")
    export_dataset(tmp_path)
    row = by_slug(read_rows(tmp_path / "organisations.csv"))["imported"]
    assert (row["name_en"], row["name_ar"]) == ("'=1+1", "''=2+2")
    api = by_slug(csv_rows(get(admin_client, RESOURCE_BY_PATH["organisations"].url(), format="csv")))["imported"]
    assert (api["name_en"], api["name_ar"]) == ("'=1+1", "''=2+2")
    sheet = openpyxl.load_workbook(io.BytesIO(export(admin_client, "organisation", XLSX))).active
    rows = list(sheet.iter_rows())
    cell = next(row for row in rows if row[0].value == "imported")[[c.value for c in rows[0]].index("name_en")]
    assert (cell.data_type, cell.value) == ("s", "=1+1")  # a text cell, never a formula


def test_admin_export_import_export_gives_the_same_cells_and_values(admin_client, hostile):
    # Not the value with a lone CR: the admin's import reads its stored file back
    # with universal newlines (import-export's TempFolderStorage), a CR becomes LF.
    models.Organisation.objects.filter(name_en__startswith="\r").delete()
    first = export(admin_client, "organisation", CSV)
    models.Organisation.objects.filter(slug__startswith="hostile-").delete()
    admin_import(admin_client, "organisation", first)  # creates them again, from the file alone
    for number, value in enumerate(CELLS):
        if not value.startswith("\r"):
            organisation = models.Organisation.objects.get(slug=f"hostile-{number:02d}")
            assert (organisation.name_en, organisation.description_en) == (value, value)
    assert without_times(export(admin_client, "organisation", CSV)) == without_times(first)


def without_times(content):
    """Every cell of an admin CSV export but the times of creation and change (an import makes new records)."""
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline="")))
    kept = [index for index, name in enumerate(rows[0]) if name not in ("created_at", "updated_at")]
    return [[row[index] for index in kept] for row in rows]
