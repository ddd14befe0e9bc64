"""What every spreadsheet export shares: the formula guard, valid sheet names, the header style.

A cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is run as a formula
by Excel and LibreOffice (CSV/XLSX injection: ``=HYPERLINK(…)`` typed as an event title would
become a live link in a reader's spreadsheet), so such text gets a leading apostrophe. Only
text is changed: numbers, including negative ones, stay numbers.
"""

import datetime as dt
import re

from django.utils.functional import Promise
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

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


#: How a date cell is shown unless an export says otherwise.
ISO_DATE = "YYYY-MM-DD"


def append_row(sheet, values, *, header: bool = False, date_format: str = ISO_DATE) -> None:
    """Append a row, every cell through the formula guard, dates as dates; a header row bold on
    the header fill, wrapped at the top of its cells."""
    sheet.append([neutralise(value) for value in values])
    for cell in sheet[sheet.max_row]:
        if isinstance(cell.value, dt.date):
            cell.number_format = date_format
        if header:
            cell.font, cell.fill = HEADER_FONT, HEADER_FILL
            cell.alignment = Alignment(wrap_text=True, vertical="top")


def set_widths(sheet, widths: dict[int, int], default: int = 14) -> None:
    """Column widths by 1-based column number; the others ``default``."""
    for column in range(1, sheet.max_column + 1):
        sheet.column_dimensions[get_column_letter(column)].width = widths.get(column, default)
