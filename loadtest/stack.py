"""docker-compose's web and nginx services, outside Docker, for `loadtest/run.sh`.

The load test is meant to measure what docker-compose deploys, so it reads
the web service's environment from docker-compose.yml (through the same
interpolation the ops tests use) and serves docker/nginx.conf itself, with
only what must differ on one machine replaced: the addresses (nginx and
gunicorn on 127.0.0.1, so nginx is the trusted proxy 127.0.0.1), the
database, Redis, and nginx's private directory.

    python loadtest/stack.py create-db        # creates DATABASE_URL's database if it is missing
    python loadtest/stack.py web-env          # shell-quoted NAME=value words for `env -i`
    python loadtest/stack.py forget-counts    # deletes the API throttle's counts of an earlier run
    python loadtest/stack.py nginx-conf DIR UPSTREAM_PORT LISTEN_PORT   # writes DIR/nginx.conf
"""

import os
import shlex
import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.ops.compose import service_environment  # noqa: E402

# What a real .env would hold; the load test's own values unless the shell sets them.
DOTENV = {
    "POSTGRES_PASSWORD": "loadtest-unused",  # the database is DATABASE_URL's
    "DJANGO_SECRET_KEY": "loadtest-only-secret-key-3b7e91c4d2a8f6051e9c7a3d5b2f8e4c",
}


def web_environment(environ=os.environ):
    """The web service's environment, with this machine's addresses."""
    variables = {**DOTENV, **{name: environ[name] for name in DOTENV if environ.get(name)}}
    web = service_environment("web", variables)
    web.update(
        DATABASE_URL=environ["DATABASE_URL"],
        CTDB_REDIS_URL=environ.get("LOADTEST_REDIS_URL", "redis://127.0.0.1:6379/5"),
        # nginx reaches gunicorn from 127.0.0.1, and so does the client that stands for the TLS proxy.
        CTDB_TRUSTED_PROXIES="127.0.0.1",
    )
    return web


def create_database(url):
    """Create the database `url` names, through the server's `postgres` database, unless it exists."""
    import psycopg
    from psycopg import sql

    name = urlsplit(url).path.lstrip("/")
    with psycopg.connect(urlunsplit(urlsplit(url)._replace(path="/postgres")), autocommit=True) as connection:
        if not connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone():
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
            print(f"created database {name}")


def forget_counts(redis_url):
    """Delete ctdb's keys (the throttle's counts) from the load test's own Redis database,
    so that a run right after another starts every client's window afresh."""
    import redis

    client = redis.Redis.from_url(redis_url)
    try:
        keys = list(client.scan_iter(match="ctdb:*", count=1000))
        if keys:
            client.delete(*keys)
    finally:
        client.close()


def nginx_conf(directory, upstream_port, listen_port):
    """docker/nginx.conf with local ports and paths under `directory`."""
    directory = Path(directory).resolve()  # nginx reads a relative path as under its own prefix
    text = (ROOT / "docker" / "nginx.conf").read_text()
    for old, new in (
        ("server web:8000;", f"server 127.0.0.1:{upstream_port};"),
        ("listen 8080;", f"listen 127.0.0.1:{listen_port};"),
        ("/tmp/nginx", str(directory / "nginx")),
    ):
        if old not in text:
            raise SystemExit(f"docker/nginx.conf no longer contains {old!r}: update loadtest/stack.py")
        text = text.replace(old, new)
    path = directory / "nginx.conf"
    path.write_text(text)
    return path


def main(argv):
    if argv[:1] == ["create-db"]:
        create_database(os.environ["DATABASE_URL"])
    elif argv[:1] == ["forget-counts"]:
        forget_counts(web_environment()["CTDB_REDIS_URL"])
    elif argv[:1] == ["web-env"]:
        print(" ".join(shlex.quote(f"{name}={value}") for name, value in web_environment().items()))
    elif argv[:1] == ["nginx-conf"] and len(argv) == 4:
        print(nginx_conf(*argv[1:]))
    else:
        raise SystemExit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])
