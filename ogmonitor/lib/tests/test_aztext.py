from hypothesis import given
from hypothesis import strategies as st

from ogmonitor.lib import aztext


def test_lower_applies_azerbaijani_dotted_and_dotless_i():
    assert aztext.lower("İSMAYILLI") == "ismayıllı"
    assert aztext.upper("ismayıllı") == "İSMAYILLI"


def test_fold_keeps_schwa_apart_from_e():
    assert aztext.fold("Gəncə") != aztext.fold("Gence")


def test_normalize_replaces_turned_e_lookalike():
    assert aztext.normalize("Kǝngǝrli") == "Kəngərli"


def test_azerbaijani_alphabetical_order():
    names = ["Tovuz", "Şabran", "Saatlı", "Xaçmaz", "Ağdam", "İmişli", "Ismayıllı", "Zaqatala", "Çəmbərəkənd", "Quba", "Göyçay"]
    assert aztext.sorted_az(names) == [
        "Ağdam", "Çəmbərəkənd", "Göyçay", "Xaçmaz", "Ismayıllı", "İmişli", "Quba", "Saatlı", "Şabran", "Tovuz", "Zaqatala",
    ]


def test_collate_agrees_with_sort_key():
    assert aztext.collate("Saatlı", "Şabran") == -1
    assert aztext.collate("Şabran", "Tovuz") == -1
    assert aztext.collate("Quba", "Quba") == 0


def test_english_spelling_of_place_names():
    assert [aztext.to_english(n) for n in ["Quba", "Xaçmaz", "Şabran", "Qusar", "Saatlı", "İmişli", "Bakı"]] == [
        "Guba", "Khachmaz", "Shabran", "Gusar", "Saatli", "Imishli", "Baku",
    ]


def test_search_variants_cover_both_case_rules():
    assert aztext.search_variants("ISMAYILLI") == {"ısmayıllı", "ismayilli"}


@given(st.text())
def test_fold_is_idempotent(text):
    assert aztext.fold(aztext.fold(text)) == aztext.fold(text)


@given(st.lists(st.text(alphabet="abcçdeəfgğhxıijkqlmnoöprsştuüvyzABCÇDEƏFGĞHXIİJKQLMNOÖPRSŞTUÜVYZ ", max_size=8)))
def test_sort_key_orders_totally(words):
    ordered = aztext.sorted_az(words)
    assert all(aztext.collate(a, b) <= 0 for a, b in zip(ordered, ordered[1:], strict=False))
