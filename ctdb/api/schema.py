"""OpenAPI generation: what drf-spectacular cannot infer from the views.

The CSV form of each resource (media type, `format` parameter and columns)
and the `sync` action, a list in keyset pages. Query parameters say what the
API refuses: a string parameter refuses NUL characters (a 400), and a
filter that matches one related row with others says so.
"""

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import is_serializer
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse

from .filters import NO_NUL_PATTERN, row_notes, slug_models
from .renderers import LIST_SEPARATOR, CSVRenderer, csv_columns

SYNC_DESCRIPTION = (
    "**Sync mode**: every record matching the filters, oldest change first, in keyset pages ordered by "
    "(`updated_at`, internal id). Follow `next` until it is null; keep the last `cursor` and send it later to "
    "receive only what was created or changed since. Deleted records are not reported."
)

# Errors are always JSON, whatever format was asked for.
DETAIL = {"type": "object", "properties": {"detail": {"type": "string"}}, "required": ["detail"]}
NOT_FOUND = OpenApiResponse(DETAIL, description="No record has this slug.")
PAGE_NOT_FOUND = OpenApiResponse(DETAIL, description="The page is beyond the last.")
THROTTLED = OpenApiResponse(DETAIL, description="Too many requests; retry after `Retry-After` seconds.")
INVALID_QUERY = OpenApiResponse(
    {"type": "object", "additionalProperties": {"type": "array", "items": {"type": "string"}}},
    description="A query parameter is invalid: its name → what is wrong.",
)


def filter_notes(filterset):
    """{filter name: what its description adds}: the filters it matches one
    row with, and that a slug naming no record is refused."""
    model = filterset._meta.model
    if model is None:
        return {}
    notes = {name: [note] for name, note in row_notes(filterset).items()}
    for name, filter_ in filterset.base_filters.items():
        if slug_models(model, filter_):
            notes.setdefault(name, []).append("A slug that names no record is a 400.")
    return {name: " ".join(sentences) for name, sentences in notes.items()}


def noted(description, note):
    """The description with the note after its text, before a list of choices."""
    text, choices, rest = description.partition("\n\n* ")
    return f"{text} {note}".strip() + choices + rest


class CtdbAutoSchema(AutoSchema):
    def get_operation(self, *args, **kwargs):
        operation = super().get_operation(*args, **kwargs)
        filterset = getattr(self.view, "filterset_class", None)
        notes = filter_notes(filterset) if filterset is not None and self._is_list_view() else {}
        for parameter in (operation or {}).get("parameters", []):
            if parameter["in"] != "query":
                continue
            # An empty query parameter (`?page=&country=`) is taken as left out, as in an HTML form;
            # a required one (the search's `q`) is not there to leave out.
            parameter["allowEmptyValue"] = not parameter.get("required", False)
            schema = parameter["schema"]
            if schema.get("type") == "string" and not {"enum", "pattern", "format"} & set(schema):
                schema["pattern"] = NO_NUL_PATTERN
            if parameter["name"] in notes:
                parameter["description"] = noted(parameter.get("description", ""), notes[parameter["name"]])
        return operation

    def _is_list_view(self, serializer=None):
        if getattr(self.view, "action", None) == "sync" and (serializer is None or is_serializer(serializer)):
            return True
        return super()._is_list_view(serializer)

    def get_paginated_name(self, serializer_name):
        if getattr(self.view, "action", None) == "sync":
            return f"{serializer_name}SyncPage"
        return super().get_paginated_name(serializer_name)

    def offers_csv(self):
        return self.method == "GET" and any(isinstance(r, CSVRenderer) for r in self.view.get_renderers())

    def get_response_serializers(self):
        serializer = super().get_response_serializers()
        if not self.offers_csv() or not is_serializer(serializer):
            return serializer
        if getattr(self.view, "action", None) == "sync":
            found, errors = "A page of records.", {400: INVALID_QUERY, 429: THROTTLED}
        elif self._is_list_view(serializer):
            found, errors = "A page of records.", {400: INVALID_QUERY, 404: PAGE_NOT_FOUND, 429: THROTTLED}
        else:
            found, errors = "The record.", {400: INVALID_QUERY, 404: NOT_FOUND, 429: THROTTLED}
        return {
            (200, "application/json"): OpenApiResponse(serializer, description=found),
            (200, "text/csv"): OpenApiTypes.STR,
            **{(code, "application/json"): error for code, error in errors.items()},
        }

    def get_override_parameters(self):
        parameters = super().get_override_parameters()
        if self.offers_csv():
            parameters.append(
                OpenApiParameter(
                    "format",
                    str,
                    enum=["json", "csv"],
                    description="`csv` for flat columns (listed with the list operation), or send `Accept: text/csv`.",
                )
            )
        return parameters

    def get_description(self):
        parts = [super().get_description()]
        action = getattr(self.view, "action", None)
        if action == "sync":
            parts.append(SYNC_DESCRIPTION)
        if self.offers_csv() and action in ("list", "sync"):
            parts.append(self.csv_description())
        elif self.offers_csv():
            parts.append("`?format=csv` gives this record as one CSV row, in the columns of the list.")
        return "\n\n".join(part for part in parts if part)

    def csv_description(self):
        rows = "\n".join(f"| `{name}` | `{path}` |" for name, path in csv_columns(self.view.get_serializer()))
        return (
            f"**CSV columns** (`?format=csv`; the current page; values of a list joined with `{LIST_SEPARATOR}`):\n\n"
            f"| column | JSON field |\n|---|---|\n{rows}"
        )
