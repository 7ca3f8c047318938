"""Write the dataset: one CSV per table, the codebook and a manifest.

Rows are streamed, so memory stays bounded whatever the table size. On
PostgreSQL each table is one `COPY (SELECT ...) TO STDOUT` whose cells the
server formats (`copy.py`); elsewhere one `values_list(...).iterator()` query
with the related slugs joined in, each cell written by its column in Python.
Both write the same bytes: LF line ends, a cell quoted (RFC 4180) when it
holds a comma, a double quote, CR or LF, and free text that a spreadsheet
would run as a formula neutralised (`columns.file_cells`). All tables are
read in one transaction (on PostgreSQL a repeatable-read snapshot), so the
files agree with each other even while the database is being edited.
"""

import codecs
import datetime
import hashlib
import json
import re
import sys
import zipfile
from contextlib import contextmanager
from pathlib import Path

import yaml
from django.conf import settings
from django.db import connections, transaction
from django.utils import timezone
from tqdm import tqdm

from .codebook import codebook, markdown
from .columns import file_cells
from .copy import copy_rows
from .spec import SCHEMA_VERSION, SYNTHETIC_PREFIX, TABLES

DEFAULT_CHUNK_SIZE = 5000
# The file sink buffers this much before writing to disk.
BUFFER_SIZE = 1 << 20


def dataset_version():
    """The curated dataset's release (fixtures/dataset.yaml `version`)."""
    path = Path(settings.BASE_DIR) / "fixtures" / "dataset.yaml"
    if not path.exists():
        return None
    return str(yaml.safe_load(path.read_text(encoding="utf-8")).get("version"))


class HashingSink:
    """A text file for csv.writer that hashes and counts the bytes it writes,
    so that the manifest needs no second pass over the files."""

    def __init__(self, path, bom=False):
        self.file = open(path, "wb", buffering=BUFFER_SIZE)
        self.sha256 = hashlib.sha256()
        self.bytes = 0
        if bom:
            self._write(codecs.BOM_UTF8)

    def _write(self, data):
        self.sha256.update(data)
        self.bytes += len(data)
        self.file.write(data)

    def write(self, text):
        self._write(text.encode("utf-8"))

    def write_bytes(self, data):
        self._write(data)

    def close(self):
        self.file.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def table_queryset(table, using="default", exclude_synthetic=False):
    """The rows of `table` in export order (unevaluated)."""
    queryset = table.model._default_manager.using(using).order_by(*table.order_by)
    if exclude_synthetic:
        # The first column is the row's slug, or for an alias its owner's.
        queryset = queryset.exclude(**{f"{table.columns[0].sources[0]}__startswith": SYNTHETIC_PREFIX})
    return queryset


def table_rows(table, using="default", chunk_size=DEFAULT_CHUNK_SIZE, exclude_synthetic=False, queryset=None):
    """Yield the CSV cells of every row of `table` (or of `queryset`, some of
    its records: the admin's export), from one streamed query. The cells are
    the values as written, before any neutralising: the file's writer (or the
    admin's CSV format) does that, the admin's XLSX needs none."""
    # One query reads every source once, even when several columns use it
    # (a date and its precision; the ten citation targets).
    sources = list(dict.fromkeys(source for column in table.columns for source in column.sources))
    position = {source: index for index, source in enumerate(sources)}
    single = [(column.write, position[column.sources[0]]) for column in table.columns if len(column.sources) == 1]
    if queryset is None:
        queryset = table_queryset(table, using, exclude_synthetic)
    queryset = queryset.values_list(*sources)
    if len(single) == len(table.columns):
        for row in queryset.iterator(chunk_size=chunk_size):
            yield [write(row[index]) for write, index in single]
        return
    plan = [(column.write, [position[source] for source in column.sources]) for column in table.columns]
    for row in queryset.iterator(chunk_size=chunk_size):
        yield [write(*[row[index] for index in indexes]) for write, indexes in plan]


NEEDS_QUOTES = re.compile(r'[,"\r\n]')


def csv_line(cells):
    """One CSV line as COPY writes it: quotes only where needed, LF at the end.

    (Python's csv module with an LF line end leaves a lone CR unquoted.)"""
    return ",".join(_quoted(cell) if NEEDS_QUOTES.search(cell) else cell for cell in cells) + "\n"


def _quoted(cell):
    return '"' + cell.replace('"', '""') + '"'


def _progress_bar(enabled, total, description):
    return tqdm(
        total=total,
        desc=description,
        unit=" rows",
        file=sys.stderr,
        disable=not enabled,
        dynamic_ncols=True,
    )


def write_table(
    table,
    directory,
    *,
    bom=False,
    progress=False,
    using="default",
    chunk_size=DEFAULT_CHUNK_SIZE,
    exclude_synthetic=False,
):
    """Write one table's CSV file; return its manifest entry."""
    queryset = table_queryset(table, using, exclude_synthetic)
    total = queryset.count() if progress else None
    with (
        HashingSink(Path(directory) / table.filename, bom=bom) as sink,
        _progress_bar(progress, total, table.filename) as bar,
    ):
        sink.write(csv_line(table.header))
        # COPY's blocks are counted by their line ends: close enough for a
        # progress bar (a quoted cell may hold a line break).
        rows = copy_rows(queryset, table, sink.write_bytes, (lambda block: bar.update(block.count(b"\n"))))
        if rows is None:
            rows = 0
            for cells in table_rows(table, using, chunk_size, exclude_synthetic):
                sink.write(csv_line(file_cells(table.columns, cells)))
                rows += 1
                if rows % chunk_size == 0:
                    bar.update(chunk_size)
        bar.n = rows
        bar.refresh()
    return {"name": table.filename, "rows": rows, "bytes": sink.bytes, "sha256": sink.sha256.hexdigest()}


def _write_text(path, text):
    data = text.encode("utf-8")
    path.write_bytes(data)
    return {"name": path.name, "bytes": len(data), "sha256": hashlib.sha256(data).hexdigest()}


@contextmanager
def snapshot(using="default"):
    """A transaction in which every table is read from one snapshot."""
    connection = connections[using]
    outermost = not connection.in_atomic_block
    with transaction.atomic(using=using):
        if outermost and connection.vendor == "postgresql":
            # READ COMMITTED would give each query its own snapshot.
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        yield


def export_dataset(
    output,
    *,
    bom=False,
    make_zip=False,
    progress=False,
    using="default",
    chunk_size=DEFAULT_CHUNK_SIZE,
    exclude_synthetic=False,
):
    """Export every table, the codebook and the manifest into `output`.

    Return the manifest (a dict); with `make_zip`, its "zip" key names the zip
    file written beside the other files.
    """
    output = Path(output)
    output.mkdir(parents=True, exist_ok=True)
    exported_at = timezone.now().astimezone(datetime.UTC).replace(microsecond=0)
    files = []
    with snapshot(using):
        for table in TABLES:
            files.append(
                write_table(
                    table,
                    output,
                    bom=bom,
                    progress=progress,
                    using=using,
                    chunk_size=chunk_size,
                    exclude_synthetic=exclude_synthetic,
                )
            )
    book = codebook()
    files.append(_write_text(output / "codebook.md", markdown(book)))
    files.append(_write_text(output / "codebook.json", json.dumps(book, ensure_ascii=False, indent=2) + "\n"))
    version = dataset_version()
    manifest = {
        "dataset": "ctdb",
        "dataset_version": version,
        "schema_version": SCHEMA_VERSION,
        "exported_at": exported_at.isoformat().replace("+00:00", "Z"),
        "encoding": "utf-8-sig" if bom else "utf-8",
        "synthetic_excluded": exclude_synthetic,
        "files": files,
    }
    (output / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", "utf-8")
    if make_zip:
        zip_path = output / f"ctdb-dataset-{version or 'unversioned'}.zip"
        with zipfile.ZipFile(zip_path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for name in [entry["name"] for entry in files] + ["manifest.json"]:
                archive.write(output / name, arcname=name)
        manifest = {**manifest, "zip": zip_path.name}
    return manifest
