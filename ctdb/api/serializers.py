"""Representations of ctdb records: each resource with its related records
as small nested summaries, so that one request is enough to use a record.

Every serializer is read-only. A partial date `x` is followed by
`x_precision`. A blank choice or URL is null, as an unknown country is.
`Meta.csv_columns` names the flattened columns a resource adds to its CSV
form (see `renderers.py`); its scalar fields are columns as they are.
"""

from django.db import models
from django.db.models.manager import BaseManager
from django.utils.text import capfirst
from django_countries.fields import CountryField
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.fields import SkipField
from rest_framework.relations import PKOnlyObject, RelatedField

from ctdb.core import partial_dates
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

from .fields import CountryCodeField, OptionalChoiceField, OptionalURLField, PartialDateField, PrecisionField

RECORD_FIELDS = ("inferred", "created_at", "updated_at")
INCLUDE_TEXT_TRUE = {"1", "true", "yes"}
INCLUDE_TEXT_FALSE = {"", "0", "false", "no"}


# The bases below carry comments, not docstrings: a docstring would become
# the schema description of every serializer that inherits it.


PREFETCHED = "prefetched_"


def prefetched(instance, name):
    """The plain list a view prefetched into `prefetched_<name>`
    (`Prefetch(to_attr=...)`, see views.listed), or None."""
    return getattr(instance, "__dict__", {}).get(PREFETCHED + name)


def related(instance, name):
    """The records of `instance`'s to-many relation `name`: its prefetched
    plain list, else the relation's own, prefetched or not."""
    found = prefetched(instance, name)
    return found if found is not None else getattr(instance, name).all()


class RelatedListSerializer(serializers.ListSerializer):
    """A list of related records, read from the view's prefetched plain list
    when there is one: Django's prefetch otherwise builds a filtered queryset
    per record and relation to hold them (some 3,000 for a page of 500
    attacks, a third of its time), and a plain list holds the same rows."""

    def get_attribute(self, instance):
        if len(self.source_attrs) == 1:
            found = prefetched(instance, self.source_attrs[0])
            if found is not None:
                return found
        return super().get_attribute(instance)


class ReadOnlyModelSerializer(serializers.ModelSerializer):
    # Every field read-only; partial dates and countries in their API form.

    @classmethod
    def many_init(cls, *args, **kwargs):
        # DRF's, with RelatedListSerializer as the list class.
        list_kwargs = {key: kwargs.pop(key) for key in serializers.LIST_SERIALIZER_KWARGS_REMOVE if key in kwargs}
        list_kwargs = {key: value for key, value in list_kwargs.items() if value is not None}
        list_kwargs["child"] = cls(*args, **kwargs)
        list_kwargs.update({key: value for key, value in kwargs.items() if key in serializers.LIST_SERIALIZER_KWARGS})
        list_class = getattr(getattr(cls, "Meta", None), "list_serializer_class", RelatedListSerializer)
        return list_class(*args, **list_kwargs)

    def build_standard_field(self, field_name, model_field):
        if isinstance(model_field, partial_dates.PartialDateField):
            help_text = f"{capfirst(str(model_field.verbose_name))}: YYYY, YYYY-MM or YYYY-MM-DD."
            return PartialDateField, {"read_only": True, "allow_null": True, "help_text": help_text}
        if isinstance(model_field, CountryField):
            return CountryCodeField, {"read_only": True, "allow_null": True}
        field_class, field_kwargs = super().build_standard_field(field_name, model_field)
        # A blank choice or URL is none of the choices and no URL: null, like an unknown country.
        if model_field.blank and isinstance(model_field, models.CharField):
            if model_field.choices:
                return OptionalChoiceField, {**field_kwargs, "allow_null": True}
            if isinstance(model_field, models.URLField):
                return OptionalURLField, {**field_kwargs, "allow_null": True}
        return field_class, field_kwargs

    def get_extra_kwargs(self):
        extra_kwargs = super().get_extra_kwargs()
        for name in self.Meta.fields:
            extra_kwargs.setdefault(name, {}).setdefault("read_only", True)
        return extra_kwargs

    def nested(self, serializer_class):
        """A list serializer of `serializer_class` for a method field, built
        once per serializer rather than once per record: building one
        copies and introspects every field."""
        built = self.__dict__.setdefault("_nested", {})
        if serializer_class not in built:
            built[serializer_class] = serializer_class(many=True, read_only=True, context=self.context)
        return built[serializer_class]

    def get_fields(self):
        fields = {}
        for name, field in super().get_fields().items():
            fields[name] = field
            if isinstance(field, PartialDateField):
                fields[f"{name}_precision"] = PrecisionField()
        return fields

    # A page of 500 attacks is some 40,000 field values: DRF's generic
    # `to_representation` looks each one up through `Field.get_attribute`
    # (a loop over `source_attrs`, a callable check, exception handling) and
    # a generator of readable fields. The same representation, from a plan
    # made once per serializer: the attribute named by each plain field read
    # with `getattr`, each nested list iterated by its child directly. Any
    # field the plan cannot read plainly, or any attribute that raises, goes
    # through DRF's own `get_attribute`, so the output is DRF's, value for
    # value and key for key (tests/api/test_large_answers.py).

    def representation_plan(self):
        """[(field name, attribute to getattr or None, field, converter)]."""
        plan = self.__dict__.get("_representation_plan")
        if plan is None:
            plan = self._representation_plan = [
                (name, plain_attribute(self.Meta.model, field), field, converter(field))
                for name, field in self.fields.items()
                if not field.write_only
            ]
        return plan

    def to_representation(self, instance):
        representation = {}
        for name, attribute, field, convert in self.representation_plan():
            if attribute is not None:
                try:
                    value = getattr(instance, attribute)
                except Exception:  # noqa: BLE001 - DRF's own lookup decides, exactly as it would have
                    attribute = None
            if attribute is None:
                try:
                    value = field.get_attribute(instance)
                except SkipField:
                    continue
                if isinstance(value, PKOnlyObject) and value.pk is None:
                    value = None  # as DRF checks it
            representation[name] = None if value is None else convert(value)
        return representation


def plain_attribute(model, field):
    """The attribute of `model` instances that `field` reads, when a plain
    `getattr` gives what DRF's lookup would: one source name that is a model
    field, a relation, a property (`start_precision`) or an annotation, not a
    method (DRF would call it); else None."""
    if isinstance(field, RelatedField | RelatedListSerializer) or len(field.source_attrs) != 1:
        return None
    (name,) = field.source_attrs
    return None if callable(getattr(model, name, None)) else name


def converter(field):
    """What turns a (non-null) attribute into its representation, as `field.to_representation` does."""
    if isinstance(field, serializers.ListSerializer) and type(field).to_representation is (
        serializers.ListSerializer.to_representation
    ):
        # DRF's ListSerializer.to_representation, without its call per record.
        child = field.child.to_representation

        def represent_list(data):
            return [child(item) for item in (data.all() if isinstance(data, BaseManager) else data)]

        return represent_list
    if type(field).to_representation is serializers.CharField.to_representation:
        return str
    return field.to_representation


class RecordSerializer(ReadOnlyModelSerializer):
    # A ctdb record: the fields every table shares come last.

    inferred = serializers.DictField(
        child=serializers.CharField(),
        read_only=True,
        help_text="Field name → the editor's reasoning, for each value inferred rather than read in a source.",
    )


# Summaries: the few fields that identify a related record.


class OrganisationSummarySerializer(ReadOnlyModelSerializer):
    class Meta:
        model = Organisation
        fields = ("slug", "name_ar", "name_en", "kind", "country")


class ActorSummarySerializer(ReadOnlyModelSerializer):
    class Meta:
        model = Actor
        fields = ("slug", "name_ar", "name_en")


class AttackSummarySerializer(ReadOnlyModelSerializer):
    class Meta:
        model = Attack
        fields = ("slug", "name_ar", "name_en", "kind", "start", "country")


class AgreementSummarySerializer(ReadOnlyModelSerializer):
    class Meta:
        model = Agreement
        fields = ("slug", "name_ar", "name_en", "kind", "status", "start")


class ArticleSummarySerializer(ReadOnlyModelSerializer):
    class Meta:
        model = Article
        fields = ("slug", "title", "published", "language", "url")


class CitationSummarySerializer(ReadOnlyModelSerializer):
    """The sentence that supports a record: `quote` is `article`'s text at
    the character offsets [start, end)."""

    article = ArticleSummarySerializer(read_only=True)

    class Meta:
        model = Citation
        fields = ("slug", "quote", "translation_en", "note", "start", "end", "article")


class OrganisationAliasSerializer(ReadOnlyModelSerializer):
    class Meta:
        model = OrganisationAlias
        fields = ("name", "language", "kind")


class ActorAliasSerializer(ReadOnlyModelSerializer):
    class Meta:
        model = ActorAlias
        fields = ("name", "language", "kind")


class CitedSerializer(ReadOnlyModelSerializer):
    # A record shown with the citations that support it.

    citations = CitationSummarySerializer(many=True, read_only=True)


class AttributionSummarySerializer(CitedSerializer):
    organisation = OrganisationSummarySerializer(read_only=True)
    accused_by = OrganisationSummarySerializer(read_only=True, allow_null=True)

    class Meta:
        model = Attribution
        fields = ("slug", "organisation", "kind", "accused_by", "note", "citations")


class AttackLinkSummarySerializer(CitedSerializer):
    """`from_attack` is `kind` `to_attack` (e.g. carried out in retaliation for)."""

    from_attack = AttackSummarySerializer(read_only=True)
    to_attack = AttackSummarySerializer(read_only=True)

    class Meta:
        model = AttackLink
        fields = ("slug", "from_attack", "kind", "to_attack", "citations")


class AgreementPartySummarySerializer(CitedSerializer):
    organisation = OrganisationSummarySerializer(read_only=True)

    class Meta:
        model = AgreementParty
        fields = ("slug", "organisation", "role", "start", "end", "note", "citations")


class AgreementTargetSummarySerializer(CitedSerializer):
    organisation = OrganisationSummarySerializer(read_only=True)

    class Meta:
        model = AgreementTarget
        fields = ("slug", "organisation", "citations")


class RelationshipSummarySerializer(CitedSerializer):
    """`subject` is `kind` `object` (e.g. ISKP is a branch of the Islamic State)."""

    subject = OrganisationSummarySerializer(read_only=True)
    object = OrganisationSummarySerializer(read_only=True)

    class Meta:
        model = OrganisationRelationship
        fields = ("slug", "subject", "kind", "object", "start", "end", "note", "citations")


class AffiliationSummarySerializer(CitedSerializer):
    organisation = OrganisationSummarySerializer(read_only=True)

    class Meta:
        model = Affiliation
        fields = ("slug", "organisation", "role", "start", "end", "citations")


# Resources.

CITATION_COLUMNS = {"citation_articles": "citations.article.slug", "citation_quotes": "citations.quote"}


class ArticleSerializer(RecordSerializer):
    outlet = OrganisationSummarySerializer(read_only=True, allow_null=True)
    citations_count = serializers.IntegerField(read_only=True, help_text="Number of citations quoting this article.")
    # Optional in the schema because lists leave it out unless asked.
    text = serializers.CharField(required=False, help_text="Full original text; in lists only with `include_text=1`.")

    class Meta:
        model = Article
        fields = (
            "slug",
            "title",
            "outlet",
            "author",
            "published",
            "language",
            "url",
            "text_sha256",
            "citations_count",
            "text",
            *RECORD_FIELDS,
        )
        csv_columns = {"outlet_slug": "outlet.slug"}

    def get_fields(self):
        fields = super().get_fields()
        if not self.includes_text():
            del fields["text"]
        return fields

    def includes_text(self):
        request, view = self.context.get("request"), self.context.get("view")
        if request is None or getattr(view, "swagger_fake_view", False):
            return True  # the schema describes the full record
        if getattr(view, "action", None) == "retrieve":
            return True
        value = request.query_params.get("include_text", "").lower()
        if value not in INCLUDE_TEXT_TRUE | INCLUDE_TEXT_FALSE:
            raise serializers.ValidationError({"include_text": ["Give 1 or 0 (true or false)."]})
        return value in INCLUDE_TEXT_TRUE


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
        csv_columns = {
            "alias_names": "aliases.name",
            "relationship_slugs": "relationships.slug",
            **CITATION_COLUMNS,
        }

    @extend_schema_field(RelationshipSummarySerializer(many=True))
    def get_relationships(self, organisation):
        relationships = sorted(
            [*related(organisation, "relationships_as_subject"), *related(organisation, "relationships_as_object")],
            key=lambda relationship: relationship.slug,
        )
        return self.nested(RelationshipSummarySerializer).to_representation(relationships)


class ActorSerializer(RecordSerializer, CitedSerializer):
    nationality = CountryCodeField(read_only=True, allow_null=True)
    aliases = ActorAliasSerializer(many=True, read_only=True)
    affiliations = AffiliationSummarySerializer(many=True, read_only=True)

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
        csv_columns = {
            "alias_names": "aliases.name",
            "affiliation_organisations": "affiliations.organisation.slug",
            "affiliation_roles": "affiliations.role",
            **CITATION_COLUMNS,
        }


class AttackSerializer(RecordSerializer, CitedSerializer):
    campaign = AttackSummarySerializer(read_only=True, allow_null=True)
    attributions = AttributionSummarySerializer(many=True, read_only=True)
    related_attacks = serializers.SerializerMethodField(help_text="Links to other attacks, in either direction.")
    campaign_attacks = AttackSummarySerializer(
        many=True, read_only=True, help_text="For a campaign: the attacks that belong to it."
    )

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
            "related_attacks",
            "campaign_attacks",
            "citations",
            *RECORD_FIELDS,
        )
        extra_kwargs = {"latitude": {"coerce_to_string": False}, "longitude": {"coerce_to_string": False}}
        csv_columns = {
            "campaign_slug": "campaign.slug",
            "attribution_organisations": "attributions.organisation.slug",
            "attribution_kinds": "attributions.kind",
            "attribution_accused_by": "attributions.accused_by.slug",
            "related_attack_links": "related_attacks.slug",
            "campaign_attack_slugs": "campaign_attacks.slug",
            **CITATION_COLUMNS,
        }

    @extend_schema_field(AttackLinkSummarySerializer(many=True))
    def get_related_attacks(self, attack):
        links = sorted([*related(attack, "links_from"), *related(attack, "links_to")], key=lambda link: link.slug)
        return self.nested(AttackLinkSummarySerializer).to_representation(links)


class AgreementSerializer(RecordSerializer, CitedSerializer):
    parties = AgreementPartySummarySerializer(many=True, read_only=True)
    targets = AgreementTargetSummarySerializer(
        many=True, read_only=True, help_text="Organisations the agreement is aimed against."
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
        csv_columns = {
            "party_organisations": "parties.organisation.slug",
            "party_roles": "parties.role",
            "target_organisations": "targets.organisation.slug",
            **CITATION_COLUMNS,
        }


class AttributionSerializer(RecordSerializer, AttributionSummarySerializer):
    attack = AttackSummarySerializer(read_only=True)

    class Meta:
        model = Attribution
        fields = ("slug", "attack", "organisation", "kind", "accused_by", "note", "citations", *RECORD_FIELDS)
        csv_columns = {
            "attack_slug": "attack.slug",
            "organisation_slug": "organisation.slug",
            "accused_by_slug": "accused_by.slug",
            **CITATION_COLUMNS,
        }


class RelationshipSerializer(RecordSerializer, RelationshipSummarySerializer):
    class Meta:
        model = OrganisationRelationship
        fields = (*RelationshipSummarySerializer.Meta.fields, *RECORD_FIELDS)
        csv_columns = {"subject_slug": "subject.slug", "object_slug": "object.slug", **CITATION_COLUMNS}


class AgreementPartySerializer(RecordSerializer, AgreementPartySummarySerializer):
    agreement = AgreementSummarySerializer(read_only=True)

    class Meta:
        model = AgreementParty
        fields = ("slug", "agreement", "organisation", "role", "start", "end", "note", "citations", *RECORD_FIELDS)
        csv_columns = {
            "agreement_slug": "agreement.slug",
            "organisation_slug": "organisation.slug",
            **CITATION_COLUMNS,
        }


class AffiliationSerializer(RecordSerializer, AffiliationSummarySerializer):
    actor = ActorSummarySerializer(read_only=True)

    class Meta:
        model = Affiliation
        fields = ("slug", "actor", "organisation", "role", "start", "end", "citations", *RECORD_FIELDS)
        csv_columns = {"actor_slug": "actor.slug", "organisation_slug": "organisation.slug", **CITATION_COLUMNS}


class CitationSerializer(RecordSerializer):
    article = ArticleSummarySerializer(read_only=True)
    target_type = serializers.ChoiceField(
        choices=CITATION_TARGETS,
        source="target_field",
        read_only=True,
        help_text="Which kind of record or link this citation supports.",
    )
    target_slug = serializers.SerializerMethodField(help_text="Slug of the record or link this citation supports.")

    class Meta:
        model = Citation
        fields = (
            "slug",
            "article",
            "quote",
            "start",
            "end",
            "translation_en",
            "note",
            "target_type",
            "target_slug",
            *RECORD_FIELDS,
        )
        # `target_slug` is computed, so not a scalar column by itself; with `target_type` it says what is supported.
        csv_columns = {"article_slug": "article.slug", "target_slug": "target_slug"}

    def get_target_slug(self, citation) -> str:
        return citation.target.slug
