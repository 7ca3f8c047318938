"""The admin header's search: one ranked search across every kind of record
the editor may view, as `/api/v1/search/` answers it (`ctdb.core.search`)."""

from django.contrib import admin
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from ..registry import searchable_models
from ..search import MAX_TERMS, Query, search_everything

LIMIT = 50


def viewable(request):
    """The searchable models the editor may view in the admin."""
    return [
        model
        for model in searchable_models()
        if model in admin.site._registry and admin.site._registry[model].has_view_permission(request)
    ]


def change_url(record):
    meta = record._meta
    try:
        return reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[record.pk])
    except NoReverseMatch:
        return None


def search_view(request):
    raw = request.GET.get("q", "")
    query = Query.parse(raw)
    error, hits = None, []
    if len(query.text.split()) > MAX_TERMS:
        error = _("Give at most %(max)s words.") % {"max": MAX_TERMS}
    elif query:
        hits = [
            {"hit": hit, "type": type(hit.record)._meta.verbose_name, "url": change_url(hit.record)}
            for hit in search_everything(query, LIMIT, viewable(request))
        ]
    context = {
        **admin.site.each_context(request),
        "title": _("Search"),
        "q": raw,
        "hits": hits,
        "error": error,
        "searched": bool(query),
    }
    return TemplateResponse(request, "admin/ctdb/search.html", context)
