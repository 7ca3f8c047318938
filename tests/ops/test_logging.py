"""Logs go to stdout as one JSON object per line (DEBUG off), ready for a
log collector; a traceback stays inside its record."""

import json
import os
import subprocess
import sys
import textwrap

from .compose import ROOT

LOG_SOME = textwrap.dedent(
    """
    import logging
    from django.test import RequestFactory
    logging.getLogger("ctdb.test").warning("imported %s rows", 3, extra={"model": "attack"})
    try:
        1 / 0
    except ZeroDivisionError:
        logging.getLogger("django.request").error(
            "Internal Server Error: %s", "/api/v1/attacks/",
            exc_info=True,
            extra={"status_code": 500, "request": RequestFactory().get("/api/v1/attacks/?search=x")},
        )
    """
)


def run(**env_overrides):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "CTDB_")) and k != "DATABASE_URL"}
    env.update(DJANGO_SETTINGS_MODULE="ctdb.settings", DJANGO_SECRET_KEY="logging-test-key", **env_overrides)
    return subprocess.run(
        [sys.executable, "manage.py", "shell", "--verbosity", "0", "-c", LOG_SOME],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_logs_are_json_lines_on_stdout():
    result = run(DJANGO_DEBUG="0")
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(records) == 2

    warning, error = records
    assert warning["level"] == "WARNING"
    assert warning["logger"] == "ctdb.test"
    assert warning["message"] == "imported 3 rows"
    assert warning["model"] == "attack"
    assert warning["time"].endswith("+00:00")

    assert error["level"] == "ERROR"
    assert error["status_code"] == 500
    assert error["method"] == "GET"
    assert error["path"] == "/api/v1/attacks/"  # the path, not the query or the headers
    assert "Traceback" in error["exc_info"] and "ZeroDivisionError" in error["exc_info"]


def test_plain_logs_when_asked():
    result = run(DJANGO_DEBUG="0", DJANGO_LOG_FORMAT="plain")
    assert result.returncode == 0, result.stderr
    assert "WARNING ctdb.test imported 3 rows" in result.stdout
