"""The editors' pages of attacks, their attributions and the links between attacks."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from ctdb.core import models
from ctdb.core.admin import RecordAdmin, citation_inline
from ctdb.core.admin.filters import HasCitationFilter, precision_filter, year_filter
from ctdb.core.admin.forms import VersionedInlineMixin


class AttributionInline(VersionedInlineMixin, admin.TabularInline):
    model = models.Attribution
    fk_name = "attack"
    extra = 0
    fields = ("organisation", "kind", "accused_by", "note", "slug")
    readonly_fields = ("slug",)
    autocomplete_fields = ("organisation", "accused_by")
    show_change_link = True


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
