"""Attacks and campaigns, their attributions and the links between them."""

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from ctdb.core.choices import AttackKind, AttackLinkKind, AttackType, AttributionKind, TargetType, WeaponType
from ctdb.core.models.base import RECORD_PERMISSIONS, Record, SearchableRecord, low_high, partial_date_order
from ctdb.core.partial_dates import PartialDateField
from ctdb.core.search import choice_labels, country_names
from ctdb.organisations.models import Organisation


class Attack(SearchableRecord):
    """A terrorist attack, or a declared campaign of attacks.

    Casualties are low/high figures as reported: "at least 144 killed" is
    killed_low=144 with no high figure; "90 killed" is 90 and 90.
    """

    date_pairs = (("start", "end"),)
    figure_pairs = ("killed", "wounded")

    name_ar = models.CharField(_("Arabic name"), max_length=300, blank=True)
    name_en = models.CharField(_("English name"), max_length=300, blank=True)
    kind = models.CharField(_("kind"), max_length=12, choices=AttackKind.choices, default=AttackKind.ATTACK)
    campaign = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="campaign_attacks",
        limit_choices_to={"kind": AttackKind.CAMPAIGN},
        verbose_name=_("campaign"),
    )
    start = PartialDateField(_("start date"), db_index=True)
    end = PartialDateField(_("end date"))
    country = CountryField(_("country"), blank=True, db_index=True)
    place_ar = models.CharField(_("place (Arabic)"), max_length=300, blank=True)
    place_en = models.CharField(_("place (English)"), max_length=300, blank=True)
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    geo_precision = models.PositiveSmallIntegerField(
        _("geographic precision"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
        help_text=_("GTD specificity: 1 exact place … 5 country only."),
    )
    attack_type = models.CharField(
        _("attack type"), max_length=32, choices=AttackType.choices, blank=True, db_index=True
    )
    target_type = models.CharField(_("target type"), max_length=40, choices=TargetType.choices, blank=True)
    weapon_type = models.CharField(_("weapon type"), max_length=24, choices=WeaponType.choices, blank=True)
    killed_low = models.IntegerField(_("killed (low)"), null=True, blank=True)
    killed_high = models.IntegerField(_("killed (high)"), null=True, blank=True)
    wounded_low = models.IntegerField(_("wounded (low)"), null=True, blank=True)
    wounded_high = models.IntegerField(_("wounded (high)"), null=True, blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)

    class Meta:
        app_label = "core"
        ordering = ["-start", "slug"]
        default_permissions = RECORD_PERMISSIONS
        verbose_name = _("attack")
        verbose_name_plural = _("attacks")
        constraints = [
            *low_high("killed", "attack"),
            *low_high("wounded", "attack"),
            partial_date_order("start", "end", "attack_end_not_before_start"),
            models.CheckConstraint(
                condition=Q(latitude__isnull=True) | Q(latitude__gte=-90, latitude__lte=90),
                name="attack_latitude_range",
            ),
            models.CheckConstraint(
                condition=Q(longitude__isnull=True) | Q(longitude__gte=-180, longitude__lte=180),
                name="attack_longitude_range",
            ),
            models.CheckConstraint(
                condition=Q(geo_precision__isnull=True) | Q(geo_precision__gte=1, geo_precision__lte=5),
                name="attack_geo_precision_range",
            ),
            models.CheckConstraint(condition=~Q(campaign=F("pk")), name="attack_not_own_campaign"),
            models.CheckConstraint(condition=~Q(name_ar="") | ~Q(name_en=""), name="attack_has_a_name"),
        ]
        indexes = [
            models.Index(fields=["-start", "slug"], name="attack_default_order"),
            models.Index(fields=["updated_at", "id"], name="attack_sync_order"),
        ]

    def __str__(self):
        return self.name_en or self.name_ar or self.slug

    # Found by its perpetrators' (and accused groups') names and aliases too.
    search_related = ("attributions__organisation",)

    def own_context(self):
        # Its place and country, and what it was («هجوم», "bombing/explosion").
        return [
            self.place_ar,
            self.place_en,
            *country_names(self.country),
            *choice_labels(AttackKind, self.kind),
            *choice_labels(AttackType, self.attack_type),
        ]


class Attribution(Record):
    """Who is said to be behind an attack, and how: claimed, suspected,
    accused by another party, or denied.

    "Claimed by the Islamic State; Russia blamed Ukraine" is two rows.
    """

    slug_parts = ("attack", "kind", "organisation", "accused_by")

    attack = models.ForeignKey(Attack, on_delete=models.PROTECT, related_name="attributions", verbose_name=_("attack"))
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="attributions", verbose_name=_("organisation")
    )
    kind = models.CharField(_("kind"), max_length=12, choices=AttributionKind.choices, db_index=True)
    accused_by = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="accusations_made",
        verbose_name=_("accused by"),
    )
    note = models.TextField(_("note"), blank=True)

    class Meta:
        app_label = "core"
        ordering = ["attack", "kind", "organisation__name_en"]
        default_permissions = RECORD_PERMISSIONS
        verbose_name = _("attribution")
        verbose_name_plural = _("attributions")
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind=AttributionKind.ACCUSED) | Q(accused_by__isnull=False),
                name="attribution_accused_has_accuser",
                violation_error_message=_("An accusation must say who accused."),
            ),
            models.CheckConstraint(
                condition=Q(kind=AttributionKind.ACCUSED) | Q(accused_by__isnull=True),
                name="attribution_accuser_only_for_accused",
            ),
        ]

    def __str__(self):
        return f"{self.attack} — {self.get_kind_display()} — {self.organisation}"

    def clean(self):
        super().clean()
        if (self.kind == AttributionKind.ACCUSED) != (self.accused_by_id is not None):
            raise ValidationError({"accused_by": _("Say who accused for an accusation, and only for one.")})


class AttackLink(Record):
    """A link between two attacks: parts of one coordinated event, related,
    or one carried out in retaliation for another."""

    slug_parts = ("from_attack", "kind", "to_attack")

    from_attack = models.ForeignKey(
        Attack, on_delete=models.PROTECT, related_name="links_from", verbose_name=_("attack")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=AttackLinkKind.choices)
    to_attack = models.ForeignKey(
        Attack, on_delete=models.PROTECT, related_name="links_to", verbose_name=_("related attack")
    )

    class Meta:
        app_label = "core"
        ordering = ["from_attack", "kind"]
        default_permissions = RECORD_PERMISSIONS
        verbose_name = _("attack link")
        verbose_name_plural = _("attack links")
        constraints = [
            models.UniqueConstraint(fields=["from_attack", "kind", "to_attack"], name="attack_link_unique"),
            models.CheckConstraint(condition=~Q(from_attack=F("to_attack")), name="attack_link_not_self"),
        ]

    def __str__(self):
        return f"{self.from_attack} — {self.get_kind_display()} — {self.to_attack}"

    def clean(self):
        super().clean()
        if self.from_attack_id is not None and self.from_attack_id == self.to_attack_id:
            raise ValidationError({"to_attack": _("An attack cannot be linked to itself.")})
