"""CSV and XLSX for the admin's import and export, safe to open in a spreadsheet.

A cell that starts with =, +, -, @, a tab or a carriage return is run as a
formula by Excel and LibreOffice when they open a CSV ("CSV injection": a
record named `=HYPERLINK(...)` or `-2+3+cmd|...` attacks whoever opens the
export). import-export's own IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT only
strips one leading "=" (so "==1+1" is still a formula, and "+", "-" and "@"
pass untouched) and turns empty cells into the text "None". These formats
replace it, still switched by that setting:

* CSV: such a cell gets a leading apostrophe, which spreadsheets show as
  text (OWASP's advice); plain numbers such as -3 or +1.5 are left alone.
  On import that apostrophe is removed again, so an exported file imports
  back unchanged.
* A CSV file whose header is separated by tabs and holds no comma (Excel's
  "Unicode Text") is read as tab-separated.
* XLSX: cells carry their type, and only openpyxl's "starts with =" makes a
  formula: such text is stored as a text cell, value unchanged.

The rule is ctdb's one rule for every CSV that leaves it (these formats,
the API's CSV, the dataset export, whose codebook states it): a text whose
first character after any apostrophes is =, +, -, @, a tab or a carriage
return, and that is not a plain number (ASCII digits with an optional
sign, point and exponent), is written with one more apostrophe in front.
Counting the apostrophes already there makes it reversible: `'=1+1` is
written `''=1+1` and read back as `'=1+1`, never as the formula.
`NEEDS_ESCAPE` is the rule as one regular expression, which PostgreSQL
reads as Python does: the dataset export's COPY path applies it in SQL
(ctdb/exports/copy.py).

XLSX files are zip archives: one whose content would unpack to more than
XLSX_MAX_EXPANSION times the import size limit is refused before it is read.
"""

import re
import zipfile
from io import BytesIO

from django.conf import settings
from django.utils.translation import gettext as _
from import_export.formats import base_formats

ESCAPE = "'"
# After any apostrophes, a formula's first character (a tab or a CR starts one
# in Excel too), unless the rest is a plain number, which a spreadsheet reads
# as that number. PostgreSQL's regular expressions read it as Python's do.
NEEDS_ESCAPE = r"\A'*(?![+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?\Z)[-=+@" + "\t\r]"
_NEEDS_ESCAPE = re.compile(NEEDS_ESCAPE)
XLSX_MAX_EXPANSION = 20


def needs_escape(value):
    """True for text a spreadsheet would run, after any apostrophes already in front of it."""
    return isinstance(value, str) and _NEEDS_ESCAPE.match(value) is not None


def neutralise(value):
    """`value` as a spreadsheet shows it as text, never runs it."""
    return ESCAPE + value if needs_escape(value) else value


def restore(value):
    """The value `neutralise` was given, for a cell read back from a CSV."""
    if isinstance(value, str) and value.startswith(ESCAPE) and needs_escape(value[1:]):
        return value[1:]
    return value


def map_cells(dataset, function):
    """Apply `function` to every cell of a tablib dataset, in place."""
    for _index in range(len(dataset)):
        row = dataset.lpop()
        dataset.append([function(cell) for cell in row])


class CSV(base_formats.CSV):
    def create_dataset(self, in_stream, **kwargs):
        if isinstance(in_stream, bytes):
            in_stream = in_stream.decode(self.encoding or "utf-8-sig")
        header = in_stream.split("\n", 1)[0]
        if "\t" in header and "," not in header:
            kwargs.setdefault("delimiter", "\t")
        dataset = super().create_dataset(in_stream, **kwargs)
        map_cells(dataset, restore)
        return dataset

    def _escape_formulae(self, dataset):
        map_cells(dataset, neutralise)


class XLSX(base_formats.XLSX):
    def create_dataset(self, in_stream, **kwargs):
        limit = settings.CTDB_IMPORT_MAX_BYTES * XLSX_MAX_EXPANSION
        try:
            unpacked = sum(member.file_size for member in zipfile.ZipFile(BytesIO(in_stream)).infolist())
        except zipfile.BadZipFile:
            unpacked = 0  # not a zip: openpyxl says so below
        if unpacked > limit:
            raise ValueError(f"the XLSX file would unpack to {unpacked} bytes, more than {limit}")
        return super().create_dataset(in_stream, **kwargs)

    def export_data(self, dataset, **kwargs):
        if getattr(settings, "IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT", False) is not True:
            return super().export_data(dataset, **kwargs)
        from openpyxl.utils.exceptions import IllegalCharacterError

        try:
            return self.export_as_text(dataset)
        except IllegalCharacterError:
            # As import-export does: replace them if allowed, else a message, not the value.
            if getattr(settings, "IMPORT_EXPORT_ESCAPE_ILLEGAL_CHARS_ON_EXPORT", False) is not True:
                raise ValueError(_("export failed due to IllegalCharacterError")) from None
            self._escape_illegal_chars(dataset)
            return self.export_as_text(dataset)

    def export_as_text(self, dataset):
        """The workbook tablib makes, with no cell a formula."""
        from openpyxl import Workbook
        from tablib.formats._xlsx import XLSXFormat

        workbook = Workbook()
        sheet = workbook.active
        sheet.title = "ctdb"
        XLSXFormat.dset_sheet(dataset, sheet)
        for row in sheet.iter_rows():
            for cell in row:
                if cell.data_type == "f":  # text that openpyxl took for a formula
                    cell.data_type = "s"
                    cell.quotePrefix = True  # and Excel keeps it text if the cell is edited
        stream = BytesIO()
        workbook.save(stream)
        return stream.getvalue()
