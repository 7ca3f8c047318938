"""Organisations, their aliases and the typed relationships between them."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from ctdb.core.choices import OrganisationKind, OrganisationRelationshipKind
from ctdb.core.models.base import RECORD_PERMISSIONS, Alias, Record, SearchableRecord, partial_date_order
from ctdb.core.partial_dates import PartialDateField


class Organisation(SearchableRecord):
    """A militant group, a state, an agency, an international body, a
    coalition, a think tank or a media outlet.

    A state acting as a party to an agreement is an organisation of kind
    "state" with its country.
    """

    date_pairs = (("founded", "ended"),)

    name_ar = models.CharField(_("Arabic name"), max_length=300, blank=True)
    name_en = models.CharField(_("English name"), max_length=300, blank=True)
    kind = models.CharField(_("kind"), max_length=24, choices=OrganisationKind.choices, db_index=True)
    country = CountryField(_("country"), blank=True, db_index=True)
    founded = PartialDateField(_("founded"))
    ended = PartialDateField(_("ended"))
    description_en = models.TextField(_("description (English)"), blank=True)
    description_ar = models.TextField(_("description (Arabic)"), blank=True)

    class Meta:
        app_label = "core"
        ordering = ["name_en", "slug"]
        default_permissions = RECORD_PERMISSIONS
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        constraints = [
            partial_date_order("founded", "ended", "organisation_ended_not_before_founded"),
            models.CheckConstraint(condition=~Q(name_ar="") | ~Q(name_en=""), name="organisation_has_a_name"),
        ]

    def __str__(self):
        return self.name_en or self.name_ar or self.slug


class OrganisationAlias(Alias):
    """Another name of an organisation: an acronym, a pejorative, a former name."""

    owner_field = "organisation"

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="aliases", verbose_name=_("organisation")
    )

    class Meta:
        app_label = "core"
        ordering = ["organisation", "name"]
        default_permissions = RECORD_PERMISSIONS
        verbose_name = _("organisation alias")
        verbose_name_plural = _("organisation aliases")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="organisation_alias_unique"),
        ]


class OrganisationRelationship(Record):
    """A typed, dated link between two organisations: `subject` is `kind`
    `object` (ISKP is a branch of the Islamic State)."""

    slug_parts = ("subject", "kind", "object")
    date_pairs = (("start", "end"),)

    subject = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="relationships_as_subject", verbose_name=_("subject")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=OrganisationRelationshipKind.choices, db_index=True)
    object = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="relationships_as_object", verbose_name=_("object")
    )
    start = PartialDateField(_("start"))
    end = PartialDateField(_("end"))
    note = models.TextField(_("note"), blank=True)

    class Meta:
        app_label = "core"
        ordering = ["subject__name_en", "kind", "object__name_en"]
        default_permissions = RECORD_PERMISSIONS
        verbose_name = _("organisation relationship")
        verbose_name_plural = _("organisation relationships")
        constraints = [
            models.UniqueConstraint(fields=["subject", "kind", "object"], name="organisation_relationship_unique"),
            models.CheckConstraint(condition=~Q(subject=F("object")), name="organisation_relationship_not_self"),
            partial_date_order("start", "end", "organisation_relationship_end_not_before_start"),
        ]

    def __str__(self):
        return f"{self.subject} — {self.get_kind_display()} — {self.object}"

    def clean(self):
        super().clean()
        if self.subject_id is not None and self.subject_id == self.object_id:
            raise ValidationError({"object": _("An organisation cannot be related to itself.")})
