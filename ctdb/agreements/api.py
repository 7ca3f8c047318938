"""The API of the agreements (cooperation against terrorism), their
parties and the organisations they target."""

from django.db.models import Prefetch

from ctdb.api.filters import CitedInFilter, CountryFilter, HavingChoiceFilter, HavingFilter, date_range
from ctdb.api.filtersets import RecordFilterSet, one_of, slug_of
from ctdb.api.serializers import CITATION_COLUMNS, RECORD_FIELDS, Brief, CitedSerializer, RecordSerializer
from ctdb.api.views import RECORD_ORDERING, RecordViewSet, joined
from ctdb.core.choices import AgreementKind, AgreementStatus, PartyRole
from ctdb.core.models import Agreement, AgreementParty, AgreementTarget
from ctdb.sources.api import cited


class AgreementTargetSerializer(CitedSerializer):
    organisation = Brief()

    class Meta:
        model = AgreementTarget
        fields = ("slug", "organisation", "citations")


class AgreementPartySerializer(RecordSerializer, CitedSerializer):
    agreement = Brief()
    organisation = Brief()

    class Meta:
        model = AgreementParty
        fields = ("slug", "agreement", "organisation", "role", "start", "end", "note", "citations", *RECORD_FIELDS)
        brief_fields = ("slug", "organisation", "role", "start", "end", "note", "citations")
        csv_columns = {
            "agreement_slug": "agreement.slug",
            "organisation_slug": "organisation.slug",
            **CITATION_COLUMNS,
        }


class AgreementSerializer(RecordSerializer, CitedSerializer):
    parties = Brief(many=True)
    targets = AgreementTargetSerializer(
        many=True, read_only=True, brief=True, help_text="Organisations the agreement is aimed against."
    )

    class Meta:
        model = Agreement
        fields = (
            "slug",
            "name_ar",
            "name_en",
            "kind",
            "status",
            "start",
            "end",
            "amount",
            "currency",
            "description_en",
            "parties",
            "targets",
            "citations",
            *RECORD_FIELDS,
        )
        brief_fields = ("slug", "name_ar", "name_en", "kind", "status", "start")
        csv_columns = {
            "party_organisations": "parties.organisation.slug",
            "party_roles": "parties.role",
            "target_organisations": "targets.organisation.slug",
            **CITATION_COLUMNS,
        }


class AgreementFilterSet(RecordFilterSet):
    country = CountryFilter(
        "parties__organisation__country",
        help_text="ISO 3166-1 alpha-2 code: agreements with a party of that country.",
    )
    date_from, date_to, date_match = date_range("start", "start date")
    kind = one_of(AgreementKind.choices, "Kind of cooperation")
    status = one_of(AgreementStatus.choices, "Status")
    organisation = HavingFilter(
        "parties__organisation__slug",
        "targets__organisation__slug",
        help_text=(
            "Slug of an organisation taking part in the agreement or targeted by it. It matches on its own: "
            "given with `party`, `role` or `country`, those are of any party (use `party` for the same one)."
        ),
    )
    party = HavingFilter("parties__organisation__slug", help_text="Slug of an organisation taking part.")
    role = HavingChoiceFilter(
        "parties__role",
        choices=PartyRole.choices,
        help_text="Agreements with a party in this role; repeat for any of several.",
    )
    target = HavingFilter("targets__organisation__slug", help_text="Slug of an organisation the agreement targets.")
    article = CitedInFilter()

    class Meta:
        model = Agreement
        fields = ()


class AgreementPartyFilterSet(RecordFilterSet):
    agreement = slug_of("agreement", "agreement")
    organisation = slug_of("organisation", "organisation taking part")
    role = one_of(PartyRole.choices, "Role in the agreement")
    country = CountryFilter("organisation__country", help_text="ISO 3166-1 alpha-2 code of the party.")
    date_from, date_to, date_match = date_range("start", "date of joining")
    article = CitedInFilter()

    class Meta:
        model = AgreementParty
        fields = ()


class AgreementViewSet(RecordViewSet):
    """Cooperation against terrorism: treaties, intelligence sharing, joint
    commands, coalitions, pledges, warnings passed between states, proposals;
    with their parties (and roles) and the organisations they target."""

    queryset = Agreement.objects.prefetch_related(
        Prefetch("parties", joined(AgreementPartySerializer, brief=True).order_by("role", "slug")),
        cited("parties__"),
        Prefetch("targets", joined(AgreementTargetSerializer, brief=True).order_by("slug")),
        cited("targets__"),
        cited(),
    )
    serializer_class = AgreementSerializer
    page_queries = 7
    filterset_class = AgreementFilterSet
    ordering_fields = ("start", "name_en", "name_ar", "kind", "status", *RECORD_ORDERING)
    ordering = ("-start", "slug")
    search_fields = ("search_text",)


class AgreementPartyViewSet(RecordViewSet):
    """Organisations taking part in agreements, each in a role (party,
    sender, recipient, funder ...) and with the dates they joined and left."""

    queryset = joined(AgreementPartySerializer).prefetch_related(cited())
    serializer_class = AgreementPartySerializer
    page_queries = 3
    filterset_class = AgreementPartyFilterSet
    ordering_fields = ("role", "start", *RECORD_ORDERING)
    search_fields = ("agreement__search_text", "organisation__search_text")


# (URL prefix, viewset, basename) of each route (ctdb/api/urls.py).
ROUTES = (
    ("agreements", AgreementViewSet, "agreement"),
    ("agreement-parties", AgreementPartyViewSet, "agreement-party"),
)
