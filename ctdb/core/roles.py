"""The Editor and Viewer groups, granted their actions on every record model
after each `migrate` (a post_migrate receiver, ctdb.core.apps), so that a
record type added later gets them too; migration 0002 only made the groups.

Permissions are added, never taken away: a permission given to a group by
hand stays. (One taken away by hand comes back at the next migrate: for a
narrower role, make a group of one's own.)
"""

from django.apps import apps as global_apps

from .registry import record_models

ROLES = {
    "Editor": ("view", "add", "change", "import", "export"),
    "Viewer": ("view", "export"),
}


def grant_roles(apps=global_apps, using="default", **kwargs):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    names = [model._meta.model_name for model in record_models(apps)]
    for role, actions in ROLES.items():
        group, _created = Group.objects.using(using).get_or_create(name=role)
        wanted = Permission.objects.using(using).filter(
            content_type__app_label="core", codename__in=[f"{action}_{name}" for action in actions for name in names]
        )
        group.permissions.add(*wanted)
