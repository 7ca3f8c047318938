"""The master's warm-up before gunicorn forks its workers (ctdb.ops.warm_up)."""

import os
import re
import subprocess
import sys
from pathlib import Path

from ctdb.api.urls import router
from tests.databases import fresh_database
from tests.ops.compose import service_environment

ROOT = Path(__file__).resolve().parents[2]


def run(env, *args):
    done = subprocess.run([sys.executable, *args], env=env, cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout + done.stderr


def test_docker_compose_warms_the_web_service_up():
    assert service_environment("web")["CTDB_WARM_UP"] == "1"


def test_the_warm_up_asks_every_route_then_closes_its_connections(tmp_path):
    with fresh_database(tmp_path, "warmup") as database_url:
        env = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "CTDB_"))}
        env.update(DATABASE_URL=database_url, DJANGO_SECRET_KEY="warm-up-test-key", DJANGO_DEBUG="0")
        run(env, "manage.py", "migrate", "--no-input", "-v0")
        run(env, "manage.py", "load_dataset", "--if-empty")
        script = (
            "import ctdb.wsgi; from django.db import connections;"
            "print('connections', [c.connection for c in connections.all(initialized_only=True)]);"
            "import gc; print('frozen', gc.get_freeze_count(), 'threshold', gc.get_threshold()[0])"
        )
        output = run({**env, "CTDB_WARM_UP": "1", "DJANGO_LOG_LEVEL": "INFO"}, "-c", script)
    warmed = re.search(r"warmed up in \d+ ms: (\d+) requests, (\d+) not answered 2xx or 3xx", output)
    assert warmed, output
    # The root, then per route at least its list, CSV, sync page and a record's detail (the fixtures have one of each).
    assert int(warmed[1]) >= 1 + 4 * len(router.registry), output
    assert warmed[2] == "0", output
    assert "connections [None]" in output or "connections []" in output, output
    # What the master made is frozen out of the collector's sight for the workers it forks.
    frozen = re.search(r"frozen (\d+) threshold (\d+)", output)
    assert int(frozen[1]) > 10_000 and int(frozen[2]) == 50_000, output


def test_without_the_setting_nothing_is_asked_or_frozen():
    env = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "CTDB_"))}
    env.update(DJANGO_SECRET_KEY="warm-up-test-key", DJANGO_DEBUG="0", DJANGO_LOG_LEVEL="INFO")
    output = run(env, "-c", "import ctdb.wsgi, gc; print('frozen', gc.get_freeze_count())")
    assert "warmed up" not in output and "frozen 0" in output, output


def test_a_failing_warm_up_is_logged_and_the_server_starts(tmp_path):
    env = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "CTDB_"))}
    # A database that does not exist: every request fails, the import still succeeds.
    env.update(
        DATABASE_URL=f"sqlite:///{tmp_path / 'missing' / 'none.sqlite3'}",
        DJANGO_SECRET_KEY="warm-up-test-key",
        DJANGO_DEBUG="0",
        DJANGO_LOG_LEVEL="INFO",
        CTDB_WARM_UP="1",
    )
    output = run(env, "-c", "import ctdb.wsgi; print('application', ctdb.wsgi.application is not None)")
    assert "application True" in output, output
    assert "warm-up stopped" in output or re.search(r"[1-9]\d* not answered", output), output
