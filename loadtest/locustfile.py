"""API traffic for `make loadtest`, sent through nginx as a TLS proxy would.

Three kinds of client at once (`--users` = RATE + 10):

- `ApiReader`: the mix, one request per second each (constant_throughput),
  so RATE readers offer RATE requests per second: lists, filters, folded
  search, details, CSV and sync pages, in the proportions below. Each
  reader is one client address.
- `DeepPager` (6): back to back, the deepest numbered pages the API still
  serves (page × page_size = CTDB_API_MAX_PAGE_DEPTH, in every page size;
  with LOADTEST_DEEP_ORDERINGS=1 in every ordering too, so that most miss
  the answer cache), `page=last` of a filtered list of about 9,000, and, on
  purpose, one page too deep, whose 400 is the expected answer.
  Each request comes from a new address: a crowd, not one client the
  throttle would slow down.
- `SlowClient` (4): each sends a request's header lines one every 5 s and
  never finishes it; when the server hangs up it starts again.

An editor's save LOADTEST_EDIT_AT seconds in (30 by default) makes every
cached answer stale while the clients go on.

Every request is recorded (var/loadtest/requests.csv) for loadtest/report.py.
Requests carry `X-Forwarded-Proto: https` and `X-Forwarded-For`, as the TLS
proxy in front of nginx would send them in docker-compose.
"""

import csv
import itertools
import os
import random
import socket
import time
from urllib.parse import urlencode, urlsplit

import gevent
from locust import FastHttpUser, User, constant, constant_throughput, events, task

OUT = "var/loadtest"
DEPTH = int(os.environ.get("LOADTEST_PAGE_DEPTH", "10000"))
PAGE_SIZES = (50, 100, 200, 250, 500)
# LOADTEST_DEEP_ORDERINGS=1: the deepest pages in every ordering too, so that most miss the answer cache.
VARY_ORDERING = os.environ.get("LOADTEST_DEEP_ORDERINGS") == "1"
ORDERINGS = {
    "attacks": ("", "start", "-start", "name_en", "-name_en", "country", "-killed_low", "updated_at", "slug"),
    "citations": ("", "start", "-start", "article__slug", "updated_at", "-created_at", "slug"),
}
SLUGS = []
RECORDS = []  # (seconds since start, kind, milliseconds, status, outcome, X-Cache)
STARTED = time.monotonic()
EDITS = []  # seconds since start of each edit made (schedule_edit)
SLOW = {"connections": 0, "cut_by_server": 0, "longest_held_s": 0.0, "answers": set()}
addresses = itertools.count(1)


def address(number):
    """A distinct client address (10.x.y.z) for each number."""
    return f"10.{number >> 16 & 255}.{number >> 8 & 255}.{number & 255}"


@events.request.add_listener
def record(name, response_time, response=None, exception=None, context=None, **kwargs):
    status = getattr(response, "status_code", 0) or 0
    outcome = (context or {}).get("outcome") or ("ok" if exception is None else "failure")
    cache = (getattr(response, "headers", None) or {}).get("X-Cache", "")
    RECORDS.append((round(time.monotonic() - STARTED, 3), name, round(response_time, 1), status, outcome, cache))


@events.test_start.add_listener
def load_slugs(environment, **kwargs):
    """Collect attack and organisation slugs to ask for in detail (not measured)."""
    import requests

    for resource in ("attacks", "organisations"):
        response = requests.get(
            f"{environment.host}/api/v1/{resource}/sync/",
            params={"page_size": 500},
            headers=proxy_headers(address(0)),
            timeout=60,
        )
        response.raise_for_status()
        SLUGS.extend((resource, row["slug"]) for row in response.json()["results"])


@events.test_start.add_listener
def schedule_edit(environment, **kwargs):
    """An editor's save LOADTEST_EDIT_AT seconds in (default 30; 0: none): it
    changes the data version, so every cached answer is stale at once while
    the clients go on, as after any edit in production."""
    at = float(os.environ.get("LOADTEST_EDIT_AT", "30"))
    if at > 0:
        gevent.spawn_later(at, edit)


def edit():
    import psycopg

    with psycopg.connect(os.environ["DATABASE_URL"], autocommit=True) as connection:
        connection.execute(
            "UPDATE core_organisation SET description_en = description_en"
            " WHERE id = (SELECT min(id) FROM core_organisation)"
        )
    EDITS.append(round(time.monotonic() - STARTED, 3))


@events.test_stop.add_listener
def write_records(environment, **kwargs):
    with open(f"{OUT}/requests.csv", "w", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(("t", "kind", "ms", "status", "outcome", "cache"))
        writer.writerows(RECORDS)
    with open(f"{OUT}/edits.txt", "w") as out:
        out.write("".join(f"{at}\n" for at in EDITS))
    with open(f"{OUT}/slow.txt", "w") as out:
        answers = ",".join(sorted(SLOW["answers"])) or "none"
        out.write(
            f"connections={SLOW['connections']} cut_by_server={SLOW['cut_by_server']} "
            f"longest_held_s={SLOW['longest_held_s']:.0f} server_answers={answers}\n"
        )


def proxy_headers(client):
    return {"X-Forwarded-For": client, "X-Forwarded-Proto": "https"}


class Reader(FastHttpUser):
    abstract = True

    def fetch(self, path, query, name, expect=200, client=None):
        """GET through nginx; record the outcome: ok, 5xx, connection (no answer) or unexpected."""
        url = f"/api/v1/{path}" + (f"?{urlencode(query)}" if query else "")
        headers = proxy_headers(client or self.client_address)
        with self.client.get(url, name=name, headers=headers, catch_response=True) as response:
            status = response.status_code or 0
            if status == expect:
                outcome = "ok"
            elif status == 0:
                outcome = "connection"
            elif status >= 500:
                outcome = "5xx"
            else:
                outcome = "unexpected"
            response.request_meta["context"]["outcome"] = outcome
            if outcome == "ok":
                response.success()
            else:
                response.failure(f"{status} (expected {expect}): {(response.text or '')[:200]}")

    def on_start(self):
        self.client_address = address(next(addresses))


class ApiReader(Reader):
    wait_time = constant_throughput(1)

    @task(4)
    def list_attacks(self):
        self.fetch("attacks/", {"page": random.randint(1, 20)}, "/attacks/?page")

    @task(3)
    def filter_attacks(self):
        year = random.randint(1990, 2024)
        query = {"date_from": year, "date_to": year, "country": random.choice(["IQ", "SY", "AF", "NG"])}
        self.fetch("attacks/", query, "/attacks/?filters")

    @task(2)
    def search(self):
        query = {"search": random.choice(["داعش", "الدولة الاسلامية", "القاعدة"])}
        self.fetch("organisations/", query, "/organisations/?search")

    @task(3)
    def detail(self):
        resource, slug = random.choice(SLUGS)
        self.fetch(f"{resource}/{slug}/", None, f"/{resource}/<slug>/")

    @task(1)
    def csv(self):
        self.fetch("attacks/", {"format": "csv", "page_size": 100}, "/attacks/?format=csv")

    @task(1)
    def sync(self):
        self.fetch("attacks/sync/", {"page_size": 100}, "/attacks/sync/")


class DeepPager(Reader):
    fixed_count = 6
    wait_time = constant(0)

    def fetch(self, path, query, name, expect=200, client=None):
        super().fetch(path, query, name, expect, client=address(next(addresses)))

    def deep_query(self, resource, beyond=0):
        size = random.choice(PAGE_SIZES)
        query = {"page": DEPTH // size + beyond, "page_size": size}
        ordering = random.choice(ORDERINGS[resource]) if VARY_ORDERING else ""
        return {**query, "ordering": ordering} if ordering else query

    @task(4)
    def deepest_attacks(self):
        self.fetch("attacks/", self.deep_query("attacks"), "deep: /attacks/?page=<deepest>")

    @task(4)
    def deepest_citations(self):
        self.fetch("citations/", self.deep_query("citations"), "deep: /citations/?page=<deepest>")

    @task(2)
    def last_page(self):
        # 13 years of one country: about 9,000 attacks (at 200,000), counted exactly
        # (at most 10,000 matches), so `last` is served, close to the bound.
        query = {"country": random.choice(["IQ", "SY"]), "date_from": 2000, "date_to": 2012, "page": "last"}
        self.fetch("attacks/", {**query, "page_size": random.choice(PAGE_SIZES)}, "deep: /attacks/?page=last")

    @task(1)
    def too_deep(self):
        resource = random.choice(("attacks", "citations"))
        self.fetch(resource + "/", self.deep_query(resource, beyond=1), "deep: one page too deep (400)", expect=400)


class SlowClient(User):
    """Sends one header line every 5 s and never ends its request (the
    attack that used to hold gunicorn's sync workers)."""

    fixed_count = 4
    wait_time = constant(0)

    @task
    def trickle(self):
        target = urlsplit(self.host)
        sock = socket.create_connection((target.hostname, target.port), timeout=10)
        SLOW["connections"] += 1
        opened = time.monotonic()
        try:
            sock.sendall(f"GET /api/v1/ HTTP/1.1\r\nHost: {target.netloc}\r\n".encode())
            sock.settimeout(5)
            for number in itertools.count(1):
                try:
                    answer = sock.recv(64)  # the server answered or hung up
                except TimeoutError:
                    sock.sendall(f"X-Slow-{number}: x\r\n".encode())
                    continue
                SLOW["cut_by_server"] += 1
                SLOW["answers"].add(answer.split(b"\r\n")[0].decode(errors="replace") or "closed")
                return
        except OSError:
            SLOW["cut_by_server"] += 1
            SLOW["answers"].add("reset")
        finally:
            SLOW["longest_held_s"] = max(SLOW["longest_held_s"], time.monotonic() - opened)
            sock.close()
