"""The report's annex as an Excel workbook (openpyxl): every indicator table and breakdown.

Sheets: "Indicators" (every indicator overall, with the previous round), one sheet per indicator
(overall and each breakdown), "Respondents", "Comparison", "Recommendations" and "Definitions"
(how each indicator is counted, and what each column means). Numbers are written as numbers.

Any text that starts with ``=``, ``+``, ``-``, ``@`` (or a tab / carriage return) is prefixed with
an apostrophe, so a title or a recommendation typed by a user can never become a formula when
the annex is opened in a spreadsheet (CSV/formula injection).
"""

import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from ogmonitor.lib.spreadsheet import (
    HEADER_FILL,
    HEADER_FONT,
    neutralise,
    set_widths,
    sheet_name,
)

GROUP_FONT = Font(bold=True, italic=True)


def render(content, progress) -> bytes:
    h = content.headings
    workbook = Workbook()
    names: set[str] = set()

    overview = workbook.active
    overview.title = sheet_name(h.findings, names)
    _write(overview, [content.title], title=True)
    _write(overview, [h.generated])
    _write(overview, [])
    columns = [h.area, h.code, h.indicator, h.rate + " (%)", h.numerator, h.denominator, h.interval + " (%) ↓",
               h.interval + " (%) ↑"]
    if content.comparison:
        columns += [h.previous + " (%)", h.change + " (pp)", h.verdict]
    _header(overview, columns)
    for section in content.sections:
        for row in section.indicators:
            figure = row.figure
            values = [section.title, row.code, row.title, _round(figure.percent), figure.numerator,
                      figure.denominator, _round(figure.ci_low), _round(figure.ci_high)]
            if content.comparison:
                previous = row.previous.percent if row.previous else None
                change = None if previous is None or figure.percent is None else figure.percent - previous
                values += [_round(previous), _round(change), row.verdict]
            _write(overview, values)
    set_widths(overview, {1: 30, 2: 18, 3: 60}, default=12)
    progress(60)

    for row in content.indicator_rows():
        sheet = workbook.create_sheet(sheet_name(row.code, names))
        _write(sheet, [row.title], title=True)
        if row.definition:
            _write(sheet, [row.definition])
        _write(sheet, [])
        _header(sheet, [h.group, h.rate + " (%)", h.numerator, h.denominator, h.interval + " (%) ↓",
                        h.interval + " (%) ↑", h.as_printed])
        _write(sheet, [h.total] + _figure_values(row.figure), bold=True)
        for breakdown in row.breakdowns:
            _write(sheet, [breakdown.title], font=GROUP_FONT)
            for cell in breakdown.rows:
                _write(sheet, [cell.label] + _figure_values(cell.figure))
        set_widths(sheet, {1: 45, 7: 14}, default=12)
    progress(75)

    respondents = workbook.create_sheet(sheet_name(h.respondents, names))
    table = content.method.respondents
    _header(respondents, [h.category, *table.genders, h.total])
    for label, counts, total in table.rows:
        _write(respondents, [label, *counts, total])
    _write(respondents, [h.total, *table.totals, table.total], bold=True)
    _write(respondents, [])
    for label, value in ((h.districts, ", ".join(content.method.districts)),
                         (h.communities, ", ".join(content.method.communities)),
                         (h.channels, ", ".join(content.method.channels)), (h.period, content.method.period)):
        _write(respondents, [label, value])
    set_widths(respondents, {1: 40, 2: 14}, default=12)

    if content.comparison:
        comparison = workbook.create_sheet(sheet_name(h.comparison, names))
        _write(comparison, [content.comparison.note])
        _header(comparison, [h.code, h.indicator, h.previous + " (%)", h.rate + " (%)", h.change + " (pp)", h.p_value,
                             h.verdict])
        for item in content.comparison.rows:
            change = (None if item.previous.percent is None or item.current.percent is None
                      else item.current.percent - item.previous.percent)
            _write(comparison, [item.code, item.title, _round(item.previous.percent), _round(item.current.percent),
                                _round(change), item.p_value_text, item.verdict])
        set_widths(comparison, {2: 60}, default=12)

    recommendations = workbook.create_sheet(sheet_name(h.recommendations, names))
    _header(recommendations, ["#", h.recommendations, h.priority, h.addressee, h.activities])
    for item in content.recommendations:
        _write(recommendations, [item.number, item.text, item.priority, item.addressee, item.activities], wrap=True)
    set_widths(recommendations, {1: 5, 2: 80, 4: 30}, default=12)

    definitions = workbook.create_sheet(sheet_name(h.definitions, names))
    _header(definitions, [h.code, h.indicator, h.definition])
    for row in content.indicator_rows():
        _write(definitions, [row.code, row.title, row.definition], wrap=True)
    _write(definitions, [])
    for term, meaning in content.glossary:
        _write(definitions, ["", term, meaning], wrap=True)
    set_widths(definitions, {1: 18, 2: 50, 3: 80}, default=12)
    progress(85)

    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _figure_values(figure) -> list:
    return [_round(figure.percent), figure.numerator, figure.denominator, _round(figure.ci_low),
            _round(figure.ci_high), figure.text]


def _round(value):
    return None if value is None else round(float(value), 2)


def _write(sheet, values, *, title=False, bold=False, font=None, wrap=False) -> None:
    sheet.append([neutralise(value) for value in values])
    row = sheet.max_row
    for cell in sheet[row]:
        if title:
            cell.font = Font(bold=True, size=13)
        elif bold:
            cell.font = HEADER_FONT
        elif font is not None:
            cell.font = font
        if wrap:
            cell.alignment = Alignment(wrap_text=True, vertical="top")


def _header(sheet, labels) -> None:
    sheet.append([neutralise(label) for label in labels])
    row = sheet.max_row
    for cell in sheet[row]:
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
    sheet.freeze_panes = f"A{row + 1}"  # a string: sheet.cell() would create a row and shift the next append


