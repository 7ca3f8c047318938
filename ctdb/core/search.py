"""Ranked search: what a record is found by, and how well a query meets it.

Every searchable record stores one search document in `search_text`, built
by `document()` from its names and aliases and from its context: other
values it is found by (an attack's place and country, its perpetrators'
names and aliases, an agreement's parties'). The same Python code builds the
documents and reads the queries, so SQLite and PostgreSQL answer alike; both
match with plain `LIKE` on the document, which PostgreSQL's trigram index
serves.

A document holds, one per line:
- each folded name, between spaces: `` الدوله الاسلاميه ``;
- each name's light stems, joined: ``=دول_اسلام``;
- each context value, every word marked ``+``: `` +كراسنوغورسك +روسيا ``;
- the marks of all its words: light stems (``~اسلام``, Snowball's stemmer
  after Larkey's light10 clitics) and spelling-free keys (``#slm``,
  ``&islamak``, ``*اسلمك``: see `keys()`).

A query meets a record, best first, by: a whole name or alias, its stems,
the start of a name, or a name found whole inside the query (the tiers);
then by how much of the query the record explains (a word met by a name
counts 2, by its context 1), how many words it meets, and what the best way
each word met is worth: a whole word, its stem, a whole context word, the
start of a word, a key, the start of a context word, the inside of a word
(`ranked`). Words of 3 letters or fewer (acronyms) meet whole words and
stems only, so `CIA` does not find "special". A record must meet all of the
query's words but one (`Query.needed`), unless one of its names is in the
query whole.
"""

import re
from dataclasses import dataclass, field
from functools import cache, lru_cache, reduce
from operator import or_

import snowballstemmer
from anyascii import anyascii
from django.db.models import Case, IntegerField, Q, Value, When
from django.db.models.functions import Coalesce

from .arabic import fold

STEM_MARK, KEY_MARK, ARABIC_KEY_MARK, VOWEL_KEY_MARK, CONTEXT_STEM_MARK = "~", "#", "*", "&", "^"
CONTEXT_MARK, STEMS_MARK = "+", "="  # each word of the other values; a name's stems, joined
SEARCH_RANK = "search_rank"  # the annotation `ranked()` gives each record
SHORT = 3  # words of this many letters or fewer match whole words (and stems) only
MAX_TERMS = 10

# What each way of meeting is worth. A whole name or alias outranks any sum
# of words, and a name's words count for more than those of its context (a
# citation's quote, an attack's perpetrators), so that a record comes before
# the records that only mention it.
WHOLE_NAME, WHOLE_STEMS, NAME_START, NAME_IN_QUERY = 4, 3, 2, 1
TIER = 100_000  # what a tier is worth in the rank
# (Each worth is distinct: it also says which way a word met.)
WORD, STEM, CLITIC_STEM, PREFIX, KEY = 16, 12, 10, 8, 6
CONTEXT_WORD, CONTEXT_STEM, CONTEXT_PREFIX, INSIDE = 5, 4, 3, 2
NAME_WAYS = (WORD, STEM, CLITIC_STEM, PREFIX, KEY)  # ways a word meets a name, not its context

# Words that join names rather than name anything: they count toward a whole
# name but do not make a record match on their own.
STOPWORDS = frozenset(
    fold(word)
    for word in (
        "في من على الى إلى عن مع او أو ثم ما لا ضد بين"
        " the of in on at for to and or a an by with against de du des la le les el al"
    ).split()
)

_ARABIC = re.compile("[\u0600-\u06ff]")
# Larkey's light10 clitics: a leading و, then one article or preposition + article.
_ARTICLES = ("وال", "بال", "كال", "فال", "لل", "ال")
_CONJUNCTION = "و"
_LONG_VOWELS = re.compile("[اوي]")
_arabic_stemmer = snowballstemmer.stemmer("arabic")
_english_stemmer = snowballstemmer.stemmer("english")

# Spellings of one sound across transliteration conventions, longest first.
_DIGRAPHS = (("dh", "z"), ("th", "t"), ("kh", "h"), ("gh", "g"), ("sh", "s"), ("ch", "s"), ("ph", "f"), ("ou", "u"))
_LETTERS = str.maketrans({"q": "k", "c": "k", "j": "g", "p": "b", "v": "f", "x": "ks"})
_VOWELS = re.compile("[aeiouyw]")
_VOWEL_RUNS = re.compile("[aeiouy]+")
_NOT_LETTER = re.compile("[^a-z]")
_REPEATS = re.compile(r"(.)\1+")


def is_arabic(word):
    return bool(_ARABIC.search(word))


def strip_clitics(word):
    """An Arabic word without its leading conjunction and article (light10)."""
    if word.startswith(_CONJUNCTION) and len(word) > 3:
        word = word[1:]
    for article in _ARTICLES:
        if word.startswith(article) and len(word) - len(article) >= 2:
            return word[len(article) :]
    return word


@lru_cache(maxsize=100_000)
def stem(word):
    """The light stem of a folded word: clitics off, then Snowball's stemmer."""
    if is_arabic(word):
        bare = strip_clitics(word)
        # Folding wrote ta marbuta as ha; Snowball knows ة as a suffix.
        if bare.endswith("ه") and len(bare) > 2:
            bare = bare[:-1] + "ة"
        stemmed = fold(_arabic_stemmer.stemWord(bare))
        return stemmed if len(stemmed) >= 2 else fold(bare)
    return _english_stemmer.stemWord(word)


def _latin(word):
    """A folded word in ASCII, spelled one way: الظواهري gives `zwahry`, Daech `daes`."""
    if is_arabic(word):
        word = strip_clitics(word)
        if word.endswith("ه"):  # ta marbuta, unwritten in Latin spellings
            word = word[:-1]
    ascii_ = _NOT_LETTER.sub("", anyascii(word).lower())
    for spelling, sound in _DIGRAPHS:
        ascii_ = ascii_.replace(spelling, sound)
    return ascii_.translate(_LETTERS)


@lru_cache(maxsize=100_000)
def keys(word):
    """The spelling-free keys of a folded word of 3 letters or more, each
    with its mark (a query word meets them only when it is longer):
    - its consonants in ASCII (`#`), at least two, which meet across
      scripts: الظواهري, Zawahiri and Zawahri all give `#zhr`;
    - a Latin word's letters with each run of vowels as one (`&`): Qaeda and
      Qaida give `&kada`;
    - an Arabic word's letters without clitics and long vowels (`*`): داكا
      and دكا give `*دك`."""
    if len(word) < SHORT:
        return ()
    found = []
    latin = _latin(word)
    consonants = _REPEATS.sub(r"\1", _VOWELS.sub("", latin))
    if len(consonants) >= 2:
        found.append(KEY_MARK + consonants)
    if is_arabic(word):
        bare = strip_clitics(word)
        skeleton = bare[0] + _LONG_VOWELS.sub("", bare[1:].removesuffix("ه"))
        if len(skeleton) >= 2:
            found.append(ARABIC_KEY_MARK + skeleton)
    else:
        found.append(VOWEL_KEY_MARK + _REPEATS.sub(r"\1", _VOWEL_RUNS.sub("a", latin)))
    return tuple(found)


def _content(words):
    """The words of a name that name something: its stopwords left out, unless it is nothing else."""
    return [word for word in words if word not in STOPWORDS] or words


def _stems_line(words):
    return STEMS_MARK + "_".join(stem(word) for word in _content(words))


# Parts of Arabic names written apart or together: «أبو سليمان» and «أبوسليمان».
_JOINED = re.compile(r"\b(ابو|عبد|ابن) (\w)")
_APART = re.compile(r"\b(ابو|عبد|ابن)(\w{2,})")


def _spellings(name):
    """A folded name, and its other spellings of joined parts."""
    return {name, _JOINED.sub(r"\1\2", name), _APART.sub(r"\1 \2", name)}


def document(names, context=()):
    """The stored search text of a record called `names` (its names and
    aliases) and found by `context` too (a place, a perpetrator's name)."""
    # Sorted, so that the order the values come in does not matter.
    names = sorted({spelling for folded in map(fold, names) if folded for spelling in _spellings(folded)})
    context = sorted({folded for folded in map(fold, context) if folded} - set(names))
    if not names and not context:
        return ""
    words = {word for value in names for word in value.split()}
    others = {word for value in context for word in value.split()} - words
    marks = {STEM_MARK + stem(word) for word in words} | {mark for word in words for mark in keys(word)}
    marks |= {CONTEXT_STEM_MARK + stem(word) for word in others}
    lines = [
        *(f" {name} " for name in names),
        *(_stems_line(name.split()) for name in names),
        *(" " + " ".join(CONTEXT_MARK + word for word in value.split()) + " " for value in context),
        " " + " ".join(sorted(marks)) + " ",
    ]
    return "\n" + "\n".join(lines) + "\n"


@dataclass(frozen=True)
class Query:
    text: str  # the folded query
    terms: tuple  # its words that count, stopwords left out (unless it is nothing else)

    @classmethod
    def parse(cls, raw):
        text = fold(raw)
        words = list(dict.fromkeys(text.split()))
        terms = [word for word in words if word not in STOPWORDS] or words
        return cls(text, tuple(terms))

    def __bool__(self):
        return bool(self.terms)

    def needed(self):
        """How many of its words a record must meet: all but one (a query of
        one word, that word), or all of the pieces of an acronym («IS-K»)."""
        if all(len(term) <= SHORT for term in self.terms):
            return len(self.terms)
        return max(1, len(self.terms) - 1)

    def seeds(self):
        """Words of which a record that meets enough of them meets at least
        one: the longest (the likeliest to be rare) of the fewest that do."""
        return sorted(self.terms, key=lambda term: (-len(term), term))[: len(self.terms) - self.needed() + 1]


_PREPOSITIONS = ("ب", "ل", "ك", "ف")


def _without_preposition(term):
    """An Arabic query word without a one-letter preposition light10 leaves
    on («لداعش», «بأفغانستان»), when what remains is a word of its own."""
    if is_arabic(term) and term[0] in _PREPOSITIONS and len(term) >= 5 and not term.startswith("ال"):
        return term[1:]
    return None


def _ways(term):
    """(worth, the LIKE fragment) for each way a term may meet a document."""
    ways = [(WORD, f" {term} "), (STEM, f" {STEM_MARK}{stem(term)} ")]
    bare = _without_preposition(term)
    if bare:
        ways.append((CLITIC_STEM, f" {STEM_MARK}{stem(bare)} "))
    ways += [(CONTEXT_WORD, f" {CONTEXT_MARK}{term} "), (CONTEXT_STEM, f" {CONTEXT_STEM_MARK}{stem(term)} ")]
    if bare:
        ways.append((CONTEXT_STEM, f" {CONTEXT_STEM_MARK}{stem(bare)} "))
    if len(term) > SHORT:
        ways.append((PREFIX, f" {term}"))
        ways += [(KEY, f" {mark} ") for mark in keys(term)]
        ways += [(CONTEXT_PREFIX, f" {CONTEXT_MARK}{term}"), (INSIDE, term)]
    return ways


def _meets(paths, fragment):
    return reduce(or_, (Q(**{f"{path}__contains": fragment}) for path in paths))


def _phrases(words):
    """Every run of two or more consecutive words of a query, longest first."""
    return [" ".join(words[i : i + n]) for n in range(len(words) - 1, 1, -1) for i in range(len(words) - n + 1)]


def ranked(queryset, raw, paths=("search_text",)):
    """`queryset` narrowed to the records `raw` finds, each annotated with its
    `search_rank`, best first (then the queryset's own order).

    The rank orders by, in turn: how the query meets a whole name (`tier`:
    the whole name or alias, its stems, a name the query begins, a name
    found whole inside the query); how much of the query the record
    explains (each word met by a name counts 2, by its context 1); how many
    words it meets; what the best way each word met is worth."""
    query = Query.parse(raw) if isinstance(raw, str) else raw
    if not query:
        return queryset
    words = query.text.split()
    whole = _meets(paths, f"\n {query.text} \n")
    whole_stems = _meets(paths, f"\n{_stems_line(words)}\n")
    bare = [_without_preposition(word) or word for word in words]  # «لداعش» is a name: داعش
    if bare != words:
        whole_stems |= _meets(paths, f"\n{_stems_line(bare)}\n")
    start = _meets(paths, f"\n {query.text} ")  # a name that begins with the query, as an autocomplete is typed
    inside = [_meets(paths, f"\n {phrase} \n") for phrase in _phrases(words)]  # «مجلس الأمن» in a longer query
    tiers = [(WHOLE_NAME, whole), (WHOLE_STEMS, whole_stems), (NAME_START, start)]
    tiers += [(NAME_IN_QUERY, condition) for condition in inside]
    tier = Case(*(When(condition, then=Value(worth)) for worth, condition in tiers), default=Value(0))
    passes = reduce(or_, (condition for worth, condition in tiers if worth != NAME_START))
    score, met, points = Value(0), Value(0), Value(0)
    # What the index finds: a whole name, or one of the seed words (a record
    # that meets too few of the words is then filtered out, by `search_met`).
    anywhere = reduce(or_, (condition for worth, condition in tiers if worth != NAME_START))
    seeds = query.seeds()
    for term in query.terms:
        ways = _ways(term)
        # The inside of a word holds every way but the marks: the fewest LIKEs that find the term.
        fewest = [
            fragment
            for worth, fragment in ways
            if worth in (STEM, CLITIC_STEM, KEY, INSIDE) or fragment.startswith(f" {CONTEXT_STEM_MARK}")
        ]
        if len(term) <= SHORT:
            fewest = [fragment for _worth, fragment in ways]
        term_met = reduce(or_, (_meets(paths, fragment) for fragment in fewest))
        by_name = reduce(or_, (_meets(paths, fragment) for worth, fragment in ways if worth in NAME_WAYS))
        score += Case(*(When(_meets(paths, fragment), then=Value(worth)) for worth, fragment in ways), default=0)
        met += Case(When(term_met, then=Value(1)), default=Value(0))
        points += Case(When(by_name, then=Value(2)), When(term_met, then=Value(1)), default=Value(0))
        if term in seeds:
            anywhere |= term_met
    ordering = queryset.query.order_by or queryset.model._meta.ordering
    # One number to order by: each part outweighs all those after it.
    # (At most MAX_TERMS words: the score stays below 200, the words met below
    # 11, the points below 21.)
    rank = tier * TIER + points * 2_500 + met * 200 + score
    return (
        queryset.filter(anywhere)
        .annotate(**{SEARCH_RANK: Coalesce(rank, 0, output_field=IntegerField())}, search_met=met)
        .filter(Q(search_met__gte=query.needed()) | passes)
        .order_by(f"-{SEARCH_RANK}", *ordering)
    )


@dataclass(frozen=True)
class Hit:
    kind: str  # the record type, its model's name: "organisation", "attack", ...
    slug: str
    label: str
    rank: int
    record: object = field(compare=False, repr=False, default=None)


def search_everything(raw, limit=5, models=None):
    """The best `limit` hits of every searchable kind (or of `models`) for
    `raw`, best first; ties go to the kinds in their published order."""
    from . import registry

    query = Query.parse(raw) if isinstance(raw, str) else raw
    if not query:
        return []
    hits = []
    for order, model in enumerate(models or registry.searchable_models()):
        for record in ranked(model._default_manager.all(), query)[:limit]:
            hit = Hit(model._meta.model_name, record.slug, record.search_label(), record.search_rank, record)
            hits.append((-record.search_rank, order, hit))
    return [hit for *_sort, hit in sorted(hits, key=lambda item: item[:2])][:limit]


def _prefetches(model, path=""):
    """What to prefetch to build `model`'s documents without a query per record."""
    prefix = f"{path}__" if path else ""
    names = [f"{prefix}aliases"] if _has_aliases(model) else []
    if not path:
        for related_path in model.search_related:
            names.append(related_path)
            names += _prefetches(_model_at(model, related_path), related_path)
    return names


def _has_aliases(model):
    try:
        model._meta.get_field("aliases")
    except Exception:  # FieldDoesNotExist: a model no alias names
        return False
    return True


def _model_at(model, path):
    for name in path.split("__"):
        model = model._meta.get_field(name).related_model
    return model


def reindex(model, queryset=None, *, using="default", batch_size=2000):
    """Build the documents of `model`'s records (all, or `queryset`'s) again
    and store those that changed; return how many changed."""
    queryset = model._default_manager.using(using).all() if queryset is None else queryset
    records = queryset.order_by("pk").prefetch_related(*_prefetches(model))
    changed, count = [], 0
    for record in records.iterator(chunk_size=batch_size):
        value = record.compute_search_text()
        if value != record.search_text:
            record.search_text = value
            changed.append(record)
        if len(changed) >= batch_size:
            model._default_manager.using(using).bulk_update(changed, ["search_text"], batch_size=batch_size)
            count, changed = count + len(changed), []
    if changed:
        model._default_manager.using(using).bulk_update(changed, ["search_text"], batch_size=batch_size)
    return count + len(changed)


def reindex_all(*, using="default"):
    """Every searchable record's document again; {model name: documents changed}."""
    from . import registry

    return {model.__name__: reindex(model, using=using) for model in registry.searchable_models()}


def dependents(instance):
    """(model, queryset) of the searchable records whose documents hold
    `instance`'s names: those that reach it along a `search_related` path, or
    through it (an attack through its attribution)."""
    from . import registry

    found = []
    for model in registry.searchable_models():
        for path in model.search_related:
            first = model._meta.get_field(path.split("__")[0])
            if isinstance(instance, first.related_model) and "__" in path:
                # A link row on the path: the record it belongs to.
                found.append((model, model._default_manager.filter(pk=getattr(instance, first.field.attname))))
            elif isinstance(instance, _model_at(model, path)):
                found.append((model, model._default_manager.filter(**{path: instance}).distinct()))
    return found


def refresh_dependents(instance):
    for model, queryset in dependents(instance):
        reindex(model, queryset, using=queryset.db)


def reindex_reaching(changed_model, pks, *, using="default"):
    """After a bulk write of `changed_model`'s rows `pks` (an import): the
    documents of the records that hold their names, again."""
    from . import registry

    pks = list(pks)
    for model in registry.searchable_models():
        for path in model.search_related:
            first = model._meta.get_field(path.split("__")[0])
            manager = model._default_manager.using(using)
            if issubclass(changed_model, first.related_model) and "__" in path:
                links = changed_model._default_manager.using(using).filter(pk__in=pks)
                reindex(model, manager.filter(pk__in=links.values(first.field.attname)), using=using)
            elif issubclass(changed_model, _model_at(model, path)):
                reindex(model, manager.filter(**{f"{path}__in": pks}).distinct(), using=using)


def in_both_languages(name):
    """`name()` in English and in Arabic, each that is not empty."""
    from django.utils import translation

    found = []
    for language in ("en", "ar"):
        with translation.override(language):
            found.append(str(name()))
    return tuple(value for value in found if value)


@cache
def choice_labels(choices, value):
    """A choice's English and Arabic labels (an attack's kind, «هجوم»), which a record is found by."""
    return in_both_languages(lambda: choices(value).label) if value else ()


@cache
def country_names(code):
    """A country's English and Arabic names, which records in it are found by."""
    from django_countries import countries

    return in_both_languages(lambda: countries.name(str(code))) if code else ()
