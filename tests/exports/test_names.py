"""One name per concept (issue 13, step 5): a record model's dataset file,
its API route (or, for a model without one, the field of the answer that
lists its rows), its fixture source key and its citation target name are one
name, so that a consumer who knows `relationships.csv` finds
`/api/v1/relationships/`, a fixture's `relationships:` and citations of
`record_type` `relationship`.

Every name is taken from the code: the dataset's files (`spec.TABLES`), the
API's routes and what their answers list (`ctdb.api.urls.router` and the
routes' serializers), the fixture sections (`sections()`) and Citation's
foreign keys (`CITATION_TARGETS`). A new record type, or a renamed layer,
whose names disagree fails here.

The names agree when they are the file's name but for these differences:
- singular or plural: `relationship` (a citation target, one record) and
  `relationships.csv`; `article:` (one per source file) and `articles.csv`;
- `-` in a URL for `_` elsewhere: `/agreement-parties/`, `agreement_parties.csv`;
- a list inside its parent's entry or answer may leave out the parent's name:
  an agreement's `parties` are `agreement_parties.csv`, an organisation's
  `aliases` are `organisation_aliases.csv`.
Any other difference is listed in `EXCEPTIONS`, with its reason.
"""

import pytest
from rest_framework import serializers

from ctdb.api.urls import router
from ctdb.core.models import Citation
from ctdb.core.registry import record_models
from ctdb.exports.spec import TABLES
from ctdb.fixture_compiler.sections import ALIASES
from ctdb.fixture_compiler.sections import sections as fixture_sections
from ctdb.sources.models import CITATION_TARGETS

RECORD_MODELS = record_models()
FILE_OF = {table.model: table.name for table in TABLES}

# (model name, layer) -> the name that layer gives it although the rule above
# says otherwise, and why it stays.
EXCEPTIONS = {
    ("AgreementParty", "citation target"): (
        "party",
        "Citation's foreign key `party` (a database column, and a record_type value): renaming it to "
        "`agreement_party` is a migration and a dataset change of its own",
    ),
    ("Citation", "fixture key"): (
        "cite",
        "a source file's `cite:` list under each entry, written by hand: the verb reads as what the editor does",
    ),
}


def singular(name):
    """`name` in the singular, `_` for `-`: the plural of the files and routes' simple English nouns."""
    name = name.replace("-", "_")
    if name.endswith("ies"):
        return name[: -len("ies")] + "y"
    if name.endswith("ses"):
        return name[: -len("es")]
    return name.removesuffix("s")


def agrees(name, file, parent_file=None):
    """Whether `name` names the rows of `file`: the same noun, singular or
    plural, `-` or `_`; inside a `parent_file` row, with or without the
    parent's name in front."""
    names = {singular(name)}
    if parent_file is not None:
        names.add(f"{singular(parent_file)}_{singular(name)}")
    return singular(file) in names


def api_names():
    """model -> [(name, parent model or None)]: its route, or the fields of
    other models' answers that list its rows (a campaign's `campaign_attacks`
    lists its own model's rows in a role, not the concept: left out)."""
    found = {}
    for prefix, viewset, _basename in router.registry:
        model = viewset.queryset.model
        found.setdefault(model, []).append((prefix, None))
    listed = {}
    for _prefix, viewset, _basename in router.registry:
        parent = viewset.queryset.model
        serializer = viewset.serializer_class()
        for name, field in serializer.fields.items():
            many = isinstance(field, serializers.ListSerializer)
            shown = field.child if many else field
            if isinstance(shown, serializers.SerializerMethodField):
                # What a method field shows is its schema annotation (`extend_schema_field`).
                shown = getattr(getattr(serializer, shown.method_name), "_spectacular_annotation", {}).get("field")
                many = isinstance(shown, serializers.ListSerializer)
                shown = getattr(shown, "child", shown)
            if many and isinstance(shown, serializers.BaseSerializer) and shown.Meta.model is not parent:
                listed.setdefault(shown.Meta.model, []).append((name, parent))
    for model, names in listed.items():
        if model not in found:
            found[model] = names
    return found


def fixture_names():
    """model -> [(key, parent model or None)]: the keys its records are written under in a source file."""
    found = fixture_sections()
    names = {found.article.model: [(found.article.key, None)], found.citation.model: [(found.citation.key, None)]}
    for section in found.records.values():
        names.setdefault(section.model, []).append((section.key, None))
        if section.aliases is not None:
            names.setdefault(section.aliases, []).append((ALIASES, section.model))
    for section in found.links.values():
        parent = section.model._meta.get_field(section.parent).related_model if section.parent else None
        names.setdefault(section.model, []).append((section.key, parent))
    return names


def citation_names():
    """model -> [(Citation's field, None)] for every record a citation can support."""
    return {Citation._meta.get_field(field).related_model: [(field, None)] for field in CITATION_TARGETS}


LAYERS = {"API": api_names, "fixture key": fixture_names, "citation target": citation_names}


def mismatches(model):
    """[(layer, name)] of every name of `model` that is not its file's."""
    file = FILE_OF[model]
    found = []
    for layer, names_of in LAYERS.items():
        for name, parent in names_of().get(model, []):
            if not agrees(name, file, FILE_OF.get(parent)):
                found.append((layer, name))
    return found


@pytest.mark.parametrize("model", RECORD_MODELS, ids=[model.__name__ for model in RECORD_MODELS])
def test_one_name_per_record_type(model):
    assert model in FILE_OF, f"{model.__name__} has no dataset file"
    assert model in api_names(), f"{model.__name__} has no API route and no answer lists it"
    assert model in fixture_names(), f"{model.__name__} has no fixture key"
    expected = [(layer, name) for (owner, layer), (name, _why) in EXCEPTIONS.items() if owner == model.__name__]
    assert mismatches(model) == expected, (
        f"{model.__name__}: the names {mismatches(model)} are not {FILE_OF[model]}.csv's "
        "(singular or plural, - or _, without the parent's name inside a parent); rename, or list it in EXCEPTIONS"
    )


def test_the_exceptions_name_record_models():
    names = {model.__name__ for model in RECORD_MODELS}
    assert {owner for owner, _layer in EXCEPTIONS} <= names
    assert {layer for _owner, layer in EXCEPTIONS} <= set(LAYERS)


@pytest.mark.parametrize(
    "name, file, parent_file",
    [
        ("relationships", "relationships", None),
        ("relationship", "relationships", None),
        ("agreement-parties", "agreement_parties", None),
        ("parties", "agreement_parties", "agreements"),
        ("aliases", "organisation_aliases", "organisations"),
        ("attack_links", "attack_links", "attacks"),
        ("article", "articles", None),
    ],
)
def test_the_allowed_differences(name, file, parent_file):
    assert agrees(name, file, parent_file)


@pytest.mark.parametrize(
    "name, file, parent_file",
    [
        # The names before 2.0: each would fail the rule.
        ("relationships", "organisation_relationships", None),
        ("related_attacks", "attack_links", "attacks"),
        ("related", "attack_links", "attacks"),
        # Leaving out the parent's name is for a list inside the parent only.
        ("parties", "agreement_parties", None),
        ("party", "agreement_parties", None),
    ],
)
def test_other_differences_are_mismatches(name, file, parent_file):
    assert not agrees(name, file, parent_file)
