"""Deleted records, for consumers that mirror ctdb (`/<resource>/sync/deleted/`).

The source is each record's history (django-simple-history): a deletion
through the ORM (the admin, a queryset's `delete()`, an import that deletes)
writes a row of type '-' with the record's last values and the time. The
row stays when a record of the same slug is created again later: the
deletion is still reported at its time, and the new record appears in
`/sync/` at its own. Rows removed with raw SQL leave no history, and so are
not reported; nor are records whose history was pruned.

The feed reads these rows in (history_date, history_id) order; an index per
history table answers it.
"""

DELETED = "-"
ORDER = ("history_date", "history_id")


def deleted_records(model):
    """The history rows of `model`'s deletions."""
    return model.history.filter(history_type=DELETED).only(*ORDER, "slug")


def _history_tables():
    from django.apps import apps

    from .models.base import Record

    for model in apps.get_app_config("core").get_models():
        if issubclass(model, Record):
            yield model.history.model._meta.db_table


def statements():
    """Indexes in the feed's order, after its condition (SQLite and PostgreSQL alike)."""
    columns = ", ".join(f'"{column}"' for column in ("history_type", *ORDER))
    for table in _history_tables():
        yield f'CREATE INDEX IF NOT EXISTS "{table}_deletions" ON "{table}" ({columns})'
