"""Export the whole database as a CSV dataset with its codebook and manifest."""

import sys
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from ctdb.exports.codebook import markdown
from ctdb.exports.writer import DEFAULT_CHUNK_SIZE, export_dataset


class Command(BaseCommand):
    """Write one CSV per record type and link table, codebook.md/.json and
    manifest.json (versions, export time, row counts and SHA-256 of every
    file) into a directory, optionally zipped. Rows are streamed, so memory
    stays bounded whatever the size of the database."""

    help = "Export every table as CSV (related records by slug) with a codebook and a manifest."

    def add_arguments(self, parser):
        parser.add_argument(
            "--output", default=str(Path(settings.BASE_DIR) / "var" / "export"), help="directory (default var/export)"
        )
        parser.add_argument("--zip", action="store_true", help="also write one zip of every file")
        parser.add_argument("--bom", action="store_true", help="start the CSV files with a UTF-8 BOM (for Excel)")
        parser.add_argument("--no-progress", action="store_true", help="no progress bar on stderr")
        parser.add_argument(
            "--exclude-synthetic", action="store_true", help="leave out synthetic rows (slugs starting `synthetic-`)"
        )
        parser.add_argument("--chunk-size", type=int, default=DEFAULT_CHUNK_SIZE, help="rows fetched per round trip")
        parser.add_argument(
            "--codebook-only",
            metavar="PATH",
            help="write only the Markdown codebook to PATH (e.g. docs/codebook.md) and stop",
        )
        parser.add_argument("--database", default="default")

    def handle(self, *args, **options):
        if options["codebook_only"]:
            Path(options["codebook_only"]).write_text(markdown(), encoding="utf-8")
            self.stdout.write(f"wrote {options['codebook_only']}")
            return
        # A bar only for a person watching: never in logs or CI output.
        progress = not options["no_progress"] and sys.stderr.isatty()
        manifest = export_dataset(
            options["output"],
            bom=options["bom"],
            make_zip=options["zip"],
            progress=progress,
            using=options["database"],
            chunk_size=options["chunk_size"],
            exclude_synthetic=options["exclude_synthetic"],
        )
        for entry in manifest["files"]:
            rows = f"{entry['rows']:>10} rows" if "rows" in entry else " " * 15
            self.stdout.write(f"{entry['name']:<32}{rows}  {entry['bytes']:>12} bytes")
        if "zip" in manifest:
            self.stdout.write(f"zip: {Path(options['output']) / manifest['zip']}")
        self.stdout.write(
            f"dataset {manifest['dataset_version']}, schema {manifest['schema_version']}, "
            f"exported {manifest['exported_at']} into {options['output']}"
        )
