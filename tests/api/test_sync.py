"""Mirroring ctdb through `/sync/`: nested changes move the records that
embed them, and `/sync/deleted/` reports deletions in cursor pages."""

import datetime
import json

import pytest
from django.core.management import call_command
from django.db import connection
from rest_framework import serializers

from ctdb.attacks.api import AttackSerializer
from ctdb.core import nested_changes
from ctdb.core.models import Attack, Attribution, Citation, OrganisationAlias
from tests import factories as make

from .base import RESOURCE_BY_PATH, get

ATTACKS = RESOURCE_BY_PATH["attacks"]
ORGANISATIONS = RESOURCE_BY_PATH["organisations"]
ATTRIBUTIONS = RESOURCE_BY_PATH["attributions"]


@pytest.fixture(autouse=True)
def _fresh_cache(settings, fresh_cache):
    settings.CTDB_API_CACHE_SECONDS = 300


def walk(client, url, **params):
    """Every page of a cursor feed, following `next` to the end."""
    pages = [get(client, url, **params).json()]
    while pages[-1]["next"]:
        pages.append(get(client, pages[-1]["next"]).json())
    return pages


def mirror(client, resource):
    """A consumer's copy ({slug: record}) and the cursor to resume from."""
    pages = walk(client, resource.url(action="sync"), page_size=2)
    return {r["slug"]: r for page in pages for r in page["results"]}, pages[-1]["cursor"]


def changes(client, resource, cursor):
    return {r["slug"]: r for page in walk(client, resource.url(action="sync"), cursor=cursor) for r in page["results"]}


def deletions(client, resource, **params):
    pages = walk(client, resource.url(action="sync/deleted"), **params)
    return [(r["slug"], r["deleted_at"]) for page in pages for r in page["results"]], pages


def delete_with_citations(record):
    """Delete a record as an editor must: its citations protect it."""
    slugs = list(record.citations.values_list("slug", flat=True))
    record.citations.all().delete()
    record.delete()
    return slugs


def citation_translations(record, path):
    return {c["translation_en"] for part in record[path] for c in part["citations"]}


class TestNestedChanges:
    def test_edited_added_and_deleted_parts_reappear_with_their_content(self, client, world):
        attacks, attacks_cursor = mirror(client, ATTACKS)
        organisations, organisations_cursor = mirror(client, ORGANISATIONS)
        _attributions, attributions_cursor = mirror(client, ATTRIBUTIONS)
        assert world.crocus.slug in attacks and world.nusra.slug in organisations

        citation = world.claim.citations.get()
        citation.translation_en = "Claimed, in new words"
        citation.save()
        OrganisationAlias.objects.create(organisation=world.nusra, name="هيئة تحرير الشام")
        delete_with_citations(world.kerman_claim)

        changed = changes(client, ATTACKS, attacks_cursor)
        # Only the attacks whose answers embed what changed; the campaign shows neither.
        assert set(changed) == {world.crocus.slug, world.kerman.slug}
        assert "Claimed, in new words" in citation_translations(changed[world.crocus.slug], "attributions")
        assert "Claimed, in new words" not in citation_translations(attacks[world.crocus.slug], "attributions")
        assert [a["slug"] for a in changed[world.kerman.slug]["attributions"]] == []

        changed = changes(client, ORGANISATIONS, organisations_cursor)
        # Nusra has a new alias; the Islamic State one attribution fewer.
        assert set(changed) == {world.nusra.slug, world.islamic_state.slug}
        assert "هيئة تحرير الشام" in [a["name"] for a in changed[world.nusra.slug]["aliases"]]
        assert (
            changed[world.islamic_state.slug]["attributions_count"]
            == organisations[world.islamic_state.slug]["attributions_count"] - 1
        )
        assert set(changes(client, ATTRIBUTIONS, attributions_cursor)) == {world.claim.slug}

    @pytest.mark.parametrize("write", ["queryset-update", "raw-sql"])
    def test_writes_that_bypass_the_orm_move_the_records_too(self, client, world, write):
        _attacks, cursor = mirror(client, ATTACKS)
        citations = Citation.objects.filter(attribution__attack=world.crocus)
        if write == "queryset-update":
            citations.update(translation_en="Retranslated")
        else:
            with connection.cursor() as sql:
                ids = list(citations.values_list("pk", flat=True))
                marks = ", ".join(["%s"] * len(ids))
                sql.execute(f"UPDATE core_citation SET translation_en = 'Retranslated' WHERE id IN ({marks})", ids)
        changed = changes(client, ATTACKS, cursor)
        assert set(changed) == {world.crocus.slug}
        assert citation_translations(changed[world.crocus.slug], "attributions") == {"Retranslated"}

    def test_a_loaded_alias_moves_its_organisation(self, client, world, tmp_path):
        _organisations, cursor = mirror(client, ORGANISATIONS)
        fixture = tmp_path / "alias.json"
        alias = {"model": "core.organisationalias", "fields": {"organisation": ["russia"], "name": "موسكو"}}
        fixture.write_text(json.dumps([alias]), encoding="utf-8")
        call_command("loaddata", str(fixture), verbosity=0)
        changed = changes(client, ORGANISATIONS, cursor)
        assert set(changed) == {world.russia.slug}
        assert "موسكو" in [a["name"] for a in changed[world.russia.slug]["aliases"]]

    def test_a_renamed_organisation_moves_every_answer_that_names_it(self, client, world):
        cursors = {path: mirror(client, RESOURCE_BY_PATH[path])[1] for path in RESOURCE_BY_PATH}
        world.iskp.name_en = "ISKP"
        world.iskp.save()
        moved = {path: set(changes(client, RESOURCE_BY_PATH[path], cursor)) for path, cursor in cursors.items()}
        assert moved["attacks"] == {world.crocus.slug}  # claimed by it
        assert moved["attributions"] == {world.claim.slug}
        assert moved["agreements"] == {world.warning.slug}  # aimed at it
        assert moved["relationships"] == {world.branch.slug}
        # Itself, and the Islamic State, whose relationships show it.
        assert moved["organisations"] == {world.iskp.slug, world.islamic_state.slug}
        assert moved["articles"] == moved["citations"] == moved["affiliations"] == set()
        renamed = changes(client, ATTACKS, cursors["attacks"])[world.crocus.slug]
        assert "ISKP" in [a["organisation"]["name_en"] for a in renamed["attributions"]]

    def test_a_change_no_answer_embeds_moves_nothing_else(self, client, world):
        _attacks, cursor = mirror(client, ATTACKS)
        world.iskp.description_en = "Not part of any summary."
        world.iskp.save()
        assert changes(client, ATTACKS, cursor) == {}

    def test_a_moved_record_is_not_moved_backwards(self, world):
        later = datetime.datetime(2100, 1, 1, tzinfo=datetime.UTC)
        Attack.objects.filter(pk=world.crocus.pk).update(updated_at=later)
        Citation.objects.filter(attribution=world.claim).update(note="Edited")
        world.crocus.refresh_from_db()
        assert world.crocus.updated_at == later


class TestCoverage:
    def test_every_part_an_answer_shows_is_covered(self, db):
        assert nested_changes.uncovered() == []

    def test_a_part_the_map_cannot_read_is_reported(self, db):
        class Unknown(serializers.ModelSerializer):
            mystery = serializers.SerializerMethodField()
            campaign_attacks = AttackSerializer(many=True, brief=True)

            class Meta:
                model = Attack
                fields = ("slug", "mystery", "campaign_attacks", "attributions")

            def get_mystery(self, attack):
                return attack.links_from.count()

        found = list(nested_changes.walk(Attack, Unknown(), Attack))
        # A method field with no schema annotation, and related ids: neither says what it reads.
        assert [f.path for f in found if isinstance(f, nested_changes.Uncovered)] == ["mystery", "attributions"]
        assert [f.path for f in found if isinstance(f, nested_changes.Embedding)] == ["campaign_attacks"]

    def test_the_triggers_are_installed_for_every_embedded_table(self, db):
        expected = nested_changes.expected_triggers()
        assert "core_citation_nested_update" in expected and "core_organisationalias_nested_insert" in expected
        assert nested_changes.installed_triggers(connection) == expected

    def test_every_trigger_compiles_and_runs(self, db):
        """Statements of no rows: PostgreSQL runs each statement trigger (and
        plans its SQL); SQLite compiles each trigger into the statement."""
        with connection.cursor() as cursor:
            for table, parents in nested_changes.by_table().items():
                column = next(iter(parents.values()))[0].watched[0]
                cursor.execute(f'INSERT INTO "{table}" SELECT * FROM "{table}" WHERE 1 = 0')
                cursor.execute(f'UPDATE "{table}" SET "{column}" = "{column}" WHERE 1 = 0')
                cursor.execute(f'DELETE FROM "{table}" WHERE 1 = 0')


class TestDeletionFeed:
    def test_deletions_across_resources_are_paged_in_order_once_each(self, client, world):
        deleted_citations = []
        deleted_citations += delete_with_citations(world.accusation)
        deleted_citations += delete_with_citations(world.kerman_claim)
        deleted_citations += delete_with_citations(world.rivalry)
        deleted_citations += delete_with_citations(world.followed)

        for path, expected in (
            ("attributions", [world.accusation.slug, world.kerman_claim.slug]),
            ("relationships", [world.rivalry.slug]),
            ("citations", deleted_citations),
        ):
            for size in (1, 2):
                listed, pages = deletions(client, RESOURCE_BY_PATH[path], page_size=size)
                assert [slug for slug, _time in listed] == expected, path
                assert len(pages) == -(-len(expected) // size)  # the last full page knows it is the last
                times = [datetime.datetime.fromisoformat(time) for _slug, time in listed]
                assert times == sorted(times)
        listed, _pages = deletions(client, ATTACKS)
        assert listed == []

    def test_the_last_cursor_resumes_with_new_deletions_only(self, client, world):
        delete_with_citations(world.accusation)
        _listed, pages = deletions(client, ATTRIBUTIONS, page_size=1)
        cursor = pages[-1]["cursor"]
        assert get(client, ATTRIBUTIONS.url(action="sync/deleted"), cursor=cursor).json()["results"] == []
        delete_with_citations(world.kerman_claim)
        listed, _pages = deletions(client, ATTRIBUTIONS, cursor=cursor)
        assert [slug for slug, _time in listed] == [world.kerman_claim.slug]

    def test_a_record_created_again_is_deleted_then_synced(self, client, world):
        _attributions, cursor = mirror(client, ATTRIBUTIONS)
        slug = world.accusation.slug
        delete_with_citations(world.accusation)
        again = make.attribution(
            attack=world.crocus, organisation=world.ukraine, kind="accused", accused_by=world.russia
        )
        assert again.slug == slug
        ((listed_slug, deleted_at),) = deletions(client, ATTRIBUTIONS)[0]
        assert listed_slug == slug
        synced = changes(client, ATTRIBUTIONS, cursor)
        assert datetime.datetime.fromisoformat(synced[slug]["updated_at"]) >= datetime.datetime.fromisoformat(
            deleted_at
        )

    def test_deleted_since_starts_at_a_time(self, client, world):
        delete_with_citations(world.accusation)
        ((_slug, first_time),) = deletions(client, ATTRIBUTIONS)[0]
        delete_with_citations(world.kerman_claim)
        (_slug, second_time) = deletions(client, ATTRIBUTIONS)[0][1]
        listed, _pages = deletions(client, ATTRIBUTIONS, deleted_since=second_time)
        assert [slug for slug, _time in listed] == [world.kerman_claim.slug]
        assert (
            "deleted_since"
            in get(client, ATTRIBUTIONS.url(action="sync/deleted"), expect=400, deleted_since="x").json()
        )
        assert first_time <= second_time

    def test_a_cursor_of_the_other_feed_is_refused(self, client, world):
        delete_with_citations(world.accusation)
        deletion_cursor = deletions(client, ATTRIBUTIONS)[1][-1]["cursor"]
        sync_cursor = mirror(client, ATTRIBUTIONS)[1]
        assert "cursor" in get(client, ATTRIBUTIONS.url(action="sync"), expect=400, cursor=deletion_cursor).json()
        assert "cursor" in get(client, ATTRIBUTIONS.url(action="sync/deleted"), expect=400, cursor=sync_cursor).json()

    def test_the_feed_is_read_in_its_index_order(self, db):
        listing = {
            "sqlite": "SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = %s",
            "postgresql": "SELECT indexdef FROM pg_indexes WHERE tablename = %s",
        }[connection.vendor]
        with connection.cursor() as cursor:
            cursor.execute(listing, [Attribution.history.model._meta.db_table])
            definitions = [row[0].replace('"', "") for row in cursor.fetchall() if row[0]]
        assert any(d.endswith("(history_type, history_date, history_id)") for d in definitions), definitions


class TestCache:
    def test_no_stale_sync_or_deletion_page_is_served_after_a_write(self, client, world):
        _attacks, cursor = mirror(client, ATTACKS)
        sync_url, deleted_url = ATTACKS.url(action="sync"), ATTRIBUTIONS.url(action="sync/deleted")
        assert [get(client, sync_url, cursor=cursor)["X-Cache"] for _ in range(2)] == ["miss", "hit"]
        assert [get(client, deleted_url)["X-Cache"] for _ in range(2)] == ["miss", "hit"]
        delete_with_citations(world.kerman_claim)
        after = get(client, sync_url, cursor=cursor)
        assert after["X-Cache"] == "miss"
        assert [r["slug"] for r in after.json()["results"]] == [world.kerman.slug]
        after = get(client, deleted_url)
        assert after["X-Cache"] == "miss"
        assert [r["slug"] for r in after.json()["results"]] == [world.kerman_claim.slug]
