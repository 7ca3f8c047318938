from django.apps import AppConfig


class OrganisationsConfig(AppConfig):
    """A domain folder. Its models keep the `core` app label and tables (no data migration)."""

    name = "ctdb.organisations"
    label = "ctdb_organisations"
    domain = True
