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
from ctdb.core.models import Attack


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

    def handle(self, *args, sizes, repeat, import_rows, seed, keep, json_path, markdown, **options):
        sizes = [int(size) for size in sizes.split(",") if size.strip()]
        if not sizes or min(sizes) < 10:
            raise CommandError("--sizes needs attack counts of at least 10")
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
        call_command("remove_synthetic", verbosity=0, stdout=io.StringIO())
        started = time.perf_counter()
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
        figures.update(measure.export_vs_copy())
        figures.update(measure.api(repeat))
        figures.update(measure.admin_changelist(repeat))
        middle = Attack.objects.filter(slug__startswith="synthetic-").order_by("pk")[size // 2]
        term = fold(middle.name_ar or middle.name_en).split()[-1]
        figures.update(measure.search(repeat, term))
        figures.update(measure.import_csv(import_rows))
        return figures


def fmt(value, unit="", digits=1):
    if value is None:
        return "n/a"
    return f"{value:,.{digits}f}{unit}"


def render(results):
    sizes = list(results)
    small, large = results[sizes[0]], results[sizes[-1]]

    def ratio(key, field="ms"):
        return large[key][field] / small[key][field] if small[key][field] else None

    rows = [
        ("attacks in the table", [fmt(r["attacks"], digits=0) for r in results.values()], ""),
        ("synthetic data generated in", [fmt(r["generate_s"], " s") for r in results.values()], ""),
        ("attacks CSV export", [fmt(r["export"]["export_ms"], " ms", 0) for r in results.values()], ""),
        ("COPY of the same columns", [fmt(r["export"]["copy_ms"], " ms", 0) for r in results.values()], ""),
        ("export / COPY time", [fmt(r["export"]["ratio_to_copy"], "×", 2) for r in results.values()], "≤ 1.5×"),
        ("export peak memory", [fmt(r["export"]["export_peak_mb"], " MB", 0) for r in results.values()], "≤ 150 MB"),
        ("API first page, median", [fmt(r["api_first"]["ms"], " ms") for r in results.values()], ""),
        ("API first page, queries", [str(r["api_first"]["queries"]) for r in results.values()], ""),
        ("API first page / raw SQL", [fmt(r["api_first"]["ratio_to_raw"], "×") for r in results.values()], "≤ 3×"),
        ("API first page from its cache", [fmt(r["api_cached"]["ms"], " ms") for r in results.values()], ""),
        ("API deep sync page, median", [fmt(r["api_deep"]["ms"], " ms") for r in results.values()], ""),
        ("API deep sync page, queries", [str(r["api_deep"]["queries"]) for r in results.values()], ""),
        ("API deep page / raw SQL", [fmt(r["api_deep"]["ratio_to_raw"], "×") for r in results.values()], "≤ 3×"),
        ("admin changelist, median", [fmt(r["admin"]["ms"], " ms") for r in results.values()], ""),
        ("admin changelist, queries", [str(r["admin"]["queries"]) for r in results.values()], ""),
        ("admin unfiltered COUNT(*)", [str(r["admin"]["unfiltered_counts"]) for r in results.values()], "0"),
        ("folded search, median", [fmt(r["search"]["ms"], " ms") for r in results.values()], ""),
        (
            "folded search, matches (≈: the API's estimate)",
            [
                ("" if r["search"].get("matches_exact", True) else "≈") + fmt(r["search"]["matches"], digits=0)
                for r in results.values()
            ],
            "",
        ),
        ("CSV import, rows/s", [fmt(r["import"]["rows_per_s"], "", 0) for r in results.values()], "≥ 2,000"),
    ]
    header = "| measure | " + " | ".join(f"{size:,} attacks" for size in sizes) + " | target |"
    lines = [header, "|" + " --- |" * (len(sizes) + 2)]
    lines += [f"| {name} | " + " | ".join(cells) + f" | {target} |" for name, cells, target in rows]
    lines.append("")
    lines.append(f"Ratios, {sizes[-1]:,} / {sizes[0]:,} attacks:")
    lines.append("")
    lines.append(f"- API first page: {fmt(ratio('api_first'), '×', 2)} (target ≤ 1.5×)")
    lines.append(f"- API deep sync page: {fmt(ratio('api_deep'), '×', 2)} (target ≤ 1.5×)")
    lines.append(f"- admin changelist: {fmt(ratio('admin'), '×', 2)} (target ≤ 1.5×)")
    lines.append(f"- folded search: {fmt(ratio('search'), '×', 2)} (target ≤ 3×)")
    lines.append("")
    lines.append(
        f"Database: {connection.vendor}; Python {platform.python_version()}; {platform.machine()}; "
        f"{platform.processor() or 'cpu'}."
    )
    return "\n".join(lines) + "\n"
