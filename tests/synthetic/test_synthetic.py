"""Synthetic data: reproducible, sized as asked, cited like curated data, and
removed without touching a curated row."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import IntegrityError, connection

from ctdb.core import models
from ctdb.core.search import document
from ctdb.exports.spec import SYNTHETIC_PREFIX, TABLES
from ctdb.exports.writer import export_dataset
from ctdb.synthetic.discovery import columns, phases
from ctdb.synthetic.engine import Plan, generate, remove
from tests.exports.conftest import read_rows

N = 200
# Written when the rows are, so they differ between two runs by design.
TIMESTAMPS = {"created_at", "updated_at"}


def snapshot(directory):
    """Every exported row but its timestamps, file by file."""
    export_dataset(directory)
    rows = {}
    for table in TABLES:
        header, *body = read_rows(directory / table.filename)
        keep = [index for index, name in enumerate(header) if name not in TIMESTAMPS]
        rows[table.name] = [[row[index] for index in keep] for row in body]
    return rows


def curated_snapshot(directory):
    return {name: [row for row in rows if SYNTHETIC_PREFIX not in row[0]] for name, rows in snapshot(directory).items()}


def test_synthetic_rows_carry_every_column():
    """COPY and bulk_create apply no Django defaults: a column added to a model
    must be added to its domain's synthetic COLUMNS. Only `id` may be left to
    the database (aliases and citations are numbered by it)."""
    for model, names in columns().items():
        concrete = {field.attname for field in model._meta.concrete_fields}
        assert len(set(names)) == len(names), f"{model.__name__}: a column listed twice"
        assert set(names) <= concrete, f"{model.__name__}: no such columns {sorted(set(names) - concrete)}"
        assert concrete - set(names) <= {"id"}, f"{model.__name__} lacks {sorted(concrete - set(names) - {'id'})}"


def test_phases_run_after_the_phases_whose_records_theirs_refer_to():
    # Part of what a seed means: ids and the articles' slugs are numbered across
    # phases, so a phase added since runs after these and renumbers none of their rows.
    published = ["organisations", "actors", "agreements", "campaigns", "attacks"]
    assert [phase.name for phase in phases()][: len(published)] == published


def test_counts_match_the_plan(db):
    counts = generate(attacks=N, seed=1)
    plan = Plan(N)
    assert models.Attack.objects.count() == counts["Attack"] == N
    assert models.Attack.objects.filter(kind="campaign").count() == plan.campaigns
    assert models.Organisation.objects.count() == plan.organisations
    assert models.Actor.objects.count() == plan.actors
    assert models.Agreement.objects.count() == plan.agreements
    for table in TABLES:
        assert table.model.objects.count() == counts[table.model.__name__]
    for model in (models.Article, models.Citation, models.Attribution, models.AgreementParty, models.Affiliation):
        assert counts[model.__name__] > 0


def test_same_seed_same_rows_whatever_the_batch_size(db, tmp_path):
    generate(attacks=N, seed=7, batch_size=50)
    first = snapshot(tmp_path / "first")
    remove()
    generate(attacks=N, seed=7, batch_size=100_000, copy=False)
    second = snapshot(tmp_path / "second")
    assert first == second
    remove()
    generate(attacks=N, seed=8)
    assert snapshot(tmp_path / "third") != first


def test_every_slug_is_synthetic_and_every_record_is_cited_from_a_synthetic_article(db):
    generate(attacks=N, seed=3)
    for table in TABLES:
        key = table.columns[0].sources[0]  # the slug, or an alias's owner's
        assert not table.model.objects.exclude(**{f"{key}__startswith": SYNTHETIC_PREFIX}).exists()
    assert not models.Citation.objects.exclude(article__slug__startswith=SYNTHETIC_PREFIX).exists()
    for citation in models.Citation.objects.select_related("article"):
        assert citation.article.text[citation.start : citation.end] == citation.quote
    for field in models.Citation.TARGET_FIELDS:
        model = models.Citation._meta.get_field(field).related_model
        if model is models.AgreementTarget and not model.objects.exists():
            continue
        assert not model.objects.filter(citations__isnull=True).exists(), field


def test_search_text_is_what_save_would_store(db):
    generate(attacks=N, seed=4)
    for model in (models.Organisation, models.Actor, models.Attack, models.Agreement, models.Article):
        for record in model.objects.all()[:50]:
            assert record.search_text == document(*record.search_values()), record.slug
    aliased = models.Organisation.objects.filter(aliases__isnull=False).first()
    assert aliased.aliases.first().name.casefold() in aliased.search_text


def test_removal_leaves_curated_records_untouched(dataset, tmp_path):
    before = snapshot(tmp_path / "before")
    generate(attacks=N, seed=5)
    assert models.Attack.objects.count() == N + len(before["attacks"])
    removed = remove()
    assert removed["Attack"] == N
    assert snapshot(tmp_path / "after") == before


def test_export_can_leave_synthetic_rows_out(dataset, tmp_path):
    export_dataset(tmp_path / "curated")
    generate(attacks=N, seed=5)
    manifest = export_dataset(tmp_path / "without", exclude_synthetic=True)
    assert manifest["synthetic_excluded"] is True
    for table in TABLES:
        assert (tmp_path / "without" / table.filename).read_bytes() == (
            tmp_path / "curated" / table.filename
        ).read_bytes()


def test_removal_refuses_when_a_curated_record_refers_to_a_synthetic_one(dataset):
    generate(attacks=N, seed=6)
    campaign = models.Attack.objects.filter(kind="campaign", slug__startswith=SYNTHETIC_PREFIX).first()
    models.Attack.objects.filter(slug="2024-crocus-city-hall-attack").update(campaign=campaign)
    with pytest.raises(IntegrityError):
        remove()


def test_generate_refuses_to_mix_two_synthetic_sets(db):
    generate(attacks=20, seed=1)
    with pytest.raises(ValueError, match="remove_synthetic"):
        generate(attacks=20, seed=2)


def test_commands(dataset, capsys):
    call_command("generate_synthetic", "--attacks", "50", "--seed", "2", "--no-progress")
    assert models.Attack.objects.filter(slug__startswith=SYNTHETIC_PREFIX).count() == 50
    with pytest.raises(CommandError, match="remove_synthetic"):
        call_command("generate_synthetic", "--attacks", "50", "--no-progress")
    call_command("remove_synthetic")
    assert not models.Attack.objects.filter(slug__startswith=SYNTHETIC_PREFIX).exists()
    assert models.Attack.objects.exists()
    out = capsys.readouterr().out
    assert "Attack" in out and "deleted" in out


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_bulk_load_outside_a_transaction(tmp_path):
    # Outside a transaction, PostgreSQL batches are written by a background
    # thread on its own connection, with the trigram indexes rebuilt after.
    # (serialized_rollback puts back what the migrations made, for later tests.)
    indexes = trigram_indexes()
    counts = generate(attacks=N, seed=9, batch_size=50, defer_search_indexes=True)
    assert models.Attack.objects.count() == counts["Attack"] == N
    assert models.Citation.objects.count() == counts["Citation"]
    assert trigram_indexes() == indexes
    removed = remove()
    assert removed["Citation"] == counts["Citation"]
    assert not any(table.model.objects.exists() for table in TABLES)


def trigram_indexes():
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname, indexdef FROM pg_indexes WHERE indexdef LIKE %s", ["%gin_trgm_ops%"])
        return sorted(cursor.fetchall())
