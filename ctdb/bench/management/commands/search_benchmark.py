"""Run the search benchmark against the database in use and print a table."""

from django.core.management.base import BaseCommand, CommandError

from ctdb.bench import search_benchmark as bench


def describe(hit):
    return f"{bench.hit_key(hit)} ({hit.label})" if hit else "nothing"


class Command(BaseCommand):
    """Send each query of ctdb/bench/search_queries.yaml to
    search_everything(q, limit=5) and print hit@1 and hit@5, overall and per
    category, each query that missed at 1 with what came first, and any
    unrelated hit for the short acronyms. Needs the fixtures loaded
    (`make run` or `make load-dataset`): the queries expect their records."""

    help = "Search benchmark: hit@1 and hit@5 of ctdb/bench/search_queries.yaml against the database in use."

    def add_arguments(self, parser):
        parser.add_argument("--queries", default=str(bench.QUERIES_PATH), help="the queries file (YAML)")
        parser.add_argument(
            "--hardest", type=int, default=0, metavar="N", help="also list the N queries whose record ranks lowest"
        )
        parser.add_argument(
            "--category", action="append", choices=bench.CATEGORIES, help="only this category (repeatable)"
        )
        parser.add_argument(
            "--depth", type=int, default=bench.DEPTH, help="how deep to look for a missed record's rank"
        )
        parser.add_argument(
            "--check",
            action="store_true",
            help="exit with status 1 unless hit@5 = 100%%, hit@1 >= 90%% and no unrelated hit",
        )

    def handle(self, *args, queries, hardest, category, depth, check, **options):
        try:
            loaded = bench.load_queries(queries)
        except (OSError, bench.QueryFileError) as error:
            raise CommandError(str(error)) from None
        try:
            report = bench.run(loaded, depth=depth, categories=category)
        except NotImplementedError:
            raise CommandError("ctdb.core.search.search_everything is not implemented yet") from None
        if not report.results:
            raise CommandError("no query to run")
        self.stdout.write(render(report, hardest))
        failures = report.failures()
        if check and failures:
            raise CommandError("below target: " + "; ".join(failures), returncode=1)


def render(report, hardest=0):
    lines = [f"Search benchmark: {len(report.results)} queries, first {bench.TOP} hits of search_everything", ""]
    lines.append(f"{'':<18}{'queries':>8}{'hit@1':>9}{'hit@5':>9}")
    rows = [("all", report.figures()), *report.by_category.items()]
    for name, figures in rows:
        lines.append(f"{name:<18}{figures.queries:>8}{figures.hit_1:>9.1%}{figures.hit_5:>9.1%}")
    lines.append("")
    targets = ", ".join(f"{name} >= {value:.0%}" for name, value in bench.TARGETS.items())
    failures = report.failures()
    verdict = "met" if not failures else "NOT met: " + "; ".join(failures)
    lines.append(f"Targets ({targets}, no unrelated hit): {verdict}")

    missed = report.missed_at(1)
    lines += ["", f"Missed at 1 ({len(missed)}):"]
    for result in missed:
        query = result.query
        lines.append(
            f"  #{query.number} [{query.category}] «{query.q}» expects {query.expected}: "
            f"rank {result.rank_text()}; first: {describe(result.first)}"
        )

    unrelated = report.unrelated
    short = f"acronyms of {bench.SHORT_ACRONYM} letters or fewer"
    lines += ["", f"Unrelated hits in the first {bench.TOP} for {short} ({len(unrelated)}):"]
    for result, hit in unrelated:
        lines.append(f"  #{result.query.number} «{result.query.q}»: {describe(hit)}")

    if hardest:
        lines += ["", f"Hardest {hardest} (lowest rank of the expected record):"]
        for result in report.hardest(hardest):
            query = result.query
            lines.append(
                f"  {result.rank_text():>4}  #{query.number} [{query.category}] «{query.q}» expects {query.expected}; "
                f"first: {describe(result.first)}"
            )
    return "\n".join(lines) + "\n"
