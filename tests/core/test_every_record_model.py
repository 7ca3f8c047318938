"""Guard rails: every record model, taken from the app registry, appears in
every layer that must know it (issue 13, step 1).

A record type added to `ctdb.core` fails here, naming the model and the
layer, until it has an import resource, an admin (whose import page
answers), an API route (or a field of the resource it is embedded in), a
dataset file, a fixture section, synthetic data, the Editor and Viewer
permissions, a search index if it has search text, and a citation target
(or a reason it cannot be cited). Where a model is left out of a layer on
purpose, the lists below say so and why, and are checked too.
"""

import importlib.util
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib import admin
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command

from ctdb.api.urls import router
from ctdb.core import models
from ctdb.core.database_rules import SEARCHABLE_TABLES
from ctdb.core.domains import DOMAIN_FILES, domain_apps, find_domains
from ctdb.core.registry import record_models
from ctdb.core.resources import RESOURCES
from ctdb.core.roles import ROLES
from ctdb.exports.spec import TABLES
from ctdb.fixture_compiler.sections import output_order
from ctdb.fixture_compiler.sections import sections as fixture_sections
from ctdb.sources.models import CITATION_TARGETS
from ctdb.synthetic.discovery import columns as synthetic_columns
from ctdb.synthetic.engine import removal_order as synthetic_removal_order

RECORD_MODELS = record_models()
ids = [model.__name__ for model in RECORD_MODELS]

# Served inside another resource's answer, not on a route of their own: model -> (route, field).
EMBEDDED_IN_API = {
    models.OrganisationAlias: ("organisations", "aliases"),
    models.ActorAlias: ("actors", "aliases"),
    models.AttackLink: ("attacks", "attack_links"),
    models.AgreementTarget: ("agreements", "targets"),
}
# Written in a source file under a key of their own, not a section: model -> key.
WRITTEN_IN_OTHER_KEYS = {
    models.Article: "article",  # each source file's `article:` mapping
    models.OrganisationAlias: "aliases",  # an entry's `aliases:` list
    models.ActorAlias: "aliases",
    models.Citation: "cite",  # an entry's `cite:` list
}
# Records no citation supports, and why.
NOT_CITABLE = {
    models.Article: "the source itself: citations point into it",
    models.Citation: "the evidence itself",
    models.OrganisationAlias: "a name, kept with its language and kind; not a claim of a source",
    models.ActorAlias: "a name, kept with its language and kind; not a claim of a source",
}


def test_every_record_model_is_declared_in_a_domain_folder():
    folders = {f"{config.name}.models" for config in domain_apps()}
    for model in RECORD_MODELS:
        assert model.__module__ in folders, f"{model.__name__} is declared outside the domain folders ({folders})"
    assert {getattr(models, name) for name in models.__all__} <= set(RECORD_MODELS)
    assert set(EMBEDDED_IN_API) <= set(RECORD_MODELS) and set(NOT_CITABLE) <= set(RECORD_MODELS)


@pytest.mark.parametrize("model", RECORD_MODELS, ids=ids)
def test_an_import_resource(model):
    assert model in RESOURCES, f"{model.__name__} has no import resource (ctdb/core/resources.py RESOURCES)"
    assert RESOURCES[model]._meta.model is model


@pytest.mark.django_db
@pytest.mark.parametrize("model", RECORD_MODELS, ids=ids)
def test_an_admin_whose_import_page_answers(model, admin_client):
    assert admin.site.is_registered(model), f"{model.__name__} has no admin"
    meta = model._meta
    for page in ("", "add/", "import/", "export/"):
        response = admin_client.get(f"/admin/{meta.app_label}/{meta.model_name}/{page}")
        assert response.status_code == 200, f"{model.__name__} admin /{page}: {response.status_code}"


def routes():
    return {prefix: viewset for prefix, viewset, _basename in router.registry}


@pytest.mark.parametrize("model", RECORD_MODELS, ids=ids)
def test_an_api_route_or_a_field_of_one(model):
    served = {viewset.queryset.model: prefix for prefix, viewset in routes().items()}
    if model in EMBEDDED_IN_API:
        route, field = EMBEDDED_IN_API[model]
        assert model not in served, f"{model.__name__} has a route: drop it from EMBEDDED_IN_API"
        fields = routes()[route].serializer_class().fields
        assert field in fields, f"{model.__name__} should be served as {route}.{field}"
    else:
        assert model in served, f"{model.__name__} has no API route (ctdb/api/urls.py)"


def test_every_route_states_its_query_budget():
    for viewset in routes().values():
        assert isinstance(viewset.page_queries, int), (
            f"{viewset.__name__} states no page_queries: the queries a page of its list costs"
        )


@pytest.mark.django_db
def test_the_api_root_lists_every_route(client):
    listed = client.get("/api/v1/", HTTP_HOST="127.0.0.1").json()
    assert set(listed) == set(routes())


@pytest.mark.parametrize("model", RECORD_MODELS, ids=ids)
def test_a_dataset_file(model):
    assert model in {table.model for table in TABLES}, f"{model.__name__} has no file in the dataset export"


@pytest.mark.parametrize("model", RECORD_MODELS, ids=ids)
def test_a_fixture_section(model):
    assert model._meta.label_lower in output_order(), f"{model.__name__} is not in the compiled fixture"
    found = fixture_sections()
    sections = {section.label for section in [*found.records.values(), *found.links.values()]}
    if model in WRITTEN_IN_OTHER_KEYS:
        assert WRITTEN_IN_OTHER_KEYS[model] in {found.article.key, *found.common_keys}
    else:
        assert model._meta.label_lower in sections, f"{model.__name__} has no fixture section (<domain>/fixtures.py)"


@pytest.mark.parametrize("model", RECORD_MODELS, ids=ids)
def test_synthetic_data(model):
    assert model in synthetic_columns(), f"{model.__name__} has no synthetic rows (its domain's synthetic.py COLUMNS)"
    assert model in synthetic_removal_order(), f"{model.__name__} is never removed by remove_synthetic"


@pytest.mark.django_db
@pytest.mark.parametrize("model", RECORD_MODELS, ids=ids)
def test_editor_and_viewer_permissions(model):
    for role, actions in ROLES.items():
        granted = set(Group.objects.get(name=role).permissions.values_list("codename", flat=True))
        missing = {f"{action}_{model._meta.model_name}" for action in actions} - granted
        assert not missing, f"{role} lacks {sorted(missing)}"


@pytest.mark.django_db
def test_roles_are_granted_again_by_every_migrate():
    """As for a record type added after migration 0002: its permissions are
    not in the groups until the next migrate grants them."""
    editor = Group.objects.get(name="Editor")
    taken = Permission.objects.filter(content_type__app_label="core", codename__endswith="_attack")
    editor.permissions.remove(*taken)
    assert not editor.permissions.filter(codename="change_attack").exists()
    call_command("migrate", verbosity=0)
    assert editor.permissions.filter(codename="change_attack").exists()
    assert not editor.permissions.filter(codename="delete_attack").exists()  # only the role's actions


@pytest.mark.parametrize("model", RECORD_MODELS, ids=ids)
def test_a_search_index_for_search_text(model):
    has_text = any(field.name == "search_text" for field in model._meta.get_fields())
    assert has_text == (model._meta.db_table in SEARCHABLE_TABLES), (
        f"{model.__name__}: search_text {'without' if has_text else 'not'} in SEARCHABLE_TABLES"
    )


def citation_targets():
    """Citation's foreign keys to what it supports: field name -> model."""
    return {
        field.name: field.related_model
        for field in models.Citation._meta.get_fields()
        if field.many_to_one and field.name != "article"
    }


def test_citation_targets_are_citations_foreign_keys():
    assert tuple(citation_targets()) == CITATION_TARGETS


@pytest.mark.parametrize("model", RECORD_MODELS, ids=ids)
def test_a_citation_target(model):
    targets = set(citation_targets().values())
    if model in NOT_CITABLE:
        assert model not in targets, f"{model.__name__} is cited: drop it from NOT_CITABLE"
    else:
        assert model in targets, f"{model.__name__} cannot be cited: no foreign key of Citation points to it"


def test_citations_can_be_filtered_by_every_target():
    from ctdb.sources.api import CitationFilterSet

    for field in CITATION_TARGETS:
        assert field in CitationFilterSet.base_filters, f"no ?{field}= filter on /api/v1/citations/"
        assert CitationFilterSet.base_filters[field].field_name == f"{field}__slug"


CHECKLIST = Path(__file__).resolve().parents[2] / "docs" / "adding-a-record-type.md"


def test_the_checklist_names_every_file_of_every_domain_folder():
    """docs/adding-a-record-type.md's table of files is each domain folder's file set, no more, no less."""
    listed = re.findall(r"^\| `([a-z_]+\.py)` \|", CHECKLIST.read_text(encoding="utf-8"), re.MULTILINE)
    assert tuple(listed) == DOMAIN_FILES
    for config in domain_apps():
        present = {path.name for path in Path(config.path).glob("*.py")}
        assert present == set(listed), f"{config.name}: {sorted(present ^ set(listed))} differ from the checklist"


def test_the_checklist_names_what_the_code_has():
    text = CHECKLIST.read_text(encoding="utf-8")
    assert "`CTDB_DOMAINS`" in text and "`find_domains`" in text and "`DOMAIN_FILES`" in text
    assert "`CITATION_TARGETS`" in text and "`SCHEMA_VERSION`" in text and "`CHANGES`" in text
    for module in ("ctdb.core.registry", "ctdb.core.roles", "ctdb.core.database_rules", "ctdb.core.data_version"):
        assert f"`{module}`" in text and importlib.util.find_spec(module), module


def test_the_installed_domains_are_the_folders_found():
    assert settings.CTDB_DOMAINS == [config.name for config in domain_apps()]
    assert settings.CTDB_DOMAINS == find_domains(settings.CTDB_DOMAINS[:5])


def package(root, name, *files):
    folder = root / name
    folder.mkdir()
    for file in files:
        (folder / file).write_text("")
    return folder


def test_a_new_domain_folder_is_found_without_a_line_in_settings(tmp_path):
    root = package(tmp_path, "pkg", "__init__.py")
    package(root, "sources", *DOMAIN_FILES)
    package(root, "warnings", "models.py")  # a new folder, even before it has every file
    package(root, "layer", "__init__.py", "apps.py", "models.py")  # a layer app of its own
    package(root, "helpers", "__init__.py", "views.py")  # no models
    assert find_domains(("pkg.sources",), root) == ["pkg.sources", "pkg.warnings"]
    with pytest.raises(ImproperlyConfigured, match="pkg.gone"):
        find_domains(("pkg.sources", "pkg.gone"), root)
