"""People: actors, their aliases and their affiliations to organisations."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from ctdb.core.models.base import RECORD_PERMISSIONS, Alias, Record, SearchableRecord, partial_date_order
from ctdb.core.partial_dates import PartialDateField
from ctdb.organisations.models import Organisation


class Actor(SearchableRecord):
    """An individual person: a leader, an official, an analyst, an author."""

    name_ar = models.CharField(_("Arabic name"), max_length=300, blank=True)
    name_en = models.CharField(_("English name"), max_length=300, blank=True)
    title_ar = models.CharField(_("title or role (Arabic)"), max_length=300, blank=True)
    title_en = models.CharField(_("title or role (English)"), max_length=300, blank=True)
    nationality = CountryField(_("nationality"), blank=True, db_index=True)
    description_en = models.TextField(_("description (English)"), blank=True)

    class Meta:
        app_label = "core"
        ordering = ["name_en", "slug"]
        default_permissions = RECORD_PERMISSIONS
        verbose_name = _("actor")
        verbose_name_plural = _("actors")
        constraints = [
            models.CheckConstraint(condition=~models.Q(name_ar="") | ~models.Q(name_en=""), name="actor_has_a_name"),
        ]

    def own_context(self):
        # Found by the title or role reported with the name («الرئيس التركي»).
        return [self.title_ar, self.title_en]

    def __str__(self):
        return self.name_en or self.name_ar or self.slug


class ActorAlias(Alias):
    """Another name of a person: a kunya, a transliteration, a nom de guerre."""

    owner_field = "actor"

    actor = models.ForeignKey(Actor, on_delete=models.CASCADE, related_name="aliases", verbose_name=_("actor"))

    class Meta:
        app_label = "core"
        ordering = ["actor", "name"]
        default_permissions = RECORD_PERMISSIONS
        verbose_name = _("actor alias")
        verbose_name_plural = _("actor aliases")
        constraints = [models.UniqueConstraint(fields=["actor", "name"], name="actor_alias_unique")]


class Affiliation(Record):
    """A person's membership of or role in an organisation, with dates."""

    slug_parts = ("actor", "organisation", "role")
    date_pairs = (("start", "end"),)

    actor = models.ForeignKey(Actor, on_delete=models.PROTECT, related_name="affiliations", verbose_name=_("actor"))
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="affiliations", verbose_name=_("organisation")
    )
    role = models.CharField(_("role"), max_length=200, blank=True)
    start = PartialDateField(_("start"))
    end = PartialDateField(_("end"))

    class Meta:
        app_label = "core"
        ordering = ["actor__name_en", "organisation__name_en"]
        default_permissions = RECORD_PERMISSIONS
        verbose_name = _("affiliation")
        verbose_name_plural = _("affiliations")
        constraints = [
            models.UniqueConstraint(fields=["actor", "organisation", "role"], name="affiliation_unique"),
            partial_date_order("start", "end", "affiliation_end_not_before_start"),
        ]

    def __str__(self):
        return f"{self.actor} — {self.role or _('member')} — {self.organisation}"
