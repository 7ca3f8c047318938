"""An editor's real job, end to end, against the server `make run` starts.

A new editor adds a new article that reports an attack the shipped dataset
already has (the Crocus City Hall attack), cites it twice on the attack (once
the second occurrence of a repeated phrase) and once on the attack's claim of
responsibility, corrects a figure, saves, reopens and adds a third citation.
Then the server is stopped and `make run` is run again, as an editor would
the next morning: every value and citation is still as the editor left it.

An API consumer mirrors the attacks and attributions through `/sync/`
throughout: the editor's work reaches it, and the restart sends it nothing.

Nothing is mocked: `make run` runs in its own process on a database of its
own (SQLite or PostgreSQL, as the suite), and Chromium drives the admin.
"""

import json
import os
import re
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

from tests.browser.conftest import TIMEOUT_MS, launched_chromium, require_chromium
from tests.browser.test_admin import choose_autocomplete, messages
from tests.databases import fresh_database

ROOT = Path(__file__).resolve().parents[2]
ADMIN_USER, ADMIN_PASSWORD = "journey-admin", "journey-admin-password-1"
EDITOR_USER, EDITOR_PASSWORD = "journey-editor", "journey-editor-password-1"

ATTACK = "2024-crocus-city-hall-attack"
CLAIM = "2024-crocus-city-hall-attack--claimed--islamic-state"

# A test article (not a fixture: nothing here enters the dataset). Its
# phrase «وقالت لجنة التحقيق» occurs twice, so the editor must say which.
TITLE = "ارتفاع حصيلة هجوم كروكوس"
TEXT = (
    "ارتفعت حصيلة الهجوم على قاعة كروكوس سيتي هول في ضواحي موسكو. "
    "وقالت لجنة التحقيق إن المسلحين أطلقوا النار على الحضور قبل إشعال الحريق. "
    "وتبنى تنظيم الدولة الإسلامية الهجوم في بيان نشرته وكالة أعماق. "
    "وقالت لجنة التحقيق إن عدد الجرحى تجاوز المئة."
)
TOLL = "ارتفعت حصيلة الهجوم على قاعة كروكوس سيتي هول"
REPEATED = "وقالت لجنة التحقيق"  # cited at its second occurrence
CLAIM_QUOTE = "وتبنى تنظيم الدولة الإسلامية الهجوم"
THIRD = "أطلقوا النار على الحضور"

pytestmark = pytest.mark.browser


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class MakeRun:
    """`make run` in its own process group, on the given database and port."""

    def __init__(self, database_url, port, log_path):
        self.port = port
        self.log_path = log_path
        self.env = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "CTDB_"))}
        self.env.update(
            DATABASE_URL=database_url,
            CTDB_ADMIN_USER=ADMIN_USER,
            CTDB_ADMIN_PASSWORD=ADMIN_PASSWORD,
            PYTHONUNBUFFERED="1",
        )
        self.process = None
        self.runs = 0

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"

    def start(self):
        self.runs += 1
        log = self.log_path.open("ab")
        log.write(f"\n===== make run #{self.runs}\n".encode())
        log.flush()
        self.process = subprocess.Popen(
            ["make", "--no-print-directory", "run", f"PORT={self.port}"],
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(f"make run exited with {self.process.returncode}:\n{self.log()}")
            try:
                with urllib.request.urlopen(f"{self.url}/admin/login/", timeout=2) as response:
                    if response.status == 200:
                        return
            except OSError:
                pass
            time.sleep(0.5)
        pytest.fail(f"make run did not serve within 180 s:\n{self.log()}")

    def stop(self):
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()

    def log(self):
        return self.log_path.read_text(errors="replace")[-4000:]

    def manage(self, *args):
        """A management command on the same database (as `make` runs them)."""
        subprocess.run(
            [str(ROOT / ".venv" / "bin" / "python"), "manage.py", *args],
            cwd=ROOT,
            env={**self.env, "DJANGO_DEBUG": "1"},
            check=True,
            capture_output=True,
        )

    def api(self, path):
        with urllib.request.urlopen(f"{self.url}{path}", timeout=10) as response:
            return json.load(response)


class Mirror:
    """An API consumer's copy of some resources, kept through `/sync/`."""

    def __init__(self, server, *resources):
        self.server = server
        self.cursors = dict.fromkeys(resources)
        self.records = {resource: {} for resource in resources}

    def pull(self):
        """Follow every resource's sync to its end; return the slugs received."""
        received = {}
        for resource, cursor in self.cursors.items():
            path = f"/api/v1/{resource}/sync/?page_size=20" + (f"&cursor={cursor}" if cursor else "")
            received[resource] = []
            while True:
                page = self.server.api(path)
                for record in page["results"]:
                    self.records[resource][record["slug"]] = record
                    received[resource].append(record["slug"])
                self.cursors[resource] = page["cursor"]
                if not page["next"]:
                    break
                path = page["next"].removeprefix(self.server.url)
        return received


def quotes(record):
    return sorted((c["article"]["slug"], c["quote"], c["start"]) for c in record["citations"])


def log_in(page, username, password):
    page.goto("/admin/login/?next=/admin/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    with page.expect_navigation():
        page.click("#login-form input[type=submit]")
    assert "/admin/login/" not in page.url, page.locator(".errornote").all_inner_texts()


def save(page):
    with page.expect_navigation():
        page.locator("input[name=_continue]").first.click()
    errors = page.locator(".errornote, .errorlist").all_inner_texts()
    assert not errors, errors
    assert any("successfully" in text for text in messages(page)), messages(page)


def add_citation(page, prefix, quote, occurrence=None):
    """Add a citation row of the new article to the inline `prefix` and fill it."""
    index = int(page.locator(f"#id_{prefix}-TOTAL_FORMS").input_value())
    page.locator(f"#{prefix}-group .add-row a").click()
    choose_autocomplete(page, f"id_{prefix}-{index}-article", "كروكوس", TITLE)
    page.fill(f"#id_{prefix}-{index}-quote", quote)
    if occurrence is not None:
        page.fill(f"#id_{prefix}-{index}-occurrence", str(occurrence))


def open_attack(page):
    page.goto("/admin/core/attack/?q=كروكوس")
    page.locator("#result_list a", has_text="Crocus City Hall attack").first.click()
    page.wait_for_url(re.compile(r"/admin/core/attack/\d+/change/"))


def test_new_article_on_a_known_attack_survives_make_run(tmp_path):
    executable = require_chromium()
    with fresh_database(tmp_path, "journey") as database_url:
        server = MakeRun(database_url, free_port(), tmp_path / "make-run.log")
        try:
            server.start()
            server.manage(
                "shell",
                "-c",
                "from django.contrib.auth.models import Group, User;"
                f"u = User.objects.create_user({EDITOR_USER!r}, password={EDITOR_PASSWORD!r}, is_staff=True);"
                "u.groups.add(Group.objects.get(name='Editor'))",
            )
            mirror = Mirror(server, "attacks", "attributions", "articles")
            first = mirror.pull()
            assert ATTACK in first["attacks"] and CLAIM in first["attributions"]
            shipped = mirror.records["attacks"][ATTACK]
            assert shipped["wounded_low"] is None

            with launched_chromium(executable) as chromium:
                context = chromium.new_context(base_url=server.url, locale="en-US")
                context.set_default_timeout(TIMEOUT_MS)
                page = context.new_page()
                errors = []
                page.on("pageerror", lambda error: errors.append(str(error)))
                log_in(page, EDITOR_USER, EDITOR_PASSWORD)

                # 1. The new article.
                page.goto("/admin/core/article/add/")
                page.fill("#id_title", TITLE)
                page.fill("#id_published", "2024-03-24")
                page.fill("#id_text", TEXT)
                save(page)

                # 2. Two citations of it on the attack the dataset already has, and a figure it reports.
                open_attack(page)
                attack_url = page.url
                page.fill("#id_wounded_low", "101")
                add_citation(page, "citations", TOLL)
                add_citation(page, "citations", REPEATED, occurrence=2)
                save(page)

                # 3. One on the attack's claim of responsibility, from its own page.
                page.goto("/admin/core/attribution/?q=كروكوس")
                claim_row = page.locator("#result_list tbody tr", has_text="claimed").filter(has_text="Islamic State")
                claim_row.first.locator("th a, td a").first.click()
                page.wait_for_url(re.compile(r"/admin/core/attribution/\d+/change/"))
                add_citation(page, "citations", CLAIM_QUOTE)
                save(page)

                # 4. Reopen the attack: both citations are there; add a third.
                page.goto(attack_url)
                shown = page.locator("#citations-group textarea[id$='-quote']").evaluate_all(
                    "(areas) => areas.map((area) => area.value)"
                )
                assert TOLL in shown and REPEATED in shown, shown
                assert page.locator("#id_wounded_low").input_value() == "101"
                add_citation(page, "citations", THIRD)
                save(page)
                assert not errors, errors
                context.close()

            def check(record, claim):
                second = TEXT.index(REPEATED, TEXT.index(REPEATED) + 1)
                new = [q for q in quotes(record) if q[0] == article_slug]
                assert new == sorted(
                    [
                        (article_slug, TOLL, TEXT.index(TOLL)),
                        (article_slug, REPEATED, second),
                        (article_slug, THIRD, TEXT.index(THIRD)),
                    ]
                ), new
                assert record["wounded_low"] == 101
                # The shipped citations and figures are untouched.
                assert [q for q in quotes(record) if q[0] != article_slug] == quotes(shipped)
                assert record["killed_low"] == shipped["killed_low"]
                assert [q for q in quotes(claim) if q[0] == article_slug] == [
                    (article_slug, CLAIM_QUOTE, TEXT.index(CLAIM_QUOTE))
                ]

            # The consumer receives the editor's work from where it stopped.
            received = mirror.pull()
            assert ATTACK in received["attacks"] and CLAIM in received["attributions"], received
            article_slug = next(slug for slug, record in mirror.records["articles"].items() if record["title"] == TITLE)
            check(mirror.records["attacks"][ATTACK], mirror.records["attributions"][CLAIM])
            before_restart = server.api(f"/api/v1/attacks/{ATTACK}/"), server.api(f"/api/v1/attributions/{CLAIM}/")

            # The next morning: `make run` again.
            server.stop()
            server.start()
            after_restart = server.api(f"/api/v1/attacks/{ATTACK}/"), server.api(f"/api/v1/attributions/{CLAIM}/")
            assert after_restart == before_restart
            check(*after_restart)
            assert mirror.pull() == {"attacks": [], "attributions": [], "articles": []}, "the restart changed data"
        finally:
            server.stop()
