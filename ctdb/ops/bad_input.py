"""A NUL character in the admin's query string answers 400, not 500.

PostgreSQL refuses NUL in text, so `?q=%00`, `?kind=%00` or
`?country__exact=a%00` on a changelist made the query fail with a 500 (and
on SQLite quietly matched nothing). No record holds a NUL, so such a
request can only be a mistake or a probe: it is refused here, before any
view runs, for every page under the admin, ctdb's own lists and the ones
Django, axes and the rest register alike (autocomplete and history too),
which a hook on ctdb's changelists would miss. The API refuses NUL itself,
with its JSON errors (ctdb.api.views).
"""

from django.urls import reverse
from django.utils.translation import gettext as _

from .errors import short_page


def parameters_with_nul(query):
    """The names of the parameters of `query` (a QueryDict) whose name or a value holds a NUL."""
    return sorted({name for name, values in query.lists() if "\x00" in name or any("\x00" in v for v in values)})


class NulInQueryMiddleware:
    """400 with the parameters named, for an admin URL whose query string holds a NUL."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info.startswith(reverse("admin:index")):
            names = parameters_with_nul(request.GET)
            if names:
                return bad_request(names)
        return self.get_response(request)


def bad_request(names):
    title = _("Bad request")
    text = _("These parameters of the address hold a NUL character, which no record holds: %(names)s.") % {
        "names": ", ".join(name.replace("\x00", "%00") for name in names)
    }
    response = short_page(title, text, status=400)
    response["Cache-Control"] = "no-store"
    return response
