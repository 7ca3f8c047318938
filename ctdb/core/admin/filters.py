"""Changelist filters shared by ctdb's admin pages."""

from django.contrib import admin
from django.db.models import Exists, Max, Min, OuterRef
from django.db.models.functions import Length
from django.utils.translation import gettext_lazy as _

from ..choices import DatePrecision


class HasCitationFilter(admin.SimpleListFilter):
    """Records with or without any citation: uncited facts need an editor."""

    title = _("citations")
    parameter_name = "cited"

    def lookups(self, request, model_admin):
        return [("yes", _("has a citation")), ("no", _("has no citation"))]

    def queryset(self, request, queryset):
        if self.value() not in ("yes", "no"):
            return queryset
        relation = queryset.model._meta.get_field("citations")
        cited = Exists(relation.related_model.objects.filter(**{relation.field.name: OuterRef("pk")}))
        return queryset.filter(cited if self.value() == "yes" else ~cited)


def year_filter(field_name, title):
    """A filter on the year of a partial date (whatever its precision)."""

    class YearFilter(admin.SimpleListFilter):
        parameter_name = f"{field_name}_year"

        def lookups(self, request, model_admin):
            # The first and last values come from the index; listing every
            # distinct year would read the whole table.
            bounds = model_admin.get_queryset(request).aggregate(first=Min(field_name), last=Max(field_name))
            if not bounds["first"]:
                return []
            first, last = int(bounds["first"][:4]), int(bounds["last"][:4])
            return [(str(year), str(year)) for year in range(last, first - 1, -1)]

        def queryset(self, request, queryset):
            if self.value():
                return queryset.filter(**{f"{field_name}__startswith": self.value()})
            return queryset

    YearFilter.title = title
    return YearFilter


def precision_filter(field_name, title):
    """A filter on the precision of a partial date: year, month, day or unknown."""
    lengths = {DatePrecision.YEAR: 4, DatePrecision.MONTH: 7, DatePrecision.DAY: 10}

    class PrecisionFilter(admin.SimpleListFilter):
        parameter_name = f"{field_name}_precision"

        def lookups(self, request, model_admin):
            return [*DatePrecision.choices, ("unknown", _("no date"))]

        def queryset(self, request, queryset):
            value = self.value()
            if value == "unknown":
                return queryset.filter(**{f"{field_name}__isnull": True})
            if value in lengths:
                return queryset.annotate(_length=Length(field_name)).filter(_length=lengths[value])
            return queryset

    PrecisionFilter.title = title
    return PrecisionFilter
