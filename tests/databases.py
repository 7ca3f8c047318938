"""A new, empty database of the suite's kind, for tests that run ctdb in
another process (the entrypoint, backup and restore)."""

import os
from contextlib import contextmanager

from django.conf import settings


@contextmanager
def fresh_database(tmp_path, label):
    """Yield the URL of an empty database named after `label`; drop it after."""
    db = settings.DATABASES["default"]
    if db["ENGINE"].endswith("sqlite3"):
        yield f"sqlite:///{tmp_path / f'{label}.sqlite3'}"
        return
    import psycopg

    name = f"ctdb_{label}_{os.getpid()}"
    server = f"{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
    user = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    admin_url = f"postgresql://{user}@{server}/postgres"

    def drop():
        with psycopg.connect(admin_url, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    drop()
    with psycopg.connect(admin_url, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"postgres://{user}@{server}/{name}"
    finally:
        drop()
