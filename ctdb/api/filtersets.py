"""The query filters of each resource.

Slugs identify related records (`?organisation=islamic-state`); a slug that
names no record is a 400, as is a country code ISO 3166-1 does not assign.
Choice filters take several values (`?kind=claimed&kind=suspected`). Date
ranges respect partial dates (see `filters.DateFromFilter`, and
`date_match` for a date that may or surely falls in the range); records with
no date are left out of a date range.

Filters on one multi-valued relation match one related row together
(`filters.RowFilter`): `/attacks/?organisation=ukraine&attribution_kind=claimed`
is the attacks Ukraine claimed, not those attributed to Ukraine somehow and
claimed by someone. `filters.rows_of` lists them; the schema says so in each
filter's description.
"""

import django_filters
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from django_filters.constants import EMPTY_VALUES

from ctdb.core.choices import (
    AgreementKind,
    AgreementStatus,
    AttackKind,
    AttackType,
    AttributionKind,
    Language,
    OrganisationKind,
    OrganisationRelationshipKind,
    PartyRole,
    TargetType,
    WeaponType,
)
from ctdb.core.models import (
    Actor,
    Affiliation,
    Agreement,
    AgreementParty,
    Article,
    Attack,
    Attribution,
    Citation,
    Organisation,
    OrganisationRelationship,
)
from ctdb.core.models.articles import CITATION_TARGETS

from .filters import (
    ChoicesFilter,
    CitedInFilter,
    CountryFilter,
    HavingChoiceFilter,
    HavingFilter,
    RowFilter,
    UpdatedSinceFilter,
    date_range,
    having,
    slug_models,
    unknown_slug,
)


def slug_of(field_name, what):
    return django_filters.CharFilter(field_name=f"{field_name}__slug", help_text=f"Slug of the {what}.")


def one_of(choices, what):
    return ChoicesFilter(choices=choices, help_text=f"{what}; repeat for any of several.")


class RecordFilterSet(filters.FilterSet):
    updated_since = UpdatedSinceFilter(
        field_name="updated_at",
        lookup_expr="gte",
        help_text="ISO 8601 date-time: records created or changed at or after it (incremental sync).",
    )

    def is_valid(self):
        """Valid values, and slugs that name records: an unknown one is a
        400 naming the parameter and the slug, not an empty list."""
        valid = super().is_valid()
        if not self.is_bound:
            return valid
        model = self.queryset.model
        for name, value in list(self.form.cleaned_data.items()):
            if value not in EMPTY_VALUES and unknown_slug(model, self.filters[name], value):
                what = " / ".join(str(target._meta.verbose_name) for target in slug_models(model, self.filters[name]))
                message = _("No %(what)s has the slug %(slug)s.")
                self.form.add_error(
                    name, ValidationError(message, code="unknown_slug", params={"what": what, "slug": value})
                )
        return valid and not self.form.errors

    def filter_queryset(self, queryset):
        """Each filter in turn, except that the filters on one multi-valued
        relation (`filters.RowFilter.relation`) are one condition on one row,
        whatever order they come in."""
        rows = {}
        for name, value in self.form.cleaned_data.items():
            filter_ = self.filters[name]
            relation = filter_.relation(queryset.model) if isinstance(filter_, RowFilter) else None
            if relation is None or value in EMPTY_VALUES:
                queryset = filter_.filter(queryset, value)
            else:
                rows.setdefault(relation, []).append(filter_.condition(value))
        for conditions in rows.values():
            queryset = having(queryset, conditions)
        return queryset


def cited_for(what):
    # A citation supports one record: with two of these, one citation could match neither.
    return HavingFilter(
        f"citations__{what}__slug",
        alone=True,
        help_text=(
            f"Slug of an {what} the article is cited for. Given with another of `organisation`, `actor`, "
            "`attack` and `agreement`, the article has a citation for each (one citation supports one record)."
        ),
    )


class ArticleFilterSet(RecordFilterSet):
    date_from, date_to, date_match = date_range("published", "publication date")
    language = one_of(Language.choices, "Language of the article")
    outlet = slug_of("outlet", "outlet (an organisation of kind media)")
    organisation = cited_for("organisation")
    actor = cited_for("actor")
    attack = cited_for("attack")
    agreement = cited_for("agreement")

    class Meta:
        model = Article
        fields = ()


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


class ActorFilterSet(RecordFilterSet):
    country = CountryFilter("nationality", help_text="Nationality, an ISO 3166-1 alpha-2 country code.")
    organisation = HavingFilter(
        "affiliations__organisation__slug", help_text="Slug of an organisation the actor is affiliated with."
    )
    article = CitedInFilter()

    class Meta:
        model = Actor
        fields = ()


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


class AffiliationFilterSet(RecordFilterSet):
    actor = slug_of("actor", "actor")
    organisation = slug_of("organisation", "organisation")
    date_from, date_to, date_match = date_range("start", "start date")
    article = CitedInFilter()

    class Meta:
        model = Affiliation
        fields = ()


class CitationFilterSet(RecordFilterSet):
    article = slug_of("article", "article quoted")
    date_from, date_to, date_match = date_range("article__published", "publication date of the article")
    target_type = django_filters.ChoiceFilter(
        choices=[(target, target) for target in CITATION_TARGETS],
        method="filter_target_type",
        help_text="Which kind of record or link the citation supports.",
    )
    organisation = slug_of("organisation", "organisation supported")
    actor = slug_of("actor", "actor supported")
    attack = slug_of("attack", "attack supported")
    agreement = slug_of("agreement", "agreement supported")
    attribution = slug_of("attribution", "attribution supported")
    attack_link = slug_of("attack_link", "link between attacks supported")
    party = slug_of("party", "agreement party supported")
    agreement_target = slug_of("agreement_target", "agreement target supported")
    relationship = slug_of("relationship", "organisation relationship supported")
    affiliation = slug_of("affiliation", "affiliation supported")

    class Meta:
        model = Citation
        fields = ()

    def filter_target_type(self, queryset, name, value: str):
        return queryset.filter(**{f"{value}__isnull": False})
