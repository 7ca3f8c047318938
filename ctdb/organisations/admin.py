"""The editors' pages of organisations, their aliases and their relationships."""

from django import forms
from django.contrib import admin
from django.db.models import TextField
from django.utils.translation import gettext_lazy as _

from ctdb.core import models
from ctdb.core.admin import AliasAdmin, RecordAdmin, citation_inline
from ctdb.core.admin.filters import HasCitationFilter, precision_filter, year_filter
from ctdb.core.admin.forms import VersionedInlineMixin


class OrganisationAliasInline(VersionedInlineMixin, admin.TabularInline):
    model = models.OrganisationAlias
    extra = 0
    # An editorial alias (a well-known name no article spells out) shows its reasoning beside it.
    fields = ("name", "language", "kind", "provenance", "reasoning")
    formfield_overrides = {TextField: {"widget": forms.Textarea(attrs={"rows": 2, "cols": 60})}}


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


@admin.register(models.OrganisationAlias)
class OrganisationAliasAdmin(AliasAdmin):
    list_display = ("name", "organisation", "language", "kind", "provenance")
    list_filter = ("language", "kind", "provenance")
    list_select_related = ("organisation",)
    autocomplete_fields = ("organisation",)
    folded_search_paths = ("organisation__search_text",)
