"""The API of the actors (people) and their affiliations to organisations."""

from django.db.models import Prefetch

from ctdb.api.fields import CountryCodeField
from ctdb.api.filters import CitedInFilter, CountryFilter, HavingFilter, date_range
from ctdb.api.filtersets import RecordFilterSet, slug_of
from ctdb.api.serializers import (
    CITATION_COLUMNS,
    RECORD_FIELDS,
    AliasSerializer,
    Brief,
    CitedSerializer,
    RecordSerializer,
)
from ctdb.api.views import RECORD_ORDERING, RecordViewSet, joined
from ctdb.core.models import Actor, ActorAlias, Affiliation
from ctdb.sources.api import cited


class ActorAliasSerializer(AliasSerializer):
    class Meta(AliasSerializer.Meta):
        model = ActorAlias


class ActorSerializer(RecordSerializer, CitedSerializer):
    nationality = CountryCodeField(read_only=True, allow_null=True)
    aliases = ActorAliasSerializer(many=True, read_only=True)
    affiliations = Brief(many=True)

    class Meta:
        model = Actor
        fields = (
            "slug",
            "name_ar",
            "name_en",
            "title_ar",
            "title_en",
            "nationality",
            "description_en",
            "aliases",
            "affiliations",
            "citations",
            *RECORD_FIELDS,
        )
        brief_fields = ("slug", "name_ar", "name_en")
        csv_columns = {
            "alias_names": "aliases.name",
            "alias_provenances": "aliases.provenance",  # `article` or `editorial`, in the order of the names
            "affiliation_organisations": "affiliations.organisation.slug",
            "affiliation_roles": "affiliations.role",
            **CITATION_COLUMNS,
        }


class AffiliationSerializer(RecordSerializer, CitedSerializer):
    actor = Brief()
    organisation = Brief()

    class Meta:
        model = Affiliation
        fields = ("slug", "actor", "organisation", "role", "start", "end", "citations", *RECORD_FIELDS)
        brief_fields = ("slug", "organisation", "role", "start", "end", "citations")
        csv_columns = {"actor_slug": "actor.slug", "organisation_slug": "organisation.slug", **CITATION_COLUMNS}


class ActorFilterSet(RecordFilterSet):
    country = CountryFilter("nationality", help_text="Nationality, an ISO 3166-1 alpha-2 country code.")
    organisation = HavingFilter(
        "affiliations__organisation__slug", help_text="Slug of an organisation the actor is affiliated with."
    )
    article = CitedInFilter()

    class Meta:
        model = Actor
        fields = ()


class AffiliationFilterSet(RecordFilterSet):
    actor = slug_of("actor", "actor")
    organisation = slug_of("organisation", "organisation")
    date_from, date_to, date_match = date_range("start", "start date")
    article = CitedInFilter()

    class Meta:
        model = Affiliation
        fields = ()


class ActorViewSet(RecordViewSet):
    """People: leaders, officials, analysts and authors, with their aliases
    and their affiliations to organisations."""

    queryset = Actor.objects.prefetch_related(
        Prefetch("aliases", ActorAlias.objects.order_by("name")),
        Prefetch("affiliations", joined(AffiliationSerializer, brief=True).order_by("slug")),
        cited("affiliations__"),
        cited(),
    )
    serializer_class = ActorSerializer
    page_queries = 6
    filterset_class = ActorFilterSet
    ordering_fields = ("name_en", "name_ar", *RECORD_ORDERING)
    ordering = ("name_en", "slug")
    search_fields = ("search_text",)


class AffiliationViewSet(RecordViewSet):
    """People's memberships of and roles in organisations, with dates."""

    queryset = joined(AffiliationSerializer).prefetch_related(cited())
    serializer_class = AffiliationSerializer
    page_queries = 3
    filterset_class = AffiliationFilterSet
    ordering_fields = ("role", "start", *RECORD_ORDERING)
    search_fields = ("actor__search_text", "organisation__search_text")


# (URL prefix, viewset, basename) of each route (ctdb/api/urls.py).
ROUTES = (
    ("actors", ActorViewSet, "actor"),
    ("affiliations", AffiliationViewSet, "affiliation"),
)
