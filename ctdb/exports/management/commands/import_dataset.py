"""Load an exported dataset directory into an empty database."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ctdb.exports.importer import DEFAULT_BATCH_SIZE, DatasetError, check_dataset, import_dataset
from ctdb.exports.spec import TABLES


class Command(BaseCommand):
    """The inverse of export_dataset: for restoring a published release or
    checking that an export reads back. It refuses a database that already
    holds records rather than merge into it (the curated fixtures merge with
    `load_dataset --update`)."""

    help = (
        "Load the CSV files of a dataset export (a directory export_dataset wrote) into an empty database, "
        "all or nothing. Refuses a database that already holds records."
    )

    def add_arguments(self, parser):
        parser.add_argument("directory", help="the export's directory (its CSV files, and manifest.json if present)")
        parser.add_argument("--batch-size", type=int, default=DEFAULT_BATCH_SIZE, help="rows inserted per query")
        parser.add_argument("--database", default="default")

    def handle(self, *args, **options):
        directory = Path(options["directory"])
        using = options["database"]
        if not directory.is_dir():
            raise CommandError(f"{directory} is not a directory")
        # Another schema version, or a file missing, before the database: what
        # to fix first is the export.
        try:
            check_dataset(directory)
        except DatasetError as error:
            raise CommandError(f"nothing imported: {error}") from error
        holding = [table.filename for table in TABLES if table.model._default_manager.using(using).exists()]
        if holding:
            raise CommandError(f"the database already holds records ({', '.join(holding)}): import into an empty one")
        try:
            counts = import_dataset(directory, using=using, batch_size=options["batch_size"])
        except (DatasetError, FileNotFoundError) as error:
            raise CommandError(f"nothing imported: {error}") from error
        for name, rows in counts.items():
            self.stdout.write(f"{name:<32}{rows:>10} rows")
        self.stdout.write(f"imported {sum(counts.values())} rows from {directory}")
