"""Serializer fields for ctdb's own column types: partial dates and countries."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ctdb.core.choices import DatePrecision
from ctdb.core.partial_dates import VALID_PATTERN


@extend_schema_field(
    {
        "type": "string",
        "pattern": VALID_PATTERN,  # the one rule, as the filters and the models apply it
        "example": "2016-07",
        "description": "Partial ISO date: YYYY, YYYY-MM or YYYY-MM-DD, only as precise as the source.",
    }
)
class PartialDateField(serializers.CharField):
    """A partial date, given exactly as stored: its length is its precision."""


class PrecisionField(serializers.ChoiceField):
    """The precision of the partial date beside it (`year`, `month`, `day`)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("read_only", True)
        kwargs.setdefault("allow_null", True)
        kwargs.setdefault("help_text", "Precision of the partial date of the same name, null when it is unknown.")
        super().__init__(DatePrecision.choices, **kwargs)

    def to_representation(self, value):
        return None if value is None else str(value)


@extend_schema_field(
    {
        "type": "string",
        "pattern": r"^[A-Z]{2}$",
        "example": "SY",
        "description": "ISO 3166-1 alpha-2 country code; null when unknown.",
    }
)
class CountryCodeField(serializers.CharField):
    """A django-countries value as its two-letter code, null when blank."""

    def to_representation(self, value):
        code = getattr(value, "code", value)
        return code or None


class BlankAsNullMixin:
    """A blank value is not a value of the type: it is shown as null, unknown."""

    def to_representation(self, value):
        return None if value == "" else super().to_representation(value)


class OptionalChoiceField(BlankAsNullMixin, serializers.ChoiceField):
    """One of the choices, or null when it is not known (stored blank)."""


class OptionalURLField(BlankAsNullMixin, serializers.URLField):
    """A URL, or null when there is none (stored blank)."""
