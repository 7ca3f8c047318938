"""Delete every synthetic record, and nothing else."""

import time

from django.core.management.base import BaseCommand, CommandError
from django.db import IntegrityError

from ctdb.synthetic.engine import remove, summary


class Command(BaseCommand):
    """Delete the rows `generate_synthetic` made (slugs starting
    `synthetic-`, their aliases and any history of them) in one transaction:
    citations, then links, then records, then articles. Curated rows are never
    touched; if a curated row refers to a synthetic one, nothing is deleted."""

    help = "Delete all synthetic data (slugs starting `synthetic-`) in one transaction."

    def add_arguments(self, parser):
        parser.add_argument("--database", default="default")

    def handle(self, *args, database, **options):
        started = time.monotonic()
        try:
            counts = remove(using=database)
        except IntegrityError as error:
            raise CommandError(f"nothing deleted: a curated record refers to a synthetic one ({error})") from None
        self.stdout.write(summary(counts))
        self.stdout.write(f"deleted {sum(counts.values())} rows in {time.monotonic() - started:.1f} s")
