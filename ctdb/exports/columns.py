"""Columns of the exported CSV files: how a value of each type is written to a
cell, how it is read back, and how the codebook describes it.

A column is built by one of the constructors below (`text`, `reference`,
`partial_date`, ...), which fix its type once: the writer, the importer and the
codebook all take the type from the column, so that they cannot disagree.
"""

import datetime
import functools
import json
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from ..core import partial_dates
from ..core.choices import DatePrecision
from ..ops.spreadsheets import neutralise, restore

# Types whose cells hold text as typed (a slug too may start with "-"): in a
# file, such a cell that a spreadsheet would run as a formula is neutralised
# (ctdb.ops.spreadsheets; the codebook's "formula cells"). Numbers, dates,
# choices, codes and JSON never are: a negative longitude is a number.
FREE_TEXT_TYPES = ("slug", "reference", "text")

# How each type is written, for the codebook. The keys are the column types.
TYPES = {
    "slug": "Stable identifier of the row: lower-case ASCII letters, digits and hyphens. Unique within its file; "
    "other files refer to the row by it, never by a database id.",
    "reference": "The `slug` of a row of another file (named in the column's meaning). Empty when there is none.",
    "text": "UTF-8 text as recorded. It may contain line breaks and quotes (the cell is then quoted, RFC 4180). "
    "Empty when not given.",
    "integer": "A whole number in decimal digits. Empty when unknown.",
    "decimal": "A decimal number with a point and a fixed number of decimals (e.g. `36.335000`). Empty when unknown.",
    "choice": "One of the allowed values listed with the column (a stable identifier; the label is for reading). "
    "Empty when not given, where the column allows it.",
    "country": "ISO 3166-1 alpha-2 country code in capitals, e.g. `SY`. Empty when unknown.",
    "partial_date": "A date of the precision the source gives: `YYYY`, `YYYY-MM` or `YYYY-MM-DD` (ISO 8601), "
    "never a guessed month or day. Empty when unknown.",
    "date_precision": "The precision of the partial date in the column named before it: `year`, `month` or `day`. "
    "Empty when that date is empty.",
    "json": "A JSON object (UTF-8), its keys in a fixed order: shorter keys first, keys of one length "
    "in the order of their UTF-8 bytes (PostgreSQL's order). Empty when the object is empty.",
    "timestamp": "A moment in UTC, ISO 8601 with a `Z` suffix, e.g. `2026-11-22T00:00:00Z`; "
    "fractions of a second when recorded, without trailing zeros (`2026-11-22T00:00:00.5Z`).",
    "offset": "A character position in the article's text: 0-based, counted in Unicode code points.",
}


@dataclass(frozen=True)
class Column:
    """One column of one file.

    `sources` are the ORM lookups (for `values_list`) its value is read from;
    `write` turns those values into the cell's text. `field` is the model
    attribute the importer sets from `read(cell)`; derived columns (a date's
    precision, an article's checksum) have none. `references` names the file
    whose slugs a reference column holds. `sql`, when given, builds the
    cell's SQL expression from the sources' for PostgreSQL's COPY path
    (`copy.py`), where the type alone does not say how the cell is written.
    """

    name: str
    type: str
    meaning: str
    sources: tuple[str, ...]
    write: Callable[..., str]
    read: Callable[[str], Any] | None = None
    field: str | None = None
    choices: Any = None
    references: str | None = None
    required: bool = False
    sql: Callable[..., Any] | None = None

    @property
    def free_text(self):
        return self.type in FREE_TEXT_TYPES

    def allowed_values(self):
        """[(value, English label)] for a choice column, else []."""
        if self.choices is None:
            return []
        from django.utils import translation

        with translation.override("en"):
            return [(value, str(label)) for value, label in self.choices]


def file_cells(columns, cells):
    """A row's cells (of `columns`) as the file holds them: free text neutralised."""
    return [neutralise(cell) if column.free_text else cell for column, cell in zip(columns, cells, strict=True)]


def cells_from_file(columns, cells):
    """The cells `file_cells` was given, from a row of the file."""
    return [restore(cell) if column.free_text else cell for column, cell in zip(columns, cells, strict=True)]


def _plain(value):
    return "" if value is None else str(value)


def _nullable_text(cell):
    return cell or None


def _integer(cell):
    return int(cell) if cell else None


def _decimal(cell):
    return Decimal(cell) if cell else None


def _timestamp(value):
    value = value.astimezone(datetime.UTC)
    fraction = f".{value.microsecond:06d}".rstrip("0") if value.microsecond else ""
    return f"{value.replace(microsecond=0, tzinfo=None).isoformat()}{fraction}Z"


def _jsonb_order(item):
    key = item[0].encode("utf-8")
    return len(key), key


def _json_cell(value):
    # One order of keys, so that the same object is always the same text
    # (checksums, diffs): PostgreSQL's jsonb order, which its COPY writes.
    return json.dumps(dict(sorted(value.items(), key=_jsonb_order)), ensure_ascii=False) if value else ""


def _json_value(cell):
    return json.loads(cell) if cell else {}


def _precision(value):
    return partial_dates.precision(value).value if value else ""


def slug(meaning="Stable identifier of this row."):
    return Column("slug", "slug", meaning, ("slug",), _plain, str, field="slug", required=True)


def text(name, meaning, *, field=None, required=False):
    field = field or name
    return Column(name, "text", meaning, (field,), _plain, str, field=field, required=required)


def integer(name, meaning, *, field=None, type="integer", required=False):
    field = field or name
    return Column(name, type, meaning, (field,), _plain, _integer, field=field, required=required)


def _decimal_cell(value, places):
    return "" if value is None else f"{value:.{places}f}"


def decimal(name, meaning, places):
    write = functools.partial(_decimal_cell, places=places)
    return Column(name, "decimal", f"{meaning} ({places} decimals)", (name,), write, _decimal, field=name)


def choice(name, meaning, choices, *, required=True):
    return Column(name, "choice", meaning, (name,), _plain, str, field=name, choices=choices, required=required)


def country(name, meaning):
    return Column(name, "country", meaning, (name,), _plain, str, field=name)


def reference(name, meaning, table, field, *, required=False):
    """The slug of the row of `table` that `field` (a foreign key) points at."""
    return Column(
        name,
        "reference",
        meaning,
        (f"{field}__slug",),
        _plain,
        _nullable_text,
        field=field,
        references=table,
        required=required,
    )


def partial_date(name, meaning):
    """A partial date and its precision: two columns."""
    return (
        Column(name, "partial_date", meaning, (name,), _plain, _nullable_text, field=name),
        Column(
            f"{name}_precision",
            "date_precision",
            f"Precision of `{name}`.",
            (name,),
            _precision,
            choices=DatePrecision.choices,
        ),
    )


def low_high(prefix, what):
    """A reported figure as its low and high bounds: two columns."""
    return (
        integer(
            f"{prefix}_low",
            f"Lowest number of people {what} that the sources report. With an empty high figure, "
            f'"at least" this many; equal to the high figure when the sources give one number.',
        ),
        integer(
            f"{prefix}_high",
            f"Highest number of people {what} that the sources report. Empty when no upper bound is given.",
        ),
    )


def record_columns():
    """The columns that end every record's row."""
    return (
        Column(
            "inferred",
            "json",
            "Values the editors inferred rather than read in a source: field name → the editor's reasoning.",
            ("inferred",),
            _json_cell,
            _json_value,
            field="inferred",
        ),
        Column(
            "created_at",
            "timestamp",
            "When the row was created in ctdb.",
            ("created_at",),
            _timestamp,
            datetime.datetime.fromisoformat,
            field="created_at",
            required=True,
        ),
        Column(
            "updated_at",
            "timestamp",
            "When the row was last changed in ctdb.",
            ("updated_at",),
            _timestamp,
            datetime.datetime.fromisoformat,
            field="updated_at",
            required=True,
        ),
    )


def derived(name, type, meaning, source, write):
    """A column computed from a stored value; the importer does not read it."""
    return Column(name, type, meaning, (source,), write)


# The writers that follow from a column's type alone; the COPY path writes
# their cells by type, and takes any other writer only with its `sql`.
TYPED_WRITERS = (_plain, _decimal_cell, _precision, _json_cell, _timestamp, str)
