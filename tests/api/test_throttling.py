"""Anonymous clients are limited to CTDB_API_ANON_RATE requests, counted once
for all the server's processes (in Redis), per client address: a forged
X-Forwarded-For neither dodges the limit nor spends someone else's."""

import os
import subprocess
import sys

from django.core.cache import caches

from tests.ops.compose import ROOT
from tests.ops.servers import get, gunicorn

from .base import RESOURCE_BY_PATH

SHARED_CACHE = "shared"  # settings.CACHES: Redis, shared by every process
PROXY = "10.0.0.2"
CLIENT = "203.0.113.7"


def limit(settings, rate, **more):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"anon": rate}, **more}


def test_anonymous_clients_beyond_the_rate_get_429(client, world, settings):
    limit(settings, "2/minute")
    url = RESOURCE_BY_PATH["attacks"].url()
    assert [client.get(url).status_code for _ in range(2)] == [200, 200]
    refused = client.get(url)
    assert refused.status_code == 429
    assert 0 < int(refused["Retry-After"]) <= 60
    assert "throttled" in refused.json()["detail"].lower()


def test_each_address_has_its_own_allowance(client, world, settings):
    limit(settings, "1/minute")
    url = RESOURCE_BY_PATH["attacks"].url()
    assert client.get(url, REMOTE_ADDR="10.0.0.1").status_code == 200
    assert client.get(url, REMOTE_ADDR="10.0.0.1").status_code == 429
    assert client.get(url, REMOTE_ADDR="10.0.0.2").status_code == 200


def test_forwarded_for_header_cannot_dodge_the_limit(client, world, settings):
    limit(settings, "1/minute")
    settings.CTDB_TRUSTED_PROXIES = []
    url = RESOURCE_BY_PATH["attacks"].url()
    assert client.get(url, HTTP_X_FORWARDED_FOR="1.1.1.1").status_code == 200
    assert client.get(url, HTTP_X_FORWARDED_FOR="2.2.2.2").status_code == 429


def test_behind_a_proxy_a_direct_client_cannot_forge_the_header(client, world, settings):
    # NUM_PROXIES=1 told the code before CTDB_TRUSTED_PROXIES about the proxy; it must change nothing.
    limit(settings, "1/minute", NUM_PROXIES=1)
    settings.CTDB_TRUSTED_PROXIES = [PROXY]
    url = RESOURCE_BY_PATH["attacks"].url()
    assert client.get(url, REMOTE_ADDR=CLIENT, HTTP_X_FORWARDED_FOR="192.0.2.1").status_code == 200
    assert client.get(url, REMOTE_ADDR=CLIENT, HTTP_X_FORWARDED_FOR="192.0.2.2").status_code == 429
    # A forged header spends no one else's allowance: 192.0.2.2, through the proxy, is served.
    assert client.get(url, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="192.0.2.2").status_code == 200
    assert client.get(url, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="6.6.6.6, 192.0.2.2").status_code == 429


def test_two_servers_share_one_count(tmp_path, db):
    """Two gunicorn processes, each with its own memory, see each other's
    requests: the third request, to either, is over a rate of 2."""
    shared = {
        "CTDB_TEST_ANON_RATE": "2/minute",
        "CTDB_TEST_CACHE_PREFIX": caches[SHARED_CACHE].key_prefix,  # this test process's keys, cleared per test
    }
    database = f"sqlite:///{tmp_path / 'unused.sqlite3'}"  # the API root reads no database
    with (
        gunicorn(database, tmp_path / "first.log", **shared) as first,
        gunicorn(database, tmp_path / "second.log", **shared) as second,
    ):
        assert get(first + "/api/v1/")[0] == 200
        assert get(second + "/api/v1/")[0] == 200
        assert get(second + "/api/v1/")[0] == 429
        assert get(first + "/api/v1/")[0] == 429
    # ...and so does this test process: four requests from 127.0.0.1, two of them refused.
    assert caches[SHARED_CACHE].get("throttle_anon_127.0.0.1") == 4


def test_without_redis_each_process_counts_alone_and_says_so(tmp_path):
    """`make run`'s settings need no Redis: the API works, with a warning in the log."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "CTDB_")) and k != "REDIS_URL"}
    env.update(
        DJANGO_SETTINGS_MODULE="ctdb.settings",
        DJANGO_DEBUG="1",
        DATABASE_URL=f"sqlite:///{tmp_path / 'run.sqlite3'}",
    )
    script = (
        "import django; django.setup(); from django.test import Client; "
        "print('status', Client(HTTP_HOST='localhost').get('/api/v1/').status_code)"
    )
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True)
    assert "status 200" in result.stdout, result.stdout + result.stderr
    assert "CTDB_REDIS_URL is not set: each process throttles the API on its own" in result.stdout


def test_an_unreachable_redis_serves_and_warns(client, db, settings, caplog):
    """The throttle fails open: a Redis outage is logged, not answered with 500s."""
    settings.CACHES = {
        **settings.CACHES,
        "shared": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens there
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        },
    }
    try:
        with caplog.at_level("WARNING", logger="ctdb.api.throttling"):
            response = client.get("/api/v1/organisations/")
        assert response.status_code == 200
        assert "shared cache is unreachable" in caplog.text
    finally:
        caches["shared"].close()
