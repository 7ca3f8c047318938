"""Error pages that keep working while the database is down.

Django's own 500 page is used for real bugs. A lost database connection is not
a bug but an outage, and clients should retry: it answers 503 with
`Retry-After`, JSON under /api/ and a short HTML page elsewhere. Nothing here
touches the database (no request context, no session, no user), and the
traceback goes to the logs, never into the response.

A statement PostgreSQL cancelled for running past `statement_timeout`
(settings: `CTDB_STATEMENT_TIMEOUT_MS`) is no outage either: the request asked
too much. It answers 503 with `Retry-After` and a reason (JSON for the API, a
short page for the admin) and is logged as a warning, not as a server error.

Nor is a deadlock or a serialisation failure: two transactions collided, and
the same request again succeeds. The admin retries a save once itself
(`ctdb.core.admin.forms.CollisionRetryMixin`); what still escapes answers 409
with the reason and is logged as a warning.
"""

import logging
import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.template import loader
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.views import defaults

RETRY_AFTER_SECONDS = 30
DATABASE_ERRORS = (OperationalError, InterfaceError)
QUERY_CANCELED = "57014"  # SQLSTATE of a statement cancelled by statement_timeout
# SQLSTATEs of a transaction PostgreSQL aborted because it collided with another.
COLLISIONS = ("40P01", "40001")  # deadlock detected, serialization failure

logger = logging.getLogger(__name__)


def causes(error):
    """`error` and the exceptions it was raised from, each once."""
    seen = set()
    while error is not None and id(error) not in seen:
        yield error
        seen.add(id(error))
        error = error.__cause__ or error.__context__


def is_statement_timeout(error):
    """True if `error`, or an exception it was raised from, is a statement PostgreSQL cancelled."""
    return any(getattr(cause, "sqlstate", None) == QUERY_CANCELED for cause in causes(error))


def is_collision(error):
    """True if `error`, or an exception it was raised from, is a deadlock or a
    serialisation failure (on SQLite: the database locked by another writer)."""
    return any(
        getattr(cause, "sqlstate", None) in COLLISIONS
        or (isinstance(cause, OperationalError) and "database is locked" in str(cause))
        for cause in causes(error)
    )


def is_database_unavailable(error):
    """True if `error`, or an exception it was raised from, means the database is unreachable."""
    if is_statement_timeout(error) or is_collision(error):
        return False
    return any(isinstance(cause, DATABASE_ERRORS) for cause in causes(error))


def is_api_request(request):
    return request.path_info.startswith("/api/")


def database_unavailable(request):
    """503 with Retry-After: JSON for the API, a short HTML page for people."""
    if is_api_request(request):
        response = JsonResponse(
            {"detail": _("The database is temporarily unavailable. Try again shortly.")}, status=503
        )
    else:
        # Rendered without the request: context processors would read the session from the database.
        html = loader.render_to_string("ops/database_unavailable.html", {"retry_after": RETRY_AFTER_SECONDS})
        response = HttpResponse(html, status=503, content_type="text/html; charset=utf-8")
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


def statement_timeout(request):
    """503 with Retry-After and the reason: JSON for the API, a short HTML page for people."""
    if is_api_request(request):
        detail = _(
            "The query took too long and was stopped. Narrow it (filters, a smaller page_size) "
            "or read the records through /sync/, and try again."
        )
        response = JsonResponse({"detail": detail}, status=503)
    else:
        title = _("This page took too long")
        text = _("The database stopped the query behind this page. Narrow the list (filters, search) and try again.")
        response = short_page(title, text, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


def short_page(title, text, status):
    """A minimal HTML page for people (no template: it must render when little else works)."""
    html = format_html(
        '<!DOCTYPE html><html><head><meta charset="utf-8"><title>{} | ctdb</title></head>'
        "<body><h1>{}</h1><p>{}</p></body></html>",
        title,
        title,
        text,
    )
    return HttpResponse(html, status=status, content_type="text/html; charset=utf-8")


def collision(request):
    """409: the request collided with another; the same request again should succeed."""
    text = _("Another editor's save collided with yours; nothing was saved. Try again.")
    if is_api_request(request):
        response = JsonResponse({"detail": text}, status=409)
    else:
        response = short_page(_("Try again"), text, status=409)
    response["Cache-Control"] = "no-store"
    return response


class StatementTimeoutMiddleware:
    """Answers a view's cancelled statement with `statement_timeout` and logs
    it as a warning (Django would log a 5xx as an error)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if is_collision(exception):
            logger.warning("Transaction collision: %s %s: %s", request.method, request.get_full_path(), exception)
            response = collision(request)
            response._has_been_logged = True
            return response
        if not is_statement_timeout(exception):
            return None
        logger.warning("Statement timeout: %s %s", request.method, request.get_full_path())
        response = statement_timeout(request)
        response._has_been_logged = True
        return response


def server_error(request, template_name=defaults.ERROR_500_TEMPLATE_NAME):
    """handler500: 503 for a database outage, JSON 500 for the API, Django's page otherwise."""
    if is_statement_timeout(sys.exc_info()[1]):
        return statement_timeout(request)
    if is_collision(sys.exc_info()[1]):
        return collision(request)
    if is_database_unavailable(sys.exc_info()[1]):
        return database_unavailable(request)
    if is_api_request(request):
        return JsonResponse({"detail": _("Server error.")}, status=500)
    return defaults.server_error(request, template_name)
