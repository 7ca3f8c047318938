"""Schema-driven fuzzing of API v1 with Schemathesis.

The OpenAPI schema is read from the running Django application (in-process,
through WSGI) and every GET operation is called with requests generated from
it, over the real dataset (see `conftest.py`):

* valid requests (positive mode) must be answered as documented: a 200, or a
  404 for a slug or a page that is not there, and never a 400 for a value the
  schema allows, but for what a schema cannot say (`BEYOND_THE_SCHEMA`);
* invalid requests (negative mode: wrong types, values out of range, unknown
  enum values, malformed dates) must be refused with a 400 whose JSON body
  names what is wrong; a 404 only when the query is valid and the slug or
  page names nothing;
* and always: no 5xx, and every response conforms to the schema (status
  code, content type, body, headers).

Each operation gets the coverage phase's deterministic cases (boundaries,
each enum value, each kind of invalid value) and `MAX_EXAMPLES` generated
ones, derandomized, with no example database, so a run is repeatable.
"""

import json
import re
from urllib.parse import parse_qs, urlsplit

import jsonschema
import pytest
import schemathesis
from django.db import transaction
from django.urls import resolve
from hypothesis import strategies as st
from schemathesis.generation import GenerationMode

from ctdb.api.filters import NO_NUL_PATTERN
from ctdb.wsgi import application
from tests.conftest import FIXTURE

pytestmark = pytest.mark.django_db

MAX_EXAMPLES = 25
SCHEMA_URL = "/api/schema/?format=json"
# Valid by the schema, yet refused, as a schema cannot say it: `search`
# and the search across kinds' `q` take at most ten words (`q` also needs
# one that folding leaves), a `cursor` is a token the API issued, not any
# string, a `country` a code ISO 3166-1 assigns, and a slug filter's value
# (`SLUG_PARAMETERS`) the slug of a record that exists. A partial date is not
# among them: its pattern refuses every day that does not exist.
# `page`: its bound is page × page_size ≤ CTDB_API_MAX_PAGE_DEPTH, a product of two
# parameters, which a parameter's schema cannot state (its description does).
BEYOND_THE_SCHEMA = {"search", "q", "cursor", "country", "page"}
NUL_REFUSED = ["Null characters are not allowed."]


def config(mode):
    return schemathesis.Config.from_dict(
        {
            "generation": {"mode": mode, "max-examples": MAX_EXAMPLES, "deterministic": True, "database": "none"},
            "phases": {"stateful": {"enabled": False}},
            # Constants read from the application's source come in an order that depends on string
            # hashing, which differs between processes: the run would not repeat itself.
            "analysis": {"constants": {"enabled": False}},
            "checks": {
                # A 404 is right for an invalid slug; `query_errors_are_400` tells it from a query error.
                "negative_data_rejection": {"expected-statuses": ["400", "404"]},
                # Replaced by `valid_requests_are_answered`, which knows what the schema cannot say.
                "positive_data_acceptance": {"enabled": False},
            },
            # Some pages are large; Hypothesis's speed and size health checks are not about the API.
            "suppress-health-check": ["too_slow", "data_too_large", "filter_too_much"],
        }
    )


valid = schemathesis.openapi.from_wsgi(SCHEMA_URL, application, config=config("positive"))
invalid = schemathesis.openapi.from_wsgi(SCHEMA_URL, application, config=config("negative"))

QUERY_PARAMETERS = {
    path: [parameter for parameter in item["get"].get("parameters", []) if parameter["in"] == "query"]
    for path, item in valid.raw_schema["paths"].items()
}

# The slugs of the real dataset, so that generated requests find records:
# each resource's own for its `{slug}`, all of them for the slug filters.
SLUGS_BY_MODEL = {}
for record in json.loads(FIXTURE.read_text()):
    if "slug" in record["fields"]:
        SLUGS_BY_MODEL.setdefault(record["model"], []).append(record["fields"]["slug"])
ALL_SLUGS = sorted(slug for slugs in SLUGS_BY_MODEL.values() for slug in slugs)
# The plain string parameters that take a slug (the others have a type, a pattern of their own or an enum).
SLUG_PARAMETERS = {
    path: {
        p["name"]
        for p in parameters
        if p["schema"] == {"type": "string", "pattern": NO_NUL_PATTERN} and p["name"] not in ("search", "cursor")
    }
    for path, parameters in QUERY_PARAMETERS.items()
}


def slugs_of(operation):
    model = resolve(operation.path.replace("{slug}", "x")).func.cls.queryset.model
    return sorted(SLUGS_BY_MODEL.get(model._meta.label_lower, ()))  # none for a type added since


def real_or(value, slugs):
    return st.one_of(st.sampled_from(slugs), st.just(value)) if slugs else st.just(value)


def use_real_slugs(schema):
    @schema.hook
    def flatmap_path_parameters(context, path_parameters):
        if not path_parameters or "slug" not in path_parameters:
            return st.just(path_parameters)
        slugs = slugs_of(context.operation)
        return real_or(path_parameters["slug"], slugs).map(lambda slug: {**path_parameters, "slug": slug})

    @schema.hook
    def flatmap_query(context, query):
        takes_slug = SLUG_PARAMETERS[context.operation.path]
        names = sorted(name for name, value in (query or {}).items() if name in takes_slug and isinstance(value, str))
        if not names:
            return st.just(query)
        return st.tuples(*(real_or(query[name], ALL_SLUGS) for name in names)).map(
            lambda values: {**query, **dict(zip(names, values, strict=True))}
        )


use_real_slugs(valid)
use_real_slugs(invalid)


def is_documented_method(case, response):
    """Not one of the coverage phase's probes with an undocumented method."""
    return response.request.method.upper() == case.operation.method.upper()


def mode_of(case):
    return case.meta.generation.mode if case.meta is not None else None


def sent_query(response):
    return parse_qs(urlsplit(response.request.url).query, keep_blank_values=True)


def typed(schema, text):
    """A query string value as the JSON value its schema describes, when it reads as one."""
    if schema.get("type") == "integer" and re.fullmatch(r"-?[0-9]+", text):
        return int(text)
    if schema.get("type") == "boolean" and text in ("true", "false"):
        return text == "true"
    return text


def invalid_query_parameters(case, response):
    """The documented query parameters whose values, as sent, break their schema
    (type, enum, pattern, bounds; formats are left to `negative_data_rejection`)."""
    sent = sent_query(response)
    invalid = set()
    for parameter in QUERY_PARAMETERS[case.operation.path]:
        name, schema = parameter["name"], parameter["schema"]
        values = sent.get(name)
        if values is None or (values == [""] and parameter.get("allowEmptyValue")):
            continue
        if schema.get("type") == "array":
            if not parameter.get("explode", True):
                values = [item for value in values for item in value.split(",")]
            instance = [typed(schema["items"], value) for value in values]
        else:
            instance = typed(schema, values[-1])
        if not jsonschema.Draft4Validator(schema).is_valid(instance):
            invalid.add(name)
    return invalid


@schemathesis.check
def valid_requests_are_answered(ctx, response, case):
    """A valid request gets its records: a 200, or a 404 for a slug or page
    that is not there; a 400 only for what the schema cannot say."""
    if mode_of(case) is not GenerationMode.POSITIVE or not is_documented_method(case, response):
        return None
    if response.status_code == 400:
        sent = sent_query(response)
        refused = {
            name: messages
            for name, messages in response.json().items()
            if name not in BEYOND_THE_SCHEMA | SLUG_PARAMETERS[case.operation.path]
            and not (messages == NUL_REFUSED and any("\x00" in value for value in sent.get(name, [])))
        }
        assert not refused, f"A valid request was refused: {refused}"
    elif response.status_code == 404:
        assert "{slug}" in case.operation.path or "page" in sent_query(response), "A 404 for a list"
    else:
        assert response.status_code in (200, 429), f"A valid request got {response.status_code}"
    return True


@schemathesis.check
def query_errors_are_400(ctx, response, case):
    """A refusal is JSON that says what is wrong, and an invalid query
    parameter is a 400 (not a 404, whatever the slug)."""
    if mode_of(case) is not GenerationMode.NEGATIVE or not is_documented_method(case, response):
        return None
    if not 400 <= response.status_code < 500:
        return None  # negative_data_rejection and not_a_server_error judge the others
    content_type = response.headers.get("content-type", [""])[0]
    assert content_type.startswith("application/json"), f"A {response.status_code} in {content_type}, not JSON"
    body = response.json()
    assert isinstance(body, dict) and body, f"A {response.status_code} that does not say what is wrong: {body!r}"
    invalid = invalid_query_parameters(case, response)
    assert response.status_code == 400 or not invalid, f"{sorted(invalid)} invalid, yet a {response.status_code}"
    if response.status_code == 400:
        assert all(isinstance(messages, list) and messages for messages in body.values()), body
    return True


def call_and_validate(case):
    # Each request in a savepoint of its own, rolled back, so a failed one cannot spoil the next.
    with transaction.atomic():
        case.call_and_validate()
        transaction.set_rollback(True)


@valid.parametrize()
def test_valid_requests(case, real_dataset):
    call_and_validate(case)


@invalid.parametrize()
def test_invalid_requests(case, real_dataset):
    call_and_validate(case)
