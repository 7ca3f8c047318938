"""The exported dataset, file by file and column by column.

Each domain folder declares its own files in `<domain>/export.py` (a tuple
`TABLES` of `Table`s); this module holds what they share and gathers them
into `TABLES`, from which the CSV writer, the importer, the codebook and the
admin's import resources all work. A column added to a domain's table appears
in all of them.

The files are listed in an order in which they can be loaded: every file
comes after the files its model's foreign keys point to (an attack's campaign,
a row of the same file, does not count). Where the keys leave a choice, the
domains come in CTDB_DOMAINS order and each domain's files in the order its
module lists them. One table states a place the keys do not give it
(`Table.after`, see articles.csv in ctdb/sources/export.py), so that the
order stays the one the dataset has always been published in.

Naming scheme:
- a record's own fields keep their model names (`name_en`, `killed_low`);
- a foreign key is `<field>_slug` and holds the related row's slug
  (`attack_slug`, `accused_by_slug`), never a database id;
- a partial date `<field>` is followed by `<field>_precision`;
- a low/high figure is two columns, `<figure>_low` and `<figure>_high`;
- every record row starts with `slug` and ends with `inferred`,
  `created_at`, `updated_at`; aliases have no slug of their own.
"""

import functools
from dataclasses import dataclass, field

from ..core.choices import AliasKind, AliasProvenance, Language
from ..core.domains import domain_modules
from ..core.registry import NoOrder, in_order, references
from .columns import Column, choice, reference, text


@dataclass(frozen=True)
class Renames:
    """The files and columns a schema version renamed: a consumer of an older
    version reads them under their new names, and the importer recognises
    (and refuses) a dataset that still has the old ones."""

    version: str
    files: dict = field(default_factory=dict)  # old file name -> new file name
    columns: dict = field(default_factory=dict)  # file name (new) -> {old column: new column}

    def described(self):
        """What was renamed, old name to new: "`a.csv` to `b.csv`, b.csv's `x` to `y`"."""
        renamed = [f"`{old}` to `{new}`" for old, new in self.files.items()]
        for file, names in self.columns.items():
            renamed += [f"{file}'s `{old}` to `{new}`" for old, new in names.items()]
        return ", ".join(renamed)


# One name per concept across the model, the API, the dataset and the
# fixtures (issue 13): the relationships between organisations are
# `relationships` everywhere; what a citation supports is a record, its kind
# `record_type` (attacks.csv's `target_type` is GTD's category of target).
RENAMES = (
    Renames(
        "2.0",
        files={"organisation_relationships.csv": "relationships.csv"},
        columns={"citations.csv": {"target_type": "record_type", "target_slug": "record_slug"}},
    ),
)

# What each schema version changed, newest first (the codebook's "Changes").
# Any change to a file or a column adds a version here: consumers check it.
CHANGES = {
    "2.1": "organisation_aliases.csv and actor_aliases.csv end in two new columns: `provenance` (`article` for a "
    "name an article reports, `editorial` for a well-known name no article spells out) and `reasoning` (the "
    "editor's reasoning for an editorial alias). The API's aliases show the same two fields.",
    "2.0": f"Breaking: renamed {RENAMES[0].described()}. The API's citations use the same names, and its "
    "attacks list their `attack_links` (formerly `related_attacks`).",
    "1.2": "A formula cell gets an apostrophe in front (see formula cells).",
    "1.1": "Rows end in LF, not CRLF.",
}

# The newest version: what the manifest and the codebook say.
SCHEMA_VERSION = next(iter(CHANGES))

# Every synthetic row's slug starts with this, so that synthetic data can be
# told apart from curated data, and removed, by slug alone.
SYNTHETIC_PREFIX = "synthetic-"


@dataclass(frozen=True)
class Table:
    """One exported file: a model's rows, in a stable order.

    `after` names files this one is listed after besides those its model's
    foreign keys point to; it only pins a published order, it is not needed
    for loading.
    """

    name: str
    model: type
    meaning: str
    columns: tuple[Column, ...]
    order_by: tuple[str, ...] = ("slug",)
    after: tuple[str, ...] = ()

    @property
    def filename(self):
        return f"{self.name}.csv"

    @property
    def header(self):
        return [column.name for column in self.columns]


def alias_columns(owner, owner_file):
    """The columns of an alias file: the owner's slug, the name, its language
    and kind, and where it comes from: an article, or editorial knowledge
    with its reasoning (kept apart from the names the articles report)."""
    return (
        reference(
            f"{owner}_slug",
            f"The {owner} ({owner_file}.csv) this is another name of.",
            owner_file,
            owner,
            required=True,
        ),
        text(
            "name",
            "The other name, as written in the source (an `editorial` name as the editors write it).",
            required=True,
        ),
        choice("language", "Language of the name.", Language.choices),
        choice("kind", "What kind of name it is.", AliasKind.choices),
        choice(
            "provenance",
            "Where the name comes from: `article`, a name an article of the dataset reports; `editorial`, a "
            "well-known name or acronym that no article spells out, added by the editors from their own knowledge "
            "(ISIS for the Islamic State), not a fact of any article.",
            AliasProvenance.choices,
        ),
        text(
            "reasoning",
            "For an `editorial` name, the editor's reasoning: what the name is and why no article gives it. "
            "Empty for an `article` name.",
        ),
    )


def in_load_order(tables):
    """`tables` reordered so that each comes after the tables it needs.

    A table needs those of the models its model's foreign keys point to and
    those it names in `after`. Of the tables whose needs are met, the first
    in the given order is placed next (`ctdb.core.registry.in_order`, as for
    the models' load order), so that the given order decides wherever the
    keys allow either.
    """
    by_model = {table.model: table for table in tables}
    names = {table.name for table in tables}
    needs = {}
    for table in tables:
        unknown = set(table.after) - names
        if unknown:
            raise LookupError(f"{table.name} is listed after {sorted(unknown)}: no such files")
        needs[table.name] = {by_model[model].name for model in references(table.model) if model in by_model}
        needs[table.name] |= set(table.after)
    by_name = {table.name: table for table in tables}
    try:
        return in_order(tables, lambda table: [by_name[name] for name in needs[table.name]])
    except NoOrder as cycle:
        names = ", ".join(table.name for table in cycle.waiting)
        raise RuntimeError(f"{names} need each other: no file order exists") from None


def _gathered():
    """Every domain's tables, domains in CTDB_DOMAINS order; a file name declared twice is refused."""
    tables = tuple(table for module in domain_modules("export") for table in module.TABLES)
    seen = set()
    for table in tables:
        if table.name in seen:
            raise ValueError(f"two domains declare a file {table.filename}")
        seen.add(table.name)
    return tables


@functools.cache
def tables():
    """Every exported file, in load order (see the module's docstring)."""
    return in_load_order(_gathered())


@functools.cache
def tables_by_name():
    return {table.name: table for table in tables()}


def __getattr__(name):
    # TABLES and TABLES_BY_NAME are gathered on first use, not on import: the
    # domain modules import this one for `Table`, and the app registry must
    # be ready before the domains can be found.
    if name == "TABLES":
        return tables()
    if name == "TABLES_BY_NAME":
        return tables_by_name()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
