"""The editors' admin: what every record's page shares. Searchable through
Arabic folding, import/export by slug through the background import jobs,
optimistic locking, a history of every change, citations inline.

Each domain folder's `admin.py` (ctdb.sources, ctdb.organisations, ...)
registers its own records' pages on these bases; Django's admin finds them
as it finds any installed app's `admin` module."""

from django.contrib import admin
from django.contrib.admin.views.main import ORDER_VAR, ChangeList
from django.utils.translation import gettext_lazy as _
from import_export.admin import ImportExportMixin
from simple_history.admin import SimpleHistoryAdmin

from ctdb.ops.import_guard import ImportGuardMixin
from ctdb.ops.imports import EncodingImportForm

from .. import models
from ..paginator import LargeTablePaginator
from ..queries import count_of
from ..resources import RESOURCES
from ..search import SEARCH_RANK, ranked
from .citations import CitationInlineBase
from .forms import CollisionRetryMixin, OptimisticLockForm, VersionedInlineMixin
from .history import RevertNeedsChangePermissionMixin

admin.site.site_header = _("ctdb: counter-terrorism database")
admin.site.site_title = _("ctdb")
admin.site.index_title = _("Records")


class FoldedSearchMixin:
    """The admin's search box and its autocompletes, ranked as the API's
    `?search=` is (`ctdb.core.search.ranked`): best hits first, unless the
    editor sorts by a column.

    `folded_search_paths` names the search_text columns to look in (its own,
    or its related records' for link tables).
    """

    folded_search_paths = ("search_text",)
    search_fields = ("search_text",)  # enables the search box and autocomplete

    def get_search_results(self, request, queryset, search_term):
        return ranked(queryset, search_term, self.folded_search_paths), False

    def get_changelist(self, request, **kwargs):
        return RankedChangeList


class RankedChangeList(ChangeList):
    """A searched changelist lists the best hits first, unless the editor sorts by a column."""

    def get_ordering(self, request, queryset):
        ordering = super().get_ordering(request, queryset)
        if SEARCH_RANK in queryset.query.annotations and ORDER_VAR not in self.params:
            return [f"-{SEARCH_RANK}", *ordering]
        return ordering


class RecordAdmin(
    ImportGuardMixin,
    CollisionRetryMixin,
    FoldedSearchMixin,
    ImportExportMixin,
    RevertNeedsChangePermissionMixin,
    SimpleHistoryAdmin,
):
    """Shared behaviour of every ctdb admin page."""

    form = OptimisticLockForm
    import_form_class = EncodingImportForm  # asks for, or detects, a CSV file's encoding
    readonly_fields = ("created_at", "updated_at")
    list_per_page = 50
    show_full_result_count = False  # no COUNT(*) over the whole table per page view
    paginator = LargeTablePaginator
    save_on_top = True

    # Related records counted on the changelist: related name -> column label.
    counts = {}

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        return queryset.annotate(**{f"{name}_count": related_count(self.model, name) for name in self.counts})

    def get_list_display(self, request):
        return [*super().get_list_display(request), *(count_column(name, label) for name, label in self.counts.items())]

    def get_resource_classes(self, request):
        return [RESOURCES[self.model]]


def related_count(model, related_name):
    """Per-row count of the records reached through `related_name`."""
    relation = model._meta.get_field(related_name)
    return count_of(relation.related_model, relation.field.name)


def count_column(name, label):
    def column(obj):
        return getattr(obj, f"{name}_count")

    column.__name__ = f"{name}_count"
    return admin.display(description=label, ordering=f"{name}_count")(column)


def citation_inline(fk_name):
    """An inline of the citations that support one kind of record."""
    return type(
        f"{fk_name.title().replace('_', '')}CitationInline",
        (VersionedInlineMixin, CitationInlineBase),
        {
            "model": models.Citation,
            "fk_name": fk_name,
            "extra": 0,
            "fields": ("article", "quote", "occurrence", "translation_en", "note", "start", "end", "slug"),
            "readonly_fields": ("start", "end", "slug"),
            "autocomplete_fields": ("article",),
            "verbose_name": _("citation"),
            "verbose_name_plural": _("citations"),
        },
    )


class AliasAdmin(RecordAdmin):
    list_display = ("name", "language", "kind")
    list_filter = ("language", "kind")
    readonly_fields = ()
