"""`ensure_admin`: an admin login exists after it, and it says how to log in."""

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command


def run():
    out = StringIO()
    call_command("ensure_admin", stdout=out)
    return out.getvalue()


@pytest.fixture
def base_dir(settings, tmp_path):
    settings.BASE_DIR = tmp_path
    return tmp_path


@pytest.mark.django_db
def test_random_password_is_printed_and_kept(base_dir, monkeypatch):
    monkeypatch.delenv("CTDB_ADMIN_PASSWORD", raising=False)
    monkeypatch.setenv("CTDB_ADMIN_USER", "chief")
    out = run()
    saved = (base_dir / "var" / "admin-credentials.txt").read_text()
    password = saved.split("password: ")[1].strip()
    assert password in out and "chief" in out
    assert get_user_model().objects.get(username="chief").check_password(password)
    assert (base_dir / "var" / "admin-credentials.txt").stat().st_mode & 0o077 == 0


@pytest.mark.django_db
def test_given_password_is_used_and_no_file_is_written(base_dir, monkeypatch):
    monkeypatch.setenv("CTDB_ADMIN_USER", "chief")
    monkeypatch.setenv("CTDB_ADMIN_PASSWORD", "chosen-password-1")
    out = run()
    assert "chosen-password-1" not in out
    assert get_user_model().objects.get(username="chief").check_password("chosen-password-1")
    assert not (base_dir / "var" / "admin-credentials.txt").exists()


@pytest.mark.django_db
def test_an_existing_admin_is_left_alone(base_dir, monkeypatch):
    get_user_model().objects.create_superuser("first", "", "first-password-1")
    monkeypatch.setenv("CTDB_ADMIN_PASSWORD", "other-password-1")
    out = run()
    assert "'first'" in out
    assert get_user_model().objects.filter(is_superuser=True).count() == 1
    assert get_user_model().objects.get(username="first").check_password("first-password-1")
