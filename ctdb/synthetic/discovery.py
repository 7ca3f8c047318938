"""What the synthetic engine learns from the domain folders.

Each domain folder's `synthetic` module (`ctdb.core.domains.domain_modules`)
may declare:

- `COLUMNS`: {model: the columns its rows carry, in row order}. Every record
  model must be in one domain's `COLUMNS` (the guard rail in
  `tests/core/test_every_record_model.py` fails otherwise), with every
  concrete column but, where the database numbers the rows, `id`: COPY and
  `bulk_create` apply no Django defaults.
- `SIZES`: {name: size(plan)}, how many of something go with the plan's
  attacks; `Plan` answers each name as an attribute.
- `PHASES`: the phases that make its records (`generator.Phase`), in the
  order they must run among themselves.
- `write_facts(generator, rng, facts)`: called after every block of every
  phase with the facts the block stated (the sources domain writes them up as
  articles and citations).

The engine keeps no list of models: it writes in `registry.load_order()` and
runs the domains' phases in an order derived from their foreign keys.
"""

from functools import cache

from django.core.exceptions import ImproperlyConfigured

from ctdb.core.domains import domain_modules
from ctdb.core.registry import NoOrder, in_order, load_order, references


@cache
def modules():
    """Every domain's `synthetic` module, in CTDB_DOMAINS order."""
    return tuple(domain_modules("synthetic"))


def _merged(name):
    """The domains' `name` mappings as one; a key declared twice is a mistake."""
    merged = {}
    for module in modules():
        for key, value in getattr(module, name, {}).items():
            if key in merged:
                raise ImproperlyConfigured(f"{key!r} is in the synthetic {name} of two domains ({module.__name__})")
            merged[key] = value
    return merged


@cache
def columns():
    """{model: columns, in row order} of every domain, in load order."""
    declared = _merged("COLUMNS")
    unknown = set(declared) - set(load_order())
    if unknown:
        raise ImproperlyConfigured(f"synthetic COLUMNS for models that are not records: {unknown}")
    return {model: tuple(declared[model]) for model in load_order() if model in declared}


@cache
def sizes():
    """{name: size(plan)} of every domain."""
    return _merged("SIZES")


@cache
def phases():
    """Every domain's phases: a domain's after those of the domains whose
    records its records refer to (by foreign key), otherwise in the load
    order of the domains' first models; within a domain, as it lists them.

    The order is part of what a seed means: ids, and the articles' and
    citations' slugs, are numbered across phases in the order they run.
    """
    makers = [module for module in modules() if getattr(module, "PHASES", ())]
    written = {module: set(module.COLUMNS) for module in makers}
    position = {model: index for index, model in enumerate(load_order())}

    def needs(module):
        referenced = set().union(*map(references, written[module])) - written[module]
        return {other for other in makers if other is not module and written[other] & referenced}

    waiting = sorted(makers, key=lambda module: min(position[model] for model in written[module]))
    try:
        placed = in_order(waiting, needs)
    except NoOrder as cycle:
        names = ", ".join(module.__name__ for module in cycle.waiting)
        message = f"the synthetic records of {names} refer to each other: no phase order exists"
        raise ImproperlyConfigured(message) from None
    return tuple(phase for module in placed for phase in module.PHASES)


def fact_writers():
    """The domains' `write_facts` hooks, in CTDB_DOMAINS order."""
    return [module.write_facts for module in modules() if hasattr(module, "write_facts")]
