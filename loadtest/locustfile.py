"""Mixed read traffic against the API at a fixed rate (see `make loadtest`).

Each simulated client sends one request per second (constant_throughput),
so `--users N` is N requests per second: lists, filters, folded search,
details and CSV, in the proportions below.
"""

import random

from locust import HttpUser, constant_throughput, events, task

SLUGS = []
# Answers by the API cache's X-Cache header: hit, miss, or none (errors).
CACHE = {"hit": 0, "miss": 0, "none": 0}


@events.request.add_listener
def count_cache(response=None, exception=None, **kwargs):
    if response is not None and exception is None:
        answer = response.headers.get("X-Cache", "none")
        CACHE[answer] = CACHE.get(answer, 0) + 1


@events.test_stop.add_listener
def report_cache(environment, **kwargs):
    with open("var/loadtest/cache.txt", "w") as out:
        out.write(" ".join(f"{name}={count}" for name, count in CACHE.items()) + "\n")


@events.test_start.add_listener
def load_slugs(environment, **kwargs):
    """Collect attack and organisation slugs to ask for in detail."""
    import requests

    host = environment.host
    for resource in ("attacks", "organisations"):
        response = requests.get(f"{host}/api/v1/{resource}/sync/", params={"page_size": 500}, timeout=30)
        response.raise_for_status()
        SLUGS.extend((resource, row["slug"]) for row in response.json()["results"])


class ApiReader(HttpUser):
    wait_time = constant_throughput(1)

    @task(4)
    def list_attacks(self):
        self.client.get("/api/v1/attacks/", params={"page": random.randint(1, 20)}, name="/attacks/?page")

    @task(3)
    def filter_attacks(self):
        year = random.randint(1990, 2024)
        self.client.get(
            "/api/v1/attacks/",
            params={"date_from": f"{year}", "date_to": f"{year}", "country": random.choice(["IQ", "SY", "AF", "NG"])},
            name="/attacks/?filters",
        )

    @task(2)
    def search(self):
        self.client.get(
            "/api/v1/organisations/",
            params={"search": random.choice(["داعش", "الدولة الاسلامية", "القاعدة"])},
            name="/organisations/?search",
        )

    @task(3)
    def detail(self):
        resource, slug = random.choice(SLUGS)
        self.client.get(f"/api/v1/{resource}/{slug}/", name=f"/{resource}/<slug>/")

    @task(1)
    def csv(self):
        self.client.get("/api/v1/attacks/", params={"format": "csv", "page_size": 100}, name="/attacks/?format=csv")

    @task(1)
    def sync(self):
        self.client.get("/api/v1/attacks/sync/", params={"page_size": 100}, name="/attacks/sync/")
