"""Back up the database (DATABASE_URL) into var/backups/."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections

from ...backup import BackupError, backup, default_path


class Command(BaseCommand):
    help = (
        "Back up the whole database, history included: pg_dump --format=custom on PostgreSQL, "
        "a consistent copy of the file on SQLite. Prints the backup's path."
    )

    def add_arguments(self, parser):
        parser.add_argument("--output", help="file to write (default: a new timestamped file in CTDB_BACKUP_DIR)")
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)

    def handle(self, *args, output, database, **options):
        settings_dict = connections[database].settings_dict
        try:
            path = backup(settings_dict, output or default_path(settings_dict, settings.CTDB_BACKUP_DIR))
        except BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(str(path))
