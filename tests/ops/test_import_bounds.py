"""Admin imports are bounded whatever the file claims, and their preview is
a summary: an XLSX sheet claiming the whole grid is read as the few cells it
holds, files over CTDB_IMPORT_MAX_ROWS / CTDB_IMPORT_MAX_COLUMNS are refused
on the form, a preview of thousands of rows stays small, and empty XLSX
cells of text columns import as empty text."""

import io
import re
import time
import tracemalloc
import zipfile

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.loader import render_to_string
from import_export.results import Error, Result, RowResult

from ctdb.core import models
from ctdb.ops import import_jobs
from ctdb.ops.import_formats import XLSX as BoundedXLSX
from tests.ops.test_hostile_imports import xlsx as workbook

pytestmark = pytest.mark.django_db

CSV_FORMAT, XLSX_FORMAT = "0", "1"
HEADER = ["slug", "name_en", "name_ar", "kind"]


def claim_whole_grid(data, far_cell="XFD5000"):
    """`data` (an XLSX file) with its sheet claiming A1:XFD1048576, and an
    empty styled cell at `far_cell`, as spreadsheets leave behind: openpyxl
    pads each row to the claimed width and fills the rows in between."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                content, claims = re.subn(rb'<dimension ref="[^"]*"\s*/>', b'<dimension ref="A1:XFD1048576"/>', content)
                assert claims == 1
                row = re.match(r"[A-Z]+(\d+)", far_cell).group(1)
                far = f'<row r="{row}"><c r="{far_cell}" s="0"/></row>'.encode()
                content, rows = re.subn(rb"</sheetData>", far + b"</sheetData>", content)
                assert rows == 1
            target.writestr(item, content)
    return out.getvalue()


def post_import(client, fmt, data, model="organisation"):
    name = "import.xlsx" if fmt == XLSX_FORMAT else "import.csv"
    return client.post(
        f"/admin/core/{model}/import/",
        {"resource": "0", "format": fmt, "import_file": SimpleUploadedFile(name, data)},
        follow=True,  # to the import job's page
    )


def form_errors(response):
    """What the page says is wrong with the file: its form's errors, or its import job's."""
    form = [str(error) for error in response.context["form"].errors.get("import_file", [])]
    return form + list(response.context.get("job_errors") or [])


def organisations(count, kind="state"):
    return [[f"org-{number}", f"Organisation {number}", f"منظمة {number}", kind] for number in range(count)]


def csv_file(rows):
    return "\n".join(",".join(row) for row in rows).encode() + b"\n"


HOSTILE = claim_whole_grid(workbook([HEADER, *organisations(2)]))
# Its last styled cell in the last cell of the grid: today's reader would make 17 billion cells.
HOSTILE_WHOLE_GRID = claim_whole_grid(workbook([HEADER, *organisations(2)]), far_cell="XFD1048576")


def test_hostile_xlsx_is_read_as_the_cells_it_holds():
    assert len(HOSTILE) < 10_000
    tracemalloc.start()
    try:
        started = time.monotonic()
        dataset = BoundedXLSX().create_dataset(HOSTILE)
        elapsed = time.monotonic() - started
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 50 * 1024 * 1024, f"peak {peak / 1e6:.0f} MB"
    assert elapsed < 5
    assert dataset.headers == HEADER
    assert [list(row) for row in dataset] == organisations(2)


def test_hostile_xlsx_imports_through_the_admin(admin_client):
    assert len(HOSTILE_WHOLE_GRID) < 10_000
    started = time.monotonic()
    response = post_import(admin_client, XLSX_FORMAT, HOSTILE_WHOLE_GRID)
    assert time.monotonic() - started < 10
    assert response.status_code == 200
    assert form_errors(response) == []
    result = response.context["result"]
    assert not result.has_errors() and not result.has_validation_errors()
    assert result.totals["new"] == 2
    confirm = response.context["confirm_form"]
    done = admin_client.post("/admin/core/organisation/process_import/", confirm.initial)
    assert done.status_code == 302
    assert sorted(models.Organisation.objects.values_list("slug", flat=True)) == ["org-0", "org-1"]


@pytest.mark.parametrize("fmt", [CSV_FORMAT, XLSX_FORMAT])
def test_file_over_the_row_limit_is_refused(admin_client, settings, fmt):
    settings.CTDB_IMPORT_MAX_ROWS = 3
    rows = [HEADER, *organisations(4)]
    at_limit = post_import(admin_client, fmt, csv_file(rows[:4]) if fmt == CSV_FORMAT else workbook(rows[:4]))
    assert form_errors(at_limit) == []
    assert at_limit.context["result"].totals["new"] == 3
    response = post_import(admin_client, fmt, csv_file(rows) if fmt == CSV_FORMAT else workbook(rows))
    assert response.status_code == 200
    assert response.context.get("confirm_form") is None
    assert any("more than 3 rows" in error for error in form_errors(response)), form_errors(response)
    assert not models.Organisation.objects.exists()


@pytest.mark.parametrize("fmt", [CSV_FORMAT, XLSX_FORMAT])
def test_file_over_the_column_limit_is_refused(admin_client, settings, fmt):
    settings.CTDB_IMPORT_MAX_COLUMNS = 4
    rows = [HEADER, *organisations(2)]
    rows[2] = [*rows[2], "one too many"]
    data = csv_file(rows) if fmt == CSV_FORMAT else workbook(rows)
    response = post_import(admin_client, fmt, data)
    assert response.status_code == 200
    assert response.context.get("confirm_form") is None
    errors = form_errors(response)
    assert any("Row 3" in error and "beyond column 4" in error for error in errors), errors
    assert not models.Organisation.objects.exists()


def test_value_at_the_last_column_of_the_grid_is_refused(admin_client):
    book = openpyxl.Workbook()
    for row in [HEADER, *organisations(1)]:
        book.active.append(row)
    book.active["XFD2"] = "far away"
    out = io.BytesIO()
    book.save(out)
    started = time.monotonic()
    response = post_import(admin_client, XLSX_FORMAT, out.getvalue())
    assert time.monotonic() - started < 10
    errors = form_errors(response)
    assert any("beyond column 100" in error for error in errors), errors
    assert not models.Organisation.objects.exists()


def test_trailing_empty_cells_and_rows_are_dropped():
    rows = [[*HEADER, None, None], *[[*row, None] for row in organisations(2)], [None] * 6, [None]]
    dataset = BoundedXLSX().create_dataset(workbook(rows))
    assert dataset.headers == HEADER
    assert [list(row) for row in dataset] == organisations(2)


def test_preview_of_many_rows_is_a_summary(admin_client):
    response = post_import(admin_client, CSV_FORMAT, csv_file([HEADER, *organisations(5000)]))
    assert response.status_code == 200
    assert response.context["result"].totals["new"] == 5000
    page = response.content.decode()
    assert len(response.content) < 300 * 1024, len(response.content)
    assert re.search(r'<li class="new">\s*New: 5000</li>', page)
    assert re.search(r'<li class="invalid">\s*Invalid: 0</li>', page)
    assert "The first 50 of 5000 rows" in page
    assert "org-49" in page and "org-50<" not in page
    assert response.context["confirm_form"] is not None


def test_preview_still_shows_invalid_rows(admin_client):
    rows = [HEADER, *organisations(3), *organisations(150, kind="no-such-kind")[3:]]
    response = post_import(admin_client, CSV_FORMAT, csv_file(rows))
    assert response.status_code == 200
    result = response.context["result"]
    assert result.has_validation_errors()
    page = response.content.decode()
    assert len(response.content) < 300 * 1024
    assert re.search(r'<li class="invalid">\s*Invalid: 147</li>', page)
    assert re.search(r'<li class="new">\s*New: 3</li>', page)
    assert page.count('class="validation-error-count"') == 100
    assert "And 47 more invalid rows." in page
    assert "no-such-kind" in page
    assert response.context.get("confirm_form") is None


def test_preview_still_shows_the_file_error(admin_client):
    rows = [[*HEADER, "misspelt"], *[[*row, "x"] for row in organisations(3)]]
    response = post_import(admin_client, CSV_FORMAT, csv_file(rows))
    page = response.content.decode()
    assert "Unknown columns: misspelt" in page
    assert re.search(r'<li class="error">\s*Errors: 0</li>', page)
    assert response.context.get("confirm_form") is None


def test_row_errors_are_capped(rf, admin_user):
    """Rows that failed (not validation: an exception while importing them),
    as an import job keeps them and the page's own template renders them:
    the first 100, then how many more."""
    result = Result()
    for number in range(150):
        row = RowResult()
        row.errors = [Error(f"broken row {number}", row={"slug": f"org-{number}"}, number=number + 1)]
        row.import_type = RowResult.IMPORT_TYPE_ERROR
        result.append_row_result(row)
        result.increment_row_result_total(row)
    request = rf.get("/admin/core/organisation/import/")
    request.user = admin_user
    context = {
        "result": import_jobs.StoredResult(import_jobs.summarise(result)),
        "opts": models.Organisation._meta,
        "form": None,
        "import_error_display": ("message",),
    }
    page = render_to_string("admin/import_export/import.html", context, request=request)
    assert page.count('class="import-error-display-message"') == 100
    assert "broken row 99" in page and "broken row 100<" not in page
    assert "And 50 more rows in error." in page
    assert re.search(r'<li class="error">\s*Errors: 150</li>', page)


def test_xlsx_with_empty_text_cells_creates_records(admin_client):
    rows = [
        [*HEADER, "description_en", "description_ar"],
        ["no-english-name", None, "منظمة", "state", None, None],
        ["no-arabic-name", "Named", None, "state", "text", None],
    ]
    response = post_import(admin_client, XLSX_FORMAT, workbook(rows))
    assert response.status_code == 200
    assert form_errors(response) == []
    result = response.context["result"]
    assert not result.has_errors() and not result.has_validation_errors()
    done = admin_client.post("/admin/core/organisation/process_import/", response.context["confirm_form"].initial)
    assert done.status_code == 302
    first = models.Organisation.objects.get(slug="no-english-name")
    assert (first.name_en, first.description_en, first.description_ar) == ("", "", "")
    second = models.Organisation.objects.get(slug="no-arabic-name")
    assert (second.name_ar, second.description_en) == ("", "text")
