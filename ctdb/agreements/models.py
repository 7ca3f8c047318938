"""Cooperation agreements between states, agencies and bodies."""

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ctdb.core.choices import AgreementKind, AgreementStatus, PartyRole
from ctdb.core.models.base import RECORD_PERMISSIONS, Record, SearchableRecord, partial_date_order
from ctdb.core.partial_dates import PartialDateField
from ctdb.organisations.models import Organisation


class Agreement(SearchableRecord):
    """Any cooperation against terrorism: a treaty or resolution, intelligence
    sharing, a joint command, a coalition, a pledge, a warning passed from one
    state to another, a proposal under discussion."""

    date_pairs = (("start", "end"),)

    name_ar = models.CharField(_("Arabic name"), max_length=300, blank=True)
    name_en = models.CharField(_("English name"), max_length=300, blank=True)
    kind = models.CharField(_("kind"), max_length=24, choices=AgreementKind.choices, db_index=True)
    status = models.CharField(
        _("status"), max_length=12, choices=AgreementStatus.choices, default=AgreementStatus.UNKNOWN, db_index=True
    )
    start = PartialDateField(_("start date"), db_index=True)
    end = PartialDateField(_("end date"))
    amount = models.DecimalField(
        _("amount"), max_digits=20, decimal_places=2, null=True, blank=True, validators=[MinValueValidator(0)]
    )
    currency = models.CharField(_("currency"), max_length=3, blank=True, help_text=_("ISO 4217 code, e.g. USD."))
    description_en = models.TextField(_("description (English)"), blank=True)

    class Meta:
        app_label = "core"
        ordering = ["-start", "slug"]
        default_permissions = RECORD_PERMISSIONS
        verbose_name = _("cooperation agreement")
        verbose_name_plural = _("cooperation agreements")
        constraints = [
            partial_date_order("start", "end", "agreement_end_not_before_start"),
            models.CheckConstraint(
                condition=Q(amount__isnull=True) | Q(amount__gte=0), name="agreement_amount_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(amount__isnull=True) | ~Q(currency=""), name="agreement_amount_has_currency"
            ),
            models.CheckConstraint(condition=~Q(name_ar="") | ~Q(name_en=""), name="agreement_has_a_name"),
        ]

    # Found by its parties' names and aliases too.
    search_related = ("parties__organisation",)

    def __str__(self):
        return self.name_en or self.name_ar or self.slug


class AgreementParty(Record):
    """An organisation taking part in an agreement, in a role."""

    slug_parts = ("agreement", "role", "organisation")
    date_pairs = (("start", "end"),)

    agreement = models.ForeignKey(
        Agreement, on_delete=models.PROTECT, related_name="parties", verbose_name=_("agreement")
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="agreement_parties", verbose_name=_("organisation")
    )
    role = models.CharField(_("role"), max_length=12, choices=PartyRole.choices, default=PartyRole.PARTY)
    start = PartialDateField(_("joined"))
    end = PartialDateField(_("left"))
    note = models.TextField(_("note"), blank=True)

    class Meta:
        app_label = "core"
        ordering = ["agreement", "role", "organisation__name_en"]
        default_permissions = RECORD_PERMISSIONS
        verbose_name = _("agreement party")
        verbose_name_plural = _("agreement parties")
        constraints = [
            models.UniqueConstraint(fields=["agreement", "organisation", "role"], name="agreement_party_unique"),
            partial_date_order("start", "end", "agreement_party_end_not_before_start"),
        ]

    def __str__(self):
        return f"{self.organisation} — {self.get_role_display()} — {self.agreement}"


class AgreementTarget(Record):
    """An organisation an agreement is aimed against."""

    slug_parts = ("agreement", "organisation")

    agreement = models.ForeignKey(
        Agreement, on_delete=models.PROTECT, related_name="targets", verbose_name=_("agreement")
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="targeted_by", verbose_name=_("organisation")
    )

    class Meta:
        app_label = "core"
        ordering = ["agreement", "organisation__name_en"]
        default_permissions = RECORD_PERMISSIONS
        verbose_name = _("agreement target")
        verbose_name_plural = _("agreement targets")
        constraints = [
            models.UniqueConstraint(fields=["agreement", "organisation"], name="agreement_target_unique"),
        ]

    def __str__(self):
        return f"{self.agreement} → {self.organisation}"
