"""Guards on the files editors import through the admin.

ImportSizeLimitMiddleware: django-import-export reads a whole upload into
memory to build its preview, so a file over CTDB_IMPORT_MAX_BYTES is refused
before that, by its declared length before any of the body is read, and by
the uploaded file's own size once parsed. The editor is sent back to the
import page with the reason.

EncodingImportForm: the import form, with the text encoding of the file
(detected by default, see encodings.py); the file goes on as UTF-8.

StrictImportMixin: what a resource should refuse that import-export lets through.

create_with_history / update_with_history: the writes of an import, in
batches, each record with its historical row, as simple_history's bulk
helpers write them but with less work per row (see each).
"""

import functools

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connections, models, transaction
from django.http import HttpResponseRedirect
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export.forms import ImportForm
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

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


# Writing the rows.


def create_with_history(model, records, *, batch_size=None, default_user=None, using="default"):
    """Insert new `records` of `model` and a "+" historical row for each.

    simple_history's bulk_create_with_history builds a historical object per
    record and sends every value back to the database; here the database
    copies the rows it has just stored (copy_to_history), and on PostgreSQL
    the records themselves go in with COPY (insert_records).
    """
    if history_statement(model, using) is None:
        bulk_create_with_history(records, model, batch_size=batch_size, default_user=default_user)
        return
    with transaction.atomic(using=using, savepoint=False):
        insert_records(model, records, batch_size=batch_size, using=using)
        write_history(model, records, "+", default_user=default_user, using=using)


def update_with_history(model, records, fields, *, batch_size=None, default_user=None, using="default"):
    """Update `fields` of `records` and write a "~" historical row for each."""
    if history_statement(model, using) is None:
        bulk_update_with_history(records, model, fields, batch_size=batch_size, default_user=default_user)
        return
    with transaction.atomic(using=using, savepoint=False):
        model._default_manager.db_manager(using).bulk_update(records, fields, batch_size=batch_size)
        write_history(model, records, "~", default_user=default_user, using=using)


# Field classes whose cleaned values COPY takes as they are: for a value of
# the given type their pre_save() and get_db_prep_save() give back the same
# value (an integer comes back marked with its SQL type, which COPY does not
# need, the table giving each column's type). Exact classes only: a
# subclass may prepare its values (tests/core/test_resources_import.py
# checks these on the Django in use).
PLAIN_FIELDS = {
    models.CharField: str,
    models.SlugField: str,
    models.TextField: str,
    models.IntegerField: int,
    models.SmallIntegerField: int,
    models.BigIntegerField: int,
    models.PositiveIntegerField: int,
    models.PositiveSmallIntegerField: int,
    models.PositiveBigIntegerField: int,
    models.ForeignKey: int,
}


def copy_columns(model, connection):
    """The fields COPY writes for new records of `model` (after the primary
    key), or None where Django's bulk_create must do it: another database,
    a table of several models, a primary key that is not numbered by the
    database, or columns the database fills in itself."""
    opts = model._meta
    if connection.vendor != "postgresql" or opts.parents or not isinstance(opts.pk, models.AutoField):
        return None
    fields = [field for field in opts.concrete_fields if not field.primary_key]
    if any(field.generated or field.has_db_default() for field in fields):
        return None
    return fields


def insert_records(model, records, *, batch_size=None, using="default"):
    """bulk_create(), through COPY on PostgreSQL.

    Django's bulk_create prepares every value through the field's methods
    and sends each column as an array; COPY takes the rows as they are, and
    the values of plain fields (PLAIN_FIELDS) skip the preparation that would
    return them unchanged. The records get their ids, numbered from the
    table's sequence first, as bulk_create gives them.
    """
    connection = connections[using]
    fields = copy_columns(model, connection)
    if fields is None or any(record.pk is not None for record in records):
        model._default_manager.db_manager(using).bulk_create(records, batch_size=batch_size)
        return
    plain = [PLAIN_FIELDS.get(type(field)) for field in fields]
    rows = []
    for record in records:
        record._prepare_related_fields_for_save(operation_name="bulk_create")
        row = []
        for field, plain_type in zip(fields, plain, strict=True):
            value = getattr(record, field.attname)
            if value is None or type(value) is not plain_type:
                value = field.pre_save(record, add=True)
                if hasattr(value, "resolve_expression"):  # an F() or the like: Django's job
                    model._default_manager.db_manager(using).bulk_create(records, batch_size=batch_size)
                    return
                value = field.get_db_prep_save(value, connection)
            row.append(value)
        rows.append(row)
    opts = model._meta
    quote = connection.ops.quote_name
    statement = "COPY {} ({}) FROM STDIN".format(
        quote(opts.db_table), ", ".join(quote(field.column) for field in [opts.pk, *fields])
    )
    with transaction.atomic(using=using, savepoint=False), connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [opts.db_table, opts.pk.column, len(rows)],
        )
        pks = [pk for (pk,) in cursor.fetchall()]
        with connection.wrap_database_errors, cursor.cursor.copy(statement) as copy:
            for pk, row in zip(pks, rows, strict=True):
                copy.write_row([pk, *row])
    for record, pk in zip(records, pks, strict=True):
        record.pk = pk
        record._state.adding = False
        record._state.db = using


def write_history(model, records, history_type, *, default_user=None, using="default"):
    """A historical row for each of `records`, just written, with what
    simple_history's bulk helpers would give it: the record's own
    _history_user, else `default_user`, else the request's user; its own
    _history_date and _change_reason if it has them."""
    if not getattr(settings, "SIMPLE_HISTORY_ENABLED", True):
        return
    history = model.history.model
    now = timezone.now()
    groups = {}
    for record in records:
        try:
            user = record._history_user
        except AttributeError:
            user = default_user or history.get_default_history_user(record)
        key = (
            getattr(user, "pk", None),
            getattr(record, "_history_date", now),
            getattr(record, "_change_reason", None) or None,
        )
        groups.setdefault(key, []).append(record.pk)
    for (user_id, date, reason), pks in groups.items():
        copy_to_history(
            model, pks, history_type=history_type, user_id=user_id, date=date, change_reason=reason, using=using
        )


# What simple_history writes on each historical row besides the record's own columns.
HISTORY_COLUMNS = ("history_date", "history_type", "history_user", "history_change_reason")
# Ids per INSERT … SELECT: within SQLite's limit on a statement's parameters.
HISTORY_CHUNK = 500


@functools.cache
def history_statement(model, using):
    """INSERT … SELECT copying rows of `model` into its history table, with
    the names of its parameters before the ids; None where that cannot be
    done: a historical column this does not know, or a database that does
    not give back the ids of inserted rows (simple_history's helpers then
    look the rows up again)."""
    connection = connections[using]
    if not connection.features.can_return_rows_from_bulk_insert:
        return None
    history = model.history.model
    sources = {field.attname: field for field in history.tracked_fields}
    quote = connection.ops.quote_name
    targets, selected = [], []
    for field in history._meta.concrete_fields:
        if field.primary_key:
            continue  # history_id: the database numbers the rows
        if field.name in HISTORY_COLUMNS:
            selected.append("%s")
        elif field.attname in sources:
            selected.append(quote(sources[field.attname].column))
        else:
            return None
        targets.append(field)
    constants = [field.name for field in targets if field.name in HISTORY_COLUMNS]
    if sorted(constants) != sorted(HISTORY_COLUMNS):
        return None
    sql = "INSERT INTO {} ({}) SELECT {} FROM {} WHERE {} IN ({{}})".format(
        quote(history._meta.db_table),
        ", ".join(quote(field.column) for field in targets),
        ", ".join(selected),
        quote(model._meta.db_table),
        quote(model._meta.pk.column),
    )
    return sql, constants


def copy_to_history(model, pks, *, history_type, user_id, date, change_reason, using):
    """One historical row for each saved record of `model` in `pks`, with
    the values simple_history would give it."""
    connection = connections[using]
    sql, constants = history_statement(model, using)
    history = model.history.model
    values = {
        "history_date": history._meta.get_field("history_date").get_db_prep_save(date, connection),
        "history_type": history_type,
        "history_user": user_id,
        "history_change_reason": change_reason,
    }
    params = [values[name] for name in constants]
    with connection.cursor() as cursor:
        for start in range(0, len(pks), HISTORY_CHUNK):
            chunk = pks[start : start + HISTORY_CHUNK]
            cursor.execute(sql.format(", ".join(["%s"] * len(chunk))), [*params, *chunk])
