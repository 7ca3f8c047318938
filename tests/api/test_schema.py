"""The OpenAPI schema is valid, complete, and its docs need no CDN."""

import re

import pytest
import yaml
from django.contrib.staticfiles import finders
from django.core.management import call_command

from ctdb.api import views

from .base import RESOURCES, every_resource, get, viewset_of


@pytest.fixture(scope="module")
def schema(django_db_blocker, tmp_path_factory):
    path = tmp_path_factory.mktemp("schema") / "schema.yaml"
    with django_db_blocker.unblock():
        call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(path))
    return yaml.safe_load(path.read_text())


def test_spectacular_validates_without_warnings(schema):
    assert schema["openapi"].startswith("3.")


@every_resource
@pytest.mark.parametrize("action", [None, "sync"])
def test_every_filter_and_parameter_is_documented(schema, resource, action):
    viewset = viewset_of(resource)
    operation = schema["paths"][resource.url(action=action)]["get"]
    documented = {parameter["name"] for parameter in operation["parameters"]}
    expected = {*viewset.filterset_class.base_filters, "page_size", "format"}
    expected |= {"search"} if viewset.search_fields else set()
    expected |= {"cursor"} if action else {"page", "ordering"}
    expected |= {"include_text"} if viewset is views.ArticleViewSet else set()
    assert documented == expected
    assert "text/csv" in operation["responses"]["200"]["content"]


@every_resource
def test_csv_columns_are_documented(schema, resource):
    description = schema["paths"][resource.url()]["get"]["description"]
    assert "**CSV columns**" in description and "| `slug` | `slug` |" in description


def test_only_reads_are_documented(schema):
    methods = {method for path in schema["paths"].values() for method in path}
    assert methods == {"get"}
    assert len(schema["paths"]) == 3 * len(RESOURCES)


def test_schema_is_served(client, db):
    assert get(client, "/api/schema/", format="json").json()["info"]["title"] == "ctdb API"


def test_docs_use_bundled_assets_only(client, db, settings):
    html = get(client, "/api/docs/").content.decode()
    assert not re.search(r"https?://", html), re.findall(r"https?://[^\s\"']+", html)
    assets = re.findall(rf'(?:src|href)="{settings.STATIC_URL}([^"]+)"', html)
    assert any(asset.startswith("drf_spectacular_sidecar/swagger-ui-dist/") for asset in assets)
    assert all(finders.find(asset) for asset in assets), assets
    # The page's own script is served separately (the CSP allows no inline
    # script); it must not call Swagger's public validator either.
    assert 'src="/api/docs/?script="' in html
    script = get(client, "/api/docs/", script="").content.decode()
    assert not re.search(r"https?://", script)
    assert '"validatorUrl": null' in script
