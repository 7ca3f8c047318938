"""The real dataset, loaded once for the fuzz tests and rolled back after them.

Schemathesis calls the WSGI application in-process, in this thread, so the
requests share the test's database connection and see its transaction. The
dataset is loaded inside one atomic block that lives for the module and is
rolled back at its end, so other tests never see it.
"""

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction

from tests.conftest import FIXTURE


@pytest.fixture(scope="module")
def real_dataset(django_db_setup, django_db_blocker):
    # A WSGI request would otherwise close the connection that holds the
    # open transaction (Django's test client disconnects these too).
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    cache.clear()  # no throttle history from other tests
    try:
        with django_db_blocker.unblock(), transaction.atomic():
            call_command("loaddata", str(FIXTURE), verbosity=0)
            yield
            transaction.set_rollback(True)
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
        cache.clear()
