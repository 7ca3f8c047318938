from django.apps import AppConfig


class AttacksConfig(AppConfig):
    """A domain folder. Its models keep the `core` app label and tables (no data migration)."""

    name = "ctdb.attacks"
    label = "ctdb_attacks"
    domain = True
