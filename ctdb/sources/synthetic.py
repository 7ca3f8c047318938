"""Synthetic articles and citations: after every block of every phase, the
facts the block stated are written up as news digests in Arabic or English,
one citation per fact, quoting the article at the cited offsets.

Articles name a media outlet the organisations domain made (made first).
"""

import hashlib

from ctdb.core.models import Article, Citation
from ctdb.organisations.synthetic import made
from ctdb.sources.models import CITATION_TARGETS
from ctdb.synthetic import vocabulary as words
from ctdb.synthetic.draws import AR, EN, partial_date, search_text
from ctdb.synthetic.generator import RECORD

COLUMNS = {
    Article: ("id", "slug", "title", "outlet_id", "author", "published", "language", "url", "text", "text_sha256",
              "search_text", *RECORD),
    Citation: ("slug", "article_id", "quote", "start", "end", "translation_en", "note", "search_text", *RECORD,
               *(f"{target}_id" for target in CITATION_TARGETS)),
}  # fmt: skip

# Facts per synthetic article: enough to look like a news digest, few enough
# that an article's text stays small for the citation trigger to read.
ARTICLE_FACTS = (6, 20)


def write_facts(gen, rng, facts):
    """Write the block's facts into articles, one citation per fact.

    A fact is (target field, target id, sentence key or templates, parameters); a
    parameter is an (Arabic, English) pair or one value for both.
    """
    organisations = made(gen)
    position = 0
    while position < len(facts):
        chunk = facts[position : position + rng.randint(*ARTICLE_FACTS)]
        position += len(chunk)
        language = AR if rng.random() < 0.8 else EN
        published = partial_date(rng, 1995, 2024, day=0.5, month=0.4)
        outlet = organisations.rows[rng.choice(organisations.by_kind["media"])]
        title = (f"تقرير أمني ({published})", f"Security report ({published})")[language]
        author = ""
        if rng.random() < 0.3:
            author = " ".join(rng.choice(names)[language] for names in (words.FIRST_NAMES, words.FAMILY_NAMES))
        parts, offset, citations = [title], len(title), []
        for index, (target, target_id, key, parameters) in enumerate(chunk):
            separator = "\n\n" if index % 4 == 0 else " "
            sentence = _sentence(key, language, parameters)
            start = offset + len(separator)
            quote = sentence[:-1]  # without its full stop
            translation = _sentence(key, EN, parameters)[:-1] if language == AR else ""
            citations.append((target, target_id, quote, start, translation))
            parts += [separator, sentence]
            offset = start + len(sentence)
        text = "".join(parts)
        article_id = gen.sink.next_id(Article)
        slug = gen.slug("article")
        gen.add(
            Article,
            (article_id, slug, title, outlet[0], author, published, ("ar", "en")[language],
             f"https://example.org/{slug}", text, hashlib.sha256(text.encode()).hexdigest(),
             search_text((title,), (author,)), *gen.record()),
        )  # fmt: skip
        for target, target_id, quote, start, translation in citations:
            targets = [None] * len(CITATION_TARGETS)
            targets[CITATION_TARGETS.index(target)] = target_id
            gen.add(
                Citation,
                (gen.slug("citation"), article_id, quote, start, start + len(quote), translation, "",
                 search_text((), (quote, translation)), *gen.record(), *targets),
            )  # fmt: skip


def _sentence(key, language, parameters):
    """The fact's sentence: `key` names one of the vocabulary's SENTENCES, or
    is an (Arabic, English) pair of templates a domain brings itself."""
    templates = words.SENTENCES[key] if isinstance(key, str) else key
    values = {name: value[language] if isinstance(value, tuple) else value for name, value in parameters.items()}
    return templates[language].format(**values)
