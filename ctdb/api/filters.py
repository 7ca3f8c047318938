"""Filter backends and filter types shared by every resource.

`FoldedSearchFilter` is `?search=`: Arabic-aware, identical on SQLite and
PostgreSQL because both the stored `search_text` and the query are folded by
`ctdb.core.arabic`. `StableOrderingFilter` is `?ordering=`. The filter types
below are the building blocks of `filtersets.py`.
"""

import datetime
import functools
import operator

import django_filters
from django.core.exceptions import ValidationError as FieldValidationError
from django.core.validators import RegexValidator
from django.db.models import F, Q
from django_filters.fields import MultipleChoiceField
from drf_spectacular.utils import extend_schema_field
from rest_framework.exceptions import ValidationError
from rest_framework.filters import BaseFilterBackend, OrderingFilter

from ctdb.core import partial_dates
from ctdb.core.arabic import fold_terms

MAX_SEARCH_TERMS = 10
# The shape of a partial date; the validator also refuses days that do not exist (2016-02-30).
PARTIAL_DATE_PATTERN = r"^[0-9]{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12][0-9]|3[01]))?)?$"
COUNTRY_CODE_PATTERN = r"^[A-Za-z]{2}$"


def documented_as(filter_, **schema):
    """Give the filter's value this string schema in OpenAPI, beside its help text."""
    description = filter_.extra.get("help_text")
    extend_schema_field({"type": "string", **schema, **({"description": description} if description else {})})(filter_)
    return filter_


class FoldedSearchFilter(BaseFilterBackend):
    """`?search=`: every folded term of the query must occur in one of the
    view's `search_fields` (stored folded text, names and aliases)."""

    search_param = "search"

    def filter_queryset(self, request, queryset, view):
        fields = getattr(view, "search_fields", ())
        terms = fold_terms(request.query_params.get(self.search_param, ""))
        if not fields or not terms:
            return queryset
        if len(terms) > MAX_SEARCH_TERMS:
            raise ValidationError({self.search_param: [f"Give at most {MAX_SEARCH_TERMS} words."]})
        for term in terms:
            queryset = queryset.filter(functools.reduce(operator.or_, (Q(**{f"{f}__contains": term}) for f in fields)))
        return queryset

    def get_schema_operation_parameters(self, view):
        if not getattr(view, "search_fields", ()):
            return []
        return [
            {
                "name": self.search_param,
                "required": False,
                "in": "query",
                "description": (
                    "Words that must all occur in the record's names or aliases. Arabic spelling variants "
                    "(hamza forms, ta marbuta, alef maqsura, diacritics, tatweel) and Latin accents are ignored: "
                    "«الدولة الاسلامية» finds «الدولة الإسلاميّة», «داعش» finds the Islamic State by its alias, "
                    f"`Erdogan` finds `Erdoğan`. At most {MAX_SEARCH_TERMS} words."
                ),
                "schema": {"type": "string"},
            }
        ]


class StableOrderingFilter(OrderingFilter):
    """`?ordering=` from the view's `ordering_fields` (comma-separated, `-`
    for descending). The slug always breaks ties, so pages never overlap, and
    nulls sort last either way, so SQLite and PostgreSQL agree."""

    def get_ordering(self, request, queryset, view):
        param = request.query_params.get(self.ordering_param, "")
        terms = [term.strip() for term in param.split(",") if term.strip()]
        if terms:
            allowed = set(view.ordering_fields)
            unknown = [term for term in terms if term.lstrip("-") not in allowed]
            if unknown:
                message = f"Unknown field {', '.join(unknown)}; use one of {', '.join(sorted(allowed))}."
                raise ValidationError({self.ordering_param: [message]})
        else:
            terms = list(self.get_default_ordering(view) or ())
        if not any(term.lstrip("-") == "slug" for term in terms):
            terms.append("slug")
        return terms

    def filter_queryset(self, request, queryset, view):
        return queryset.order_by(
            *(
                F(term[1:]).desc(nulls_last=True) if term.startswith("-") else F(term).asc(nulls_last=True)
                for term in self.get_ordering(request, queryset, view)
            )
        )

    def get_schema_operation_parameters(self, view):
        options = [option for field in view.ordering_fields for option in (field, f"-{field}")]
        default = ",".join(view.ordering)
        return [
            {
                "name": self.ordering_param,
                "required": False,
                "in": "query",
                "description": (
                    f"Sort by these fields, comma-separated; `-` sorts descending. Default `{default}`. "
                    "Ties are always broken by `slug`; unknown dates and figures sort last."
                ),
                "schema": {"type": "array", "items": {"type": "string", "enum": options}},
                "style": "form",
                "explode": False,
            }
        ]


class HavingFilter(django_filters.CharFilter):
    """Records with at least one related row matching the value through any
    of `paths`; a subquery, so a record is never returned twice."""

    def __init__(self, *paths, **kwargs):
        self.paths = paths
        super().__init__(field_name=paths[0], **kwargs)

    def filter(self, queryset, value):
        if value in ("", None):
            return queryset
        matching = functools.reduce(operator.or_, (Q(**{path: value}) for path in self.paths))
        if all(single_valued(queryset.model, path) for path in self.paths):
            # The record's own column, or one through foreign keys: no row
            # can repeat, and the planner can use the column's index.
            return queryset.filter(matching)
        return queryset.filter(pk__in=queryset.model._base_manager.filter(matching).values("pk"))


def single_valued(model, path):
    """Whether a lookup path reaches at most one value per record: only
    the model's columns and forward foreign keys on the way."""
    *relations, _ = path.split("__")
    for name in relations:
        field = model._meta.get_field(name)
        if not (field.many_to_one or field.one_to_one) or field.auto_created:
            return False
        model = field.related_model
    return True


class CitedInFilter(HavingFilter):
    """`?article=<slug>`: records with a citation in that article."""

    def __init__(self, citations="citations", **kwargs):
        kwargs.setdefault("help_text", "Slug of an article: records supported by a citation in it.")
        super().__init__(f"{citations}__article__slug", **kwargs)


class ChoicesField(MultipleChoiceField):
    def to_python(self, value):
        return [choice for choice in super().to_python(value) if choice != ""]


class ChoicesFilter(django_filters.MultipleChoiceFilter):
    """Any of several choices (repeat the parameter); an empty value is left
    out, as an empty parameter of any other filter is."""

    field_class = ChoicesField


class HavingChoiceFilter(ChoicesFilter):
    """Records with at least one related row whose `path` is any of the
    chosen values (repeat the parameter for several)."""

    def __init__(self, path, **kwargs):
        super().__init__(field_name=path, **kwargs)

    def filter(self, queryset, value):
        if not value:
            return queryset
        matching = queryset.model._base_manager.filter(**{f"{self.field_name}__in": value})
        return queryset.filter(pk__in=matching.values("pk"))


class CountryFilter(HavingFilter):
    """An ISO 3166-1 alpha-2 code, in either case, of the record or of a
    related one."""

    def __init__(self, path="country", **kwargs):
        kwargs.setdefault("validators", [RegexValidator(COUNTRY_CODE_PATTERN, "Give a two-letter ISO 3166-1 code.")])
        super().__init__(path, **kwargs)
        documented_as(self, pattern=COUNTRY_CODE_PATTERN)

    def filter(self, queryset, value):
        return super().filter(queryset, value.upper() if value else value)


def validate_partial_date(value):
    """A partial date; the reason it is not one goes in as a parameter, since
    django-filter %-formats each message (a `%` in the value broke it: 500)."""
    try:
        if not value.isascii():
            raise ValueError(f"{value!r} is not a partial date: give the digits 0-9")
        partial_dates.parse(value)
    except ValueError as error:
        raise FieldValidationError("%(reason)s", code="invalid_partial_date", params={"reason": str(error)}) from None


def in_utc(moment):
    """An aware date-time in UTC, the one offset every database takes
    (PostgreSQL refuses +21:38); one that falls off either end of the
    calendar in UTC becomes that end."""
    try:
        return moment.astimezone(datetime.UTC)
    except OverflowError:
        end = datetime.datetime.min if moment.year == datetime.MINYEAR else datetime.datetime.max
        return end.replace(tzinfo=datetime.UTC)


class UpdatedSinceFilter(django_filters.IsoDateTimeFilter):
    def filter(self, queryset, value):
        return super().filter(queryset, None if value is None else in_utc(value))


class PartialDateFilter(django_filters.CharFilter):
    """A bound of a date range, given as a partial date (YYYY, YYYY-MM or
    YYYY-MM-DD) and compared so that precision is respected: a record dated
    `2016-07` is within a range starting `2016-07-15`, since it may be."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("validators", [validate_partial_date])
        super().__init__(*args, **kwargs)
        documented_as(self, pattern=PARTIAL_DATE_PATTERN)


class DateFromFilter(PartialDateFilter):
    def filter(self, queryset, value):
        if not value:
            return queryset
        # A coarser date that contains the bound may fall after it.
        containing = {value[:4], value[:7]} - {value}
        return queryset.filter(Q(**{f"{self.field_name}__gte": value}) | Q(**{f"{self.field_name}__in": containing}))


class DateToFilter(PartialDateFilter):
    def filter(self, queryset, value):
        if not value:
            return queryset
        # Up to the bound, finer dates inside it included (2016-07 is within
        # 2016): everything before the next year, month or day. One range,
        # which an index on the field answers (`<= bound OR LIKE 'bound%'`
        # made PostgreSQL read every later row).
        return queryset.filter(**{f"{self.field_name}__lt": next_partial_date(value)})


def next_partial_date(value):
    """The partial date after `value` at its precision, as a string bound:
    2016 → 2017, 2016-12 → 2016-13, 2016-07-31 → 2016-07-32. Every partial
    date within `value` or before it sorts below it."""
    head, _, last = value.rpartition("-")
    bumped = str(int(last) + 1).zfill(len(last))
    return f"{head}-{bumped}" if head else bumped


def date_range(field_name, label):
    """The `date_from` and `date_to` filters on one partial-date field."""
    return (
        DateFromFilter(field_name=field_name, help_text=f"Earliest {label} (YYYY, YYYY-MM or YYYY-MM-DD), inclusive."),
        DateToFilter(field_name=field_name, help_text=f"Latest {label} (YYYY, YYYY-MM or YYYY-MM-DD), inclusive."),
    )
