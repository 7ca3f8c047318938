"""Restore the database (DATABASE_URL) from a file made by backup_db."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections

from ...backup import BackupError, backup, check_file, default_path, engine_of, restore


class Command(BaseCommand):
    help = (
        "Replace the whole database with a backup made by backup_db (pg_restore --clean in one "
        "transaction on PostgreSQL). The current contents are backed up first. Stop the web "
        "server first: open connections hold locks the restore waits for."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="the backup to restore")
        parser.add_argument("--no-input", "--noinput", action="store_false", dest="interactive")
        parser.add_argument(
            "--no-safety-backup", action="store_false", dest="safety_backup", help="do not back up the current data"
        )
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)

    def handle(self, *args, file, interactive, safety_backup, database, **options):
        connection = connections[database]
        settings_dict = connection.settings_dict
        try:
            check_file(engine_of(settings_dict), Path(file))
        except BackupError as error:
            raise CommandError(str(error)) from None
        if interactive:
            answer = input(
                f"This replaces everything in database {settings_dict['NAME']!r} with {file}.\nType 'yes' to continue: "
            )
            if answer.strip().lower() != "yes":
                raise CommandError("Restore cancelled.")
        connection.close()  # nothing of ours in the way of the restore
        try:
            if safety_backup:
                current = backup(settings_dict, default_path(settings_dict, settings.CTDB_BACKUP_DIR))
                self.stdout.write(f"the data it replaces was backed up to {current}")
            restore(settings_dict, file)
        except BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"restored {settings_dict['NAME']} from {file}")
