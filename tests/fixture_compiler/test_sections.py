"""The source format the domains' sections give, read from the models: the
same keys the compiler accepted when it listed them by hand, and the model's
own rules (not a copy of them) refusing what the model refuses."""

import copy

import pytest

from ctdb.core import registry
from ctdb.fixture_compiler.builder import BuildError, build
from ctdb.fixture_compiler.sections import OUTPUT_ORDER, output_order, sections

from .test_fixture_build import VALID, write

# The keys the compiler listed by hand before its sections were read from the models.
RECORD_KEYS = {
    "organisations": {"name_ar", "name_en", "kind", "country", "founded", "ended", "description_en", "description_ar"},
    "actors": {"name_ar", "name_en", "title_ar", "title_en", "nationality", "description_en"},
    "attacks": {
        *("name_ar", "name_en", "kind", "campaign", "start", "end", "country", "place_ar", "place_en"),
        *("latitude", "longitude", "geo_precision", "attack_type", "target_type", "weapon_type"),
        *("killed", "wounded", "description_en"),
    },
    "agreements": {"name_ar", "name_en", "kind", "status", "start", "end", "amount", "currency", "description_en"},
}
LINK_KEYS = {
    "attributions": {"organisation", "kind", "accused_by", "note", "cite", "inferred"},
    "attack_links": {"attack", "kind", "cite", "inferred"},
    "parties": {"organisation", "role", "start", "end", "note", "cite", "inferred"},
    "targets": {"organisation", "cite", "inferred"},
    "affiliations": {"organisation", "role", "start", "end", "cite", "inferred"},
    "relationships": {"subject", "kind", "object", "start", "end", "note", "cite", "inferred"},
}


def test_record_sections_accept_the_same_keys():
    found = sections()
    # A section added since (a new record type) is not among them.
    assert RECORD_KEYS.keys() <= found.records.keys()
    assert {key: set(found.records[key].keys) for key in RECORD_KEYS} == RECORD_KEYS
    assert found.common_keys == {"slug", "cite", "aliases", "inferred"}
    assert found.article.keys == {"slug", "title", "outlet", "author", "published", "url", "language", "inferred"}
    assert found.citation.keys == {"quote", "occurrence", "translation_en", "note"}


def test_link_sections_accept_the_same_keys():
    found = sections()
    keys = {
        key: {section.key_of(column.name) for column in section.columns} | {"cite", "inferred"}
        for key, section in found.links.items()
        if key in LINK_KEYS
    }
    assert keys == LINK_KEYS
    assert found.top_level_links == ["relationships"]


def test_output_order_holds_every_record_model_after_its_references():
    order = output_order()
    # The published order, kept; a model added since goes where its keys put it.
    assert [name for name in order if name in OUTPUT_ORDER] == list(OUTPUT_ORDER)
    models = {model._meta.label_lower: model for model in registry.record_models()}
    assert set(order) == set(models) and len(order) == len(models)
    for position, name in enumerate(order):
        assert {model._meta.label_lower for model in registry.references(models[name])} <= set(order[:position]), name


def refused(tmp_path, change):
    source = copy.deepcopy(VALID)
    change(source)
    write(tmp_path, source)
    with pytest.raises(BuildError) as error:
        build(tmp_path)
    return str(error.value)


def test_the_model_refuses_an_end_before_the_start(tmp_path):
    message = refused(tmp_path, lambda s: s["attacks"][0].update(end="2023"))
    assert "sample.yaml: attacks the-attack: end: The end date is before the start date." in message


def test_the_model_refuses_a_record_without_a_name(tmp_path):
    message = refused(tmp_path, lambda s: s["attacks"][0].pop("name_en"))
    assert "sample.yaml: attacks the-attack: name_en is required: Give an Arabic or an English name." in message


def test_the_model_refuses_a_negative_figure(tmp_path):
    message = refused(tmp_path, lambda s: s["attacks"][0].update(killed={"low": -1}))
    assert "attacks the-attack: killed: low -1: A count cannot be negative." in message


def test_a_date_must_be_written_as_text(tmp_path):
    message = refused(tmp_path, lambda s: s["attacks"][0].update(start=2024))
    assert "attacks the-attack: invalid date in start: a partial date is a string" in message


def test_the_model_refuses_a_relationship_of_an_organisation_with_itself(tmp_path):
    relationship = {"subject": "russia", "kind": "ally", "object": "russia", "cite": [{"quote": "روسيا"}]}
    message = refused(tmp_path, lambda s: s.update(relationships=[relationship]))
    assert "sample.yaml: relationships #1: object: An organisation cannot be related to itself." in message
