"""Articles (the sources) and citations (the evidence for every fact)."""

import functools
import hashlib
import operator

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.db.models.functions import Length
from django.utils.translation import gettext_lazy as _

from ctdb.actors.models import Actor, Affiliation
from ctdb.agreements.models import Agreement, AgreementParty, AgreementTarget
from ctdb.attacks.models import Attack, AttackLink, Attribution
from ctdb.core.choices import Language
from ctdb.core.models.base import RECORD_PERMISSIONS, SearchableRecord
from ctdb.core.partial_dates import PartialDateField
from ctdb.organisations.models import Organisation, OrganisationRelationship


class Article(SearchableRecord):
    """A source document: its metadata and its full original text.

    The text is what citations quote; the database refuses a change to it
    that would leave a citation pointing at other words.
    """

    title = models.CharField(_("title"), max_length=500)
    outlet = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="articles",
        limit_choices_to={"kind": "media"},
        verbose_name=_("outlet"),
    )
    author = models.CharField(_("author"), max_length=300, blank=True)
    published = PartialDateField(_("publication date"), db_index=True)
    language = models.CharField(_("language"), max_length=8, choices=Language.choices, default=Language.ARABIC)
    url = models.URLField(_("URL"), max_length=1000, blank=True)
    text = models.TextField(_("text"))
    text_sha256 = models.CharField(_("SHA-256 of the text"), max_length=64, editable=False)

    class Meta:
        app_label = "core"
        ordering = ["-published", "slug"]
        default_permissions = RECORD_PERMISSIONS
        verbose_name = _("article")
        verbose_name_plural = _("articles")

    def __str__(self):
        return self.title

    def own_names(self):
        return [self.title]

    def own_context(self):
        return [self.author]

    def prepare(self):
        self.text_sha256 = hashlib.sha256(self.text.encode()).hexdigest()
        super().prepare()


def locate(text, quote, occurrence=1):
    """Return (start, end) of the n-th occurrence of `quote` in `text`, or None."""
    if not quote:
        return None
    position = -1
    for _index in range(occurrence):
        position = text.find(quote, position + 1)
        if position < 0:
            return None
    return position, position + len(quote)


def occurrence_at(text, quote, start):
    """Which occurrence of `quote` in `text` (1 = the first) begins at `start`, or None.

    The inverse of locate(), counting overlapping occurrences the same way.
    """
    if not quote or start is None or text[start : start + len(quote)] != quote:
        return None
    occurrence, position = 1, text.find(quote)
    while position < start:
        occurrence += 1
        position = text.find(quote, position + 1)
    return occurrence


# The records and links a citation can support, by field name on Citation.
CITATION_TARGETS = (
    "organisation",
    "actor",
    "attack",
    "agreement",
    "attribution",
    "attack_link",
    "party",
    "agreement_target",
    "relationship",
    "affiliation",
)


def citation_slug(article_slug, start, end, target_field, target_slug):
    """A citation's stable slug: a digest of what it cites, where."""
    key = f"{article_slug}|{start}|{end}|{target_field}|{target_slug}"
    return "c-" + hashlib.sha1(key.encode()).hexdigest()[:20]


def _exactly_one_of(fields):
    return functools.reduce(
        operator.or_,
        (Q(**{f"{field}__isnull": field != chosen for field in fields}) for chosen in fields),
    )


def supports(model, verbose_name):
    """A citation's key to a kind of record it can support: empty unless it
    is the one, and protecting the record while a citation supports it."""
    return models.ForeignKey(
        model, models.PROTECT, null=True, blank=True, related_name="citations", verbose_name=verbose_name
    )


class Citation(SearchableRecord):
    """The sentence of an article that supports one record or link.

    `quote` occurs in the article's text at [start, end) character for
    character; the database checks it on every insert and update.
    """

    article = models.ForeignKey(Article, on_delete=models.PROTECT, related_name="citations", verbose_name=_("article"))
    quote = models.TextField(_("quote"), help_text=_("Verbatim, character for character, from the article."))
    start = models.PositiveIntegerField(_("start offset"), blank=True)
    end = models.PositiveIntegerField(_("end offset"), blank=True)
    translation_en = models.TextField(_("English translation"), blank=True)
    note = models.TextField(_("note"), blank=True)

    # Exactly one of these is set: the record or link this citation supports.
    organisation = supports(Organisation, _("organisation"))
    actor = supports(Actor, _("actor"))
    attack = supports(Attack, _("attack"))
    agreement = supports(Agreement, _("cooperation agreement"))
    attribution = supports(Attribution, _("attribution"))
    attack_link = supports(AttackLink, _("attack link"))
    party = supports(AgreementParty, _("agreement party"))
    agreement_target = supports(AgreementTarget, _("agreement target"))
    relationship = supports(OrganisationRelationship, _("organisation relationship"))
    affiliation = supports(Affiliation, _("affiliation"))

    TARGET_FIELDS = CITATION_TARGETS

    class Meta:
        app_label = "core"
        ordering = ["article", "start", "slug"]
        default_permissions = RECORD_PERMISSIONS
        verbose_name = _("citation")
        verbose_name_plural = _("citations")
        constraints = [
            models.CheckConstraint(condition=Q(end__gt=models.F("start")), name="citation_span_not_empty"),
            models.CheckConstraint(
                condition=Q(end=models.F("start") + Length("quote")), name="citation_span_is_quote_length"
            ),
            models.CheckConstraint(
                condition=_exactly_one_of(CITATION_TARGETS),
                name="citation_has_exactly_one_target",
                violation_error_message=_("A citation supports exactly one record."),
            ),
        ]

    def __str__(self):
        return f"«{self.quote[:60]}» ({self.article_id and self.article.slug})"

    # Found by the words of its quote and of its translation.
    def own_names(self):
        return []

    def own_context(self):
        return [self.quote, self.translation_en]

    def search_label(self):
        return f"«{self.quote[:80]}»"

    def has_target(self, field):
        # On an add page the inline sets the parent record before it has an
        # id: count the related object as chosen as well as its id.
        return getattr(self, f"{field}_id") is not None or self._state.fields_cache.get(field) is not None

    @property
    def target_field(self):
        for field in self.TARGET_FIELDS:
            if self.has_target(field):
                return field
        return None

    @property
    def target(self):
        field = self.target_field
        return getattr(self, field) if field else None

    def build_slug(self):
        # No slug before the quote is located: one built without the offsets
        # would be the same for every citation of an article by one record.
        if self.start is None or self.end is None:
            return ""
        target = self.target
        return citation_slug(self.article.slug, self.start, self.end, self.target_field, target and target.slug)

    def locate(self):
        """Fill start/end from the quote's first occurrence if not given."""
        if self.start is None or self.end is None:
            span = locate(self.article.text, self.quote)
            if span:
                self.start, self.end = span

    def clean(self):
        # Locate the quote first: Record.clean derives the slug from the offsets.
        if self.article_id and self.quote:
            self.locate()
        super().clean()
        if not self.article_id or not self.quote:
            return
        if self.quote not in self.article.text:
            raise ValidationError(
                {
                    "quote": _(
                        "This quote does not occur in the article «%(title)s». Copy it from the article text exactly."
                    )
                    % {"title": self.article.title}
                }
            )
        self.locate()
        if self.article.text[self.start : self.end] != self.quote:
            raise ValidationError(
                {
                    "start": _("The quote is in the article, but not at offsets %(start)s–%(end)s.")
                    % {"start": self.start, "end": self.end}
                }
            )
        chosen = [field for field in self.TARGET_FIELDS if self.has_target(field)]
        if len(chosen) != 1:
            raise ValidationError(_("A citation supports exactly one record: choose one."))

    def prepare(self):
        self.locate()
        super().prepare()
