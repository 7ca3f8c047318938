"""Editors and an import at once: do saves deadlock, get lost, or wait?

`--workers` editor processes save through the real admin (Django's test
client) organisations, attacks with one or more of their attribution rows
inline, and attributions on their own pages, all of a small set of related
records, so that they collide often (neighbouring attacks name two
organisations in opposite order, the case that used to deadlock, see
`lock_related`); one more process imports a CSV of `--import-rows`
attacks again and again (preview, then confirmation, as the admin does).
Each is a process of its own, forked once the records are made, with its
own database connection: they run in parallel on PostgreSQL, with no turn
to wait for in Python. Every save writes a token of its own; a save either
lands (302) or is refused as stale.

A lost update is a landed save that another landed save overwrote without
having seen it. Every save notes the value it saw on the page and the token
it wrote; for each field the landed saves must form one chain, each
overwriting the previous one's token, from the field's first value to the
value stored at the end. This needs no clock.

The wait behind the import is measured by the database, not by the clock
around a request: a monitor reads every 20 ms how long each session has been
waiting for a lock (`pg_locks.waitstart`) and whether the import's session
is among those it waits for (`pg_blocking_pids`). Deadlocks are counted
twice: the collisions the processes met (a save retried, a save or an
import refused) and the database's own count (`pg_stat_database.deadlocks`).

It prints the counts and the longest lock waits, and exits non-zero if there
was any deadlock or serialisation failure, lost update, error, or a save
that waited longer than `--max-wait` seconds behind the import. The records
it makes are named `concurrency-...` and removed at the end.
"""

import logging
import multiprocessing
import random
import threading
import time
import traceback
from collections import Counter
from html.parser import HTMLParser

import tablib
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import connections
from django.test import Client
from django.urls import reverse

from ctdb.core.admin.forms import COLLIDED, STALE, STALE_ROW
from ctdb.core.models import Attack, Attribution, Organisation
from ctdb.core.resources import RESOURCES
from ctdb.ops.errors import is_collision

PREFIX = "concurrency-"
RECORDS = 6  # organisations and attacks; each attack has three attributions
MODELS = {"Organisation": Organisation, "Attack": Attack, "Attribution": Attribution}
FIELDS = {"Organisation": "description_en", "Attack": "description_en", "Attribution": "note"}


class CollisionCounter(logging.Handler):
    """Counts the collisions the admin logs (each retried or reported)."""

    def __init__(self):
        super().__init__(logging.WARNING)
        self.count = 0

    def emit(self, record):
        if "collided" in record.getMessage():
            self.count += 1


class FormReader(HTMLParser):
    """The fields of a page's form with the values a browser would send."""

    def __init__(self):
        super().__init__()
        self.data = {}
        self.select = None
        self.textarea = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        name = attrs.get("name")
        if tag == "input" and name and attrs.get("type") not in ("submit", "button", "file"):
            if attrs.get("type") not in ("checkbox", "radio") or "checked" in attrs:
                self.data[name] = attrs.get("value") or ""
        elif tag == "select" and name:
            self.select = name
        elif tag == "option" and self.select and "selected" in attrs:
            self.data[self.select] = attrs.get("value") or ""
        elif tag == "textarea" and name:
            self.textarea = name
            self.data[name] = ""

    def handle_endtag(self, tag):
        if tag == "select":
            self.select = None
        elif tag == "textarea":
            self.textarea = None

    def handle_data(self, data):
        if self.textarea:
            self.data[self.textarea] += data.removeprefix("\n") if not self.data[self.textarea] else data


def form_data(response):
    """The POST data a browser would send for the change form as rendered."""
    reader = FormReader()
    reader.feed(response.content.decode())
    return {name: value for name, value in reader.data.items() if not name.startswith("_")}


def change_url(model, pk):
    meta = MODELS[model]._meta
    return reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[pk])


class Outcome:
    """What one process did, sent back to the command when it ends."""

    def __init__(self):
        self.outcomes = Counter()
        self.writes = []  # (model, pk, field, value seen, token written) of each landed save
        self.saves = []  # (started, finished) of each save's POST
        self.imports = []  # (started, finished) of each confirmation
        self.errors = []
        self.collisions = 0

    def record(self, outcome, started, finished, writes=()):
        self.outcomes[outcome] += 1
        self.saves.append((started, finished))
        if outcome == "landed":
            self.writes.extend(writes)


def in_process(work):
    """Run `work(outcome, *args)` in a forked process, after every other
    process is ready, and put what it did on `results`.

    The command closed its connections before forking, so the process opens
    its own; the collisions it meets are counted from the admin's log."""

    def run(results, ready, seconds, *args):
        outcome = Outcome()
        collisions = CollisionCounter()
        logging.getLogger("ctdb").addHandler(collisions)
        try:
            prepared = work(outcome, *args)
            ready.wait(timeout=120)
            prepared(time.monotonic() + seconds)
        except Exception:  # a bug in the test itself: reported, never hidden
            outcome.errors.append(traceback.format_exc(limit=3))
            outcome.outcomes["error"] += 1
        finally:
            outcome.collisions = collisions.count
            connections.close_all()
            results.put(outcome)

    return run


@in_process
def editor(outcome, user_pk, records, number):
    client = Client(raise_request_exception=False, SERVER_NAME="localhost")
    client.force_login(get_user_model().objects.get(pk=user_pk))
    chance = random.Random(number)

    def until(deadline):
        count = 0
        while time.monotonic() < deadline:
            count += 1
            model = chance.choice(list(records))
            pk = chance.choice(records[model])
            inline = model == "Attack" and chance.random() < 0.5
            save(outcome, client, model, pk, f"w{number}-{count}", inline, chance)

    return until


def save(outcome, client, model, pk, token, inline, chance):
    url = change_url(model, pk)
    page = client.get(url)
    if page.status_code != 200:
        outcome.errors.append(f"GET {url}: HTTP {page.status_code}")
        outcome.record(f"HTTP {page.status_code}", time.monotonic(), time.monotonic())
        return
    data = form_data(page)
    field = FIELDS[model]
    writes = [(model, pk, field, data[field], token)]
    data[field] = token
    if inline:  # one or more of the page's attribution rows, as an editor would
        rows = range(int(data["attributions-TOTAL_FORMS"]))
        for index in chance.sample(rows, chance.randint(1, len(rows))):
            name = f"attributions-{index}-note"
            writes.append(("Attribution", int(data[f"attributions-{index}-id"]), "note", data[name], token))
            data[name] = token
    started = time.monotonic()
    response = client.post(url, data)
    finished = time.monotonic()
    if response.status_code == 302:
        result = "landed"
    elif response.status_code == 200 and (str(STALE) in response.text or str(STALE_ROW) in response.text):
        result = "refused as stale"
    elif response.status_code == 200 and str(COLLIDED) in response.text:
        result = "collided twice"
    else:
        result = f"HTTP {response.status_code}"
        outcome.errors.append(f"{url}: HTTP {response.status_code}")
    outcome.record(result, started, finished, writes)


@in_process
def importer(outcome, user_pk, rows, import_pid):
    user = get_user_model().objects.get(pk=user_pk)
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        (import_pid.value,) = cursor.fetchone()

    def until(deadline):
        round_number = 0
        try:
            while time.monotonic() < deadline:
                round_number += 1
                import_once(outcome, user, rows, round_number)
        finally:
            Attack.objects.filter(slug__startswith=f"{PREFIX}import-").delete()

    return until


def import_once(outcome, user, rows, round_number):
    dataset = tablib.Dataset(headers=["slug", "name_en", "kind", "killed_low"])
    for n in range(rows):
        dataset.append([f"{PREFIX}import-{n}", f"Imported {n}, round {round_number}", "attack", n])
    seen = {}
    preview = RESOURCES[Attack](seen_versions=seen).import_data(dataset, dry_run=True, user=user)
    started = time.monotonic()
    try:
        result = RESOURCES[Attack](preview_versions=seen).import_data(dataset, user=user)
    except Exception as error:
        result = None
        outcome.errors.append(f"import: {error!r}")
        if is_collision(error):
            outcome.outcomes["import collided"] += 1
    outcome.imports.append((started, time.monotonic()))
    if preview.has_errors() or result is None or result.has_errors() or result.has_validation_errors():
        outcome.outcomes["import failed"] += 1
        outcome.errors.append(f"import round {round_number} failed")
    else:
        outcome.outcomes["import confirmed"] += 1


def lost_updates(writes, first, stored):
    """The landed saves to one field that were lost, from the (value seen,
    token written) of each; tokens are unique.

    A save lands only if nobody saved between its page and its save, so
    every landed token was seen by the next landed save: going back from the
    value stored at the end, through the values each save saw, must visit
    every landed token and end at the field's `first` value."""
    seen_by = {token: seen for seen, token in writes}
    kept, value = set(), stored
    while value in seen_by and value not in kept:
        kept.add(value)
        value = seen_by[value]
    lost = [f"{token} was overwritten by a save that had not seen it" for _seen, token in writes if token not in kept]
    if value != first:
        lost.append(f"the stored {stored!r} does not follow from the saves that landed")
    return lost


class Command(BaseCommand):
    help = "Parallel admin saves of related records and a running import; checks deadlocks, lost updates, waits."

    def add_arguments(self, parser):
        parser.add_argument("--seconds", type=float, default=60)
        parser.add_argument("--workers", type=int, default=20)
        parser.add_argument("--import-rows", type=int, default=2000)
        parser.add_argument("--max-wait", type=float, default=1.0, help="longest save allowed behind the import (s)")

    def handle(self, *args, seconds, workers, import_rows, max_wait, **options):
        connection = connections["default"]
        if connection.vendor != "postgresql":
            raise CommandError("The concurrency test needs PostgreSQL (set DATABASE_URL).")
        if connection.in_atomic_block:
            raise CommandError("The concurrency test needs its records committed: run it outside a transaction.")
        try:
            user, records = self.make_records()
            stats = self.run(user, records, seconds, workers, import_rows)
        finally:
            self.remove_records()
        failed = [
            name
            for name, bad in (
                ("deadlocks", stats["collisions"] or stats["deadlocks_in_database"]),
                ("lost updates", stats["lost_updates"]),
                ("errors", stats["errors"]),
                ("wait behind the import", stats["max_wait_behind_import"] > max_wait),
            )
            if bad
        ]
        if failed:
            raise CommandError(f"Targets missed: {', '.join(failed)}.")
        self.stdout.write("All targets met.")

    def run(self, user, records, seconds, workers, import_rows):
        context = multiprocessing.get_context("fork")
        results = context.Queue()
        ready = context.Barrier(workers + 2)
        import_pid = context.Value("i", 0)
        deadlocks_before = self.deadlocks()
        # The processes open connections of their own; one inherited from here
        # would be a socket shared with this process.
        connections.close_all()
        processes = [
            context.Process(target=editor, args=(results, ready, seconds, user.pk, records, n)) for n in range(workers)
        ]
        processes.append(
            context.Process(target=importer, args=(results, ready, seconds, user.pk, import_rows, import_pid))
        )
        for process in processes:
            process.start()
        waits = {"any": 0.0, "import": 0.0}
        done = threading.Event()
        monitor = threading.Thread(target=self.monitor, args=(waits, import_pid, done))
        monitor.start()
        try:
            ready.wait(timeout=120)
            # Each process sends one outcome; read before joining, or a large one blocks its process.
            outcomes = [results.get(timeout=seconds + 600) for _process in processes]
            for process in processes:
                process.join()
        finally:
            done.set()
            monitor.join()
        return self.report(outcomes, records, waits, self.deadlocks() - deadlocks_before)

    def make_records(self):
        self.remove_records()
        user = get_user_model().objects.create_superuser(f"{PREFIX}editor", password=None)
        organisations = [
            Organisation.objects.create(slug=f"{PREFIX}org-{n}", name_en=f"Organisation {n}", kind="militant_group")
            for n in range(RECORDS)
        ]
        attacks = [Attack.objects.create(slug=f"{PREFIX}attack-{n}", name_en=f"Attack {n}") for n in range(RECORDS)]
        attributions = []
        for n, attack in enumerate(attacks):
            # Neighbours name two organisations in opposite order on their pages (claimed, denied,
            # suspected): attack n shows n then n - 1, attack n - 1 shows n - 1 then n.
            for kind, organisation in (
                ("claimed", organisations[n]),
                ("denied", organisations[(n - 1) % RECORDS]),
                ("suspected", organisations[(n + 1) % RECORDS]),
            ):
                attributions.append(Attribution.objects.create(attack=attack, organisation=organisation, kind=kind))
        records = {"Organisation": organisations, "Attack": attacks, "Attribution": attributions}
        return user, {model: [record.pk for record in rows] for model, rows in records.items()}

    def remove_records(self):
        Attribution.objects.filter(slug__startswith=PREFIX).delete()
        Attack.objects.filter(slug__startswith=PREFIX).delete()
        Organisation.objects.filter(slug__startswith=PREFIX).delete()
        get_user_model().objects.filter(username=f"{PREFIX}editor").delete()

    def deadlocks(self):
        """The database's count of deadlocks it broke, so far."""
        with connections["default"].cursor() as cursor:
            cursor.execute("SELECT pg_stat_clear_snapshot()")
            cursor.execute("SELECT deadlocks FROM pg_stat_database WHERE datname = current_database()")
            return cursor.fetchone()[0]

    def monitor(self, waits, import_pid, done):
        """Samples the database's lock waits until the processes are done."""
        try:
            with connections["default"].cursor() as cursor:
                while not done.is_set():
                    # This database's sessions only: others may share the server.
                    cursor.execute(
                        "SELECT extract(epoch FROM clock_timestamp() - l.waitstart), pg_blocking_pids(l.pid) "
                        "FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
                        "WHERE NOT l.granted AND l.waitstart IS NOT NULL AND a.datname = current_database()"
                    )
                    for waited, blockers in cursor.fetchall():
                        waits["any"] = max(waits["any"], float(waited))
                        if import_pid.value in blockers:
                            waits["import"] = max(waits["import"], float(waited))
                    done.wait(0.02)
        finally:
            connections.close_all()

    def lost_updates(self, writes):
        by_field = {}
        for model, pk, field, seen, token in writes:
            by_field.setdefault((model, pk, field), []).append((seen, token))
        lost = []
        for (model, pk, field), landed in by_field.items():
            stored = MODELS[model].objects.filter(pk=pk).values_list(field, flat=True).first()
            # Every record starts with the field empty.
            lost.extend(f"{model} {pk} {field}: {line}" for line in lost_updates(landed, "", stored))
        return lost

    def report(self, outcomes, records, waits, deadlocks_in_database):
        counts = sum((outcome.outcomes for outcome in outcomes), Counter())
        saves = [save for outcome in outcomes for save in outcome.saves]
        imports = [span for outcome in outcomes for span in outcome.imports]
        errors = [error for outcome in outcomes for error in outcome.errors]
        lost = self.lost_updates([write for outcome in outcomes for write in outcome.writes])
        during = [
            finished - started
            for started, finished in saves
            if any(started < end and finished > begin for begin, end in imports)
        ]
        stats = {
            "processes": len(outcomes),
            "saves": len(saves),
            "landed": counts["landed"],
            "refused_as_stale": counts["refused as stale"],
            "collisions": sum(outcome.collisions for outcome in outcomes)
            + counts["collided twice"]
            + counts["import collided"],
            "deadlocks_in_database": deadlocks_in_database,
            "lost_updates": len(lost),
            "errors": len(errors),
            "imports_confirmed": counts["import confirmed"],
            "import_seconds": sum(end - begin for begin, end in imports),
            "saves_during_imports": len(during),
            "max_wait_behind_import": waits["import"],
            "max_lock_wait": waits["any"],
            "max_save_request": max((finished - started for started, finished in saves), default=0.0),
        }
        for name, value in stats.items():
            self.stdout.write(f"{name}: {value:.3f}" if isinstance(value, float) else f"{name}: {value}")
        for line in [*lost, *errors][:20]:
            self.stdout.write(f"  {line}")
        self.stats = stats
        return stats
