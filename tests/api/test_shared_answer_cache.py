"""With Redis configured (as docker-compose has it), the API's answers are
kept there, one copy for every worker, and a Redis outage costs a miss, not
an error. The real Redis, under this test process's own key prefix."""

import pytest
from django.core.cache import caches

from ctdb.api import cache as answer_cache
from tests import factories as make

from .base import RESOURCE_BY_PATH, get

ATTACKS = RESOURCE_BY_PATH["attacks"]
pytestmark = pytest.mark.django_db


def test_an_answer_is_kept_in_redis_for_every_worker(client, settings, monkeypatch):
    settings.CTDB_API_CACHE = "shared"
    make.attack(slug="shared-cache-attack")
    keys = []
    real_key = answer_cache.cache_key
    monkeypatch.setattr(answer_cache, "cache_key", lambda *a: keys.append(real_key(*a)) or keys[-1])
    first = get(client, ATTACKS.url(), page_size=3)
    assert first["X-Cache"] == "miss"
    assert caches["shared"].get(keys[-1]) is not None  # in Redis, where any worker reads it
    again = get(client, ATTACKS.url(), page_size=3)
    assert again["X-Cache"] == "hit" and again.content == first.content
    caches["shared"].delete(keys[-1])


def test_an_unreachable_redis_answers_from_the_database_and_warns(client, settings, caplog):
    settings.CACHES = {
        **settings.CACHES,
        "shared": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens there
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        },
    }
    settings.CTDB_API_CACHE = "shared"
    make.attack(slug="no-cache-attack")
    try:
        with caplog.at_level("WARNING", logger="ctdb.api.cache"):
            response = get(client, ATTACKS.url())
        assert response.status_code == 200 and response["X-Cache"] == "miss"
        assert "no-cache-attack" in response.content.decode()
        assert "API cache not read: the shared cache is unreachable" in caplog.text
    finally:
        caches["shared"].close()
