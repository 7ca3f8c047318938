"""Back up the database to a file and restore it from one.

PostgreSQL: `pg_dump --format=custom` and `pg_restore --clean`, in one
transaction, so a failed restore leaves the database as it was. SQLite: the
sqlite3 online backup API, which copies a consistent snapshot even while the
app writes, in both directions. Either way the file holds every table:
records, their history, users and migrations.
"""

import os
import shutil
import sqlite3
import subprocess
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path

POSTGRESQL = "django.db.backends.postgresql"
SQLITE = "django.db.backends.sqlite3"
# What each kind of backup file starts with.
MAGIC = {POSTGRESQL: b"PGDMP", SQLITE: b"SQLite format 3\x00"}
SUFFIX = {POSTGRESQL: ".dump", SQLITE: ".sqlite3"}


class BackupError(Exception):
    """A backup or restore that could not be done, with the reason."""


def engine_of(settings_dict):
    engine = settings_dict["ENGINE"]
    if engine not in MAGIC:
        raise BackupError(f"backups support PostgreSQL and SQLite, not {engine}")
    return engine


def default_path(settings_dict, directory):
    """var/backups/ctdb-<database>-<UTC time>.<dump|sqlite3>"""
    engine = engine_of(settings_dict)
    name = Path(str(settings_dict["NAME"])).stem if engine == SQLITE else settings_dict["NAME"]
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    return Path(directory) / f"ctdb-{name}-{stamp}{SUFFIX[engine]}"


def backup(settings_dict, path):
    """Write a backup of the database described by `settings_dict` to `path`."""
    engine = engine_of(settings_dict)
    path = Path(path)
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")  # never a half-written file under the real name
    # Readable by its owner only: a backup holds password hashes and sessions.
    partial.unlink(missing_ok=True)
    partial.touch(mode=0o600)
    try:
        if engine == POSTGRESQL:
            run_pg(["pg_dump", "--format=custom", "--file", str(partial)], settings_dict)
        else:
            copy_sqlite(f"file:{sqlite_file(settings_dict)}?mode=ro", partial)
        partial.replace(path)
    finally:
        partial.unlink(missing_ok=True)
    return path


def restore(settings_dict, path):
    """Replace the database's contents with those of the backup at `path`."""
    engine = engine_of(settings_dict)
    path = Path(path)
    check_file(engine, path)
    if engine == POSTGRESQL:
        run_pg(
            [
                "pg_restore",
                "--clean",
                "--if-exists",
                "--single-transaction",
                "--exit-on-error",
                "--no-owner",
                "--no-privileges",
                str(path),
            ],
            settings_dict,
            database_option="--dbname",
        )
    else:
        copy_sqlite(f"file:{path}?mode=ro", sqlite_file(settings_dict, must_exist=False))


def copy_sqlite(source_uri, target):
    """Copy a whole SQLite database page by page (the online backup API), under its locks."""
    with closing(sqlite3.connect(source_uri, uri=True)) as source, closing(sqlite3.connect(target)) as destination:
        source.backup(destination)


def check_file(engine, path):
    if not path.is_file():
        raise BackupError(f"no backup file at {path}")
    with path.open("rb") as file:
        head = file.read(len(MAGIC[engine]))
    if head != MAGIC[engine]:
        kind = "PostgreSQL custom-format dump (pg_dump -Fc)" if engine == POSTGRESQL else "SQLite database file"
        raise BackupError(f"{path} is not a {kind}, which this database needs")


def sqlite_file(settings_dict, must_exist=True):
    name = str(settings_dict["NAME"])
    if name == ":memory:" or name.startswith("file:"):
        raise BackupError(f"cannot back up the in-memory SQLite database {name!r}")
    if must_exist and not Path(name).is_file():
        raise BackupError(f"no SQLite database at {name}")
    return name


def run_pg(command, settings_dict, database_option=None):
    """Run a PostgreSQL client program against the database in `settings_dict`."""
    program = command[0]
    if shutil.which(program) is None:
        raise BackupError(f"{program} is not installed (Debian: apt-get install postgresql-client)")
    connection = []
    if settings_dict.get("HOST"):
        connection += ["--host", str(settings_dict["HOST"])]
    if settings_dict.get("PORT"):
        connection += ["--port", str(settings_dict["PORT"])]
    if settings_dict.get("USER"):
        connection += ["--username", str(settings_dict["USER"])]
    connection += ["--no-password"]
    database = [database_option, settings_dict["NAME"]] if database_option else [settings_dict["NAME"]]
    env = dict(os.environ)
    if settings_dict.get("PASSWORD"):
        env["PGPASSWORD"] = str(settings_dict["PASSWORD"])  # not on the command line, where ps shows it
    for option, variable in (("sslmode", "PGSSLMODE"), ("sslrootcert", "PGSSLROOTCERT")):
        value = (settings_dict.get("OPTIONS") or {}).get(option)
        if value:
            env[variable] = str(value)
    result = subprocess.run(
        [*command[:1], *connection, *command[1:], *database], env=env, capture_output=True, text=True
    )
    if result.returncode != 0:
        raise BackupError(f"{program} failed (exit {result.returncode}):\n{result.stderr.strip()}")
