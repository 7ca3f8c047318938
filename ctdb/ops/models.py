"""What `load_dataset` wrote, so that a later load can tell an editor's
change from a record nobody touched since."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class LoadedRecord(models.Model):
    """One record as the fixture loader left it: its model, its natural key
    and a digest of the values an editor can change.

    A record whose current values no longer hash to `digest` was changed by
    someone after it was loaded; one that is gone was deleted (or renamed).
    Either way a new release of the fixtures must leave it alone. This lives
    outside `core` on purpose: it is bookkeeping, not data the API serves.
    """

    model = models.CharField(_("model"), max_length=100)  # "core.organisation"
    key = models.CharField(_("natural key"), max_length=1000)  # JSON list: ["islamic-state"]
    digest = models.CharField(_("digest"), max_length=64)
    loaded_at = models.DateTimeField(_("loaded"), default=timezone.now)

    class Meta:
        verbose_name = _("loaded record")
        verbose_name_plural = _("loaded records")
        constraints = [models.UniqueConstraint(fields=["model", "key"], name="loaded_record_unique")]

    def __str__(self):
        return f"{self.model} {self.key}"
