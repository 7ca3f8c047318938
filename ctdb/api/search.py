"""`/api/v1/search/?q=`: one ranked search across every kind of record.

It ranks as every resource's `?search=` does (`ctdb.core.search`), takes the
best hits of each kind and answers them best first, each with its type, its
names and the URL of its record.
"""

from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from ctdb.core import registry
from ctdb.core.search import MAX_TERMS, Query, search_everything

from .cache import cached, parameters_of
from .schema import INVALID_QUERY, THROTTLED

DEFAULT_LIMIT, MAX_LIMIT = 20, 100
PARAMETERS = ("q", "type", "limit")
# A query of at least one letter or digit, and no NUL, which no column holds.
QUERY_PATTERN = r"^[^\x00]*[^\W_][^\x00]*$"


def kinds():
    """{record type: model} of every searchable kind, in published order."""
    return {model._meta.model_name: model for model in registry.searchable_models()}


def detail_url(request, model, slug):
    from .urls import router  # the routes import this view

    for _prefix, viewset, basename in router.registry:
        if viewset.queryset.model is model:
            return request.build_absolute_uri(reverse(f"{basename}-detail", kwargs={"slug": slug}))
    return None


def _limit(request):
    raw = request.query_params.get("limit") or str(DEFAULT_LIMIT)  # empty: the default, as for every filter
    if not raw.isdigit() or not 1 <= int(raw) <= MAX_LIMIT:
        raise ValidationError({"limit": [_("Give a whole number from 1 to %(max)s.") % {"max": MAX_LIMIT}]})
    return int(raw)


def _models(request):
    known = kinds()
    asked = [kind.strip() for kind in request.query_params.get("type", "").split(",") if kind.strip()]
    unknown = [kind for kind in asked if kind not in known]
    if unknown:
        message = _("Unknown type %(unknown)s; use one of %(known)s.") % {
            "unknown": ", ".join(unknown),
            "known": ", ".join(known),
        }
        raise ValidationError({"type": [message]})
    return [known[kind] for kind in asked] or list(known.values())


HIT = inline_serializer(
    "SearchHit",
    {
        "type": serializers.CharField(help_text="The record type: organisation, actor, attack, agreement, article."),
        "slug": serializers.CharField(),
        "label": serializers.CharField(help_text="The record's name as the API's records show it."),
        "name_ar": serializers.CharField(required=False, help_text="The Arabic name, for kinds that have one."),
        "name_en": serializers.CharField(required=False, help_text="The English name, for kinds that have one."),
        "rank": serializers.IntegerField(help_text="How well the query met the record; higher is better."),
        "url": serializers.URLField(help_text="The record in the API."),
    },
    many=True,
)


class SearchView(APIView):
    """Search every kind of record at once, best hits first."""

    query_parameters = PARAMETERS  # what the answer cache keys on

    @extend_schema(
        operation_id="search",
        tags=["search"],
        parameters=[
            OpenApiParameter(
                "q",
                {"type": "string", "pattern": QUERY_PATTERN},
                required=True,
                description=(
                    "Words to find, ranked as each resource's `search` is: a whole name or alias first, then "
                    f"records meeting more of the words. At least one letter or digit, at most {MAX_TERMS} words."
                ),
            ),
            OpenApiParameter(
                "type",
                {"type": "array", "items": {"type": "string", "enum": list(kinds())}},
                style="form",
                explode=False,
                description="Only these record types, comma-separated (all of them when left out).",
            ),
            OpenApiParameter(
                "limit",
                {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT},
                description=f"How many hits, 1 to {MAX_LIMIT} (default {DEFAULT_LIMIT}).",
            ),
        ],
        responses={
            200: OpenApiResponse(
                inline_serializer("SearchAnswer", {"q": serializers.CharField(), "results": HIT}),
                description="The hits, best first.",
            ),
            400: INVALID_QUERY,
            429: THROTTLED,
        },
    )
    def get(self, request):
        unknown = sorted(set(request.query_params) - parameters_of(self))
        if unknown:
            message = _("Unknown parameter; this resource takes %(known)s.") % {
                "known": ", ".join(sorted(parameters_of(self)))
            }
            raise ValidationError({name: [message] for name in unknown})
        raw = request.query_params.get("q", "")
        if "\x00" in raw:
            raise ValidationError({"q": [_("Null characters are not allowed.")]})
        query = Query.parse(raw)
        if not query:
            raise ValidationError({"q": [_("Give one or more words to search for.")]})
        if len(query.text.split()) > MAX_TERMS:
            raise ValidationError({"q": [_("Give at most %(max)s words.") % {"max": MAX_TERMS}]})
        limit, models = _limit(request), _models(request)

        def produce():
            results = []
            for hit in search_everything(query, limit, models):
                model = type(hit.record)
                names = {name: getattr(hit.record, name) for name in ("name_ar", "name_en") if hasattr(model, name)}
                results.append(
                    {
                        "type": hit.kind,
                        "slug": hit.slug,
                        "label": hit.label,
                        **names,
                        "rank": hit.rank,
                        "url": detail_url(request, model, hit.slug),
                    }
                )
            return Response({"q": raw, "results": results})

        return cached(request, produce)
