"""CSV that spreadsheets open safely: UTF-8 with a byte-order mark, no text read as a formula.

Excel reads a CSV without a byte-order mark in the machine's legacy code page, so "Şəki" comes
out as "ÅžÉ™ki"; with the mark it reads UTF-8. A cell starting with ``=``, ``+``, ``-``, ``@``,
a tab or a carriage return is run as a formula, so values go through the same guard as every
XLSX export (:func:`ogmonitor.lib.spreadsheet.neutralise`).
"""

import csv
from collections.abc import Iterable, Iterator

from .spreadsheet import neutralise

BOM = "\ufeff"


class _Line:
    """A file-like object whose ``write`` hands back what it was given, so csv.writer makes lines."""

    def write(self, value: str) -> str:
        return value


def csv_lines(header: Iterable[str], rows: Iterable[Iterable]) -> Iterator[str]:
    """The CSV text line by line (the first one starting with the byte-order mark), values
    neutralised; rows are read lazily, so a streaming response keeps memory flat."""
    writer = csv.writer(_Line())
    yield BOM + writer.writerow([neutralise(name) for name in header])
    for row in rows:
        yield writer.writerow([neutralise(value) for value in row])


def csv_bytes(header: Iterable[str], rows: Iterable[Iterable]) -> bytes:
    """The whole CSV as UTF-8 bytes, with the byte-order mark."""
    return "".join(csv_lines(header, rows)).encode("utf-8")
