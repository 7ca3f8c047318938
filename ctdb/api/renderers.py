"""CSV: one row per record, in stable, flat columns.

A resource's columns are its scalar fields, named as in JSON, followed by
the columns its serializer declares in `Meta.csv_columns`: a name and a
dotted path into the JSON form (`attributions.organisation.slug`). A path
through a list joins the values with `|`, keeping positions (an empty value
between separators is a missing one). Nested dictionaries (`inferred`) are
JSON text. The CSV of a list is the current page; see the `Link` header.
A cell a spreadsheet would run as a formula (`=1+1`, `@SUM(A1)`; not `-3`)
gets an apostrophe in front, by the dataset codebook's rule ("formula
cells", ctdb.ops.spreadsheets): JSON gives the values as they are.
"""

import csv
import io
import json

from django.utils.text import slugify
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.renderers import BaseRenderer

from ctdb.ops.spreadsheets import neutralise

LIST_SEPARATOR = "|"


def csv_columns(serializer):
    """[(column name, dotted JSON path)] for a resource serializer."""
    scalars = [
        (name, name)
        for name, field in serializer.fields.items()
        if not isinstance(field, (serializers.BaseSerializer, serializers.SerializerMethodField))
    ]
    declared = getattr(serializer.Meta, "csv_columns", {})
    return [*scalars, *declared.items()]


def cell(record, path):
    values, through_list = [record], False
    for key in path.split("."):
        found = []
        for value in values:
            item = value.get(key) if isinstance(value, dict) else None
            if isinstance(item, list):
                through_list = True
                found.extend(item)
            else:
                found.append(item)
        values = found
    if through_list:
        return LIST_SEPARATOR.join(text(value) for value in values)
    return text(values[0])


def text(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)


class CSVRenderer(BaseRenderer):
    """`?format=csv`: the records of the response as CSV with a header row."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        context = renderer_context or {}
        view, request, response = context["view"], context["request"], context.get("response")
        records = data["results"] if isinstance(data, dict) and "results" in data else [data]
        columns = csv_columns(view.get_serializer())
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(name for name, _path in columns)
        writer.writerows([neutralise(cell(record, path)) for _name, path in columns] for record in records)
        if response is not None:
            response["Content-Disposition"] = (
                f'attachment; filename="ctdb-{slugify(request.path.replace("/", " "))}.csv"'
            )
        return buffer.getvalue().encode(self.charset)


class FormatNegotiation(DefaultContentNegotiation):
    """`?format=` names one of the view's formats; any other is a 400 that
    lists them, not DRF's bare 404."""

    def filter_renderers(self, renderers, format):
        chosen = [renderer for renderer in renderers if renderer.format == format]
        if not chosen:
            formats = ", ".join(renderer.format for renderer in renderers)
            raise ValidationError({self.settings.URL_FORMAT_OVERRIDE: [f"Give one of {formats}."]})
        return chosen
