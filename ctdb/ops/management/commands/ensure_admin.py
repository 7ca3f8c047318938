"""Make sure an administrator login exists, and say how to log in."""

import os
import secrets
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = (
        "Create a superuser if none exists (user from CTDB_ADMIN_USER, default 'admin'; password from "
        "CTDB_ADMIN_PASSWORD or a random one) and print how to log in."
    )

    def handle(self, *args, **options):
        users = get_user_model()
        credentials = Path(settings.BASE_DIR) / "var" / "admin-credentials.txt"
        existing = users.objects.filter(is_superuser=True).order_by("pk").first()
        if existing:
            self.stdout.write(f"Admin login exists: user {existing.get_username()!r}.")
            if credentials.exists():
                self.stdout.write(f"Its password, as first created, is in {credentials}.")
            self.stdout.write(f"Set a new one with: make admin-password (or manage.py changepassword {existing})")
            return
        username = os.environ.get("CTDB_ADMIN_USER", "admin")
        given = os.environ.get("CTDB_ADMIN_PASSWORD")
        password = given or secrets.token_urlsafe(12)
        users.objects.create_superuser(username=username, email="", password=password)
        if given:
            # The caller chose it and knows it: nothing to print or keep.
            self.stdout.write(
                self.style.SUCCESS(f"Created admin login: user {username!r}, password from CTDB_ADMIN_PASSWORD")
            )
            return
        credentials.parent.mkdir(exist_ok=True)
        credentials.write_text(f"user: {username}\npassword: {password}\n", encoding="utf-8")
        credentials.chmod(0o600)
        self.stdout.write(self.style.SUCCESS(f"Created admin login: user {username!r}, password {password!r}"))
        self.stdout.write(f"(saved in {credentials}; change it with manage.py changepassword {username})")
