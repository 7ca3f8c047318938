"""ctdb's record models and the order their foreign keys impose, read from
the app registry and the models' own fields, so that no layer keeps a hand
list of them (issue 13).

- `record_models()`: every model of the `core` app but simple_history's copies,
  in the order the models are defined (`ctdb.core.models`).
- `load_order()`: the same models, each after every model its foreign keys
  point to (a self-reference, such as an attack's campaign, does not count),
  keeping definition order where the keys leave a choice. Writing in this
  order and removing in the reverse one never meets a missing or a still
  referenced row.
- `extended(order)`: a published order (a file's, say) with the models it
  does not name placed before what references them.
- `searchable_models()`: those with a `search_text` column, which the
  database's folded-search index and trigger cover (`database_rules`).
"""

from functools import cache

from django.apps import apps as global_apps


def record_models(apps=global_apps):
    """Every model of ctdb's records: the `core` app's, without simple_history's copies."""
    return [model for model in apps.get_app_config("core").get_models() if not model.__name__.startswith("Historical")]


def references(model):
    """The other record models `model`'s foreign keys point to."""
    return {
        field.related_model
        for field in model._meta.concrete_fields
        if field.is_relation and field.related_model is not model
    }


class NoOrder(Exception):  # noqa: N818 - what it says: the items have no order
    """`in_order` found items that need each other; `waiting` holds them."""

    def __init__(self, waiting):
        super().__init__(waiting)
        self.waiting = waiting


def in_order(items, needs):
    """`items`, each after every item `needs(item)` gives that is among them,
    in the given order wherever that leaves a choice (the first item whose
    needs are met goes next). Raises NoOrder if some need each other. The
    one ordering rule behind the models' load order, the dataset's file order
    and synthetic data's phase order."""
    waiting, placed = list(items), []
    present = {id(item) for item in waiting}
    while waiting:
        done = {id(item) for item in placed}
        ready = next(
            (item for item in waiting if {id(need) for need in needs(item)} & present <= done),
            None,
        )
        if ready is None:
            raise NoOrder(waiting)
        placed.append(ready)
        waiting.remove(ready)
    return tuple(placed)


@cache
def load_order():
    """Record models, each after those it references; definition order otherwise."""
    try:
        return in_order(record_models(), references)
    except NoOrder as cycle:
        names = ", ".join(model.__name__ for model in cycle.waiting)
        raise RuntimeError(f"the foreign keys of {names} form a cycle: no load order exists") from None


def extended(order):
    """`order`, a published order of some record models, with every record
    model it leaves out placed as late as it can go: just before the first
    model that references it, else at the end. A record type added later
    finds its place without a hand list growing, and what was published
    keeps its order."""
    placed = list(order)
    for model in load_order():
        if model not in placed:
            referrers = [position for position, other in enumerate(placed) if model in references(other)]
            placed.insert(min(referrers, default=len(placed)), model)
    return placed


def removal_order():
    """Record models, each before those it references."""
    return tuple(reversed(load_order()))


def searchable_models():
    """Record models with a `search_text` column."""
    return tuple(
        model for model in record_models() if any(field.name == "search_text" for field in model._meta.concrete_fields)
    )
