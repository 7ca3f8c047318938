"""The article's change form: a text edit that would break a citation is
refused on the form, naming the citations, instead of reaching the
database trigger that refuses it there (`database_rules.TEXT_BREAKS_CITATION`)
and answering 500.

The trigger stays the last line of defence: a citation saved by another
editor between the form's check and the save still makes the database
refuse it, and that refusal comes back as the same error on the form.
"""

from django import forms
from django.db import IntegrityError
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from ..database_rules import TEXT_BREAKS_CITATION
from ..models import Article, Citation
from .forms import OptimisticLockForm

QUOTE_EXCERPT_CHARACTERS = 80

CHANGED_MEANWHILE = gettext_lazy(
    "The article's citations changed while you were editing it, and this text would break one of them. "
    "Nothing was saved: open the article again to see its citations, then make your change."
)


def _target_paths():
    """Each citation target, and the records its name is made of (an attribution's attack and organisation)."""
    for field in Citation.TARGET_FIELDS:
        yield field
        for related in Citation._meta.get_field(field).related_model._meta.concrete_fields:
            if related.many_to_one:
                yield f"{field}__{related.name}"


TARGET_PATHS = tuple(_target_paths())


def describe(citation):
    """One line naming a citation: its quote (the start of it) and the record it supports."""
    target = citation.target  # exactly one, the database insists
    return _("«%(quote)s», evidence for the %(kind)s “%(record)s”") % {
        "quote": Truncator(citation.quote).chars(QUOTE_EXCERPT_CHARACTERS),
        "kind": target._meta.verbose_name,
        "record": target,
    }


class ArticleForm(OptimisticLockForm):
    """An article whose new text must still hold every quote of it at its offsets."""

    # Set (on a copy of the class) once the database refused this save.
    citations_changed_meanwhile = False

    class Meta:
        model = Article
        fields = "__all__"

    def clean_text(self):
        text = self.cleaned_data["text"]
        if self.instance.pk is None or "text" not in self.changed_data:
            return text
        broken = self.broken_citations(text)
        if broken:
            reason = ngettext(
                "This text would break %(count)s citation of the article: its quote must stay, character for "
                "character, at its place in the text. Nothing was saved. Restore this passage, or change or "
                "delete its citation first:",
                "This text would break %(count)s citations of the article: each quote must stay, character for "
                "character, at its place in the text. Nothing was saved. Restore these passages, or change or "
                "delete their citations first:",
                len(broken),
            ) % {"count": len(broken)}
            raise forms.ValidationError([reason, *map(describe, broken)], code="breaks_citations")
        if self.citations_changed_meanwhile:
            raise forms.ValidationError(CHANGED_MEANWHILE, code="breaks_citations")
        return text

    def broken_citations(self, text):
        """The citations of this article whose quote `text` does not hold at their offsets, in text order."""
        citations = Citation.objects.filter(article=self.instance.pk).select_related(*TARGET_PATHS)
        return [
            citation
            for citation in citations.order_by("start", "slug")
            if text[citation.start : citation.end] != citation.quote
        ]


class ArticleAdminMixin:
    """Mixed into the article's ModelAdmin: its form, and the trigger's refusal
    turned into that form's error. The refused save's transaction is rolled
    back whole; the form is then validated again, against the citations as
    they now are, and shown with the error."""

    form = ArticleForm

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except IntegrityError as error:
            if TEXT_BREAKS_CITATION not in str(error):
                raise
        request.ctdb_citations_changed = True
        return super().changeform_view(request, object_id, form_url, extra_context)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        if getattr(request, "ctdb_citations_changed", False):
            form = type(form.__name__, (form,), {"citations_changed_meanwhile": True})
        return form
