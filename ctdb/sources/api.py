"""The API of the sources: articles and the citations that quote them.

Every other domain's records show their citations (`CitedSerializer`), and
their views fetch them with `cited` or `listed_citations`, in the columns a
citation's brief form shows.
"""

import django_filters
from django.db.models import Prefetch
from django.utils import translation
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers

from ctdb.api.filters import HavingFilter, date_range
from ctdb.api.filtersets import RecordFilterSet, one_of, slug_of
from ctdb.api.serializers import RECORD_FIELDS, Brief, RecordSerializer
from ctdb.api.views import RECORD_ORDERING, RecordViewSet, joined, listed, shown_columns
from ctdb.core.choices import Language
from ctdb.core.models import Article, Citation
from ctdb.core.queries import count_of
from ctdb.sources.models import CITATION_TARGETS

INCLUDE_TEXT_TRUE = {"1", "true", "yes"}
INCLUDE_TEXT_FALSE = {"", "0", "false", "no"}


class ArticleSerializer(RecordSerializer):
    outlet = Brief(allow_null=True)
    citations_count = serializers.IntegerField(read_only=True, help_text="Number of citations quoting this article.")
    # Optional in the schema because lists leave it out unless asked.
    text = serializers.CharField(required=False, help_text="Full original text; in lists only with `include_text=1`.")

    class Meta:
        model = Article
        fields = (
            "slug",
            "title",
            "outlet",
            "author",
            "published",
            "language",
            "url",
            "text_sha256",
            "citations_count",
            "text",
            *RECORD_FIELDS,
        )
        brief_fields = ("slug", "title", "published", "language", "url")
        csv_columns = {"outlet_slug": "outlet.slug"}

    def get_fields(self):
        fields = super().get_fields()
        if not self.brief and not self.includes_text():
            del fields["text"]
        return fields

    def includes_text(self):
        request, view = self.context.get("request"), self.context.get("view")
        if request is None or getattr(view, "swagger_fake_view", False):
            return True  # the schema describes the full record
        if getattr(view, "action", None) == "retrieve":
            return True
        value = request.query_params.get("include_text", "").lower()
        if value not in INCLUDE_TEXT_TRUE | INCLUDE_TEXT_FALSE:
            raise serializers.ValidationError({"include_text": ["Give 1 or 0 (true or false)."]})
        return value in INCLUDE_TEXT_TRUE


class CitationSerializer(RecordSerializer):
    # No docstring: it would describe the full form in the schema, which has
    # none; the brief form's is `Meta.brief_description`.

    article = Brief()
    record_type = serializers.ChoiceField(
        choices=CITATION_TARGETS,
        source="target_field",
        read_only=True,
        help_text="Which kind of record or link this citation supports.",
    )
    record_slug = serializers.SerializerMethodField(help_text="Slug of the record or link this citation supports.")

    class Meta:
        model = Citation
        fields = (
            "slug",
            "article",
            "quote",
            "start",
            "end",
            "translation_en",
            "note",
            "record_type",
            "record_slug",
            *RECORD_FIELDS,
        )
        brief_fields = ("slug", "quote", "translation_en", "note", "start", "end", "article")
        brief_description = """The sentence that supports a record: `quote` is `article`'s text at
        the character offsets [start, end)."""
        # `record_slug` is computed, so not a scalar column by itself; with `record_type` it says what is supported.
        csv_columns = {"article_slug": "article.slug", "record_slug": "record_slug"}

    def get_record_slug(self, citation) -> str:
        return citation.target.slug


def cited_for(what):
    # A citation supports one record: with two of these, one citation could match neither.
    return HavingFilter(
        f"citations__{what}__slug",
        alone=True,
        help_text=(
            f"Slug of an {what} the article is cited for. Given with another of `organisation`, `actor`, "
            "`attack` and `agreement`, the article has a citation for each (one citation supports one record)."
        ),
    )


class ArticleFilterSet(RecordFilterSet):
    date_from, date_to, date_match = date_range("published", "publication date")
    language = one_of(Language.choices, "Language of the article")
    outlet = slug_of("outlet", "outlet (an organisation of kind media)")
    organisation = cited_for("organisation")
    actor = cited_for("actor")
    attack = cited_for("attack")
    agreement = cited_for("agreement")

    class Meta:
        model = Article
        fields = ()


class CitationFilters(RecordFilterSet):
    """The filters of citations but those on what each supports (CitationFilterSet)."""

    article = slug_of("article", "article quoted")
    date_from, date_to, date_match = date_range("article__published", "publication date of the article")
    record_type = django_filters.ChoiceFilter(
        choices=[(target, target) for target in CITATION_TARGETS],
        method="filter_record_type",
        help_text="Which kind of record or link the citation supports.",
    )

    class Meta:
        model = Citation
        fields = ()

    def filter_record_type(self, queryset, name, value: str):
        return queryset.filter(**{f"{value}__isnull": False})


def _target_filter(field):
    with translation.override("en"):
        return slug_of(field, f"{Citation._meta.get_field(field).verbose_name} supported")


# With a filter for each kind of record a citation can support, by the name of
# its foreign key on Citation (`?attack=<slug>`): a new target brings its own.
CitationFilterSet = type(
    "CitationFilterSet",
    (CitationFilters,),
    {"__module__": __name__, **{field: _target_filter(field) for field in CITATION_TARGETS}},
)


# What a cited record shows of each citation and its article (a citation's brief form), and the column of
# every kind of record it may cite, for the prefetch to match it to its record: not the article's full
# text (a kilobyte or more, for each of the 3,000 citations of a page of 500 attacks).
CITED_COLUMNS = (*shown_columns(CitationSerializer), *CITATION_TARGETS)


def cited(relation=""):
    """Prefetch the citations of the records at `relation`, with their articles, in the columns shown."""
    queryset = joined(CitationSerializer, brief=True).only(*CITED_COLUMNS).order_by("article__slug", "start", "pk")
    return Prefetch(f"{relation}citations", queryset=queryset)


def listed_citations(relation=""):
    """`cited`, into plain lists."""
    return listed(f"{relation}citations", cited().queryset)


include_text = OpenApiParameter(
    "include_text", bool, description="`1` to include each article's full text (always included in detail)."
)


@extend_schema_view(list=extend_schema(parameters=[include_text]), sync=extend_schema(parameters=[include_text]))
class ArticleViewSet(RecordViewSet):
    """Source articles: metadata, the SHA-256 of the text and, in detail or
    with `include_text=1`, the full original text that citations quote."""

    queryset = joined(ArticleSerializer).annotate(citations_count=count_of(Citation, "article"))
    serializer_class = ArticleSerializer
    page_queries = 2
    filterset_class = ArticleFilterSet
    ordering_fields = ("published", "title", *RECORD_ORDERING)
    ordering = ("-published", "slug")
    search_fields = ("search_text",)

    def get_queryset(self):
        queryset = super().get_queryset()
        if self.action == "deleted":
            return queryset
        return queryset if self.get_serializer().includes_text() else queryset.defer("text")


class CitationViewSet(RecordViewSet):
    """The evidence: each citation is a verbatim sentence of an article
    (`quote` at character offsets [start, end) of its text) supporting
    exactly one record or link, named by `record_type` and `record_slug`."""

    # With the record each supports, for `record_slug`.
    queryset = joined(CitationSerializer).select_related(*CITATION_TARGETS)
    serializer_class = CitationSerializer
    page_queries = 2
    filterset_class = CitationFilterSet
    search_fields = ("search_text",)  # the words of its quote and translation
    ordering_fields = ("article__slug", "start", *RECORD_ORDERING)
    ordering = ("article__slug", "start", "slug")


# (URL prefix, viewset, basename) of each route (ctdb/api/urls.py).
ROUTES = (
    ("articles", ArticleViewSet, "article"),
    ("citations", CitationViewSet, "citation"),
)
