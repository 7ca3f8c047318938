from django.apps import AppConfig


class FixtureCompilerConfig(AppConfig):
    name = "ctdb.fixture_compiler"
    label = "ctdb_fixture_compiler"
