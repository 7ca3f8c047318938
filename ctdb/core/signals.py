"""Keep each record's search document in step with what it is found by.

`SearchableRecord.save()` covers a record's own names. These handlers cover
the saves that bypass it (fixture loads, which save raw), alias changes, and
the records whose documents hold another record's names (an attack holds its
perpetrators', through its attributions: `SearchableRecord.search_related`).
"""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .models.base import Alias, SearchableRecord
from .search import refresh_dependents


@receiver(post_save)
def refresh_after_save(sender, instance, raw=False, **kwargs):
    if isinstance(instance, SearchableRecord):
        changed = instance.refresh_search_text() if raw else getattr(instance, "search_text_changed", True)
        if changed:
            refresh_dependents(instance)
    elif not isinstance(instance, Alias):
        refresh_dependents(instance)  # a link on a search path (an attribution)


@receiver(post_delete)
def refresh_after_delete(sender, instance, **kwargs):
    if not isinstance(instance, SearchableRecord | Alias):
        refresh_dependents(instance)


@receiver(post_save)
@receiver(post_delete)
def refresh_owner_of_alias(sender, instance, raw=False, **kwargs):
    if isinstance(instance, Alias):
        owner = getattr(instance, instance.owner_field, None)
        if owner is not None and owner.refresh_search_text():
            refresh_dependents(owner)
