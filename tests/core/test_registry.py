"""The record models' load order, read from their foreign keys (ctdb.core.registry)."""

import pytest

from ctdb.core import models, registry
from ctdb.core.models.base import SearchableRecord


def test_every_model_comes_after_what_it_references():
    order = registry.load_order()
    assert set(order) == set(registry.record_models())
    for position, model in enumerate(order):
        for target in registry.references(model):
            assert order.index(target) < position, f"{model.__name__} before {target.__name__}"


def test_self_references_and_definition_order():
    assert models.Attack not in registry.references(models.Attack)  # its campaign is an attack
    assert registry.references(models.Article) == {models.Organisation}  # the outlet
    order = registry.load_order()
    assert order[0] is models.Organisation and order[-1] is models.Citation
    assert registry.removal_order() == tuple(reversed(order))


def test_a_cycle_is_refused(monkeypatch):
    registry.load_order.cache_clear()
    real = registry.references
    monkeypatch.setattr(
        registry,
        "references",
        lambda model: real(model) | ({models.Citation} if model is models.Organisation else set()),
    )
    try:
        with pytest.raises(RuntimeError, match="form a cycle"):
            registry.load_order()
    finally:
        registry.load_order.cache_clear()


def test_searchable_models_have_search_text():
    searchable = set(registry.searchable_models())
    assert searchable == {model for model in registry.record_models() if issubclass(model, SearchableRecord)}
    assert {models.Organisation, models.Actor, models.Agreement, models.Attack, models.Article} <= searchable


def test_a_published_order_takes_the_models_it_does_not_name_after_what_they_reference():
    published = [models.Organisation, models.Article, models.Citation]
    order = registry.extended(published)
    assert set(order) == set(registry.record_models())
    assert [model for model in order if model in published] == published  # kept as published
    for position, model in enumerate(order):
        assert registry.references(model) <= set(order[:position]), model.__name__
    # As late as it can go: what citations support before them, what nothing references at the end.
    assert order.index(models.Attack) < order.index(models.Citation)
    assert order[-3:] == [models.Citation, models.OrganisationAlias, models.ActorAlias]
