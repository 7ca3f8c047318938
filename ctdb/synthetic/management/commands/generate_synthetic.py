"""Fill the database with synthetic records in bulk, for scale tests."""

import sys
import time

from django.core.management.base import BaseCommand, CommandError

from ctdb.synthetic.engine import DEFAULT_BATCH_SIZE, generate, summary


class Command(BaseCommand):
    """Generate N attacks (campaigns included) with attributions, links and
    citations, plus organisations with aliases, actors with affiliations and
    agreements with parties, sized to N. The same seed gives the same rows.
    Every slug starts with `synthetic-`, synthetic records cite only
    synthetic articles, and `manage.py remove_synthetic` deletes them all."""

    help = "Generate reproducible synthetic data (slugs starting `synthetic-`) for scale tests."

    def add_arguments(self, parser):
        parser.add_argument("--attacks", type=int, required=True, help="number of attacks, campaigns included")
        parser.add_argument("--seed", type=int, default=0, help="same seed, same rows (default 0)")
        parser.add_argument(
            "--batch-size",
            type=int,
            default=DEFAULT_BATCH_SIZE,
            help=f"records per insert round and transaction (default {DEFAULT_BATCH_SIZE})",
        )
        parser.add_argument(
            "--no-copy", action="store_true", help="on PostgreSQL, use bulk_create instead of COPY (slower)"
        )
        parser.add_argument(
            "--defer-search-indexes",
            action="store_true",
            help="on PostgreSQL, drop the name-search (trigram) indexes during the load and rebuild them after: "
            "much faster for large N; name search is slow meanwhile (`migrate` rebuilds them if interrupted)",
        )
        parser.add_argument("--no-progress", action="store_true", help="no progress bar on stderr")
        parser.add_argument("--database", default="default")

    def handle(self, *args, attacks, seed, batch_size, no_copy, defer_search_indexes, no_progress, database, **options):
        if attacks < 1:
            raise CommandError("--attacks must be at least 1")
        started = time.monotonic()
        try:
            counts = generate(
                attacks=attacks,
                seed=seed,
                batch_size=batch_size,
                using=database,
                copy=not no_copy,
                defer_search_indexes=defer_search_indexes,
                progress=not no_progress and sys.stderr.isatty(),
            )
        except ValueError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(summary(counts))
        self.stdout.write(f"generated {sum(counts.values())} rows in {time.monotonic() - started:.1f} s")
