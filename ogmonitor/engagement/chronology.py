"""The chronology of a National Action Plan's co-creation and implementation: events in date order
with their organisers and numbered sources, filtered, and exported as CSV or XLSX.

The page and both exports read the same queryset (:func:`chronology_events`), so what a visitor
sees on screen and in the spreadsheet are the same events in the same order.
"""

import datetime as dt
import io
from collections.abc import Callable, Iterator

from django.db.models import F, Prefetch, QuerySet
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from ogmonitor.lib import safe_csv
from ogmonitor.lib.spreadsheet import neutralise, sheet_name
from ogmonitor.places.models import Organization

# One rule for who sees unpublished events, shared with the event pages: staff see them all.
from .events import visible_events  # noqa: F401  (re-exported for the chronology views)
from .models import Event, EventSource

EXPORT_FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def chronology_events(
    events: QuerySet, *, plan=None, type: str = "", actor: Organization | None = None, year: int | None = None,
) -> QuerySet:
    """``events`` narrowed by plan, type, organiser and year, in chronological order.

    Same-day events are ordered by time, those whose time is unknown last (a bare date says
    "sometime that day", which reads best after the timed ones). Organisers and sources are
    prefetched, so a page of any length costs the same few queries.
    """
    if plan is not None:
        events = events.filter(plan=plan)
    if type:
        events = events.filter(type=type)
    if actor is not None:
        events = events.filter(organizers=actor)
    if year:
        events = events.filter(date__year=year)
    return (
        events.select_related("plan", "district", "municipality", "platform")
        .prefetch_related(
            Prefetch("organizers", queryset=Organization.objects.order_by_name()),
            Prefetch("sources", queryset=EventSource.objects.order_by("position", "footnote", "pk")),
        )
        .order_by("date", F("time").asc(nulls_last=True), "pk")
    )


def filter_choices(events: QuerySet) -> dict:
    """What the filters can offer for ``events``: the types, organisers and years that occur."""
    present = set(events.order_by().values_list("type", flat=True).distinct())
    return {
        "types": [(value, label) for value, label in Event.Type.choices if value in present],
        "actors": Organization.objects.filter(organized_events__in=events.order_by().values("pk")).distinct().order_by_name(),
        "years": [day.year for day in events.order_by().dates("date", "year")],
    }


# --- Export -------------------------------------------------------------------------------------


def export_header() -> list[str]:
    return [
        _("Date"), _("Time"), _("End date"), _("Type"), _("Status"), _("Title"), _("Organisers"),
        _("Place"), _("District"), _("Municipality"), _("Action plan"), _("Summary"), _("Sources"), _("Address"),
    ]


def source_line(number: int, source: EventSource) -> str:
    """One source as the export writes it: ``[5] https://… (title as archived)``."""
    line = f"[{source.footnote or number}] {source.url}"
    if source.title:
        line += f" ({source.title})"
    if source.archive_url:
        line += " " + _("archived copy: %(url)s") % {"url": source.archive_url}
    return line


def export_rows(events: QuerySet, link: Callable[[Event], str] | None = None) -> Iterator[list]:
    """One row per event (dates and times as values, the rest as text in the active language);
    its sources are joined into one cell, one per line. ``link`` gives each event's address."""
    for event in events:
        sources = "\n".join(source_line(number, source) for number, source in enumerate(event.sources.all(), 1))
        yield [
            event.date,
            event.time,
            event.end_date,
            event.get_type_display(),
            event.get_status_display(),
            event.title,
            "; ".join(str(organization) for organization in event.organizers.all()),
            event.place,
            str(event.district or ""),
            str(event.municipality or ""),
            str(event.plan or ""),
            event.summary,
            sources,
            link(event) if link else "",
        ]


def _csv_value(value):
    if value is None:
        return ""
    if isinstance(value, dt.time):
        return value.strftime("%H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def export_csv(events: QuerySet, link: Callable[[Event], str] | None = None) -> bytes:
    """The chronology as CSV in UTF-8 with a byte-order mark, so Excel shows ə, ş, ğ… correctly."""
    rows = ([_csv_value(value) for value in row] for row in export_rows(events, link))
    return safe_csv.csv_bytes(export_header(), rows)


def export_xlsx(events: QuerySet, link: Callable[[Event], str] | None = None) -> bytes:
    """The chronology as an Excel workbook: real date and time cells, wrapped text, frozen header."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = sheet_name(_("Chronology"))
    sheet.append(export_header())
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    wrap = Alignment(wrap_text=True, vertical="top")
    for row in export_rows(events, link):
        sheet.append([neutralise(value) if value not in (None, "") else None for value in row])
        for cell in sheet[sheet.max_row]:
            cell.alignment = wrap
        sheet.cell(sheet.max_row, 1).number_format = "yyyy-mm-dd"
        sheet.cell(sheet.max_row, 2).number_format = "hh:mm"
        sheet.cell(sheet.max_row, 3).number_format = "yyyy-mm-dd"
    for letter, width in {"A": 12, "B": 7, "C": 12, "D": 22, "E": 11, "F": 50, "G": 40, "L": 70, "M": 80}.items():
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def export(events: QuerySet, fmt: str, link: Callable[[Event], str] | None = None) -> bytes:
    """The chronology in ``fmt`` (a key of :data:`EXPORT_FORMATS`)."""
    if fmt == "csv":
        return export_csv(events, link)
    if fmt == "xlsx":
        return export_xlsx(events, link)
    raise ValueError(f"Unknown export format: {fmt}")
