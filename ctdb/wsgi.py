"""WSGI entry point (gunicorn ctdb.wsgi)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ctdb.settings")
application = get_wsgi_application()
