"""Read spreadsheet-like uploads (CSV in the encodings Excel and Google produce, or XLSX) as rows.

Every importer in ogmonitor (plans, responses, …) reads files through :func:`open_table`, so
they all accept the same variants and report problems the same way: located by file, row and
column, never a bare traceback. Rows are streamed, so memory stays flat in the file's size.
"""

import codecs
import csv
import datetime as dt
import io
import itertools
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from openpyxl.utils import get_column_letter

_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # legacy .xls
_DELIMITERS = ",;\t"
_SAMPLE_BYTES = 65536


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an uploaded file, located as precisely as it can be."""

    message: str
    row: int | None = None
    column: int | None = None  # 1-based column index
    header: str | None = None
    file: str | None = None
    sheet: str | None = None  # for workbooks with several meaningful sheets (XLSForm)

    @property
    def column_letter(self) -> str | None:
        return get_column_letter(self.column) if self.column else None

    @property
    def location(self) -> str:
        parts = []
        if self.file:
            parts.append(self.file)
        if self.sheet:
            parts.append(_("sheet “%(sheet)s”") % {"sheet": self.sheet})
        if self.row:
            parts.append(_("row %(row)s") % {"row": self.row})
        if self.column:
            if self.header:
                parts.append(
                    _("column %(letter)s (%(header)s)")
                    % {"letter": self.column_letter, "header": self.header}
                )
            else:
                parts.append(_("column %(letter)s") % {"letter": self.column_letter})
        elif self.header:
            parts.append(_("column “%(header)s”") % {"header": self.header})
        return ", ".join(parts)

    def __str__(self) -> str:
        return f"{self.location}: {self.message}" if self.location else self.message


class TableError(Exception):
    """The file cannot be read at all (wrong type, wrong encoding, empty…)."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("; ".join(str(p) for p in problems))


@dataclass
class Table:
    """A header row and a stream of ``(row_number, cells)``; row numbers are as a user sees them."""

    filename: str
    headers: list[str]
    rows: Iterator[tuple[int, list[str]]]
    format: str
    encoding: str | None = None
    delimiter: str | None = None
    problems: list[Problem] = field(default_factory=list)

    def problem(self, message: str, row: int | None = None, column: int | None = None) -> Problem:
        header = self.headers[column - 1] if column and column <= len(self.headers) else None
        return Problem(message, row=row, column=column, header=header, file=self.filename)


def open_table(fileobj, filename: str, sheet: str | None = None) -> Table:
    """Open a CSV or XLSX upload. Raises :class:`TableError` when it cannot be read at all."""
    head = fileobj.read(4)
    fileobj.seek(0)
    if head.startswith(_OLE_MAGIC):
        raise TableError([Problem(_("Old Excel files (.xls) cannot be read: save the file as .xlsx or CSV UTF-8 and upload it again."), file=filename)])
    if head.startswith(_ZIP_MAGIC):
        return _open_xlsx(fileobj, filename, sheet)
    if not head:
        raise TableError([Problem(_("The file is empty."), file=filename)])
    return _open_csv(fileobj, filename)


def _detect_encoding(sample: bytes) -> str:
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    # UTF-16 without a BOM: every other byte of ASCII text is NUL.
    if sample and sample[1::2].count(0) > len(sample) // 4:
        return "utf-16-le"
    if sample and sample[0::2].count(0) > len(sample) // 4:
        return "utf-16-be"
    return "utf-8"


def _encoding_problem(filename: str, row: int | None, error: UnicodeDecodeError) -> Problem:
    bad = error.object[error.start : error.start + 1].hex().upper()
    return Problem(
        _("The file is not in UTF-8 or UTF-16 (byte 0x%(byte)s cannot be read). Save it as “CSV UTF-8” and upload it again.")
        % {"byte": bad},
        row=row,
        file=filename,
    )


def _decoded_lines(fileobj, encoding: str) -> Iterator[str]:
    """UTF-8 text line by line, so a bad byte fails the very row the CSV reader is reading.

    A TextIOWrapper decodes 8 KB at a time and fails on the row where that block began,
    possibly hundreds of rows before the bad byte.
    """
    pending = b""
    while chunk := fileobj.read(_SAMPLE_BYTES):
        lines = (pending + chunk).splitlines(keepends=True)
        # The last piece may be a line cut by the block, or a "\r" whose "\n" comes next.
        pending = lines.pop()
        for line in lines:
            yield line.decode(encoding)
    if pending:
        yield pending.decode(encoding)


def _guess_delimiter(sample: str, complete: bool) -> str:
    """The delimiter that splits the first rows into the same number of columns as the header.

    Counting delimiters in the header alone fails on Google Forms' headers, which are question
    labels and often hold commas ("Adınız, soyadınız;Yaşınız" is two columns, not two by comma).
    """
    best, best_score = ",", None
    for delimiter in _DELIMITERS:
        try:
            records = list(itertools.islice(csv.reader(io.StringIO(sample), delimiter=delimiter), 21))
        except csv.Error:
            continue
        if not complete and len(records) > 1:
            records.pop()  # possibly cut by the end of the sample
        if not records:
            continue
        width = len(records[0])
        rows = [record for record in records[1:] if any(cell.strip() for cell in record)]
        agreeing = sum(len(record) == width for record in rows) / len(rows) if rows else 1.0
        score = (width > 1, agreeing, width)
        if best_score is None or score > best_score:
            best, best_score = delimiter, score
    return best


def _open_csv(fileobj, filename: str) -> Table:
    raw = fileobj.read(_SAMPLE_BYTES)
    fileobj.seek(0)
    encoding = _detect_encoding(raw)
    # An incremental decoder keeps a character cut at the end of a partial sample for later
    # instead of calling it an error, in every encoding (UTF-8 with a BOM and UTF-16 too).
    decoder = codecs.getincrementaldecoder(encoding)()
    try:
        sample = decoder.decode(raw, final=len(raw) < _SAMPLE_BYTES)
    except UnicodeDecodeError as error:
        if not encoding.startswith("utf-8"):
            line = raw[: error.start].count(b"\n") + 1
            raise TableError([_encoding_problem(filename, line, error)]) from None
        # Reading stops at the bad byte and reports it on its row (counted as the CSV reader
        # counts rows, not lines); the text before it is enough to find the delimiter.
        sample = raw[: error.start].decode(encoding)
    delimiter = _guess_delimiter(sample.lstrip("\ufeff"), complete=len(raw) < _SAMPLE_BYTES)
    if encoding.startswith("utf-8"):
        text = _decoded_lines(fileobj, encoding)
    else:
        text = io.TextIOWrapper(_Unclosable(fileobj), encoding=encoding, newline="")
    reader = csv.reader(text, delimiter=delimiter)
    try:
        headers = [cell.strip().lstrip("\ufeff") for cell in next(reader)]
    except StopIteration:
        raise TableError([Problem(_("The file is empty."), file=filename)]) from None
    except UnicodeDecodeError as error:
        raise TableError([_encoding_problem(filename, 1, error)]) from None
    _check_headers(headers, filename)

    def rows() -> Iterator[tuple[int, list[str]]]:
        row_number = 1
        while True:
            try:
                cells = next(reader)
            except StopIteration:
                return
            except UnicodeDecodeError as error:
                raise TableError([_encoding_problem(filename, row_number + 1, error)]) from None
            except csv.Error as error:
                raise TableError([Problem(_("The CSV cannot be read: %(error)s") % {"error": error}, row=row_number + 1, file=filename)]) from None
            row_number += 1
            if any(cell.strip() for cell in cells):
                yield row_number, cells

    return Table(filename, headers, rows(), "csv", encoding=encoding, delimiter=delimiter)


def _check_headers(headers: list[str], filename: str) -> None:
    """Columns are found by their names in row 1: without any, every column would go unread."""
    if not any(headers):
        raise TableError([Problem(_("Row 1 is empty: the first row must hold the column names."), row=1, file=filename)])


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ") if value.time() != dt.time(0) else value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _open_xlsx(fileobj, filename: str, sheet: str | None) -> Table:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(fileobj, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many types for a corrupt zip
        raise TableError([Problem(_("The Excel file cannot be opened: %(error)s") % {"error": error}, file=filename)]) from None
    if sheet is not None and sheet not in workbook.sheetnames:
        raise TableError([Problem(_("The workbook has no sheet named “%(sheet)s”.") % {"sheet": sheet}, file=filename)])
    worksheet = workbook[sheet] if sheet else workbook.worksheets[0]
    values = worksheet.iter_rows(values_only=True)

    def unreadable(error, row: int) -> TableError:
        # A sheet is parsed while it is streamed: broken XML shows up only at the row it breaks.
        return TableError([Problem(_("The Excel file cannot be opened: %(error)s") % {"error": error}, row=row, file=filename)])

    try:
        headers = [_cell_text(value).strip() for value in next(values)]
    except StopIteration:
        raise TableError([Problem(_("The file is empty."), file=filename)]) from None
    except Exception as error:
        raise unreadable(error, 1) from None
    while headers and not headers[-1]:
        headers.pop()
    _check_headers(headers, filename)

    def rows() -> Iterator[tuple[int, list[str]]]:
        row_number = 1
        try:
            for row_number, row in enumerate(values, start=2):
                cells = [_cell_text(value) for value in row]
                if any(cell.strip() for cell in cells):
                    yield row_number, cells
        except Exception as error:
            raise unreadable(error, row_number + 1) from None
        finally:
            workbook.close()

    return Table(filename, headers, rows(), "xlsx")


class _Unclosable(io.RawIOBase):
    """Let TextIOWrapper read an upload without closing it when garbage-collected."""

    def __init__(self, fileobj):
        self._fileobj = fileobj

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        data = self._fileobj.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)
