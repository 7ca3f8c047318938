"""Load the curated fixture into the database and give its records a first
history entry."""

from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from ...models import Article


class Command(BaseCommand):
    help = "Load fixtures/ctdb.json (if it exists) and record initial history for loaded records."

    def add_arguments(self, parser):
        parser.add_argument("--fixture", default=str(Path(settings.BASE_DIR) / "fixtures" / "ctdb.json"))
        parser.add_argument("--if-empty", action="store_true", help="load only into a database that has no article yet")

    def handle(self, *args, fixture, if_empty, **options):
        fixture = Path(fixture)
        if not fixture.exists():
            self.stdout.write(f"no fixture at {fixture}: nothing to load")
            return
        if if_empty and Article.objects.exists():
            self.stdout.write("the database already holds articles: fixtures not loaded")
            return
        call_command("loaddata", str(fixture), verbosity=options["verbosity"])
        # Fixture loads bypass history; give each record its first version.
        call_command("populate_history", auto=True, verbosity=0)
