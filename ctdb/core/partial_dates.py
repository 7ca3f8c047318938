"""Partial dates: `2016`, `2016-07` or `2016-07-04`, never a guessed day.

A partial date is stored as its ISO string in one column. The string carries
its own precision (its length), sorts correctly (a year sorts before its
months, a month before its days), and compares against a full date by prefix,
which is what a date-range filter that respects precision needs.
"""

import datetime
import re

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from .choices import DatePrecision

_PATTERN = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


def _valid_pattern():
    """The regular expression of exactly the partial dates `parse` takes,
    impossible days and leap years included, for a schema to state (a JSON
    Schema pattern: ASCII digits, no lookaround)."""
    year = "([1-9][0-9]{3}|0[1-9][0-9]{2}|00[1-9][0-9]|000[1-9])"
    multiple_of_4 = "(0[48]|[2468][048]|[13579][26])"  # 04 ... 96, not 00
    leap_year = f"([0-9]{{2}}{multiple_of_4}|{multiple_of_4}00)"
    day = "((0[13578]|1[02])-(0[1-9]|[12][0-9]|3[01])|(0[469]|11)-(0[1-9]|[12][0-9]|30)|02-(0[1-9]|1[0-9]|2[0-8]))"
    month = "(0[1-9]|1[0-2])"
    return f"^({year}(-{month})?|{year}-{day}|{leap_year}-02-29)$"


# What a valid partial date looks like, checked against `parse` by the tests.
VALID_PATTERN = _valid_pattern()
PRECISION_BY_LENGTH = {4: DatePrecision.YEAR, 7: DatePrecision.MONTH, 10: DatePrecision.DAY}


def parse(value):
    """Return (year, month, day) of a partial date, month/day None if absent.

    Raise ValueError with a readable reason for anything else.
    """
    if not isinstance(value, str):
        raise ValueError(f"a partial date is a string like 2016, 2016-07 or 2016-07-04, not {value!r}")
    match = _PATTERN.match(value)
    if not match:
        raise ValueError(f"{value!r} is not a partial date (YYYY, YYYY-MM or YYYY-MM-DD)")
    year, month, day = (int(part) if part else None for part in match.groups())
    if year < 1:
        raise ValueError(f"{value!r}: year 0000 does not exist")
    if month is not None and not 1 <= month <= 12:
        raise ValueError(f"{value!r}: month {month} does not exist")
    if day is not None:
        try:
            datetime.date(year, month, day)
        except ValueError:
            raise ValueError(f"{value!r}: day {day} does not exist in {year}-{month:02d}") from None
    return year, month, day


def precision(value):
    """Return the DatePrecision of a valid partial date, or None for None/''."""
    if not value:
        return None
    return PRECISION_BY_LENGTH[len(value)]


def first_day(value):
    """The first calendar day the partial date may denote."""
    year, month, day = parse(value)
    return datetime.date(year, month or 1, day or 1)


def last_day(value):
    """The last calendar day the partial date may denote."""
    year, month, day = parse(value)
    if day:
        return datetime.date(year, month, day)
    if month:
        following = datetime.date(year + (month == 12), month % 12 + 1, 1)
        return following - datetime.timedelta(days=1)
    return datetime.date(year, 12, 31)


def validate_partial_date(value):
    try:
        parse(value)
    except ValueError as error:
        raise ValidationError(str(error), code="invalid_partial_date") from None


class PartialDateField(models.CharField):
    """A date of year, month or day precision, stored as its ISO string.

    The database itself checks the shape of the value; impossible days
    (2016-02-30) are refused by the validator on every form, serializer and
    import. `<name>_precision` on the instance gives the precision.
    """

    description = _("Partial date (YYYY, YYYY-MM or YYYY-MM-DD)")
    default_validators = [validate_partial_date]

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 10)
        kwargs.setdefault("null", True)
        kwargs.setdefault("blank", True)
        kwargs.setdefault("help_text", _("YYYY, YYYY-MM or YYYY-MM-DD: only the precision the source gives."))
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        if kwargs.get("max_length") == 10:
            del kwargs["max_length"]
        return name, path, args, kwargs

    def to_python(self, value):
        value = super().to_python(value)
        return value or None

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        return value or None

    def db_check(self, connection):
        column = connection.ops.quote_name(self.column)
        if connection.vendor == "postgresql":
            return f"{column} ~ '^[0-9]{{4}}(-(0[1-9]|1[0-2])(-(0[1-9]|[12][0-9]|3[01]))?)?$'"
        digits = "[0-9][0-9][0-9][0-9]"
        return (
            f"({column} GLOB '{digits}' OR {column} GLOB '{digits}-[01][0-9]'"
            f" OR {column} GLOB '{digits}-[01][0-9]-[0-3][0-9]')"
        )

    def contribute_to_class(self, cls, name, *args, **kwargs):
        super().contribute_to_class(cls, name, *args, **kwargs)
        setattr(
            cls,
            f"{name}_precision",
            property(lambda instance: precision(getattr(instance, name))),
        )
