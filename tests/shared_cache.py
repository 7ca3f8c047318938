"""The shared cache (Redis) as the tests use it: this test process's keys only."""

import redis
from django.conf import settings


def forget_shared_counts():
    """Delete this process's keys from Redis, and no one else's: clear()
    would empty the whole Redis database under other test runs."""
    shared = settings.CACHES["shared"]
    client = redis.Redis.from_url(shared["LOCATION"])
    try:
        keys = list(client.scan_iter(match=f"{shared['KEY_PREFIX']}:*", count=1000))
        if keys:
            client.delete(*keys)
    finally:
        client.close()
