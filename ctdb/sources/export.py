"""The sources domain's files of the dataset export (ctdb.exports.spec):
the articles, and the citations that quote them as evidence for the rows of
the other files."""

from ctdb.core import models
from ctdb.core.choices import Language
from ctdb.core.domains import domain_modules
from ctdb.exports.columns import (
    Column,
    choice,
    derived,
    integer,
    partial_date,
    record_columns,
    reference,
    slug,
    text,
)
from ctdb.exports.copy import first_non_empty, first_of
from ctdb.exports.spec import Table
from ctdb.sources.models import CITATION_TARGETS


def _target_files():
    """The file each citation target's rows are in: its model's file in the other domains' exports."""
    files = {}
    for module in domain_modules("export"):
        if module.__name__ != __name__:  # this module, still being imported, declares no target's file
            files.update({table.model: table.name for table in module.TABLES})
    return {field: files[models.Citation._meta.get_field(field).related_model] for field in CITATION_TARGETS}


CITATION_TARGET_FILES = _target_files()


def _first_target(*slugs):
    for field, target_slug in zip(CITATION_TARGETS, slugs, strict=True):
        if target_slug is not None:
            return field
    return ""


def _first_slug(*slugs):
    return next((target_slug for target_slug in slugs if target_slug is not None), "")


_TARGET_SOURCES = tuple(f"{field}__slug" for field in CITATION_TARGETS)

_CITATION_TARGET_LIST = ", ".join(f"`{field}` ({file}.csv)" for field, file in CITATION_TARGET_FILES.items())

TABLES = (
    Table(
        "articles",
        models.Article,
        "The source documents, with their full original text. Every fact in the dataset cites a passage of one "
        "of them (citations.csv).",
        (
            slug(),
            text("title", "Title as printed (or the headline).", required=True),
            reference(
                "outlet_slug", "The media outlet that published it (organisations.csv).", "organisations", "outlet"
            ),
            text("author", "Author as printed."),
            *partial_date("published", "Publication date."),
            choice("language", "Language of the text.", Language.choices),
            text("url", "Where the article was published online."),
            text(
                "text", "The article's full text, exactly as published. Citations quote it by offsets.", required=True
            ),
            derived(
                "text_sha256",
                "text",
                "SHA-256 of `text` encoded as UTF-8, in lower-case hex: checks that the "
                "text is the one the citations were made against.",
                "text_sha256",
                str,
            ),
            *record_columns(),
        ),
        # Its foreign key alone would list it right after organisations.csv;
        # the dataset has listed it after the people's files since its first
        # release, and the manifest and the codebook keep that order.
        after=("affiliations",),
    ),
    Table(
        "citations",
        models.Citation,
        "The evidence for every record and link: a passage of an article, quoted verbatim. "
        "`quote` equals the article's text from `start` to `end`.",
        (
            slug(),
            reference("article_slug", "The article quoted (articles.csv).", "articles", "article", required=True),
            text("quote", "The passage, character for character as in the article.", required=True),
            integer("start", "Where the quote starts in the article's text (inclusive).", type="offset", required=True),
            integer(
                "end",
                "Where the quote ends in the article's text (exclusive): `start` + length of `quote`.",
                type="offset",
                required=True,
            ),
            Column(
                "record_type",
                "choice",
                "Which file the supported row is in: " + _CITATION_TARGET_LIST + ".",
                _TARGET_SOURCES,
                _first_target,
                str,
                sql=first_of(CITATION_TARGETS),
                choices=[(field, file) for field, file in CITATION_TARGET_FILES.items()],
                required=True,
            ),
            Column(
                "record_slug",
                "reference",
                "The slug of the row this citation supports, in the file named by `record_type`.",
                _TARGET_SOURCES,
                _first_slug,
                str,
                sql=first_non_empty,
                required=True,
            ),
            text("translation_en", "English translation of the quote."),
            text("note", "Editor's note."),
            *record_columns(),
        ),
        order_by=("article__slug", "start", "slug"),
    ),
)
