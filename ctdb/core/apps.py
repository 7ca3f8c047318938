from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "ctdb.core"
    label = "core"
    verbose_name = _("Counter-terrorism records")

    def ready(self):
        from . import database_rules, roles, signals  # noqa: F401

        post_migrate.connect(database_rules.install_after_migrate, sender=self)
        # After auth's own receiver has made this app's permissions.
        post_migrate.connect(roles.grant_roles, sender=self, dispatch_uid="ctdb.core.roles.grant_roles")
