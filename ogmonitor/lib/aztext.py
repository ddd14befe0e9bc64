"""Azerbaijani text done right: case, search folding, alphabetical order and English spelling.

Python's ``str`` methods are not locale-aware: ``'İ'.lower()`` gives ``'i̇'`` (i + U+0307) and
``'I'.lower()`` gives ``'i'`` where Azerbaijani wants ``'ı'``; ``sorted()`` puts Ç Ə İ Ö Ş Ü
after Z. The functions here apply the Azerbaijani rules (CLDR ``az``) explicitly.
"""

import unicodedata
from functools import lru_cache

#: CLDR ``az`` alphabet order; ``w`` (not an Azerbaijani letter) sorts after ``z``.
ALPHABET = "abcçdeəfgğhxıijkqlmnoöprsştuüvyzw"
_RANK = {letter: index for index, letter in enumerate(ALPHABET)}

# Look-alikes seen in real data: U+01DD 'ǝ' (turned e, used by ISO 3166-2 for "Kǝngǝrli") and
# U+018E are not the schwa U+0259/U+018F the alphabet uses.
_LOOKALIKES = str.maketrans({"ǝ": "ə", "Ǝ": "Ə"})

_AZ_LOWER = str.maketrans({"I": "ı", "İ": "i"})
_AZ_UPPER = str.maketrans({"i": "İ", "ı": "I"})


def normalize(text: str) -> str:
    """NFC-compose, replace schwa look-alikes and collapse runs of white space."""
    text = unicodedata.normalize("NFC", text or "").translate(_LOOKALIKES)
    return " ".join(text.split())


def lower(text: str) -> str:
    """Lower-case by Azerbaijani rules: İ→i and I→ı."""
    return normalize(text).translate(_AZ_LOWER).lower()


def upper(text: str) -> str:
    """Upper-case by Azerbaijani rules: i→İ and ı→I."""
    return normalize(text).translate(_AZ_UPPER).upper()


def fold(text: str) -> str:
    """Search key for Azerbaijani text: case-insensitive the Azerbaijani way, ə never equal to e."""
    return lower(text)


def fold_latin(text: str) -> str:
    """Search key for English (or mixed) text: plain Unicode case folding, so 'I' matches 'i'."""
    return normalize(text).casefold()


def search_variants(query: str) -> set[str]:
    """Folded forms of a user's query to look up in search keys built by :func:`search_key`.

    'ISMAYILLI' typed on an English keyboard folds to 'ısmayıllı' by Azerbaijani rules and to
    'ismayilli' by English ones: both are tried so neither kind of user is surprised.
    """
    return {variant for variant in (fold(query), fold_latin(query)) if variant}


def search_key(*texts: str) -> str:
    """One string holding each text folded both ways, for ``contains`` look-ups in the database."""
    parts: list[str] = []
    for text in texts:
        for variant in (fold(text), fold_latin(text)):
            if variant and variant not in parts:
                parts.append(variant)
    return "\n".join(parts)


@lru_cache(maxsize=65536)
def sort_key(text: str) -> tuple:
    """Key that orders strings in Azerbaijani alphabetical order, case-insensitively.

    Letters outside the alphabet (digits, punctuation, Cyrillic) keep their code-point order
    after the alphabet's letters, except digits and spaces which come first as in CLDR.
    """
    folded = lower(text)
    primary = []
    for char in folded:
        if char in _RANK:
            primary.append((1, _RANK[char]))
        elif char.isspace() or char in "-_.,'\"()":
            primary.append((0, 0))
        elif char.isdigit():
            primary.append((0, 1 + int(char)))
        else:
            primary.append((2, ord(char)))
    # Tie-break on the original so 'Quba' and 'quba' are distinct but adjacent.
    return (tuple(primary), normalize(text))


def collate(left: str, right: str) -> int:
    """A SQLite collation function comparing by :func:`sort_key` (-1, 0 or 1).

    SQLite calls it O(n log n) times per ORDER BY; the cache on :func:`sort_key` keeps that
    to one key computation per distinct name.
    """
    a, b = sort_key(left or ""), sort_key(right or "")
    return (a > b) - (a < b)


def sorted_az(items, key=lambda item: item):
    """``sorted`` in Azerbaijani alphabetical order."""
    return sorted(items, key=lambda item: sort_key(key(item)))


_TO_ENGLISH = {
    "ə": "a", "Ə": "A", "ç": "ch", "Ç": "Ch", "ş": "sh", "Ş": "Sh", "ğ": "gh", "Ğ": "Gh",
    "x": "kh", "X": "Kh", "q": "g", "Q": "G", "ı": "i", "I": "I", "İ": "I", "ö": "o", "Ö": "O",
    "ü": "u", "Ü": "U", "c": "j", "C": "J",
}
#: Names whose English spelling is settled by usage rather than by the transliteration rule.
ENGLISH_EXCEPTIONS = {"Bakı": "Baku", "Şəki": "Shaki", "Naxçıvan": "Nakhchivan", "Xankəndi": "Khankendi"}


def to_english(name: str) -> str:
    """English spelling of an Azerbaijani place name ('Xaçmaz' → 'Khachmaz', 'Quba' → 'Guba')."""
    name = normalize(name)
    if name in ENGLISH_EXCEPTIONS:
        return ENGLISH_EXCEPTIONS[name]
    return "".join(_TO_ENGLISH.get(char, char) for char in name)
