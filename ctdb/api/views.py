"""The read-only resources of API v1.

Each viewset states its queryset (with everything its representation needs
fetched in a fixed number of queries, whatever the page size), its
serializer, its filters and its orderings; `RecordViewSet` does the rest.
"""

from django.db.models import Prefetch
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import MethodNotAllowed, NotFound, ValidationError
from rest_framework.filters import OrderingFilter
from rest_framework.renderers import JSONRenderer
from rest_framework.settings import api_settings

from ctdb.core.deletions import deleted_records
from ctdb.core.models import (
    Actor,
    ActorAlias,
    Affiliation,
    Agreement,
    AgreementParty,
    AgreementTarget,
    Article,
    Attack,
    AttackLink,
    Attribution,
    Citation,
    Organisation,
    OrganisationAlias,
    OrganisationRelationship,
)
from ctdb.core.models.articles import CITATION_TARGETS
from ctdb.core.queries import count_of

from . import deletions, filtersets, schema, serializers
from .cache import cached
from .filters import refuse_unknown_parameters
from .pagination import DeletionPagination, PagePagination, SyncPagination
from .renderers import CSVRenderer, FormatNegotiation

RECORD_ORDERING = ("slug", "created_at", "updated_at")
SYNC_FILTER_BACKENDS = [b for b in api_settings.DEFAULT_FILTER_BACKENDS if not issubclass(b, OrderingFilter)]


# What a cited record shows of each citation and its article (serializers.CitationSummarySerializer),
# and the column of every kind of record it may cite, for the prefetch to match it to its record: not the
# article's full text (a kilobyte or more, for each of the 3,000 citations of a page of 500 attacks).
CITED_COLUMNS = (
    *(name for name in serializers.CitationSummarySerializer.Meta.fields if name != "article"),
    *(f"article__{name}" for name in serializers.ArticleSummarySerializer.Meta.fields),
    *CITATION_TARGETS,
)


def summary_columns(relation, serializer_class):
    """The columns a summary serializer shows of the record at `relation`, for `only()`."""
    return tuple(f"{relation}__{name}" for name in serializer_class.Meta.fields)


def cited(relation=""):
    """Prefetch the citations of the records at `relation`, with their articles, in the columns shown."""
    queryset = Citation.objects.select_related("article").only(*CITED_COLUMNS).order_by("article__slug", "start", "pk")
    return Prefetch(f"{relation}citations", queryset=queryset)


def listed(lookup, queryset):
    """Prefetch `lookup` (`a__b`: each step itself listed before) into plain
    lists, `prefetched_<name>` on each record, which the serializers read
    (`serializers.related`): the same query as a plain Prefetch, without
    the filtered queryset Django builds per record to hold each one's rows."""
    *through, name = lookup.split("__")
    path = "__".join([*(serializers.PREFETCHED + step for step in through), name])
    return Prefetch(path, queryset=queryset, to_attr=serializers.PREFETCHED + name)


def listed_citations(relation=""):
    """`cited`, into plain lists."""
    return listed(f"{relation}citations", cited().queryset)


class RecordViewSet(viewsets.ReadOnlyModelViewSet):
    """Base of every resource: lookup by slug, JSON and CSV, pages, a sync mode."""

    lookup_field = "slug"
    # No format suffixes, so a dot in a slug is just a slug that matches nothing (a JSON 404).
    lookup_value_regex = "[^/]+"
    renderer_classes = (JSONRenderer, CSVRenderer)
    content_negotiation_class = FormatNegotiation
    pagination_class = PagePagination
    ordering_fields = RECORD_ORDERING
    ordering = ("slug",)
    search_fields = ()

    @action(detail=False, pagination_class=SyncPagination, filter_backends=SYNC_FILTER_BACKENDS)
    def sync(self, request, *args, **kwargs):
        return self.list(request, *args, **kwargs)

    @extend_schema(
        description=deletions.DESCRIPTION,
        responses={
            200: deletions.DeletedRecordSerializer(many=True),
            400: schema.INVALID_QUERY,
            429: schema.THROTTLED,
        },
    )
    @action(
        detail=False,
        url_path="sync/deleted",
        url_name="sync-deleted",
        pagination_class=DeletionPagination,
        filter_backends=[DjangoFilterBackend],
        filterset_class=deletions.DeletionFilterSet,
        serializer_class=deletions.DeletedRecordSerializer,
        renderer_classes=(JSONRenderer,),
    )
    def deleted(self, request, *args, **kwargs):
        return self.list(request, *args, **kwargs)

    def get_queryset(self):
        if self.action == "deleted":
            return deleted_records(self.queryset.model)
        return super().get_queryset()

    def list(self, request, *args, **kwargs):
        return cached(request, lambda: super(RecordViewSet, self).list(request, *args, **kwargs))

    def retrieve(self, request, *args, **kwargs):
        return cached(request, lambda: super(RecordViewSet, self).retrieve(request, *args, **kwargs))

    def initial(self, request, *args, **kwargs):
        # The method first: a write is a 405 whatever its query says.
        method = request.method.lower()
        if method not in self.http_method_names or not hasattr(self, method):
            raise MethodNotAllowed(request.method)
        # No column holds a NUL character, and PostgreSQL refuses one in a query.
        if "\x00" in kwargs.get(self.lookup_url_kwarg or self.lookup_field, ""):
            raise NotFound()
        with_nul = sorted({name for name, values in request.query_params.lists() if any("\x00" in v for v in values)})
        if with_nul:
            raise ValidationError({name: ["Null characters are not allowed."] for name in with_nul})
        super().initial(request, *args, **kwargs)
        refuse_unknown_parameters(self, request)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        # An error has no CSV form; a CSV client still gets a readable reason.
        if response.status_code >= 400 and isinstance(getattr(response, "accepted_renderer", None), CSVRenderer):
            response.accepted_renderer = JSONRenderer()
            response.accepted_media_type = JSONRenderer.media_type
        return response


include_text = OpenApiParameter(
    "include_text", bool, description="`1` to include each article's full text (always included in detail)."
)


@extend_schema_view(list=extend_schema(parameters=[include_text]), sync=extend_schema(parameters=[include_text]))
class ArticleViewSet(RecordViewSet):
    """Source articles: metadata, the SHA-256 of the text and, in detail or
    with `include_text=1`, the full original text that citations quote."""

    queryset = Article.objects.select_related("outlet").annotate(citations_count=count_of(Citation, "article"))
    serializer_class = serializers.ArticleSerializer
    filterset_class = filtersets.ArticleFilterSet
    ordering_fields = ("published", "title", *RECORD_ORDERING)
    ordering = ("-published", "slug")
    search_fields = ("search_text",)

    def get_queryset(self):
        queryset = super().get_queryset()
        if self.action == "deleted":
            return queryset
        return queryset if self.get_serializer().includes_text() else queryset.defer("text")


class OrganisationViewSet(RecordViewSet):
    """Organisations: militant groups, states, agencies, international bodies,
    coalitions, think tanks and media outlets, with their aliases, their
    relationships to each other and how often they appear."""

    queryset = Organisation.objects.annotate(
        attributions_count=count_of(Attribution, "organisation"),
        affiliations_count=count_of(Affiliation, "organisation"),
        agreements_count=count_of(AgreementParty, "organisation"),
    ).prefetch_related(
        Prefetch("aliases", OrganisationAlias.objects.order_by("name")),
        Prefetch("relationships_as_subject", OrganisationRelationship.objects.select_related("subject", "object")),
        cited("relationships_as_subject__"),
        Prefetch("relationships_as_object", OrganisationRelationship.objects.select_related("subject", "object")),
        cited("relationships_as_object__"),
        cited(),
    )
    serializer_class = serializers.OrganisationSerializer
    filterset_class = filtersets.OrganisationFilterSet
    ordering_fields = ("name_en", "name_ar", "kind", "country", "founded", "attributions_count", *RECORD_ORDERING)
    ordering = ("name_en", "slug")
    search_fields = ("search_text",)


class ActorViewSet(RecordViewSet):
    """People: leaders, officials, analysts and authors, with their aliases
    and their affiliations to organisations."""

    queryset = Actor.objects.prefetch_related(
        Prefetch("aliases", ActorAlias.objects.order_by("name")),
        Prefetch("affiliations", Affiliation.objects.select_related("organisation").order_by("slug")),
        cited("affiliations__"),
        cited(),
    )
    serializer_class = serializers.ActorSerializer
    filterset_class = filtersets.ActorFilterSet
    ordering_fields = ("name_en", "name_ar", *RECORD_ORDERING)
    ordering = ("name_en", "slug")
    search_fields = ("search_text",)


# An attack's attributions and links, in the columns their summaries show
# (serializers.AttributionSummarySerializer, AttackLinkSummarySerializer) and
# the attack's own, for the prefetch to match them.
ATTRIBUTIONS = Attribution.objects.select_related("organisation", "accused_by").only(
    "slug",
    "kind",
    "note",
    "attack",
    *summary_columns("organisation", serializers.OrganisationSummarySerializer),
    *summary_columns("accused_by", serializers.OrganisationSummarySerializer),
)
ATTACK_LINKS = AttackLink.objects.select_related("from_attack", "to_attack").only(
    "slug",
    "kind",
    *summary_columns("from_attack", serializers.AttackSummarySerializer),
    *summary_columns("to_attack", serializers.AttackSummarySerializer),
)


class AttackViewSet(RecordViewSet):
    """Attacks and campaigns of attacks: when, where, casualties as low/high
    figures, who is said to be behind them and how, and linked attacks."""

    # Every relation into plain lists (`listed`): a page of 500 attacks holds some 3,000 of them.
    queryset = Attack.objects.select_related("campaign").prefetch_related(
        listed("attributions", ATTRIBUTIONS.order_by("kind", "organisation__slug")),
        listed_citations("attributions__"),
        listed("links_from", ATTACK_LINKS),
        listed_citations("links_from__"),
        listed("links_to", ATTACK_LINKS),
        listed_citations("links_to__"),
        # A campaign lists its attacks in summary: only the columns shown.
        listed(
            "campaign_attacks",
            Attack.objects.only(*serializers.AttackSummarySerializer.Meta.fields, "campaign_id").order_by(
                "start", "slug"
            ),
        ),
        listed_citations(),
    )
    serializer_class = serializers.AttackSerializer
    filterset_class = filtersets.AttackFilterSet
    ordering_fields = ("start", "name_en", "name_ar", "country", "killed_low", "killed_high", *RECORD_ORDERING)
    ordering = ("-start", "slug")
    search_fields = ("search_text",)


class AgreementViewSet(RecordViewSet):
    """Cooperation against terrorism: treaties, intelligence sharing, joint
    commands, coalitions, pledges, warnings passed between states, proposals;
    with their parties (and roles) and the organisations they target."""

    queryset = Agreement.objects.prefetch_related(
        Prefetch("parties", AgreementParty.objects.select_related("organisation").order_by("role", "slug")),
        cited("parties__"),
        Prefetch("targets", AgreementTarget.objects.select_related("organisation").order_by("slug")),
        cited("targets__"),
        cited(),
    )
    serializer_class = serializers.AgreementSerializer
    filterset_class = filtersets.AgreementFilterSet
    ordering_fields = ("start", "name_en", "name_ar", "kind", "status", *RECORD_ORDERING)
    ordering = ("-start", "slug")
    search_fields = ("search_text",)


class AttributionViewSet(RecordViewSet):
    """Who is said to be behind an attack, and how: claimed, suspected,
    accused by another party, or denied. One row per claim or accusation."""

    queryset = Attribution.objects.select_related("attack", "organisation", "accused_by").prefetch_related(cited())
    serializer_class = serializers.AttributionSerializer
    filterset_class = filtersets.AttributionFilterSet
    ordering_fields = ("kind", *RECORD_ORDERING)
    search_fields = ("attack__search_text", "organisation__search_text")


class RelationshipViewSet(RecordViewSet):
    """Typed, dated links between organisations: `subject` is `kind`
    `object` (a branch of, an ally of, a splinter of ...)."""

    queryset = OrganisationRelationship.objects.select_related("subject", "object").prefetch_related(cited())
    serializer_class = serializers.RelationshipSerializer
    filterset_class = filtersets.RelationshipFilterSet
    ordering_fields = ("kind", "start", *RECORD_ORDERING)
    search_fields = ("subject__search_text", "object__search_text")


class AgreementPartyViewSet(RecordViewSet):
    """Organisations taking part in agreements, each in a role (party,
    sender, recipient, funder ...) and with the dates they joined and left."""

    queryset = AgreementParty.objects.select_related("agreement", "organisation").prefetch_related(cited())
    serializer_class = serializers.AgreementPartySerializer
    filterset_class = filtersets.AgreementPartyFilterSet
    ordering_fields = ("role", "start", *RECORD_ORDERING)
    search_fields = ("agreement__search_text", "organisation__search_text")


class AffiliationViewSet(RecordViewSet):
    """People's memberships of and roles in organisations, with dates."""

    queryset = Affiliation.objects.select_related("actor", "organisation").prefetch_related(cited())
    serializer_class = serializers.AffiliationSerializer
    filterset_class = filtersets.AffiliationFilterSet
    ordering_fields = ("role", "start", *RECORD_ORDERING)
    search_fields = ("actor__search_text", "organisation__search_text")


class CitationViewSet(RecordViewSet):
    """The evidence: each citation is a verbatim sentence of an article
    (`quote` at character offsets [start, end) of its text) supporting
    exactly one record or link, named by `target_type` and `target_slug`."""

    queryset = Citation.objects.select_related("article", *CITATION_TARGETS)
    serializer_class = serializers.CitationSerializer
    filterset_class = filtersets.CitationFilterSet
    ordering_fields = ("article__slug", "start", *RECORD_ORDERING)
    ordering = ("article__slug", "start", "slug")
