"""The editors' pages of actors, their aliases and their affiliations."""

from django import forms
from django.contrib import admin
from django.db.models import TextField
from django.utils.translation import gettext_lazy as _

from ctdb.core import models
from ctdb.core.admin import AliasAdmin, RecordAdmin, citation_inline
from ctdb.core.admin.filters import HasCitationFilter
from ctdb.core.admin.forms import VersionedInlineMixin


class ActorAliasInline(VersionedInlineMixin, admin.TabularInline):
    model = models.ActorAlias
    extra = 0
    # An editorial alias (a well-known name no article spells out) shows its reasoning beside it.
    fields = ("name", "language", "kind", "provenance", "reasoning")
    formfield_overrides = {TextField: {"widget": forms.Textarea(attrs={"rows": 2, "cols": 60})}}


class AffiliationInline(VersionedInlineMixin, admin.TabularInline):
    model = models.Affiliation
    extra = 0
    fields = ("organisation", "role", "start", "end", "slug")
    readonly_fields = ("slug",)
    autocomplete_fields = ("organisation",)
    show_change_link = True


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


@admin.register(models.ActorAlias)
class ActorAliasAdmin(AliasAdmin):
    list_display = ("name", "actor", "language", "kind", "provenance")
    list_filter = ("language", "kind", "provenance")
    list_select_related = ("actor",)
    autocomplete_fields = ("actor",)
    folded_search_paths = ("actor__search_text",)
