"""The filtered audit log as CSV (streamed) or as an Excel workbook.

Both hold what the page shows, one row per entry, in the language of the page they were asked
from. Every text cell goes through the formula guard (:mod:`ogmonitor.lib.spreadsheet`): a
record's name or a changed value is typed by users and may start with "=".
"""

import io
from collections.abc import Iterator
from itertools import islice

from django.db.models import QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

from ogmonitor.lib.safe_csv import csv_lines
from ogmonitor.lib.spreadsheet import HEADER_FILL, HEADER_FONT, neutralise

from .services import Change, EntryRow, describe

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_TYPE = "text/csv; charset=utf-8"

#: Entries described at a time: the queries of :func:`~.services.describe` are paid per chunk.
CHUNK = 500


def file_name(extension: str) -> str:
    return f"audit-log-{timezone.localdate():%Y-%m-%d}.{extension}"


def header() -> list[str]:
    return [
        _("When"), _("Who"), _("Action"), _("Kind of record"), _("Record"), _("Record id"), _("Changes"),
        _("Reason"),
    ]


def change_text(change: Change) -> str:
    """"Field: before → after", as one cell shows it."""
    if change.not_copied:
        return _("%(field)s: corrected (the text is not kept in the log)") % {"field": change.label}
    return f"{change.label}: {change.before or '—'} → {change.after or '—'}"


def _cells(row: EntryRow) -> list:
    return [
        row.when.replace(tzinfo=None), row.actor, row.action, row.kind, row.entry.object_repr, row.entry.object_pk,
        "\n".join(change_text(change) for change in row.changes), row.reason,
    ]


def rows(entries: QuerySet) -> Iterator[list]:
    """One list of cells per entry, the entries read and described a chunk at a time."""
    iterator = entries.iterator(chunk_size=CHUNK)
    while chunk := list(islice(iterator, CHUNK)):
        for row in describe(chunk):
            yield _cells(row)


def csv_chunks(entries: QuerySet, language: str) -> Iterator[str]:
    """The CSV, line by line, for a streaming response (read after the view has returned)."""
    with translation.override(language):
        timed = ([cells[0].strftime("%Y-%m-%d %H:%M:%S"), *cells[1:]] for cells in rows(entries))
        yield from csv_lines(header(), timed)


def workbook(entries: QuerySet) -> bytes:
    """The workbook: one sheet, a header row, one row per entry; times as date-time cells."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(_("Audit log")[:31])
    sheet.column_dimensions["A"].width = 18
    for column in "BCDEF":
        sheet.column_dimensions[column].width = 20
    sheet.column_dimensions["G"].width = 80
    sheet.column_dimensions["H"].width = 40
    sheet.freeze_panes = "A2"
    titles = []
    for title in header():
        cell = WriteOnlyCell(sheet, value=title)
        cell.font, cell.fill = HEADER_FONT, HEADER_FILL
        titles.append(cell)
    sheet.append(titles)
    for cells in rows(entries):
        when = WriteOnlyCell(sheet, value=cells[0])
        when.number_format = "yyyy-mm-dd hh:mm:ss"
        sheet.append([when, *(neutralise(value) for value in cells[1:])])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
