"""Each folding rule of ctdb.core.arabic, one by one."""

import pytest

from ctdb.core.arabic import fold


@pytest.mark.parametrize(
    ("rule", "typed", "stored"),
    [
        ("tashkeel removed", "مُحَمَّد", "محمد"),
        ("tanween and sukun removed", "كِتَابٌ مُسْلِمْ", "كتاب مسلم"),
        ("superscript alef removed", "هٰذا", "هذا"),
        ("tatweel removed", "داعـــش", "داعش"),
        ("alef with hamza above", "أمن", "امن"),
        ("alef with hamza below", "إسلام", "اسلام"),
        ("alef with madda", "آسيا", "اسيا"),
        ("alef wasla", "ٱلله", "الله"),
        ("alef maqsura to ya", "مصطفى", "مصطفي"),
        ("ta marbuta to ha", "الدولة", "الدوله"),
        ("hamza on waw", "مسؤول", "مسوول"),
        ("hamza on ya", "رئيس", "رييس"),
        ("Persian keheh to kaf", "کابل", "كابل"),
        ("Persian yeh to ya", "ایران", "ايران"),
        ("Urdu heh goal to ha", "ہند", "هند"),
        ("Arabic-Indic digits", "٢٠١٦", "2016"),
        ("Extended (Persian) digits", "۲۰۱۶", "2016"),
        ("Latin accents", "Erdoğan", "erdogan"),
        ("Latin case", "ISIS-K", "isis k"),
        ("presentation forms", "\ufefb", "لا"),
        ("guillemets and punctuation separate words", "«قسد»، داعش", "قسد داعش"),
        ("whitespace collapsed", "  الدولة \n الإسلامية ", "الدوله الاسلاميه"),
    ],
)
def test_fold_rule(rule, typed, stored):
    assert fold(typed) == stored, rule


def test_spelling_variants_meet():
    assert fold("الدولة الاسلامية") == fold("الدَّوْلَة الإسلاميّة")


def test_empty_values():
    assert fold(None) == ""
    assert fold("") == ""
    assert fold("  ") == ""
