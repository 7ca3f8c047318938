"""Production settings: Django's deployment check passes with the environment
docker-compose gives the web service, and every response carries the
Content-Security-Policy and X-Frame-Options headers."""

import base64
import hashlib
import os
import re
import subprocess
import sys
from pathlib import Path

import drf_spectacular
import pytest
from django.conf import settings

from .compose import ROOT, interpolate, service_environment


def production_environment(**overrides):
    """A clean environment: the compose service's variables, production settings."""
    env = {key: value for key, value in os.environ.items() if key in ("PATH", "HOME", "LANG", "TMPDIR")}
    env.update(service_environment("web"))
    env.update(DJANGO_SETTINGS_MODULE="ctdb.settings", **overrides)
    return env


def test_compose_interpolation():
    variables = {"SET": "value", "EMPTY": ""}
    resolved = interpolate("${SET:-x} ${UNSET:-d} ${EMPTY:-d} ${EMPTY-d} ${SET} $$SET", variables)
    assert resolved == "value d d  value $SET"
    assert interpolate("${SET:?needed}", variables) == "value"
    with pytest.raises(KeyError, match="needed"):
        interpolate("${UNSET:?needed}", variables)


def test_compose_defaults_are_the_secure_ones():
    env = service_environment("web")
    assert env["DJANGO_DEBUG"] == "0"
    assert env["DJANGO_SECURE_SSL_REDIRECT"] == env["DJANGO_SECURE_COOKIES"] == "1"
    assert int(env["DJANGO_SECURE_HSTS_SECONDS"]) >= 31536000


def test_deploy_check_passes_with_compose_environment():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=production_environment(),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_deploy_check_fails_without_secure_values():
    """The check above is not vacuous: over plain HTTP it warns."""
    insecure = {"DJANGO_SECURE_SSL_REDIRECT": "0", "DJANGO_SECURE_COOKIES": "0", "DJANGO_SECURE_HSTS_SECONDS": "0"}
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=production_environment(**insecure),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    for warning in ("security.W004", "security.W008", "security.W012", "security.W016"):
        assert warning in result.stderr


def test_secret_key_is_required():
    env = production_environment()
    del env["DJANGO_SECRET_KEY"]
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is not set" in result.stderr


def assert_hardened(response):
    policy = response["Content-Security-Policy"]
    directives = dict(directive.strip().split(" ", 1) for directive in policy.split(";"))
    assert directives["script-src"] == "'self'"
    assert directives["default-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert directives["object-src"] == "'none'"
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/admin/login/", "/api/v1/organisations/", "/api/schema/", "/api/docs/"])
def test_security_headers_anonymous(client, path):
    response = client.get(path)
    assert response.status_code == 200
    assert_hardened(response)


def test_security_headers_admin_page(admin_client, one_of_each):
    response = admin_client.get("/admin/core/attack/")
    assert response.status_code == 200
    assert_hardened(response)


def test_swagger_style_hash_matches_template():
    """The policy allows drf-spectacular's one inline <style> by its hash, which changes if the template does."""
    template = Path(drf_spectacular.__file__).parent / "templates" / "drf_spectacular" / "swagger_ui.html"
    styles = re.findall(r"<style>(.*?)</style>", template.read_text(), re.S)
    digests = (base64.b64encode(hashlib.sha256(style.encode()).digest()).decode() for style in styles)
    hashes = {f"'sha256-{digest}'" for digest in digests}
    assert hashes == {settings.SWAGGER_UI_STYLE_HASH}


TEMPLATE_DIRS = [ROOT / "ctdb" / "templates", *(ROOT / "ctdb").glob("*/templates")]
INLINE_HANDLER = re.compile(r"<[^>]*\son[a-z]+\s*=", re.I)
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I)


@pytest.mark.parametrize(
    "template", sorted(p for d in TEMPLATE_DIRS for p in d.rglob("*.html")), ids=lambda p: str(p.relative_to(ROOT))
)
def test_templates_have_no_inline_script(template):
    text = template.read_text()
    assert not INLINE_HANDLER.search(text), "inline event handler: script-src 'self' refuses it"
    assert not INLINE_SCRIPT.search(text), "inline <script>: script-src 'self' refuses it"
