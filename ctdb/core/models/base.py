"""Pieces every ctdb record shares: slugs as natural keys, timestamps,
inferred-value marks, stored folded search text and history."""

import hashlib

from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db import models
from django.db.models import Q
from django.db.models.functions import Length, Substr
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from ..choices import AliasKind, AliasProvenance, Language
from ..search import document

SLUG_LENGTH = 200

# Django's four permissions plus import and export (django-import-export
# checks `<app>.import_<model>` and `<app>.export_<model>`), so that roles
# can allow exporting without allowing imports.
RECORD_PERMISSIONS = ("add", "change", "delete", "view", "import", "export")


class SlugManager(models.Manager):
    """Look records up by slug, their natural key (fixtures, CSV, API)."""

    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


class Record(models.Model):
    """Abstract base of every ctdb table: a slug and created/updated times.

    `inferred` maps a field name to the editor's reasoning for every value
    that was inferred rather than read in a source.
    """

    slug = models.SlugField(
        _("slug"),
        max_length=SLUG_LENGTH,
        unique=True,
        blank=True,
        allow_unicode=False,
        help_text=_("Stable identifier used in URLs, fixtures and CSV files. Leave empty to derive it from the name."),
    )
    inferred = models.JSONField(
        _("inferred values"),
        default=dict,
        blank=True,
        help_text=_("Field name → the editor's reasoning, for values inferred rather than read."),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now, editable=False, db_index=True)

    history = HistoricalRecords(inherit=True, app="core")  # the history beside its records, wherever they are declared

    objects = SlugManager()

    class Meta:
        abstract = True

    def __str__(self):
        return self.slug

    def save(self, *args, **kwargs):
        self.prepare()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "updated_at"}
        super().save(*args, **kwargs)

    def prepare(self):
        """Fill the derived columns before a write; bulk writes call it too."""
        if not self.slug:
            self.slug = self.build_slug()
        self.updated_at = timezone.now()

    def clean(self):
        super().clean()
        errors = {}
        inferred = self.inferred
        if not isinstance(inferred, dict) or not all(
            isinstance(key, str) and isinstance(reason, str) and reason.strip() for key, reason in inferred.items()
        ):
            errors["inferred"] = _("Give an object of field name → the reasoning, in text, for each inferred value.")
        for start, end in self.date_pairs:
            first, last = getattr(self, start), getattr(self, end)
            if first and last and last < first[: len(last)]:
                errors[end] = _("The end date is before the start date.")
        for prefix in self.figure_pairs:
            low, high = getattr(self, f"{prefix}_low"), getattr(self, f"{prefix}_high")
            for name, value in ((f"{prefix}_low", low), (f"{prefix}_high", high)):
                if value is not None and value < 0:
                    errors[name] = _("A count cannot be negative.")
            if low is not None and high is not None and low > high and f"{prefix}_high" not in errors:
                errors[f"{prefix}_high"] = _("The high figure is below the low figure.")
        if errors:
            raise ValidationError(errors)
        # Derive the slug now, so that a clash is reported on the form.
        if not self.slug:
            try:
                self.slug = self.build_slug() or ""
            except (AttributeError, ObjectDoesNotExist):
                pass  # related records not chosen yet: save() derives it

    def natural_key(self):
        return (self.slug,)

    # Link records derive their slug from these attributes (related records
    # by their slugs); the fixture build uses the same rule through slug_from.
    slug_parts = ()
    # Checked in clean() as well as by the database, so that forms and
    # imports report them per field without a query per constraint.
    date_pairs = ()  # (start field, end field)
    figure_pairs = ()  # prefixes of <prefix>_low / <prefix>_high

    @classmethod
    def slug_from(cls, values):
        return link_slug(*(values.get(name) for name in cls.slug_parts))

    def build_slug(self):
        """Derive a slug for a record saved without one."""
        if not self.slug_parts:
            return slug_part(str(self))[:SLUG_LENGTH]
        values = {}
        for name in self.slug_parts:
            value = getattr(self, name)
            values[name] = value.slug if isinstance(value, models.Model) else value
        return self.slug_from(values)


def slug_part(text):
    """Slugify free text; text with no Latin letters gets a short digest."""
    slug = slugify(text)
    if slug or not text:
        return slug
    return hashlib.sha1(str(text).encode()).hexdigest()[:8]


def link_slug(*parts):
    """A readable, stable slug for a link record, from its parts."""
    slug = "--".join(slug_part(str(part)) for part in parts if part not in (None, ""))
    if len(slug) <= SLUG_LENGTH:
        return slug
    digest = hashlib.sha1(slug.encode()).hexdigest()[:12]
    return f"{slug[: SLUG_LENGTH - 14]}--{digest}"


class SearchableRecord(Record):
    """A record found by name: it stores its search document
    (`ctdb.core.search.document`) of its names, its aliases and the names of
    the records named in `search_related`.

    `search_text` is maintained on every save (and, for fixture loads, imports
    and changes of the related records, by the signals in `ctdb.core.signals`
    and by `ctdb.core.search.reindex`).
    """

    search_text = models.TextField(_("search text"), blank=True, default="", editable=False)

    # Paths to the searchable records whose names and aliases this record is
    # also found by, e.g. an attack by its perpetrators' names:
    # "attributions__organisation".
    search_related = ()

    class Meta:
        abstract = True

    def prepare(self):
        super().prepare()
        before = self.search_text
        # A new row has no aliases or links yet; a bulk write (an import) builds
        # its rows' documents together after writing them (`search.reindex`).
        if self.pk and not getattr(self, "search_in_bulk", False):
            self.search_text = self.compute_search_text()
        else:
            self.search_text = document(self.own_names(), self.own_context())
        self.search_text_changed = self.search_text != before

    def clean(self):
        if hasattr(self, "name_en") and not (self.name_en or self.name_ar):
            raise ValidationError({"name_en": _("Give an Arabic or an English name.")})
        super().clean()

    def alias_names(self):
        aliases = getattr(self, "aliases", None)
        return [] if aliases is None else [alias.name for alias in aliases.all()]

    def search_values(self):
        """What this record is found by, as (its names and aliases, other
        values: those on its row, and the records' of `search_related`)."""
        context = list(self.own_context())
        for path in self.search_related:
            for related in related_along(self, path):
                context += [*related.own_names(), *related.alias_names()]
        return [*self.own_names(), *self.alias_names()], context

    def compute_search_text(self):
        return document(*self.search_values())

    def own_names(self):
        """Names stored on the row itself (aliases need the row to exist)."""
        return [self.name_ar, self.name_en]

    def own_context(self):
        """Other values on the row that the record is found by (a place), not names of it."""
        return []

    def search_label(self):
        """What a search across kinds shows of the record, from its own row."""
        return str(self)

    def refresh_search_text(self):
        """Store the document again if it changed; return whether it did."""
        value = self.compute_search_text()
        if value == self.search_text:
            return False
        type(self)._default_manager.filter(pk=self.pk).update(search_text=value)
        self.search_text = value
        return True


def related_along(record, path):
    """The records reached from `record` along a `search_related` path."""
    records = [record]
    for name in path.split("__"):
        reached = []
        for current in records:
            value = getattr(current, name)
            if hasattr(value, "all"):
                reached.extend(value.all())
            elif value is not None:
                reached.append(value)
        records = reached
    return sorted(set(records), key=lambda related: related.pk)


class AliasManager(models.Manager):
    def get_by_natural_key(self, owner_slug, name):
        return self.get(**{f"{self.model.owner_field}__slug": owner_slug, "name": name})


class Alias(models.Model):
    """Abstract alias: another name of a record, with its language and kind.

    Its natural key is (owner's slug, name); `owner_field` names the owner.
    Its `provenance` says whether an article of the dataset reports it or it
    is editorial knowledge (a well-known name no article spells out, ISIS for
    the Islamic State); an editorial alias gives the editor's `reasoning`,
    an article's alias none (the article is its source).
    """

    owner_field = None

    name = models.CharField(_("name"), max_length=300)
    language = models.CharField(_("language"), max_length=8, choices=Language.choices, default=Language.ARABIC)
    kind = models.CharField(_("kind"), max_length=20, choices=AliasKind.choices, default=AliasKind.NAME)
    provenance = models.CharField(
        _("provenance"),
        max_length=12,
        choices=AliasProvenance.choices,
        default=AliasProvenance.ARTICLE,
        help_text=_("Reported by an article, or editorial knowledge: a well-known name no article spells out."),
    )
    reasoning = models.TextField(
        _("reasoning"),
        blank=True,
        help_text=_("Editorial aliases only: why the editors add this name although no article gives it."),
    )

    history = HistoricalRecords(inherit=True, app="core")  # the history beside its records, wherever they are declared

    objects = AliasManager()

    class Meta:
        abstract = True

    def __str__(self):
        return self.name

    def natural_key(self):
        return (getattr(self, self.owner_field).slug, self.name)

    def clean(self):
        super().clean()
        editorial = self.provenance == AliasProvenance.EDITORIAL
        reasoned = bool((self.reasoning or "").strip())
        if editorial and not reasoned:
            raise ValidationError({"reasoning": _("An editorial alias needs the editor's reasoning.")})
        if not editorial and self.reasoning:
            raise ValidationError(
                {"reasoning": _("An alias reported by an article has no reasoning: the article is its source.")}
            )


def partial_date_order(start, end, name):
    """Check constraint: `end` is not before `start` where both are known.

    Comparing the end with the start cut to the end's precision accepts
    "2016" as the end of "2016-07" and refuses "2015".
    """
    return models.CheckConstraint(
        condition=Q(**{f"{start}__isnull": True})
        | Q(**{f"{end}__isnull": True})
        | Q(**{f"{end}__gte": Substr(start, 1, Length(end))}),
        name=name,
        violation_error_message=_("The end date is before the start date."),
    )


def low_high(prefix, name):
    """Check constraints for a low/high pair of counts."""
    low, high = f"{prefix}_low", f"{prefix}_high"
    return [
        models.CheckConstraint(
            condition=Q(**{f"{low}__isnull": True}) | Q(**{f"{low}__gte": 0}),
            name=f"{name}_{low}_not_negative",
        ),
        models.CheckConstraint(
            condition=Q(**{f"{high}__isnull": True}) | Q(**{f"{high}__gte": 0}),
            name=f"{name}_{high}_not_negative",
        ),
        models.CheckConstraint(
            condition=Q(**{f"{low}__isnull": True})
            | Q(**{f"{high}__isnull": True})
            | Q(**{f"{low}__lte": models.F(high)}),
            name=f"{name}_{prefix}_low_not_above_high",
            violation_error_message=_("The low figure is above the high figure."),
        ),
    ]
