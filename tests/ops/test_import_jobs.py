"""Admin imports run off the request, as background jobs (ctdb.ops.import_jobs).

* the upload only stores the file and queues its preview: the request
  imports nothing, and answers at once with the job's page;
* the job's page shows its progress while the worker runs it, reloading
  itself, and says so when no worker has taken the job;
* the real queue (django-tasks-db) and `manage.py db_worker` run the preview
  and, once confirmed, the import; on PostgreSQL the worker is a process of
  its own, as deployed, and the editor watches the rows go by.
"""

import os
import re
import subprocess
import sys
import time
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from ctdb.core import models
from ctdb.ops import import_storage
from ctdb.ops.models import ImportJob

from .compose import ROOT

IMPORT_URL = "/admin/core/organisation/import/"
CONFIRM_URL = "/admin/core/organisation/process_import/"
HEADER = "slug,name_en,name_ar,kind\n"
REAL_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
ON_POSTGRES = connection.vendor == "postgresql"


def organisations_csv(count):
    return (HEADER + "".join(f"job-org-{n},Organisation {n},منظمة {n},state\n" for n in range(count))).encode()


def upload(client, data, follow=False):
    return client.post(
        IMPORT_URL,
        {"resource": "0", "format": "0", "import_file": SimpleUploadedFile("organisations.csv", data)},
        follow=follow,
    )


@pytest.fixture
def real_queue(settings):
    """The queue as deployed: jobs wait in the database for a worker
    (django-tasks builds its backends again when the setting changes)."""
    settings.TASKS = REAL_QUEUE


def job_of(response):
    job_id = re.fullmatch(r"/admin/core/organisation/import/([0-9a-f-]{36})/", response["Location"]).group(1)
    return ImportJob.objects.get(pk=job_id)


@pytest.mark.django_db
def test_the_upload_imports_nothing_and_queues_the_preview(admin_client, real_queue):
    response = upload(admin_client, organisations_csv(3))
    assert response.status_code == 302
    job = job_of(response)
    assert (job.stage, job.status, job.rows) == ("preview", "queued", None)
    assert DBTaskResult.objects.filter(status="READY").count() == 1  # waiting for a worker
    assert not models.Organisation.objects.filter(slug__startswith="job-org-").exists()

    page = admin_client.get(response["Location"])
    assert page.status_code == 200
    html = page.content.decode()
    assert '<meta http-equiv="refresh" content="2">' in html
    assert "Waiting for the import worker" in html


def run_worker(monkeypatch):
    """`manage.py db_worker` in this process, until the queue is empty (it
    would close the test's connection between tasks, inside its transaction)."""
    monkeypatch.setattr("django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None)
    call_command("db_worker", batch=True, interval=0, startup_delay=False, verbosity=0)


@pytest.mark.django_db
def test_the_real_queue_and_worker_preview_then_import(admin_client, admin_user, real_queue, monkeypatch):
    job_page = upload(admin_client, organisations_csv(3))["Location"]
    run_worker(monkeypatch)
    preview = admin_client.get(job_page)
    assert preview.status_code == 200
    assert preview.context["result"].totals["new"] == 3
    confirm = preview.context["confirm_form"]
    assert not models.Organisation.objects.filter(slug__startswith="job-org-").exists()  # a preview writes nothing

    queued = admin_client.post(CONFIRM_URL, confirm.initial)
    assert queued["Location"] == job_page
    assert "Importing organisations.csv" in admin_client.get(job_page).content.decode()
    run_worker(monkeypatch)
    done = admin_client.get(job_page, follow=True)
    assert done.redirect_chain[-1][0] == "/admin/core/organisation/"
    assert any("Import finished: 3 new" in str(message) for message in done.context["messages"])
    created = models.Organisation.objects.filter(slug__startswith="job-org-")
    assert created.count() == 3
    assert {record.history.first().history_user for record in created} == {admin_user}
    # Said once: the job's page, opened again, does not say it again.
    again = admin_client.get(job_page, follow=True)
    assert not any("Import finished" in str(message) for message in again.context["messages"])


def running_job(user, rows, done):
    """A job the worker is running, `done` of `rows` rows through (as it reports them)."""
    storage = import_storage.ImportFileStorage()
    storage.save(organisations_csv(rows))
    job = ImportJob.objects.create(
        user=user, model="core.organisation", format=0, file_name=storage.name, status="running", rows=rows
    )
    import_storage.write_progress(storage.name, done, rows)
    return job


@pytest.mark.django_db
def test_the_page_shows_the_rows_done_while_the_job_runs(admin_client, admin_user, tmp_path, settings):
    settings.CTDB_IMPORT_DIR = str(tmp_path / "imports")
    job = running_job(admin_user, 5000, 1200)
    html = admin_client.get(f"{IMPORT_URL}{job.pk}/").content.decode()
    assert '<progress class="import-job-progress" value="1200" max="5000">' in html
    assert "1200 of 5000 rows done." in html
    assert '<meta http-equiv="refresh" content="2">' in html


@pytest.mark.django_db
def test_the_page_says_when_a_running_job_stopped_reporting(admin_client, admin_user, tmp_path, settings):
    settings.CTDB_IMPORT_DIR = str(tmp_path / "imports")
    job = running_job(admin_user, 10, 4)
    assert "reported no progress" not in admin_client.get(f"{IMPORT_URL}{job.pk}/").content.decode()
    then = time.time() - 11 * 60
    os.utime(import_storage.progress_path(job.file_name), (then, then))
    assert "reported no progress for 11 minutes" in admin_client.get(f"{IMPORT_URL}{job.pk}/").content.decode()


@pytest.mark.django_db
def test_a_confirmation_after_the_file_was_swept_says_so(admin_client, tmp_path, settings):
    settings.CTDB_IMPORT_DIR = str(tmp_path / "imports")
    preview = upload(admin_client, organisations_csv(2), follow=True)
    job = preview.context["job"]
    import_storage.ImportFileStorage(name=job.file_name).remove()  # as the sweep does after 6 hours
    done = admin_client.post(CONFIRM_URL, preview.context["confirm_form"].initial, follow=True)
    assert any("waited too long" in message for message in done.context["job_errors"])
    assert not models.Organisation.objects.filter(slug__startswith="job-org-").exists()


@pytest.mark.django_db
def test_the_page_says_when_no_worker_took_the_job(admin_client, admin_user):
    job = ImportJob.objects.create(
        user=admin_user, model="core.organisation", format=0, file_name="ctdb-import-" + "0" * 32
    )
    assert "No import worker has taken" not in admin_client.get(f"{IMPORT_URL}{job.pk}/").content.decode()
    ImportJob.objects.filter(pk=job.pk).update(created_at=timezone.now() - timedelta(minutes=5))
    assert "No import worker has taken" in admin_client.get(f"{IMPORT_URL}{job.pk}/").content.decode()


@pytest.mark.django_db
def test_the_job_page_takes_no_post(admin_client, admin_user):
    job = ImportJob.objects.create(user=admin_user, model="core.organisation", format=0, file_name="x")
    assert admin_client.post(f"{IMPORT_URL}{job.pk}/", {}).status_code == 405


@pytest.mark.skipif(not ON_POSTGRES, reason="a worker process shares the test database on PostgreSQL only")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_worker_process_runs_the_job_while_the_editor_watches(admin_client, real_queue, tmp_path, settings):
    """As deployed: the worker is `manage.py db_worker` in a process of its
    own; the editor's page shows the rows it has done, then the preview."""
    settings.CTDB_IMPORT_DIR = str(tmp_path / "imports")
    rows = 3000
    job_page = upload(admin_client, organisations_csv(rows))["Location"]
    db = settings.DATABASES["default"]
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "CTDB_")) and k != "DATABASE_URL"},
        "DJANGO_SETTINGS_MODULE": "ctdb.settings_test",
        "DJANGO_SECRET_KEY": settings.SECRET_KEY,
        "CTDB_TEST_REAL_TASKS": "1",
        "CTDB_IMPORT_DIR": settings.CTDB_IMPORT_DIR,
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}",
    }
    worker = subprocess.Popen(
        [sys.executable, "manage.py", "db_worker", "--batch", "--interval", "0.2", "--no-startup-delay"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    seen = []
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            page = admin_client.get(job_page)
            if page.context.get("confirm_form") is not None or page.context.get("job_errors"):
                break
            found = re.search(r"(\d+) of (\d+) rows done", page.content.decode())
            if found:
                seen.append((int(found.group(1)), int(found.group(2))))
            time.sleep(0.1)
        output = worker.communicate(timeout=60)[0].decode()
    finally:
        worker.kill()
    assert page.context.get("confirm_form") is not None, output
    assert page.context["result"].totals["new"] == rows
    assert any(0 < done < total == rows for done, total in seen), seen  # the rows went by
    assert not models.Organisation.objects.filter(slug__startswith="job-org-").exists()
