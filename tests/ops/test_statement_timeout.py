"""PostgreSQL stops a web request's statement before gunicorn would kill the
worker; the request gets a clear 503 (JSON for the API, a short page for
the admin), the log a warning. Management commands run without the limit."""

import logging
import os
import subprocess
import sys
from unittest import mock

import pytest
from django.conf import settings
from django.db import connection, transaction
from django.test import Client

from ctdb.ops.errors import RETRY_AFTER_SECONDS

pytestmark = pytest.mark.skipif(
    settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
    reason="statement_timeout is PostgreSQL's (run with DATABASE_URL=postgres://...)",
)
GUNICORN_TIMEOUT_SECONDS = 30  # gunicorn's default, which docker/entrypoint.sh keeps


def statement_timeout():
    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        return cursor.fetchone()[0]


def slow_view(*args, **kwargs):
    """A view whose query outlasts a 50 ms limit (in a savepoint, so the test's transaction survives)."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL statement_timeout = 50")
        cursor.execute("SELECT pg_sleep(2)")


@pytest.mark.django_db
def test_the_web_process_has_the_timeout_below_the_worker_timeout():
    assert 0 < settings.CTDB_STATEMENT_TIMEOUT_MS < GUNICORN_TIMEOUT_SECONDS * 1000
    assert statement_timeout() == f"{settings.CTDB_STATEMENT_TIMEOUT_MS // 1000}s"


@pytest.mark.django_db
def test_a_cancelled_api_query_is_a_503_with_its_reason(caplog):
    client = Client(raise_request_exception=False)
    with caplog.at_level(logging.INFO), mock.patch("ctdb.organisations.api.OrganisationViewSet.list", slow_view):
        response = client.get("/api/v1/organisations/")
    assert response.status_code == 503
    assert response["Retry-After"] == str(RETRY_AFTER_SECONDS) and response["Content-Type"] == "application/json"
    assert "took too long" in response.json()["detail"]
    assert "pg_sleep" not in response.content.decode()
    logged = [(r.name, r.levelno) for r in caplog.records if r.levelno >= logging.WARNING]
    assert logged == [("ctdb.ops.errors", logging.WARNING)], logged


@pytest.mark.django_db
def test_a_cancelled_admin_query_is_a_short_503_page(admin_user):
    client = Client(raise_request_exception=False)
    client.force_login(admin_user)
    with mock.patch("django.contrib.admin.ModelAdmin.changelist_view", slow_view):
        response = client.get("/admin/core/organisation/")
    assert response.status_code == 503 and response["Retry-After"] == str(RETRY_AFTER_SECONDS)
    assert response["Content-Type"].startswith("text/html")
    assert "took too long" in response.content.decode() and "Traceback" not in response.content.decode()


def show_timeout_in(*argv, preamble=""):
    """statement_timeout as a fresh process sees it, on the test database, with a 1234 ms setting."""
    database = settings.DATABASES["default"]
    url = f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/{database['NAME']}"
    env = {**os.environ, "DATABASE_URL": url, "CTDB_STATEMENT_TIMEOUT_MS": "1234"}
    show = "from django.db import connection; c = connection.cursor(); c.execute('SHOW statement_timeout'); "
    show += "print(c.fetchone()[0])"
    result = subprocess.run(
        [sys.executable, *argv, preamble + show],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return result.stdout.strip().splitlines()[-1]


@pytest.mark.django_db
def test_management_commands_run_without_the_timeout():
    assert show_timeout_in("manage.py", "shell", "-v", "0", "-c") == "0"


@pytest.mark.django_db
def test_other_processes_have_the_configured_timeout():
    assert show_timeout_in("-c", preamble="import django; django.setup(); ") == "1234ms"
