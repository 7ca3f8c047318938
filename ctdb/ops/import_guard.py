"""ImportGuardMixin: the admin's import pages, with the work done by
background jobs (ctdb.ops.import_jobs).

Mixed into a ModelAdmin before import-export's ImportExportMixin:

* the upload (`import/`) only checks the form, stores the file and queues
  its preview (or, with IMPORT_EXPORT_SKIP_ADMIN_CONFIRM, its import); the
  editor is sent to the job's page (`import/<job>/`), which shows its
  progress, reloading itself, until the job is done;
* a finished preview shows import-export's page of it (a bounded summary)
  and, if nothing failed, the confirmation, which queues the import;
* a job belongs to its editor: another user's job is not found, and a
  confirmation is taken once, of a preview that succeeded, or refused;
* a failure shows its message, never a traceback (unless DEBUG); the job
  logs it at WARNING on "ctdb.imports".
"""

import logging

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from . import import_jobs, import_storage
from .models import ImportJob

logger = logging.getLogger("ctdb.imports")

# A queued job no worker took within this many seconds makes the page say so.
WORKER_LATE_SECONDS = 30
# A running job that reported no row for this long makes the page say so (its
# worker may have been stopped; a job reports at least every row).
STALLED_SECONDS = 300


class ConfirmImportForm(forms.Form):
    """The confirmation of a preview: which job."""

    job = forms.UUIDField(widget=forms.HiddenInput)


class ImportGuardMixin:
    """See the module's docstring."""

    import_error_display = ("message",)  # import-export 4.4.3 has no setting for this
    import_job_template_name = "admin/import_export/import_job.html"

    def get_urls(self):
        meta = self.model._meta
        job_url = path(
            "import/<uuid:job_id>/",
            self.admin_site.admin_view(self.import_job_view),
            name=f"{meta.app_label}_{meta.model_name}_import_job",
        )
        return [job_url, *super().get_urls()]

    def admin_url(self, name, *args):
        meta = self.model._meta
        return reverse(f"admin:{meta.app_label}_{meta.model_name}_{name}", args=args, current_app=self.admin_site.name)

    def import_url(self):
        return self.admin_url("import")

    # -- the upload

    def import_action(self, request, **kwargs):
        if request.method != "POST":
            return super().import_action(request, **kwargs)
        if not self.has_import_permission(request):
            raise PermissionDenied
        form = self.create_import_form(request)
        if not form.is_valid():
            return super().import_action(request, **kwargs)  # the form again, with its errors; nothing is read
        index = int(form.cleaned_data["format"])
        upload = form.cleaned_data["import_file"]
        storage = self.write_to_tmp_storage(upload, self.get_import_formats()[index]())
        job = ImportJob.objects.create(
            user=request.user,
            model=self.model._meta.label_lower,
            resource=self.get_resource_index(form),
            format=index,
            file_name=storage.name,
            original_file_name=(upload.name or "")[:255],
            stage=ImportJob.Stage.IMPORT if self.is_skip_import_confirm_enabled() else ImportJob.Stage.PREVIEW,
        )
        import_jobs.start(job)
        return HttpResponseRedirect(self.admin_url("import_job", job.pk))

    def import_page(self, request, **context):
        """import-export's import page (a blank form) for a GET, with `context` added."""
        response = super().import_action(request)
        response.context_data.update(context)
        return response

    # -- the job's page

    def import_job_view(self, request, job_id):
        if request.method not in ("GET", "HEAD"):
            return HttpResponseNotAllowed(["GET", "HEAD"])
        if not self.has_import_permission(request):
            raise PermissionDenied
        job = get_object_or_404(ImportJob, pk=job_id, user=request.user, model=self.model._meta.label_lower)
        if job.running:
            return self.progress_page(request, job)
        result = import_jobs.StoredResult(job.summary) if job.summary else None
        if job.status == ImportJob.Status.FAILED:
            return self.import_page(request, result=result, job=job, job_errors=[job.message] if job.message else [])
        if job.stage == ImportJob.Stage.PREVIEW:
            return self.import_page(
                request, result=result, job=job, confirm_form=ConfirmImportForm(initial={"job": job.pk})
            )
        if not job.reported:  # once: a reload of the page must not say it again
            ImportJob.objects.filter(pk=job.pk).update(reported=True)
            messages.success(request, import_jobs.success_message(job))
        return HttpResponseRedirect(self.admin_url("changelist"))

    def progress_page(self, request, job):
        progress = import_storage.read_progress(job.file_name)
        now = timezone.now()
        if progress:
            silent = now.timestamp() - progress[2]
        else:
            silent = (now - (job.started_at or job.created_at)).total_seconds()
        context = {
            **self.admin_site.each_context(request),
            "title": _("Import"),
            "opts": self.model._meta,
            "job": job,
            "done": progress[0] if progress else 0,
            "total": progress[1] if progress else job.rows,
            "worker_late": job.status == ImportJob.Status.QUEUED and silent > WORKER_LATE_SECONDS,
            "stalled_minutes": int(silent // 60)
            if job.status == ImportJob.Status.RUNNING and silent > STALLED_SECONDS
            else None,
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, [self.import_job_template_name], context)

    # -- the confirmation

    def process_import(self, request, **kwargs):
        if request.method != "POST":
            return super().process_import(request, **kwargs)  # import-export's 405
        if not self.has_import_permission(request):
            raise PermissionDenied
        form = ConfirmImportForm(request.POST)
        job_id = form.cleaned_data["job"] if form.is_valid() else None
        # Taken once, by its editor, from a preview that succeeded: the update is the check.
        taken = job_id and ImportJob.objects.filter(
            pk=job_id,
            user=request.user,
            model=self.model._meta.label_lower,
            stage=ImportJob.Stage.PREVIEW,
            status=ImportJob.Status.DONE,
        ).update(stage=ImportJob.Stage.IMPORT, status=ImportJob.Status.QUEUED, finished_at=None)
        if not taken:
            logger.warning(
                "Admin import of %s refused: user %s confirmed %r, not a preview of theirs awaiting confirmation",
                self.model._meta.label,
                request.user.pk,
                request.POST.get("job", "")[:200],
            )
            messages.error(
                request,
                _(
                    "This import cannot be confirmed: it is not a preview of yours awaiting confirmation. "
                    "Import the file again."
                ),
            )
            return HttpResponseRedirect(self.import_url())
        import_jobs.start(ImportJob(pk=job_id))
        return HttpResponseRedirect(self.admin_url("import_job", job_id))
