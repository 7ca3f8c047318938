"""The domain folders (ctdb.sources, ctdb.organisations, ctdb.actors,
ctdb.attacks, ctdb.agreements): installed apps whose AppConfig says
`domain = True`. Each holds the same file set; a layer that needs one file of
every domain (its synthetic generator, its fixture section, its API routes,
its export tables) takes it from `domain_modules(name)`, so adding a domain
means adding its folder and its line in INSTALLED_APPS, nothing else.
"""

from importlib import import_module

from django.apps import apps
from django.utils.module_loading import module_has_submodule


def domain_apps():
    """The domain folders' AppConfigs, in INSTALLED_APPS order."""
    return [config for config in apps.get_app_configs() if getattr(config, "domain", False)]


def domain_modules(name):
    """`<domain>.<name>` of every domain folder that has one, imported, in INSTALLED_APPS order."""
    return [
        import_module(f"{config.name}.{name}") for config in domain_apps() if module_has_submodule(config.module, name)
    ]
