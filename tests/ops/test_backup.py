"""Backups: `manage.py backup_db` then `manage.py restore_db` (what `make backup`
and `make restore` run) give back every row of every table, history included,
in a fresh database of the suite's kind (a SQLite file, or a new PostgreSQL
database made and dropped here)."""

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from django.conf import settings

from ctdb.ops.backup import BackupError, check_file
from tests.databases import fresh_database

from .compose import ROOT

ON_POSTGRES = settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"

# Row count and a SHA-256 of the sorted rows of every table in the database.
CHECKSUMS = textwrap.dedent(
    """
    import hashlib, json
    from django.db import connection
    result = {}
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names(cursor)):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            rows = sorted(repr(tuple(bytes(v) if isinstance(v, memoryview) else v for v in row))
                          for row in cursor.fetchall())
            result[table] = [len(rows), hashlib.sha256("\\n".join(rows).encode()).hexdigest()]
    print(json.dumps(result))
    """
)

# A new database as `make run` makes it (one process: the suite's time matters),
# then a change an editor makes: saved through the ORM, so it gets a history entry.
SET_UP = textwrap.dedent(
    """
    from django.core.management import call_command
    call_command("migrate", interactive=False, verbosity=0)
    call_command("load_dataset", verbosity=0)

    from ctdb.core.models import Organisation
    organisation = Organisation.objects.order_by("slug").first()
    organisation.name_en = organisation.name_en + " (edited before the backup)"
    organisation.save()
    """
)

# Damage after the backup: records altered behind history's back, history
# deleted, aliases deleted, a record added.
DAMAGE = textwrap.dedent(
    """
    from ctdb.core import models
    models.Organisation.objects.update(name_en="overwritten")
    models.Organisation.history.all().delete()
    models.Attack.history.all().delete()
    models.OrganisationAlias.objects.all().delete()
    models.Organisation.objects.create(slug="added-after-backup", name_en="Added", kind="state")
    """
)


def command_runner(database_url, backup_dir):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "CTDB_")) and k != "DATABASE_URL"}
    env.update(
        DJANGO_SETTINGS_MODULE="ctdb.settings",
        DJANGO_SECRET_KEY="backup-test-only-secret-key",
        DATABASE_URL=database_url,
        CTDB_BACKUP_DIR=str(backup_dir),
    )

    def manage(*args, check=True):
        result = subprocess.run(
            [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
        )
        if check:
            assert result.returncode == 0, f"manage.py {' '.join(args)}:\n{result.stdout}\n{result.stderr}"
        return result

    return manage


def test_backup_and_restore_lose_nothing(tmp_path):
    backups = tmp_path / "backups"
    with fresh_database(tmp_path, "ops_backup") as database_url:
        manage = command_runner(database_url, backups)
        before = json.loads(manage("shell", "--verbosity", "0", "-c", SET_UP + CHECKSUMS).stdout)
        assert before["core_organisation"][0] > 0
        assert before["core_historicalorganisation"][0] > before["core_organisation"][0]  # loaded, then edited
        assert before["core_organisationalias"][0] > 0

        backup_file = Path(manage("backup_db").stdout.strip().splitlines()[-1])
        assert backup_file.parent == backups
        assert backup_file.stat().st_size > 0
        assert backup_file.stat().st_mode & 0o077 == 0  # private to its owner

        damaged = json.loads(manage("shell", "--verbosity", "0", "-c", DAMAGE + CHECKSUMS).stdout)
        changed = {table for table in before if before[table] != damaged.get(table)}
        assert {"core_organisation", "core_historicalorganisation", "core_organisationalias"} <= changed

        restored = manage("restore_db", str(backup_file), "--no-input")
        after = json.loads(manage("shell", "--verbosity", "0", "-c", CHECKSUMS).stdout)
        differing = {table: (before.get(table), after.get(table)) for table in before.keys() | after.keys()}
        differing = {table: pair for table, pair in differing.items() if pair[0] != pair[1]}
        assert differing == {}, differing

        # The data the restore replaced was backed up first.
        assert "backed up to" in restored.stdout
        assert len(list(backups.iterdir())) == 2


def test_restore_refuses_a_file_of_the_wrong_kind(tmp_path):
    wrong = tmp_path / "not-a-backup.dump"
    wrong.write_bytes(b"id,slug\n1,x\n")
    with pytest.raises(BackupError, match="is not a"):
        check_file(settings.DATABASES["default"]["ENGINE"], wrong)
    with pytest.raises(BackupError, match="no backup file"):
        check_file(settings.DATABASES["default"]["ENGINE"], tmp_path / "missing.dump")


def test_make_targets_exist():
    makefile = (ROOT / "Makefile").read_text()
    assert "manage.py backup_db" in makefile
    assert "manage.py restore_db" in makefile
