"""A tiny run of `manage.py benchmark` from the command line, against a
fresh SQLite file: every figure of the table is produced."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run(*args, env):
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=600
    )


def test_benchmark_prints_every_figure(tmp_path):
    env = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
    env.update(DATABASE_URL=f"sqlite:///{tmp_path / 'bench.sqlite3'}", DJANGO_SECRET_KEY="benchmark-smoke-key")
    assert run("migrate", "-v0", env=env).returncode == 0
    # Without DEBUG the admin's pages need the collected static manifest.
    assert run("collectstatic", "--no-input", "-v0", env=env).returncode == 0
    markdown = tmp_path / "table.md"
    result = run(
        "benchmark", "--sizes", "20,40", "--repeat", "1", "--import-rows", "10", "--markdown", str(markdown), env=env
    )
    assert result.returncode == 0, result.stderr
    table = markdown.read_text(encoding="utf-8")
    assert table in result.stdout  # stdout also carries the application's logs
    for measure in (
        "attacks CSV export",
        "export peak memory",
        "API first page, median",
        "API deep sync page, queries",
        "admin changelist, median",
        "admin unfiltered COUNT(*)",
        "search, one word, median",
        "search, a short token, median",
        "search, a long phrase, median",
        "CSV import, rows/s",
    ):
        line = next(line for line in table.splitlines() if line.startswith(f"| {measure} |"))
        cells = [cell.strip() for cell in line.strip("|").split("|")]
        assert all(cell and cell != "n/a" for cell in cells[1:3]), line
    # COPY exists only on PostgreSQL: said so, not invented.
    assert "| COPY of the same columns | n/a | n/a |" in table
    assert "| 20 attacks | 40 attacks |" in table.splitlines()[0]
    # Each search says what it searched for.
    assert "- search, a long phrase: `" in table
