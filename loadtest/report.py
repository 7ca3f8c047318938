"""Summarise a load test run (var/loadtest/requests.csv, written by the
locustfile) and say whether it passed.

Percentiles are exact (nearest rank over every recorded request), not
locust's rounded buckets. An error is a 5xx or a request with no answer
(connection refused, reset, timed out); an unexpected answer is any other
status than the one the request kind expects (200, or 400 for the page
requested too deep on purpose). The run fails on any error, any unexpected
answer, or any request slower than the limit. If an edit was made during
the run (`edits.txt`), the requests sent from then on are summarised too:
every cached answer was stale at that moment.

    python loadtest/report.py SECONDS [LIMIT_MS]   # prints markdown, writes var/loadtest/report.md
"""

import csv
import math
import sys
from collections import defaultdict

OUT = "var/loadtest"


def percentile(sorted_values, fraction):
    """Nearest-rank percentile of an ascending list."""
    return sorted_values[max(math.ceil(fraction * len(sorted_values)) - 1, 0)]


def row(label, records, seconds, limit_ms):
    times = sorted(ms for ms, _status, _outcome in records)
    errors = sum(outcome in ("5xx", "connection") for _ms, _status, outcome in records)
    unexpected = sum(outcome == "unexpected" for _ms, _status, outcome in records)
    figures = (percentile(times, p) for p in (0.5, 0.95, 0.99))
    return (
        (
            f"| {label} | {len(records):,} | {len(records) / seconds:.1f} | {errors} | {unexpected} | "
            + " | ".join(f"{value:,.0f} ms" for value in (*figures, times[-1]))
            + f" | {sum(ms > limit_ms for ms in times)} |"
        ),
        errors + unexpected,
        sum(ms > limit_ms for ms in times),
    )


def edits():
    """When the locustfile's edits were made (seconds since its start)."""
    try:
        with open(f"{OUT}/edits.txt") as source:
            return [float(line) for line in source if line.strip()]
    except FileNotFoundError:
        return []


def main(seconds, limit_ms=2000):
    with open(f"{OUT}/requests.csv", newline="") as source:
        rows = list(csv.DictReader(source))
    records = [(r["kind"], float(r["ms"]), int(r["status"]), r["outcome"]) for r in rows]
    if not records:
        raise SystemExit("no request was recorded")
    by_kind = defaultdict(list)
    for kind, ms, status, outcome in records:
        by_kind[kind].append((ms, status, outcome))
    groups = {
        "**the mix**": [r for kind, rs in by_kind.items() if not kind.startswith("deep:") for r in rs],
        "**deep pages**": [r for kind, rs in by_kind.items() if kind.startswith("deep:") for r in rs],
        "**all**": [r for rs in by_kind.values() for r in rs],
    }
    lines = [
        f"| request | requests | per s | errors | unexpected | p50 | p95 | p99 | max | over {limit_ms:,} ms |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for label, rs in [*sorted(by_kind.items()), *groups.items()]:
        if rs:
            lines.append(row(label, rs, seconds, limit_ms)[0])
    _line, failed, slow = row("all", groups["**all**"], seconds, limit_ms)
    statuses = defaultdict(int)
    for _kind, _ms, status, outcome in records:
        if outcome != "ok":
            statuses[status] += 1
    text = "\n".join(lines) + "\n"
    for label, deep in (("the mix", False), ("deep pages", True)):
        answers = [r["cache"] for r in rows if r["kind"].startswith("deep:") == deep]
        text += f"\nAPI cache, {label}: {answers.count('hit')} hits, {answers.count('miss')} misses"
    text += "\n"
    for at in edits():
        # Requests sent from the edit on (t is when a request ended).
        after = [r for r in rows if float(r["t"]) - float(r["ms"]) / 1000 >= at]
        first = [r for r in after if float(r["t"]) - float(r["ms"]) / 1000 < at + 10]
        times = sorted(float(r["ms"]) for r in after)
        misses = sum(r["cache"] == "miss" for r in first)
        if times:
            text += (
                f"\nAfter the edit at {at:.1f} s (every cached answer stale): {len(after):,} requests, "
                f"{misses} misses in its first 10 s, p99 {percentile(times, 0.99):,.0f} ms, "
                f"max {times[-1]:,.0f} ms, {sum(ms > limit_ms for ms in times)} over {limit_ms:,} ms"
            )
    text += "\n"
    if statuses:
        text += "\nnot as expected, by status (0: no answer): " + ", ".join(f"{s}: {n}" for s, n in statuses.items())
    print(text)
    with open(f"{OUT}/report.md", "w") as out:
        out.write(text)
    if failed or slow:
        print(f"FAILED: {failed} errors or unexpected answers, {slow} requests over {limit_ms} ms")
        return 1
    print(f"passed: no error, no unexpected answer, no request over {limit_ms} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main(float(sys.argv[1]), *(int(a) for a in sys.argv[2:3])))
