"""Hypothesis strategies that break valid files, shared by the malformed-upload tests.

Each strategy takes the bytes of a valid file and returns broken bytes that no reader may accept:
a zip cut short or with a damaged member, noise, a NUL hidden in text. The tests that use them
(plans, surveys) add the breakages only their format knows (a missing column, a bad value).
"""

import io
import zipfile

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from openpyxl import Workbook

#: For the tests that post each generated file through a real view, once per kind of breakage:
#: fixtures are shared by the examples (each checks its own before/after counts), and a request
#: takes a while. A kind with fewer possible files (one encoding, five shapes) runs fewer.
VIEW_SETTINGS = settings(
    max_examples=15, deadline=None, database=None, derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)


def truncated_zip(data: bytes) -> st.SearchStrategy[bytes]:
    """The file cut anywhere before its end: a zip's directory is at its end, so it is lost."""
    return st.integers(min_value=0, max_value=len(data) - 1).map(lambda size: data[:size])


def damaged_member(data: bytes) -> st.SearchStrategy[bytes]:
    """One byte inside a member's packed data changed: its checksum (or inflating it) fails.

    A few bits of deflate data do not change what it unpacks to (the "last block" flag, the
    padding after the end, lengths of unused codes): such a file is intact, and is left out.
    """
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        spans = []
        for info in archive.infolist():
            if info.compress_size:
                # The local header is 30 bytes, then the name and the extra field, then the data.
                local = data[info.header_offset : info.header_offset + 30]
                start = info.header_offset + 30 + int.from_bytes(local[26:28], "little") + int.from_bytes(
                    local[28:30], "little")
                spans.append((start, start + info.compress_size))

    @st.composite
    def damaged(draw):
        start, end = draw(st.sampled_from(spans))
        position = draw(st.integers(min_value=start, max_value=end - 1))
        flip = draw(st.integers(min_value=1, max_value=255))
        return data[:position] + bytes([data[position] ^ flip]) + data[position + 1 :]

    return damaged().filter(lambda changed: _unpacks_differently(changed, data))


def _unpacks_differently(changed: bytes, original: bytes) -> bool:
    try:
        with zipfile.ZipFile(io.BytesIO(changed)) as new, zipfile.ZipFile(io.BytesIO(original)) as old:
            return any(new.read(name) != old.read(name) for name in old.namelist())
    except Exception:  # a checksum or inflate error: damaged indeed
        return True


def noise() -> st.SearchStrategy[bytes]:
    """Random bytes with at least one NUL among them: binary, whatever else they hold."""
    return st.tuples(st.binary(min_size=1, max_size=3000), st.binary(max_size=500)).map(
        lambda parts: parts[0] + b"\x00" + parts[1]
    )


def with_nul(data: bytes) -> st.SearchStrategy[bytes]:
    """A NUL byte slipped in anywhere (a corrupt export, a binary file renamed .csv)."""
    return st.integers(min_value=0, max_value=len(data)).map(lambda at: data[:at] + b"\x00" + data[at:])


def rezipped(data: bytes, member: str, change) -> bytes:
    """The zip with ``member``'s content replaced by ``change(content)``, every other member kept."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            target.writestr(info.filename, change(content) if info.filename == member else content)
    return out.getvalue()


def broken_sheet_xml(data: bytes) -> st.SearchStrategy[bytes]:
    """A well-packed workbook whose first sheet's XML stops half-way (the zip itself is sound)."""
    return st.floats(min_value=0.05, max_value=0.95).map(
        lambda share: rezipped(data, "xl/worksheets/sheet1.xml", lambda xml: xml[: max(1, int(len(xml) * share))])
    )


def workbook_bytes(rows: list[list] | dict[str, list[list]], *, blank_rows: int = 0,
                   merge_header: tuple[int, int] | None = None, first_sheet_empty: bool = False) -> bytes:
    """An .xlsx of ``rows`` (or of several sheets: {title: rows}). The first sheet may have
    ``blank_rows`` empty rows above its header, header cells ``merge_header`` (first, last:
    1-based columns) merged, or an empty sheet before it."""
    sheets = rows if isinstance(rows, dict) else {"Sheet1": rows}
    workbook = Workbook()
    workbook.remove(workbook.active)
    if first_sheet_empty:
        workbook.create_sheet("Boş")
    for position, (title, table) in enumerate(sheets.items()):
        sheet = workbook.create_sheet(title)
        first = position == 0
        for _blank in range(blank_rows if first else 0):
            sheet.append([])
        for row in table:
            sheet.append(row)
        if first and merge_header:
            start, end = merge_header
            sheet.merge_cells(start_row=blank_rows + 1, start_column=start, end_row=blank_rows + 1, end_column=end)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
