"""The transparency index: how much of the checklist an organisation has published and kept current.

For an organisation and an as-of date, each active checklist item that applies to it is

* **current** when it has a publication dated on or before that day and, if the item expires,
  no more than ``current_for_days`` days before it (a publication dated exactly
  ``current_for_days`` days earlier still counts; one day more and it does not);
* **stale** when it was published by then but every such publication has expired;
* **missing** when it was never published by then.

The index is ``100 × Σ weights of current items / Σ weights of applicable items``, shown and
ranked to one decimal place (so two organisations that look tied are tied).

The rules are pure functions over plain values (:func:`item_state`, :func:`score`,
:func:`competition_ranks`); the database is read by :func:`assess` with a fixed number of queries
whatever the number of organisations and dates: the checklist once, and the latest publication
date of every organisation × item × date in one aggregate query.
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from itertools import groupby

from django.db import models
from django.db.models import Count, Exists, Max, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ogmonitor.lib import aztext
from ogmonitor.places.models import District, Organization

from .models import Category, Item, Period, Publication

ONE_DECIMAL = Decimal("0.1")

#: Organisation types the checklist is written for, in the order their rankings are shown.
RANKED_TYPES = (Organization.Type.MUNICIPALITY, Organization.Type.COMMUNITY_ORGANIZATION)

_APPLIES_TO = {
    Organization.Type.MUNICIPALITY: (Item.AppliesTo.MUNICIPALITY, Item.AppliesTo.BOTH),
    Organization.Type.COMMUNITY_ORGANIZATION: (Item.AppliesTo.COMMUNITY_ORGANIZATION, Item.AppliesTo.BOTH),
}


class State(models.TextChoices):
    CURRENT = "current", _("published and current")
    STALE = "stale", _("published, no longer current")
    MISSING = "missing", _("not published")


# --- Pure rules --------------------------------------------------------------------------------


def applies_to_values(organization_type: str) -> tuple[str, ...]:
    """``Item.applies_to`` values of the items an organisation of this type is expected to publish."""
    return _APPLIES_TO.get(organization_type, ())


def has_checklist(organization) -> bool:
    return organization.type in _APPLIES_TO


def expires_on(published_on: dt.date, current_for_days: int | None) -> dt.date | None:
    """The last day a publication counts as current; None if it never expires."""
    if current_for_days is None:
        return None
    return published_on + dt.timedelta(days=current_for_days)


def item_state(latest: dt.date | None, current_for_days: int | None, as_of: dt.date) -> State:
    """The state of an item whose latest publication on or before ``as_of`` is dated ``latest``."""
    if latest is None or latest > as_of:
        return State.MISSING
    if current_for_days is None or latest >= as_of - dt.timedelta(days=current_for_days):
        return State.CURRENT
    return State.STALE


def rounded(value: Fraction | None) -> Decimal | None:
    """A ratio as shown: one decimal place, halves rounded up."""
    if value is None:
        return None
    return (Decimal(value.numerator) / Decimal(value.denominator)).quantize(ONE_DECIMAL, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Score:
    """An organisation's standing on one day."""

    as_of: dt.date
    current_weight: Decimal = Decimal(0)
    applicable_weight: Decimal = Decimal(0)
    current: int = 0
    stale: int = 0
    missing: int = 0
    #: Publications dated on or before ``as_of``, of any item.
    publications: int = 0

    @property
    def exact(self) -> Fraction | None:
        """The index as an exact fraction (None when no item applies)."""
        if not self.applicable_weight:
            return None
        return Fraction(100) * Fraction(self.current_weight) / Fraction(self.applicable_weight)

    @property
    def index(self) -> Decimal | None:
        return rounded(self.exact)

    @property
    def applicable(self) -> int:
        return self.current + self.stale + self.missing


def score(items: Iterable[Item], latest: dict[int, dt.date | None], as_of: dt.date, publications: int = 0) -> Score:
    """The score from the applicable items and, per item id, its latest publication date by ``as_of``."""
    weights = {State.CURRENT: Decimal(0), State.STALE: Decimal(0), State.MISSING: Decimal(0)}
    counts = dict.fromkeys(weights, 0)
    for item in items:
        state = item_state(latest.get(item.pk), item.current_for_days, as_of)
        weights[state] += item.weight
        counts[state] += 1
    return Score(
        as_of=as_of,
        current_weight=weights[State.CURRENT],
        applicable_weight=sum(weights.values(), Decimal(0)),
        current=counts[State.CURRENT],
        stale=counts[State.STALE],
        missing=counts[State.MISSING],
        publications=publications,
    )


def competition_ranks(values: Sequence[Decimal | None]) -> list[int | None]:
    """Standard competition ranks, highest first (100, 80, 80, 50 → 1, 2, 2, 4); None is unranked."""
    known = [value for value in values if value is not None]
    return [None if value is None else 1 + sum(other > value for other in known) for value in values]


def change(current: Decimal | None, previous: Decimal | None) -> Decimal | None:
    if current is None or previous is None:
        return None
    return current - previous


# --- Periods: the days the index is computed at ------------------------------------------------


@dataclass(frozen=True)
class Moment:
    """A day the index is computed at: a period's end (or today, if the period is not over)."""

    as_of: dt.date
    period: Period | None = None

    @property
    def is_partial(self) -> bool:
        """The period has not ended yet: its index is the one so far."""
        return self.period is not None and self.as_of < self.period.ends_on


def timeline(periods: Iterable[Period], today: dt.date) -> list[Moment]:
    """One moment per period that has started, in order, each at min(period end, today)."""
    return [
        Moment(as_of=min(period.ends_on, today), period=period)
        for period in sorted(periods, key=lambda period: (period.starts_on, period.pk))
        if period.starts_on <= today
    ]


def moments(today: dt.date | None = None) -> list[Moment]:
    """The timeline of every recorded period up to ``today`` (default: today)."""
    return timeline(Period.objects.all(), today or timezone.localdate())


def monitored(organizations: QuerySet) -> QuerySet:
    """The municipalities and community-based organisations of ``organizations`` that are ranked:
    those with at least one publication recorded, on any date. One nobody has looked at yet
    would otherwise show an index of 0, a finding nobody made."""
    return organizations.filter(type__in=RANKED_TYPES).filter(
        Exists(Publication.objects.filter(organization=OuterRef("pk")))
    )


def previous_moment(moments: Sequence[Moment], chosen: Moment) -> Moment | None:
    """The moment before ``chosen``: the preceding period, or for today the last period that ended."""
    if chosen.period is None:
        ended = [moment for moment in moments if moment.period.ends_on < chosen.as_of]
        return ended[-1] if ended else None
    position = next((i for i, moment in enumerate(moments) if moment.period.pk == chosen.period.pk), None)
    return moments[position - 1] if position else None


# --- Reading the database ----------------------------------------------------------------------


@dataclass(frozen=True)
class Checklist:
    """The active items, in checklist order, with their categories (one query)."""

    items: tuple[Item, ...]

    @classmethod
    def load(cls) -> "Checklist":
        # Category code breaks ties of position, so one category's items always come together.
        items = (
            Item.objects.filter(is_active=True)
            .select_related("category")
            .order_by("category__position", "category__code", "position", "code")
        )
        return cls(tuple(items))

    def for_type(self, organization_type: str) -> list[Item]:
        wanted = applies_to_values(organization_type)
        return [item for item in self.items if item.applies_to in wanted]


def latest_dates(organization_ids: Sequence[int], dates: Sequence[dt.date]):
    """For each (organisation, item): its latest publication date on or before each of ``dates``
    (None if none), and per organisation the number of publications on or before each date.

    One aggregate query, grouped by organisation and item, with one conditional MAX and COUNT
    per date: its size is bounded by organisations × items, never by the publications.
    """
    latest: dict[tuple[int, int], list[dt.date | None]] = {}
    counts: dict[int, list[int]] = defaultdict(lambda: [0] * len(dates))
    if not organization_ids or not dates:
        return latest, counts
    aggregates = {}
    for position, day in enumerate(dates):
        aggregates[f"latest_{position}"] = Max("published_on", filter=Q(published_on__lte=day))
        aggregates[f"count_{position}"] = Count("pk", filter=Q(published_on__lte=day))
    rows = (
        Publication.objects.filter(organization_id__in=list(organization_ids), published_on__lte=max(dates))
        .values("organization_id", "item_id")
        .annotate(**aggregates)
        .order_by()
    )
    for row in rows:
        key = (row["organization_id"], row["item_id"])
        latest[key] = [row[f"latest_{position}"] for position in range(len(dates))]
        totals = counts[row["organization_id"]]
        for position in range(len(dates)):
            totals[position] += row[f"count_{position}"]
    return latest, counts


def assess(
    organizations: Sequence[Organization], dates: Sequence[dt.date], checklist: Checklist | None = None
) -> dict[int, list[Score]]:
    """Each organisation's score on each of ``dates`` (in the same order), keyed by organisation id.

    Two queries in all (one if ``checklist`` is given), however many organisations and dates.
    """
    checklist = checklist or Checklist.load()
    latest, counts = latest_dates([organization.pk for organization in organizations], dates)
    result: dict[int, list[Score]] = {}
    for organization in organizations:
        items = checklist.for_type(organization.type)
        scores = []
        for position, day in enumerate(dates):
            by_item = {item.pk: (latest.get((organization.pk, item.pk)) or [None] * len(dates))[position] for item in items}
            scores.append(score(items, by_item, day, counts[organization.pk][position] if organization.pk in counts else 0))
        result[organization.pk] = scores
    return result


# --- One organisation's checklist --------------------------------------------------------------


@dataclass
class ItemStatus:
    """One checklist row: the item, its state on the day, and the publication that decides it."""

    item: Item
    state: State
    #: The latest publication dated on or before the day (None when missing).
    publication: Publication | None = None
    #: How many times it was published by then.
    count: int = 0

    @property
    def expires_on(self) -> dt.date | None:
        if self.publication is None:
            return None
        return expires_on(self.publication.published_on, self.item.current_for_days)


@dataclass
class CategoryGroup:
    category: Category
    rows: list[ItemStatus] = field(default_factory=list)


@dataclass
class OrganizationChecklist:
    organization: Organization
    as_of: dt.date
    score: Score
    groups: list[CategoryGroup]

    @property
    def rows(self) -> list[ItemStatus]:
        return [row for group in self.groups for row in group.rows]

    def row_for(self, item: Item) -> ItemStatus | None:
        return next((row for row in self.rows if row.item.pk == item.pk), None)


def organization_checklist(
    organization: Organization, as_of: dt.date, checklist: Checklist | None = None
) -> OrganizationChecklist:
    """The checklist of ``organization`` on ``as_of``: every applicable item with its state (one
    query for the publications, one for the checklist unless given)."""
    checklist = checklist or Checklist.load()
    items = checklist.for_type(organization.type)
    publications = (
        Publication.objects.filter(organization=organization, published_on__lte=as_of)
        .select_related("verified_by")
        .order_by("item_id", "-published_on", "-pk")
    )
    latest: dict[int, Publication] = {}
    count: dict[int, int] = defaultdict(int)
    total = 0
    for item_id, group in groupby(publications, key=lambda publication: publication.item_id):
        group = list(group)
        latest[item_id] = group[0]
        count[item_id] = len(group)
        total += len(group)
    result = score(items, {pk: publication.published_on for pk, publication in latest.items()}, as_of, total)
    groups: list[CategoryGroup] = []
    for item in items:
        if not groups or groups[-1].category.pk != item.category_id:
            groups.append(CategoryGroup(item.category))
        publication = latest.get(item.pk)
        state = item_state(publication.published_on if publication else None, item.current_for_days, as_of)
        groups[-1].rows.append(ItemStatus(item, state, publication, count[item.pk]))
    return OrganizationChecklist(organization, as_of, result, groups)


# --- Rankings ----------------------------------------------------------------------------------


@dataclass
class RankingRow:
    organization: Organization
    score: Score
    previous: Score | None
    rank: int | None = None

    @property
    def index(self) -> Decimal | None:
        return self.score.index

    @property
    def change(self) -> Decimal | None:
        return change(self.score.index, self.previous.index if self.previous else None)


@dataclass
class DistrictRow:
    """A district ranked by the mean index of its municipalities (``count`` of them)."""

    district: District
    mean: Decimal | None
    count: int
    previous_mean: Decimal | None = None
    rank: int | None = None

    @property
    def change(self) -> Decimal | None:
        return change(self.mean, self.previous_mean)


@dataclass
class Ranking:
    moment: Moment
    previous: Moment | None
    municipalities: list[RankingRow]
    community_organizations: list[RankingRow]
    districts: list[DistrictRow]


def rank_rows(rows: list[RankingRow]) -> list[RankingRow]:
    """Highest index first, each with its competition rank; ``rows`` come in alphabetical order and
    the sort is stable, so tied rows stay alphabetical. Rows without an index come last, unranked."""
    ordered = sorted(rows, key=lambda row: (row.index is None, -(row.index or 0)))
    for row, rank in zip(ordered, competition_ranks([row.index for row in ordered]), strict=True):
        row.rank = rank
    return ordered


def mean(values: Sequence[Fraction]) -> Fraction | None:
    return sum(values, Fraction(0)) / len(values) if values else None


def rank_districts(rows: Iterable[RankingRow]) -> list[DistrictRow]:
    """Districts by the mean exact index of their municipalities with an index; ties alphabetical."""
    current: dict[int, list[Fraction]] = defaultdict(list)
    previous: dict[int, list[Fraction]] = defaultdict(list)
    districts: dict[int, District] = {}
    for row in rows:
        district = row.organization.district
        if district is None or row.score.exact is None:
            continue
        districts[district.pk] = district
        current[district.pk].append(row.score.exact)
        if row.previous is not None and row.previous.exact is not None:
            previous[district.pk].append(row.previous.exact)
    result = [
        DistrictRow(
            district,
            rounded(mean(current[pk])),
            len(current[pk]),
            # A change is shown only when every municipality had an index then too.
            rounded(mean(previous[pk])) if len(previous[pk]) == len(current[pk]) else None,
        )
        for pk, district in districts.items()
    ]
    result = aztext.sorted_az(result, key=lambda row: row.district.name)
    result.sort(key=lambda row: -row.mean)
    for row, rank in zip(result, competition_ranks([row.mean for row in result]), strict=True):
        row.rank = rank
    return result


def ranking(
    organizations, moment: Moment, previous: Moment | None, checklist: Checklist | None = None
) -> Ranking:
    """Municipalities and community-based organisations of ``organizations`` (a queryset) ranked
    on ``moment``, with their change since ``previous``, and districts by their municipalities.

    Only :func:`monitored` organisations are ranked. Three queries: the organisations, the
    checklist and the publications' aggregate.
    """
    listed = list(monitored(organizations).select_related("district").order_by_name())
    dates = [moment.as_of] + ([previous.as_of] if previous else [])
    scores = assess(listed, dates, checklist)
    rows: dict[str, list[RankingRow]] = {kind: [] for kind in RANKED_TYPES}
    for organization in listed:
        own = scores[organization.pk]
        rows[organization.type].append(RankingRow(organization, own[0], own[1] if previous else None))
    municipalities = rank_rows(rows[Organization.Type.MUNICIPALITY])
    return Ranking(
        moment=moment,
        previous=previous,
        municipalities=municipalities,
        community_organizations=rank_rows(rows[Organization.Type.COMMUNITY_ORGANIZATION]),
        districts=rank_districts(municipalities),
    )
