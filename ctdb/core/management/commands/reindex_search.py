from django.core.management.base import BaseCommand

from ctdb.core.search import reindex_all


class Command(BaseCommand):
    help = "Build every record's search document again (ctdb.core.search) and store those that changed."

    def add_arguments(self, parser):
        parser.add_argument("--database", default="default")

    def handle(self, *args, database, **options):
        for model, changed in reindex_all(using=database).items():
            self.stdout.write(f"{model}: {changed} documents changed")
