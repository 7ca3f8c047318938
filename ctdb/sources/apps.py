from django.apps import AppConfig


class SourcesConfig(AppConfig):
    """A domain folder. Its models keep the `core` app label and tables (no data migration)."""

    name = "ctdb.sources"
    label = "ctdb_sources"
    domain = True
