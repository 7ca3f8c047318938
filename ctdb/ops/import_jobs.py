"""Admin imports as background jobs: the preview and the import of a file run
in `manage.py db_worker`, not in the editor's request.

The admin (ctdb.ops.import_guard) stores the upload, creates an ImportJob
and queues `run_import_job`; django-tasks-db keeps the queue in the
database (PostgreSQL in production, SQLite under `make run`), so there is
no broker to run besides the worker. The worker:

* reads the file within CTDB_IMPORT_MAX_ROWS and CTDB_IMPORT_MAX_COLUMNS;
* runs the admin's resource over it, as a dry run (the preview) or for real
  (the import, checking the versions its preview saw), reporting each row's
  progress to a file beside the upload (the job's transaction is open
  meanwhile, so the job's row could not show it);
* stores what it found as a bounded summary (`summarise`): counts, the
  first errors and rows, never the whole file, with tracebacks only for
  the log (and the page under DEBUG);
* logs every failure at WARNING on "ctdb.imports".

The editor's page reads the job and its progress (StoredResult renders the
summary with import-export's template).
"""

import logging
import time
from types import SimpleNamespace

from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.db import DatabaseError
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django_tasks import task
from import_export.results import RowResult
from import_export.signals import post_import
from simple_history.models import HistoricalRecords

from . import import_formats, import_storage
from .models import ImportJob

logger = logging.getLogger("ctdb.imports")

# How much of a result the page shows (and so the job keeps).
SHOWN_ERRORS = 100
SHOWN_INVALID = 100
SHOWN_ROWS = 50
PROGRESS_EVERY_SECONDS = 0.5

Status, Stage = ImportJob.Status, ImportJob.Stage


def start(job):
    """Queue `job` for the worker."""
    run_import_job.enqueue(str(job.pk))


@task()
def run_import_job(job_id):
    run(job_id)


def run(job_id):
    """Run the queued stage of job `job_id` (once: a job already taken is left alone)."""
    taken = ImportJob.objects.filter(pk=job_id, status=Status.QUEUED).update(
        status=Status.RUNNING, started_at=timezone.now(), finished_at=None
    )
    if not taken:
        return
    job = ImportJob.objects.select_related("user").get(pk=job_id)
    storage = import_storage.ImportFileStorage(name=job.file_name, read_mode="rb")
    keep_file = False
    try:
        if not storage.exists():
            fail(job, _("This import waited too long and its file was deleted. Import the file again."))
            return
        keep_file = Runner(job, storage).run()
    except Exception as error:  # a job must end, and say why, whatever went wrong
        logger.warning(
            "Import job %s (%s, %s) by user %s failed: %s",
            job.pk,
            job.model,
            job.stage,
            job.user_id,
            error,
            exc_info=True,
        )
        if isinstance(error, DatabaseError):
            message = _("Nothing was imported: the database refused the file (%(error)s).") % {"error": error}
        else:
            message = _("Nothing was imported: the import failed (%(error)s).") % {"error": error}
        fail(job, message)
    finally:
        import_storage.clear_progress(job.file_name)  # the stage is over
        if not keep_file:
            storage.remove()  # read for the last time


def fail(job, message, summary=None):
    job.status, job.message, job.finished_at = Status.FAILED, message, timezone.now()
    job.summary = summary or job.summary or {}
    job.save(update_fields=["status", "message", "finished_at", "summary"])


class Runner:
    """One stage of one job; `run()` returns whether the file is still needed."""

    def __init__(self, job, storage):
        self.job, self.storage = job, storage
        self.model = apps.get_model(job.model)
        self.model_admin = admin.site.get_model_admin(self.model)
        # What the admin's hooks read of a request: who imports.
        self.request = SimpleNamespace(user=job.user, method="POST", POST={}, GET={}, FILES={}, session={})
        self.last_report = 0.0

    def run(self):
        dataset = self.read()
        if dataset is None:
            return False
        self.job.rows = len(dataset)
        self.job.save(update_fields=["rows"])
        import_storage.write_progress(self.job.file_name, 0, len(dataset))
        if self.job.stage == Stage.PREVIEW:
            return self.preview(dataset)
        self.apply(dataset)
        return False

    def read(self):
        input_format = self.model_admin.get_import_formats()[self.job.format]()
        if not input_format.is_binary():
            input_format.encoding = "utf-8"  # the import form stored the upload as UTF-8 (ctdb.ops.imports)
        try:
            dataset = input_format.create_dataset(self.storage.read())
        except Exception as error:
            logger.warning("Import job %s of %s: the file could not be read: %s", self.job.pk, self.job.model, error)
            if isinstance(error, import_formats.ImportTooLarge):
                message = str(error)
            else:
                message = _(
                    "%(exc_name)s encountered while trying to read file. "
                    "Ensure you have chosen the correct format for the file."
                ) % {"exc_name": repr(type(error).__name__)}
            fail(self.job, message)
            return None
        if not dataset:
            fail(
                self.job,
                _("No valid data to import. Ensure your file has the correct headers or data for import."),
            )
            return None
        return dataset

    def resource(self, **kwargs):
        resource_class = self.model_admin.get_import_resource_classes(self.request)[self.job.resource]
        return resource_class(**self.model_admin.get_import_resource_kwargs(self.request, **kwargs))

    def progress(self, row_number):
        now = time.monotonic()
        if now - self.last_report >= PROGRESS_EVERY_SECONDS:
            self.last_report = now
            import_storage.write_progress(self.job.file_name, row_number, self.job.rows)

    def import_data(self, resource, dataset, dry_run):
        # History names the editor, as the admin's middleware has it do (under the
        # ImmediateBackend the job runs inside a request: its own is put back).
        outer = getattr(HistoricalRecords.context, "request", None)
        HistoricalRecords.context.request = self.request
        try:
            return resource.import_data(
                dataset,
                dry_run=dry_run,
                raise_errors=False,
                file_name=self.job.original_file_name,
                user=self.job.user,
                retain_instance_in_row_result=not dry_run,
                progress=self.progress,
            )
        finally:
            HistoricalRecords.context.request = outer
            if outer is None:
                del HistoricalRecords.context.request

    def preview(self, dataset):
        seen = {}
        result = self.import_data(self.resource(seen_versions=seen), dataset, dry_run=True)
        summary = summarise(result)
        if report_failures(self.job, result):
            fail(self.job, "", summary)  # the summary says why; no confirmation is offered
            return False
        self.job.status, self.job.finished_at = Status.DONE, timezone.now()
        self.job.summary, self.job.preview_versions = summary, seen
        self.job.save(update_fields=["status", "finished_at", "summary", "preview_versions"])
        return True  # the confirmation reads the file again

    def apply(self, dataset):
        result = self.import_data(self.resource(preview_versions=self.job.preview_versions), dataset, dry_run=False)
        summary = summarise(result)
        if report_failures(self.job, result):
            stale = [row for row in result.invalid_rows if "loaded_version" in row.field_specific_errors]
            if stale:
                message = _(
                    "Nothing was imported: records this file names changed after its preview (rows %(rows)s). "
                    "Import the file again to see the changes."
                ) % {
                    "rows": "; ".join(
                        f"{row.number}: {row.field_specific_errors['loaded_version'][0]}" for row in stale
                    )
                }
            else:
                message = _("Nothing was imported: the file failed. The errors are below.")
            fail(self.job, message, summary)
            return
        self.model_admin.generate_log_entries(result, self.request)
        post_import.send(sender=None, model=self.model)
        self.job.status, self.job.finished_at, self.job.summary = Status.DONE, timezone.now(), summary
        self.job.save(update_fields=["status", "finished_at", "summary"])


def report_failures(job, result):
    """Log the errors of `result`, the first with its traceback; say whether there were any."""
    errors = [*result.base_errors, *(error for _number, row_errors in result.row_errors() for error in row_errors)]
    if errors:
        first = errors[0].error
        logger.warning(
            "Import job %s of %s by user %s: %s errors; the first: %s",
            job.pk,
            job.model,
            job.user_id,
            len(errors),
            first,
            exc_info=(type(first), first, first.__traceback__),
        )
    elif result.has_validation_errors():
        logger.warning(
            "Import job %s of %s by user %s: %s invalid rows", job.pk, job.model, job.user_id, len(result.invalid_rows)
        )
    return bool(errors) or result.has_validation_errors()


def summarise(result):
    """What the page shows of an import-export Result, as JSON: its counts in
    full, the first SHOWN_ERRORS rows in error, SHOWN_INVALID invalid rows
    and SHOWN_ROWS rows of the diff."""
    row_errors = result.row_errors()
    valid_rows = result.valid_rows()
    return {
        "totals": dict(result.totals),
        "counts": {
            "row_errors": len(row_errors),
            "invalid_rows": len(result.invalid_rows),
            "valid_rows": len(valid_rows),
        },
        "base_errors": [error_summary(error) for error in result.base_errors],
        "row_errors": [
            [number, [error_summary(error) for error in errors]] for number, errors in row_errors[:SHOWN_ERRORS]
        ],
        "invalid_rows": [
            {
                "number": row.number,
                "errors": messages_of(row.error_dict),
                "values": [cell(value) for value in row.values],
            }
            for row in result.invalid_rows[:SHOWN_INVALID]
        ],
        "diff_headers": [str(header) for header in result.diff_headers],
        # import-export's diff cells are HTML it built from escaped values (diff_match_patch's prettyHtml).
        "valid_rows": [
            {"import_type": row.import_type, "diff": [str(c) for c in row.diff or ()]}
            for row in valid_rows[:SHOWN_ROWS]
        ],
    }


def messages_of(error_dict):
    return {str(key): [str(message) for message in messages] for key, messages in error_dict.items()}


def error_summary(error):
    return {"message": str(error.error), "traceback": error.traceback if settings.DEBUG else ""}


def cell(value):
    return value if value is None or isinstance(value, (str, int, float, bool)) else str(value)


class StoredResult:
    """A job's summary as import-export's import template reads a Result."""

    def __init__(self, summary):
        self.summary = summary
        self.totals = summary.get("totals", {})
        self.counts = summary.get("counts", {})
        self.base_errors = [StoredError(**error) for error in summary.get("base_errors", ())]
        self._row_errors = [
            (number, [StoredError(**error) for error in errors]) for number, errors in summary.get("row_errors", ())
        ]
        self.invalid_rows = [StoredInvalidRow(**row) for row in summary.get("invalid_rows", ())]
        self.diff_headers = summary.get("diff_headers", [])
        self.rows = [StoredRow(**row) for row in summary.get("valid_rows", ())]
        shown = {"row_errors": self._row_errors, "invalid_rows": self.invalid_rows, "valid_rows": self.rows}
        self.more = {name: self.counts.get(name, 0) - len(rows) for name, rows in shown.items()}  # left out

    def row_errors(self):
        return self._row_errors

    def valid_rows(self):
        return self.rows

    def has_errors(self):
        return bool(self.base_errors or self._row_errors)

    def has_validation_errors(self):
        return bool(self.invalid_rows)


class StoredError:
    def __init__(self, message, traceback=""):
        self.error, self.traceback = message, traceback


class StoredInvalidRow:
    def __init__(self, number, errors, values):
        self.number, self.error_dict, self.values = number, errors, values
        self.field_specific_errors = {key: value for key, value in errors.items() if key != "__all__"}
        self.non_field_specific_errors = errors.get("__all__", [])
        self.error_count = sum(len(messages) for messages in errors.values())


class StoredRow:
    def __init__(self, import_type, diff):
        self.import_type = import_type
        self.diff = [mark_safe(html) for html in diff]  # noqa: S308 (see summarise)


def success_message(job):
    totals = job.summary.get("totals", {})
    return _("Import finished: {} new, {} updated, {} deleted and {} skipped {}.").format(
        totals.get(RowResult.IMPORT_TYPE_NEW, 0),
        totals.get(RowResult.IMPORT_TYPE_UPDATE, 0),
        totals.get(RowResult.IMPORT_TYPE_DELETE, 0),
        totals.get(RowResult.IMPORT_TYPE_SKIP, 0),
        apps.get_model(job.model)._meta.verbose_name_plural,
    )
