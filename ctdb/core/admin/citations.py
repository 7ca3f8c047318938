"""Citation forms: the editor says which occurrence of a quote is meant, and
a citation that repeats another (same article, same span, same record) is
refused on its quote, in the editor's language, before the database sees it.

The offsets are never typed: the form finds them from the article, the quote
and the occurrence, so the slug (article, offsets, record) is always the one
`citation_slug()` gives the fixture build too.
"""

from django import forms
from django.contrib import admin
from django.forms.models import BaseInlineFormSet
from django.utils.translation import gettext_lazy as _

from ctdb.sources.models import locate, occurrence_at

from ..models import Citation
from .forms import OptimisticLockForm

DUPLICATE = _("This record already cites these words at this place in the article.")

# Editing any of these moves the citation: its slug is derived again.
LOCATING_FIELDS = {"article", "quote", "occurrence", *Citation.TARGET_FIELDS}


class CitationForm(forms.ModelForm):
    """A citation in an inline: its quote, and which occurrence of it is meant."""

    occurrence = forms.IntegerField(
        label=_("occurrence"),
        min_value=1,
        required=False,
        help_text=_("If the quote appears more than once in the article: which one is meant (1 is the first)."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        instance = self.instance
        if instance.pk and instance.article_id:
            self.initial.setdefault("occurrence", occurrence_at(instance.article.text, instance.quote, instance.start))
        else:
            self.initial.setdefault("occurrence", 1)

    def clean(self):
        # Before the parent's checks, which may refuse the save (a stale
        # version): the model must never see the new quote at the old offsets.
        self.locate_quote()
        return super().clean()

    def locate_quote(self):
        """Set the instance's offsets from the article, quote and occurrence."""
        self.key = None
        article, quote = self.cleaned_data.get("article"), self.cleaned_data.get("quote")
        occurrence = self.cleaned_data.get("occurrence") or 1
        # Unknown offsets make the model locate the first occurrence, and
        # report a quote that is not in the article at all.
        self.instance.start = self.instance.end = None
        if article is None or not quote or quote not in article.text or "occurrence" in self.errors:
            return
        span = locate(article.text, quote, occurrence)
        if span is None:
            self.add_error(
                "occurrence",
                _("The quote occurs fewer than %(occurrence)s times in the article.") % {"occurrence": occurrence},
            )
            return
        self.instance.start, self.instance.end = span
        if self.instance.pk and LOCATING_FIELDS.intersection(self.changed_data):
            self.instance.slug = ""  # the model derives it from where it now points
        self.key = (article.pk, *span)


class CitationPageForm(CitationForm, OptimisticLockForm):
    """The citation's own page: it also refuses a citation the database already holds."""

    def clean(self):
        cleaned = super().clean()
        targets = {field: cleaned[field] for field in Citation.TARGET_FIELDS if cleaned.get(field)}
        if self.key and len(targets) == 1:
            article, start, end = self.key
            same = Citation.objects.filter(article=article, start=start, end=end, **targets)
            if same.exclude(pk=self.instance.pk).exists():
                self.add_error("quote", DUPLICATE)
        return cleaned


class CitationFormSet(BaseInlineFormSet):
    """The citations of one record: no two of them cite the same span.

    The rows on the page are the record's citations as they will be once
    saved; citations saved by someone else since the page was opened are
    read from the database (one query).
    """

    def clean(self):
        super().clean()
        # An unchanged extra row is not validated and has no key.
        kept = [form for form in self.forms if getattr(form, "key", None) and not self._should_delete_form(form)]
        seen = set()
        if self.instance.pk:
            others = Citation.objects.filter(**{self.fk.name: self.instance})
            others = others.exclude(pk__in=[form.instance.pk for form in self.initial_forms])
            seen.update(others.values_list("article_id", "start", "end"))
        for form in kept:
            if form.key in seen:
                form.add_error("quote", DUPLICATE)
            seen.add(form.key)


class CitationInlineBase(admin.StackedInline):
    """The base of every record's citation inline (see `citation_inline()`)."""

    form = CitationForm
    formset = CitationFormSet

    def get_queryset(self, request):
        # Each row reads its article's text to show which occurrence it cites.
        return super().get_queryset(request).select_related("article")
