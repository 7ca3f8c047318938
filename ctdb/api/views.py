"""The base of every read-only resource of API v1, and the helpers each
domain's `api.py` builds its querysets with.

A domain's viewset states its queryset (with everything its representation
needs fetched in a fixed number of queries, whatever the page size), its
serializer, its filters and its orderings; `RecordViewSet` does the rest.
"""

from django.db.models import Prefetch
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import MethodNotAllowed, NotFound, ValidationError
from rest_framework.filters import OrderingFilter
from rest_framework.renderers import JSONRenderer
from rest_framework.settings import api_settings

from ctdb.core.deletions import deleted_records

from . import deletions, schema, serializers
from .cache import cached
from .filters import refuse_unknown_parameters
from .pagination import DeletionPagination, PagePagination, SyncPagination
from .renderers import CSVRenderer, FormatNegotiation

RECORD_ORDERING = ("slug", "created_at", "updated_at")
SYNC_FILTER_BACKENDS = [b for b in api_settings.DEFAULT_FILTER_BACKENDS if not issubclass(b, OrderingFilter)]


def form_fields(serializer_class, brief):
    """The field names of the brief form of `serializer_class`, or of its full form."""
    return serializers.brief_fields(serializer_class) if brief else serializer_class.Meta.fields


def joined(serializer_class, brief=False):
    """The records of `serializer_class`'s model with the one related record
    each of its fields embeds (an article's outlet, an attribution's attack)
    joined into the same query (`select_related`), in field order."""
    model = serializer_class.Meta.model
    fields = {field.name: field for field in model._meta.get_fields()}
    embedded = [
        name for name in form_fields(serializer_class, brief) if getattr(fields.get(name), "many_to_one", False)
    ]
    return model.objects.select_related(*embedded) if embedded else model.objects.all()


def shown_columns(serializer_class, relation=""):
    """The columns the brief form of `serializer_class` shows, for `only()`:
    its plain fields, and those of each record it embeds (`<field>__<column>`,
    which also keeps the key that joins it), at `relation__` when given.
    Records it lists (to-many) are prefetched apart and need none."""
    model, prefix = serializer_class.Meta.model, f"{relation}__" if relation else ""
    columns = []
    for name in serializers.brief_fields(serializer_class):
        field = model._meta.get_field(name)
        if not field.is_relation:
            columns.append(prefix + name)
        elif field.many_to_one:
            columns.extend(shown_columns(serializers.serializer_for(field.related_model), prefix + name))
    return tuple(columns)


def listed(lookup, queryset):
    """Prefetch `lookup` (`a__b`: each step itself listed before) into plain
    lists, `prefetched_<name>` on each record, which the serializers read
    (`serializers.related`): the same query as a plain Prefetch, without
    the filtered queryset Django builds per record to hold each one's rows."""
    *through, name = lookup.split("__")
    path = "__".join([*(serializers.PREFETCHED + step for step in through), name])
    return Prefetch(path, queryset=queryset, to_attr=serializers.PREFETCHED + name)


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
    # The queries a page of the list costs, whatever its size, its count
    # included: each resource states it beside the prefetches that make it,
    # and the tests hold every page to it (tests/api/base.py).
    page_queries = None

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
