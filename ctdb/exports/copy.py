"""PostgreSQL's fast path for the export: each file is one `COPY (SELECT ...)
TO STDOUT`, the cells formatted by the server.

The SELECT is the export's own query (`writer.table_queryset`: the same
rows, filter and order) with every column turned into an SQL expression
that writes the cell exactly as `Column.write` does in Python, so the two
paths give the same bytes (tested table by table). A column with a type or
a `write` this module does not know makes its table take the Python path.

COPY writes NULL as an empty unquoted cell and the empty string as `""`;
every optional text expression is wrapped in NULLIF(..., '') so that an
empty value is an empty cell, as the Python writer writes it. A free-text
cell (`Column.free_text`) that a spreadsheet would run as a formula gets
its apostrophe by the same regular expression as in Python
(`spreadsheets.NEEDS_ESCAPE`).
"""

from django.db import connections
from django.db.models import F, Func, TextField, Value
from django.db.models.functions import Coalesce, NullIf

from ..core.partial_dates import PRECISION_BY_LENGTH
from ..ops.spreadsheets import ESCAPE, NEEDS_ESCAPE
from .columns import TYPED_WRITERS

FORMAT = "(FORMAT csv, DELIMITER ',', QUOTE '\"', NULL '')"


class _Sql(Func):
    """An SQL template over the column's source expressions."""

    output_field = TextField()

    def __init__(self, template, *expressions):
        super().__init__(*expressions, template=template)


def _text(source):
    return NullIf(source, Value(""), output_field=TextField())


def _required_text(source):
    # Never empty in a valid row: no NULLIF to pay for on every row.
    return source


def _number(source):
    # COPY prints integers as their digits and numeric columns with their
    # declared scale (numeric(9,6) -> 36.335000), as Python's f"{value:.6f}"
    # does. Left as a bare column: any expression in the select list, even a
    # cast to text, costs a fifth more of the COPY's time.
    return source


def _precision(source):
    cases = " ".join(f"WHEN {length} THEN '{precision.value}'" for length, precision in PRECISION_BY_LENGTH.items())
    return _Sql(f"CASE length(%(expressions)s) {cases} END", source)


def _json(source):
    # jsonb's own text: its key order is the one `columns._json_cell` writes.
    return _Sql("NULLIF((%(expressions)s)::text, '{}')", source)


def _timestamp(source):
    # JSON's timestamp text is ISO 8601 whatever the session's DateStyle,
    # with a T and no trailing zeros in the fraction: `columns._timestamp`.
    # (to_char costs three times as much.)
    return _Sql("btrim(to_json(%(expressions)s AT TIME ZONE 'UTC')::text, '\"') || 'Z'", source)


SQL_BY_TYPE = {
    "slug": _text,
    "reference": _text,
    "text": _text,
    "choice": _text,
    "country": _text,
    "partial_date": _text,
    "integer": _number,
    "offset": _number,
    "decimal": _number,
    "date_precision": _precision,
    "json": _json,
    "timestamp": _timestamp,
}


class _Neutralised(Func):
    """A text cell, with `spreadsheets.neutralise` applied: one regular
    expression match per cell, a concatenation only where it matches."""

    output_field = TextField()

    def as_sql(self, compiler, connection, **extra):
        cell, params = compiler.compile(self.get_source_expressions()[0])
        sql = f"CASE WHEN {cell} ~ %s THEN %s || {cell} ELSE {cell} END"
        return sql, [*params, NEEDS_ESCAPE, ESCAPE, *params, *params]


def first_of(labels):
    """SQL for `spec._first_target`: the label of the first non-empty source."""

    def sql(*sources):
        cases = " ".join(f"WHEN %s IS NOT NULL THEN '{label}'" for label in labels)
        template = f"CASE {cases} END"
        return _CaseOf(template, *sources)

    return sql


class _CaseOf(Func):
    """A CASE whose branches test one source each (the template has one %s per source)."""

    output_field = TextField()

    def __init__(self, template, *expressions):
        super().__init__(*expressions)
        self.case_template = template

    def as_sql(self, compiler, connection, **extra):
        parts, params = [], []
        for expression in self.get_source_expressions():
            sql, expression_params = compiler.compile(expression)
            parts.append(sql)
            params.extend(expression_params)
        return self.case_template % tuple(parts), params


def first_non_empty(*sources):
    """SQL for `spec._first_slug`."""
    return NullIf(Coalesce(*sources, output_field=TextField()), Value(""), output_field=TextField())


def column_expression(column):
    """The SQL expression of one column's cell, or None when there is none."""
    expression = _cell_expression(column)
    if expression is not None and column.free_text:
        return _Neutralised(expression)
    return expression


def _cell_expression(column):
    sources = [F(source) for source in column.sources]
    if column.sql is not None:
        return column.sql(*sources)
    if getattr(column.write, "func", column.write) not in TYPED_WRITERS or len(sources) != 1:
        return None
    builder = SQL_BY_TYPE.get(column.type)
    if builder is _text and column.required:
        builder = _required_text
    return builder(sources[0]) if builder else None


def copy_statement(queryset, table):
    """`COPY (SELECT the table's cells) TO STDOUT`, or None when some column
    has no SQL form."""
    expressions = [column_expression(column) for column in table.columns]
    if any(expression is None for expression in expressions):
        return None
    cells = queryset.values(**{f"cell_{index}": expression for index, expression in enumerate(expressions)})
    sql, params = cells.query.sql_with_params()
    connection = connections[queryset.db]
    return f"COPY ({connection.ops.compose_sql(sql, params)}) TO STDOUT WITH {FORMAT}"


def copy_rows(queryset, table, sink, progress=None):
    """Stream the table's rows into `sink` (bytes) through COPY; return the
    number of rows, or None when the table must take the Python path."""
    connection = connections[queryset.db]
    if connection.vendor != "postgresql":
        return None
    statement = copy_statement(queryset, table)
    if statement is None:
        return None
    with connection.cursor() as cursor:
        with cursor.cursor.copy(statement) as stream:
            for view in stream:
                block = bytes(view)
                sink(block)
                if progress is not None:
                    progress(block)
        return cursor.cursor.rowcount
