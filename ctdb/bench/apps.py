from django.apps import AppConfig


class BenchConfig(AppConfig):
    name = "ctdb.bench"
    label = "ctdb_bench"
