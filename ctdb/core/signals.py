"""Keep each record's folded search text in step with its names and aliases.

`SearchableRecord.save()` covers ordinary saves; these handlers cover the
saves that bypass it (fixture loads, which save raw) and alias changes.
"""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .models.base import Alias, SearchableRecord


@receiver(post_save)
def refresh_after_raw_save(sender, instance, raw=False, **kwargs):
    if raw and isinstance(instance, SearchableRecord):
        instance.refresh_search_text()


@receiver(post_save)
@receiver(post_delete)
def refresh_owner_of_alias(sender, instance, raw=False, **kwargs):
    if isinstance(instance, Alias):
        owner = getattr(instance, instance.owner_field, None)
        if owner is not None:
            owner.refresh_search_text()
