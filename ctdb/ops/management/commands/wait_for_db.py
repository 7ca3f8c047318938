"""Wait until the database accepts connections (container start-up)."""

import time

from django.core.management.base import BaseCommand, CommandError
from django.db import OperationalError, connection


class Command(BaseCommand):
    help = "Wait until the default database accepts connections, or fail after --timeout seconds."

    def add_arguments(self, parser):
        parser.add_argument("--timeout", type=float, default=60)

    def handle(self, *args, timeout, **options):
        deadline = time.monotonic() + timeout
        while True:
            try:
                connection.ensure_connection()
                self.stdout.write("database is ready")
                return
            except OperationalError as error:
                if time.monotonic() >= deadline:
                    raise CommandError(f"database not reachable after {timeout:g}s: {error}") from None
                connection.close()
                time.sleep(1)
