"""How articles and citations are written in a fixture source file.

Each source file is one article: its `article:` mapping (the text itself in
fixtures/articles/<slug>.txt), and under every entry and link a `cite:` list
of quotes from that text (ctdb.fixture_compiler.sections).
"""

from ctdb.core.models import Article, Citation
from ctdb.fixture_compiler.sections import ArticleSection, CitationSection

SECTIONS = (
    ArticleSection("article", Article, text_field="text", digest_field="text_sha256", folder="articles"),
    CitationSection("cite", Citation, article_field="article", located=("start", "end"), extra_keys=("occurrence",)),
)
