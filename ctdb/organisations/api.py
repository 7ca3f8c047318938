"""The API of the organisations and the relationships between them."""

from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ctdb.api.filters import CitedInFilter, CountryFilter, HavingFilter, date_range
from ctdb.api.filtersets import RecordFilterSet, one_of, slug_of
from ctdb.api.serializers import (
    CITATION_COLUMNS,
    RECORD_FIELDS,
    AliasSerializer,
    Brief,
    CitedSerializer,
    RecordSerializer,
    related,
)
from ctdb.api.views import RECORD_ORDERING, RecordViewSet, joined
from ctdb.core.choices import OrganisationKind, OrganisationRelationshipKind
from ctdb.core.models import (
    Affiliation,
    AgreementParty,
    Attribution,
    Organisation,
    OrganisationAlias,
    OrganisationRelationship,
)
from ctdb.core.queries import count_of
from ctdb.sources.api import cited


class OrganisationAliasSerializer(AliasSerializer):
    class Meta(AliasSerializer.Meta):
        model = OrganisationAlias


class RelationshipSerializer(RecordSerializer, CitedSerializer):
    """`subject` is `kind` `object` (e.g. ISKP is a branch of the Islamic State)."""

    subject = Brief()
    object = Brief()

    class Meta:
        model = OrganisationRelationship
        brief_fields = ("slug", "subject", "kind", "object", "start", "end", "note", "citations")
        fields = (*brief_fields, *RECORD_FIELDS)
        csv_columns = {"subject_slug": "subject.slug", "object_slug": "object.slug", **CITATION_COLUMNS}


class OrganisationSerializer(RecordSerializer, CitedSerializer):
    aliases = OrganisationAliasSerializer(many=True, read_only=True)
    relationships = serializers.SerializerMethodField(
        help_text="Relationships in which this organisation is the subject or the object."
    )
    attributions_count = serializers.IntegerField(read_only=True, help_text="Attacks attributed to it, in any way.")
    affiliations_count = serializers.IntegerField(read_only=True, help_text="People affiliated with it.")
    agreements_count = serializers.IntegerField(read_only=True, help_text="Agreements it is a party to.")

    class Meta:
        model = Organisation
        fields = (
            "slug",
            "name_ar",
            "name_en",
            "kind",
            "country",
            "founded",
            "ended",
            "description_en",
            "description_ar",
            "aliases",
            "relationships",
            "attributions_count",
            "affiliations_count",
            "agreements_count",
            "citations",
            *RECORD_FIELDS,
        )
        brief_fields = ("slug", "name_ar", "name_en", "kind", "country")
        csv_columns = {
            "alias_names": "aliases.name",
            "alias_provenances": "aliases.provenance",  # `article` or `editorial`, in the order of the names
            "relationship_slugs": "relationships.slug",
            **CITATION_COLUMNS,
        }

    @extend_schema_field(RelationshipSerializer(many=True, brief=True))
    def get_relationships(self, organisation):
        relationships = sorted(
            [*related(organisation, "relationships_as_subject"), *related(organisation, "relationships_as_object")],
            key=lambda relationship: relationship.slug,
        )
        return self.nested(RelationshipSerializer).to_representation(relationships)


class OrganisationFilterSet(RecordFilterSet):
    country = CountryFilter(help_text="ISO 3166-1 alpha-2 country code.")
    kind = one_of(OrganisationKind.choices, "Kind of organisation")
    date_from, date_to, date_match = date_range("founded", "founding date")
    organisation = HavingFilter(
        "relationships_as_subject__object__slug",
        "relationships_as_object__subject__slug",
        help_text="Slug of an organisation: those in a relationship with it, either way.",
    )
    actor = HavingFilter(
        "affiliations__actor__slug", help_text="Slug of an actor: organisations they are affiliated with."
    )
    article = CitedInFilter()

    class Meta:
        model = Organisation
        fields = ()


class RelationshipFilterSet(RecordFilterSet):
    subject = slug_of("subject", "subject organisation")
    object = slug_of("object", "object organisation")
    organisation = HavingFilter("subject__slug", "object__slug", help_text="Slug of an organisation on either side.")
    kind = one_of(OrganisationRelationshipKind.choices, "Kind of relationship")
    date_from, date_to, date_match = date_range("start", "start date")
    article = CitedInFilter()

    class Meta:
        model = OrganisationRelationship
        fields = ()


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
        Prefetch("relationships_as_subject", joined(RelationshipSerializer, brief=True)),
        cited("relationships_as_subject__"),
        Prefetch("relationships_as_object", joined(RelationshipSerializer, brief=True)),
        cited("relationships_as_object__"),
        cited(),
    )
    serializer_class = OrganisationSerializer
    page_queries = 8
    filterset_class = OrganisationFilterSet
    ordering_fields = ("name_en", "name_ar", "kind", "country", "founded", "attributions_count", *RECORD_ORDERING)
    ordering = ("name_en", "slug")
    search_fields = ("search_text",)


class RelationshipViewSet(RecordViewSet):
    """Typed, dated links between organisations: `subject` is `kind`
    `object` (a branch of, an ally of, a splinter of ...)."""

    queryset = joined(RelationshipSerializer).prefetch_related(cited())
    serializer_class = RelationshipSerializer
    page_queries = 3
    filterset_class = RelationshipFilterSet
    ordering_fields = ("kind", "start", *RECORD_ORDERING)
    search_fields = ("subject__search_text", "object__search_text")


# (URL prefix, viewset, basename) of each route (ctdb/api/urls.py).
ROUTES = (
    ("organisations", OrganisationViewSet, "organisation"),
    ("relationships", RelationshipViewSet, "relationship"),
)
