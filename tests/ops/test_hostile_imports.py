"""Hostile files through the admin's import views, as a superuser: each is
refused with a clear error for its rows or for the whole file, and the
database is exactly as it was, whether the import stops at its preview or
runs straight through (IMPORT_EXPORT_SKIP_ADMIN_CONFIRM). Exports neutralise
cells that a spreadsheet would run as formulas, in CSV and in XLSX.

Every bad file also holds a good row, so "unchanged" proves all-or-nothing.
"""

import csv
import hashlib
import io
import json
import re
from html import unescape
from unittest import mock

import openpyxl
import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.http import HttpRequest

from ctdb.core import models
from ctdb.core.admin import RecordAdmin
from ctdb.core.resources import RESOURCES
from ctdb.ops.imports import StrictImportMixin

pytestmark = pytest.mark.django_db

CSV, XLSX = "0", "1"
GOOD_ORGANISATION = "ok-org,OK organisation,منظمة,state"
GOOD_ATTACK = "ok-attack,OK attack,attack,2016"

NEEDS_STRICT_RESOURCE = (
    "ctdb/core/resources.py: SlugResource must mix in ctdb.ops.imports.StrictImportMixin "
    "(test_strict_resource_refuses covers the behaviour)"
)
LIVE_RESOURCE_IS_STRICT = issubclass(RESOURCES[models.Organisation], StrictImportMixin)


def xlsx(rows):
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# (model, format, file contents, the error it must get, needs StrictImportMixin). The
# patterns ask for the row, the column and the value at fault, not for a wording.
CASES = {
    # UTF-16 and Windows-1256 files are read (tests/core/test_import_encodings.py); bytes that are no text are not.
    "bytes that are no text": (
        "organisation",
        CSV,
        f"slug,name_en,name_ar,kind\n{GOOD_ORGANISATION}\n".encode() + bytes(range(32)),
        r"not text in UTF-8, UTF-16 or Windows-1256",
        False,
    ),
    "missing key column": (
        "organisation",
        CSV,
        b"name_en,name_ar,kind\nOK,x,state\n",
        r"not present in the file headers: slug",
        False,
    ),
    "missing required column": (
        "organisation",
        CSV,
        "slug,name_en,name_ar\nok-org,OK,منظمة\n".encode(),
        r"Line number: 1 - kind: ",
        False,
    ),
    "extra unknown column": (
        "organisation",
        CSV,
        f"slug,name_en,name_ar,kind,evil_column\n{GOOD_ORGANISATION},boom\n".encode(),
        r"Unknown columns: evil_column",
        True,
    ),
    "column named twice": (
        "organisation",
        CSV,
        f"slug,name_en,name_ar,kind,kind\n{GOOD_ORGANISATION},militant_group\n".encode(),
        r"named more than once: kind",
        True,
    ),
    "duplicate keys": (
        "organisation",
        CSV,
        f"slug,name_en,name_ar,kind\n{GOOD_ORGANISATION}\nok-org,Other,أخرى,state\n".encode(),
        r"Line number: 2 - slug: |only once in a file.*rows 1, 2: ok-org",
        False,
    ),
    "duplicate key of an existing record": (
        "organisation",
        CSV,
        "slug,name_en,name_ar,kind\nrussia,Russia,روسيا,state\nrussia,Renamed,روسيا,state\n".encode(),
        r"only once in a file.*rows 1, 2: russia",
        True,
    ),
    "impossible date": (
        "attack",
        CSV,
        f"slug,name_en,kind,start\n{GOOD_ATTACK}\nbad-date,Bad,attack,2016-02-30\n".encode(),
        r"Line number: 2 - start: .*2016-02-30",
        False,
    ),
    "negative count": (
        "attack",
        CSV,
        f"slug,name_en,kind,start,killed_low\n{GOOD_ATTACK},1\nnegative,Negative,attack,2016,-3\n".encode(),
        r"Line number: 2 - killed_low: .*negative",
        False,
    ),
    "negative count in xlsx": (
        "attack",
        XLSX,
        xlsx([["slug", "name_en", "kind", "start", "killed_low"], ["negative", "Negative", "attack", "2016", -3]]),
        r"Line number: 1 - killed_low: .*negative",
        False,
    ),
    "unknown slug in a foreign key": (
        "attack",
        CSV,
        f"slug,name_en,kind,start,campaign\n{GOOD_ATTACK},\norphan,Orphan,attack,2016,no-such-campaign\n".encode(),
        r"Line number: 2 - campaign: .*'no-such-campaign'",
        False,
    ),
    "unknown choice": (
        "organisation",
        CSV,
        f"slug,name_en,name_ar,kind\n{GOOD_ORGANISATION}\nodd,Odd,غريب,nonsense\n".encode(),
        r"Line number: 2 - kind: .*'nonsense'",
        False,
    ),
    "not an xlsx file": ("organisation", XLSX, b"PK\x03\x04 not really a zip", r"BadZipFile", False),
    "empty file": ("organisation", CSV, b"", r"The submitted file is empty", False),
}


def snapshot():
    """Row counts and a checksum of the core tables (history included) and the admin log."""
    out = io.StringIO()
    call_command("dumpdata", "core", "admin.logentry", stdout=out)
    objects = sorted(json.loads(out.getvalue()), key=lambda item: (item["model"], str(item["pk"])))
    counts = {}
    for item in objects:
        counts[item["model"]] = counts.get(item["model"], 0) + 1
    return counts, hashlib.sha256(json.dumps(objects, sort_keys=True).encode()).hexdigest()


def post_import(client, model, fmt, data, name=None, follow=True):
    name = name or ("import.xlsx" if fmt == XLSX else "import.csv")
    return client.post(
        f"/admin/core/{model}/import/",
        {"resource": "0", "format": fmt, "import_file": SimpleUploadedFile(name, data)},
        follow=follow,  # to the import job's page
    )


def error_messages(response):
    """Every error the import page shows: the file's, then each row's."""
    html = response.content.decode()
    found = re.findall(r'<ul class="errorlist[^"]*"[^>]*>(.*?)</ul>', html, re.S)  # the form's and the job's
    found += re.findall(r'<div class="import-error-display-message">(.*?)</div>', html, re.S)  # rows that failed
    result = response.context["result"] if response.context and "result" in response.context else None
    if result is not None:
        found += [str(error.error) for error in result.base_errors]  # the whole file
        for invalid in result.invalid_rows:  # rows that failed validation, per field
            for field, messages in invalid.error_dict.items():
                found += [f"Line number: {invalid.number} - {field}: {message}" for message in messages]
    return [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", message)).strip() for message in found]


def assert_refused(response, pattern):
    assert response.status_code == 200
    assert "confirm_form" not in response.context or response.context["confirm_form"] is None, "import was offered"
    messages = error_messages(response)
    assert any(re.search(pattern, unescape(message), re.S) for message in messages), messages


def case_params(live):
    return list(_case_params(live))


def _case_params(live):
    for name, (model, fmt, data, pattern, needs_strict) in CASES.items():
        marks = []
        if live and needs_strict:
            marks.append(pytest.mark.xfail(not LIVE_RESOURCE_IS_STRICT, reason=NEEDS_STRICT_RESOURCE, strict=True))
        yield pytest.param(model, fmt, data, pattern, id=name, marks=marks)


@pytest.fixture(params=["preview", "direct"])
def import_mode(request, settings):
    """preview: the admin's usual dry run, then a confirmation; direct: the real import at once."""
    settings.IMPORT_EXPORT_SKIP_ADMIN_CONFIRM = request.param == "direct"
    return request.param


@pytest.mark.parametrize(("model", "fmt", "data", "pattern"), case_params(live=True))
def test_hostile_file_is_refused(admin_client, one_of_each, import_mode, model, fmt, data, pattern):
    before = snapshot()
    response = post_import(admin_client, model, fmt, data)
    assert_refused(response, pattern)
    assert snapshot() == before


def strict(resource_class):
    if issubclass(resource_class, StrictImportMixin):
        return resource_class
    return type(f"Strict{resource_class.__name__}", (StrictImportMixin, resource_class), {})


@pytest.mark.parametrize(("model", "fmt", "data", "pattern"), case_params(live=False))
def test_strict_resource_refuses(admin_client, one_of_each, import_mode, model, fmt, data, pattern):
    """The same files with StrictImportMixin in the admin's resources, as asked of ctdb/core/resources.py."""
    before = snapshot()
    strict_resources = lambda admin, request: [strict(RESOURCES[admin.model])]  # noqa: E731
    with mock.patch.object(RecordAdmin, "get_resource_classes", strict_resources):
        response = post_import(admin_client, model, fmt, data)
    assert_refused(response, pattern)
    assert snapshot() == before


def test_good_file_is_imported(admin_client, one_of_each):
    """The checks above are not vacuous: a good file goes through preview and confirmation."""
    before = snapshot()
    preview = post_import(
        admin_client, "organisation", CSV, f"slug,name_en,name_ar,kind\n{GOOD_ORGANISATION}\n".encode()
    )
    assert error_messages(preview) == []
    confirm = preview.context["confirm_form"]
    response = admin_client.post("/admin/core/organisation/process_import/", confirm.initial)
    assert response.status_code == 302
    assert models.Organisation.objects.filter(slug="ok-org").exists()
    assert snapshot() != before


# Size limit.


def padded_csv(size):
    head = f"slug,name_en,name_ar,kind\n{GOOD_ORGANISATION}\n".encode()
    return head + b"#" * (size - len(head))  # a comment-ish tail: content does not matter, size does


def assert_too_large(admin_client, response, model="organisation"):
    assert response.status_code == 303
    assert response["Location"] == f"/admin/core/{model}/import/"
    page = admin_client.get(response["Location"])
    assert page.status_code == 200
    messages = [str(message) for message in page.context["messages"]]
    assert any("too large to import" in message for message in messages), messages


def test_file_over_the_default_limit_is_refused(admin_client, one_of_each, settings):
    assert settings.CTDB_IMPORT_MAX_BYTES == 5 * 1024 * 1024
    before = snapshot()
    response = post_import(
        admin_client, "organisation", CSV, padded_csv(settings.CTDB_IMPORT_MAX_BYTES + 1), follow=False
    )
    assert_too_large(admin_client, response)
    assert snapshot() == before


def test_size_limit_is_exact(admin_client, one_of_each, settings):
    settings.CTDB_IMPORT_MAX_BYTES = 2000
    over = post_import(admin_client, "attack", CSV, padded_csv(2001), follow=False)
    assert_too_large(admin_client, over, "attack")
    at_limit = post_import(admin_client, "attack", CSV, padded_csv(2000))
    assert at_limit.status_code == 200  # read, and judged on its contents


def test_huge_upload_is_refused_before_it_is_read(admin_client, one_of_each, settings):
    settings.CTDB_IMPORT_MAX_BYTES = 2000
    with mock.patch.object(HttpRequest, "_load_post_and_files", side_effect=AssertionError("the body was read")):
        response = post_import(admin_client, "organisation", CSV, padded_csv(200_000), follow=False)
    assert_too_large(admin_client, response)


def test_xlsx_that_unpacks_too_large_is_refused(admin_client, one_of_each, settings):
    settings.CTDB_IMPORT_MAX_BYTES = 20_000
    # Cells of 32,000 characters (about the most a cell holds) pack into a few bytes each.
    rows = [[f"bomb-{number}", "x" * 32_000 + str(number), "y", "state"] for number in range(30)]
    bomb = xlsx([["slug", "name_en", "name_ar", "kind"], *rows])
    assert len(bomb) <= settings.CTDB_IMPORT_MAX_BYTES  # small enough to upload...
    before = snapshot()
    response = post_import(admin_client, "organisation", XLSX, bomb)
    assert_refused(response, r"ValueError")  # ...but not to unpack
    assert snapshot() == before


# Formula injection in exports.

FORMULAS = ["=1+1", "==1+1", "+1+1", "-2+3+cmd|' /C calc'!A0", "@SUM(1+1)", "\t=1+1", '=HYPERLINK("http://x")']


def export(client, model, fmt):
    page = client.get(f"/admin/core/{model}/export/")
    data = {"format": fmt, "resource": "0"}
    for name, field in page.context["form"].fields.items():
        if field.__class__.__name__ == "BooleanField" and field.initial:
            data[name] = "on"
    response = client.post(f"/admin/core/{model}/export/", data)
    assert response.status_code == 200
    return response.content


@pytest.fixture
def formula_records(one_of_each):
    for number, formula in enumerate(FORMULAS):
        models.Organisation.objects.create(
            slug=f"formula-{number}", name_en=formula, name_ar="صيغة", kind="state", description_en=formula
        )
    models.Attack.objects.filter(slug="crocus-city-hall-attack").update(latitude="-33.860000", longitude="151.2")


def test_csv_export_neutralises_formulas(admin_client, formula_records):
    rows = list(csv.DictReader(io.StringIO(export(admin_client, "organisation", CSV).decode("utf-8-sig"))))
    exported = {row["slug"]: row for row in rows}
    for number, formula in enumerate(FORMULAS):
        cell = exported[f"formula-{number}"]["name_en"]
        assert cell == "'" + formula  # shown as text, and the whole value kept
    assert exported["russia"]["name_en"] == "Russia"
    assert exported["russia"]["founded"] == ""  # an empty cell stays empty (not "None")
    # Numbers are not formulas: a negative latitude is left alone.
    attacks = {row["slug"]: row for row in csv.DictReader(io.StringIO(export(admin_client, "attack", CSV).decode()))}
    assert attacks["crocus-city-hall-attack"]["latitude"] == "-33.860000"
    assert attacks["crocus-city-hall-attack"]["killed_low"] == "144"


def test_xlsx_export_neutralises_formulas(admin_client, formula_records):
    sheet = openpyxl.load_workbook(io.BytesIO(export(admin_client, "organisation", XLSX))).active
    rows = list(sheet.iter_rows())
    headers = [cell.value for cell in rows[0]]
    exported = {row[headers.index("slug")].value: row for row in rows[1:]}
    for number, formula in enumerate(FORMULAS):
        cell = exported[f"formula-{number}"][headers.index("name_en")]
        assert cell.data_type == "s", f"{formula!r} is a {cell.data_type} cell"
        assert cell.value == formula  # text, value unchanged
    assert not any(cell.data_type == "f" for row in rows for cell in row)


@pytest.mark.parametrize("fmt", [CSV, XLSX], ids=["csv", "xlsx"])
def test_neutralised_cells_import_back_as_they_were(admin_client, formula_records, fmt):
    """An exported file, read by the import formats, gives back the records' values."""
    exported = export(admin_client, "organisation", fmt)
    import_format = dict(enumerate(settings.IMPORT_FORMATS))[int(fmt)]()
    if not import_format.is_binary():
        exported = exported.decode("utf-8-sig")
    rows = {row["slug"]: row for row in import_format.create_dataset(exported).dict}
    for number, formula in enumerate(FORMULAS):
        assert rows[f"formula-{number}"]["name_en"] == formula
        assert rows[f"formula-{number}"]["description_en"] == formula
    assert rows["russia"]["name_en"] == "Russia"
