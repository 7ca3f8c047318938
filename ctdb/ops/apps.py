from django.apps import AppConfig


class OpsConfig(AppConfig):
    """Running ctdb in production: error pages, login throttling, backups."""

    name = "ctdb.ops"
    label = "ops"
    verbose_name = "Operations"
