"""The one bulk writer: rows by the thousand, through COPY on PostgreSQL.

Three paths write through it:

* the admin's imports (django-import-export, ctdb/core/resources.py):
  create_with_history / update_with_history, each record with its
  historical row, as simple_history's bulk helpers write them but with less
  work per row (see each);
* restoring a released dataset (`import_dataset`, ctdb/exports/importer.py):
  insert_records for a file's rows, then record_history once the rows that
  name each other are linked, so that each restored record has one "+"
  historical row holding its restored values;
* synthetic data (ctdb/synthetic/sink.py): insert_rows, rows of tuples.

On PostgreSQL the rows go in by COPY (copy_in, the one COPY routine),
elsewhere by Django's bulk_create; historical rows are copied by the
database from the rows it has just stored (INSERT … SELECT, copy_to_history).

Synthetic data is the one documented exception to "every record with its
history": insert_rows writes no historical row. Those rows are generated
load, made again from a seed and removed by their slugs (`remove_synthetic`),
not anyone's edits; and their history would double what the generation of
200,000 attacks writes.
"""

import functools
import json

from django.conf import settings
from django.db import connections, models, transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history


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
    if not records:
        return
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
    with transaction.atomic(using=using, savepoint=False):
        pks = sequence_ids(connection, model, len(rows))
        copy_in(connection, model, [opts.pk, *fields], ([pk, *row] for pk, row in zip(pks, rows, strict=True)))
    for record, pk in zip(records, pks, strict=True):
        record.pk = pk
        record._state.adding = False
        record._state.db = using


def sequence_ids(connection, model, count):
    """`count` new ids of `model`, taken from its table's sequence
    (PostgreSQL), so that rows written with them never collide with rows
    others insert meanwhile."""
    opts = model._meta
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [opts.db_table, opts.pk.column, count],
        )
        return [pk for (pk,) in cursor.fetchall()]


def copy_in(connection, model, fields, rows):
    """COPY `rows` into the table of `model` (PostgreSQL): each row a
    sequence of values in the order of `fields` (model fields, or their
    attnames), as COPY takes them (JSON as text, or the values
    get_db_prep_save gives). Database errors come out as Django's, as those
    of any other statement do."""
    opts = model._meta
    fields = [opts.get_field(field) if isinstance(field, str) else field for field in fields]
    quote = connection.ops.quote_name
    statement = "COPY {} ({}) FROM STDIN".format(
        quote(opts.db_table), ", ".join(quote(field.column) for field in fields)
    )
    with connection.cursor() as cursor, connection.wrap_database_errors, cursor.cursor.copy(statement) as copy:
        for row in rows:
            copy.write_row(row)


def insert_rows(connection, model, fields, rows, *, copy=True):
    """Insert rows of tuples (values in the order of the attnames `fields`,
    JSON as text), with no historical row: the writer of synthetic data,
    the one exception to history (see the module's docstring). By COPY on
    PostgreSQL if `copy`, else by bulk_create, which wants the JSON as
    objects."""
    if copy and connection.vendor == "postgresql":
        copy_in(connection, model, fields, rows)
        return
    json_fields = {field for field in fields if isinstance(model._meta.get_field(field), models.JSONField)}
    instances = []
    for row in rows:
        values = dict(zip(fields, row, strict=True))
        for field in json_fields:
            values[field] = json.loads(values[field])
        instances.append(model(**values))
    model._default_manager.db_manager(connection.alias).bulk_create(instances, batch_size=2000)


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


def record_history(model, pks, history_type, *, default_user=None, change_reason=None, using="default"):
    """A historical row for each saved record of `model` in `pks`, holding
    what the database holds now, dated now.

    For records written without their history (insert_records) and
    completed by later statements: restoring a dataset inserts a file's rows,
    then links those that name each other (an attack's campaign), and only
    then writes one "+" row per record, with its restored values, where a
    "+" without the campaign and a "~" would record a change nobody made.
    The user is `default_user`, else the request's (none in a command).
    """
    if not pks or not getattr(settings, "SIMPLE_HISTORY_ENABLED", True):
        return
    if history_statement(model, using) is None:
        manager = model._default_manager.db_manager(using)
        for start in range(0, len(pks), HISTORY_CHUNK):
            model.history.bulk_history_create(
                list(manager.filter(pk__in=pks[start : start + HISTORY_CHUNK])),
                update=history_type == "~",
                default_user=default_user,
                default_change_reason=change_reason or "",
            )
        return
    user = default_user or model.history.model.get_default_history_user(model(pk=pks[0]))
    copy_to_history(
        model,
        pks,
        history_type=history_type,
        user_id=getattr(user, "pk", None),
        date=timezone.now(),
        change_reason=change_reason or None,
        using=using,
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
