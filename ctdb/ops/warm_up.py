"""Warm the server before gunicorn forks its workers (`CTDB_WARM_UP=1`).

Under `--preload` the master imports the application, then forks the
workers, which inherit its memory. Importing is not all a first request pays:
each code path (a list page, a detail, the CSV renderer, a sync page, a
search, a deep page read ids first) builds lazily on first use: compiled
regular expressions, translation catalogues, DRF's settings and renderers,
the serializers' field machinery, the ORM's compiled lookups. Measured on
200,000 attacks, ten requests of ten kinds took 1,145 ms in a new process
and 470-685 ms the second and third time. Each worker pays that on its first
requests, all at once when a new deployment meets its traffic; warmed in the
master, it is paid once, before the workers exist.

`warm_up()` sends, through the same WSGI handler the workers run, the API
root and for every route of the API: its first list page, a page past the
ids-first offset, its CSV form, its sync page, a search where it has one,
and the detail of its first record. Answers are what any client would get (cached in the
shared answer cache if there is one: as valid as any other). The requests
come from 192.0.2.1 (TEST-NET-1, RFC 5737), so they never count against a
real client's throttle. Then every database and cache connection is closed,
so that no worker inherits the master's socket. A failure is logged and
never stops the server from starting.

`freeze_for_fork()` then hands the collector's view of memory to the
workers as Python's documentation advises for a server that forks without
exec: every object the master made (the modules, the URLconf, the warmed
caches: some 186,000 tracked objects) moves to the permanent generation, so
no collection in a worker scans them again (nor writes to their pages,
which stay shared), and the youngest generation is collected every 50,000
allocations instead of 700, since the objects a request makes are freed by
reference counting as soon as its answer is sent. Measured in-process on
200,000 attacks, median of 9, cache off: a page of 500 attacks 274-278 ms
before, 185-219 ms after (the collector switched off entirely: 177-191
ms); a page of 50, 64-69 ms before, 41-49 ms after.
"""

import gc
import io
import logging
import time
from wsgiref.util import setup_testing_defaults

from django.conf import settings
from django.core.cache import caches
from django.db import connections

from ctdb.core.paginator import IDS_FIRST_FROM

logger = logging.getLogger(__name__)

ADDRESS = "192.0.2.1"
# Allocations between two collections of the youngest generation (Python's default: 700).
YOUNG_COLLECTION_EVERY = 50_000
PAGE_SIZE = 50
# The first page read ids first (core.paginator), if the route has that many records.
DEEP_PAGE = IDS_FIRST_FROM // PAGE_SIZE + 1


def host():
    """A host name ALLOWED_HOSTS accepts."""
    for name in settings.ALLOWED_HOSTS:
        if name != "*":
            return name.lstrip(".") or "localhost"
    return "localhost"


def request(handler, path, query=""):
    """GET `path?query` through `handler`; its status code and body."""
    environ = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "HTTP_HOST": host(),
        "REMOTE_ADDR": ADDRESS,
        "wsgi.url_scheme": "https",
        "wsgi.input": io.BytesIO(),
    }
    setup_testing_defaults(environ)
    status = []
    body = b"".join(handler(environ, lambda line, headers, exc_info=None: status.append(line)))
    return int(status[0].split()[0]), body


def paths(router, first):
    """(path, query) of each warm-up request; `first(prefix)` is (a record's slug, the count) of a route."""
    yield "/api/v1/", ""
    for prefix, viewset, _basename in router.registry:
        base = f"/api/v1/{prefix}/"
        slug, count = first(prefix)
        yield base, ""
        if count > DEEP_PAGE * PAGE_SIZE:
            yield base, f"page={DEEP_PAGE}&page_size={PAGE_SIZE}"
        yield base, "format=csv"
        if viewset.search_fields:
            yield base, "search=a"
        yield f"{base}sync/", ""
        if slug:
            yield f"{base}{slug}/", ""


def warm_up():
    """Send the warm-up requests; return {(path, query): status}. Closes every connection after."""
    import json

    from django.core.handlers.wsgi import WSGIHandler

    from ctdb.api.urls import router

    handler = WSGIHandler()
    statuses = {}
    started = time.monotonic()
    try:

        def first(prefix):
            status, body = request(handler, f"/api/v1/{prefix}/", "page_size=1")
            answer = json.loads(body) if status == 200 else {}
            results = answer.get("results") or [{}]
            return results[0].get("slug"), answer.get("count") or 0

        for path, query in paths(router, first):
            statuses[path, query] = request(handler, path, query)[0]
    except Exception:
        logger.warning("warm-up stopped after %d requests; the workers start colder", len(statuses), exc_info=True)
    finally:
        connections.close_all()
        for cache in caches.all(initialized_only=True):
            cache.close()
    failed = sorted(f"{path}?{query} {status}" for (path, query), status in statuses.items() if status >= 400)
    logger.info(
        "warmed up in %d ms: %d requests, %d not answered 2xx or 3xx%s",
        (time.monotonic() - started) * 1000,
        len(statuses),
        len(failed),
        f" ({', '.join(failed[:5])})" if failed else "",
    )
    return statuses


def freeze_for_fork():
    """Move every object made so far out of the collector's sight, and collect the young rarely."""
    gc.collect()
    gc.freeze()
    _young, middle, old = gc.get_threshold()
    gc.set_threshold(YOUNG_COLLECTION_EVERY, middle, old)
