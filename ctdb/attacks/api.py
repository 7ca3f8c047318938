"""The API of the attacks (and campaigns of attacks), their attributions
to organisations and the links between attacks."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ctdb.api.filters import CitedInFilter, CountryFilter, HavingChoiceFilter, HavingFilter, date_range
from ctdb.api.filtersets import RecordFilterSet, one_of, slug_of
from ctdb.api.serializers import CITATION_COLUMNS, RECORD_FIELDS, Brief, CitedSerializer, RecordSerializer, related
from ctdb.api.views import RECORD_ORDERING, RecordViewSet, joined, listed, shown_columns
from ctdb.core.choices import AttackKind, AttackType, AttributionKind, TargetType, WeaponType
from ctdb.core.models import Attack, AttackLink, Attribution
from ctdb.sources.api import cited, listed_citations


class AttackLinkSerializer(CitedSerializer):
    """`from_attack` is `kind` `to_attack` (e.g. carried out in retaliation for)."""

    from_attack = Brief()
    to_attack = Brief()

    class Meta:
        model = AttackLink
        fields = ("slug", "from_attack", "kind", "to_attack", "citations")


class AttributionSerializer(RecordSerializer, CitedSerializer):
    attack = Brief()
    organisation = Brief()
    accused_by = Brief(allow_null=True)

    class Meta:
        model = Attribution
        fields = ("slug", "attack", "organisation", "kind", "accused_by", "note", "citations", *RECORD_FIELDS)
        brief_fields = ("slug", "organisation", "kind", "accused_by", "note", "citations")
        csv_columns = {
            "attack_slug": "attack.slug",
            "organisation_slug": "organisation.slug",
            "accused_by_slug": "accused_by.slug",
            **CITATION_COLUMNS,
        }


class AttackSerializer(RecordSerializer, CitedSerializer):
    campaign = Brief(allow_null=True)
    attributions = Brief(many=True)
    attack_links = serializers.SerializerMethodField(help_text="Links to other attacks, in either direction.")
    campaign_attacks = Brief(many=True, help_text="For a campaign: the attacks that belong to it.")

    class Meta:
        model = Attack
        fields = (
            "slug",
            "name_ar",
            "name_en",
            "kind",
            "campaign",
            "start",
            "end",
            "country",
            "place_ar",
            "place_en",
            "latitude",
            "longitude",
            "geo_precision",
            "attack_type",
            "target_type",
            "weapon_type",
            "killed_low",
            "killed_high",
            "wounded_low",
            "wounded_high",
            "description_en",
            "attributions",
            "attack_links",
            "campaign_attacks",
            "citations",
            *RECORD_FIELDS,
        )
        brief_fields = ("slug", "name_ar", "name_en", "kind", "start", "country")
        extra_kwargs = {"latitude": {"coerce_to_string": False}, "longitude": {"coerce_to_string": False}}
        csv_columns = {
            "campaign_slug": "campaign.slug",
            "attribution_organisations": "attributions.organisation.slug",
            "attribution_kinds": "attributions.kind",
            "attribution_accused_by": "attributions.accused_by.slug",
            "attack_link_slugs": "attack_links.slug",
            "campaign_attack_slugs": "campaign_attacks.slug",
            **CITATION_COLUMNS,
        }

    @extend_schema_field(AttackLinkSerializer(many=True, brief=True))
    def get_attack_links(self, attack):
        links = sorted([*related(attack, "links_from"), *related(attack, "links_to")], key=lambda link: link.slug)
        return self.nested(AttackLinkSerializer).to_representation(links)


class AttackFilterSet(RecordFilterSet):
    country = CountryFilter(help_text="ISO 3166-1 alpha-2 country code of the place of the attack.")
    date_from, date_to, date_match = date_range("start", "start date")
    kind = one_of(AttackKind.choices, "Single attack or campaign")
    attack_type = one_of(AttackType.choices, "GTD attack type")
    target_type = one_of(TargetType.choices, "GTD target type")
    weapon_type = one_of(WeaponType.choices, "GTD weapon type")
    organisation = HavingFilter(
        "attributions__organisation__slug",
        help_text="Slug of an organisation the attack is attributed to (claimed, suspected, accused or denied).",
    )
    attribution_kind = HavingChoiceFilter(
        "attributions__kind",
        choices=AttributionKind.choices,
        help_text="Attacks with an attribution of this kind; repeat for any of several.",
    )
    accused_by = HavingFilter(
        "attributions__accused_by__slug",
        help_text="Slug of an organisation that accused someone of the attack.",
    )
    campaign = slug_of("campaign", "campaign the attack belongs to")
    article = CitedInFilter()

    class Meta:
        model = Attack
        fields = ()


class AttributionFilterSet(RecordFilterSet):
    attack = slug_of("attack", "attack")
    organisation = slug_of("organisation", "organisation the attack is attributed to")
    accused_by = slug_of("accused_by", "organisation that made the accusation")
    kind = one_of(AttributionKind.choices, "Kind of attribution")
    country = CountryFilter("attack__country", help_text="ISO 3166-1 alpha-2 code of the attack's place.")
    date_from, date_to, date_match = date_range("attack__start", "attack start date")
    article = CitedInFilter()

    class Meta:
        model = Attribution
        fields = ()


# An attack's attributions and links in the columns their brief forms show,
# and the attack's own key, for the prefetch to match them (a link's is one
# of the attacks it shows).
ATTRIBUTIONS = joined(AttributionSerializer, brief=True).only(*shown_columns(AttributionSerializer), "attack")
ATTACK_LINKS = joined(AttackLinkSerializer, brief=True).only(*shown_columns(AttackLinkSerializer))


class AttackViewSet(RecordViewSet):
    """Attacks and campaigns of attacks: when, where, casualties as low/high
    figures, who is said to be behind them and how, and linked attacks."""

    # Every relation into plain lists (`listed`): a page of 500 attacks holds some 3,000 of them.
    queryset = joined(AttackSerializer).prefetch_related(
        listed("attributions", ATTRIBUTIONS.order_by("kind", "organisation__slug")),
        listed_citations("attributions__"),
        listed("links_from", ATTACK_LINKS),
        listed_citations("links_from__"),
        listed("links_to", ATTACK_LINKS),
        listed_citations("links_to__"),
        # A campaign lists its attacks in summary: only the columns shown.
        listed(
            "campaign_attacks",
            Attack.objects.only(*shown_columns(AttackSerializer), "campaign_id").order_by("start", "slug"),
        ),
        listed_citations(),
    )
    serializer_class = AttackSerializer
    page_queries = 10
    filterset_class = AttackFilterSet
    ordering_fields = ("start", "name_en", "name_ar", "country", "killed_low", "killed_high", *RECORD_ORDERING)
    ordering = ("-start", "slug")
    search_fields = ("search_text",)


class AttributionViewSet(RecordViewSet):
    """Who is said to be behind an attack, and how: claimed, suspected,
    accused by another party, or denied. One row per claim or accusation."""

    queryset = joined(AttributionSerializer).prefetch_related(cited())
    serializer_class = AttributionSerializer
    page_queries = 3
    filterset_class = AttributionFilterSet
    ordering_fields = ("kind", *RECORD_ORDERING)
    search_fields = ("attack__search_text", "organisation__search_text")


# (URL prefix, viewset, basename) of each route (ctdb/api/urls.py).
ROUTES = (
    ("attacks", AttackViewSet, "attack"),
    ("attributions", AttributionViewSet, "attribution"),
)
