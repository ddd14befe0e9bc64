"""An indicator's actual value, counted from ogmonitor's records, with where it comes from.

Every :class:`~ogmonitor.logframe.models.Indicator.Source` has a function here returning a
:class:`Measure`: the value, a sentence saying what was counted ("12 events of type practical
consultation held between 2 March 2022 and 31 July 2022 by Umid"), the records themselves (a
lazy queryset, so the page can list them without costing a query until it does) and, for
indicators set per target municipality, the :class:`Grid`.

**What belongs to a project.** Records dated within the project's period (``starts_on`` to
``ends_on``), kept by the implementing organisation or — for events — organised by it, and
placed in the project's target area. The place is judged by the most precise one a record
gives: its municipality must be a target municipality; failing that its community a target
community (or the community of a target municipality); failing that its district a target
district (or the district of a target community or municipality). A record with no place at
all (an online workshop for every target group) belongs to the project: leaving it out would
lose exactly the events the seed plans for everyone. A project with no target places at all
counts records anywhere.

**Per target municipality.** "2 consultations in each of 12 municipalities" is not met by
24 consultations in one of them. When ``per_municipality`` is set, each target municipality
contributes at most that many records, and the actual is ``Σ min(count, per_municipality)``;
so 3 consultations in Quba and none in Xaçmaz give 2, not 3, and the grid shows Xaçmaz empty.
Records with no target municipality (an online event for all) cannot fill any municipality's
cell and do not count for such an indicator.

**Counted, not only published.** Values count every record of the project, published or not
(an internal meeting is still a meeting held); pages that list the records to the public show
the published ones and say how many are not public.

All counting is done in the database: one aggregate query per indicator (three for people
reached: the events, the named and the counted participants), plus the few queries that load
the project's target places once (:class:`ProjectScope`). The page's query count therefore does not grow with the records.
"""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Prefetch, Q, QuerySet, Sum
from django.urls import NoReverseMatch, reverse
from django.utils.formats import date_format, number_format
from django.utils.http import urlencode
from django.utils.text import get_text_list
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ogmonitor.disclosure.models import Publication
from ogmonitor.engagement.events import people_reached as reached_by
from ogmonitor.engagement.models import DialoguePlatform, Event, PressPublication, Proposal
from ogmonitor.places.models import Community, District, Organization

from .models import Indicator, ManualValue, OnlinePaymentAssistance, Project, TerminalRequest

Source = Indicator.Source


# --- Results ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class GridCell:
    """One target municipality's records for a per-municipality indicator."""

    municipality: Organization
    count: int
    per: int

    @property
    def counted(self) -> int:
        """What this municipality contributes to the actual: at most ``per``."""
        return min(self.count, self.per)

    @property
    def state(self) -> str:
        """``met`` (at least ``per``), ``partial`` (some) or ``none``."""
        if self.count >= self.per:
            return "met"
        return "partial" if self.count else "none"


@dataclass(frozen=True)
class Grid:
    """Records per target municipality, each capped at ``per`` (see the module's docstring)."""

    per: int
    cells: list[GridCell]

    @property
    def total(self) -> int:
        """The capped sum: the indicator's actual."""
        return sum(cell.counted for cell in self.cells)

    @property
    def raw_total(self) -> int:
        return sum(cell.count for cell in self.cells)

    @property
    def met_count(self) -> int:
        return sum(1 for cell in self.cells if cell.state == "met")


@dataclass
class Measure:
    """An indicator's actual value, what was counted, and the records counted."""

    source: str
    value: Decimal | None
    description: str
    #: The records counted: a lazy queryset (or a list for hand-entered values).
    records: QuerySet | list = field(default_factory=list)
    #: A page elsewhere in ogmonitor listing such records ('' when there is none).
    link: str = ""
    grid: Grid | None = None
    #: For hand-entered values: the value used (the latest up to today).
    manual: ManualValue | None = None


def _url(name: str, query: dict | None = None, args: list | None = None) -> str:
    """The URL of ``name`` with ``query``, or '' while that page does not exist (yet)."""
    try:
        url = reverse(name, args=args)
    except NoReverseMatch:
        return ""
    query = {key: value for key, value in (query or {}).items() if value not in ("", None)}
    return f"{url}?{urlencode(query)}" if query else url


def _day(value: dt.date) -> str:
    return date_format(value, "DATE_FORMAT")


# --- The project's scope ----------------------------------------------------------------------


class ProjectScope:
    """The project's period, organisation and target places, loaded once for all its indicators."""

    def __init__(self, project: Project):
        self.project = project
        self.start, self.end = project.starts_on, project.ends_on
        self.organization = project.organization
        self.municipalities: list[Organization] = list(project.municipalities.order_by_name())
        self.municipality_ids = {municipality.pk for municipality in self.municipalities}
        direct_communities = set(project.communities.values_list("pk", flat=True))
        self.community_ids = direct_communities | {
            municipality.community_id for municipality in self.municipalities if municipality.community_id
        }
        self.districts: list[District] = list(
            District.objects.filter(
                Q(pk__in=project.districts.values("pk"))
                | Q(pk__in=Community.objects.filter(pk__in=self.community_ids).values("district_id"))
                | Q(pk__in={municipality.district_id for municipality in self.municipalities if municipality.district_id})
            ).order_by_name()
        )
        self.district_ids = {district.pk for district in self.districts}
        #: The target municipality serving each community, for events placed by community only.
        self.municipality_of_community = {
            municipality.community_id: municipality.pk
            for municipality in self.municipalities if municipality.community_id
        }

    @property
    def has_places(self) -> bool:
        return bool(self.municipality_ids or self.community_ids or self.district_ids)

    @property
    def organization_name(self) -> str:
        return self.organization.short_name or self.organization.name

    def place_q(self, prefix: str = "") -> Q:
        """Records placed in the target area, or placed nowhere (see the module's docstring)."""
        if not self.has_places:
            return Q()
        municipality, community, district = f"{prefix}municipality", f"{prefix}community", f"{prefix}district"
        unplaced = {f"{municipality}__isnull": True, f"{community}__isnull": True}
        return (
            Q(**{f"{municipality}__in": self.municipality_ids})
            | Q(**{f"{municipality}__isnull": True, f"{community}__in": self.community_ids})
            | Q(**unplaced, **{f"{district}__in": self.district_ids})
            | Q(**unplaced, **{f"{district}__isnull": True})
        )

    def events(self, event_type: str = "", event_format: str = "") -> QuerySet:
        """Events held in the period by (or with) the implementing organisation, in the target area."""
        organised = Event.organizers.through.objects.filter(organization_id=self.organization.pk).values("event_id")
        events = Event.objects.filter(
            Q(organization_id=self.organization.pk) | Q(pk__in=organised),
            status=Event.Status.HELD,
            date__range=(self.start, self.end),
        ).filter(self.place_q())
        if event_type:
            events = events.filter(type=event_type)
        if event_format:
            events = events.filter(format=event_format)
        return events

    def events_sentence(self, count: int, event_type: str, event_format: str) -> str:
        values = {
            "count": count,
            "start": _day(self.start),
            "end": _day(self.end),
            "organization": self.organization_name,
        }
        if event_type:
            values["type"] = _type_label(event_type)
            text = ngettext(
                "%(count)s event of type “%(type)s” held between %(start)s and %(end)s by %(organization)s.",
                "%(count)s events of type “%(type)s” held between %(start)s and %(end)s by %(organization)s.",
                count,
            ) % values
        else:
            text = ngettext(
                "%(count)s event held between %(start)s and %(end)s by %(organization)s.",
                "%(count)s events held between %(start)s and %(end)s by %(organization)s.",
                count,
            ) % values
        if event_format:
            text += " " + _("Only events held %(format)s count.") % {"format": _format_label(event_format)}
        return text


def _type_label(code: str) -> str:
    return str(dict(Event.Type.choices).get(code, code))


def _format_label(code: str) -> str:
    return str(dict(Event.Format.choices).get(code, code))


def _grid(scope: ProjectScope, per: int, counts: dict[int, int]) -> Grid:
    return Grid(
        per=per,
        cells=[GridCell(municipality, counts.get(municipality.pk, 0), per) for municipality in scope.municipalities],
    )


def _grid_sentence(grid: Grid) -> str:
    sentences = [
        ngettext(
            "Each of the %(municipalities)s target municipality counts for at most %(per)s, so that extra records in one do not hide a missing one in another.",
            "Each of the %(municipalities)s target municipalities counts for at most %(per)s, so that extra records in one do not hide a missing one in another.",
            len(grid.cells),
        ) % {"municipalities": len(grid.cells), "per": grid.per},
        ngettext(
            "%(counted)s of %(count)s record counts.",
            "%(counted)s of %(count)s records count.",
            grid.raw_total,
        ) % {"counted": grid.total, "count": grid.raw_total},
        ngettext(
            "%(met)s municipality has reached %(per)s.",
            "%(met)s municipalities have reached %(per)s.",
            grid.met_count,
        ) % {"met": grid.met_count, "per": grid.per},
    ]
    return " ".join(sentences)


# --- One function per source ---------------------------------------------------------------------


def events_held(indicator: Indicator, scope: ProjectScope, today: dt.date) -> Measure:
    """Events of the indicator's type (and format, if set) held within the project."""
    events = scope.events(indicator.event_type, indicator.event_format)
    link = _url("engagement:events", {
        "type": indicator.event_type,
        "status": Event.Status.HELD,
        "year": scope.start.year if scope.start.year == scope.end.year else "",
    })
    if indicator.per_municipality:
        by_place = list(events.order_by().values("municipality_id", "community_id").annotate(number=Count("pk")))
        counts: dict[int, int] = {}
        for row in by_place:
            municipality = row["municipality_id"]
            if municipality is None:
                municipality = scope.municipality_of_community.get(row["community_id"])
            if municipality in scope.municipality_ids:
                counts[municipality] = counts.get(municipality, 0) + row["number"]
        grid = _grid(scope, indicator.per_municipality, counts)
        count = sum(row["number"] for row in by_place)
        description = scope.events_sentence(count, indicator.event_type, indicator.event_format)
        return Measure(
            Source.EVENTS, Decimal(grid.total), f"{description} {_grid_sentence(grid)}", events, link, grid
        )
    count = events.count()
    description = scope.events_sentence(count, indicator.event_type, indicator.event_format)
    return Measure(Source.EVENTS, Decimal(count), description, events, link)


def people_reached(indicator: Indicator, scope: ProjectScope, today: dt.date) -> Measure:
    """People reached at the counted events: named people once, counted participants added."""
    events = scope.events(indicator.event_type, indicator.event_format)
    reached = reached_by(events)
    event_count = events.count()
    description = " ".join([
        scope.events_sentence(event_count, indicator.event_type, indicator.event_format),
        ngettext(
            "They reached %(count)s person: %(named)s named people counted once however many events they attended, and %(counted)s counted participants.",
            "They reached %(count)s people: %(named)s named people counted once however many events they attended, and %(counted)s counted participants.",
            reached.total,
        ) % {"count": reached.total, "named": reached.named, "counted": reached.counted},
    ])
    link = _url("engagement:events", {"type": indicator.event_type, "status": Event.Status.HELD})
    return Measure(Source.PEOPLE_REACHED, Decimal(reached.total), description, events, link)


def proposals_submitted(indicator: Indicator, scope: ProjectScope, today: dt.date) -> Measure:
    """Proposals past draft, submitted in the period, recorded by the organisation or raised at its events."""
    project_events = scope.events().values("pk")
    proposals = (
        Proposal.objects.exclude(status=Proposal.Status.DRAFT)
        .filter(submitted_on__range=(scope.start, scope.end))
        .filter(Q(organization_id=scope.organization.pk) | Q(event__in=project_events))
    )
    if scope.has_places:
        proposals = proposals.filter(Q(community__isnull=True) | Q(community__in=scope.community_ids))
    count = proposals.count()
    description = ngettext(
        "%(count)s proposal submitted to the authorities between %(start)s and %(end)s, recorded by %(organization)s or raised at its events.",
        "%(count)s proposals submitted to the authorities between %(start)s and %(end)s, recorded by %(organization)s or raised at its events.",
        count,
    ) % {"count": count, "start": _day(scope.start), "end": _day(scope.end), "organization": scope.organization_name}
    return Measure(Source.PROPOSALS_SUBMITTED, Decimal(count), description, proposals, _url("engagement:proposals"))


def platforms_created(indicator: Indicator, scope: ProjectScope, today: dt.date) -> Measure:
    """Dialogue platforms founded in the period in the project's districts."""
    platforms = DialoguePlatform.objects.filter(founded_on__range=(scope.start, scope.end))
    if scope.district_ids:
        platforms = platforms.filter(district__in=scope.district_ids)
    count = platforms.count()
    values = {"count": count, "start": _day(scope.start), "end": _day(scope.end)}
    if scope.districts:
        values["districts"] = get_text_list([district.name for district in scope.districts], _("and"))
        description = ngettext(
            "%(count)s dialogue platform founded between %(start)s and %(end)s in %(districts)s.",
            "%(count)s dialogue platforms founded between %(start)s and %(end)s in %(districts)s.",
            count,
        ) % values
    else:
        description = ngettext(
            "%(count)s dialogue platform founded between %(start)s and %(end)s.",
            "%(count)s dialogue platforms founded between %(start)s and %(end)s.",
            count,
        ) % values
    return Measure(Source.PLATFORMS_CREATED, Decimal(count), description, platforms, _url("engagement:platforms"))


def disclosure_published(indicator: Indicator, scope: ProjectScope, today: dt.date) -> Measure:
    """Information items the target municipalities published in the period."""
    publications = Publication.objects.filter(
        organization__in=scope.municipality_ids, published_on__range=(scope.start, scope.end)
    )
    counts = dict(
        publications.order_by().values("organization_id").annotate(number=Count("pk")).values_list("organization_id", "number")
    )
    count = sum(counts.values())
    description = ngettext(
        "%(count)s information item published between %(start)s and %(end)s by the project's target municipalities (%(municipalities)s).",
        "%(count)s information items published between %(start)s and %(end)s by the project's target municipalities (%(municipalities)s).",
        count,
    ) % {"count": count, "start": _day(scope.start), "end": _day(scope.end), "municipalities": len(scope.municipalities)}
    grid = _grid(scope, indicator.per_municipality, counts) if indicator.per_municipality else None
    value = grid.total if grid else count
    if grid:
        description = f"{description} {_grid_sentence(grid)}"
    return Measure(Source.DISCLOSURE_PUBLISHED, Decimal(value), description, publications, _url("disclosure:ranking"), grid)


def families_paying_online(indicator: Indicator, scope: ProjectScope, today: dt.date) -> Measure:
    """Families helped to pay online, summed over the project's assistance records."""
    records = OnlinePaymentAssistance.objects.filter(project=scope.project)
    totals = records.aggregate(families=Sum("families"), records=Count("pk"))
    families = totals["families"] or 0
    description = " ".join([
        ngettext(
            "%(count)s family helped to pay bills online.", "%(count)s families helped to pay bills online.", families,
        ) % {"count": families},
        ngettext(
            "Recorded in %(records)s entry of the project.", "Recorded in %(records)s entries of the project.",
            totals["records"],
        ) % {"records": totals["records"]},
    ])
    link = _url("logframe:outreach", args=[scope.project.slug])
    return Measure(Source.FAMILIES_PAYING_ONLINE, Decimal(families), description, records, link)


def terminal_requests(indicator: Indicator, scope: ProjectScope, today: dt.date) -> Measure:
    """Requests for payment terminals the project filed."""
    records = TerminalRequest.objects.filter(project=scope.project)
    count = records.count()
    description = ngettext(
        "%(count)s request for an electronic payment terminal filed by the project.",
        "%(count)s requests for electronic payment terminals filed by the project.",
        count,
    ) % {"count": count}
    link = _url("logframe:outreach", args=[scope.project.slug])
    return Measure(Source.TERMINAL_REQUESTS, Decimal(count), description, records, link)


def press_publications(indicator: Indicator, scope: ProjectScope, today: dt.date) -> Measure:
    """Where the press releases of the project's events (of the indicator's type, if set) appeared."""
    events = scope.events(indicator.event_type, indicator.event_format)
    publications = PressPublication.objects.filter(press_release__event__in=events.values("pk"))
    totals = publications.aggregate(
        publications=Count("pk"), events=Count("press_release__event", distinct=True)
    )
    count = totals["publications"]
    values = {
        "count": count, "events": totals["events"], "start": _day(scope.start), "end": _day(scope.end),
        "organization": scope.organization_name,
    }
    description = " ".join([
        ngettext(
            "%(count)s publication of the press releases of the project's events.",
            "%(count)s publications of the press releases of the project's events.",
            count,
        ) % values,
        ngettext(
            "The releases are about %(events)s event held between %(start)s and %(end)s by %(organization)s.",
            "The releases are about %(events)s events held between %(start)s and %(end)s by %(organization)s.",
            totals["events"],
        ) % values,
    ])
    return Measure(Source.PRESS_PUBLICATIONS, Decimal(count), description, publications)


def manual(indicator: Indicator, scope: ProjectScope, today: dt.date) -> Measure:
    """The latest value entered by hand on or before ``today``."""
    values = getattr(indicator, "values_to_date", None)
    if values is None:
        values = list(indicator.manual_values.filter(on__lte=today).order_by("-on", "-pk"))
    latest = values[0] if values else None
    if latest is None:
        return Measure(Source.MANUAL, None, _("No value has been entered yet."), values)
    description = _("Entered by hand: %(value)s as of %(date)s.") % {
        "value": format_number(latest.value), "date": _day(latest.on),
    }
    if latest.note:
        description += " " + latest.note
    return Measure(Source.MANUAL, latest.value, description, values, latest.evidence_url, manual=latest)


MEASURES = {
    Source.EVENTS: events_held,
    Source.PEOPLE_REACHED: people_reached,
    Source.PROPOSALS_SUBMITTED: proposals_submitted,
    Source.PLATFORMS_CREATED: platforms_created,
    Source.DISCLOSURE_PUBLISHED: disclosure_published,
    Source.FAMILIES_PAYING_ONLINE: families_paying_online,
    Source.TERMINAL_REQUESTS: terminal_requests,
    Source.PRESS_PUBLICATIONS: press_publications,
    Source.MANUAL: manual,
}


def measure(indicator: Indicator, today: dt.date, scope: ProjectScope | None = None) -> Measure:
    """The actual value of ``indicator`` on ``today`` (pass ``scope`` when measuring several)."""
    scope = scope or ProjectScope(indicator.project)
    return MEASURES[indicator.source](indicator, scope, today)


def manual_values_to(today: dt.date):
    """A prefetch of each indicator's hand-entered values up to ``today``, latest first."""
    return Prefetch(
        "manual_values",
        queryset=ManualValue.objects.filter(on__lte=today).order_by("-on", "-pk"),
        to_attr="values_to_date",
    )


# --- Numbers in words --------------------------------------------------------------------------


def format_number(value) -> str:
    """"12", "12,5" (az) / "12.5" (en): no trailing zeros, the language's decimal separator."""
    if value is None:
        return "—"
    value = value if isinstance(value, Decimal) else Decimal(str(value))
    if value == value.to_integral_value():
        return number_format(int(value))
    return number_format(value.normalize())

