"""Rate limits for anonymous clients, counted once for all workers.

Each gunicorn worker is its own process: counts kept in a worker's memory
let every worker grant the full rate (four workers, four times the limit).
The counts are in the `shared` cache, Redis (CTDB_REDIS_URL), and each
request adds one with an atomic increment, so concurrent workers never
overwrite each other's counts as a read-then-write of a request log would.

A client's window opens with its first request and lasts the rate's period
(a minute for `600/minute`); within it, requests beyond the rate get 429,
with Retry-After saying when the window closes.
"""

import logging

from django.core.cache import caches
from django.core.cache.backends.locmem import LocMemCache
from redis.exceptions import RedisError
from rest_framework.settings import api_settings
from rest_framework.throttling import AnonRateThrottle

from ctdb.ops.client_ip import client_ip

SHARED_CACHE = "shared"

logger = logging.getLogger(__name__)

if isinstance(caches[SHARED_CACHE], LocMemCache):
    logger.warning(
        "CTDB_REDIS_URL is not set: each process throttles the API on its own, so with several "
        "workers clients get several times CTDB_API_ANON_RATE. Set CTDB_REDIS_URL in production."
    )


class AnonymousRateThrottle(AnonRateThrottle):
    """DRF's anonymous throttle, with shared atomic counts.

    The rate is read when a request comes in (DRF binds it at import), so a
    changed setting (a test, a reloaded configuration) takes effect.
    """

    @property
    def cache(self):
        return caches[SHARED_CACHE]

    def get_rate(self):
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)

    def get_ident(self, request):
        """The client's address, believing X-Forwarded-For only from trusted proxies."""
        return client_ip(request)

    def allow_request(self, request, view):
        if self.rate is None:
            return True
        self.key = self.get_cache_key(request, view)
        if self.key is None:
            return True
        self.now = self.timer()
        try:
            count = self.count()
        except RedisError as error:
            # A rate limit is no reason to refuse readers: serve, and say so loudly.
            logger.warning("API throttle not applied: the shared cache is unreachable (%s)", error)
            return True
        if count <= self.num_requests:
            return True
        return self.throttle_failure()

    def count(self):
        """This request's number in the client's current window."""
        for _attempt in range(2):
            if self.cache.add(self.key, 0, self.duration):
                self.cache.set(f"{self.key}:opened", self.now, self.duration)
            try:
                return self.cache.incr(self.key)
            except ValueError:  # the window closed between add() and incr(): open the next
                continue
        raise RuntimeError(f"throttle count {self.key} keeps expiring")

    def wait(self):
        opened = self.cache.get(f"{self.key}:opened", self.now)
        return max(opened + self.duration - self.now, 1)
