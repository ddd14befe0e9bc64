"""What every spreadsheet export shares: the formula guard, valid sheet names, the header style.

A cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is run as a formula
by Excel and LibreOffice (CSV/XLSX injection: ``=HYPERLINK(…)`` typed as an event title would
become a live link in a reader's spreadsheet), so such text gets a leading apostrophe. Only
text is changed: numbers, including negative ones, stay numbers.
"""

import re

from django.utils.functional import Promise
from openpyxl.styles import Font, PatternFill

#: Text starting with one of these would be read as a formula by a spreadsheet.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="EEF3F7")
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


def neutralise(value):
    """``value`` made safe for a cell: text a spreadsheet would read as a formula gets a leading '."""
    if isinstance(value, Promise):  # a lazy translation (a choice label)
        value = str(value)
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def sheet_name(text: str, taken: set[str] | None = None) -> str:
    """A valid sheet name (≤ 31 characters, none of []:*?/\\), unique among ``taken`` (which it
    extends, compared without case as Excel does)."""
    taken = set() if taken is None else taken
    base = (_SHEET_FORBIDDEN.sub("-", str(text)).strip("'") or "sheet")[:31]
    name, counter = base, 2
    while name.lower() in taken:
        suffix = f" ({counter})"
        name, counter = base[: 31 - len(suffix)] + suffix, counter + 1
    taken.add(name.lower())
    return name
