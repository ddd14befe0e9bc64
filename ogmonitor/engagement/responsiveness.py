"""How authorities answer what they are asked: figures per authority and per district, from the
proposals and payment-terminal requests the monitoring organisation keeps, and their exports.

The rules, the same for the page and both downloads (:func:`responsiveness` computes them once):

* A **proposal** is addressed to its authority once it has been submitted (``submitted_on`` set;
  drafts are not addressed to anyone yet). Its answer is due on ``answer_due``, its own number
  of days after submission. It is answered when ``answered_on`` is set, or when its status is
  past "acknowledged" (a decision is an answer, even one recorded without its date).
* A **payment-terminal request** is addressed to its authority on ``filed_on``. No deadline is
  recorded for it, so it gets the one the law gives for answering an appeal, the same period as
  proposals (``settings.PROPOSAL_ANSWER_DAYS``, 30 days). It is answered when ``answered_on`` is
  set or its outcome is no longer "awaiting an answer".
* Every addressed record falls in exactly one of: answered in time (on or before the due day:
  an answer on the last day is in time, as :meth:`Proposal.is_overdue` has it), answered late,
  answered on a day not recorded, overdue (unanswered and the due day has passed), awaiting (not
  answered, not yet due). So a row's five numbers add up to what was addressed.
* Days to answer = answered on − addressed on, for answers whose date is recorded; an
  authority's figure is the median of them.
* Accepted: a proposal accepted, partly accepted or implemented, a request promised or
  installed; "partly accepted" counts as accepted and is also shown on its own. Decided:
  accepted or rejected (refused). Share accepted = accepted ÷ decided, None when nothing has
  been decided yet, so "no decision" never reads as "0 % accepted".
* District: a record counts in the district of the authority it was addressed to; for an
  authority with no district (a national body), in the district of the community the proposal
  or request concerns; with neither, under "district not recorded" (None).

Visibility is the policy's: proposals as :func:`.proposals.visible_proposals`, requests as
:func:`~ogmonitor.accounts.policy.visible_projects` of their project, both for the user passed
in, so the public sees figures from published records only.

Terminal requests live in the logframe app, which imports engagement; the model is looked up
through the app registry instead of imported, so the dependency keeps pointing one way.
"""

import datetime as dt
import io
import statistics
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, fields

from django.apps import apps
from django.conf import settings
from django.db import models
from django.db.models import Count, DurationField, ExpressionWrapper, F, Q, QuerySet
from django.db.models.functions import Coalesce
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook

from ogmonitor.accounts.policy import visible_projects
from ogmonitor.lib import aztext, safe_csv
from ogmonitor.lib.spreadsheet import HEADER_FONT, append_row, set_widths, sheet_name
from ogmonitor.places.models import District, Organization

from .models import Proposal
from .proposals import visible_proposals

Status = Proposal.Status

#: Proposal statuses that count as accepted ("partly accepted" included; implemented follows acceptance).
ACCEPTED_STATUSES = (Status.ACCEPTED, Status.PARTLY_ACCEPTED, Status.IMPLEMENTED)
DECIDED_STATUSES = (*ACCEPTED_STATUSES, Status.REJECTED)

EXPORT_FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


class Kind(models.TextChoices):
    """Which records the figures are computed from."""

    ALL = "all", gettext_lazy("Proposals and payment-terminal requests")
    PROPOSALS = "proposals", gettext_lazy("Proposals only")
    TERMINAL_REQUESTS = "terminals", gettext_lazy("Payment-terminal requests only")


class Order(models.TextChoices):
    """How the tables are ordered; ties are broken by name, in Azerbaijani alphabetical order."""

    ADDRESSED = "addressed", gettext_lazy("Most addressed first")
    NAME = "name", gettext_lazy("By name")
    OVERDUE = "overdue", gettext_lazy("Most overdue first")
    MEDIAN_DAYS = "median_days", gettext_lazy("Quickest answers first")
    SHARE_ACCEPTED = "share_accepted", gettext_lazy("Highest share accepted first")


def answer_period() -> dt.timedelta:
    """The legal answer period, given to payment-terminal requests, which record no deadline."""
    return dt.timedelta(days=settings.PROPOSAL_ANSWER_DAYS)


# --- The figures ---------------------------------------------------------------------------------


@dataclass
class Figures:
    """How one authority (or district, or everyone) answered: counts, and the days each dated answer took."""

    addressed: int = 0
    answered_in_time: int = 0
    answered_late: int = 0
    answered_undated: int = 0
    overdue: int = 0
    awaiting: int = 0
    accepted: int = 0
    partly_accepted: int = 0
    decided: int = 0
    #: The overdue ones that are proposals: what the proposals list can show.
    overdue_proposals: int = 0
    days: list[int] = field(default_factory=list)

    @property
    def answered(self) -> int:
        return self.answered_in_time + self.answered_late + self.answered_undated

    @property
    def median_days(self) -> float | None:
        """The median of the days the dated answers took; a whole number when it is one (22, not 22.0)."""
        if not self.days:
            return None
        median = statistics.median(self.days)
        return int(median) if median == int(median) else median

    @property
    def share_accepted(self) -> float | None:
        """Accepted ÷ decided, between 0 and 1; None when nothing has been decided."""
        return self.accepted / self.decided if self.decided else None

    @property
    def percent_accepted(self) -> float | None:
        share = self.share_accepted
        return None if share is None else round(100 * share, 1)

    @classmethod
    def counted(cls, group: dict, names: Iterable[str]) -> "Figures":
        """The figures of one group of :meth:`_Source.grouped`: ``addressed`` and the ``names`` counted."""
        return cls(addressed=group["addressed"], **{name: group[name] for name in names})

    def add(self, other: "Figures") -> None:
        for name in COUNTS:
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.days.extend(other.days)


#: The counted fields of :class:`Figures` (all but the days).
COUNTS = tuple(item.name for item in fields(Figures) if item.name != "days")


@dataclass
class AuthorityRow:
    organization: Organization
    figures: Figures


@dataclass
class DistrictRow:
    district: District | None  # None: records whose district is not recorded
    figures: Figures


@dataclass
class Responsiveness:
    authorities: list[AuthorityRow]
    districts: list[DistrictRow]
    total: Figures


# --- Where they come from ------------------------------------------------------------------------


@dataclass
class _Source:
    """One kind of record: the visible, filtered records and what each count means for them."""

    records: QuerySet
    counts: dict[str, Q]  # Figures field → condition; "addressed" counts every record
    addressed_on: str  # the field the days to answer are counted from
    is_proposal: bool = False

    #: The district a record counts in (see the module's rules).
    DISTRICT = Coalesce("addressee__district", "community__district", output_field=models.IntegerField())

    def grouped(self) -> Iterator[dict]:
        """One dict of counts per (authority, district): one query."""
        aggregates = {name: Count("pk", filter=condition) for name, condition in self.counts.items()}
        return iter(
            self.records.order_by().values("addressee", district=self.DISTRICT).annotate(addressed=Count("pk"), **aggregates)
        )

    def answer_days(self) -> Iterator[tuple[int, int | None, int]]:
        """(authority, district, days to answer) of every dated answer: one query.

        Medians cannot be taken in SQL portably (PostgreSQL has ``percentile_cont``, SQLite
        nothing), so the two dates of each answered record are read: a small row each.
        """
        rows = self.records.filter(answered_on__isnull=False).order_by().values_list(
            "addressee", self.DISTRICT, self.addressed_on, "answered_on"
        )
        for addressee, district, addressed_on, answered_on in rows:
            yield addressee, district, (answered_on - addressed_on).days


def _proposal_source(user, today: dt.date, *, plan, since, until) -> _Source:
    records = (
        visible_proposals(user)
        .filter(submitted_on__isnull=False, addressee__isnull=False)
        .exclude(status=Status.DRAFT)
    )
    if plan is not None:
        records = records.filter(Q(activity__plan=plan) | Q(event__plan=plan))
    if since is not None:
        records = records.filter(submitted_on__gte=since)
    if until is not None:
        records = records.filter(submitted_on__lte=until)
    waiting = Q(answered_on__isnull=True, status__in=Proposal.AWAITING)
    return _Source(
        records,
        {
            "answered_in_time": Q(answered_on__lte=F("answer_due")),
            "answered_late": Q(answered_on__gt=F("answer_due")),
            "answered_undated": Q(answered_on__isnull=True) & ~Q(status__in=Proposal.AWAITING),
            "overdue": waiting & Q(answer_due__lt=today),
            "awaiting": waiting & Q(answer_due__gte=today),
            "accepted": Q(status__in=ACCEPTED_STATUSES),
            "partly_accepted": Q(status=Status.PARTLY_ACCEPTED),
            "decided": Q(status__in=DECIDED_STATUSES),
        },
        addressed_on="submitted_on",
        is_proposal=True,
    )


def _terminal_request_source(user, today: dt.date, *, plan, since, until) -> _Source:
    TerminalRequest = apps.get_model("logframe", "TerminalRequest")
    Outcome = TerminalRequest.Outcome
    period = answer_period()
    records = visible_projects(user, TerminalRequest.objects.all(), through="project").annotate(
        answer_delay=ExpressionWrapper(F("answered_on") - F("filed_on"), output_field=DurationField())
    )
    if plan is not None:
        records = records.filter(project__plan=plan)
    if since is not None:
        records = records.filter(filed_on__gte=since)
    if until is not None:
        records = records.filter(filed_on__lte=until)
    waiting = Q(answered_on__isnull=True, outcome=Outcome.PENDING)
    # Due on filed_on + period, so overdue (today past the due day) ⇔ filed_on < today − period.
    last_day_not_overdue = today - period
    return _Source(
        records,
        {
            "answered_in_time": Q(answer_delay__lte=period),
            "answered_late": Q(answer_delay__gt=period),
            "answered_undated": Q(answered_on__isnull=True) & ~Q(outcome=Outcome.PENDING),
            "overdue": waiting & Q(filed_on__lt=last_day_not_overdue),
            "awaiting": waiting & Q(filed_on__gte=last_day_not_overdue),
            "accepted": Q(outcome__in=(Outcome.PROMISED, Outcome.INSTALLED)),
            "decided": ~Q(outcome=Outcome.PENDING),
        },
        addressed_on="filed_on",
    )


def _sources(user, today, kind: str, **filters) -> list[_Source]:
    sources = []
    if kind in (Kind.ALL, Kind.PROPOSALS):
        sources.append(_proposal_source(user, today, **filters))
    if kind in (Kind.ALL, Kind.TERMINAL_REQUESTS):
        sources.append(_terminal_request_source(user, today, **filters))
    return sources


# --- The tables ------------------------------------------------------------------------------------


def responsiveness(
    user, *, today: dt.date, plan=None, since: dt.date | None = None, until: dt.date | None = None,
    kind: str = Kind.ALL, order: str = Order.ADDRESSED,
) -> Responsiveness:
    """The figures per authority, per district and in total, over the records ``user`` may see.

    ``plan`` keeps proposals whose NAP activity or event belongs to it and requests whose
    project serves it; ``since``/``until`` bound the day of submission (filing), both included;
    ``kind`` is a :class:`Kind`; ``order`` an :class:`Order` for both tables. Two queries per
    kind of record, plus one each for the authorities and the districts named.
    """
    by_authority: dict[int, Figures] = defaultdict(Figures)
    by_district: dict[int | None, Figures] = defaultdict(Figures)
    total = Figures()
    for source in _sources(user, today, kind, plan=plan, since=since, until=until):
        for group in source.grouped():
            figures = Figures.counted(group, source.counts)
            if source.is_proposal:
                figures.overdue_proposals = figures.overdue
            for accumulated in (by_authority[group["addressee"]], by_district[group["district"]], total):
                accumulated.add(figures)
        for addressee, district, days in source.answer_days():
            by_authority[addressee].days.append(days)
            by_district[district].days.append(days)
            total.days.append(days)

    organizations = Organization.objects.select_related("district").in_bulk(list(by_authority))
    districts = District.objects.in_bulk([pk for pk in by_district if pk is not None])
    authorities = [AuthorityRow(organizations[pk], figures) for pk, figures in by_authority.items()]
    district_rows = [DistrictRow(districts[pk], figures) for pk, figures in by_district.items() if pk is not None]
    unplaced = [DistrictRow(None, by_district[None])] if None in by_district else []
    return Responsiveness(
        authorities=ordered(authorities, order, name=lambda row: row.organization.name),
        districts=ordered(district_rows, order, name=lambda row: row.district.name) + unplaced,
        total=total,
    )


def ordered(rows: list, order: str, *, name: Callable[[object], str]) -> list:
    """``rows`` (each with ``figures``) in ``order``; ties, and rows lacking the figure (no
    decision, no dated answer), after the others in Azerbaijani alphabetical order of ``name``."""
    if order == Order.NAME:
        return aztext.sorted_az(rows, key=name)
    ascending = order == Order.MEDIAN_DAYS  # quickest first; every other figure highest first

    def key(row):
        value = getattr(row.figures, order)
        if value is None:
            return (1, 0, aztext.sort_key(name(row)))
        return (0, value if ascending else -value, aztext.sort_key(name(row)))

    return sorted(rows, key=key)


# --- Exports ---------------------------------------------------------------------------------------


def caveat() -> str:
    """The warning every view of these figures carries."""
    return _(
        "These figures come from the records the monitoring organisation keeps of its own proposals and "
        "requests; they are not official statistics, and an authority may have answered in ways not recorded here."
    )


def figure_headers() -> list[str]:
    return [
        _("Addressed"), _("Answered"), _("Answered in time"), _("Answered late"), _("Answered, date not recorded"),
        _("Overdue"), _("Awaiting, not yet due"), _("Median days to answer"), _("Accepted (including partly)"),
        _("Partly accepted"), _("Decided"), _("Share accepted (%)"),
    ]


def figure_values(figures: Figures) -> list:
    return [
        figures.addressed, figures.answered, figures.answered_in_time, figures.answered_late,
        figures.answered_undated, figures.overdue, figures.awaiting, figures.median_days, figures.accepted,
        figures.partly_accepted, figures.decided, figures.percent_accepted,
    ]


def authority_table(result: Responsiveness) -> tuple[list[str], list[list]]:
    """The authorities' table as (header, rows), the total last."""
    header = [_("Authority"), _("District"), *figure_headers()]
    rows = [
        [row.organization.name, row.organization.district.name if row.organization.district else "",
         *figure_values(row.figures)]
        for row in result.authorities
    ]
    rows.append([_("All authorities"), "", *figure_values(result.total)])
    return header, rows


def district_table(result: Responsiveness) -> tuple[list[str], list[list]]:
    """The districts' table as (header, rows), the total last."""
    header = [_("District"), *figure_headers()]
    rows = [
        [row.district.name if row.district else _("District not recorded"), *figure_values(row.figures)]
        for row in result.districts
    ]
    rows.append([_("All districts"), *figure_values(result.total)])
    return header, rows


def notes(filters: dict) -> list[tuple[str, str]]:
    """What the figures were computed from, as (label, value) lines for the workbook."""
    plan, since, until = filters.get("plan"), filters.get("since"), filters.get("until")
    kind = filters.get("kind") or Kind.ALL
    return [
        (_("Action plan"), str(plan) if plan is not None else _("All plans")),
        (_("Submitted or filed from"), date_format(since, "SHORT_DATE_FORMAT") if since else ""),
        (_("Submitted or filed until"), date_format(until, "SHORT_DATE_FORMAT") if until else ""),
        (_("Records"), str(Kind(kind).label)),
        (_("As of"), date_format(filters["today"], "SHORT_DATE_FORMAT")),
    ]


def method_lines() -> list[str]:
    """How the figures are counted, in the words the page uses."""
    return [
        _("A proposal counts from the day it was submitted to the authority; drafts are not counted. Its answer is due after the number of days recorded with it."),
        _("A payment-terminal request counts from the day it was filed. Its answer is due within the same legal period as a proposal’s, %(days)s days.")
        % {"days": settings.PROPOSAL_ANSWER_DAYS},
        _("In time: answered on or before the day the answer was due. Overdue: not answered, and that day has passed. Awaiting: not answered, and not yet due."),
        _("Median days to answer: half of the dated answers came sooner, half later. Answers whose date was not recorded are not in it."),
        _("Accepted: proposals accepted, partly accepted or implemented, and terminals promised or installed; partly accepted proposals are also shown on their own. Share accepted = accepted ÷ decided (accepted or rejected); a dash means nothing has been decided yet."),
        _("A record counts in the district of the authority it was addressed to; for an authority with no district, such as a national body, in the district of the community it concerns."),
    ]


def export_csv(result: Responsiveness) -> bytes:
    """Both tables in one CSV (UTF-8 with a byte-order mark): a first column says which table a
    row belongs to, so it stays one rectangle a spreadsheet can filter."""
    _authority_header, authority_rows = authority_table(result)
    _district_header, district_rows = district_table(result)
    header = [_("Table"), _("Name"), _("District"), *figure_headers()]
    authorities, districts = _("Authorities"), _("Districts")
    rows = [
        *([authorities, *row] for row in authority_rows),
        *([districts, row[0], "", *row[1:]] for row in district_rows),
    ]
    return safe_csv.csv_bytes(header, rows)


def _bold_row(sheet, values: Iterable) -> None:
    append_row(sheet, values)
    for cell in sheet[sheet.max_row]:
        cell.font = HEADER_FONT


def _table_sheet(workbook, title: str, header: list[str], rows: list[list], *, first: bool = False) -> None:
    sheet = workbook.active if first else workbook.create_sheet()
    sheet.title = sheet_name(title)
    append_row(sheet, header, header=True)
    for row in rows[:-1]:
        append_row(sheet, row)
    _bold_row(sheet, rows[-1])  # the total
    sheet.freeze_panes = "B2"
    set_widths(sheet, {1: 44})


def export_xlsx(result: Responsiveness, filters: dict) -> bytes:
    """Sheets: authorities, districts (each with its total row) and "About": the caveat, the
    filters and how the figures are counted."""
    workbook = Workbook()
    workbook.properties.title = _("Responsiveness of authorities")
    _table_sheet(workbook, _("Authorities"), *authority_table(result), first=True)
    _table_sheet(workbook, _("Districts"), *district_table(result))
    about = workbook.create_sheet(sheet_name(_("About")))
    _bold_row(about, [_("Responsiveness of authorities")])
    append_row(about, [caveat()])
    append_row(about, [])
    for label, value in notes(filters):
        append_row(about, [label, value])
    append_row(about, [])
    for line in method_lines():
        append_row(about, [line])
    set_widths(about, {1: 32, 2: 40})
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def export(result: Responsiveness, fmt: str, filters: dict) -> bytes:
    """Both tables in ``fmt`` (a key of :data:`EXPORT_FORMATS`)."""
    if fmt == "csv":
        return export_csv(result)
    if fmt == "xlsx":
        return export_xlsx(result, filters)
    raise ValueError(f"Unknown export format: {fmt}")
