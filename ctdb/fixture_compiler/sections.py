"""The sections of a fixture source file, declared by the domain folders.

Each domain's `fixtures.py` lists in `SECTIONS` how its records are written
in a source file (see fixtures/README.md); the compiler gathers them through
`domain_modules("fixtures")`, so a new record type brings its own section:

- `ArticleSection` (sources): each file's `article:` mapping, whose text is
  read from `<folder>/<slug>.txt`.
- `CitationSection` (sources): the `cite:` list every entry and link carries.
- `RecordSection`: a top-level list of records (`organisations:`); `links`
  names the link lists an entry of it may carry.
- `LinkSection`: a list of links, nested in an entry of the record its
  `parent` field points to (`attributions:` in an attack), or at the top of a
  file if it has no parent (`relationships:`).

A section says only what the model cannot: the key it is written under, how
a written key differs from the model's field, which values stay text. The
keys an entry may hold, which of them name other records, which citation
field supports a record and the values' rules all come from the model.
"""

from dataclasses import dataclass, field
from functools import cache, cached_property

from django.core.exceptions import FieldDoesNotExist

from ctdb.core import registry
from ctdb.core.domains import domain_modules

SLUG = "slug"
INFERRED = "inferred"
ALIASES = "aliases"  # an entry's other names: the reverse relation of its alias model

# Editorial knowledge: the well-known names no article spells out (ISIS for
# the Islamic State), in <root>/editorial/*.yaml beside the articles' source
# files. Such a file has no article and cites nothing: it only adds aliases,
# each with the editor's reasoning, to records that an article's file defines.
EDITORIAL_FOLDER = "editorial"
PROVENANCE = "provenance"  # an alias's: the kind of file it is written in says it, never a key
REASONING = "reasoning"  # an editorial alias's reasoning; an article's alias has none

# The order of the models in the compiled fixture: the order of the committed
# fixtures/ctdb.json (registry.load_order() gives another valid order, which
# would rewrite that file's bytes). A record model not named here is placed
# before the first model that references it (`output_order`).
OUTPUT_ORDER = (
    "core.organisation",
    "core.organisationalias",
    "core.article",
    "core.actor",
    "core.actoralias",
    "core.affiliation",
    "core.organisationrelationship",
    "core.attack",
    "core.attribution",
    "core.attacklink",
    "core.agreement",
    "core.agreementparty",
    "core.agreementtarget",
    "core.citation",
)


def label(model):
    return model._meta.label_lower


def written_fields(model, leave_out=()):
    """The model's fields a source file may give: editable, not the id."""
    return [
        column
        for column in model._meta.concrete_fields
        if column.editable and not column.primary_key and column.name not in leave_out
    ]


def alias_model(model):
    """The model of `model`'s aliases, or None if it has none."""
    try:
        return model._meta.get_field(ALIASES).related_model
    except FieldDoesNotExist:
        return None


@dataclass
class ArticleSection:
    """The `article:` mapping of a source file; its text comes from a file of its own."""

    key: str
    model: type
    text_field: str = "text"
    digest_field: str = "text_sha256"  # the text's SHA-256, as the model derives it on save
    folder: str = "articles"

    @cached_property
    def keys(self):
        return {column.name for column in written_fields(self.model, {self.text_field})}


@dataclass
class CitationSection:
    """The `cite:` list: quotes of the file's article, each supporting one record or link."""

    key: str
    model: type
    article_field: str = "article"
    located: tuple = ("start", "end")  # found by the compiler in the article's text
    extra_keys: tuple = ("occurrence",)  # which occurrence of the quote is meant

    @cached_property
    def keys(self):
        leave_out = {SLUG, INFERRED, *self.located}
        columns = written_fields(self.model, leave_out)
        return {column.name for column in columns if not column.is_relation} | set(self.extra_keys)

    def target_field(self, model):
        """The name of the citation's field that points to a `model` record."""
        for column in self.model._meta.concrete_fields:
            if column.is_relation and column.name != self.article_field and column.related_model is model:
                return column.name
        raise LookupError(f"no field of {self.model.__name__} can cite a {model.__name__}")


@dataclass
class RecordSection:
    """A top-level list of records of one model, each entry one record."""

    key: str
    model: type
    links: tuple = ()  # keys of the link sections an entry may carry
    as_text: tuple = ()  # fields written to the fixture as text (a decimal's exact digits)

    @property
    def label(self):
        return label(self.model)

    @cached_property
    def columns(self):
        return written_fields(self.model, {SLUG, INFERRED})

    def key_of(self, name):
        """The key a source file writes `name` under: a low/high figure under its pair's name."""
        for prefix in self.model.figure_pairs:
            if name in (f"{prefix}_low", f"{prefix}_high"):
                return prefix
        return name

    @cached_property
    def keys(self):
        """The keys an entry may give of its record's own values, in the model's field order."""
        return tuple(dict.fromkeys(self.key_of(column.name) for column in self.columns))

    @cached_property
    def aliases(self):
        return alias_model(self.model)


@dataclass
class LinkSection:
    """A list of links of one model: nested in the entry of their parent, or top-level."""

    key: str
    model: type
    parent: str | None = None  # the field pointing to the entry the list is nested in
    rename: dict = field(default_factory=dict)  # written key -> the model's field

    @property
    def label(self):
        return label(self.model)

    @cached_property
    def columns(self):
        return written_fields(self.model, {SLUG, INFERRED, self.parent})

    def key_of(self, name):
        return {field_name: key for key, field_name in self.rename.items()}.get(name, name)

    @cached_property
    def refs(self):
        """Written key -> the foreign key it fills, for every record the link names."""
        return {self.key_of(column.name): column for column in self.columns if column.is_relation}


class Sections:
    """Every domain's sections, by kind, in the domains' CTDB_DOMAINS order."""

    def __init__(self, found):
        self.records = {section.key: section for section in found if isinstance(section, RecordSection)}
        self.links = {section.key: section for section in found if isinstance(section, LinkSection)}
        (self.article,) = [section for section in found if isinstance(section, ArticleSection)]
        (self.citation,) = [section for section in found if isinstance(section, CitationSection)]
        self.kind_of = {section.model: key for key, section in self.records.items()}

    @property
    def top_level_links(self):
        return [key for key, section in self.links.items() if section.parent is None]

    @property
    def common_keys(self):
        """Keys every record entry may hold besides its model's fields and its links."""
        return {SLUG, self.citation.key, ALIASES, INFERRED}


@cache
def sections():
    """The sections of every domain folder's `fixtures.py`."""
    return Sections([section for module in domain_modules("fixtures") for section in module.SECTIONS])


@cache
def output_order():
    """OUTPUT_ORDER with any record model it does not name placed before the
    first model that references it (registry.extended), checked: each model
    after the models its foreign keys point to."""
    models = {label(model): model for model in registry.record_models()}
    unknown = sorted(set(OUTPUT_ORDER) - set(models))
    if unknown:
        raise RuntimeError(f"fixture OUTPUT_ORDER names models that are not record models: {unknown}")
    order = [label(model) for model in registry.extended([models[name] for name in OUTPUT_ORDER])]
    for position, name in enumerate(order):
        later = {label(model) for model in registry.references(models[name])} - set(order[:position])
        if later:
            raise RuntimeError(f"fixture OUTPUT_ORDER puts {name} before {', '.join(sorted(later))}")
    return tuple(order)
