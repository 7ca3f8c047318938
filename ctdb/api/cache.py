"""A cache of the API's answers, valid until the data changes.

The API is read-only and most requests repeat (the first pages, the common
filters and searches), so an answer is kept under the data version
(`ctdb.core.data_version`) and the request's path, the query parameters
the view knows (in a stable order: one that changes nothing, `x=1`, makes
no new entry and cannot bypass the cache), language and Accept header.
Any write to the data makes a new version, and so new keys: nothing is
ever served from before a change, and no invalidation is needed.
What is kept is the serialised data and the `Link` header, rendered again
per request (JSON or CSV); throttling and validation still run first.

`CTDB_API_CACHE_SECONDS` (settings) bounds how long an answer is kept; 0
switches the cache off. The cache is Redis's when CTDB_REDIS_URL is set
(`settings.CTDB_API_CACHE`), one copy of each answer for every worker, else
each process's memory; a Redis that cannot be reached costs a miss and a
warning, never an error. An entry is kept compressed (zlib, its fastest
level: a page of 500 attacks, about 1 MB of JSON, is some 100 kB), and an
entry larger than `CTDB_API_CACHE_ENTRY_BYTES` once compressed is not kept,
so the cache's entries still bound its memory, while the largest pages,
the ones that cost most to build, are cached too.
"""

import hashlib
import logging
import pickle
import zlib
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import caches
from django.utils import translation
from drf_spectacular.utils import OpenApiParameter
from redis.exceptions import RedisError
from rest_framework.response import Response
from rest_framework.settings import api_settings

from ..core import data_version

logger = logging.getLogger("ctdb.api.cache")

KEPT_HEADERS = ("Link",)
# zlib's fastest level: a few milliseconds for a 1 MB page, which compresses about tenfold anyway.
ENTRY_COMPRESSION = 1


_parameters = {}


def parameters_of(view):
    """The query parameters a view's action reads: its filters', its
    paginator's, those its schema declares (`include_text`) and `format`;
    for a view that is not a resource's, those it names in `query_parameters`."""
    if hasattr(view, "query_parameters"):
        return frozenset({api_settings.URL_FORMAT_OVERRIDE, *view.query_parameters})
    key = (type(view), view.action)
    if key not in _parameters:
        _parameters[key] = frozenset(declared_parameters(view))
    return _parameters[key]


def declared_parameters(view):
    names = {api_settings.URL_FORMAT_OVERRIDE}
    for backend in (backend_class() for backend_class in view.filter_backends):
        if hasattr(backend, "get_filterset_class"):  # django-filter's: no schema method of its own
            filterset = backend.get_filterset_class(view, view.get_queryset())
            names.update(filterset.base_filters if filterset else ())
        else:
            names.update(parameter["name"] for parameter in backend.get_schema_operation_parameters(view))
    if view.paginator is not None:
        names.update(parameter["name"] for parameter in view.paginator.get_schema_operation_parameters(view))
    schema = getattr(getattr(type(view), view.action, None), "kwargs", {}).get("schema")
    if schema is not None:
        inspector = schema()
        inspector.view, inspector.method = view, "GET"
        names.update(p.name for p in inspector.get_override_parameters() if isinstance(p, OpenApiParameter))
    return names


def known_query(request):
    """The request's parameters that its view knows, sorted by name, as a query string."""
    known = parameters_of(request.parser_context["view"])
    names = sorted(set(request.query_params) & known)
    return urlencode([(name, value) for name in names for value in request.query_params.getlist(name)])


def cache_key(request, version):
    parts = (
        str(version),
        request.build_absolute_uri(request.path),
        known_query(request),
        translation.get_language() or "",
        request.headers.get("Accept", ""),
    )
    return "ctdb-api:" + hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()


def cached(request, produce):
    """The answer `produce()` gives, from the cache when the data is unchanged."""
    seconds = settings.CTDB_API_CACHE_SECONDS
    if not seconds or request.method not in ("GET", "HEAD"):
        return produce()
    # Read the version before the data: an answer stored under a version
    # is never older than the data that version names.
    key = cache_key(request, data_version.current())
    cache = caches[settings.CTDB_API_CACHE]
    try:
        hit = cache.get(key)
    except RedisError as error:  # the answer is made again: an outage is a miss, not a 500
        logger.warning("API cache not read: the shared cache is unreachable (%s)", error)
        hit = cache = None
    if hit is not None:
        data, headers = pickle.loads(zlib.decompress(hit))
        response = Response(data, headers=headers)
        response["X-Cache"] = "hit"
        return response
    response = produce()
    if response.status_code == 200:
        headers = {name: response[name] for name in KEPT_HEADERS if response.has_header(name)}
        # Kept pickled (as the cache would keep it anyway) and compressed, so that its size is known.
        entry = zlib.compress(pickle.dumps((response.data, headers), pickle.HIGHEST_PROTOCOL), ENTRY_COMPRESSION)
        if cache is not None and len(entry) <= settings.CTDB_API_CACHE_ENTRY_BYTES:
            try:
                cache.set(key, entry, seconds)
            except RedisError as error:
                logger.warning("API cache not written: the shared cache is unreachable (%s)", error)
    response["X-Cache"] = "miss"
    return response
