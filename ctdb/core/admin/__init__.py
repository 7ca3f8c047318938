"""The editors' admin: every record, searchable through Arabic folding, with
inlines for aliases, citations, parties and attributions, import/export by
slug and a history of every change."""

from django.contrib import admin
from django.db import models as django_models
from django.db.models import Q
from django.urls import reverse
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from import_export.admin import ImportExportMixin
from simple_history.admin import SimpleHistoryAdmin

from ctdb.ops.import_guard import ImportGuardMixin
from ctdb.ops.imports import EncodingImportForm

from .. import models
from ..arabic import fold, fold_terms
from ..paginator import LargeTablePaginator
from ..queries import count_of
from ..resources import RESOURCES
from .articles import ArticleAdminMixin
from .citations import CitationInlineBase, CitationPageForm
from .filters import HasCitationFilter, precision_filter, year_filter
from .forms import CollisionRetryMixin, OptimisticLockForm, VersionedInlineMixin
from .history import RevertNeedsChangePermissionMixin

admin.site.site_header = _("ctdb: counter-terrorism database")
admin.site.site_title = _("ctdb")
admin.site.index_title = _("Records")


class FoldedSearchMixin:
    """Search through stored folded text, so «الاسلامية» finds «الإسلامية».

    `folded_search_paths` names the search_text columns to look in (its own,
    or its related records' for link tables). Every term must match.
    """

    folded_search_paths = ("search_text",)
    search_fields = ("search_text",)  # enables the search box and autocomplete

    def get_search_results(self, request, queryset, search_term):
        for term in fold_terms(search_term):
            condition = Q()
            for path in self.folded_search_paths:
                condition |= Q(**{f"{path}__contains": term})
            queryset = queryset.filter(condition)
        return queryset, False


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


class OrganisationAliasInline(VersionedInlineMixin, admin.TabularInline):
    model = models.OrganisationAlias
    extra = 0


class ActorAliasInline(VersionedInlineMixin, admin.TabularInline):
    model = models.ActorAlias
    extra = 0


class AttributionInline(VersionedInlineMixin, admin.TabularInline):
    model = models.Attribution
    fk_name = "attack"
    extra = 0
    fields = ("organisation", "kind", "accused_by", "note", "slug")
    readonly_fields = ("slug",)
    autocomplete_fields = ("organisation", "accused_by")
    show_change_link = True


class AgreementPartyInline(VersionedInlineMixin, admin.TabularInline):
    model = models.AgreementParty
    extra = 0
    fields = ("organisation", "role", "start", "end", "note", "slug")
    readonly_fields = ("slug",)
    autocomplete_fields = ("organisation",)
    show_change_link = True


class AgreementTargetInline(VersionedInlineMixin, admin.TabularInline):
    model = models.AgreementTarget
    extra = 0
    fields = ("organisation", "slug")
    readonly_fields = ("slug",)
    autocomplete_fields = ("organisation",)
    show_change_link = True


class AffiliationInline(VersionedInlineMixin, admin.TabularInline):
    model = models.Affiliation
    extra = 0
    fields = ("organisation", "role", "start", "end", "slug")
    readonly_fields = ("slug",)
    autocomplete_fields = ("organisation",)
    show_change_link = True


@admin.register(models.Article)
class ArticleAdmin(ArticleAdminMixin, RecordAdmin):
    list_display = ("title", "outlet", "published", "author", "language", "updated_at")
    list_filter = ("language", "outlet", year_filter("published", _("year published")))
    list_select_related = ("outlet",)
    readonly_fields = ("text_sha256", "cited_passages", "cited_records", "created_at", "updated_at")
    autocomplete_fields = ("outlet",)
    formfield_overrides = {django_models.URLField: {"assume_scheme": "https"}}
    counts = {"citations": _("citations")}

    @admin.display(description=_("text with the cited passages highlighted"))
    def cited_passages(self, obj):
        return highlight(obj.text, obj.citations.values_list("start", "end"))

    @admin.display(description=_("records that cite this article"))
    def cited_records(self, obj):
        citations = obj.citations.select_related(*models.Citation.TARGET_FIELDS).order_by("start")
        items = []
        for citation in citations:
            target = citation.target
            meta = target._meta
            url = reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[target.pk])
            items.append(
                format_html('<li>{}: <a href="{}">{}</a> — «{}»</li>', meta.verbose_name, url, target, citation.quote)
            )
        if not items:
            return _("No record cites this article yet.")
        return format_html('<ol class="ctdb-cited-records">{}</ol>', mark_safe("".join(items)))


@admin.register(models.Organisation)
class OrganisationAdmin(RecordAdmin):
    list_display = ("name_en", "name_ar", "kind", "country", "founded", "updated_at")
    list_filter = ("kind", "country", year_filter("founded", _("year founded")), HasCitationFilter)
    inlines = [OrganisationAliasInline, citation_inline("organisation")]
    counts = {"citations": _("citations"), "attributions": _("attributions"), "agreement_parties": _("agreements")}


@admin.register(models.OrganisationRelationship)
class OrganisationRelationshipAdmin(RecordAdmin):
    list_display = ("subject", "kind", "object", "start", "end")
    list_filter = (
        "kind",
        year_filter("start", _("year")),
        precision_filter("start", _("date precision")),
        HasCitationFilter,
    )
    list_select_related = ("subject", "object")
    autocomplete_fields = ("subject", "object")
    folded_search_paths = ("subject__search_text", "object__search_text")
    inlines = [citation_inline("relationship")]
    counts = {"citations": _("citations")}


@admin.register(models.Actor)
class ActorAdmin(RecordAdmin):
    list_display = ("name_en", "name_ar", "title_en", "nationality", "updated_at")
    list_filter = ("nationality", HasCitationFilter)
    inlines = [ActorAliasInline, AffiliationInline, citation_inline("actor")]
    counts = {"citations": _("citations"), "affiliations": _("affiliations")}


@admin.register(models.Affiliation)
class AffiliationAdmin(RecordAdmin):
    list_display = ("actor", "organisation", "role", "start", "end")
    list_select_related = ("actor", "organisation")
    list_filter = (HasCitationFilter,)
    autocomplete_fields = ("actor", "organisation")
    folded_search_paths = ("actor__search_text", "organisation__search_text")
    inlines = [citation_inline("affiliation")]
    counts = {"citations": _("citations")}


@admin.register(models.Attack)
class AttackAdmin(RecordAdmin):
    list_display = (
        "name_en",
        "name_ar",
        "kind",
        "start",
        "country",
        "attack_type",
        "killed_low",
        "killed_high",
        "wounded_low",
        "wounded_high",
        "updated_at",
    )
    list_filter = (
        "kind",
        "country",
        year_filter("start", _("year")),
        precision_filter("start", _("date precision")),
        "attack_type",
        "target_type",
        "weapon_type",
        HasCitationFilter,
    )
    list_select_related = ("campaign",)
    autocomplete_fields = ("campaign",)
    inlines = [AttributionInline, citation_inline("attack")]
    counts = {"citations": _("citations"), "attributions": _("attributions")}


@admin.register(models.Attribution)
class AttributionAdmin(RecordAdmin):
    list_display = ("attack", "kind", "organisation", "accused_by")
    list_filter = ("kind", HasCitationFilter)
    list_select_related = ("attack", "organisation", "accused_by")
    autocomplete_fields = ("attack", "organisation", "accused_by")
    folded_search_paths = ("attack__search_text", "organisation__search_text")
    inlines = [citation_inline("attribution")]
    counts = {"citations": _("citations")}


@admin.register(models.AttackLink)
class AttackLinkAdmin(RecordAdmin):
    list_display = ("from_attack", "kind", "to_attack")
    list_filter = ("kind", HasCitationFilter)
    list_select_related = ("from_attack", "to_attack")
    autocomplete_fields = ("from_attack", "to_attack")
    folded_search_paths = ("from_attack__search_text", "to_attack__search_text")
    inlines = [citation_inline("attack_link")]
    counts = {"citations": _("citations")}


@admin.register(models.Agreement)
class AgreementAdmin(RecordAdmin):
    list_display = ("name_en", "name_ar", "kind", "status", "start", "end", "amount", "currency")
    list_filter = (
        "kind",
        "status",
        year_filter("start", _("year")),
        precision_filter("start", _("date precision")),
        HasCitationFilter,
    )
    inlines = [AgreementPartyInline, AgreementTargetInline, citation_inline("agreement")]
    counts = {"citations": _("citations"), "parties": _("parties"), "targets": _("targets")}


@admin.register(models.AgreementParty)
class AgreementPartyAdmin(RecordAdmin):
    list_display = ("agreement", "organisation", "role", "start", "end")
    list_filter = ("role", HasCitationFilter)
    list_select_related = ("agreement", "organisation")
    autocomplete_fields = ("agreement", "organisation")
    folded_search_paths = ("agreement__search_text", "organisation__search_text")
    inlines = [citation_inline("party")]
    counts = {"citations": _("citations")}


@admin.register(models.AgreementTarget)
class AgreementTargetAdmin(RecordAdmin):
    list_display = ("agreement", "organisation")
    list_select_related = ("agreement", "organisation")
    list_filter = (HasCitationFilter,)
    autocomplete_fields = ("agreement", "organisation")
    folded_search_paths = ("agreement__search_text", "organisation__search_text")
    inlines = [citation_inline("agreement_target")]
    counts = {"citations": _("citations")}


class AliasAdmin(RecordAdmin):
    list_display = ("name", "language", "kind")
    list_filter = ("language", "kind")
    readonly_fields = ()


@admin.register(models.OrganisationAlias)
class OrganisationAliasAdmin(AliasAdmin):
    list_display = ("name", "organisation", "language", "kind")
    list_select_related = ("organisation",)
    autocomplete_fields = ("organisation",)
    folded_search_paths = ("organisation__search_text",)


@admin.register(models.ActorAlias)
class ActorAliasAdmin(AliasAdmin):
    list_display = ("name", "actor", "language", "kind")
    list_select_related = ("actor",)
    autocomplete_fields = ("actor",)
    folded_search_paths = ("actor__search_text",)


@admin.register(models.Citation)
class CitationAdmin(RecordAdmin):
    form = CitationPageForm
    list_display = ("short_quote", "article", "cited_record", "start", "end")
    list_filter = ("article",)
    list_select_related = ("article", *models.Citation.TARGET_FIELDS)
    # The slug is derived from the article, the offsets and the cited record.
    readonly_fields = ("start", "end", "slug", "created_at", "updated_at")
    autocomplete_fields = ("article", *models.Citation.TARGET_FIELDS)

    def get_fields(self, request, obj=None):
        # The occurrence belongs beside the quote it picks, not after the targets.
        fields = [name for name in super().get_fields(request, obj) if name != "occurrence"]
        fields.insert(fields.index("quote") + 1, "occurrence")
        return fields

    def get_search_results(self, request, queryset, search_term):
        # Citations are found by the article's title or the words they quote.
        for term in search_term.split():
            queryset = queryset.filter(Q(quote__icontains=term) | Q(article__search_text__contains=fold(term)))
        return queryset, False

    @admin.display(description=_("cited record"))
    def cited_record(self, obj):
        field = obj.target_field
        if field is None:
            return "—"
        return f"{obj._meta.get_field(field).verbose_name}: {getattr(obj, field)}"

    @admin.display(description=_("quote"))
    def short_quote(self, obj):
        return obj.quote[:80]


def highlight(text, spans):
    """Return `text` as HTML with each [start, end) span wrapped in <mark>."""
    merged = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    parts, position = [], 0
    for start, end in merged:
        parts.append(escape(text[position:start]))
        parts.append(format_html("<mark>{}</mark>", text[start:end]))
        position = end
    parts.append(escape(text[position:]))
    return format_html(
        '<div class="ctdb-article-text" dir="rtl">{}</div>',
        mark_safe("".join(str(part) for part in parts)),
    )
