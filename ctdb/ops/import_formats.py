"""The formats the admin imports from, read within bounds whatever the file claims.

An XLSX sheet states its own size (`<dimension ref="A1:XFD1048576"/>`) and
openpyxl, even read-only, pads every row it gives to that width and fills
the rows a sheet skips: a file of a few kilobytes that claims the whole grid
makes millions of cells. Here the claimed size is ignored
(`reset_dimensions()`), rows are read one at a time, and reading stops with
ImportTooLarge once a row beyond CTDB_IMPORT_MAX_ROWS or a cell beyond
CTDB_IMPORT_MAX_COLUMNS holds a value. Empty cells after a row's last value,
and empty rows after the last row with one, are dropped, as a spreadsheet
shows them: they are nothing an editor typed.

An empty XLSX cell is read as "", as the same cell of a CSV file is: openpyxl
gives None, which a text column would store as NULL (refused by the
database) instead of as empty text.

CSV and TSV files are held to the same numbers of rows and columns before
tablib builds their dataset (their size in bytes is already bounded,
CTDB_IMPORT_MAX_BYTES).

Formula escapes, the encoding of CSV files and the unpacked size of XLSX
files are handled as before, by ctdb.ops.spreadsheets: these classes only
replace how the rows are read.
"""

import csv
import io

import tablib
from django.conf import settings
from django.utils.translation import gettext as _
from import_export.formats import base_formats

from . import spreadsheets


class ImportTooLarge(ValueError):
    """The file holds more rows or columns than an import may; its message is for the editor."""


def limits():
    return settings.CTDB_IMPORT_MAX_ROWS, settings.CTDB_IMPORT_MAX_COLUMNS


def too_many_rows(limit):
    return ImportTooLarge(
        _("The file has more than %(limit)s rows below its header; split it into files of at most %(limit)s rows.")
        % {"limit": f"{limit:,}"}
    )


def too_many_columns(limit, row_number):
    return ImportTooLarge(
        _("Row %(row)s of the file has a value beyond column %(limit)s; an import may have at most %(limit)s columns.")
        % {"row": f"{row_number:,}", "limit": limit}
    )


def width(values):
    """The number of cells up to the last one that holds a value."""
    for position in range(len(values), 0, -1):
        if values[position - 1] not in (None, ""):
            return position
    return 0


def bounded_rows(rows):
    """The rows of `rows` (sequences of values, the header first) up to the
    last that holds a value, each cut after its last value; ImportTooLarge
    as soon as a value lies beyond the limits, before the rest is read."""
    max_rows, max_columns = limits()
    kept, blank = [], 0
    for number, values in enumerate(rows, start=1):
        used = width(values) if values else 0
        if used == 0:
            blank += 1  # kept only if a row with values follows
            continue
        if number - 1 > max_rows:  # the header is not counted
            raise too_many_rows(max_rows)
        if used > max_columns:
            raise too_many_columns(max_columns, number)
        kept.extend([] for _blank in range(blank))
        blank = 0
        kept.append(list(values[:used]))
    return kept


class BoundedXLSXReader(base_formats.XLSX):
    """The first sheet of an XLSX file, read lazily within the limits."""

    def create_dataset(self, in_stream, **kwargs):
        import openpyxl

        book = openpyxl.load_workbook(io.BytesIO(in_stream), read_only=True, data_only=True)
        try:
            sheet = book.active
            sheet.reset_dimensions()  # the size the file claims for itself is not believed
            rows = bounded_rows(tuple(cell.value for cell in row) for row in sheet.rows)
        finally:
            book.close()
        dataset = tablib.Dataset()
        if not rows:
            return dataset
        columns = max(len(row) for row in rows)
        header, *body = rows
        dataset.headers = header + [None] * (columns - len(header))
        ignore_blanks = getattr(settings, "IMPORT_EXPORT_IMPORT_IGNORE_BLANK_LINES", False)
        for row in body:
            if not row and ignore_blanks:
                continue
            values = ["" if value is None else value for value in row]
            dataset.append(values + [""] * (columns - len(values)))
        return dataset


class BoundedCSVReader(base_formats.CSV):
    """A CSV (or TSV) file, refused before tablib reads it if it is too large."""

    def create_dataset(self, in_stream, **kwargs):
        text = in_stream.decode(self.encoding or "utf-8-sig") if isinstance(in_stream, bytes) else in_stream
        max_rows, max_columns = limits()
        records = csv.reader(io.StringIO(text), delimiter=kwargs.get("delimiter", ","))
        data_rows = 0
        for number, record in enumerate(records, start=1):
            if not record:
                continue  # tablib skips empty lines too
            if len(record) > max_columns:
                raise too_many_columns(max_columns, number)
            if number > 1:
                data_rows += 1
                if data_rows > max_rows:
                    raise too_many_rows(max_rows)
        return super().create_dataset(text, **kwargs)


# ctdb's spreadsheet formats hand the file to their parent's create_dataset
# once they have checked it (its unpacked size) or prepared it (decoded, its
# delimiter found), and restore what they escape on export afterwards:
# placed after them, the bounded readers are that parent.


class CSV(spreadsheets.CSV, BoundedCSVReader):
    pass


class XLSX(spreadsheets.XLSX, BoundedXLSXReader):
    pass
