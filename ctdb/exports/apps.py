from django.apps import AppConfig


class ExportsConfig(AppConfig):
    name = "ctdb.exports"
    label = "ctdb_exports"
