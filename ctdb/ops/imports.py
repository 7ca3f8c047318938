"""Guards on the files editors import through the admin.

ImportSizeLimitMiddleware: django-import-export reads a whole upload into
memory to build its preview, so a file over CTDB_IMPORT_MAX_BYTES is refused
before that, by its declared length before any of the body is read, and by
the uploaded file's own size once parsed. The editor is sent back to the
import page with the reason.

EncodingImportForm: the import form, with the text encoding of the file
(detected by default, see encodings.py); the file goes on as UTF-8.

StrictImportMixin: what a resource should refuse that import-export lets through.

The writes of an import (each record with its historical row) are the
project's one bulk writer's: ctdb/core/bulk.py.
"""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import HttpResponseRedirect
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export.forms import ImportForm

from . import encodings

# Room in a multipart body for the form's other fields and part headers.
MULTIPART_OVERHEAD_BYTES = 64 * 1024


def is_admin_import(request):
    match = request.resolver_match
    return (
        request.method == "POST"
        and match is not None
        and match.namespace == "admin"
        and (match.url_name or "").endswith("_import")
        and not match.url_name.endswith("_process_import")
    )


class ImportSizeLimitMiddleware:
    """Refuse admin imports larger than CTDB_IMPORT_MAX_BYTES.

    Sits before CsrfViewMiddleware, whose check would read (and store) the
    whole body first.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not is_admin_import(request):
            return None
        limit = settings.CTDB_IMPORT_MAX_BYTES
        try:
            declared = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            declared = 0
        if declared > limit + MULTIPART_OVERHEAD_BYTES:
            return self.refuse(request, declared, limit)
        upload = request.FILES.get("import_file")
        if upload is not None and upload.size > limit:
            return self.refuse(request, upload.size, limit)
        return None

    def refuse(self, request, size, limit):
        messages.error(
            request,
            _("The file is too large to import (%(size)s); the limit is %(limit)s. Split it into smaller files.")
            % {"size": filesizeformat(size), "limit": filesizeformat(limit)},
        )
        # 303: the browser fetches the import page again with GET, without resending the file.
        response = HttpResponseRedirect(request.get_full_path())
        response.status_code = 303
        return response


class EncodingImportForm(ImportForm):
    """The admin's import form, with the encoding of a CSV file.

    The file is decoded here, once, so that a file in no encoding ctdb
    reads is an error on the form (nothing is imported), and what
    import-export stores for the preview and the confirmation is UTF-8,
    which it reads as it always has.
    """

    encoding = forms.ChoiceField(
        label=gettext_lazy("Encoding"),
        choices=encodings.CHOICES,
        initial=encodings.AUTO,
        required=False,
        help_text=gettext_lazy("Of a CSV file. Excel's “CSV” on an Arabic Windows is Windows-1256."),
    )
    field_order = ["resource", "import_file", "format", "encoding"]

    def __init__(self, formats, resources, **kwargs):
        super().__init__(formats, resources, **kwargs)
        self.formats = formats

    def clean(self):
        cleaned = super().clean()
        upload, chosen = cleaned.get("import_file"), cleaned.get("format")
        if upload is None or chosen in (None, "") or self.formats[int(chosen)]().is_binary():
            return cleaned
        upload.seek(0)
        try:
            text = encodings.decode(upload.read(), cleaned.get("encoding") or encodings.AUTO)
        except encodings.UnreadableFile as error:
            self.add_error("encoding", str(error))
            return cleaned
        cleaned["import_file"] = SimpleUploadedFile(upload.name, text.encode("utf-8"), upload.content_type)
        return cleaned


class StrictImportMixin:
    """Refuse the files that import-export would half-understand.

    Mixed into a ModelResource (before it), it refuses the whole file, saying
    why, for:

    * a column the resource does not know: import-export drops it without a
      word, so a misspelt header (`killed_lwo`) would lose that data;
    * a column named twice: only one of its values would be kept;
    * a record named twice (its import key on two rows): the last row would
      silently win, even where the other one left the record unchanged.
    """

    def before_import(self, dataset, **kwargs):
        super().before_import(dataset, **kwargs)
        headers = list(dataset.headers or [])
        self.check_columns(headers)
        self.check_unique_keys(dataset, headers)

    def check_columns(self, headers):
        known = {field.column_name for field in self.fields.values()}
        unknown = [str(name) if name not in (None, "") else _("(no name)") for name in headers if name not in known]
        if unknown:
            raise ValueError(
                _("Unknown columns: %(unknown)s. The columns of this file can be: %(known)s.")
                % {"unknown": ", ".join(unknown), "known": ", ".join(sorted(known))}
            )
        repeated = sorted({str(name) for name in headers if headers.count(name) > 1})
        if repeated:
            raise ValueError(_("Columns named more than once: %(names)s.") % {"names": ", ".join(repeated)})

    def check_unique_keys(self, dataset, headers):
        columns = [self.fields[name].column_name for name in self.get_import_id_fields()]
        if not all(column in headers for column in columns):
            return  # import-export reports a missing key column itself
        positions = [headers.index(column) for column in columns]
        rows_by_key = {}
        for number, row in enumerate(dataset, start=1):
            key = tuple("" if row[i] is None else str(row[i]).strip() for i in positions)
            if any(key):
                rows_by_key.setdefault(key, []).append(number)
        repeated = [(key, numbers) for key, numbers in rows_by_key.items() if len(numbers) > 1]
        if repeated:
            described = "; ".join(
                _("rows %(rows)s: %(key)s") % {"rows": ", ".join(map(str, numbers)), "key": " / ".join(key)}
                for key, numbers in repeated
            )
            raise ValueError(
                _("Each record may appear only once in a file, but %(columns)s repeats in %(described)s.")
                % {"columns": " + ".join(columns), "described": described}
            )
