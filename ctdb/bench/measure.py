"""Measurements behind `manage.py benchmark`.

Each function measures one thing against the data already in the database
and returns a flat dict of figures. Latencies are medians of `repeat` runs
after two warm-up runs, in milliseconds, measured in-process with Django's
test client (no network), so they show what the application adds.
"""

import csv
import io
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time

import tablib
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings

from ctdb.api.pagination import SyncPagination
from ctdb.core.models import Attack
from ctdb.core.resources import RESOURCES
from ctdb.exports.spec import TABLES_BY_NAME
from ctdb.exports.writer import table_queryset

UNFILTERED_COUNT = re.compile(r'SELECT COUNT\(\*\) AS "__count" FROM "core_attack"\s*$')
PAGE_SIZE = 50


def median_ms(action, repeat):
    for _ in range(2):
        action()
    timings = []
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings)


def _get(client, url, **params):
    response = client.get(url, params, HTTP_HOST="localhost")
    if response.status_code != 200:
        raise RuntimeError(f"GET {url} {params} answered {response.status_code}")
    return response


def _queries_of(action):
    with CaptureQueriesContext(connection) as captured:
        action()
    return captured.captured_queries


def _replay(queries):
    """Run the captured SQL again through a raw cursor, fetching every row."""
    with connection.cursor() as cursor:
        for query in queries:
            cursor.execute(query["sql"])
            if cursor.description:
                cursor.fetchall()


def api_page(client, url, params, repeat):
    """Latency of one API page, its query count, and its ratio to running
    the same SQL statements raw (what the ORM, serialisers and rendering add)."""
    queries = _queries_of(lambda: _get(client, url, **params))
    api = median_ms(lambda: _get(client, url, **params), repeat)
    raw = median_ms(lambda: _replay(queries), repeat)
    return {"ms": api, "queries": len(queries), "raw_ms": raw, "ratio_to_raw": api / raw if raw else None}


def deep_cursor():
    """A sync cursor 90% of the way through the attacks."""
    total = Attack.objects.count()
    record = Attack.objects.order_by("updated_at", "pk").only("pk", "updated_at")[int(total * 0.9)]
    return SyncPagination.encode(record)


def api(repeat):
    """The API's own work, with its answer cache off; then the first page
    again as the cache serves it between changes."""
    client = Client()
    with override_settings(CTDB_API_CACHE_SECONDS=0):
        first = api_page(client, "/api/v1/attacks/", {"page_size": PAGE_SIZE}, repeat)
        deep = api_page(client, "/api/v1/attacks/sync/", {"page_size": PAGE_SIZE, "cursor": deep_cursor()}, repeat)
    cached = {"ms": median_ms(lambda: _get(client, "/api/v1/attacks/", page_size=PAGE_SIZE), repeat)}
    return {"api_first": first, "api_deep": deep, "api_cached": cached}


def admin_changelist(repeat):
    user, _created = get_user_model().objects.get_or_create(
        username="benchmark-admin", defaults={"is_staff": True, "is_superuser": True}
    )
    client = Client()
    client.force_login(user)
    queries = _queries_of(lambda: _get(client, "/admin/core/attack/"))
    return {
        "admin": {
            "ms": median_ms(lambda: _get(client, "/admin/core/attack/"), repeat),
            "queries": len(queries),
            "unfiltered_counts": sum(1 for q in queries if UNFILTERED_COUNT.search(q["sql"])),
        }
    }


@override_settings(CTDB_API_CACHE_SECONDS=0)
def search(repeat, term, key="search"):
    """The median time of the API's first page of attacks searched for `term`."""
    client = Client()
    params = {"search": term, "page_size": PAGE_SIZE}
    response = _get(client, "/api/v1/attacks/", **params)
    return {
        key: {
            "query": term,
            "ms": median_ms(lambda: _get(client, "/api/v1/attacks/", **params), repeat),
            "matches": response.json()["count"],
            "matches_exact": response.json()["count_exact"],
        }
    }


def export_vs_copy(repeat=1):
    """Time of the attacks CSV export against PostgreSQL's COPY of the same
    columns, and the export's peak memory (measured in a child process)."""
    table = TABLES_BY_NAME["attacks"]
    with tempfile.TemporaryDirectory() as directory:
        export_ms, peak_mb = _export_in_child(directory, repeat)
    figures = {"export_ms": export_ms, "export_peak_mb": peak_mb, "copy_ms": None, "ratio_to_copy": None}
    if connection.vendor == "postgresql":
        sources = list(dict.fromkeys(source for column in table.columns for source in column.sources))
        sql, params = table_queryset(table).values_list(*sources).query.sql_with_params()
        statement = f"COPY ({connection.ops.compose_sql(sql, params)}) TO STDOUT WITH CSV HEADER"

        def copy():
            with connection.cursor() as cursor, cursor.cursor.copy(statement) as stream, open(os.devnull, "wb") as sink:
                for block in stream:
                    sink.write(block)

        figures["copy_ms"] = median_ms(copy, repeat)
        figures["ratio_to_copy"] = export_ms / figures["copy_ms"]
    return {"export": figures}


CHILD = """
import resource, sys, time
import django
django.setup()
from ctdb.exports.spec import TABLES_BY_NAME
from ctdb.exports.writer import write_table
# One run first, as COPY gets its warm-ups: the connection, the catalogue
# lookups and the disk cache are not the export's cost.
write_table(TABLES_BY_NAME["attacks"], {directory!r})
timings = []
for _ in range({repeat}):
    started = time.perf_counter()
    write_table(TABLES_BY_NAME["attacks"], {directory!r})
    timings.append((time.perf_counter() - started) * 1000)
timings.sort()
# The peak of this process's own memory (VmHWM). Not ru_maxrss: Linux keeps
# it across exec, so it would report the benchmark process that forked this
# one, with the synthetic data it generated.
try:
    status = open("/proc/self/status").read()
    peak_mb = int(status.split("VmHWM:")[1].split()[0]) / 1024
except (OSError, IndexError):
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(timings[len(timings) // 2], peak_mb)
"""


def _export_in_child(directory, repeat):
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": os.environ.get("DJANGO_SETTINGS_MODULE", "ctdb.settings")}
    db = settings.DATABASES["default"]
    if db["ENGINE"].endswith("sqlite3"):
        env["DATABASE_URL"] = f"sqlite:///{db['NAME']}"
    output = subprocess.run(
        [sys.executable, "-c", CHILD.format(repeat=repeat, directory=directory)],
        env=env,
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    return float(output[-2]), float(output[-1])


def import_csv(rows):
    """Rows per second of a CSV import of new attacks through
    django-import-export, with related records named by slug; rolled back
    afterwards so the database is as it was."""
    header = ["slug", "name_ar", "name_en", "kind", "campaign", "start", "country", "attack_type", "killed_low"]
    campaign = Attack.objects.filter(kind="campaign").values_list("slug", flat=True).first() or ""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    for number in range(rows):
        writer.writerow(
            [
                f"benchmark-import-{number}",
                f"هجوم تجريبي {number}",
                f"Benchmark attack {number}",
                "attack",
                campaign,
                f"20{number % 24:02d}-{number % 12 + 1:02d}",
                "IQ",
                "bombing_explosion",
                number % 50,
            ]
        )
    dataset = tablib.Dataset().load(buffer.getvalue(), format="csv")
    resource_ = RESOURCES[Attack]()
    started = time.perf_counter()
    with transaction.atomic():
        result = resource_.import_data(dataset, dry_run=False, raise_errors=True)
        elapsed = time.perf_counter() - started
        imported = Attack.objects.filter(slug__startswith="benchmark-import-").count()
        transaction.set_rollback(True)
    if result.has_errors() or imported != rows:
        raise RuntimeError(f"benchmark import failed: {imported} of {rows} rows")
    return {"import": {"rows": rows, "seconds": elapsed, "rows_per_s": rows / elapsed}}


def copy_attacks(size):
    """Bring the attacks table to `size` rows by copying its synthetic attacks
    (`benchmark --copies`): each copy keeps the row's search document, with a
    slug of its own under the synthetic prefix, so `remove_synthetic` removes
    it. The copies get no attributions, links, citations or history; nothing
    but search is measured on them. The table's trigram index is built again
    once, after the copy, as the generator does."""
    from ctdb.core.models import Attack
    from ctdb.exports.spec import SYNTHETIC_PREFIX

    table = Attack._meta.db_table
    quote = connection.ops.quote_name
    columns = [field.column for field in Attack._meta.concrete_fields if field.column not in ("id", "slug")]
    originals = Attack.objects.filter(slug__startswith=f"{SYNTHETIC_PREFIX}attack-").count()
    missing = size - Attack.objects.count()
    if missing <= 0 or not originals:
        return
    listed = ", ".join(quote(column) for column in columns)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s AND indexdef LIKE %s",
            [table, "%gin_trgm_ops%"],
        )
        indexes = cursor.fetchall()
        for name, _definition in indexes:
            cursor.execute(f"DROP INDEX {quote(name)}")
        # Copies, not records: no trigger moves anything for them (and no data version changes).
        cursor.execute("SET session_replication_role = replica")
        try:
            cursor.execute(
                f"INSERT INTO {quote(table)} (slug, {listed}) "
                f"SELECT %s || n || '-' || a.slug, {', '.join('a.' + quote(column) for column in columns)} "
                f"FROM generate_series(1, %s) AS n, {quote(table)} AS a WHERE a.slug LIKE %s "
                f"ORDER BY n, a.id LIMIT %s",
                [f"{SYNTHETIC_PREFIX}copy-", missing // originals + 1, f"{SYNTHETIC_PREFIX}attack-%", missing],
            )
        finally:
            cursor.execute("SET session_replication_role = DEFAULT")
        cursor.execute("SET maintenance_work_mem = '512MB'")
        for _name, definition in indexes:
            cursor.execute(definition)
