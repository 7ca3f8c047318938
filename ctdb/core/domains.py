"""The domain folders (ctdb.sources, ctdb.organisations, ctdb.actors,
ctdb.attacks, ctdb.agreements): every folder of ctdb/ with a `models.py` of
its own and no AppConfig (the layers over every domain, such as ctdb.api and
ctdb.exports, have one). `settings.CTDB_DOMAINS` is what `find_domains` finds,
so a new folder is installed by being there. Each holds the same file set
(`DOMAIN_FILES`); a layer that needs one file of every domain (its synthetic
generator, its fixture section, its API routes, its export tables) takes it
from `domain_modules(name)`.
"""

from importlib import import_module
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import module_has_submodule

# The files of every domain folder (docs/adding-a-record-type.md explains each).
# A domain folder is a namespace package, as ctdb/core is: its models.py's
# docstring says what the domain is, and no __init__.py repeats it.
DOMAIN_FILES = ("models.py", "admin.py", "api.py", "export.py", "fixtures.py", "synthetic.py")

PACKAGE = Path(__file__).resolve().parents[1]  # ctdb/


def find_domains(published, package=PACKAGE):
    """The domain folders of `package`, as dotted names: those of `published`
    first, in its order (the order their files and routes have been
    published in), then any other, by name. A published name with no such
    folder is refused, as a folder that lost its models would be."""
    found = {
        f"{package.name}.{path.parent.name}"
        for path in package.glob("*/models.py")
        if not (path.parent / "apps.py").exists()
    }
    missing = [name for name in published if name not in found]
    if missing:
        raise ImproperlyConfigured(f"no domain folder (a folder with models.py and no apps.py) for {missing}")
    return [*published, *sorted(found - set(published))]


def domain_apps():
    """The domain folders' AppConfigs, in CTDB_DOMAINS order."""
    by_name = {config.name: config for config in apps.get_app_configs()}
    return [by_name[name] for name in settings.CTDB_DOMAINS]


def domain_modules(name):
    """`<domain>.<name>` of every domain folder that has one, imported, in CTDB_DOMAINS order."""
    return [
        import_module(f"{config.name}.{name}") for config in domain_apps() if module_has_submodule(config.module, name)
    ]
