"""Load an exported dataset directory back into an empty database.

The inverse of `writer.export_dataset`, driven by the same column spec: files
are read in `TABLES` order (each refers only to files before it), slugs are
resolved to the new database's ids, and rows are bulk-inserted with their
exported timestamps, so that exporting again gives the same files.

Meant for restoring a release or checking an export, not for merging into a
database that already holds records: a slug present in both is refused by
the unique constraint.

Only a dataset of this code's schema version is read (`check_dataset`, before
anything is written): files of another version would read wrong, and one of a
version before a rename (`spec.RENAMES`) lacks files this code expects.
"""

import csv
import hashlib
import json
from pathlib import Path

from ..core import nested_changes
from ..core.bulk import insert_records, record_history
from ..core.models import Citation
from ..core.models.base import SearchableRecord
from ..core.search import document, reindex_all
from ..sources.export import CITATION_TARGET_FILES
from .columns import cells_from_file
from .spec import CHANGES, RENAMES, SCHEMA_VERSION, TABLES, TABLES_BY_NAME

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


def _header(path):
    return next(_read(path), None)


def _version(text):
    """A schema version as numbers, so that 1.10 comes after 1.9; None if it is not one."""
    try:
        return tuple(int(part) for part in str(text).split("."))
    except ValueError:
        return None


def _last_before(version):
    """The schema version before `version`, as the codebook's changes list them."""
    earlier = [known for known in CHANGES if _version(known) < _version(version)]
    return max(earlier, key=_version, default=None)


def _renamed_since(version):
    """The renames made after schema version `version` (all of them if it is no version)."""
    given = _version(version)
    return [renames for renames in RENAMES if given is None or given < _version(renames.version)]


def old_names(directory):
    """The files and columns in `directory` under a name a later schema
    version changed: [(the version that renamed it, old name, new name)]."""
    found = []
    for renames in RENAMES:
        found += [(renames.version, old, new) for old, new in renames.files.items() if (directory / old).exists()]
        for file, columns in renames.columns.items():
            header = (_header(directory / file) if (directory / file).exists() else None) or ()
            found += [(renames.version, f"{file}'s {old}", new) for old, new in columns.items() if old in header]
    return found


def check_dataset(directory):
    """Refuse, before anything is written, a dataset this code would read
    wrong or in part: a manifest of another schema version, a file or column
    still under the name of an older version, a missing file, a header that
    is not the codebook's."""
    directory = Path(directory)
    manifest = directory / "manifest.json"
    if manifest.exists():
        try:
            version = json.loads(manifest.read_text(encoding="utf-8")).get("schema_version")
        except (ValueError, AttributeError):
            raise DatasetError("manifest.json is not a manifest (a JSON object with a schema_version)") from None
        # Cells are read by the rules of this schema version (a formula cell's
        # apostrophe, 1.2), and files by its names (2.0).
        if version != SCHEMA_VERSION:
            since = _renamed_since(version)
            renamed = "".join(f" ({renames.version} renamed {renames.described()})" for renames in since)
            raise DatasetError(f"the export has schema version {version}; this code reads {SCHEMA_VERSION}{renamed}")
    old = old_names(directory)
    if old:
        newest = max((version for version, _old, _new in old), key=_version)
        before = _last_before(newest)
        of = f"schema version {before} or earlier" if before else f"a schema version before {newest}"
        names = "; ".join(f"{old_name} (now {new_name})" for _renamed_in, old_name, new_name in old)
        raise DatasetError(f"the files are of {of}: {names}; this code reads schema version {SCHEMA_VERSION}")
    for table in TABLES:
        path = directory / table.filename
        if not path.exists():
            raise DatasetError(f"{table.filename} is missing")
        if _header(path) != table.header:
            raise DatasetError(f"{table.filename}: the header is not the codebook's columns {table.header}")


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
        target = cells["record_type"]
        if target not in CITATION_TARGET_FILES:
            raise DatasetError(f"{where}: unknown record_type {target!r}")
        values[f"{target}_id"] = slugs.resolve(CITATION_TARGET_FILES[target], cells["record_slug"], where)
    instance = model(**values)
    # bulk_create bypasses save(): fill what save() would compute.
    if isinstance(instance, SearchableRecord):
        instance.search_text = document(instance.own_names(), instance.own_context())
    if "text_sha256" in cells:
        instance.text_sha256 = hashlib.sha256(instance.text.encode()).hexdigest()
        if instance.text_sha256 != cells["text_sha256"]:
            raise DatasetError(f"{where}: the text does not match its text_sha256")
    return instance


def import_table(table, path, slugs, *, using="default", batch_size=DEFAULT_BATCH_SIZE):
    """Insert every row of one file, each record with one "+" historical
    row; return the number of rows.

    The history is written last, once the rows that name a row of this same
    file (an attack's campaign) are linked: a "+" row per record holding what
    was restored, rather than a "+" without the campaign and then a "~"
    recording a change nobody made. Its change reason names the export.
    """
    rows = _read(path)
    header = next(rows, None)
    if header != table.header:
        raise DatasetError(f"{path.name}: the header is not the codebook's columns {table.header}")
    manager = table.model._default_manager.using(using)
    batch, pending, pks = [], [], []
    for line, row in enumerate(rows, start=2):
        if len(row) != len(header):
            raise DatasetError(f"{path.name} line {line}: {len(row)} cells for {len(header)} columns")
        batch.append(_instance(table, row, slugs, f"{path.name} line {line}", pending))
        if len(batch) >= batch_size:
            insert_records(table.model, batch, batch_size=batch_size, using=using)
            pks.extend(record.pk for record in batch)
            batch = []
    insert_records(table.model, batch, batch_size=batch_size, using=using)
    pks.extend(record.pk for record in batch)
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
    reason = f"import_dataset {path.parent.name}"[:100]  # the length of history_change_reason
    record_history(table.model, pks, "+", change_reason=reason, using=using)
    return len(pks)


def import_dataset(directory, *, using="default", batch_size=DEFAULT_BATCH_SIZE):
    """Load every file of an export into the database, in one transaction,
    once `check_dataset` finds it of this schema version and complete.

    Return {file name: rows inserted}.
    """
    directory = Path(directory)
    check_dataset(directory)
    slugs = _Slugs(using)
    counts = {}
    # Every row arrives with its exported time: moving the records that embed
    # it (ctdb.core.nested_changes) would give back other files.
    with nested_changes.suspended(using):
        for table in TABLES:
            counts[table.filename] = import_table(
                table, directory / table.filename, slugs, using=using, batch_size=batch_size
            )
        # Aliases, perpetrators and parties are part of their records' search documents.
        reindex_all(using=using)
    return counts
