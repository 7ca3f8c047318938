"""Load the curated fixture: whole into an empty database, or, with
`--update`, merged into one that already has data without overwriting
what editors did.

Every record the loader writes is noted in `ops.LoadedRecord` with a digest
of its editable values. A later `--update` (a new release of the fixtures)
adds records that are new, updates a shipped record only while it still
hashes to its digest (nobody touched it), and leaves alone, reporting it, a
record an editor changed or deleted since it was loaded.
"""

import hashlib
import json
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core import serializers
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.core.serializers.base import DeserializationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import DatabaseError, transaction
from django.utils import timezone

from ctdb.core import nested_changes
from ctdb.ops.models import LoadedRecord

CHANGED = "changed since it was loaded"
DELETED = "deleted since it was loaded"
NOT_LOADED = "already in the database, not from a fixture load"
DEPENDS = "refers to a record deleted since it was loaded"


def editable_fields(model):
    """The values an editor can change: not the id, the timestamps or the
    derived columns (search text, text digest), which change by themselves."""
    return [field for field in model._meta.concrete_fields if field.editable and not field.primary_key]


def values(instance):
    return {field.attname: field.value_from_object(instance) for field in editable_fields(type(instance))}


def digest(instance):
    """A digest of a record's editable values, as the database returns them."""
    encoded = {field.attname: field.value_to_string(instance) for field in editable_fields(type(instance))}
    text = json.dumps(encoded, sort_keys=True, ensure_ascii=False, cls=DjangoJSONEncoder)
    return hashlib.sha256(text.encode()).hexdigest()


def item_key(model, fields):
    """A fixture item's natural key: its slug, or (owner's slug, name) for an alias."""
    owner = getattr(model, "owner_field", None)
    if owner:
        return [*fields[owner], fields["name"]]
    return [fields["slug"]]


def core_is_empty():
    """True if no ctdb record, nor any history of one, is in the database: a
    database whose history shows deleted records is not a fresh one."""
    return not any(model.objects.exists() for model in apps.get_app_config("core").get_models())


class Command(BaseCommand):
    help = (
        "Load fixtures/ctdb.json into an empty database (or, with --update, merge a new release into one "
        "that has data, never overwriting an editor's change)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--fixture", default=str(Path(settings.BASE_DIR) / "fixtures" / "ctdb.json"))
        mode = parser.add_mutually_exclusive_group()
        mode.add_argument(
            "--if-empty", action="store_true", help="do nothing (and say so) if the database already holds records"
        )
        mode.add_argument(
            "--update",
            action="store_true",
            help="merge into a database that has data: add new records, update untouched ones, keep editors' changes",
        )

    def handle(self, *args, fixture, if_empty, update, **options):
        fixture = Path(fixture)
        if not fixture.exists():
            self.stdout.write(f"no fixture at {fixture}: nothing to load")
            return
        if core_is_empty():
            self.load_into_empty(fixture, options["verbosity"])
        elif update:
            self.merge(fixture)
        elif if_empty:
            self.stdout.write(
                "the database already holds ctdb records: fixtures not loaded "
                "(`manage.py load_dataset --update` merges a new release)"
            )
        else:
            raise CommandError(
                "the database already holds ctdb records: use --update to merge the fixture into them "
                "(it never overwrites an editor's change), or --if-empty to skip"
            )

    def load_into_empty(self, fixture, verbosity):
        """Load everything with the fixture's own timestamps, give each record
        its first history entry and note what was loaded."""
        # Suspended: a record whose parts are loaded after it keeps the fixture's time too.
        with nested_changes.suspended():
            call_command("loaddata", str(fixture), verbosity=verbosity)
            # Fixture loads bypass history; give each record its first version.
            call_command("populate_history", auto=True, verbosity=0)
            labels = {item["model"] for item in read(fixture)}
            rows = []
            for label in labels:
                model = apps.get_model(label)
                owner = getattr(model, "owner_field", None)
                queryset = model.objects.select_related(owner) if owner else model.objects.all()
                rows.extend(note(label, instance) for instance in queryset)
            LoadedRecord.objects.bulk_create(rows)
        if verbosity:
            self.stdout.write(f"loaded {len(rows)} records from {fixture} into the empty database")

    def merge(self, fixture):
        items = read(fixture)
        ledger = {(row.model, row.key): row for row in LoadedRecord.objects.all()}
        counts = {"added": 0, "updated": 0, "unchanged": 0, "left alone": 0}
        missing = set()  # (label, key) of records deleted since loaded, and of what refers to them
        reason = f"load_dataset --update {fixture.name}"
        with transaction.atomic():
            for number, item in enumerate(items, 1):
                try:
                    counts[self.merge_item(item, ledger, missing, reason)] += 1
                except (DeserializationError, DatabaseError, LookupError, TypeError, ValueError) as error:
                    raise CommandError(f"{fixture}, item #{number}: {error}; nothing was loaded") from error
        self.stdout.write(", ".join(f"{count} {name}" for name, count in counts.items()))

    def merge_item(self, item, ledger, missing, reason):
        label, fields = item["model"], item["fields"]
        model = apps.get_model(label)
        key = item_key(model, fields)
        ledger_key = (label, json.dumps(key, ensure_ascii=False))
        noted = ledger.get(ledger_key)
        try:
            current = model.objects.get_by_natural_key(*key)
        except model.DoesNotExist:
            current = None

        def leave(why):
            self.stdout.write(f"left alone: {label} {' / '.join(key)}: {why}")
            return "left alone"

        if current is None and (noted is not None or was_deleted(model, key)):
            missing.add(ledger_key)
            return leave(DELETED)
        for field in model._meta.concrete_fields:
            target = fields.get(field.name) if field.is_relation else None
            if target and (field.related_model._meta.label_lower, json.dumps(target, ensure_ascii=False)) in missing:
                if current is None:
                    missing.add(ledger_key)
                return leave(DEPENDS)
        (loaded,) = serializers.deserialize("python", [item])
        record = loaded.object
        if current is not None:
            if values(record) == values(current):
                if noted is None or noted.digest != digest(current):
                    # Same as shipped: from now on an edit shows against these values.
                    LoadedRecord.objects.update_or_create(
                        model=label, key=ledger_key[1], defaults={"digest": digest(current)}
                    )
                return "unchanged"
            if noted is None:
                return leave(NOT_LOADED)
            if noted.digest != digest(current):
                return leave(CHANGED)
            record.pk = current.pk
        # An ordinary save: a fresh updated_at (so /sync/ reports it) and a history entry.
        if hasattr(record, "created_at"):
            record.created_at = current.created_at if current is not None else timezone.now()
        record._change_reason = reason
        record.save()
        fresh = model.objects.get(pk=record.pk)
        LoadedRecord.objects.update_or_create(model=label, key=ledger_key[1], defaults={"digest": digest(fresh)})
        return "added" if current is None else "updated"


def read(fixture):
    try:
        return json.loads(fixture.read_text(encoding="utf-8"))
    except ValueError as error:
        raise CommandError(f"{fixture} is not valid JSON: {error}") from error


def note(label, instance):
    return LoadedRecord(
        model=label, key=json.dumps(list(instance.natural_key()), ensure_ascii=False), digest=digest(instance)
    )


def was_deleted(model, key):
    """True if history shows the record deleted (it may predate the ledger)."""
    owner = getattr(model, "owner_field", None)
    lookup = {f"{owner}__slug": key[0], "name": key[1]} if owner else {"slug": key[0]}
    return model.history.filter(history_type="-", **lookup).exists()
