"""The web service's environment as docker-compose would give it, for tests
that run ctdb with the production settings."""

import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
COMPOSE_FILE = ROOT / "docker-compose.yml"

# What an operator's .env would hold: the values compose refuses to start without.
TEST_VALUES = {
    "POSTGRES_PASSWORD": "compose-test-password",
    "DJANGO_SECRET_KEY": "compose-test-only-secret-key-4f9c1e7a2b8d6053-1c9e77a0-b3d2e4f6a8c0",
}

# ${VAR}, ${VAR:-default}, ${VAR-default}, ${VAR:?message}, ${VAR?message}, and $$ for a dollar.
INTERPOLATION = re.compile(r"\$\$|\$\{(?P<name>\w+)(?:(?P<op>:?[-?])(?P<arg>[^}]*))?\}|\$(?P<bare>\w+)")


def interpolate(value, variables):
    """Resolve compose's variable syntax in `value` from `variables` (the shell and .env)."""

    def replace(match):
        if match.group(0) == "$$":
            return "$"
        name = match.group("name") or match.group("bare")
        op, arg = match.group("op"), match.group("arg")
        current = variables.get(name)
        unset_or_empty = current is None or (current == "" and op and op.startswith(":"))
        if op in (":-", "-"):
            return arg if unset_or_empty else current
        if op in (":?", "?"):
            if unset_or_empty:
                raise KeyError(f"docker-compose requires {name}: {arg}")
            return current
        return current or ""

    return INTERPOLATION.sub(replace, str(value))


def service_environment(service="web", variables=None):
    """The environment docker-compose.yml sets for `service`, interpolated."""
    compose = yaml.safe_load(COMPOSE_FILE.read_text())
    environment = compose["services"][service].get("environment") or {}
    if isinstance(environment, list):
        environment = dict(item.split("=", 1) if "=" in item else (item, "") for item in environment)
    variables = TEST_VALUES if variables is None else variables
    return {key: interpolate(value, variables) for key, value in environment.items()}
