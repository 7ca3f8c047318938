"""Delete the files of admin imports previewed and never confirmed."""

from django.core.management.base import BaseCommand

from ...import_storage import import_dir, max_age_seconds, sweep


class Command(BaseCommand):
    help = (
        "Delete the temp files of admin imports older than CTDB_IMPORT_TEMP_MAX_AGE_SECONDS: previews never "
        "confirmed. Every upload does this too; run it from cron where uploads are rare. Prints how many it deleted."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--max-age", type=int, help="age in seconds (default: CTDB_IMPORT_TEMP_MAX_AGE_SECONDS)", dest="max_age"
        )

    def handle(self, *args, max_age=None, **options):
        removed = sweep(max_age=max_age_seconds() if max_age is None else max_age)
        self.stdout.write(f"Deleted {len(removed)} import file(s) from {import_dir()}.")
