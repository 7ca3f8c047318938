"""Compile fixtures/source/*.yaml into fixtures/ctdb.json."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from ctdb.fixture_compiler.builder import BuildError, build


class Command(BaseCommand):
    help = "Compile the curated article sources into the ctdb fixture (deterministic)."

    def add_arguments(self, parser):
        parser.add_argument("--root", default=str(Path(settings.BASE_DIR) / "fixtures"))
        parser.add_argument("--output", default=None, help="default: <root>/ctdb.json")
        parser.add_argument(
            "--check", action="store_true", help="fail if the committed fixture differs from a fresh build"
        )

    def handle(self, *args, root, output, check, **options):
        output = Path(output or Path(root) / "ctdb.json")
        try:
            text = build(root)
        except BuildError as error:
            raise CommandError(
                f"the fixture sources have {len(error.errors)} problem(s):\n  " + "\n  ".join(error.errors)
            ) from None
        if check:
            if not output.exists() or output.read_text(encoding="utf-8") != text:
                raise CommandError(f"{output} is not a fresh build of the sources: run `make fixtures`")
            self.stdout.write(f"{output} is up to date")
            return
        output.write_text(text, encoding="utf-8")
        self.stdout.write(f"wrote {output}")
