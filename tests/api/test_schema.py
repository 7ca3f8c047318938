"""The OpenAPI schema is valid, complete, and its docs need no CDN."""

import re

import pytest
import yaml
from django.contrib.staticfiles import finders
from django.core.management import call_command

from ctdb.api.filters import NO_NUL_PATTERN
from ctdb.core import partial_dates
from ctdb.sources.api import ArticleViewSet

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
    expected |= {"include_text"} if viewset is ArticleViewSet else set()
    assert documented == expected
    assert "text/csv" in operation["responses"]["200"]["content"]


@every_resource
def test_csv_columns_are_documented(schema, resource):
    description = schema["paths"][resource.url()]["get"]["description"]
    assert "**CSV columns**" in description and "| `slug` | `slug` |" in description


def test_only_reads_are_documented(schema):
    methods = {method for path in schema["paths"].values() for method in path}
    assert methods == {"get"}
    # list, detail, sync, sync/deleted of each resource, and the search across them
    assert len(schema["paths"]) == 4 * len(RESOURCES) + 1
    assert "/api/v1/search/" in schema["paths"]


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


def query_parameters(schema):
    for path, item in schema["paths"].items():
        for parameter in item["get"]["parameters"]:
            if parameter["in"] == "query":
                yield path, parameter


def test_the_partial_date_pattern_is_what_the_api_takes():
    # Every shape of year, month and day, around the edges of months and of leap years.
    years = ["0000", "0001", "0004", "0100", "0400", "1600", "1900", "2000", "2016", "2023", "2100", "9999"]
    values = [*years, *(f"{y}-{m:02d}" for y in years for m in range(15))]
    values += [f"{y}-{m:02d}-{d:02d}" for y in years for m in range(15) for d in range(40)]
    values += [f"{y:04d}-02-29" for y in range(10000)]
    values += ["16", "2016-7", "2016-07-4", "20160", "٢٠١٦", "2016-07-04T00"]
    for value in values:
        try:
            partial_dates.parse(value)
            taken = value.isascii()
        except ValueError:
            taken = False
        assert bool(re.fullmatch(partial_dates.VALID_PATTERN, value)) == taken, value


@pytest.mark.parametrize(
    "value", ["0000", "2016-13", "2016-00", "2016-01-32", "2016-04-31", "2023-02-29", "1900-02-29"]
)
def test_the_schema_refuses_the_dates_the_api_refuses(schema, client, db, value):
    dates = [(path, p) for path, p in query_parameters(schema) if p["name"] in ("date_from", "date_to")]
    assert dates
    for path, parameter in dates:
        assert not re.search(parameter["schema"]["pattern"], value), (path, parameter["name"])
    assert "date_from" in get(client, "/api/v1/attacks/", expect=400, date_from=value).json()


@pytest.mark.parametrize("value", ["2024-02-29", "2000-02-29", "0001", "2016-12-31"])
def test_the_schema_takes_the_dates_the_api_takes(schema, client, db, value):
    for _path, parameter in query_parameters(schema):
        if parameter["name"] in ("date_from", "date_to"):
            assert re.search(parameter["schema"]["pattern"], value)
    get(client, "/api/v1/attacks/", date_from=value, date_to=value)


def test_string_parameters_refuse_nul_characters(schema):
    strings = [(path, p) for path, p in query_parameters(schema) if p["schema"].get("type") == "string"]
    assert {p["name"] for _path, p in strings} >= {"search", "cursor", "organisation", "country", "date_from"}
    for path, parameter in strings:
        value_schema = parameter["schema"]
        if "enum" in value_schema or "format" in value_schema:
            continue
        assert not re.search(value_schema["pattern"], "a\x00b"), (path, parameter["name"])
        if value_schema["pattern"] == NO_NUL_PATTERN:
            assert re.search(value_schema["pattern"], "islamic-state «داعش»"), (path, parameter["name"])


def patterns(node):
    if isinstance(node, dict):
        if isinstance(node.get("pattern"), str):
            yield node["pattern"]
        for value in node.values():
            yield from patterns(value)
    elif isinstance(node, list):
        for value in node:
            yield from patterns(value)


def date_patterns(node):
    """The patterns a partial date matches and a word does not."""
    found = patterns(node)
    return [pattern for pattern in found if re.fullmatch(pattern, "2016-07") and not re.fullmatch(pattern, "x")]


def test_every_partial_date_in_the_schema_has_the_one_pattern(schema):
    """Answers' fields and the filters' parameters alike: the pattern is
    `partial_dates.VALID_PATTERN`, the rule the models and filters apply."""
    fields, parameters = date_patterns(schema["components"]), date_patterns(schema["paths"])
    assert fields and parameters
    assert set(fields) == set(parameters) == {partial_dates.VALID_PATTERN}
