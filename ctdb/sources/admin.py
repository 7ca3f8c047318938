"""The editors' pages of sources: articles, shown with their cited passages
highlighted and the records that cite them, and citations.

The article's change form: a text edit that would break a citation is
refused on the form, naming the citations, instead of reaching the
database trigger that refuses it there (`database_rules.TEXT_BREAKS_CITATION`)
and answering 500.

The trigger stays the last line of defence: a citation saved by another
editor between the form's check and the save still makes the database
refuse it, and that refusal comes back as the same error on the form.
"""

from django import forms
from django.contrib import admin
from django.db import IntegrityError
from django.db import models as django_models
from django.urls import reverse
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe
from django.utils.text import Truncator
from django.utils.translation import gettext, gettext_lazy, ngettext
from django.utils.translation import gettext_lazy as _

from ctdb.core import models
from ctdb.core.admin import RecordAdmin
from ctdb.core.admin.citations import CitationPageForm
from ctdb.core.admin.filters import year_filter
from ctdb.core.admin.forms import OptimisticLockForm
from ctdb.core.database_rules import TEXT_BREAKS_CITATION
from ctdb.core.models import Article, Citation

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
    return gettext("«%(quote)s», evidence for the %(kind)s “%(record)s”") % {
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


@admin.register(models.Article)
class ArticleAdmin(ArticleAdminMixin, RecordAdmin):
    list_display = ("title", "outlet", "published", "author", "language", "updated_at")
    list_filter = ("language", "outlet", year_filter("published", _("year published")))
    list_select_related = ("outlet",)
    readonly_fields = ("text_sha256", "cited_passages", "cited_records", "created_at", "updated_at")
    autocomplete_fields = ("outlet",)
    formfield_overrides = {django_models.URLField: {"assume_scheme": "https"}}
    counts = {"citations": _("citations")}

    @admin.display(description=_("text with the cited passages highlighted"))
    def cited_passages(self, obj):
        return highlight(obj.text, obj.citations.values_list("start", "end"))

    @admin.display(description=_("records that cite this article"))
    def cited_records(self, obj):
        citations = obj.citations.select_related(*models.Citation.TARGET_FIELDS).order_by("start")
        items = []
        for citation in citations:
            target = citation.target
            meta = target._meta
            url = reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[target.pk])
            items.append(
                format_html('<li>{}: <a href="{}">{}</a> — «{}»</li>', meta.verbose_name, url, target, citation.quote)
            )
        if not items:
            return _("No record cites this article yet.")
        return format_html('<ol class="ctdb-cited-records">{}</ol>', mark_safe("".join(items)))


@admin.register(models.Citation)
class CitationAdmin(RecordAdmin):
    form = CitationPageForm
    list_display = ("short_quote", "article", "cited_record", "start", "end")
    list_filter = ("article",)
    list_select_related = ("article", *models.Citation.TARGET_FIELDS)
    # The slug is derived from the article, the offsets and the cited record.
    readonly_fields = ("start", "end", "slug", "created_at", "updated_at")
    autocomplete_fields = ("article", *models.Citation.TARGET_FIELDS)
    # Found by the words they quote and translate, or their article's title.
    folded_search_paths = ("search_text", "article__search_text")

    def get_fields(self, request, obj=None):
        # The occurrence belongs beside the quote it picks, not after the targets.
        fields = [name for name in super().get_fields(request, obj) if name != "occurrence"]
        fields.insert(fields.index("quote") + 1, "occurrence")
        return fields

    @admin.display(description=_("cited record"))
    def cited_record(self, obj):
        field = obj.target_field
        if field is None:
            return "—"
        return f"{obj._meta.get_field(field).verbose_name}: {getattr(obj, field)}"

    @admin.display(description=_("quote"))
    def short_quote(self, obj):
        return obj.quote[:80]


def highlight(text, spans):
    """Return `text` as HTML with each [start, end) span wrapped in <mark>."""
    merged = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    parts, position = [], 0
    for start, end in merged:
        parts.append(escape(text[position:start]))
        parts.append(format_html("<mark>{}</mark>", text[start:end]))
        position = end
    parts.append(escape(text[position:]))
    return format_html(
        '<div class="ctdb-article-text" dir="rtl">{}</div>',
        mark_safe("".join(str(part) for part in parts)),
    )
