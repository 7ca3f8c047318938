"""A cache of the API's answers, valid until the data changes.

The API is read-only and most requests repeat (the first pages, the common
filters and searches), so an answer is kept under the data version
(`ctdb.core.data_version`) and the request's absolute URL, language and
Accept header. Any write to the data makes a new version, and so new keys:
nothing is ever served from before a change, and no invalidation is needed.
What is kept is the serialised data and the `Link` header, rendered again
per request (JSON or CSV); throttling and validation still run first.

`CTDB_API_CACHE_SECONDS` (settings) bounds how long an answer is kept; 0
switches the cache off.
"""

import hashlib

from django.conf import settings
from django.core.cache import caches
from django.utils import translation
from rest_framework.response import Response

from ..core import data_version

KEPT_HEADERS = ("Link",)


def cache_key(request, version):
    parts = (
        str(version),
        request.build_absolute_uri(),
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
    hit = cache.get(key)
    if hit is not None:
        data, headers = hit
        response = Response(data, headers=headers)
        response["X-Cache"] = "hit"
        return response
    response = produce()
    if response.status_code == 200:
        headers = {name: response[name] for name in KEPT_HEADERS if response.has_header(name)}
        cache.set(key, (response.data, headers), seconds)
    response["X-Cache"] = "miss"
    return response
