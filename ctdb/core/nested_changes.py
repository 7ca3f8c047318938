"""A record's `updated_at` moves forward when a part of its API answer that
lives in another row changes, so that `/sync/` hands the record out again.

An attack's answer embeds its attributions, their citations, the
organisations they name and the articles those citations quote; an
organisation's embeds its aliases, its relationships and how often it is
attributed attacks. A consumer mirroring ctdb refetches only what moved in
(updated_at, id) order, so each insert, delete and update (of a column an
answer shows) of an embedded row moves the `updated_at` of every record whose
answer embeds it. Triggers do it, whatever writes the row: the admin, an
import, `loaddata`, raw SQL.

What embeds what (`embeddings()`) is read from the API's serializers: a
nested serializer names a relation of its model; a method field names,
through its schema annotation (`extend_schema_field`), a serializer whose
model the parent reaches through its relations to that model; and what an
answer shows besides columns and nested serializers (counts, a citation's
target slug) is declared in `DEPENDS_ON`. Anything else is reported by
`uncovered()`, which a test requires to be empty.

A moved row gets the database clock's now (never an earlier time than it
had) in `updated_at` and nothing else. No answer embeds `updated_at`, so a
moved row is no change to the rows embedding it in turn: the triggers do
not recurse. Each trigger moves every record whose answer embeds the row,
however deep, itself. On PostgreSQL the triggers run once per statement, with
one UPDATE per embedding table; SQLite has row triggers only.
"""

from contextlib import contextmanager
from dataclasses import dataclass

from django.core.exceptions import FieldDoesNotExist
from django.db import connections, transaction

from ctdb.sources.models import CITATION_TARGETS

# Fields of an answer that are neither columns of its row nor nested
# serializers: (model label, field) -> {relation: columns of the related rows shown}.
# An empty mapping: the field is computed from the row's own columns.
DEPENDS_ON = {
    ("core.article", "citations_count"): {"citations": ()},
    ("core.organisation", "attributions_count"): {"attributions": ()},
    ("core.organisation", "affiliations_count"): {"affiliations": ()},
    ("core.organisation", "agreements_count"): {"agreement_parties": ()},
    ("core.citation", "record_type"): {},
    ("core.citation", "record_slug"): {name: ("slug",) for name in CITATION_TARGETS},
}

EVENTS = ("insert", "update", "delete")
# While a whole dataset is loaded with its own timestamps (`suspended()`),
# the triggers move nothing: PostgreSQL reads a transaction-local setting,
# SQLite (whose writers are serialised anyway) a row in this table.
SETTING = "ctdb.nested_changes"
OFF_TABLE = "ctdb_nested_changes_off"
NOW = {
    # Django stores SQLite times as 'YYYY-MM-DD HH:MM:SS.ffffff'; SQLite's clock has milliseconds:
    # the end of the current one, so that the time is not before a save made in it.
    "sqlite": "max(\"updated_at\", strftime('%Y-%m-%d %H:%M:%f', 'now') || '999')",
    # The clock, not the transaction's start: as close as possible to the commit.
    "postgresql": 'GREATEST("updated_at", clock_timestamp())',
}


@dataclass(frozen=True)
class Embedding:
    """`resource`'s answer shows, at `path`, `columns` of the rows reached
    from it through the relations `steps`."""

    resource: type
    path: str
    steps: tuple
    columns: tuple

    @property
    def embedded(self):
        return self.steps[-1].related_model

    @property
    def key(self):
        """The column of an embedded row that names what leads to it: the
        parent's id for a reverse relation, its own id for a foreign key."""
        last = self.steps[-1]
        return last.field.column if last.one_to_many else last.related_model._meta.pk.column

    @property
    def watched(self):
        """The embedded row's columns whose change changes the answer."""
        return tuple(dict.fromkeys([*self.columns, *([self.key] if self.steps[-1].one_to_many else [])]))

    def resource_ids(self, keys):
        """SQL selecting the ids of `resource` rows embedding the rows whose
        `key` values `keys` (SQL) selects, walking the relations back."""
        last = self.steps[-1]
        ids = keys
        if last.many_to_one:  # the parent holds the foreign key to the embedded row
            parent = last.model._meta
            ids = f'SELECT "{parent.pk.column}" FROM "{parent.db_table}" WHERE "{last.column}" IN ({ids})'
        for step in reversed(self.steps[:-1]):
            if step.many_to_one:  # the parent holds the foreign key
                parent = step.model._meta
                ids = f'SELECT "{parent.pk.column}" FROM "{parent.db_table}" WHERE "{step.column}" IN ({ids})'
            else:  # the child holds it
                child = step.related_model._meta
                ids = f'SELECT "{step.field.column}" FROM "{child.db_table}" WHERE "{child.pk.column}" IN ({ids})'
        return ids


@dataclass(frozen=True)
class Uncovered:
    """A field of an answer that shows other rows in a way this module cannot read."""

    resource: type
    path: str


def resource_serializers():
    """(model, serializer) of each API resource, from the router."""
    from ctdb.api.urls import router

    for _prefix, viewset, _basename in router.registry:
        yield viewset.queryset.model, viewset.serializer_class()


def walk(resource, serializer, model, steps=(), prefix=""):
    """The embeddings (and the uncovered fields) of `serializer`, for `model` at `steps`."""
    from rest_framework import serializers

    concrete = {field.name: field for field in model._meta.concrete_fields}
    for name, field in serializer.fields.items():
        path = f"{prefix}{name}"
        child = field.child if isinstance(field, serializers.ListSerializer) else field
        if isinstance(child, serializers.BaseSerializer):
            yield from nested(resource, child, [model._meta.get_field(field.source)], steps, path)
        elif isinstance(child, serializers.SerializerMethodField):
            shown = getattr(getattr(serializer, child.method_name), "_spectacular_annotation", {}).get("field")
            shown = getattr(shown, "child", shown)
            if isinstance(shown, serializers.BaseSerializer):
                yield from nested(resource, shown, relations_to(model, shown.Meta.model), steps, path)
            else:
                yield from declared(resource, model, name, steps, path)
        elif field.source in concrete or field.source.removesuffix("_precision") in concrete:
            continue  # the row's own column, or the precision of a partial date, read from it
        else:
            yield from declared(resource, model, name, steps, path)


def nested(resource, serializer, relations, steps, path):
    for relation in relations:
        inner = (*steps, relation)
        yield Embedding(resource, path, inner, shown_columns(serializer, relation.related_model))
        yield from walk(resource, serializer, relation.related_model, inner, f"{path}.")


def declared(resource, model, name, steps, path):
    depends = DEPENDS_ON.get((model._meta.label_lower, name))
    if depends is None:
        yield Uncovered(resource, path)
        return
    for relation_name, columns in depends.items():
        yield Embedding(resource, path, (*steps, model._meta.get_field(relation_name)), tuple(columns))


def relations_to(model, target):
    """`model`'s foreign keys to `target` and `target`'s foreign keys to it."""
    return [
        field
        for field in model._meta.get_fields()
        if field.is_relation and field.related_model is target and (field.many_to_one or field.one_to_many)
    ]


def shown_columns(serializer, model):
    """The columns of `model` that `serializer` shows, foreign keys of nested summaries included."""
    columns = []
    for field in serializer.fields.values():
        try:
            model_field = model._meta.get_field(field.source)
        except FieldDoesNotExist:
            continue  # a method or a precision: read from columns or relations walked apart
        if model_field.concrete:
            columns.append(model_field.column)
    return tuple(columns)


def _walk_all():
    for model, serializer in resource_serializers():
        yield from walk(model, serializer, model)


def embeddings():
    return [found for found in _walk_all() if isinstance(found, Embedding)]


def uncovered():
    return [found for found in _walk_all() if isinstance(found, Uncovered)]


def by_table():
    """{embedded table: {resource table: [embeddings]}}, in a stable order."""
    tables = {}
    for embedding in embeddings():
        parents = tables.setdefault(embedding.embedded._meta.db_table, {})
        parents.setdefault(embedding.resource._meta.db_table, []).append(embedding)
    return tables


def _changed(embedding, old, new, vendor):
    """SQL: a watched column of the embedded row differs between `old` and `new`."""
    columns = embedding.watched
    if vendor == "sqlite":
        return " OR ".join(f'{old}."{c}" IS NOT {new}."{c}"' for c in columns)
    row = ", ".join(f'{{0}}."{c}"' for c in columns)
    return f"ROW({row.format(old)}) IS DISTINCT FROM ROW({row.format(new)})"


def _keys(embedding, event, vendor):
    """SQL selecting the key values of the embedded rows the event changed."""
    key = embedding.key
    if vendor == "sqlite":
        if event == "insert":
            return f'SELECT NEW."{key}"'
        if event == "delete":
            return f'SELECT OLD."{key}"'
        changed = _changed(embedding, "OLD", "NEW", vendor)
        return f'SELECT OLD."{key}" WHERE {changed} UNION SELECT NEW."{key}" WHERE {changed}'
    if event == "insert":
        return f'SELECT n."{key}" FROM new_rows n'
    if event == "delete":
        return f'SELECT o."{key}" FROM old_rows o'
    pairs = 'old_rows o JOIN new_rows n ON n."id" = o."id"'
    changed = _changed(embedding, "o", "n", vendor)
    return f'SELECT o."{key}" FROM {pairs} WHERE {changed} UNION SELECT n."{key}" FROM {pairs} WHERE {changed}'


def _ids(parts, event, vendor):
    return " UNION ".join(embedding.resource_ids(_keys(embedding, event, vendor)) for embedding in parts)


def _record_tables():
    from django.apps import apps

    for model in apps.get_app_config("core").get_models():
        table = model._meta.db_table
        if not table.startswith("core_historical"):
            yield table


@contextmanager
def suspended(using="default"):
    """A transaction in which rows are written with the `updated_at` they
    carry, moving no record that embeds them: loading a dataset into an
    empty database, where every record arrives with its own time."""
    connection = connections[using]
    with transaction.atomic(using=using), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"SET LOCAL {SETTING} = 'off'")
        elif connection.vendor == "sqlite":
            cursor.execute(f"INSERT OR IGNORE INTO {OFF_TABLE} (id) VALUES (1)")
        try:
            yield
        finally:
            if connection.vendor == "postgresql":
                cursor.execute(f"SET LOCAL {SETTING} = 'on'")
            elif connection.vendor == "sqlite":
                cursor.execute(f"DELETE FROM {OFF_TABLE}")


def statements(vendor):
    """The SQL that (re)creates the triggers (idempotent; stale ones are dropped)."""
    tables = by_table()
    if vendor == "sqlite":
        yield from _sqlite(tables)
    elif vendor == "postgresql":
        yield from _postgresql(tables)


def _sqlite(tables):
    yield f"CREATE TABLE IF NOT EXISTS {OFF_TABLE} (id integer PRIMARY KEY CHECK (id = 1))"
    for table in _record_tables():
        for event in EVENTS:
            yield f'DROP TRIGGER IF EXISTS "{table}_nested_{event}"'
        parents = tables.get(table)
        if not parents:
            continue
        for event in EVENTS:
            when = ""
            if event == "update":
                columns = dict.fromkeys(c for parts in parents.values() for e in parts for c in e.watched)
                when = " OF " + ", ".join(f'"{c}"' for c in columns)
            updates = "".join(
                f'UPDATE "{parent}" SET "updated_at" = {NOW["sqlite"]} WHERE "id" IN ({_ids(parts, event, "sqlite")}); '
                for parent, parts in parents.items()
            )
            yield (
                f'CREATE TRIGGER "{table}_nested_{event}" AFTER {event.upper()}{when} ON "{table}" '
                f"WHEN NOT EXISTS (SELECT 1 FROM {OFF_TABLE}) BEGIN {updates}END"
            )


def _postgresql(tables):
    referencing = {
        "insert": "REFERENCING NEW TABLE AS new_rows",
        "update": "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows",
        "delete": "REFERENCING OLD TABLE AS old_rows",
    }
    for table in _record_tables():
        for event in EVENTS:
            name = f"{table}_nested_{event}"
            yield f'DROP TRIGGER IF EXISTS "{name}" ON "{table}"'
            parents = tables.get(table)
            if not parents:
                yield f'DROP FUNCTION IF EXISTS "{name}"()'
                continue
            # Collect the ids first and update only if there are any: an UPDATE of no
            # rows still fires the statement triggers of its table, which would recurse.
            body = "".join(
                f"SELECT array_agg(DISTINCT id) INTO ids FROM ({_ids(parts, event, 'postgresql')}) AS moved(id); "
                f'IF ids IS NOT NULL THEN UPDATE "{parent}" SET "updated_at" = {NOW["postgresql"]} '
                f'WHERE "id" = ANY(ids); END IF; '
                for parent, parts in parents.items()
            )
            yield (
                f'CREATE OR REPLACE FUNCTION "{name}"() RETURNS trigger AS $$ DECLARE ids bigint[]; '
                f"BEGIN IF current_setting('{SETTING}', true) = 'off' THEN RETURN NULL; END IF; "
                f"{body}RETURN NULL; END $$ LANGUAGE plpgsql"
            )
            yield (
                f'CREATE TRIGGER "{name}" AFTER {event.upper()} ON "{table}" {referencing[event]} '
                f'FOR EACH STATEMENT EXECUTE FUNCTION "{name}"()'
            )


def installed_triggers(connection):
    """Names of the nested-change triggers in the database."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE '%\\_nested\\_%' ESCAPE '\\'"
            )
        else:
            cursor.execute("SELECT tgname FROM pg_trigger WHERE tgname LIKE '%\\_nested\\_%'")
        return {row[0] for row in cursor.fetchall()}


def expected_triggers():
    return {f"{table}_nested_{event}" for table in by_table() for event in EVENTS}
