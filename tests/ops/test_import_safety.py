"""Admin imports that fail say so, and their temp files belong to their user.

* a failure (a row whose write raises, a bad file) shows the editor its
  message, never a Python traceback, and is logged with the traceback;
* an import job, and so its file, is its editor's: a confirmation of another
  user's job, of a job already confirmed, or of anything but a job id (a
  file's name, a path) is refused and no file is touched;
* abandoned uploads are swept, on every new upload and by
  `manage.py clean_import_files`, once older than CTDB_IMPORT_TEMP_MAX_AGE_SECONDS;
* the confirmation imports the file's bytes as they are ("\\r\\n" in a cell);
* a database error on confirmation writes nothing and never says "Import finished".
"""

import logging
import os
import tempfile
import time

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import IntegrityError, OperationalError
from django.test import Client

from ctdb.core import models

pytestmark = pytest.mark.django_db

CSV = "0"
HEADER = "slug,name_en,name_ar,kind\n"
GOOD = HEADER + "new-org,New organisation,منظمة جديدة,state\n"
IMPORT_URL = "/admin/core/organisation/import/"
CONFIRM_URL = "/admin/core/organisation/process_import/"
TRACEBACK = "Traceback (most recent call last)"
HOUR = 3600


@pytest.fixture(autouse=True)
def temp_dir(tmp_path, monkeypatch, settings):
    """Every temp file of these tests under tmp_path, with DEBUG off as in production."""
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    settings.DEBUG = False
    return tmp_path


def files_under(path):
    return {entry for entry in path.rglob("*") if entry.is_file()}


def preview(client, data=GOOD, name="import.csv"):
    if isinstance(data, str):
        data = data.encode()
    return client.post(
        IMPORT_URL, {"resource": "0", "format": CSV, "import_file": SimpleUploadedFile(name, data)}, follow=True
    )


def confirm_data(response):
    form = response.context["confirm_form"]
    assert form is not None, "the preview offered no confirmation"
    return dict(form.initial)


def shown_messages(response):
    """The page's messages, and its import job's failure."""
    if not response.context:
        return []
    return [str(message) for message in response.context["messages"]] + list(response.context.get("job_errors") or [])


def import_warnings(caplog):
    return [
        record
        for record in caplog.records
        if record.name.startswith("ctdb.imports") and record.levelno >= logging.WARNING and record.exc_info
    ]


@pytest.fixture
def other_client(db):
    """A second editor, in a session of their own."""
    user = get_user_model().objects.create_superuser("other-editor", "other@example.org", "x")
    client = Client()
    client.force_login(user)
    return client


def fail_writes(monkeypatch, error):
    def write(*args, **kwargs):
        raise error

    monkeypatch.setattr("ctdb.core.resources.create_with_history", write)


# 1. Failures show their message, not a traceback, and are logged.


def test_row_whose_write_raises_shows_message_not_traceback(admin_client, one_of_each, monkeypatch, caplog):
    fail_writes(monkeypatch, IntegrityError("organisation_boom_constraint"))
    with caplog.at_level(logging.WARNING):
        response = preview(admin_client)
    page = response.content.decode()
    assert response.status_code == 200
    assert "organisation_boom_constraint" in page  # the message is shown...
    assert TRACEBACK not in page and 'File "' not in page  # ...and nothing of the traceback
    assert response.context.get("confirm_form") is None
    (record,) = import_warnings(caplog)
    assert "organisation_boom_constraint" in logging.Formatter().format(record)  # logged, with its traceback
    assert TRACEBACK in logging.Formatter().format(record)


def test_bad_file_shows_message_not_traceback(admin_client, one_of_each, caplog):
    with caplog.at_level(logging.WARNING):
        response = preview(admin_client, HEADER.replace("kind", "kind,evil_column") + "x,X,س,state,boom\n")
    page = response.content.decode()
    assert "Unknown columns: evil_column" in page
    assert TRACEBACK not in page
    assert import_warnings(caplog)
    assert not models.Organisation.objects.filter(slug="x").exists()


# 2. A confirmation takes only a job of its own editor's, once.

REFUSED = "not a preview of yours awaiting confirmation"


def test_confirming_another_users_job_is_refused(admin_client, other_client, one_of_each, temp_dir):
    theirs = preview(other_client)
    their_confirm = confirm_data(theirs)
    stored = files_under(temp_dir)
    assert len(stored) == 1

    response = admin_client.post(CONFIRM_URL, their_confirm, follow=True)
    assert any(REFUSED in message for message in shown_messages(response))
    assert not any("Import finished" in message for message in shown_messages(response))
    assert files_under(temp_dir) == stored  # their file is still there, unread
    assert not models.Organisation.objects.filter(slug="new-org").exists()
    # Nor may they look at it.
    assert admin_client.get(theirs.redirect_chain[-1][0]).status_code == 404

    # and it is still theirs to confirm
    other_client.post(CONFIRM_URL, their_confirm)
    assert models.Organisation.objects.filter(slug="new-org").exists()


@pytest.mark.parametrize("forged", ["../victim.csv", "victim.csv", "{tmp}/victim.csv", "..%2Fvictim.csv"])
def test_a_file_name_or_path_is_no_confirmation(admin_client, one_of_each, temp_dir, forged):
    victim = temp_dir / "victim.csv"
    victim.write_text(HEADER + "victim-org,Victim,ضحية,state\n")
    mine = confirm_data(preview(admin_client))  # a session with an upload of its own

    as_job = admin_client.post(CONFIRM_URL, {"job": forged.format(tmp=temp_dir)}, follow=True)
    assert any(REFUSED in message for message in shown_messages(as_job))
    # Beside a job id, a file's name is not read: the job's own file is imported.
    admin_client.post(CONFIRM_URL, {**mine, "import_file_name": forged.format(tmp=temp_dir)}, follow=True)
    assert victim.read_text() == HEADER + "victim-org,Victim,ضحية,state\n"
    assert not models.Organisation.objects.filter(slug="victim-org").exists()
    assert models.Organisation.objects.filter(slug="new-org").exists()


def test_a_confirmation_is_not_replayed(admin_client, one_of_each):
    data = confirm_data(preview(admin_client))
    first = admin_client.post(CONFIRM_URL, data, follow=True)
    assert any("Import finished" in message for message in shown_messages(first))
    models.Organisation.objects.filter(slug="new-org").delete()
    second = admin_client.post(CONFIRM_URL, data, follow=True)
    assert any(REFUSED in message for message in shown_messages(second))
    assert not models.Organisation.objects.filter(slug="new-org").exists()


def test_failed_preview_leaves_no_temp_file(admin_client, one_of_each, temp_dir):
    response = preview(admin_client, HEADER + "bad,Bad,سيء,nonsense\n")
    assert response.context.get("confirm_form") is None
    assert files_under(temp_dir) == set()


# 3. Abandoned uploads are swept.


def age(paths, seconds):
    then = time.time() - seconds
    for path in paths:
        os.utime(path, (then, then))


def test_abandoned_upload_is_swept_on_next_upload(admin_client, one_of_each, temp_dir, settings):
    settings.CTDB_IMPORT_TEMP_MAX_AGE_SECONDS = HOUR
    unrelated = temp_dir / "someone-elses-file"
    unrelated.write_text("not an import")
    preview(admin_client)
    abandoned = files_under(temp_dir) - {unrelated}
    assert len(abandoned) == 1
    age([*abandoned, unrelated], 2 * HOUR)

    preview(admin_client, GOOD.replace("new-org", "newer-org"))
    remaining = files_under(temp_dir)
    assert not abandoned & remaining  # the old preview's file is gone
    assert len(remaining - {unrelated}) == 1  # the new one is kept
    assert unrelated in remaining  # and nothing that is not an import's is touched


def test_clean_import_files_command(admin_client, one_of_each, temp_dir, settings):
    settings.CTDB_IMPORT_TEMP_MAX_AGE_SECONDS = HOUR
    unrelated = temp_dir / "someone-elses-file"
    unrelated.write_text("not an import")
    preview(admin_client)
    preview(admin_client, GOOD.replace("new-org", "newer-org"))
    old, fresh = sorted(files_under(temp_dir) - {unrelated})
    age([old, unrelated], 2 * HOUR)
    age([fresh], HOUR // 2)

    call_command("clean_import_files", max_age=3 * HOUR)
    assert files_under(temp_dir) == {old, fresh, unrelated}  # nothing that old yet

    call_command("clean_import_files")
    assert files_under(temp_dir) == {fresh, unrelated}


# 4. The confirmation imports the bytes as they are.


def test_carriage_return_in_a_cell_is_kept(admin_client, one_of_each):
    quote = "قال المتحدث:\r\n«لن نتراجع»\r\nانتهى"
    data = (HEADER + f'crlf-org,CRLF,"{quote}",state\r\n').encode()
    response = preview(admin_client, data)
    result = admin_client.post(CONFIRM_URL, confirm_data(response), follow=True)
    assert any("Import finished" in message for message in shown_messages(result))
    assert models.Organisation.objects.get(slug="crlf-org").name_ar == quote


# 5. A database error on confirmation writes nothing, and says so.


@pytest.mark.parametrize("error", [IntegrityError("dup_key_boom"), OperationalError("database_gone_boom")])
def test_database_error_on_confirm_writes_nothing(admin_client, one_of_each, monkeypatch, caplog, error):
    data = confirm_data(preview(admin_client))
    before = models.Organisation.objects.count(), models.Organisation.history.count()
    fail_writes(monkeypatch, error)
    with caplog.at_level(logging.WARNING):
        response = admin_client.post(CONFIRM_URL, data, follow=True)
    shown = shown_messages(response)
    assert response.status_code == 200
    assert any("Nothing was imported" in message for message in shown), shown
    assert not any("Import finished" in message for message in shown), shown
    assert TRACEBACK not in response.content.decode()
    assert (models.Organisation.objects.count(), models.Organisation.history.count()) == before
    assert import_warnings(caplog)


def test_database_error_escaping_the_import_is_reported(admin_client, one_of_each, monkeypatch, caplog, temp_dir):
    data = confirm_data(preview(admin_client))

    def import_data(*args, **kwargs):
        raise OperationalError("server_closed_the_connection_boom")

    monkeypatch.setattr("ctdb.ops.import_jobs.Runner.import_data", import_data)
    with caplog.at_level(logging.WARNING):
        response = admin_client.post(CONFIRM_URL, data, follow=True)
    shown = shown_messages(response)
    assert any("Nothing was imported" in message for message in shown), shown
    assert TRACEBACK not in response.content.decode()
    assert not models.Organisation.objects.filter(slug="new-org").exists()
    assert import_warnings(caplog)
    assert files_under(temp_dir) == set()  # the file is not left behind
