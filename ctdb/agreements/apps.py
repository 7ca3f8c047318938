from django.apps import AppConfig


class AgreementsConfig(AppConfig):
    """A domain folder. Its models keep the `core` app label and tables (no data migration)."""

    name = "ctdb.agreements"
    label = "ctdb_agreements"
    domain = True
