"""Create the Editor and Viewer groups with their permissions."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

ROLES = {
    "Editor": ("view", "add", "change", "import", "export"),
    "Viewer": ("view", "export"),
}


def create_roles(apps, schema_editor):
    # Permissions are normally created after all migrations; make them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    core_models = [
        model._meta.model_name
        for model in apps.get_app_config("core").get_models()
        if not model._meta.model_name.startswith("historical")
    ]
    for name, actions in ROLES.items():
        group, _created = Group.objects.get_or_create(name=name)
        codenames = [f"{action}_{model}" for action in actions for model in core_models]
        group.permissions.set(Permission.objects.filter(content_type__app_label="core", codename__in=codenames))


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLES).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
