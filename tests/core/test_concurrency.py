"""Writers at the same time: no shared row they all wait for, collisions
reported as what they are, and no save that silently undoes another's, in
the admin (records and their inline rows) and in imports.

The tests of real concurrency hold a transaction open on a second
connection (psycopg, outside Django) while Django works, so that what
happens does not depend on timing."""

import logging
import threading
import time
from contextlib import contextmanager
from unittest import mock

import psycopg
import pytest
from django.conf import settings
from django.contrib import admin
from django.core.cache import caches
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import OperationalError, connection, transaction
from django.db import connections as django_connections
from django.test import Client
from django.utils.html import escape

from ctdb.bench.management.commands.concurrency_test import lost_updates
from ctdb.core.admin.forms import COLLIDED, STALE, STALE_ROW, lock_related
from ctdb.core.models import Attack, Attribution, Organisation, OrganisationAlias
from ctdb.ops.errors import is_collision, is_database_unavailable

from .test_admin_editing import form_data, url

ON_POSTGRES = settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
needs_postgres = pytest.mark.skipif(not ON_POSTGRES, reason="row locks between connections: PostgreSQL only")


def collision_error(sqlstate_class=psycopg.errors.DeadlockDetected):
    """A Django OperationalError raised from a psycopg collision, as the driver wraps it."""
    try:
        try:
            raise sqlstate_class("deadlock detected")
        except psycopg.Error as cause:
            raise OperationalError(str(cause)) from cause
    except OperationalError as error:
        return error


@contextmanager
def other_connection():
    """A second connection to the test database, in a transaction of its own."""
    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    params.pop("context", None)
    with psycopg.connect(**params) as other:
        yield other
        other.rollback()


def sessions_waiting_for_a_lock():
    with other_connection() as watcher:
        (waiting,) = watcher.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
        ).fetchone()
    return waiting


def wait_until_blocked(count):
    """Wait until `count` sessions of the test database wait for a lock."""
    for _ in range(500):
        if sessions_waiting_for_a_lock() >= count:
            return
        time.sleep(0.02)
    raise AssertionError(f"{count} sessions never waited for a lock")


@pytest.fixture
def records(db):
    isis = Organisation.objects.create(slug="islamic-state", name_en="Islamic State", kind="militant_group")
    russia = Organisation.objects.create(slug="russia", name_en="Russia", kind="state")
    OrganisationAlias.objects.create(organisation=isis, name="داعش", kind="pejorative")
    attack = Attack.objects.create(slug="crocus", name_en="Crocus City Hall attack")
    claimed = Attribution.objects.create(attack=attack, organisation=isis, kind="claimed")
    return {"isis": isis, "russia": russia, "attack": attack, "claimed": claimed}


# -- 7. the data version: no row every writer waits for ------------------------------


@needs_postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_writers_of_different_tables_do_not_wait_for_each_other(records):
    with other_connection() as other:
        other.execute("UPDATE core_organisation SET description_en = 'other' WHERE slug = 'russia'")
        # The other transaction is still open. Before, this update waited for
        # the data-version row it had bumped, and ran out of lock_timeout.
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL lock_timeout = '500ms'")
            Attack.objects.filter(slug="crocus").update(description_en="this one")
        other.commit()
    assert Organisation.objects.get(slug="russia").description_en == "other"
    assert Attack.objects.get(slug="crocus").description_en == "this one"


@needs_postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_api_serves_a_write_committed_while_its_answer_was_cached(client, records):
    caches[settings.CTDB_API_CACHE].clear()
    detail = f"/api/v1/attacks/{records['attack'].slug}/"
    with other_connection() as other:
        other.execute("UPDATE core_attack SET name_en = 'Renamed' WHERE slug = 'crocus'")
        # Read (and cached) while the write is made but not committed.
        assert client.get(detail).json()["name_en"] == "Crocus City Hall attack"
        other.commit()
    after = client.get(detail)
    assert after["X-Cache"] == "miss" and after.json()["name_en"] == "Renamed"
    assert client.get(detail)["X-Cache"] == "hit"


def test_a_collision_is_not_an_outage():
    for kind in (psycopg.errors.DeadlockDetected, psycopg.errors.SerializationFailure):
        error = collision_error(kind)
        assert is_collision(error)
        assert not is_database_unavailable(error)
    assert not is_collision(OperationalError("connection refused"))


def test_the_api_answers_409_to_a_collision_and_logs_a_warning(caplog):
    caplog.set_level(logging.WARNING, logger="ctdb.ops.errors")
    client = Client(raise_request_exception=False)
    with mock.patch("ctdb.organisations.api.OrganisationViewSet.list", side_effect=collision_error()):
        response = client.get("/api/v1/organisations/")
    assert response.status_code == 409
    assert "collided" in response.json()["detail"]
    assert [record.levelname for record in caplog.records if record.name == "ctdb.ops.errors"] == ["WARNING"]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_an_admin_save_that_collides_once_is_retried(admin_client, records, caplog):
    isis = records["isis"]
    change = url(Organisation, "change", isis.pk)
    data = form_data(admin_client.get(change))
    data["description_en"] = "Saved on the second attempt."
    real_save = Organisation.save
    attempts = []

    def collide_once(self, *args, **kwargs):
        attempts.append(1)
        if len(attempts) == 1:
            raise collision_error()
        return real_save(self, *args, **kwargs)

    caplog.set_level(logging.WARNING, logger="ctdb.core.admin.forms")
    with mock.patch.object(Organisation, "save", collide_once):
        response = admin_client.post(change, data)
    assert response.status_code == 302
    assert len(attempts) == 2
    isis.refresh_from_db()
    assert isis.description_en == "Saved on the second attempt."
    assert any("collided" in record.getMessage() for record in caplog.records if record.levelname == "WARNING")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_an_admin_save_that_collides_twice_is_shown_again_with_the_reason(admin_client, records):
    isis = records["isis"]
    change = url(Organisation, "change", isis.pk)
    data = form_data(admin_client.get(change))
    data["description_en"] = "What the editor typed."
    with mock.patch.object(Organisation, "save", side_effect=collision_error()):
        response = admin_client.post(change, data)
    assert response.status_code == 200
    page = response.content.decode()
    assert escape(str(COLLIDED)) in page and "What the editor typed." in page
    isis.refresh_from_db()
    assert isis.description_en == ""


# -- 8. optimistic locking under real concurrency ------------------------------------


@needs_postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_saves_of_one_record_at_the_same_instant_one_lands_one_is_refused(records, admin_user):
    isis = records["isis"]
    change = url(Organisation, "change", isis.pk)
    editors = [Client(), Client()]
    forms = []
    for number, editor in enumerate(editors):
        editor.force_login(admin_user)
        data = form_data(editor.get(change))
        data["description_en"] = f"Editor {number}'s description."
        forms.append(data)
    responses = [None, None]

    def save(number):
        try:
            responses[number] = editors[number].post(change, forms[number])
        finally:
            django_connections.close_all()

    with other_connection() as other:
        # Both saves start while the row is locked, and so run at the same instant once it is free.
        other.execute("SELECT 1 FROM core_organisation WHERE id = %s FOR UPDATE", [isis.pk])
        threads = [threading.Thread(target=save, args=(number,)) for number in (0, 1)]
        for thread in threads:
            thread.start()
        wait_until_blocked(2)
        other.commit()
        for thread in threads:
            thread.join()
    statuses = sorted(response.status_code for response in responses)
    assert statuses == [200, 302]
    refused = next(response for response in responses if response.status_code == 200)
    assert str(STALE) in refused.content.decode()
    winner = responses.index(next(response for response in responses if response.status_code == 302))
    isis.refresh_from_db()
    assert isis.description_en == f"Editor {winner}'s description."


def test_an_attack_save_does_not_undo_a_change_made_meanwhile_to_one_of_its_attributions(admin_client, records):
    attack, claimed = records["attack"], records["claimed"]
    attack_page = url(Attack, "change", attack.pk)
    opened = form_data(admin_client.get(attack_page))

    # Meanwhile, another editor changes the attribution on its own page.
    attribution_page = url(Attribution, "change", claimed.pk)
    theirs = form_data(admin_client.get(attribution_page))
    theirs["note"] = "Their note."
    assert admin_client.post(attribution_page, theirs).status_code == 302

    opened["description_en"] = "My description."
    response = admin_client.post(attack_page, opened)
    assert response.status_code == 200
    page = response.content.decode()
    assert str(STALE_ROW) in page and "My description." in page  # refused, what was typed kept
    claimed.refresh_from_db()
    attack.refresh_from_db()
    assert claimed.note == "Their note."
    assert attack.description_en == ""  # nothing of the refused page was saved


def test_a_save_committed_while_the_page_was_being_made_is_not_undone(admin_client, records):
    """The page shows the record as it read it; its version must be that
    record's, not one read a moment later. Found by the concurrency test: a
    save committed in between gave the page the new version with the old
    values, and the next save of the page undid it unseen."""
    isis = records["isis"]
    page = url(Organisation, "change", isis.pk)
    model_admin = admin.site._registry[Organisation]
    real_get_object = type(model_admin).get_object

    def read_then_another_editor_saves(self, request, object_id, from_field=None):
        record = real_get_object(self, request, object_id, from_field)
        Organisation.objects.filter(pk=isis.pk).update(description_en="Theirs.")
        return record

    with mock.patch.object(type(model_admin), "get_object", read_then_another_editor_saves):
        opened = form_data(admin_client.get(page))
    assert opened["description_en"] == ""  # the page shows what it read
    opened["description_en"] = "Mine."
    response = admin_client.post(page, opened)
    assert response.status_code == 200 and str(STALE) in response.content.decode()
    isis.refresh_from_db()
    assert isis.description_en == "Theirs."


def test_an_inline_row_changed_meanwhile_but_left_alone_does_not_block_the_save(admin_client, records):
    attack, claimed = records["attack"], records["claimed"]
    attack_page = url(Attack, "change", attack.pk)
    opened = form_data(admin_client.get(attack_page))
    Attribution.objects.filter(pk=claimed.pk).update(note="Their note.")
    opened["description_en"] = "My description."
    opened["attributions-0-note"] = "Their note."  # as the database now holds it: nothing to overwrite
    assert admin_client.post(attack_page, opened).status_code == 302
    attack.refresh_from_db()
    assert attack.description_en == "My description."


def test_an_alias_changed_meanwhile_is_not_undone(admin_client, records):
    isis = records["isis"]
    page = url(Organisation, "change", isis.pk)
    opened = form_data(admin_client.get(page))
    OrganisationAlias.objects.filter(organisation=isis).update(kind="acronym")
    opened["description_en"] = "Mine."
    response = admin_client.post(page, opened)
    assert response.status_code == 200 and str(STALE_ROW) in response.content.decode()
    assert OrganisationAlias.objects.get(organisation=isis).kind == "acronym"


def test_an_import_confirmed_after_its_rows_changed_is_refused_naming_them(admin_client, records):
    csv = "slug,name_en,kind\nislamic-state,From the file,militant_group\nnew-one,New one,militant_group\n"
    upload = SimpleUploadedFile("organisations.csv", csv.encode(), "text/csv")
    import_page = url(Organisation, "import")
    preview = admin_client.post(import_page, {"resource": "0", "format": "0", "import_file": upload}, follow=True)
    confirm = preview.context["confirm_form"]
    data = {name: confirm[name].value() for name in confirm.fields}

    # Between the preview and the confirmation another editor changes a row the file names.
    theirs = Organisation.objects.get(slug="islamic-state")
    theirs.description_en = "Their change."
    theirs.save()

    response = admin_client.post(url(Organisation, "process_import"), data, follow=True)
    page = response.content.decode()
    assert "changed after its preview" in page and "islamic-state" in page
    assert Organisation.objects.get(slug="islamic-state").name_en == "Islamic State"
    assert not Organisation.objects.filter(slug="new-one").exists()  # all or nothing


def test_an_import_confirmed_with_its_rows_unchanged_is_applied(admin_client, records):
    csv = "slug,name_en,kind\nislamic-state,From the file,militant_group\n"
    upload = SimpleUploadedFile("organisations.csv", csv.encode(), "text/csv")
    import_page = url(Organisation, "import")
    preview = admin_client.post(import_page, {"resource": "0", "format": "0", "import_file": upload}, follow=True)
    confirm = preview.context["confirm_form"]
    data = {name: confirm[name].value() for name in confirm.fields}
    assert admin_client.post(url(Organisation, "process_import"), data).status_code == 302
    assert Organisation.objects.get(slug="islamic-state").name_en == "From the file"


@needs_postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_attack_pages_naming_two_organisations_in_opposite_order_do_not_deadlock(records):
    """Each page locks what its rows refer to before saving them (`lock_related`).
    Row by row, the page of an attack attributed to A then B, and that of one
    attributed to B then A, each held one organisation and waited for the
    other: a deadlock. Now each row's lock takes all of its page's, in one order."""
    isis, russia, crocus = records["isis"], records["russia"], records["attack"]
    other = Attack.objects.create(slug="moscow", name_en="Moscow attack")
    Attribution.objects.create(attack=crocus, organisation=russia, kind="suspected")
    pages = {
        # The rows of each page in the order the page saves them.
        "crocus": list(Attribution.objects.filter(attack=crocus).order_by("kind")),  # Islamic State, Russia
        "moscow": [
            Attribution.objects.create(attack=other, organisation=russia, kind="claimed"),
            Attribution.objects.create(attack=other, organisation=isis, kind="suspected"),
        ],
    }
    first_locked = {name: threading.Event() for name in pages}
    go_on = threading.Event()
    errors = []

    def save(name):
        first, second = pages[name]
        try:
            if name == "moscow":
                first_locked["crocus"].wait(10)
            with transaction.atomic():
                lock_related(first)
                first_locked[name].set()
                if name == "crocus":
                    go_on.wait(10)
                lock_related(second)
        except OperationalError as error:
            errors.append(error)
        finally:
            django_connections.close_all()

    threads = [threading.Thread(target=save, args=(name,)) for name in pages]
    for thread in threads:
        thread.start()
    # Crocus's page goes on to its second row once Moscow's holds its first, or waits for Crocus's.
    for _ in range(500):
        if first_locked["moscow"].is_set() or sessions_waiting_for_a_lock():
            break
        time.sleep(0.02)
    go_on.set()
    for thread in threads:
        thread.join()
    assert errors == []


# -- the concurrency test, briefly ------------------------------------------------------


@needs_postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_editors_and_an_import_at_once_lose_nothing_and_never_deadlock(capsys):
    call_command("concurrency_test", seconds=4, workers=6, import_rows=300, max_wait=3600)
    out = capsys.readouterr().out
    stats = dict(line.split(": ", 1) for line in out.splitlines() if ": " in line and not line.startswith(" "))
    assert int(stats["processes"]) == 7  # six editors and the import, each a process of its own
    assert int(stats["collisions"]) == 0
    assert int(stats["deadlocks_in_database"]) == 0
    assert int(stats["lost_updates"]) == 0
    assert int(stats["errors"]) == 0
    assert int(stats["landed"]) > 0 and int(stats["imports_confirmed"]) > 0
    assert int(stats["landed"]) + int(stats["refused_as_stale"]) == int(stats["saves"])


def test_the_concurrency_test_finds_a_save_overwritten_by_one_that_had_not_seen_it():
    # Each landed save: (the value its page showed, the token it wrote).
    assert lost_updates([("", "a"), ("a", "b"), ("b", "c")], "", "c") == []
    # Both pages showed the empty value and both landed: a's save was undone unseen.
    assert lost_updates([("", "a"), ("", "b")], "", "b") == ["a was overwritten by a save that had not seen it"]
    # The last landed save is not what is stored.
    assert lost_updates([("", "a"), ("a", "b")], "", "a") == ["b was overwritten by a save that had not seen it"]
    # Something no save wrote is stored.
    assert lost_updates([("", "a")], "", "x") == [
        "a was overwritten by a save that had not seen it",
        "the stored 'x' does not follow from the saves that landed",
    ]
