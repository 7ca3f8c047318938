from django.apps import AppConfig


class ActorsConfig(AppConfig):
    """A domain folder. Its models keep the `core` app label and tables (no data migration)."""

    name = "ctdb.actors"
    label = "ctdb_actors"
    domain = True
