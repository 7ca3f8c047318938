"""Arabic-aware text folding for search.

`fold()` maps every spelling variant a user may type to one form, so that a
search for «الدولة الاسلامية» finds «الدولة الإسلاميّة» and "Erdogan" finds
"Erdoğan". `ctdb.core.search` folds both the stored documents and every
query with it, so search behaves identically on SQLite and PostgreSQL.
"""

import re
import unicodedata

# Harakat, tanween, shadda, sukun, superscript alef, Quranic annotation marks.
_DIACRITICS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06dc\u06df-\u06e8\u06ea-\u06ed]")
_TATWEEL = "\u0640"

_LETTERS = str.maketrans(
    {
        # alef forms -> bare alef
        "\u0623": "\u0627",  # أ
        "\u0625": "\u0627",  # إ
        "\u0622": "\u0627",  # آ
        "\u0671": "\u0627",  # ٱ alef wasla
        "\u0672": "\u0627",
        "\u0673": "\u0627",
        # alef maqsura -> ya
        "\u0649": "\u064a",  # ى
        # ta marbuta -> ha
        "\u0629": "\u0647",  # ة
        # hamza on carriers -> the carrier
        "\u0624": "\u0648",  # ؤ
        "\u0626": "\u064a",  # ئ
        # Persian / Urdu letter variants -> Arabic
        "\u06a9": "\u0643",  # ک keheh -> kaf
        "\u06aa": "\u0643",  # ڪ swash kaf
        "\u06cc": "\u064a",  # ی farsi yeh
        "\u06d0": "\u064a",  # ې
        "\u06d2": "\u064a",  # ے yeh barree
        "\u06c0": "\u0647",  # ۀ
        "\u06c1": "\u0647",  # ہ heh goal
        "\u06be": "\u0647",  # ھ heh doachashmee
        "\u06d5": "\u0647",  # ە ae
    }
)

# Arabic-Indic (U+0660..) and Extended Arabic-Indic (Persian, U+06F0..) digits.
_DIGITS = str.maketrans(
    {**{chr(0x0660 + i): str(i) for i in range(10)}, **{chr(0x06F0 + i): str(i) for i in range(10)}}
)

_NON_WORD = re.compile(r"[^\w]+")


def _strip_latin_accents(text):
    # Decompose, then drop combining marks. Arabic letters with hamza or madda
    # decompose too (أ -> ا + hamza), which agrees with the alef rule above.
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def fold(text):
    """Return the search form of `text`: folded, lower-cased, single-spaced."""
    if not text:
        return ""
    text = unicodedata.normalize("NFKC", str(text))  # presentation forms -> letters
    text = text.replace(_TATWEEL, "")
    text = _DIACRITICS.sub("", text)
    text = text.translate(_LETTERS).translate(_DIGITS)
    text = _strip_latin_accents(text).casefold()
    # Punctuation (quotes, «», hyphens, Arabic comma) separates words.
    text = _NON_WORD.sub(" ", text).replace("_", " ")
    return " ".join(text.split())
