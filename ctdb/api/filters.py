"""Filter backends and filter types shared by every resource.

`FoldedSearchFilter` is `?search=`: ranked, Arabic-aware and identical on
SQLite and PostgreSQL, because `ctdb.core.search` builds both the stored
documents and the query in Python. `StableOrderingFilter` is `?ordering=`. The filter types
below are the building blocks of `filtersets.py`.

Filters mean what they say or refuse: a slug that names no record, a
country code ISO 3166-1 does not assign and a parameter the resource does
not read are each a 400 that names the parameter. Filters on one related
row (an attack's attribution, an agreement's party) match one row together
(see `RowFilter` and `filtersets.RecordFilterSet`).
"""

import datetime
import functools
import operator
import re

import django_filters
from django.core.exceptions import ValidationError as FieldValidationError
from django.core.validators import RegexValidator
from django.db.models import F, Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_countries import countries
from django_filters.constants import EMPTY_VALUES
from django_filters.fields import MultipleChoiceField
from drf_spectacular.utils import extend_schema_field
from rest_framework.exceptions import ValidationError
from rest_framework.filters import BaseFilterBackend, OrderingFilter
from rest_framework.settings import api_settings

from ctdb.core import partial_dates
from ctdb.core.search import MAX_TERMS as MAX_SEARCH_TERMS
from ctdb.core.search import SEARCH_RANK, Query, ranked

from .cache import parameters_of

# Exactly the partial dates the API takes: no year 0000, no 2016-02-30, 29 February only in leap years.
COUNTRY_CODE_PATTERN = r"^[A-Za-z]{2}$"
# Any string without a NUL character, which no column holds and PostgreSQL refuses in a query.
NO_NUL_PATTERN = r"^[^\x00]*$"
DATE_MATCH = "date_match"
OVERLAPS, WITHIN = "overlaps", "within"


def documented_as(filter_, **schema):
    """Give the filter's value this string schema in OpenAPI, beside its help text."""
    description = filter_.extra.get("help_text")
    extend_schema_field({"type": "string", **schema, **({"description": description} if description else {})})(filter_)
    return filter_


class FoldedSearchFilter(BaseFilterBackend):
    """`?search=`: ranked search (`ctdb.core.search.ranked`) in the view's
    `search_fields` (stored search documents of names and aliases)."""

    search_param = "search"

    def filter_queryset(self, request, queryset, view):
        fields = getattr(view, "search_fields", ())
        query = Query.parse(request.query_params.get(self.search_param, ""))
        if not fields or not query:
            return queryset
        if len(query.text.split()) > MAX_SEARCH_TERMS:
            raise ValidationError({self.search_param: [f"Give at most {MAX_SEARCH_TERMS} words."]})
        return ranked(queryset, query, fields)

    def get_schema_operation_parameters(self, view):
        if not getattr(view, "search_fields", ()):
            return []
        return [
            {
                "name": self.search_param,
                "required": False,
                "in": "query",
                "description": (
                    "Words to find in the record's names, aliases and related names (an attack's perpetrators "
                    "and country, an agreement's parties). Results come best first unless `ordering` is given: "
                    "a whole name or alias, then records meeting more of the words, each as a whole word, its "
                    "stem, the start of a word, a cross-script key, or inside a word. A record must meet all "
                    "of the words but one, unless one of its names is in the query whole. Arabic spelling "
                    "variants (hamza forms, ta marbuta, alef maqsura, "
                    "diacritics, tatweel), clitics («بالسعودية», «والقاعدة») and Latin accents are ignored, and "
                    "Latin and Arabic spellings of a name meet (`Zawahri`, «الظواهري»). Words of 3 letters or "
                    f"fewer (acronyms) match whole words only. At most {MAX_SEARCH_TERMS} words."
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
            if SEARCH_RANK in queryset.query.annotations:
                terms.insert(0, f"-{SEARCH_RANK}")  # a search's best hits first
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


class RowFilter:
    """A filter on related rows through `paths` (any of them matches).

    When its one path goes through a multi-valued relation (an attack's
    `attributions`), the filterset matches it together with the other
    filters on that relation: `?organisation=ukraine&attribution_kind=claimed`
    is the attacks with one attribution to Ukraine that is a claim, not an
    attribution to Ukraine and a claim by anyone. `alone=True` opts out, for
    filters that can only match different rows (one citation supports one
    record: an article cited for an organisation and for an attack).
    """

    def __init__(self, *paths, alone=False, **kwargs):
        self.paths, self.alone = paths, alone
        super().__init__(field_name=paths[0], **kwargs)

    def condition(self, value):
        """The condition on the record, through its related rows, for `value`."""
        return functools.reduce(operator.or_, (Q(**{path: value}) for path in self.paths))

    def relation(self, model):
        """The multi-valued relation whose one row this filter's conditions
        must share with the other filters on it; None if it matches alone."""
        if self.alone or len(self.paths) != 1:
            return None
        return relation_of(model, self.paths[0])

    def filter(self, queryset, value):
        if value in EMPTY_VALUES:
            return queryset
        return having(queryset, [self.condition(value)])


def having(queryset, conditions):
    """The records with one related row meeting all `conditions` together
    (one `filter()`: one join per relation); a subquery when a relation is
    multi-valued, so a record is never returned twice."""
    if all(relation_of(queryset.model, path) is None for path in paths_in(conditions)):
        # The record's own columns, or ones through foreign keys: no row
        # can repeat, and the planner can use the column's index.
        return queryset.filter(*conditions)
    return queryset.filter(pk__in=queryset.model._base_manager.filter(*conditions).values("pk"))


def paths_in(conditions):
    for condition in conditions:
        for child in condition.children:
            yield from paths_in([child]) if isinstance(child, Q) else [child[0]]


def relation_of(model, path):
    """The first multi-valued relation on a lookup path (`attributions` of
    `attributions__organisation__slug`), or None if the path reaches at most
    one value per record: only columns and forward foreign keys on the way."""
    *relations, _ = path.split("__")
    for depth, name in enumerate(relations, start=1):
        field = model._meta.get_field(name)
        if not (field.many_to_one or field.one_to_one) or field.auto_created:
            return "__".join(relations[:depth])
        model = field.related_model
    return None


def model_at(model, path):
    """The model whose field ends the lookup path."""
    *relations, _ = path.split("__")
    for name in relations:
        model = model._meta.get_field(name).related_model
    return model


class HavingFilter(RowFilter, django_filters.CharFilter):
    """Records with at least one related row whose `paths` (any of them)
    equal the value."""


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


class HavingChoiceFilter(RowFilter, ChoicesFilter):
    """Records with at least one related row whose `path` is any of the
    chosen values (repeat the parameter for several)."""

    def condition(self, value):
        return Q(**{f"{self.field_name}__in": value})


def validate_country(value):
    """A code ISO 3166-1 assigns, as django-countries lists them: `XX` is
    no country, and would only give an empty list."""
    if re.fullmatch(COUNTRY_CODE_PATTERN, value) and value.upper() not in countries:
        raise FieldValidationError(
            gettext_lazy("%(code)s is not an ISO 3166-1 country code."), code="unknown_country", params={"code": value}
        )


class CountryFilter(HavingFilter):
    """An ISO 3166-1 alpha-2 code, in either case, of the record or of a
    related one."""

    def __init__(self, path="country", **kwargs):
        kwargs.setdefault(
            "validators",
            [RegexValidator(COUNTRY_CODE_PATTERN, "Give a two-letter ISO 3166-1 code."), validate_country],
        )
        super().__init__(path, **kwargs)
        self.extra["help_text"] = f"{self.extra['help_text']} A code ISO 3166-1 does not assign (`XX`) is a 400."
        documented_as(self, pattern=COUNTRY_CODE_PATTERN)

    def condition(self, value):
        return super().condition(value.upper())


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
    YYYY-MM-DD) and compared so that precision is respected. With
    `date_match=overlaps` (the default) a record dated `2016-07` is within a
    range starting `2016-07-15`, since it may be; with `date_match=within`
    it is not, since it may not be."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("validators", [validate_partial_date])
        super().__init__(*args, **kwargs)
        documented_as(self, pattern=partial_dates.VALID_PATTERN)

    def surely(self):
        """Whether a record's date must surely fall within the range (`date_match=within`)."""
        return self.parent.form.cleaned_data.get(DATE_MATCH) == WITHIN


def coarser(value):
    """The year and month that contain a partial date, coarser than it."""
    return {value[:4], value[:7]} - {value}


class DateFromFilter(PartialDateFilter):
    def filter(self, queryset, value):
        if not value:
            return queryset
        # A coarser date that contains the bound may fall after it; it
        # surely does only if it starts on the bound's first day (2016-07
        # from 2016-07-01).
        first = partial_dates.first_day(value)
        containing = {date for date in coarser(value) if not self.surely() or partial_dates.first_day(date) == first}
        return queryset.filter(Q(**{f"{self.field_name}__gte": value}) | Q(**{f"{self.field_name}__in": containing}))


class DateToFilter(PartialDateFilter):
    def filter(self, queryset, value):
        if not value:
            return queryset
        # Up to the bound, finer dates inside it included (2016-07 is within
        # 2016): everything before the next year, month or day. One range,
        # which an index on the field answers (`<= bound OR LIKE 'bound%'`
        # made PostgreSQL read every later row).
        queryset = queryset.filter(**{f"{self.field_name}__lt": next_partial_date(value)})
        # A coarser date that contains the bound may fall before it; it
        # surely does only if it ends on the bound's last day (2016-12 to 2016-12-31).
        last = partial_dates.last_day(value)
        later = {date for date in coarser(value) if partial_dates.last_day(date) != last}
        if self.surely() and later:
            queryset = queryset.exclude(**{f"{self.field_name}__in": later})
        return queryset


class DateMatchFilter(django_filters.ChoiceFilter):
    """`date_match`: how the date filters treat a partial date; it filters
    nothing itself."""

    def __init__(self, label):
        super().__init__(
            choices=[(OVERLAPS, OVERLAPS), (WITHIN, WITHIN)],
            help_text=(
                f"How `date_from` and `date_to` treat a partial {label}: `{OVERLAPS}` (the default) counts a "
                "date that may fall in the range (2016-07 is in a range from 2016-07-15, as it may be the 20th), "
                f"`{WITHIN}` only one that surely does (2016-07 is not; 2016-07-20 and 2016-08 are). "
                "Records with no date are left out of a range either way."
            ),
        )
        documented_as(self, enum=[OVERLAPS, WITHIN], default=OVERLAPS)

    def filter(self, queryset, value):
        return queryset


def next_partial_date(value):
    """The partial date after `value` at its precision, as a string bound:
    2016 → 2017, 2016-12 → 2016-13, 2016-07-31 → 2016-07-32. Every partial
    date within `value` or before it sorts below it."""
    head, _, last = value.rpartition("-")
    bumped = str(int(last) + 1).zfill(len(last))
    return f"{head}-{bumped}" if head else bumped


def date_range(field_name, label):
    """The `date_from`, `date_to` and `date_match` filters on one partial-date field."""
    shape = "(YYYY, YYYY-MM or YYYY-MM-DD; a day that does not exist, such as 2023-02-29, is refused)"
    return (
        DateFromFilter(field_name=field_name, help_text=f"Earliest {label} {shape}, inclusive; see `date_match`."),
        DateToFilter(field_name=field_name, help_text=f"Latest {label} {shape}, inclusive; see `date_match`."),
        DateMatchFilter(label),
    )


def paths_of(filter_):
    """The lookup paths a filter compares its value with."""
    return getattr(filter_, "paths", (filter_.field_name,))


def slug_models(model, filter_):
    """The models a filter's value names by slug, or none if it takes no slug."""
    paths = paths_of(filter_)
    if filter_.method is not None or not all(path.endswith("__slug") for path in paths):
        return set()
    return {model_at(model, path) for path in paths}


def unknown_slug(model, filter_, value):
    """Whether a slug filter's value names no record, so that the query is
    a mistake (a typo, a renamed record) rather than one with no answer."""
    targets = slug_models(model, filter_)
    return bool(targets) and not any(target._base_manager.filter(slug=value).exists() for target in targets)


def refuse_unknown_parameters(view, request):
    """A parameter the view does not read is a 400 naming it, and the ones it
    reads: `?contry=RU` would otherwise answer every record. A record by
    its slug takes only `format`: filters and pages are of lists."""
    known = {api_settings.URL_FORMAT_OVERRIDE} if view.detail else parameters_of(view)
    unknown = sorted(set(request.query_params) - known)
    if unknown:
        message = _("Unknown parameter; this resource takes %(known)s.") % {"known": ", ".join(sorted(known))}
        raise ValidationError({name: [message] for name in unknown})


def rows_of(filterset_class):
    """{relation: [filter names]}: the filters that match one row of a
    multi-valued relation together, for each relation with several."""
    model = filterset_class._meta.model
    groups = {}
    for name, filter_ in filterset_class.base_filters.items():
        relation = filter_.relation(model) if isinstance(filter_, RowFilter) else None
        if relation is not None:
            groups.setdefault(relation, []).append(name)
    return {relation: names for relation, names in groups.items() if len(names) > 1}


def row_notes(filterset_class):
    """{filter name: the sentence that says which filters it matches one row with}."""
    model = filterset_class._meta.model
    notes = {}
    for relation, names in rows_of(filterset_class).items():
        row = model_at(model, f"{relation}__pk")._meta.verbose_name
        for name in names:
            others = " and ".join(f"`{other}`" for other in names if other != name)
            notes[name] = f"Given with {others}, one and the same {row} must match them all."
    return notes
