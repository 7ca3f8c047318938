"""CSV files in the encodings editors' tools write, imported through the
admin's import, preview and confirmation: Excel's "CSV" on an Arabic Windows
(Windows-1256), its "Unicode Text" (UTF-16 LE with a byte order mark,
tab-separated), "CSV UTF-8" (with a byte order mark). The Arabic text is
stored exactly; a file that is not text in the encoding chosen is refused on
the form and nothing is written."""

import codecs
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from ctdb.core import models
from ctdb.ops import encodings
from tests.ops.test_hostile_imports import CSV, error_messages, snapshot

pytestmark = pytest.mark.django_db

# Hamza, shadda and ta marbuta: letters that differ between encodings.
ROWS = [
    ("jabhat-al-nusra", "جبهة النصرة", "al-Nusra Front"),
    ("hayat-tahrir-al-sham", "هيئة تحرير الشّام", "Hayat Tahrir al-Sham"),
    ("ansar-bayt-al-maqdis", "أنصار بيت المقدس", "Ansar Bayt al-Maqdis"),
]


def table(separator=","):
    lines = [separator.join(["slug", "name_ar", "name_en", "kind"])]
    lines += [separator.join([slug, arabic, english, "militant_group"]) for slug, arabic, english in ROWS]
    return "\r\n".join(lines) + "\r\n"


FILES = {
    "windows-1256 (Excel CSV, Arabic Windows)": (table().encode("cp1256"), encodings.AUTO),
    "windows-1256 chosen": (table().encode("cp1256"), encodings.WINDOWS_1256),
    "utf-16 le with bom, tabs (Excel Unicode Text)": (
        codecs.BOM_UTF16_LE + table("\t").encode("utf-16-le"),
        encodings.AUTO,
    ),
    "utf-16 be with bom": (codecs.BOM_UTF16_BE + table().encode("utf-16-be"), encodings.AUTO),
    "utf-16 le without bom": (table("\t").encode("utf-16-le"), encodings.AUTO),
    "utf-16 chosen, no bom": (table().encode("utf-16-le"), encodings.UTF16),
    "utf-8 with bom (Excel CSV UTF-8)": (codecs.BOM_UTF8 + table().encode(), encodings.AUTO),
    "utf-8 chosen, with bom": (codecs.BOM_UTF8 + table().encode(), encodings.UTF8),
    "utf-8": (table().encode(), encodings.AUTO),
}


def post_import(client, data, encoding):
    return client.post(
        "/admin/core/organisation/import/",
        {
            "resource": "0",
            "format": CSV,
            "encoding": encoding,
            "import_file": SimpleUploadedFile("organisations.csv", data),
        },
        follow=True,  # to the import job's page
    )


@pytest.mark.parametrize(("data", "encoding"), FILES.values(), ids=FILES.keys())
def test_file_is_imported_with_its_arabic_text_exact(admin_client, one_of_each, data, encoding):
    preview = post_import(admin_client, data, encoding)
    assert error_messages(preview) == []
    assert [row.import_type for row in preview.context["result"].rows] == ["new"] * len(ROWS)
    assert not models.Organisation.objects.filter(slug__in=[slug for slug, *_ in ROWS]).exists()
    confirm = preview.context["confirm_form"]
    response = admin_client.post("/admin/core/organisation/process_import/", confirm.initial)
    assert response.status_code == 302
    stored = {record.slug: (record.name_ar, record.name_en) for record in models.Organisation.objects.all()}
    for slug, arabic, english in ROWS:
        assert stored[slug] == (arabic, english)


def test_direct_import_reads_the_encoding_too(admin_client, one_of_each, settings):
    settings.IMPORT_EXPORT_SKIP_ADMIN_CONFIRM = True
    response = post_import(admin_client, table().encode("cp1256"), encodings.AUTO)
    assert response.redirect_chain[-1][0] == "/admin/core/organisation/"  # the job's page sent the editor on
    assert models.Organisation.objects.get(slug="jabhat-al-nusra").name_ar == "جبهة النصرة"


REFUSED = {
    "windows-1256 read as utf-8": (table().encode("cp1256"), encodings.UTF8, r"cannot be read as UTF-8"),
    "odd number of bytes as utf-16": (table().encode() + b"x", encodings.UTF16, r"cannot be read as UTF-16"),
    "no text at all": (b"PK\x03\x04\x00\x00" + bytes(range(40)), encodings.AUTO, r"not text in UTF-8, UTF-16"),
    "control bytes read as windows-1256": (b"slug\x00\x01\n", encodings.WINDOWS_1256, r"as Windows-1256"),
}


@pytest.mark.parametrize(("data", "encoding", "pattern"), REFUSED.values(), ids=REFUSED.keys())
def test_unreadable_file_is_a_form_error_and_writes_nothing(admin_client, one_of_each, data, encoding, pattern):
    before = snapshot()
    response = post_import(admin_client, data, encoding)
    assert response.status_code == 200
    assert response.context.get("confirm_form") is None
    assert "encoding" in response.context["form"].errors
    assert any(re.search(pattern, message) for message in error_messages(response))
    assert snapshot() == before


def test_the_form_offers_the_encodings(admin_client):
    page = admin_client.get("/admin/core/organisation/import/")
    field = page.context["form"].fields["encoding"]
    assert field.initial == encodings.AUTO
    assert {value for value, _label in field.choices} >= {"auto", "utf-8", "utf-16", "cp1256"}
    assert 'name="encoding"' in page.content.decode()


@pytest.mark.parametrize(
    ("data", "text"),
    [
        (codecs.BOM_UTF8 + "داعش".encode(), "داعش"),
        (codecs.BOM_UTF16_BE + "داعش".encode("utf-16-be"), "داعش"),
        ("slug,name".encode("utf-16-be"), "slug,name"),
        # Valid UTF-8 is read as UTF-8, though it also decodes as Windows-1256.
        ("داعش".encode(), "داعش"),
        ("داعش".encode("cp1256"), "داعش"),
    ],
)
def test_detection_rules(data, text):
    assert encodings.decode(data) == text
