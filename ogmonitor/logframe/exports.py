"""A project's progress as an Excel workbook (openpyxl) and as a one-page PDF brief (WeasyPrint).

The workbook has a "Progress" sheet — the project's facts, then one row per indicator with every
column the page shows, numbers written as numbers — and one sheet per indicator counted per
target municipality (its grid). The brief is an A4 page: the project's facts, its key figures
and a compact table of the indicators, in Azerbaijani or English.

Both read :func:`.progress.project_progress`, so they show the page's numbers.
"""

import datetime as dt
import io

from django.template.loader import render_to_string
from django.utils import translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from weasyprint import HTML
from weasyprint.urls import URLFetcher

from ogmonitor.engagement.events import people_reached
from ogmonitor.lib.spreadsheet import (
    HEADER_FILL,
    HEADER_FONT,
    neutralise,
    set_widths,
    sheet_name,
)

from . import measures
from .progress import ProjectProgress, project_progress

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

STATE_FILLS = {
    "met": PatternFill("solid", fgColor="D8EEDD"),
    "partial": PatternFill("solid", fgColor="FFF0D2"),
    "none": PatternFill("solid", fgColor="F8DADA"),
}


def file_name(project, extension: str) -> str:
    return f"{project.slug}-progress-{dt.date.today():%Y-%m-%d}.{extension}"


def _append(sheet, values, *, font=None, fill=None) -> None:
    sheet.append([neutralise(value) for value in values])
    for cell in sheet[sheet.max_row]:
        if font is not None:
            cell.font = font
        if fill is not None:
            cell.fill = fill


def _header(sheet, labels) -> None:
    _append(sheet, labels, font=HEADER_FONT, fill=HEADER_FILL)
    sheet.freeze_panes = f"A{sheet.max_row + 1}"


def _number(value):
    """A Decimal as an int or a float, so the spreadsheet gets a number."""
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def project_facts(project) -> list[tuple[str, str]]:
    """(label, text) pairs of the project's header, in the active language."""
    facts = [
        (_("Implementing organisation"), project.organization.name),
        (_("Period"), f"{date_format(project.starts_on, 'DATE_FORMAT')} – {date_format(project.ends_on, 'DATE_FORMAT')}"),
    ]
    if project.donor_id:
        facts.append((_("Donor"), project.donor.name))
    if project.programme:
        facts.append((_("Programme"), project.programme))
    if project.plan_id:
        facts.append((_("National Action Plan"), project.plan.title))
    return facts


def progress_workbook(progress: ProjectProgress) -> bytes:
    """The workbook of ``progress`` in the active language."""
    project = progress.project
    workbook = Workbook()
    taken: set[str] = set()
    sheet = workbook.active
    sheet.title = sheet_name(_("Progress"), taken)
    _append(sheet, [project.title], font=Font(bold=True, size=13))
    for label, text in project_facts(project):
        _append(sheet, [label, text])
    _append(sheet, [_("As of"), date_format(progress.today, "DATE_FORMAT")])
    if project.source_note:
        _append(sheet, [_("Note on sources"), project.source_note])
    _append(sheet, [])
    _header(sheet, [
        _("Objective"), _("Activity"), _("Expected result"), _("Code"), _("Indicator"), _("Unit"),
        _("Kind of target"), _("Target"), _("Target (number or lower end)"), _("Upper end of range"),
        _("Baseline"), _("Actual"), _("% of target"), _("Met"), _("Status"), _("Due by"),
        _("Actual value from"), _("Where the value comes from"),
    ])
    for objective, activity, item in _rows(progress):
        indicator = item.indicator
        evaluation = item.evaluation
        _append(sheet, [
            str(objective) if objective else "",
            f"{activity.code} {activity.title}" if activity else "",
            indicator.result.text if indicator.result_id else "",
            indicator.code,
            indicator.title,
            indicator.unit,
            indicator.get_target_kind_display(),
            item.target_text,
            _number(indicator.target),
            _number(indicator.target_max),
            _number(indicator.baseline),
            _number(item.measure.value),
            None if evaluation.percent is None else round(float(evaluation.percent), 1),
            _("yes") if evaluation.met else _("no"),
            item.status_label,
            item.due,
            indicator.get_source_display(),
            item.measure.description,
        ])
        sheet.cell(row=sheet.max_row, column=16).number_format = "yyyy-mm-dd"
    set_widths(sheet, {1: 30, 2: 40, 3: 40, 5: 50, 18: 80}, default=12)

    for item in progress.all_indicators():
        grid = item.grid
        if grid is None:
            continue
        grid_sheet = workbook.create_sheet(sheet_name(_("Grid %(code)s") % {"code": item.indicator.code}, taken))
        _append(grid_sheet, [f"{item.indicator.code} {item.indicator.title}"], font=Font(bold=True, size=13))
        _append(grid_sheet, [_("Each target municipality counts for at most %(per)s.") % {"per": grid.per}])
        _append(grid_sheet, [])
        _header(grid_sheet, [_("Municipality"), _("Records"), _("Counted"), _("State")])
        labels = {"met": _("met"), "partial": _("partly"), "none": _("none")}
        for cell in grid.cells:
            _append(grid_sheet, [cell.municipality.name, cell.count, cell.counted, labels[cell.state]],
                    fill=STATE_FILLS[cell.state])
        _append(grid_sheet, [_("Total"), grid.raw_total, grid.total, ""], font=HEADER_FONT)
        set_widths(grid_sheet, {1: 45}, default=12)

    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _rows(progress: ProjectProgress):
    """(objective, activity, indicator progress) in the page's order."""
    for item in progress.indicators:
        yield None, None, item
    for group in progress.objectives:
        for activity in group.activities:
            for item in activity.all_indicators:
                yield group.objective, activity.activity, item


# --- The one-page brief ---------------------------------------------------------------------------


class NoFetching(URLFetcher):
    """The brief loads nothing: not the network, not the server's disk, whatever a title contains."""

    def __init__(self):
        super().__init__(allowed_protocols=set())

    def fetch(self, url, headers=None):
        raise ValueError(f"The brief may not load {url[:80]!r}")


#: Font sizes (pt) tried in turn until the brief fits on one page.
DENSITIES = (9, 8, 7, 6)


def key_figures(progress: ProjectProgress) -> list[tuple[str, str]]:
    """(number, label) of the brief's headline: indicators met and behind, events, people, proposals."""
    counts = progress.status_counts()
    total = sum(counts.values())
    events = progress.scope.events()
    figures = [
        (f"{counts['met']} / {total}", _("indicators met")),
        (str(counts["behind"]), _("indicators behind")),
        (str(events.count()), _("events held")),
        (str(people_reached(events).total), _("people reached")),
        (measures.format_number(measures.proposals_submitted(None, progress.scope, progress.today).value),
         _("proposals submitted")),
    ]
    return figures


def progress_brief(project, language: str, today: dt.date) -> bytes:
    """The one-page PDF brief of ``project`` in ``language`` ("az" or "en")."""
    with translation.override(language):
        progress = project_progress(project, today)
        context = {
            "project": project,
            "progress": progress,
            "facts": project_facts(project),
            "figures": key_figures(progress),
            "rows": list(_rows(progress)),
            "today": today,
            "language": language,
        }
        for size in DENSITIES:
            html = render_to_string("logframe/brief.html", {**context, "font_size": size})
            document = HTML(string=html, url_fetcher=NoFetching()).render()
            if len(document.pages) == 1:
                break
        # The smallest size is kept even if it spills over: a second page beats a missing row.
        return document.write_pdf()
