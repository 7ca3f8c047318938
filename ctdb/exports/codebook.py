"""The codebook: every exported file and column, generated from `spec.TABLES`.

`codebook()` is the content as a dictionary (written as codebook.json);
`markdown()` renders the same content for reading (codebook.md).
"""

from ..ops.spreadsheets import NEEDS_ESCAPE
from .columns import FREE_TEXT_TYPES, TYPES
from .spec import CHANGES, SCHEMA_VERSION, SYNTHETIC_PREFIX, TABLES

_FREE_TEXT = ", ".join(f"`{kind}`" for kind in FREE_TEXT_TYPES[:-1]) + f" or `{FREE_TEXT_TYPES[-1]}`"
_PATTERN = NEEDS_ESCAPE.replace("\t", "\\t").replace("\r", "\\r")

CONVENTIONS = {
    "encoding": "UTF-8. With the `--bom` export option the CSV files start with a UTF-8 byte order mark, "
    "so that Excel reads them as UTF-8.",
    "csv": "One header row with the column names below, then one row per record. Comma-separated, "
    "a cell is quoted with double quotes (RFC 4180) when it holds a comma, a double quote, CR or LF. "
    "Rows end in LF.",
    "empty_cell": "An empty cell means unknown or not given. No other placeholder (`NA`, `0`, `unknown`) is "
    "used for a missing value; `unknown` in a choice column is a value the sources state.",
    "identifiers": "Rows are identified by `slug`, stable across releases; a column `<field>_slug` holds "
    "the slug of a row of another file. Database ids are never exported.",
    "partial_dates": "A date is written with the precision the source gives: `2016`, `2016-07` or "
    "`2016-07-04`, in one column, followed by `<field>_precision` (`year`, `month`, `day`). "
    "`2016` never means 1 January 2016.",
    "figures": "A reported figure is two columns, `<figure>_low` and `<figure>_high`: 'at least 144' is "
    "144 and empty; '90 killed' is 90 and 90; 'between 10 and 20' is 10 and 20; not reported is "
    "empty and empty.",
    "synthetic": f"Rows whose slug starts with `{SYNTHETIC_PREFIX}` are generated test data "
    "(`manage.py generate_synthetic`), never curated facts. `export_dataset --exclude-synthetic` leaves "
    "them out; the manifest's `synthetic_excluded` says whether it did.",
    "formula_cells": "A spreadsheet runs a cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage return "
    "as a formula. So that opening a file never does, a cell of type "
    + _FREE_TEXT
    + " whose value, after any apostrophes (`'`) it starts with, begins with one of those characters and is not "
    "a plain number (`-3`, `+1.5`, `-2e5`: ASCII digits with an optional sign, point and exponent) is written "
    "with one apostrophe added in front: `=1+1` is written `'=1+1`, `'=1+1` is written `''=1+1`, `-x` is written "
    "`'-x`, while `-3`, `'-3`, `a=b` and `'abc` are written as they are. Spreadsheets show such a cell without "
    "the added apostrophe, as text. To recover the value from a cell of those types: if it starts with an "
    "apostrophe and the rest of it is itself such a value (after its own leading apostrophes, one of those "
    "characters, not a plain number), drop that first apostrophe; otherwise the cell is the value. In one "
    f"regular expression (Python's and PostgreSQL's syntax): a value gets the apostrophe when it matches `{_PATTERN}`, "
    "and a cell loses its first character when that is an apostrophe and the rest matches. Cells of other types "
    "are never changed: a negative `longitude` is a number.",
    "manifest": "manifest.json gives the dataset and schema versions, the export time, and the row "
    "count and SHA-256 of every file.",
}


def codebook():
    """The codebook as plain data (what codebook.json holds)."""
    return {
        "dataset": "ctdb",
        "schema_version": SCHEMA_VERSION,
        "conventions": CONVENTIONS,
        "types": TYPES,
        "changes": [{"schema_version": version, "change": text} for version, text in CHANGES.items()],
        "files": [
            {
                "name": table.filename,
                "meaning": table.meaning,
                "row_order": list(table.order_by),
                "columns": [
                    {
                        "name": column.name,
                        "type": column.type,
                        "meaning": column.meaning,
                        "required": column.required,
                        **({"references": f"{column.references}.csv"} if column.references else {}),
                        **(
                            {"allowed_values": [{"value": v, "label": label} for v, label in column.allowed_values()]}
                            if column.choices is not None
                            else {}
                        ),
                    }
                    for column in table.columns
                ],
            }
            for table in TABLES
        ],
    }


def _cell(text):
    return str(text).replace("|", "\\|").replace("\n", " ")


def markdown(book=None):
    """Render the codebook as Markdown."""
    book = book or codebook()
    lines = [
        "# ctdb dataset codebook",
        "",
        f"Schema version {book['schema_version']}. Generated from the domains' `ctdb/<domain>/export.py` "
        "(gathered by `ctdb/exports/spec.py`): do not edit by hand.",
        "",
        "## Conventions",
        "",
    ]
    lines += [f"- **{name.replace('_', ' ')}**: {text}" for name, text in book["conventions"].items()]
    lines += ["", "## Column types", "", "| type | how it is written |", "| --- | --- |"]
    lines += [f"| `{name}` | {_cell(text)} |" for name, text in book["types"].items()]
    lines += ["", "## Changes", ""]
    lines += [f"- **{change['schema_version']}**: {change['change']}" for change in book["changes"]]
    lines += ["", "## Files", ""]
    lines += [f"- [`{file['name']}`](#{file['name'].replace('.', '')}): {file['meaning']}" for file in book["files"]]
    for file in book["files"]:
        lines += [
            "",
            f"### {file['name']}",
            "",
            file["meaning"],
            "",
            f"Rows ordered by {', '.join(f'`{key}`' for key in file['row_order'])}.",
            "",
            "| column | type | required | meaning | allowed values |",
            "| --- | --- | --- | --- | --- |",
        ]
        for column in file["columns"]:
            allowed = "<br>".join(
                f"`{value['value']}` ({_cell(value['label'])})" for value in column.get("allowed_values", [])
            )
            kind = column["type"] + (f" → `{column['references']}`" if "references" in column else "")
            lines.append(
                f"| `{column['name']}` | {kind} | {'yes' if column['required'] else ''} "
                f"| {_cell(column['meaning'])} | {allowed} |"
            )
    return "\n".join(lines) + "\n"
