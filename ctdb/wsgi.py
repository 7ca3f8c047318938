"""WSGI entry point (gunicorn ctdb.wsgi).

The URLconf, and with it every view, serializer and admin module, is
imported here rather than by the first request: under gunicorn's
`--preload` (docker/entrypoint.sh) the master imports it once and every
worker starts warm. Nothing here opens a database connection, which the
forked workers would otherwise share.
"""

import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ctdb.settings")
application = get_wsgi_application()
get_resolver().url_patterns  # noqa: B018 (imported for its side effect: the modules it loads)
