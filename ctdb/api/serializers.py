"""The shared bases of ctdb's read-only representations. Each domain folder
(`ctdb/<domain>/api.py`) declares its models' serializers on them.

Every serializer is read-only. A partial date `x` is followed by
`x_precision`. A blank choice or URL is null, as an unknown country is.
`Meta.csv_columns` names the flattened columns a resource adds to its CSV
form (see `renderers.py`); its scalar fields are columns as they are.

A serializer has two forms. The full one shows `Meta.fields`; the brief one
(`brief=True`, NetBox's idea) shows `Meta.brief_fields`, the few fields that
identify the record where another record embeds it, and is named
`<Name>Summary` in the OpenAPI schema. A related record is declared
`Brief()`: the brief form of whichever serializer its model has
(`serializer_for`), so that domains can embed each other's records without
importing each other's modules.
"""

import inspect

from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.db.models.manager import BaseManager
from django.utils.text import capfirst
from django_countries.fields import CountryField
from drf_spectacular.extensions import OpenApiSerializerExtension
from rest_framework import serializers
from rest_framework.fields import SkipField
from rest_framework.relations import PKOnlyObject, RelatedField

from ctdb.core import partial_dates
from ctdb.core.domains import domain_modules

from .fields import CountryCodeField, OptionalChoiceField, OptionalURLField, PartialDateField, PrecisionField

RECORD_FIELDS = ("inferred", "created_at", "updated_at")


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


# The serializer of each model, filled as the domains' modules declare them.
SERIALIZERS = {}


def serializer_for(model):
    """The serializer class declared for `model`. The domains' API modules are
    imported first if none is known yet, so a lookup does not depend on which
    module happened to be imported before."""
    if model not in SERIALIZERS:
        domain_modules("api")
    try:
        return SERIALIZERS[model]
    except KeyError:
        raise ImproperlyConfigured(f"No serializer is declared for {model.__name__} in a domain's api.py") from None


def brief_fields(serializer_class):
    """The field names of the brief form: `Meta.brief_fields`, or all of them."""
    return getattr(serializer_class.Meta, "brief_fields", serializer_class.Meta.fields)


class Brief(serializers.Field):
    """Stands for the related record(s) at this field, in the brief form of
    their model's serializer; `ReadOnlyModelSerializer.get_fields` puts that
    serializer in its place when the fields are built, by which time every
    domain's serializers are declared."""

    def __init__(self, many=False, **kwargs):
        self.many, self.options = many, kwargs
        super().__init__(read_only=True)

    def resolve(self, model, name):
        target = model._meta.get_field(name).related_model
        return serializer_for(target)(many=self.many, read_only=True, brief=True, **self.options)


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
    # Every field read-only; partial dates and countries in their API form;
    # `brief=True` for the brief form. A class with its own Meta is its
    # model's serializer (serializer_for).

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        meta = cls.__dict__.get("Meta")
        model = getattr(meta, "model", None)
        if model is None:
            return
        known = SERIALIZERS.get(model)
        if known is not None and (known.__module__, known.__qualname__) != (cls.__module__, cls.__qualname__):
            raise ImproperlyConfigured(f"{model.__name__} has two serializers: {known.__name__} and {cls.__name__}")
        SERIALIZERS[model] = cls

    def __init__(self, *args, brief=False, **kwargs):
        self.brief = brief
        super().__init__(*args, **kwargs)

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

    def get_field_names(self, declared_fields, info):
        if self.brief:
            return brief_fields(type(self))
        return super().get_field_names(declared_fields, info)

    def get_extra_kwargs(self):
        extra_kwargs = super().get_extra_kwargs()
        for name in self.Meta.fields:
            extra_kwargs.setdefault(name, {}).setdefault("read_only", True)
        return extra_kwargs

    def nested(self, serializer_class):
        """A list serializer of the brief form of `serializer_class`, for a
        method field, built once per serializer rather than once per record:
        building one copies and introspects every field."""
        built = self.__dict__.setdefault("_nested", {})
        if serializer_class not in built:
            built[serializer_class] = serializer_class(many=True, read_only=True, brief=True, context=self.context)
        return built[serializer_class]

    def get_fields(self):
        fields = {}
        for name, field in super().get_fields().items():
            if isinstance(field, Brief):
                field = field.resolve(self.Meta.model, name)
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


class AliasSerializer(ReadOnlyModelSerializer):
    # Another name of an organisation or an actor; each gives its Meta a model.
    # `provenance` tells a name an article reports from editorial knowledge (a
    # well-known name no article spells out), which gives its `reasoning`.

    class Meta:
        fields = ("name", "language", "kind", "provenance", "reasoning")


class CitedSerializer(ReadOnlyModelSerializer):
    # A record shown with the citations that support it.

    citations = Brief(many=True)


CITATION_COLUMNS = {"citation_articles": "citations.article.slug", "citation_quotes": "citations.quote"}


class BriefForm(OpenApiSerializerExtension):
    """Names the brief form of a serializer `<Name>Summary` in the OpenAPI
    schema (`ArticleSerializer(brief=True)` is `ArticleSummary`), beside the
    full form's `<Name>`, and describes it by `Meta.brief_description` when
    the brief form says more than the full one."""

    target_class = ReadOnlyModelSerializer
    match_subclasses = True

    def get_name(self, auto_schema, direction):
        if getattr(self.target, "brief", False):
            return type(self.target).__name__.removesuffix("Serializer") + "Summary"
        return None

    def map_serializer(self, auto_schema, direction):
        # What drf-spectacular maps without an extension; the class's own form
        # would lose `brief` (the default maps `target_class`).
        schema = auto_schema._map_basic_serializer(self.target, direction)
        description = getattr(self.target.Meta, "brief_description", None) if self.target.brief else None
        if description:
            schema = {"type": schema.pop("type"), "description": inspect.cleandoc(description), **schema}
        return schema
