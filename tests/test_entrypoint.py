"""The container entrypoint, run outside Docker against a fresh database:
it migrates, loads the fixtures into the empty database and serves with
gunicorn; run again, it leaves the loaded data alone."""

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.databases import fresh_database

ROOT = Path(__file__).resolve().parent.parent
ENTRYPOINT = ROOT / "docker" / "entrypoint.sh"


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def environment(database_url, port):
    env = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
    env.update(
        DATABASE_URL=database_url,
        DJANGO_SECRET_KEY="entrypoint-test-key",
        DJANGO_DEBUG="0",
        PYTHON=sys.executable,
        CTDB_BIND=f"127.0.0.1:{port}",
        GUNICORN_WORKERS="1",
        CTDB_DB_WAIT_SECONDS="10",
    )
    return env


def get(url):
    with urllib.request.urlopen(url, timeout=5) as response:
        return response.status, response.read()


def test_entrypoint_migrates_loads_and_serves(tmp_path):
    with fresh_database(tmp_path, "entrypoint") as database_url:
        port = free_port()
        env = environment(database_url, port)
        log_path = tmp_path / "entrypoint.log"
        log = log_path.open("wb")
        process = subprocess.Popen(
            [str(ENTRYPOINT)], env=env, cwd=tmp_path, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        try:
            deadline = time.monotonic() + 120
            while True:
                try:
                    status, _body = get(f"http://127.0.0.1:{port}/admin/login/")
                    break
                except urllib.error.HTTPError as error:
                    pytest.fail(f"entrypoint answered {error.code}:\n{log_path.read_text()}")
                except OSError:
                    if process.poll() is not None or time.monotonic() > deadline:
                        pytest.fail(f"entrypoint did not serve (exit {process.poll()}):\n{log_path.read_text()}")
                    time.sleep(0.5)
            assert status == 200
            css_status, _css = get(f"http://127.0.0.1:{port}/static/admin/css/base.css")
            assert css_status == 200  # whitenoise serves the collected static files
        finally:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=30)
            log.close()
        output = log_path.read_text()
        assert "Applying core.0001_initial... OK" in output

        # A second start finds the data and does not load the fixtures again.
        second = subprocess.run(
            [str(ENTRYPOINT), sys.executable, "manage.py", "dumpdata", "core.article", "--natural-primary"],
            env=env,
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert second.returncode == 0, second.stderr
        fixture = ROOT / "fixtures" / "ctdb.json"
        if fixture.exists():
            assert "already holds ctdb records: fixtures not loaded" in second.stdout
            dumped = json.loads(second.stdout[second.stdout.index("[") :])
            expected = [item for item in json.loads(fixture.read_text()) if item["model"] == "core.article"]
            assert len(dumped) == len(expected) > 0


def manage(env, *args):
    done = subprocess.run(
        [sys.executable, "manage.py", *args], env=env, cwd=ROOT, capture_output=True, text=True, timeout=180
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def test_worker_waits_for_the_migrations_then_runs_the_queued_jobs(tmp_path):
    """`entrypoint.sh worker` (docker-compose's worker service) never migrates:
    it waits for the web service to, then runs the import jobs queued in the
    database."""
    with fresh_database(tmp_path, "worker") as database_url:
        env = environment(database_url, free_port())
        log_path = tmp_path / "worker.log"
        log = log_path.open("wb")
        process = subprocess.Popen(
            [str(ENTRYPOINT), "worker"],
            env=env,
            cwd=tmp_path,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            time.sleep(5)
            assert process.poll() is None, log_path.read_text()  # waiting, not failed
            assert "Applying" not in log_path.read_text()  # and not migrating
            manage(env, "migrate", "--no-input", "-v0")  # as the web service does
            queued = manage(
                env,
                "shell",
                "-c",
                "from ctdb.ops.import_jobs import run_import_job;"
                "print(run_import_job.enqueue('00000000-0000-0000-0000-000000000000').id)",
            ).split()[-1]
            deadline = time.monotonic() + 90
            status = ""
            while time.monotonic() < deadline and status != "SUCCESSFUL":
                status = manage(
                    env,
                    "shell",
                    "-c",
                    "from django_tasks_db.models import DBTaskResult;"
                    f"print(DBTaskResult.objects.get(pk='{queued}').status)",
                ).split()[-1]
                time.sleep(1)
            assert status == "SUCCESSFUL", log_path.read_text()
        finally:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=30)
            log.close()


def test_the_wsgi_module_loads_the_urlconf_without_touching_the_database():
    """gunicorn --preload imports ctdb.wsgi in its master: every view module is
    loaded there once, and no database connection is opened for the forked
    workers to share."""
    script = (
        "import sys, ctdb.wsgi; from django.db import connections;"
        "print('connections', [c.connection for c in connections.all()]);"
        "print('views loaded', 'ctdb.api.views' in sys.modules and 'ctdb.core.admin' in sys.modules)"
    )
    env = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
    env.update(DJANGO_SECRET_KEY="wsgi-test-key", DJANGO_DEBUG="0", PYTHONPATH=str(ROOT))
    done = subprocess.run([sys.executable, "-c", script], env=env, cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert "connections [None]" in done.stdout, done.stdout + done.stderr
    assert "views loaded True" in done.stdout, done.stdout + done.stderr
