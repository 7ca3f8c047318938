from django.apps import AppConfig


class SyntheticConfig(AppConfig):
    name = "ctdb.synthetic"
    label = "ctdb_synthetic"
