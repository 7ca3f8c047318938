"""Error pages that keep working while the database is down.

Django's own 500 page is used for real bugs. A lost database connection is not
a bug but an outage, and clients should retry: it answers 503 with
`Retry-After`, JSON under /api/ and a short HTML page elsewhere. Nothing here
touches the database (no request context, no session, no user), and the
traceback goes to the logs, never into the response.
"""

import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.template import loader
from django.utils.translation import gettext as _
from django.views import defaults

RETRY_AFTER_SECONDS = 30
DATABASE_ERRORS = (OperationalError, InterfaceError)


def is_database_unavailable(error):
    """True if `error`, or an exception it was raised from, means the database is unreachable."""
    seen = set()
    while error is not None and id(error) not in seen:
        if isinstance(error, DATABASE_ERRORS):
            return True
        seen.add(id(error))
        error = error.__cause__ or error.__context__
    return False


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


def server_error(request, template_name=defaults.ERROR_500_TEMPLATE_NAME):
    """handler500: 503 for a database outage, JSON 500 for the API, Django's page otherwise."""
    if is_database_unavailable(sys.exc_info()[1]):
        return database_unavailable(request)
    if is_api_request(request):
        return JsonResponse({"detail": _("Server error.")}, status=500)
    return defaults.server_error(request, template_name)
