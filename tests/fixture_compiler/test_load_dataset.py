"""Loading the fixtures never overwrites an editor's work: `make run` (and the
container entrypoint) load them only into an empty database, and
`load_dataset --update` merges a new release, adding what is new, updating
what nobody touched and leaving alone, reported, what editors changed or
deleted."""

import datetime
import functools
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.management.base import CommandError

from ctdb.core import models
from ctdb.ops.models import LoadedRecord
from tests.databases import fresh_database

ROOT = Path(__file__).resolve().parent.parent.parent
FIXTURE = ROOT / "fixtures" / "ctdb.json"
SHIPPED = datetime.datetime(2026, 11, 22, tzinfo=datetime.UTC)  # fixtures/dataset.yaml's timestamp


@functools.cache
def make_run_load_line():
    """The load step `make run` runs, as make itself prints it."""
    printed = subprocess.run(["make", "-n", "run"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    (line,) = [line for line in printed.splitlines() if "manage.py load_dataset" in line]
    return line


def make_run_args():
    """That step's arguments to manage.py, to run it in-process."""
    return make_run_load_line().split("manage.py", 1)[1].split()


def load(*args, **options):
    out = io.StringIO()
    call_command(*args, stdout=out, **options)
    return out.getvalue()


def state():
    """Every row of every core table (records and their history) and the ledger."""
    rows = {m._meta.label: list(m.objects.order_by("pk").values()) for m in apps.get_app_config("core").get_models()}
    rows["ledger"] = list(LoadedRecord.objects.order_by("pk").values())
    return rows


def release(tmp_path, change):
    """A "new release": a copy of the fixture that `change` edits in place."""
    items = json.loads(FIXTURE.read_text(encoding="utf-8"))
    change(items)
    path = tmp_path / "release.json"
    path.write_text(json.dumps(items, ensure_ascii=False), encoding="utf-8")
    return path


def fields_of(items, model, slug):
    (fields,) = [item["fields"] for item in items if item["model"] == model and item["fields"].get("slug") == slug]
    return fields


def edit(slug, **changes):
    """Change a record as the admin does: an ordinary save."""
    record = models.Organisation.objects.get(slug=slug)
    for name, value in changes.items():
        setattr(record, name, value)
    record.save()
    return models.Organisation.objects.get(slug=slug)


def test_make_run_and_the_entrypoint_load_only_into_an_empty_database():
    assert make_run_args() == ["load_dataset", "--if-empty"]
    assert "manage.py load_dataset --if-empty" in (ROOT / "docker" / "entrypoint.sh").read_text()


def test_an_edit_survives_make_runs_load_step(db):
    assert "loaded 781 records" in load(*make_run_args())
    edited = edit("afghanistan", description_en="Edited by an editor.")
    assert edited.history.count() == 2

    output = load(*make_run_args())

    assert "already holds ctdb records: fixtures not loaded" in output
    after = models.Organisation.objects.get(slug="afghanistan")
    assert after.description_en == "Edited by an editor."
    assert after.updated_at == edited.updated_at > SHIPPED
    assert after.history.count() == 2
    assert after.history.first().description_en == "Edited by an editor."


def test_empty_means_no_ctdb_record_at_all(db):
    models.Organisation.objects.create(slug="own", name_en="An editor's own", kind="state")
    assert "fixtures not loaded" in load(*make_run_args())
    assert list(models.Organisation.objects.values_list("slug", flat=True)) == ["own"]
    assert not models.Article.objects.exists()


def test_without_a_flag_a_database_with_data_is_refused(db):
    load("load_dataset")
    before = state()
    with pytest.raises(CommandError, match="--update"):
        load("load_dataset")
    assert state() == before


def test_a_first_load_keeps_the_fixtures_times_and_notes_every_record(db):
    load(*make_run_args())
    shipped = json.loads(FIXTURE.read_text(encoding="utf-8"))
    assert LoadedRecord.objects.count() == len(shipped)
    # The fixture's own times (triggers may move updated_at as links load; created_at stays).
    assert set(models.Organisation.objects.values_list("created_at", flat=True)) == {SHIPPED}
    assert LoadedRecord.objects.filter(model="core.organisationalias", key='["al-nusra-front", "النصرة"]').exists()


def test_a_new_release_adds_updates_and_leaves_editors_work_alone(db, tmp_path):
    load(*make_run_args())
    edited = edit("afghanistan", description_en="Edited by an editor.")
    history_before = edited.history.count()
    afp_loaded = models.Organisation.objects.get(slug="agence-france-presse").updated_at
    deleted_citation = models.Citation.objects.order_by("slug").first().slug
    models.Citation.objects.get(slug=deleted_citation).delete()
    models.OrganisationAlias.objects.get(organisation__slug="al-nusra-front", name="النصرة").delete()
    # An alias deleted before the ledger existed: history alone tells it was deleted.
    LoadedRecord.objects.filter(model="core.organisationalias", key='["al-nusra-front", "النصرة"]').delete()
    models.Organisation.objects.create(slug="new-state", name_en="Editor's version", kind="state")

    def change(items):
        fields_of(items, "core.organisation", "afghanistan")["description_en"] = "Release 2 text."
        fields_of(items, "core.organisation", "agence-france-presse")["description_en"] = "Release 2 correction."
        new = dict(fields_of(items, "core.organisation", "china"), slug="new-group", name_en="New group")
        items.append({"model": "core.organisation", "fields": new})
        items.append(
            {"model": "core.organisationalias", "fields": {"organisation": ["new-group"], "name": "NG", "kind": "name"}}
        )
        items.append({"model": "core.organisation", "fields": dict(new, slug="new-state", name_en="Release 2")})

    output = load("load_dataset", "--update", fixture=str(release(tmp_path, change)))

    assert "left alone: core.organisation afghanistan: changed since it was loaded" in output
    assert f"left alone: core.citation {deleted_citation}: deleted since it was loaded" in output
    assert "left alone: core.organisationalias al-nusra-front / النصرة: deleted since it was loaded" in output
    assert "left alone: core.organisation new-state: already in the database, not from a fixture load" in output
    assert "2 added, 1 updated, 777 unchanged, 4 left alone" in output

    afghanistan = models.Organisation.objects.get(slug="afghanistan")
    assert afghanistan.description_en == "Edited by an editor."
    assert afghanistan.updated_at == edited.updated_at
    assert afghanistan.history.count() == history_before
    assert not models.Citation.objects.filter(slug=deleted_citation).exists()
    assert not models.OrganisationAlias.objects.filter(organisation__slug="al-nusra-front", name="النصرة").exists()
    assert models.Organisation.objects.get(slug="new-state").name_en == "Editor's version"

    afp = models.Organisation.objects.get(slug="agence-france-presse")
    assert afp.description_en == "Release 2 correction."
    assert afp.created_at == SHIPPED
    assert afp.updated_at > afp_loaded  # fresh, so /sync/ reports it
    latest = afp.history.first()
    assert (latest.history_type, latest.description_en) == ("~", "Release 2 correction.")
    assert latest.history_change_reason == "load_dataset --update release.json"

    new_group = models.Organisation.objects.get(slug="new-group")
    assert new_group.created_at > SHIPPED and new_group.updated_at > SHIPPED  # not the fixture's times
    assert new_group.history.get().history_type == "+"
    assert "ng" in new_group.search_text.split()  # its new alias was added after it
    assert LoadedRecord.objects.filter(model="core.organisation", key='["new-group"]').exists()

    # An edit of the record a release updated is protected in turn.
    edit("agence-france-presse", description_en="Edited after release 2.")
    output = load("load_dataset", "--update", fixture=str(release(tmp_path, change)))
    assert "left alone: core.organisation agence-france-presse: changed since it was loaded" in output
    assert models.Organisation.objects.get(slug="agence-france-presse").description_en == "Edited after release 2."


def test_records_of_a_deleted_record_are_left_alone(db, tmp_path):
    load(*make_run_args())
    models.Citation.objects.filter(organisation__slug="bangladesh").delete()
    models.Organisation.objects.get(slug="bangladesh").delete()

    def change(items):
        fields_of(items, "core.organisation", "bangladesh")["description_en"] = "Release 2 text."
        items.append(
            {
                "model": "core.organisationalias",
                "fields": {"organisation": ["bangladesh"], "name": "BD", "kind": "name"},
            }
        )

    output = load("load_dataset", "--update", fixture=str(release(tmp_path, change)))

    assert "left alone: core.organisation bangladesh: deleted since it was loaded" in output
    assert (
        "left alone: core.organisationalias bangladesh / BD: refers to a record deleted since it was loaded" in output
    )
    assert "0 added, 0 updated, 778 unchanged, 4 left alone" in output
    assert not models.Organisation.objects.filter(slug="bangladesh").exists()


def test_loading_a_release_twice_changes_nothing(db, tmp_path):
    load(*make_run_args())
    fresh = state()
    assert "0 added, 0 updated, 781 unchanged, 0 left alone" in load("load_dataset", "--update")
    assert state() == fresh

    edit("afghanistan", description_en="Edited by an editor.")

    def change(items):
        fields_of(items, "core.organisation", "agence-france-presse")["description_en"] = "Release 2 correction."
        items.append({"model": "core.organisation", "fields": dict(items[0]["fields"], slug="new-group")})

    path = release(tmp_path, change)
    assert "1 added, 1 updated" in load("load_dataset", "--update", fixture=str(path))
    before = state()
    output = load("load_dataset", "--update", fixture=str(path))
    assert "0 added, 0 updated, 781 unchanged, 1 left alone" in output
    assert state() == before


BROKEN = {
    "a check constraint": {"model": "core.organisation", "fields": {"slug": "nameless", "kind": "state"}},
    "an unknown record": {
        "model": "core.organisationalias",
        "fields": {"organisation": ["no-such-organisation"], "name": "X"},
    },
    "an unknown model": {"model": "core.nosuchmodel", "fields": {"slug": "x"}},
}


@pytest.mark.parametrize("broken", BROKEN.values(), ids=BROKEN.keys())
def test_a_broken_release_loads_nothing(db, tmp_path, broken):
    load(*make_run_args())
    before = state()

    def change(items):
        fields_of(items, "core.organisation", "agence-france-presse")["description_en"] = "Release 2 correction."
        items.append({"model": "core.organisation", "fields": dict(items[0]["fields"], slug="new-group")})
        items.append(broken)

    with pytest.raises(CommandError, match="(?s)item #783.*nothing was loaded"):
        load("load_dataset", "--update", fixture=str(release(tmp_path, change)))
    assert state() == before


def test_a_restart_keeps_an_edit_through_the_same_command_line(tmp_path):
    """Run `make run`'s load line as make runs it, against a fresh database,
    edit, run it again: the edit, its time and its history stay."""
    with fresh_database(tmp_path, "loaddataset") as database_url:
        env = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
        env.update(DATABASE_URL=database_url, DJANGO_DEBUG="1")  # as make run sets it

        def run(command, shell=False):
            done = subprocess.run(command, shell=shell, cwd=ROOT, env=env, **CAPTURE)
            assert done.returncode == 0, done.stderr
            return done.stdout

        def shell(code):
            show = "o = O.objects.get(slug='afghanistan'); print(o.description_en, o.updated_at, o.history.count())"
            script = f"from ctdb.core.models import Organisation as O; {code}; {show}"
            return run([sys.executable, "manage.py", "shell", "--no-imports", "-c", script]).strip()

        run([sys.executable, "manage.py", "migrate", "--no-input", "-v0"])
        assert "loaded 781 records" in run(make_run_load_line(), shell=True)
        edited = shell("o = O.objects.get(slug='afghanistan'); o.description_en = 'Edited by an editor.'; o.save()")
        assert edited.startswith("Edited by an editor. ") and edited.endswith(" 2")

        assert "fixtures not loaded" in run(make_run_load_line(), shell=True)

        assert shell("pass") == edited


CAPTURE = {"capture_output": True, "text": True, "timeout": 120}
