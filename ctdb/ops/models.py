"""What `load_dataset` wrote, so that a later load can tell an editor's
change from a record nobody touched since."""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class LoadedRecord(models.Model):
    """One record as the fixture loader left it: its model, its natural key
    and a digest of the values an editor can change.

    A record whose current values no longer hash to `digest` was changed by
    someone after it was loaded; one that is gone was deleted (or renamed).
    Either way a new release of the fixtures must leave it alone. This lives
    outside `core` on purpose: it is bookkeeping, not data the API serves.
    """

    model = models.CharField(_("model"), max_length=100)  # "core.organisation"
    key = models.CharField(_("natural key"), max_length=1000)  # JSON list: ["islamic-state"]
    digest = models.CharField(_("digest"), max_length=64)
    loaded_at = models.DateTimeField(_("loaded"), default=timezone.now)

    class Meta:
        verbose_name = _("loaded record")
        verbose_name_plural = _("loaded records")
        constraints = [models.UniqueConstraint(fields=["model", "key"], name="loaded_record_unique")]

    def __str__(self):
        return f"{self.model} {self.key}"


class ImportJob(models.Model):
    """One admin import of one file: its preview, then (once confirmed) its
    import, each run off the request by a background job
    (ctdb.ops.import_jobs). The file waits in ImportFileStorage under
    `file_name`; only `user` may see the job or confirm it."""

    class Stage(models.TextChoices):
        PREVIEW = "preview", _("preview")
        IMPORT = "import", _("import")

    class Status(models.TextChoices):
        QUEUED = "queued", _("queued")
        RUNNING = "running", _("running")
        DONE = "done", _("done")
        FAILED = "failed", _("failed")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    model = models.CharField(_("model"), max_length=100)  # "core.organisation"
    resource = models.PositiveSmallIntegerField(_("resource"), default=0)  # index of the admin's resources
    format = models.PositiveSmallIntegerField(_("format"))  # index of IMPORT_FORMATS
    file_name = models.CharField(_("stored file"), max_length=64)
    original_file_name = models.CharField(_("file"), max_length=255, blank=True)
    stage = models.CharField(_("stage"), max_length=10, choices=Stage.choices, default=Stage.PREVIEW)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    rows = models.PositiveIntegerField(_("rows"), null=True, blank=True)
    # What the stage found (ctdb.ops.import_jobs.summarise): counts, the first errors, the first rows.
    summary = models.JSONField(_("summary"), default=dict, blank=True)
    # The version of each record the preview saw (row key -> version), checked by the import.
    preview_versions = models.JSONField(_("versions at the preview"), null=True, blank=True)
    message = models.TextField(_("message"), blank=True)  # why it failed, for the editor
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    reported = models.BooleanField(_("reported"), default=False)  # the editor was told the import's outcome

    class Meta:
        verbose_name = _("import job")
        verbose_name_plural = _("import jobs")
        indexes = [models.Index(fields=["created_at"], name="import_job_created")]

    def __str__(self):
        return f"{self.model} {self.original_file_name} ({self.stage}, {self.status})"

    @property
    def running(self):
        return self.status in (self.Status.QUEUED, self.Status.RUNNING)
