"""The admin in Arabic (right to left) and English, and the Arabic catalogue
itself: complete, not fuzzy, placeholders intact, compiled, and holding
every gettext string of ctdb's source."""

import gettext
import re
import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation

from ctdb.core import models

ROOT = Path(settings.BASE_DIR)
LOCALE = Path(settings.LOCALE_PATHS[0]) / "ar" / "LC_MESSAGES"
PO = LOCALE / "django.po"
MO = LOCALE / "django.mo"

ATTACKS = reverse("admin:core_attack_changelist")
INDEX = reverse("admin:index")


@pytest.fixture(autouse=True)
def restore_language():
    """Requests activate a language in this thread; leave no Arabic behind."""
    previous = translation.get_language()
    yield
    translation.activate(previous)


def page(client, url, language):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def html_tag(html):
    return re.search(r"<html\b[^>]*>", html).group(0)


def assert_rtl_arabic(html):
    tag = html_tag(html)
    assert 'lang="ar"' in tag
    assert 'dir="rtl"' in tag


def assert_ltr_english(html):
    tag = html_tag(html)
    assert 'lang="en"' in tag
    assert 'dir="ltr"' in tag


# The admin pages, in each language.


# What two admin pages show in each language; in one language, a page shows
# none of what it shows in the other.
SHOWN = {
    INDEX: {
        "ar": (
            "ctdb: قاعدة بيانات مكافحة الإرهاب",  # site header
            "سجلات مكافحة الإرهاب",  # the app's name
            *("الهجمات", "المنظمات", "الاستشهادات", "اتفاقيات التعاون", "إسنادات المسؤولية"),
        ),
        "en": ("ctdb: counter-terrorism database", "Counter-terrorism records", "Attacks", "Cooperation agreements"),
    },
    ATTACKS: {
        # A column header, a choice label (the kind of a campaign), an attack type in the filter, ctdb's own filter.
        "ar": ("الاسم بالإنجليزية", "حملة هجمات", "اغتيال", "مدعوم باستشهاد"),
        "en": ("English name", "campaign of attacks", "assassination", "has a citation"),
    },
}
DIRECTION = {"ar": assert_rtl_arabic, "en": assert_ltr_english}


@pytest.mark.parametrize("language", ["ar", "en"])
@pytest.mark.parametrize("url", list(SHOWN), ids=["index", "attack changelist"])
def test_admin_page_in_each_language(admin_client, one_of_each, url, language):
    html = page(admin_client, url, language)
    DIRECTION[language](html)
    (other,) = set(DIRECTION) - {language}
    for text in SHOWN[url][language]:
        assert text in html, text
    shown = re.sub(r"<[^>]*>", " ", html)  # what is read, not the links' query strings (?attack_type=assassination)
    for text in SHOWN[url][other]:
        assert text not in shown, text


def test_attack_change_page_in_arabic(admin_client, one_of_each):
    url = reverse("admin:core_attack_change", args=[one_of_each["attack"].pk])
    html = page(admin_client, url, "ar")
    assert_rtl_arabic(html)
    assert "نوع الهجوم" in html  # a field label
    assert "تبنّاه التنظيم" in html  # the attribution inline's kind
    assert "المعرّف الثابت" in html


def test_language_switch_form(admin_client, one_of_each):
    """The switch in the header posts to set_language and the choice sticks."""
    html = page(admin_client, INDEX, "en")
    assert 'id="language-switch"' in html
    assert '<option value="en" selected>' in html

    response = admin_client.post(reverse("set_language"), {"language": "ar", "next": ATTACKS})
    assert response.status_code == 302
    assert response["Location"] == ATTACKS
    html = admin_client.get(ATTACKS).content.decode()
    assert_rtl_arabic(html)
    assert "حملة هجمات" in html
    assert '<option value="ar" selected>' in html

    admin_client.post(reverse("set_language"), {"language": "en", "next": ATTACKS})
    html = admin_client.get(ATTACKS).content.decode()
    assert_ltr_english(html)
    assert "campaign of attacks" in html


def test_accept_language_header_picks_arabic(admin_client, one_of_each):
    html = admin_client.get(INDEX, HTTP_ACCEPT_LANGUAGE="ar").content.decode()
    assert_rtl_arabic(html)
    assert "الهجمات" in html


def test_validation_message_in_arabic(one_of_each):
    article, attack = one_of_each["article"], one_of_each["attack"]
    citation = models.Citation(article=article, quote="نص لا يرد في المقال", attack=attack)
    with translation.override("ar"):
        with pytest.raises(ValidationError) as raised:
            citation.clean()
        message = " ".join(raised.value.message_dict["quote"])
    assert "لا يرد هذا الاقتباس في المقال" in message
    assert "«هجوم كروكوس»" in message  # the placeholder, filled


# The catalogue.


def parse_po(path):
    """Entries of a .po file: dicts of msgctxt/msgid/msgid_plural/msgstr[n]
    (unescaped) and `flags`. Obsolete (#~) entries are skipped."""
    entries, entry, key = [], None, None

    def unquote(text):
        return re.sub(r"\\(.)", lambda m: {"n": "\n", "t": "\t"}.get(m.group(1), m.group(1)), text.strip()[1:-1])

    for line in path.read_text(encoding="utf-8").splitlines() + [""]:
        if not line.strip() or line.startswith("#~"):
            if entry and "msgid" in entry:
                entries.append(entry)
            entry = None
            continue
        if entry is None or (line.startswith("#") and "msgid" in entry):
            if entry and "msgid" in entry:
                entries.append(entry)
            entry, key = {"flags": set()}, None
        if line.startswith("#,"):
            entry["flags"].update(flag.strip() for flag in line[2:].split(","))
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            entry[key] += unquote(line)
        else:
            key, _space, value = line.partition(" ")
            entry[key] = unquote(value)
    return entries


def translations(entry):
    return [value for key, value in entry.items() if key.startswith("msgstr")]


PLACEHOLDER = re.compile(r"%\(\w+\)[srd]|%[srd]|\{\w*\}")


def test_po_exists_with_arabic_header():
    entries = parse_po(PO)
    header = next(entry for entry in entries if entry["msgid"] == "")
    assert "fuzzy" not in header["flags"]
    assert "Language: ar\n" in header["msgstr"]
    assert "charset=UTF-8" in header["msgstr"]
    forms = re.search(r"Plural-Forms: nplurals=(\d+); plural=([^;]+);", header["msgstr"])
    assert forms and forms.group(1) == "6"
    plural = gettext.c2py(forms.group(2))
    expected = {0: 0, 1: 1, 2: 2, 3: 3, 10: 3, 11: 4, 99: 4, 100: 5, 101: 5, 102: 5, 103: 3, 111: 4, 1000: 5}
    assert {n: plural(n) for n in expected} == expected


def test_every_entry_translated_and_not_fuzzy():
    entries = [entry for entry in parse_po(PO) if entry["msgid"]]
    assert len(entries) > 100
    untranslated = [entry["msgid"] for entry in entries if not all(text.strip() for text in translations(entry))]
    fuzzy = [entry["msgid"] for entry in entries if "fuzzy" in entry["flags"]]
    assert untranslated == []
    assert fuzzy == []


def test_placeholders_kept():
    broken = []
    for entry in parse_po(PO):
        if not entry["msgid"]:
            continue
        wanted = sorted(PLACEHOLDER.findall(entry["msgid"]))
        for text in translations(entry):
            if sorted(PLACEHOLDER.findall(text)) != wanted:
                broken.append((entry["msgid"], text))
    assert broken == []


def test_mo_is_compiled_from_the_current_po():
    """The committed .mo holds exactly the .po's translations, and is not
    older than it (two seconds of slack for a checkout's write order)."""
    assert MO.exists(), "run: manage.py compilemessages --ignore=.venv"
    assert MO.stat().st_mtime >= PO.stat().st_mtime - 2, "the .po changed after the .mo: run compilemessages"
    with MO.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    stale = []
    for entry in parse_po(PO):
        msgid = entry["msgid"]
        if not msgid:
            continue
        context = entry.get("msgctxt")
        if "msgid_plural" in entry:
            for n, form in ((0, 0), (1, 1), (2, 2), (3, 3), (11, 4), (100, 5)):
                args = (msgid, entry["msgid_plural"], n)
                got = compiled.npgettext(context, *args) if context else compiled.ngettext(*args)
                if got != entry[f"msgstr[{form}]"]:
                    stale.append(msgid)
        else:
            got = compiled.pgettext(context, msgid) if context else compiled.gettext(msgid)
            if got != entry["msgstr"]:
                stale.append(msgid)
    assert stale == []


def msg_key(entry):
    return entry.get("msgctxt"), entry["msgid"], entry.get("msgid_plural")


def test_every_source_string_is_in_the_po(tmp_path, monkeypatch):
    """makemessages over a copy of ctdb/ (without its locale, so that it
    writes a fresh catalogue into tmp_path) finds no msgid the committed .po
    lacks: a new gettext string fails here until the .po is rebuilt."""
    if not shutil.which("xgettext"):
        pytest.skip("makemessages needs GNU gettext (xgettext)")
    shutil.copytree(
        ROOT / "ctdb",
        tmp_path / "ctdb",
        ignore=shutil.ignore_patterns("locale", "__pycache__", "*.pyc", "*.mo", "*.po"),
    )
    (tmp_path / "locale").mkdir()
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(settings, "LOCALE_PATHS", [str(tmp_path / "locale")])
    call_command("makemessages", locale=["ar"], ignore_patterns=[".venv", "tests"], verbosity=0)

    fresh = {msg_key(entry) for entry in parse_po(tmp_path / "locale" / "ar" / "LC_MESSAGES" / "django.po")}
    committed = {msg_key(entry) for entry in parse_po(PO)}
    assert len(fresh) > 100
    assert sorted(fresh - committed, key=str) == [], "run: manage.py makemessages -l ar --ignore=.venv --ignore=tests"
