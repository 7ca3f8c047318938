"""The editors' pages of cooperation agreements, their parties and their targets."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from ctdb.core import models
from ctdb.core.admin import RecordAdmin, citation_inline
from ctdb.core.admin.filters import HasCitationFilter, precision_filter, year_filter
from ctdb.core.admin.forms import VersionedInlineMixin


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
