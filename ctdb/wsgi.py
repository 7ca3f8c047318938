"""WSGI entry point (gunicorn ctdb.wsgi).

The URLconf, and with it every view, serializer and admin module, is
imported here rather than by the first request: under gunicorn's
`--preload` (docker/entrypoint.sh) the master imports it once and every
worker starts warm. With `CTDB_WARM_UP=1` (docker-compose's web service) the
master also sends the API a round of requests first (ctdb.ops.warm_up),
closes every connection it opened, which the forked workers would
otherwise share, and freezes what it made out of the garbage collector's
sight.
"""

import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ctdb.settings")
application = get_wsgi_application()
get_resolver().url_patterns  # noqa: B018 (imported for its side effect: the modules it loads)

if os.environ.get("CTDB_WARM_UP") == "1":
    from ctdb.ops.warm_up import freeze_for_fork, warm_up

    warm_up()
    freeze_for_fork()
