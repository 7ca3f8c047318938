"""Shared test fixtures: a small, complete set of records, and the real dataset."""

from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connections
from django.db.models import AutoField

from ctdb.core import models, nested_changes
from ctdb.core.registry import record_models
from tests import factories as make

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "fixtures" / "ctdb.json"
# The dataset's files as published (schema version 2.0), in their order; each
# has curated rows. A file added since comes where its foreign keys put it,
# and has no curated rows until an article reports one.
PUBLISHED_FILES = (
    "organisations.csv",
    "organisation_aliases.csv",
    "relationships.csv",
    "actors.csv",
    "actor_aliases.csv",
    "affiliations.csv",
    "articles.csv",
    "attacks.csv",
    "attributions.csv",
    "attack_links.csv",
    "agreements.csv",
    "agreement_parties.csv",
    "agreement_targets.csv",
    "citations.csv",
)


def published(model):
    """Whether `model`'s records are in a published file (and so in the curated dataset)."""
    from ctdb.exports.spec import TABLES

    return any(table.model is model and table.filename in PUBLISHED_FILES for table in TABLES)


ARTICLE_TEXT = (
    "أعلن تنظيم الدولة الإسلامية «داعش» مسؤوليته عن هجوم كروكوس الذي أسفر عن مقتل 144 شخصاً على الأقل، "
    "واتهمت روسيا أوكرانيا، فيما قالت الولايات المتحدة إنها حذرت موسكو. "
    "وقال الرئيس الروسي فلاديمير بوتين إن ولاية خراسان فرع من التنظيم."
)


def _cite(article, quote, **target):
    return models.Citation.objects.create(article=article, quote=quote, **target)


@pytest.fixture
def one_of_each(db):
    """One record of every model, each cited, built through the ORM."""
    isis = models.Organisation.objects.create(
        slug="islamic-state", name_ar="تنظيم الدولة الإسلامية", name_en="Islamic State", kind="militant_group"
    )
    models.OrganisationAlias.objects.create(organisation=isis, name="داعش", kind="pejorative")
    iskp = models.Organisation.objects.create(
        slug="islamic-state-khorasan-province", name_ar="ولاية خراسان", name_en="ISKP", kind="militant_group"
    )
    russia = models.Organisation.objects.create(
        slug="russia", name_ar="روسيا", name_en="Russia", kind="state", country="RU"
    )
    ukraine = models.Organisation.objects.create(
        slug="ukraine", name_ar="أوكرانيا", name_en="Ukraine", kind="state", country="UA"
    )
    usa = models.Organisation.objects.create(
        slug="united-states", name_ar="الولايات المتحدة", name_en="United States", kind="state", country="US"
    )
    article = models.Article.objects.create(
        slug="test-article", title="هجوم كروكوس", published="2024-03", text=ARTICLE_TEXT
    )
    putin = models.Actor.objects.create(
        slug="vladimir-putin", name_ar="فلاديمير بوتين", name_en="Vladimir Putin", nationality="RU"
    )
    models.ActorAlias.objects.create(actor=putin, name="بوتين")
    affiliation = models.Affiliation.objects.create(actor=putin, organisation=russia, role="president")
    relationship = models.OrganisationRelationship.objects.create(subject=iskp, kind="branch_of", object=isis)
    campaign = models.Attack.objects.create(slug="campaign", name_en="A campaign", kind="campaign", start="2024")
    attack = models.Attack.objects.create(
        slug="crocus-city-hall-attack",
        name_ar="هجوم كروكوس",
        name_en="Crocus City Hall attack",
        start="2024-03-22",
        country="RU",
        killed_low=144,
        campaign=campaign,
    )
    link = models.AttackLink.objects.create(from_attack=attack, kind="related", to_attack=campaign)
    claimed = models.Attribution.objects.create(attack=attack, organisation=isis, kind="claimed")
    accused = models.Attribution.objects.create(attack=attack, organisation=ukraine, kind="accused", accused_by=russia)
    warning = models.Agreement.objects.create(
        slug="us-warning-to-russia", name_en="US warning to Russia", kind="warning", status="denied", start="2024-03"
    )
    sender = models.AgreementParty.objects.create(agreement=warning, organisation=usa, role="sender")
    target = models.AgreementTarget.objects.create(agreement=warning, organisation=iskp)
    _cite(article, "تنظيم الدولة الإسلامية", organisation=isis)
    _cite(article, "ولاية خراسان", organisation=iskp)
    _cite(article, "روسيا", organisation=russia)
    _cite(article, "أوكرانيا", organisation=ukraine)
    _cite(article, "الولايات المتحدة", organisation=usa)
    _cite(article, "فلاديمير بوتين", actor=putin)
    _cite(article, "الرئيس الروسي فلاديمير بوتين", affiliation=affiliation)
    _cite(article, "ولاية خراسان فرع من التنظيم", relationship=relationship)
    _cite(article, "هجوم كروكوس", attack=attack)
    _cite(article, "هجوم كروكوس الذي", attack=campaign)
    _cite(article, "هجوم كروكوس الذي أسفر", attack_link=link)
    _cite(article, "أعلن تنظيم الدولة الإسلامية «داعش» مسؤوليته", attribution=claimed)
    _cite(article, "واتهمت روسيا أوكرانيا", attribution=accused)
    _cite(article, "قالت الولايات المتحدة إنها حذرت موسكو", agreement=warning)
    _cite(article, "الولايات المتحدة إنها حذرت", party=sender)
    _cite(article, "حذرت موسكو", agreement_target=target)
    made = {"isis": isis, "article": article, "attack": attack, "putin": putin, "warning": warning}
    # A record type added since this was written: one record, cited if it can be.
    for model in record_models():
        if not model.objects.exists():
            made[model._meta.model_name] = record = make.example(model)
            if model in make.CITATION_FIELD:
                _cite(article, "هجوم كروكوس", **{make.CITATION_FIELD[model]: record})
    return made


class DatasetLoader:
    """Loads the curated dataset: the first time in a session with `loaddata`,
    later by inserting the rows that load wrote.

    `loaddata` of fixtures/ctdb.json resolves natural keys and runs the
    post_save handlers that build the search documents: seconds per test. Its
    outcome is rows only: the data version (which keys the API's answer
    cache) and the `updated_at` moves are database triggers, which an insert
    fires alike, inside `nested_changes.suspended()` as the load is. So after
    one real load into a clean database the rows of every table it changed
    are kept as the database stores them, and later loads insert them (no
    signals) in an order their foreign keys and the citation triggers accept,
    leaving the tables the database fills itself (the search terms) to its
    triggers, then set each id sequence to the highest id, as `loaddata`
    does. Clean: every table of the apps the load writes to is empty, as at
    the start of a test; when one is not (a record made before the dataset),
    the real `loaddata` runs, which merges by natural key.
    `tests/test_dataset_fixture.py` compares the two ways table by table.
    """

    def __init__(self, fixture=FIXTURE):
        self.fixture = fixture
        self.tables = None  # [(model, columns, rows)] in insertion order, once captured
        self.guarded = ()  # the tables that must be empty for the insert to stand for the load
        self.sequences_before = None  # the sequences when the captured load began
        self.derived = None  # the captured tables the database fills itself, once known
        self._sql = {}  # (database, model): its inserts

    def load(self, using="default"):
        """Load the dataset; return how ("real" or "fast")."""
        connection = connections[using]
        with nested_changes.suspended(using):
            if self.tables is not None and not any(_counts(connection, self.guarded)):
                self._insert(connection)
                way = "fast"
            elif self.tables is None:
                self._load_and_capture(connection)
                way = "real"
            else:
                self.loaddata(using)
                way = "real"
        return way

    def loaddata(self, using="default"):
        call_command("loaddata", str(self.fixture), verbosity=0, database=using)

    def _load_and_capture(self, connection):
        models_ = concrete_models(connection)
        counts = dict(zip(models_, _counts(connection, models_), strict=True))
        before = {model: _rows(connection, model) for model in models_ if counts[model]}
        sequences = read_sequences(connection, models_)
        self.loaddata(connection.alias)
        changed = [model for model in models_ if _rows(connection, model) != before.get(model, [])]
        apps_ = {model._meta.app_label for model in changed}
        guarded = [model for model in models_ if model._meta.app_label in apps_]
        if any(counts[model] for model in guarded):
            return  # not a clean load: capture a later one
        self.tables = [(model, _columns(model), _rows(connection, model)) for model in changed]
        self.guarded = guarded
        # Only the captured tables' (never the data version log's, whose numbers must not repeat).
        self.sequences_before = {
            name: state for name, state in sequences.items() if name in read_sequences(connection, changed)
        }

    def _statements(self, connection, model, columns, rows):
        """The inserts of `model`'s captured rows: (SQL, parameters), with the
        values already in the SQL where the driver can put them there (a
        PostgreSQL client-side cursor), so that it parses them only once."""
        key = (connection.alias, model)
        if key not in self._sql:
            quote = connection.ops.quote_name
            into = f"INSERT INTO {quote(model._meta.db_table)} ({', '.join(map(quote, columns))}) VALUES "
            row = "(" + ", ".join(["%s"] * len(columns)) + ")"
            step = max(1, (connection.features.max_query_params or 30_000) // len(columns))
            statements = []
            with connection.cursor() as cursor:
                for start in range(0, len(rows), step):
                    batch = rows[start : start + step]
                    sql, params = into + ", ".join([row] * len(batch)), [value for r in batch for value in r]
                    mogrify = getattr(cursor.cursor, "mogrify", None)
                    statements.append((mogrify(sql, params), None) if mogrify else (sql, params))
            self._sql[key] = statements
        return self._sql[key]

    def _insert(self, connection):
        learning = self.derived is None
        if learning:
            self.derived = set()
        with connection.cursor() as cursor:
            for model, columns, rows in self.tables:
                # A table the database fills itself (the search terms, by triggers on
                # the records' tables) already holds its rows when its turn comes.
                if learning and any(_counts(connection, [model])):
                    self.derived.add(model)
                if not rows or model in self.derived:
                    continue
                for sql, params in self._statements(connection, model, columns, rows):
                    cursor.execute(sql, params)
            reset = connection.ops.sequence_reset_sql(no_style(), [model for model, _columns, _rows in self.tables])
            if reset:
                cursor.execute("\n".join(reset))
        # As `loaddata` ends: the deferred foreign key checks run now, so that none is
        # left pending (PostgreSQL refuses DDL on a table with pending trigger events).
        connection.check_constraints(table_names=[model._meta.db_table for model, _columns, _rows in self.tables])
        derived = [(model, len(rows)) for model, _columns, rows in self.tables if model in self.derived]
        if _counts(connection, [model for model, _count in derived]) != [count for _model, count in derived]:
            raise RuntimeError(f"the database filled {[m._meta.db_table for m, _c in derived]} unlike the load")

    def restore_sequences(self, using="default"):
        """Put the sequences back where they were when the captured load began,
        so that a real load now gives its records the same ids."""
        write_sequences(connections[using], self.sequences_before)


def concrete_models(connection):
    """Each model with a table of its own (m2m and history tables included),
    the tables it refers to before it."""
    tables = set(connection.introspection.table_names(include_views=False))
    found = {}
    for model in apps.get_models(include_auto_created=True):
        meta = model._meta
        if not meta.proxy and meta.db_table in tables and meta.db_table not in found:
            found[meta.db_table] = model
    ordered, seen = [], set()

    def visit(model):
        if model in seen:
            return
        seen.add(model)  # a cycle (a self-reference) is left to the deferred constraints
        for field in model._meta.concrete_fields:
            target = field.related_model if field.is_relation else None
            if target is not None and target._meta.db_table in found:
                visit(found[target._meta.db_table])
        ordered.append(model)

    for model in found.values():
        visit(model)
    return ordered


def _columns(model):
    """The columns an insert writes: all but generated ones."""
    return [field.column for field in model._meta.concrete_fields if not getattr(field, "generated", False)]


def _order(connection, model):
    """The order the rows are stored in, which an insert in that order keeps:
    PostgreSQL's heap (`loaddata` updates rows after writing them, so it is
    not the ids'), SQLite's rowid (the id)."""
    if connection.vendor == "postgresql":
        return "ctid"
    pk_fields = getattr(model._meta, "pk_fields", None) or [model._meta.pk]
    return ", ".join(connection.ops.quote_name(field.column) for field in pk_fields)


def stored(connection, column):
    """SQL reading a column as the database keeps it, with no conversion on the way:
    PostgreSQL's text form (which its input reads back exactly); on SQLite, an
    expression, which the driver's declared-type converters leave alone."""
    quoted = connection.ops.quote_name(column)
    return f"{quoted}::text" if connection.vendor == "postgresql" else f"coalesce({quoted}, NULL)"


def _rows(connection, model):
    columns = ", ".join(stored(connection, column) for column in _columns(model))
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {columns} FROM {table} ORDER BY {_order(connection, model)}")
        return cursor.fetchall()


def _counts(connection, models_):
    """The number of rows of each model's table, in one query."""
    if not models_:
        return []
    counts = ", ".join(f"(SELECT count(*) FROM {connection.ops.quote_name(m._meta.db_table)})" for m in models_)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {counts}")
        return list(cursor.fetchone())


def _sequence(connection, model):
    """The name of the sequence behind `model`'s id (its table's, on SQLite), or None."""
    if not isinstance(model._meta.pk, AutoField):
        return None
    if connection.vendor != "postgresql":
        return model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_get_serial_sequence(%s, %s)", [model._meta.db_table, model._meta.pk.column])
        return cursor.fetchone()[0]


def read_sequences(connection, models_):
    """Where the id sequence of each of `models_` stands: {name: (last value, whether it was used)}."""
    found = {}
    with connection.cursor() as cursor:
        for name in filter(None, (_sequence(connection, model) for model in models_)):
            if connection.vendor == "postgresql":
                cursor.execute(f"SELECT last_value, is_called FROM {name}")
            else:
                cursor.execute("SELECT seq, 1 FROM sqlite_sequence WHERE name = %s", [name])
            value, used = cursor.fetchone() or (0, False)
            found[name] = (value, bool(used))
    return found


def write_sequences(connection, sequences):
    with connection.cursor() as cursor:
        for name, (value, used) in sequences.items():
            if connection.vendor == "postgresql":
                cursor.execute("SELECT setval(%s::regclass, %s, %s)", [name, value, used])
            else:
                cursor.execute("DELETE FROM sqlite_sequence WHERE name = %s", [name])
                if used:
                    cursor.execute("INSERT INTO sqlite_sequence (name, seq) VALUES (%s, %s)", [name, value])


DATASET = DatasetLoader()


@pytest.fixture
def dataset(db):
    """The real curated dataset, as loaded from fixtures/ctdb.json with its own times."""
    DATASET.load()
