"""The admin's export of each table has the columns of the dataset export's
file for it (ctdb/exports/spec.py), cell for cell: no internal search_text,
JSON written as JSON, related records by slug; formula cells are still
neutralised; and the file imports back through the admin unchanged.

The models are those the admin exports (every registered admin with a
resource), not a list kept here."""

import csv
import io
import json

import pytest
from django.contrib import admin
from django.core.files.uploadedfile import SimpleUploadedFile

from ctdb.core import models
from ctdb.core.admin import RecordAdmin
from ctdb.core.resources import RESOURCES, TABLE_OF
from ctdb.exports.writer import write_table
from tests.ops.test_hostile_imports import CSV, error_messages, export

pytestmark = pytest.mark.django_db

EXPORTED = [model for model, model_admin in admin.site._registry.items() if isinstance(model_admin, RecordAdmin)]
REASONING = "استُنتج من تاريخ «الخبر» = 2024"


def test_every_exported_model_has_a_table():
    assert EXPORTED and set(EXPORTED) == set(RESOURCES)
    assert set(EXPORTED) <= set(TABLE_OF)


def rows_of(content):
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline="")))


@pytest.fixture
def records(one_of_each):
    models.Article.objects.update(inferred={"published": REASONING, "author": 'said "x"'})
    models.Attack.objects.filter(slug="crocus-city-hall-attack").update(latitude="55.826000", longitude="37.390000")
    return one_of_each


@pytest.mark.parametrize("model", EXPORTED, ids=lambda model: model.__name__)
def test_admin_export_is_the_dataset_file(admin_client, records, tmp_path, model):
    table = TABLE_OF[model]
    write_table(table, tmp_path)
    dataset_file = rows_of((tmp_path / table.filename).read_bytes())
    exported = rows_of(export(admin_client, model._meta.model_name, CSV))
    assert exported[0] == dataset_file[0] == table.header
    assert "search_text" not in exported[0]
    assert len(exported) > 1  # the fixture has a record of every model
    assert sorted(exported[1:]) == sorted(dataset_file[1:])


def test_json_is_written_as_json_text(admin_client, records):
    exported = rows_of(export(admin_client, "article", CSV))
    cell = exported[1][exported[0].index("inferred")]
    assert REASONING in cell  # not \u escapes, not a Python repr
    assert json.loads(cell) == {"author": 'said "x"', "published": REASONING}


def test_chosen_columns_only(admin_client, records):
    page = admin_client.get("/admin/core/organisation/export/")
    form = page.context["form"]
    prefix = RESOURCES[models.Organisation].__name__.lower()
    chosen = ["slug", "name_ar", "country"]
    assert all(f"{prefix}_{column}" in form.fields for column in chosen)
    data = {"format": CSV, "resource": "0", **{f"{prefix}_{column}": "on" for column in chosen}}
    response = admin_client.post("/admin/core/organisation/export/", data)
    assert rows_of(response.content)[0] == ["slug", "name_ar", "country"]


def test_formula_cells_are_still_neutralised(admin_client, records):
    models.Organisation.objects.filter(slug="russia").update(name_en="=HYPERLINK(1)")
    exported = rows_of(export(admin_client, "organisation", CSV))
    by_slug = {row[0]: row for row in exported[1:]}
    assert by_slug["russia"][exported[0].index("name_en")] == "'=HYPERLINK(1)"


@pytest.mark.parametrize("model", EXPORTED, ids=lambda model: model.__name__)
def test_exported_file_imports_back_unchanged(admin_client, records, model):
    name = model._meta.model_name
    content = export(admin_client, name, CSV)
    preview = admin_client.post(
        f"/admin/core/{name}/import/",
        {"resource": "0", "format": CSV, "import_file": SimpleUploadedFile(f"{name}.csv", content)},
        follow=True,  # to the import job's page
    )
    assert error_messages(preview) == []
    result = preview.context["result"]
    assert result.rows and {row.import_type for row in result.rows} == {"skip"}, [
        (row.import_type, row.diff) for row in result.rows
    ]


# A free-text column an editor may change in a released file without changing what the row is.
EDITABLE = ("note", "description_en", "translation_en", "title_en", "role", "author")


def edited_column(table):
    names = {column.name for column in table.columns}
    return next((name for name in EDITABLE if name in names), None)


EDITABLE_TABLES = [model for model in EXPORTED if edited_column(TABLE_OF[model])]


def test_every_table_with_optional_text_is_edited_below():
    # Rows are found by slug below; an alias file has none (its row is the
    # owner and the name), and its optional `reasoning` is an editorial
    # alias's only, which the fixture's aliases are not.
    with_free_text = [
        model
        for model in EXPORTED
        if "slug" in TABLE_OF[model].header
        and any(c.type == "text" and not c.required for c in TABLE_OF[model].columns)
    ]
    assert EDITABLE_TABLES == with_free_text


@pytest.mark.parametrize("model", EDITABLE_TABLES, ids=lambda model: model.__name__)
def test_a_released_file_edited_imports_back_through_the_admin(admin_client, records, tmp_path, model):
    """One CSV dialect: the dataset's own file, one cell edited, goes through
    the admin's import and confirmation and changes that record only."""
    table = TABLE_OF[model]
    write_table(table, tmp_path)
    header, first, *others = rows_of((tmp_path / table.filename).read_bytes())
    column = edited_column(table)
    first[header.index(column)] = "حُرّر في الملف المنشور / edited in the released file"
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows([header, first, *others])
    name = model._meta.model_name
    preview = admin_client.post(
        f"/admin/core/{name}/import/",
        {"resource": "0", "format": CSV, "import_file": SimpleUploadedFile(f"{name}.csv", out.getvalue().encode())},
        follow=True,
    )
    assert error_messages(preview) == []
    assert [row.import_type for row in preview.context["result"].rows].count("update") == 1
    before = dict(model.objects.exclude(slug=first[0]).values_list("slug", column))
    confirmed = admin_client.post(f"/admin/core/{name}/process_import/", preview.context["confirm_form"].initial)
    assert confirmed.status_code == 302
    assert getattr(model.objects.get(slug=first[0]), column) == first[header.index(column)]
    assert dict(model.objects.exclude(slug=first[0]).values_list("slug", column)) == before
