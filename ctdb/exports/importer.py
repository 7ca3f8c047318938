"""Load an exported dataset directory back into an empty database.

The inverse of `writer.export_dataset`, driven by the same column spec: files
are read in `TABLES` order (each refers only to files before it), slugs are
resolved to the new database's ids, and rows are bulk-inserted with their
exported timestamps, so that exporting again gives the same files.

Meant for restoring a release or checking an export, not for merging into a
database that already holds records: a slug present in both is refused by
the unique constraint.
"""

import csv
import hashlib
from pathlib import Path

from ..core import nested_changes
from ..core.arabic import search_text
from ..core.models import Citation
from ..core.models.base import SearchableRecord
from ..sources.export import CITATION_TARGET_FILES
from .columns import cells_from_file
from .spec import TABLES, TABLES_BY_NAME

DEFAULT_BATCH_SIZE = 2000


class DatasetError(ValueError):
    """A file that does not match the codebook, or names an unknown row."""


class _Slugs:
    """slug → id of every table imported so far, loaded when first needed."""

    def __init__(self, using):
        self.using = using
        self.tables = {}

    def __getitem__(self, name):
        if name not in self.tables:
            model = TABLES_BY_NAME[name].model
            self.tables[name] = dict(model._default_manager.using(self.using).values_list("slug", "id"))
        return self.tables[name]

    def forget(self, name):
        self.tables.pop(name, None)

    def resolve(self, name, slug, where):
        try:
            return self[name][slug]
        except KeyError:
            raise DatasetError(f"{where}: no row with slug {slug!r} in {name}.csv") from None


def _read(path):
    # utf-8-sig reads files with and without a BOM alike.
    with open(path, encoding="utf-8-sig", newline="") as file:
        yield from csv.reader(file)


def _instance(table, row, slugs, where, pending):
    model = table.model
    values = {}
    cells = dict(zip(table.header, cells_from_file(table.columns, row), strict=True))
    for column in table.columns:
        cell = cells[column.name]
        if column.field is None:
            continue  # derived: checked below where it matters
        value = column.read(cell)
        if column.references:
            if value is None:
                values[f"{column.field}_id"] = None
            elif column.references == table.name:
                pending.append((cells["slug"], column.field, value))  # a row of this same file: after insert
            else:
                values[f"{column.field}_id"] = slugs.resolve(column.references, value, f"{where} {column.name}")
        else:
            if value == "" and model._meta.get_field(column.field).null:
                value = None
            values[column.field] = value
    if model is Citation:
        target = cells["target_type"]
        if target not in CITATION_TARGET_FILES:
            raise DatasetError(f"{where}: unknown target_type {target!r}")
        values[f"{target}_id"] = slugs.resolve(CITATION_TARGET_FILES[target], cells["target_slug"], where)
    instance = model(**values)
    # bulk_create bypasses save(): fill what save() would compute.
    if isinstance(instance, SearchableRecord):
        instance.search_text = search_text(*instance.own_names())
    if "text_sha256" in cells:
        instance.text_sha256 = hashlib.sha256(instance.text.encode()).hexdigest()
        if instance.text_sha256 != cells["text_sha256"]:
            raise DatasetError(f"{where}: the text does not match its text_sha256")
    return instance


def import_table(table, path, slugs, *, using="default", batch_size=DEFAULT_BATCH_SIZE):
    """Insert every row of one file; return the number of rows."""
    rows = _read(path)
    header = next(rows, None)
    if header != table.header:
        raise DatasetError(f"{path.name}: the header is not the codebook's columns {table.header}")
    manager = table.model._default_manager.using(using)
    batch, pending, count = [], [], 0
    for line, row in enumerate(rows, start=2):
        if len(row) != len(header):
            raise DatasetError(f"{path.name} line {line}: {len(row)} cells for {len(header)} columns")
        batch.append(_instance(table, row, slugs, f"{path.name} line {line}", pending))
        if len(batch) >= batch_size:
            manager.bulk_create(batch)
            count += len(batch)
            batch = []
    manager.bulk_create(batch)
    count += len(batch)
    slugs.forget(table.name)
    if pending:
        # Attacks naming their campaign, once every attack has an id.
        updates = []
        for slug, field, target in pending:
            instance = table.model(pk=slugs[table.name][slug])
            setattr(instance, f"{field}_id", slugs.resolve(table.name, target, f"{path.name} {slug} {field}"))
            updates.append((instance, field))
        for field in {field for _instance, field in updates}:
            manager.bulk_update([i for i, f in updates if f == field], [field], batch_size=batch_size)
    return count


def import_dataset(directory, *, using="default", batch_size=DEFAULT_BATCH_SIZE):
    """Load every file of an export into the database, in one transaction.

    Return {file name: rows inserted}.
    """
    directory = Path(directory)
    slugs = _Slugs(using)
    counts = {}
    # Every row arrives with its exported time: moving the records that embed
    # it (ctdb.core.nested_changes) would give back other files.
    with nested_changes.suspended(using):
        for table in TABLES:
            counts[table.filename] = import_table(
                table, directory / table.filename, slugs, using=using, batch_size=batch_size
            )
        # Aliases are part of their owner's search text.
        for owner_key in _alias_owner_keys():
            manager = owner_key.related_model._default_manager.using(using)
            for owner in manager.filter(**{f"{owner_key.related_query_name()}__isnull": False}).distinct():
                owner.refresh_search_text()
    return counts


def _alias_owner_keys():
    """The foreign key from each exported alias model to the record it names."""
    return [
        table.model._meta.get_field(table.model.owner_field)
        for table in TABLES
        if getattr(table.model, "owner_field", None)
    ]
