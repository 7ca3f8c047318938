"""The domain folders (ctdb.sources, ctdb.organisations, ctdb.actors,
ctdb.attacks, ctdb.agreements): the installed apps `settings.CTDB_DOMAINS`
names. Each holds the same file set; a layer that needs one file of every
domain (its synthetic generator, its fixture section, its API routes, its
export tables) takes it from `domain_modules(name)`, so adding a domain means
adding its folder and its line in CTDB_DOMAINS, nothing else.
"""

from importlib import import_module

from django.apps import apps
from django.conf import settings
from django.utils.module_loading import module_has_submodule


def domain_apps():
    """The domain folders' AppConfigs, in CTDB_DOMAINS order."""
    by_name = {config.name: config for config in apps.get_app_configs()}
    return [by_name[name] for name in settings.CTDB_DOMAINS]


def domain_modules(name):
    """`<domain>.<name>` of every domain folder that has one, imported, in CTDB_DOMAINS order."""
    return [
        import_module(f"{config.name}.{name}") for config in domain_apps() if module_has_submodule(config.module, name)
    ]
