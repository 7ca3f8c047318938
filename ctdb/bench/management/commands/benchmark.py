"""Measure ctdb at several sizes of synthetic data and print a table."""

import io
import json
import platform
import time

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from ctdb.bench import measure
from ctdb.core.arabic import fold
from ctdb.core.models import Attack, Organisation


class Command(BaseCommand):
    """For each size: replace the synthetic data with that many attacks, then
    measure the attacks CSV export against COPY, the API's first page and a
    deep sync page, the admin changelist, folded search and a CSV import.
    Not part of the test suite (a tiny smoke run of it is)."""

    help = "Benchmark export, API, admin, search and import at several data sizes; print a table."

    def add_arguments(self, parser):
        parser.add_argument("--sizes", default="10000,200000,1000000", help="comma-separated attack counts")
        parser.add_argument("--repeat", type=int, default=15, help="runs per latency median")
        parser.add_argument("--import-rows", type=int, default=20000)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--keep", action="store_true", help="keep the last size's synthetic data")
        parser.add_argument("--json", dest="json_path", help="also write the raw figures to this file")
        parser.add_argument("--markdown", help="also write the table to this Markdown file")
        parser.add_argument(
            "--only", default=",".join(PARTS), help=f"comma-separated parts to measure, of {', '.join(PARTS)}"
        )
        parser.add_argument(
            "--copies",
            action="store_true",
            help="PostgreSQL, with --only search: reach each size after the first by copying the first size's "
            "synthetic attacks, search documents included, instead of generating (minutes instead of hours)",
        )

    def handle(self, *args, sizes, repeat, import_rows, seed, keep, json_path, markdown, only, copies, **options):
        sizes = [int(size) for size in sizes.split(",") if size.strip()]
        if not sizes or min(sizes) < 10:
            raise CommandError("--sizes needs attack counts of at least 10")
        self.parts = [part.strip() for part in only.split(",") if part.strip()]
        if not self.parts or set(self.parts) - set(PARTS):
            raise CommandError(f"--only takes parts of {', '.join(PARTS)}")
        if copies and (self.parts != ["search"] or connection.vendor != "postgresql"):
            raise CommandError("--copies is for --only search on PostgreSQL: the copies have no links or citations")
        self.copies, self.queries = copies, None
        results = {}
        for size in sizes:
            self.stderr.write(f"== {size:,} attacks")
            results[size] = self.measure(size, repeat, import_rows, seed)
        if not keep:
            call_command("remove_synthetic", verbosity=0, stdout=io.StringIO())
        table = render(results)
        self.stdout.write(table)
        if markdown:
            with open(markdown, "w", encoding="utf-8") as out:
                out.write(table)
        if json_path:
            with open(json_path, "w", encoding="utf-8") as out:
                json.dump({str(size): figures for size, figures in results.items()}, out, indent=1, default=str)

    def measure(self, size, repeat, import_rows, seed):
        started = time.perf_counter()
        if self.copies and self.queries is not None:
            measure.copy_attacks(size)
        else:
            call_command("remove_synthetic", verbosity=0, stdout=io.StringIO())
            call_command(
                "generate_synthetic",
                attacks=size,
                seed=seed,
                no_progress=True,
                defer_search_indexes=True,
                stdout=io.StringIO(),
            )
        figures = {"generate_s": time.perf_counter() - started, "attacks": Attack.objects.count()}
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE")
        self.stderr.write(f"   generated in {figures['generate_s']:.1f} s")
        if "export" in self.parts:
            figures.update(measure.export_vs_copy())
        if "api" in self.parts:
            figures.update(measure.api(repeat))
        if "admin" in self.parts:
            figures.update(measure.admin_changelist(repeat))
        if "search" in self.parts:
            self.queries = self.queries or search_queries(size)  # the same searches at every size
            for key, query in self.queries.items():
                figures.update(measure.search(repeat, query, key))
        if "import" in self.parts:
            figures.update(measure.import_csv(import_rows))
        return figures


PARTS = ("export", "api", "admin", "search", "import")


def search_queries(size):
    """The searches timed: one word of the middle synthetic attack's name; a
    short token (the acronym of a group behind it, or of the first synthetic
    group), which attacks meet through their perpetrators; and that attack's
    whole Arabic name, a long phrase."""
    middle = Attack.objects.filter(slug__startswith="synthetic-").order_by("pk")[size // 2]
    groups = Organisation.objects.filter(slug__startswith="synthetic-", kind="militant_group")
    group = groups.filter(attributions__attack=middle).first() or groups.order_by("pk").first()
    acronym = group.aliases.filter(kind="acronym").values_list("name", flat=True).first()
    return {
        "search": fold(middle.name_ar or middle.name_en).split()[-1],
        "search_short": acronym,
        "search_phrase": middle.name_ar,
    }


def fmt(value, unit="", digits=1):
    if value is None:
        return "n/a"
    return f"{value:,.{digits}f}{unit}"


SEARCH_LABELS = {
    "search": "search, one word",
    "search_short": "search, a short token",
    "search_phrase": "search, a long phrase",
}


def render(results):
    sizes = list(results)
    small, large = results[sizes[0]], results[sizes[-1]]

    def ratio(key, field="ms"):
        return large[key][field] / small[key][field] if small[key][field] else None

    def row(label, key, field, unit="", digits=1, target=""):
        return key, (label, [fmt(r[key][field], unit, digits) for r in results.values()], target)

    def matches(label, key):
        cells = [
            ("" if r[key].get("matches_exact", True) else "≈") + fmt(r[key]["matches"], digits=0)
            for r in results.values()
        ]
        return key, (f"{label}, matches (≈: the API's estimate)", cells, "")

    measured = [
        ("attacks", ("attacks in the table", [fmt(r["attacks"], digits=0) for r in results.values()], "")),
        ("generate_s", ("synthetic data generated in", [fmt(r["generate_s"], " s") for r in results.values()], "")),
        row("attacks CSV export", "export", "export_ms", " ms", 0),
        row("COPY of the same columns", "export", "copy_ms", " ms", 0),
        row("export / COPY time", "export", "ratio_to_copy", "×", 2, "≤ 1.5×"),
        row("export peak memory", "export", "export_peak_mb", " MB", 0, "≤ 150 MB"),
        row("API first page, median", "api_first", "ms", " ms"),
        row("API first page, queries", "api_first", "queries", digits=0),
        row("API first page / raw SQL", "api_first", "ratio_to_raw", "×", target="≤ 3×"),
        row("API first page from its cache", "api_cached", "ms", " ms"),
        row("API deep sync page, median", "api_deep", "ms", " ms"),
        row("API deep sync page, queries", "api_deep", "queries", digits=0),
        row("API deep page / raw SQL", "api_deep", "ratio_to_raw", "×", target="≤ 3×"),
        row("admin changelist, median", "admin", "ms", " ms"),
        row("admin changelist, queries", "admin", "queries", digits=0),
        row("admin unfiltered COUNT(*)", "admin", "unfiltered_counts", digits=0, target="0"),
        *(
            measure
            for key, label in SEARCH_LABELS.items()
            for measure in (row(f"{label}, median", key, "ms", " ms"), matches(label, key))
        ),
        row("CSV import, rows/s", "import", "rows_per_s", digits=0, target="≥ 2,000"),
    ]
    rows = [cells for key, cells in measured if key in small]
    queries = [f"- {label}: `{small[key]['query']}`" for key, label in SEARCH_LABELS.items() if key in small]
    ratios = [
        (label, key, target)
        for label, key, target in (
            ("API first page", "api_first", "≤ 1.5×"),
            ("API deep sync page", "api_deep", "≤ 1.5×"),
            ("admin changelist", "admin", "≤ 1.5×"),
            *((label, key, "≤ 3×") for key, label in SEARCH_LABELS.items()),
        )
        if key in small
    ]
    header = "| measure | " + " | ".join(f"{size:,} attacks" for size in sizes) + " | target |"
    lines = [header, "|" + " --- |" * (len(sizes) + 2)]
    lines += [f"| {name} | " + " | ".join(cells) + f" | {target} |" for name, cells, target in rows]
    lines.append("")
    lines.append(f"Ratios, {sizes[-1]:,} / {sizes[0]:,} attacks:")
    lines.append("")
    lines += [f"- {label}: {fmt(ratio(key), '×', 2)} (target {target})" for label, key, target in ratios]
    if queries:
        lines += ["", "Searches (the first page of attacks, 50 rows, searched for):", "", *queries]
    lines.append("")
    lines.append(
        f"Database: {connection.vendor}; Python {platform.python_version()}; {platform.machine()}; "
        f"{platform.processor() or 'cpu'}."
    )
    return "\n".join(lines) + "\n"
