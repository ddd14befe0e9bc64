"""XLSX exports of the transparency rankings and of one organisation's checklist (openpyxl).

Written in the active language; numbers are numbers and dates are dates, so the workbook can be
sorted and charted. Text a spreadsheet would read as a formula (a title typed as "=…") gets a
leading apostrophe, as in the reports' annex (``reports.renderers.xlsx``, a higher app this one
may not import).
"""

import io

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from openpyxl import Workbook

from ogmonitor.lib.spreadsheet import HEADER_FONT, append_row, set_widths, sheet_name

DATE_FORMAT = "DD.MM.YYYY"


def _number(value):
    return None if value is None else float(value)


def _sheet(workbook, title: str, first: bool = False):
    title = sheet_name(title)
    if first:
        sheet = workbook.active
        sheet.title = title
        return sheet
    return workbook.create_sheet(title)


def _row(sheet, values, *, bold: bool = False) -> None:
    append_row(sheet, values, date_format=DATE_FORMAT)
    if bold:
        for cell in sheet[sheet.max_row]:
            cell.font = HEADER_FONT


def _header(sheet, labels) -> None:
    append_row(sheet, labels, header=True, date_format=DATE_FORMAT)
    sheet.freeze_panes = f"A{sheet.max_row + 1}"


def _save(workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _moment_label(moment) -> str:
    day = date_format(moment.as_of, "DATE_FORMAT")
    if moment.period is None:
        return day
    return f"{moment.period.name} ({day})"


def _method_lines() -> list[str]:
    return [
        _("Index = 100 × the sum of the weights of the items published and current on the day ÷ the sum of the weights of all items expected from the organisation."),
        _("An item is current if it was published on or before the day and, when it expires, no more days before the day than it stays current."),
        _("Organisations with the same index share a rank (1, 1, 3); tied organisations are listed in alphabetical order."),
        _("A district's index is the mean index of its municipalities; n is how many municipalities it is the mean of."),
    ]


def ranking_workbook(ranking, district=None) -> bytes:
    """Sheets: municipalities, community-based organisations, districts, and how it is computed."""
    workbook = Workbook()
    change_label = _("Change since the previous period (points)")
    columns = [
        _("Rank"), _("Organisation"), _("District"), _("Index"),
        _("Index at the previous period"), change_label, _("Publications"),
        _("Items current"), _("Items no longer current"), _("Items not published"),
    ]
    sheets = [
        (_("Municipalities"), ranking.municipalities),
        (_("Community-based organisations"), ranking.community_organizations),
    ]
    for position, (title, rows) in enumerate(sheets):
        sheet = _sheet(workbook, title, first=position == 0)
        _header(sheet, columns)
        for row in rows:
            _row(sheet, [
                row.rank, row.organization.name, row.organization.district.name if row.organization.district else "",
                _number(row.index), _number(row.previous.index if row.previous else None), _number(row.change),
                row.score.publications, row.score.current, row.score.stale, row.score.missing,
            ])
        set_widths(sheet, {2: 48, 3: 18, 6: 18})

    districts = _sheet(workbook, _("Districts"))
    _header(districts, [_("Rank"), _("District"), _("Mean index of its municipalities"), _("n (municipalities)"), change_label])
    for row in ranking.districts:
        _row(districts, [row.rank, row.district.name, _number(row.mean), row.count, _number(row.change)])
    set_widths(districts, {2: 24, 3: 20, 5: 18})

    about = _sheet(workbook, _("About"))
    _row(about, [_("Transparency ranking")], bold=True)
    _row(about, [_("As of"), _moment_label(ranking.moment)])
    _row(about, [_("Previous period"), _moment_label(ranking.previous) if ranking.previous else ""])
    _row(about, [_("District"), district.name if district is not None else _("All districts")])
    _row(about, [])
    for line in _method_lines():
        _row(about, [line])
    set_widths(about, {1: 24, 2: 40})
    return _save(workbook)


def checklist_workbook(sheet, series) -> bytes:
    """Sheets: the organisation's checklist on the day, and its index at the end of each period."""
    workbook = Workbook()
    organization = sheet.organization
    main = _sheet(workbook, _("Checklist"), first=True)
    _row(main, [organization.name], bold=True)
    _row(main, [_("As of"), sheet.as_of])
    _row(main, [_("Index"), _number(sheet.score.index)])
    _row(main, [])
    _header(main, [
        _("Category"), _("Information item"), _("Weight"), _("Stays current for (days)"), _("State"),
        _("Published on"), _("Channel"), _("Link"), _("What was published"), _("Current until"),
        _("Times published"), _("Verified by"), _("Verified on"),
    ])
    for row in sheet.rows:
        publication = row.publication
        _row(main, [
            row.item.category.name, row.item.name, _number(row.item.weight), row.item.current_for_days,
            row.state.label,
            publication.published_on if publication else None,
            publication.get_channel_display() if publication else "",
            publication.url if publication else "",
            publication.title if publication else "",
            row.expires_on,
            row.count,
            _verifier(publication),
            publication.verified_on if publication else None,
        ])
    set_widths(main, {1: 24, 2: 48, 8: 40, 9: 36, 12: 20})

    over_time = _sheet(workbook, _("Over time"))
    _header(over_time, [_("Period"), _("As of"), _("Index"), _("Items current"), _("Publications")])
    for moment, score in series:
        _row(over_time, [moment.period.name if moment.period else _("Today"), moment.as_of,
                         _number(score.index), score.current, score.publications])
    set_widths(over_time, {1: 24})

    about = _sheet(workbook, _("About"))
    for line in _method_lines()[:2]:
        _row(about, [line])
    return _save(workbook)


def _verifier(publication) -> str:
    if publication is None or publication.verified_by is None:
        return ""
    user = publication.verified_by
    return user.get_full_name() or user.get_username()
