"""While the database is down the API and the admin answer 503 with
Retry-After (JSON for the API, a short page for the admin), never a stack
trace, and they recover by themselves when it is back."""

from unittest import mock

import pytest
from django.conf import settings
from django.db import InterfaceError, OperationalError, connection
from django.test import Client

from ctdb.ops.errors import RETRY_AFTER_SECONDS, is_database_unavailable

from .servers import TcpProxy, free_port, get, gunicorn

API = "/api/v1/organisations/"
ADMIN = "/admin/core/organisation/"
ON_POSTGRES = settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
LEAKS = ("Traceback", 'File "', "OperationalError", "psycopg", "sqlite3", "SELECT ")


def assert_unavailable(status, headers, body, api):
    assert status == 503, body[:2000]
    assert headers["Retry-After"] == str(RETRY_AFTER_SECONDS)
    for leak in LEAKS:
        assert leak not in body, f"{leak!r} in the 503 body"
    if api:
        assert headers["Content-Type"] == "application/json"
        assert "temporarily unavailable" in body
    else:
        assert headers["Content-Type"].startswith("text/html")
        assert "Temporarily unavailable" in body


# In the test process: the handler picks database errors out of all the others.


def test_database_errors_are_recognised():
    assert is_database_unavailable(OperationalError("connection refused"))
    assert is_database_unavailable(InterfaceError("connection already closed"))
    try:
        try:
            raise OperationalError("server closed the connection unexpectedly")
        except OperationalError as error:
            raise RuntimeError("while rendering") from error
    except RuntimeError as wrapped:
        assert is_database_unavailable(wrapped)
    assert not is_database_unavailable(ValueError("a bug"))
    assert not is_database_unavailable(None)


@pytest.mark.django_db
def test_api_answers_503_json_in_process():
    client = Client(raise_request_exception=False)
    with mock.patch("ctdb.organisations.api.OrganisationViewSet.list", side_effect=OperationalError("no database")):
        response = client.get(API)
    assert_unavailable(response.status_code, response.headers, response.content.decode(), api=True)
    assert response["Content-Security-Policy"]


@pytest.mark.django_db
def test_admin_answers_503_page_in_process(admin_user):
    client = Client(raise_request_exception=False)
    client.force_login(admin_user)
    with mock.patch(
        "django.contrib.sessions.backends.db.SessionStore.load", side_effect=OperationalError("no database")
    ):
        response = client.get(ADMIN)
    assert_unavailable(response.status_code, response.headers, response.content.decode(), api=False)


@pytest.mark.django_db
def test_other_api_errors_are_json_500s_without_traceback():
    client = Client(raise_request_exception=False)
    with mock.patch("ctdb.organisations.api.OrganisationViewSet.list", side_effect=ValueError("a bug")):
        response = client.get(API)
    assert response.status_code == 500
    assert response.json() == {"detail": "Server error."}


# A real server (gunicorn, DEBUG off) with no database behind it.


@pytest.mark.parametrize(
    "database_url",
    [
        pytest.param(f"postgres://postgres@127.0.0.1:{free_port()}/ctdb", id="postgres-closed-port"),
        pytest.param("sqlite:////nonexistent-directory/ctdb.sqlite3", id="sqlite-unreadable-path"),
    ],
)
def test_server_answers_503_without_database(tmp_path, database_url):
    with gunicorn(database_url, tmp_path / "gunicorn.log") as base:
        assert_unavailable(*get(base + API), api=True)
        # An editor's session is looked up in the database.
        assert_unavailable(*get(base + ADMIN, cookies={"sessionid": "x" * 32}), api=False)
        # A page that needs no database still works.
        status, _headers, _body = get(base + "/admin/login/")
        assert status == 200
    log = (tmp_path / "gunicorn.log").read_text()
    assert "Traceback" in log  # the details go to the log, not to the client


# The database goes away and comes back, through a proxy the test controls.


@pytest.mark.skipif(
    not ON_POSTGRES,
    reason="needs PostgreSQL (run with DATABASE_URL=postgres://...): SQLite has no server to lose; "
    "test_server_answers_503_without_database covers its 503",
)
@pytest.mark.django_db
def test_outage_and_recovery_through_proxy(tmp_path):
    # The server reads the test database, whose rows this test's transaction hides from it:
    # the API lists no organisation, and a session cookie is looked up and not found.
    cookies = {"sessionid": "x" * 32}
    db = connection.settings_dict
    proxy = TcpProxy((db["HOST"] or "127.0.0.1", int(db["PORT"] or 5432)))
    proxy.start()
    credentials = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    database_url = f"postgres://{credentials}@127.0.0.1:{proxy.port}/{db['NAME']}"
    try:
        # Connections are kept between requests, as docker-compose does.
        with gunicorn(database_url, tmp_path / "gunicorn.log", DJANGO_CONN_MAX_AGE="60") as base:

            def assert_up():
                status, _headers, body = get(base + API)
                assert status == 200, body[:2000]
                assert '"results"' in body
                # The session was looked up (none found): the admin sends to its login page.
                status, headers, body = get(base + ADMIN, cookies=cookies, follow=False)
                assert status == 302, body[:2000]
                assert headers["Location"].startswith("/admin/login/")

            assert_up()

            # The database restarts while the app is idle: its kept connection is
            # dead, and the next request reconnects instead of failing.
            proxy.stop()
            proxy.start()
            assert_up()

            # Down: 503, not a stack trace, as often as asked.
            proxy.stop()
            for _attempt in range(2):
                assert_unavailable(*get(base + API), api=True)
                assert_unavailable(*get(base + ADMIN, cookies=cookies), api=False)

            # Back: the very next requests succeed, with no restart of the app.
            proxy.start()
            assert_up()
    finally:
        proxy.stop()
