"""Settings for the test suite: the base settings with a test-only key."""

import os

os.environ.setdefault("DJANGO_SECRET_KEY", "test-only-secret-key-not-for-deployment")
# The real Redis (which CI runs too), so tests see the counts workers share.
if not (os.environ.get("CTDB_REDIS_URL") or os.environ.get("REDIS_URL")):
    os.environ["REDIS_URL"] = "redis://127.0.0.1:6379/0"

from ctdb.settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
REST_FRAMEWORK = {  # noqa: F405
    **REST_FRAMEWORK,  # noqa: F405
    # A server a test starts may be given a rate to enforce; the suite's own is out of reach.
    "DEFAULT_THROTTLE_RATES": {"anon": os.environ.get("CTDB_TEST_ANON_RATE", "100000/minute")},
}
# Counts of this test process only, so that test runs side by side (or after
# one another) never share them; a server a test starts may be told to share
# this process's counts by passing its prefix as CTDB_TEST_CACHE_PREFIX.
CACHES["shared"]["KEY_PREFIX"] = os.environ.get("CTDB_TEST_CACHE_PREFIX") or f"ctdb-test-{os.getpid()}"  # noqa: F405
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}  # noqa: F405
WHITENOISE_AUTOREFRESH = True  # serve from the finders; no collectstatic before tests
# Import jobs run at once, inside the request that queues them, so a test
# sees their outcome on the next page; tests/ops/test_import_jobs.py runs
# them through the real queue and `manage.py db_worker` as deployed.
# A server or worker a test starts may be given the real queue (CTDB_TEST_REAL_TASKS=1).
if os.environ.get("CTDB_TEST_REAL_TASKS") != "1":
    TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
# The API's answers in this process's memory, whatever Redis there is, so that
# tests see only their own (tests/api/test_cache.py checks the Redis path).
CTDB_API_CACHE = "api"
