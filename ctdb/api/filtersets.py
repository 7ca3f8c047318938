"""The base of every resource's query filters (each domain's `api.py`
declares its own) and the helpers they share.

Slugs identify related records (`?organisation=islamic-state`); a slug that
names no record is a 400, as is a country code ISO 3166-1 does not assign.
Choice filters take several values (`?kind=claimed&kind=suspected`). Date
ranges respect partial dates (see `filters.DateFromFilter`, and
`date_match` for a date that may or surely falls in the range); records with
no date are left out of a date range.

Filters on one multi-valued relation match one related row together
(`filters.RowFilter`): `/attacks/?organisation=ukraine&attribution_kind=claimed`
is the attacks Ukraine claimed, not those attributed to Ukraine somehow and
claimed by someone. `filters.rows_of` lists them; the schema says so in each
filter's description.
"""

import django_filters
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from django_filters.constants import EMPTY_VALUES

from .filters import ChoicesFilter, RowFilter, UpdatedSinceFilter, having, slug_models, unknown_slug


def slug_of(field_name, what):
    return django_filters.CharFilter(field_name=f"{field_name}__slug", help_text=f"Slug of the {what}.")


def one_of(choices, what):
    return ChoicesFilter(choices=choices, help_text=f"{what}; repeat for any of several.")


class RecordFilterSet(filters.FilterSet):
    updated_since = UpdatedSinceFilter(
        field_name="updated_at",
        lookup_expr="gte",
        help_text="ISO 8601 date-time: records created or changed at or after it (incremental sync).",
    )

    def is_valid(self):
        """Valid values, and slugs that name records: an unknown one is a
        400 naming the parameter and the slug, not an empty list."""
        valid = super().is_valid()
        if not self.is_bound:
            return valid
        model = self.queryset.model
        for name, value in list(self.form.cleaned_data.items()):
            if value not in EMPTY_VALUES and unknown_slug(model, self.filters[name], value):
                what = " / ".join(str(target._meta.verbose_name) for target in slug_models(model, self.filters[name]))
                message = _("No %(what)s has the slug %(slug)s.")
                self.form.add_error(
                    name, ValidationError(message, code="unknown_slug", params={"what": what, "slug": value})
                )
        return valid and not self.form.errors

    def filter_queryset(self, queryset):
        """Each filter in turn, except that the filters on one multi-valued
        relation (`filters.RowFilter.relation`) are one condition on one row,
        whatever order they come in."""
        rows = {}
        for name, value in self.form.cleaned_data.items():
            filter_ = self.filters[name]
            relation = filter_.relation(queryset.model) if isinstance(filter_, RowFilter) else None
            if relation is None or value in EMPTY_VALUES:
                queryset = filter_.filter(queryset, value)
            else:
                rows.setdefault(relation, []).append(filter_.condition(value))
        for conditions in rows.values():
            queryset = having(queryset, conditions)
        return queryset
