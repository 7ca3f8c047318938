"""ImportGuardMixin: an admin import that fails says so, and reads only its own file.

Mixed into a ModelAdmin before import-export's ImportExportMixin (and before
ctdb's CollisionRetryMixin, which turns a failed confirmation into its message):

* a failure of the preview or the confirmation (a row whose write raises,
  a file that cannot be read) shows the editor its message; the traceback
  goes to the log ("ctdb.imports", WARNING), not to the page (unless DEBUG);
* the preview records in the session the name of the temp file it stored;
  a confirmation whose name this session was not issued (another editor's
  file, a path, a name already confirmed) is refused before any file is
  opened. The temp file is deleted once it will not be read again: after its
  confirmation, and at once when the preview offers none.
"""

import logging

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import DatabaseError
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _

from . import import_formats, import_storage

logger = logging.getLogger("ctdb.imports")

# The temp files this session's previews stored, not yet confirmed (newest last).
SESSION_KEY = "ctdb-import-files"
# Previews one session may leave open at once; older ones must be uploaded again.
MAX_OPEN_PREVIEWS = 20


class ImportGuardMixin:
    """See the module's docstring."""

    import_error_display = ("message",)  # import-export 4.4.3 has no setting for this

    def import_url(self):
        meta = self.model._meta
        return reverse(f"admin:{meta.app_label}_{meta.model_name}_import", current_app=self.admin_site.name)

    def tmp_storage(self, name):
        return self.get_tmp_storage_class()(name=name, **self.get_tmp_storage_class_kwargs())

    # -- the preview

    def import_action(self, request, **kwargs):
        response = super().import_action(request, **kwargs)
        context = getattr(response, "context_data", None) or {}
        if context.get("result") is not None:
            self.report_failures(request, context["result"])
        upload = getattr(context.get("form"), "cleaned_data", {}).get("import_file")
        name = getattr(upload, "tmp_storage_name", None)
        if name and context.get("confirm_form") is None:
            self.tmp_storage(name).remove()  # no confirmation will read it
        return response

    def get_confirm_form_initial(self, request, import_form):
        initial = super().get_confirm_form_initial(request, import_form)
        name = initial.get("import_file_name")
        if name:
            issued = [*request.session.get(SESSION_KEY, []), name][-MAX_OPEN_PREVIEWS:]
            request.session[SESSION_KEY] = issued
        return initial

    def add_data_read_fail_error_to_form(self, form, e):
        logger.warning("Admin import of %s: the file could not be read: %s", self.model._meta.label, e, exc_info=e)
        if isinstance(e, import_formats.ImportTooLarge):  # says what to do; import-export's says only "ValueError"
            form.add_error("import_file", str(e))
        else:
            super().add_data_read_fail_error_to_form(form, e)

    # -- the confirmation

    def process_import(self, request, **kwargs):
        if request.method != "POST":
            return super().process_import(request, **kwargs)  # import-export's 405
        if not self.has_import_permission(request):
            raise PermissionDenied
        name = request.POST.get("import_file_name", "")
        issued = request.session.get(SESSION_KEY, [])
        if name not in issued or not import_storage.is_valid_name(name):
            logger.warning(
                "Admin import of %s refused: user %s confirmed file %r, not issued to this session",
                self.model._meta.label,
                request.user.pk,
                name[:200],
            )
            return self.refuse(
                request,
                _("This import cannot be confirmed: its file was not uploaded in this session. Import the file again."),
            )
        request.session[SESSION_KEY] = [issued_name for issued_name in issued if issued_name != name]
        storage = self.tmp_storage(name)
        if not storage.exists():
            return self.refuse(
                request, _("This import waited too long and its file was deleted. Import the file again.")
            )
        try:
            return super().process_import(request, **kwargs)
        except DatabaseError as error:
            logger.warning(
                "Admin import of %s failed on confirmation: %s", self.model._meta.label, error, exc_info=True
            )
            return self.refuse(
                request, _("Nothing was imported: the database refused the file (%(error)s).") % {"error": error}
            )
        finally:
            storage.remove()  # read once at most, whatever happened

    def refuse(self, request, message):
        messages.error(request, message)
        return HttpResponseRedirect(self.import_url())

    def process_result(self, result, request):
        self.report_failures(request, result)
        return super().process_result(result, request)

    # -- failures

    def report_failures(self, request, result):
        """Log the errors of `result` with their tracebacks, and keep these off the page."""
        errors = [*result.base_errors, *(error for _number, row_errors in result.row_errors() for error in row_errors)]
        if not errors:
            return
        first = errors[0].error
        logger.warning(
            "Admin import of %s by user %s failed (%s errors); the first: %s",
            self.model._meta.label,
            request.user.pk,
            len(errors),
            first,
            exc_info=(type(first), first, first.__traceback__),
        )
        if not settings.DEBUG:
            for error in errors:
                error.traceback = ""  # shadows import-export's cached property: the page shows the message only
