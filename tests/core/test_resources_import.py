"""Imports through the resources, below the admin: what is written (records
and their history), all or nothing, at a cost that does not grow in queries
with the number of rows, with the preview's diff kept."""

import pytest
import tablib
from django.db import connection
from django.db.models import BigIntegerField, F, ForeignKey
from django.test.utils import CaptureQueriesContext
from import_export.exceptions import ImportError as ImportExportError
from simple_history.utils import bulk_create_with_history

from ctdb.core import data_version
from ctdb.core.bulk import PLAIN_FIELDS, copy_columns, history_statement, insert_records
from ctdb.core.models import Attack, Organisation
from ctdb.core.resources import RESOURCES

pytestmark = pytest.mark.django_db

HEADERS = [
    "slug",
    "name_ar",
    "name_en",
    "kind",
    "campaign",
    "start",
    "country",
    "attack_type",
    "killed_low",
    "latitude",
]


def attacks(count, start=0, campaign="campaign", overrides=None):
    dataset = tablib.Dataset(headers=HEADERS)
    for number in range(start, start + count):
        row = {
            "slug": f"imported-{number}",
            "name_ar": f"هجوم {number}",
            "name_en": f"Imported attack {number}",
            "kind": "attack",
            "campaign": campaign if number % 2 else "",
            "start": f"2015-{number % 12 + 1:02d}",
            "country": "IQ" if number % 3 else "",
            "attack_type": "bombing_explosion",
            "killed_low": number,
            "latitude": "33.300000" if number % 2 else "",
        }
        row.update((overrides or {}).get(number, {}))
        dataset.append([row[name] for name in HEADERS])
    return dataset


def import_attacks(dataset, **kwargs):
    kwargs.setdefault("raise_errors", False)
    return RESOURCES[Attack]().import_data(dataset, dry_run=kwargs.pop("dry_run", False), **kwargs)


def tracked_values(record):
    """A record's (or a historical row's) values of the fields history keeps."""
    return {field.attname: getattr(record, field.attname) for field in Attack.history.model.tracked_fields}


def test_new_records_are_written_with_their_history(one_of_each, admin_user):
    result = import_attacks(attacks(30), user=admin_user, retain_instance_in_row_result=True)
    assert not result.has_errors() and not result.has_validation_errors()
    assert [row.import_type for row in result.rows] == ["new"] * 30
    imported = Attack.objects.filter(slug__startswith="imported-").order_by("killed_low")
    assert imported.count() == 30
    campaign = Attack.objects.get(slug="campaign")
    first, second = imported[0], imported[1]
    assert (first.campaign_id, second.campaign_id) == (None, campaign.pk)
    assert second.name_ar == "هجوم 1" and second.start == "2015-02" and str(second.latitude) == "33.300000"
    assert (first.country.code, second.country.code) == ("", "IQ")
    assert second.search_text and second.created_at and second.updated_at
    for record in imported:
        (history,) = record.history.all()
        assert history.history_type == "+"
        assert history.history_user == admin_user
        assert history.history_change_reason is None
        assert tracked_values(history) == tracked_values(record)
    # The admin's log entries are made from the records, with their ids.
    assert sorted(row.instance.pk for row in result.rows) == sorted(imported.values_list("pk", flat=True))


def test_history_is_what_simple_history_writes(one_of_each, admin_user):
    import_attacks(attacks(3), user=admin_user)
    ours = [tracked_values(row) for row in history_of(3)]
    ours_extra = [(row.history_type, row.history_user_id, row.history_change_reason) for row in history_of(3)]
    Attack.objects.filter(slug__startswith="imported-").delete()
    Attack.history.filter(slug__startswith="imported-").delete()
    records = [Attack(**drop(values, ("id",))) for values in ours]
    bulk_create_with_history(records, Attack, default_user=admin_user)
    theirs = [tracked_values(row) for row in history_of(3)]
    theirs_extra = [(row.history_type, row.history_user_id, row.history_change_reason) for row in history_of(3)]
    assert [drop(row, ("id",)) for row in ours] == [drop(row, ("id",)) for row in theirs]
    assert ours_extra == theirs_extra == [("+", admin_user.pk, None)] * 3


def history_of(count):
    return list(Attack.history.filter(slug__startswith="imported-").order_by("slug")[:count])


def drop(values, names):
    return {key: value for key, value in values.items() if key not in names}


def test_updated_and_unchanged_records(one_of_each, admin_user):
    import_attacks(attacks(4), user=admin_user)
    changed = attacks(4, overrides={1: {"name_en": "Renamed"}})
    result = import_attacks(changed, user=admin_user)
    assert [row.import_type for row in result.rows] == ["skip", "update", "skip", "skip"]
    renamed = Attack.objects.get(slug="imported-1")
    assert renamed.name_en == "Renamed"
    latest = renamed.history.first()
    assert latest.history_type == "~" and latest.name_en == "Renamed" and latest.history_user == admin_user
    assert renamed.history.count() == 2
    assert Attack.objects.get(slug="imported-2").history.count() == 1  # skipped: no new history


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({7: {"kind": "nonsense"}}, "kind"),
        ({7: {"campaign": "no-such-campaign"}}, "campaign"),
        ({7: {"killed_low": "-3"}}, "killed_low"),
        ({7: {"start": "2015-02-30"}}, "start"),
        ({7: {"name_ar": "", "name_en": ""}}, "name_en"),
    ],
)
def test_one_invalid_row_writes_nothing(one_of_each, overrides, field):
    before = (Attack.objects.count(), Attack.history.count())
    result = import_attacks(attacks(10, overrides=overrides))
    assert result.has_validation_errors()
    (invalid,) = result.invalid_rows
    assert invalid.number == 8
    assert field in invalid.field_specific_errors
    assert (Attack.objects.count(), Attack.history.count()) == before


def test_a_row_the_database_refuses_writes_nothing(one_of_each):
    """A latitude out of range passes the row checks; the database's
    constraint refuses it when the batch is written, and the whole file is
    rolled back, the rows of earlier batches included."""
    before = (Attack.objects.count(), Attack.history.count())
    base = RESOURCES[Attack]
    small_batches = type("SmallBatches", (base,), {"Meta": type("Meta", (base.Meta,), {"batch_size": 10})})
    dataset = attacks(25, overrides={22: {"latitude": "95"}})
    result = small_batches().import_data(dataset, dry_run=False, raise_errors=False)
    assert result.has_errors()
    assert "latitude" in str(result.base_errors[0].error)
    assert (Attack.objects.count(), Attack.history.count()) == before
    with pytest.raises(ImportExportError):
        import_attacks(dataset, raise_errors=True)
    assert (Attack.objects.count(), Attack.history.count()) == before


def test_queries_do_not_grow_with_rows(one_of_each):
    def queries(dataset):
        with CaptureQueriesContext(connection) as captured:
            result = import_attacks(dataset)
        assert not result.has_errors() and not result.has_validation_errors()
        return len(captured.captured_queries)

    # 30 rows: few enough for one INSERT on SQLite too (a statement there
    # takes at most 999 parameters, so Django splits larger batches).
    assert queries(attacks(5)) == queries(attacks(30, start=100))
    # Updates too: the records named by the file, and the records they name,
    # are read in one query, not one per row.
    renamed = {number: {"name_en": "Renamed"} for number in range(200)}
    assert queries(attacks(5, overrides=renamed)) == queries(attacks(30, start=100, overrides=renamed))


def test_preview_keeps_its_diff(one_of_each):
    before = (Attack.objects.count(), Attack.history.count())
    result = import_attacks(attacks(2), dry_run=True)
    assert [row.import_type for row in result.rows] == ["new", "new"]
    assert all(row.diff and len(row.diff) == len(result.diff_headers) for row in result.rows)
    assert any("Imported attack 0" in cell for cell in result.rows[0].diff)
    assert (Attack.objects.count(), Attack.history.count()) == before


def test_diff_of_an_update_shows_the_change(one_of_each):
    import_attacks(attacks(1))
    result = import_attacks(attacks(1, overrides={0: {"name_en": "Renamed"}}), dry_run=True)
    (row,) = result.rows
    assert row.import_type == "update"
    assert row.original.name_en == "Imported attack 0"  # the record as it was
    cells = dict(zip(result.diff_headers, row.diff, strict=True))
    assert "<del" in cells["name_en"] and "<ins" in cells["name_en"]


def test_an_empty_row_is_refused_as_before(one_of_each):
    dataset = attacks(2)
    dataset.append([""] * len(HEADERS))
    result = import_attacks(dataset)
    assert [row.import_type for row in result.rows] == ["new", "new", "invalid"]
    assert not Attack.objects.filter(slug__startswith="imported-").exists()


def test_other_resources_still_write_history(one_of_each, admin_user):
    dataset = tablib.Dataset(headers=["slug", "name_ar", "name_en", "kind", "country"])
    dataset.append(["new-organisation", "منظمة", "New organisation", "militant_group", "SY"])
    result = RESOURCES[Organisation]().import_data(dataset, dry_run=False, raise_errors=True, user=admin_user)
    assert [row.import_type for row in result.rows] == ["new"]
    made = Organisation.objects.get(slug="new-organisation")
    assert made.country.code == "SY"
    assert made.history.get().history_user == admin_user


def test_insert_records_leaves_expressions_and_set_ids_to_django(one_of_each):
    numbered = Attack(slug="given-id", name_en="Given id", start="2020", pk=987654)
    numbered.prepare()
    insert_records(Attack, [numbered])
    assert Attack.objects.get(pk=987654).slug == "given-id"
    expression = Attack(slug="expression", name_en="Expression", start="2020", killed_low=F("killed_low"))
    expression.prepare()
    with pytest.raises(ValueError, match="F\\(\\) expressions can only be used to update"):
        insert_records(Attack, [expression])  # Django's bulk_create refuses it, as it always did


def test_the_fast_paths_are_taken_here():
    """Both test databases (SQLite, PostgreSQL) give back inserted ids, so
    the history is copied by the database rather than by simple_history;
    PostgreSQL takes new records by COPY."""
    assert history_statement(Attack, "default") is not None
    assert (copy_columns(Attack, connection) is not None) == (connection.vendor == "postgresql")


@pytest.mark.parametrize("field_class", [cls for cls in PLAIN_FIELDS if cls is not ForeignKey])
def test_plain_fields_are_written_as_they_are(field_class):
    """COPY writes a plain field's value without Django's preparation, which
    would give back the same value (on PostgreSQL an integer comes back as
    an int subclass naming its SQL type, which COPY does not need: the table
    gives each column's type)."""
    plain_type = PLAIN_FIELDS[field_class]
    field = field_class(max_length=20) if plain_type is str else field_class()
    field.set_attributes_from_name("value")
    for value in ("text", "نص", "") if plain_type is str else (0, 7, 2**40 if field_class is BigIntegerField else 3):
        prepared = field.get_db_prep_save(value, connection)
        assert prepared == value and isinstance(prepared, plain_type)


def test_plain_foreign_keys_are_written_as_they_are(one_of_each):
    field = Attack._meta.get_field("campaign")
    assert type(field) is ForeignKey and PLAIN_FIELDS[ForeignKey] is int
    prepared = field.get_db_prep_save(one_of_each["attack"].pk, connection)
    assert prepared == one_of_each["attack"].pk and isinstance(prepared, int)


def test_an_import_changes_the_data_version(one_of_each):
    """The API's cache key: COPY fires the tables' insert triggers as INSERT does."""
    before = data_version.current()
    import_attacks(attacks(3))
    assert data_version.current() != before
