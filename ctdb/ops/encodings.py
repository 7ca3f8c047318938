"""The text encodings of the CSV files editors import, and how to read them.

Editors' tools write more than UTF-8: Excel on an Arabic Windows system
saves "CSV" in Windows-1256, and its "Unicode Text" is UTF-16 with a byte
order mark. The import form lets the editor name the encoding, or detects it
(the default) by these rules, in this order:

1. a byte order mark: UTF-8, UTF-16 LE or UTF-16 BE;
2. the bytes are valid UTF-8;
3. UTF-16 without a mark, if NUL bytes fall on every other byte (the high
   byte of the ASCII letters of a header such as `slug,name_ar`);
4. Windows-1256.

A statistical detector (charset-normalizer) was tried and not used: on short
Arabic files, the size of an import of a few records, it names Windows-1256
bytes cp932 or big5, whereas the files editors have are in one of a few
known encodings, which these rules tell apart exactly. Every byte is defined
in Windows-1256, so rule 4 always decodes: text with control characters
(NUL and the like, which no CSV holds) is taken as not text at all, and the
file is refused.
"""

import codecs
import re

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

AUTO = "auto"
UTF8, UTF16, WINDOWS_1256 = "utf-8", "utf-16", "cp1256"
CHOICES = [
    (AUTO, _("Detect automatically")),
    (UTF8, "UTF-8"),
    (UTF16, "UTF-16"),
    (WINDOWS_1256, _("Windows-1256 (Arabic)")),
]
NAMES = {UTF8: "UTF-8", UTF16: "UTF-16", WINDOWS_1256: "Windows-1256"}

BOMS = (
    (codecs.BOM_UTF8, UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, UTF16, "utf-16"),
    (codecs.BOM_UTF16_BE, UTF16, "utf-16"),
)
# C0 controls other than tab, line feed and carriage return, and DEL.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# Bytes looked at to tell UTF-16 without a byte order mark.
SAMPLE = 1024


class UnreadableFile(ValueError):
    """The file is not text in the encoding asked for (or in any that is detected)."""


def utf16_order(data):
    """'utf-16-le' or 'utf-16-be' if NULs fill one byte of most pairs of
    `data` and never the other, else None."""
    sample = data[: SAMPLE - SAMPLE % 2] if len(data) > SAMPLE else data
    if len(sample) < 2 or len(sample) % 2:
        return None
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    pairs = len(sample) // 2
    if odd * 2 >= pairs and even == 0:
        return "utf-16-le"
    if even * 2 >= pairs and odd == 0:
        return "utf-16-be"
    return None


def candidates(data, encoding):
    """The codecs to try, in order, for `data` declared as `encoding`."""
    for bom, name, codec in BOMS:
        if data.startswith(bom) and encoding in (AUTO, name):
            return [codec]
    if encoding == UTF8:
        return ["utf-8"]
    if encoding == UTF16:
        return [utf16_order(data) or "utf-16-le"]  # Excel writes little-endian
    if encoding == WINDOWS_1256:
        return ["cp1256"]
    return ["utf-8", *filter(None, [utf16_order(data)]), "cp1256"]


def decode(data, encoding=AUTO):
    """`data` (bytes) as text, read as `encoding` (AUTO: detected)."""
    for codec in candidates(data, encoding):
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            continue
        if not CONTROL.search(text):
            return text
    if encoding == AUTO:
        raise UnreadableFile(
            gettext(
                "This file is not text in UTF-8, UTF-16 or Windows-1256, the encodings ctdb reads. "
                "Save it as “CSV UTF-8” and import it again."
            )
        )
    raise UnreadableFile(
        gettext(
            "This file cannot be read as %(encoding)s. Choose the encoding it was saved in, or “Detect automatically”."
        )
        % {"encoding": NAMES[encoding]}
    )
