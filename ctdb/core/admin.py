"""The editors' admin: every record, searchable through Arabic folding, with
inlines for aliases, citations, parties and attributions, import/export by
slug and a history of every change."""

from django.contrib import admin
from django.db import models as django_models
from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _
from import_export.admin import ImportExportMixin
from simple_history.admin import SimpleHistoryAdmin

from . import models
from .arabic import fold_terms
from .resources import RESOURCES

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


class HasCitationFilter(admin.SimpleListFilter):
    title = _("citations")
    parameter_name = "cited"

    def lookups(self, request, model_admin):
        return [("yes", _("has a citation")), ("no", _("has no citation"))]

    def queryset(self, request, queryset):
        if self.value() == "no":
            return queryset.filter(citations__isnull=True)
        if self.value() == "yes":
            return queryset.filter(citations__isnull=False).distinct()
        return queryset


class RecordAdmin(FoldedSearchMixin, ImportExportMixin, SimpleHistoryAdmin):
    """Shared behaviour of every ctdb admin page."""

    readonly_fields = ("created_at", "updated_at")
    list_per_page = 50
    show_full_result_count = False  # no COUNT(*) over the whole table per page view
    save_on_top = True

    def get_resource_classes(self, request):
        return [RESOURCES[self.model]]


def citation_inline(fk_name):
    """An inline of the citations that support one kind of record."""
    return type(
        f"{fk_name.title().replace('_', '')}CitationInline",
        (admin.StackedInline,),
        {
            "model": models.Citation,
            "fk_name": fk_name,
            "extra": 0,
            "fields": ("article", "quote", "translation_en", "note", "start", "end", "slug"),
            "readonly_fields": ("start", "end", "slug"),
            "autocomplete_fields": ("article",),
            "verbose_name": _("citation"),
            "verbose_name_plural": _("citations"),
        },
    )


class OrganisationAliasInline(admin.TabularInline):
    model = models.OrganisationAlias
    extra = 0


class ActorAliasInline(admin.TabularInline):
    model = models.ActorAlias
    extra = 0


class AttributionInline(admin.TabularInline):
    model = models.Attribution
    fk_name = "attack"
    extra = 0
    fields = ("organisation", "kind", "accused_by", "note", "slug")
    readonly_fields = ("slug",)
    autocomplete_fields = ("organisation", "accused_by")
    show_change_link = True


class AgreementPartyInline(admin.TabularInline):
    model = models.AgreementParty
    extra = 0
    fields = ("organisation", "role", "start", "end", "note", "slug")
    readonly_fields = ("slug",)
    autocomplete_fields = ("organisation",)
    show_change_link = True


class AgreementTargetInline(admin.TabularInline):
    model = models.AgreementTarget
    extra = 0
    fields = ("organisation", "slug")
    readonly_fields = ("slug",)
    autocomplete_fields = ("organisation",)
    show_change_link = True


class AffiliationInline(admin.TabularInline):
    model = models.Affiliation
    extra = 0
    fields = ("organisation", "role", "start", "end", "slug")
    readonly_fields = ("slug",)
    autocomplete_fields = ("organisation",)
    show_change_link = True


@admin.register(models.Article)
class ArticleAdmin(RecordAdmin):
    list_display = ("title", "outlet", "published", "author", "language", "citation_count", "updated_at")
    list_filter = ("language", "outlet")
    readonly_fields = ("text_sha256", "created_at", "updated_at")
    autocomplete_fields = ("outlet",)
    formfield_overrides = {django_models.URLField: {"assume_scheme": "https"}}

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("outlet").annotate(citation_count=Count("citations"))

    @admin.display(description=_("citations"), ordering="citation_count")
    def citation_count(self, obj):
        return obj.citation_count


@admin.register(models.Organisation)
class OrganisationAdmin(RecordAdmin):
    list_display = ("name_en", "name_ar", "kind", "country", "founded", "citation_count", "updated_at")
    list_filter = ("kind", "country", HasCitationFilter)
    inlines = [OrganisationAliasInline, citation_inline("organisation")]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(citation_count=Count("citations"))

    @admin.display(description=_("citations"), ordering="citation_count")
    def citation_count(self, obj):
        return obj.citation_count


@admin.register(models.OrganisationRelationship)
class OrganisationRelationshipAdmin(RecordAdmin):
    list_display = ("subject", "kind", "object", "start", "end")
    list_filter = ("kind", HasCitationFilter)
    list_select_related = ("subject", "object")
    autocomplete_fields = ("subject", "object")
    folded_search_paths = ("subject__search_text", "object__search_text")
    inlines = [citation_inline("relationship")]


@admin.register(models.Actor)
class ActorAdmin(RecordAdmin):
    list_display = ("name_en", "name_ar", "title_en", "nationality", "updated_at")
    list_filter = ("nationality", HasCitationFilter)
    inlines = [ActorAliasInline, AffiliationInline, citation_inline("actor")]


@admin.register(models.Affiliation)
class AffiliationAdmin(RecordAdmin):
    list_display = ("actor", "organisation", "role", "start", "end")
    list_select_related = ("actor", "organisation")
    list_filter = (HasCitationFilter,)
    autocomplete_fields = ("actor", "organisation")
    folded_search_paths = ("actor__search_text", "organisation__search_text")
    inlines = [citation_inline("affiliation")]


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
        "updated_at",
    )
    list_filter = ("kind", "country", "attack_type", "target_type", "weapon_type", HasCitationFilter)
    list_select_related = ("campaign",)
    autocomplete_fields = ("campaign",)
    inlines = [AttributionInline, citation_inline("attack")]


@admin.register(models.Attribution)
class AttributionAdmin(RecordAdmin):
    list_display = ("attack", "kind", "organisation", "accused_by")
    list_filter = ("kind", HasCitationFilter)
    list_select_related = ("attack", "organisation", "accused_by")
    autocomplete_fields = ("attack", "organisation", "accused_by")
    folded_search_paths = ("attack__search_text", "organisation__search_text")
    inlines = [citation_inline("attribution")]


@admin.register(models.AttackLink)
class AttackLinkAdmin(RecordAdmin):
    list_display = ("from_attack", "kind", "to_attack")
    list_filter = ("kind",)
    list_select_related = ("from_attack", "to_attack")
    autocomplete_fields = ("from_attack", "to_attack")
    folded_search_paths = ("from_attack__search_text", "to_attack__search_text")
    inlines = [citation_inline("attack_link")]


@admin.register(models.Agreement)
class AgreementAdmin(RecordAdmin):
    list_display = ("name_en", "name_ar", "kind", "status", "start", "end", "amount", "currency")
    list_filter = ("kind", "status", HasCitationFilter)
    inlines = [AgreementPartyInline, AgreementTargetInline, citation_inline("agreement")]


@admin.register(models.AgreementParty)
class AgreementPartyAdmin(RecordAdmin):
    list_display = ("agreement", "organisation", "role", "start", "end")
    list_filter = ("role", HasCitationFilter)
    list_select_related = ("agreement", "organisation")
    autocomplete_fields = ("agreement", "organisation")
    folded_search_paths = ("agreement__search_text", "organisation__search_text")
    inlines = [citation_inline("party")]


@admin.register(models.AgreementTarget)
class AgreementTargetAdmin(RecordAdmin):
    list_display = ("agreement", "organisation")
    list_select_related = ("agreement", "organisation")
    list_filter = (HasCitationFilter,)
    autocomplete_fields = ("agreement", "organisation")
    folded_search_paths = ("agreement__search_text", "organisation__search_text")
    inlines = [citation_inline("agreement_target")]


@admin.register(models.OrganisationAlias)
class OrganisationAliasAdmin(RecordAdmin):
    list_display = ("name", "organisation", "language", "kind")
    list_filter = ("language", "kind")
    list_select_related = ("organisation",)
    autocomplete_fields = ("organisation",)
    folded_search_paths = ("organisation__search_text",)
    readonly_fields = ()


@admin.register(models.ActorAlias)
class ActorAliasAdmin(RecordAdmin):
    list_display = ("name", "actor", "language", "kind")
    list_filter = ("language", "kind")
    list_select_related = ("actor",)
    autocomplete_fields = ("actor",)
    folded_search_paths = ("actor__search_text",)
    readonly_fields = ()


@admin.register(models.Citation)
class CitationAdmin(RecordAdmin):
    list_display = ("short_quote", "article", "target_field", "start", "end")
    list_filter = ("article",)
    list_select_related = ("article",)
    readonly_fields = ("start", "end", "created_at", "updated_at")
    autocomplete_fields = (
        "article",
        "organisation",
        "actor",
        "attack",
        "agreement",
        "attribution",
        "attack_link",
        "party",
        "agreement_target",
        "relationship",
        "affiliation",
    )
    folded_search_paths = ("article__search_text",)

    def get_search_results(self, request, queryset, search_term):
        # Citations are found by the words they quote, folded the same way.
        queryset, _distinct = super().get_search_results(request, queryset, "")
        for term in fold_terms(search_term):
            queryset = queryset.filter(Q(quote__icontains=term) | Q(article__search_text__contains=term))
        return queryset, False

    @admin.display(description=_("quote"))
    def short_quote(self, obj):
        return obj.quote[:80]
