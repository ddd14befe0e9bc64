"""Events: who may see them, how they are found, whom they reached, and their press releases.

One function per state change (save an event, add or remove a participant, replace the counted
participants, draft or save a press release), each in one transaction and called by the views,
the admin and any loader alike. The project has no audit table yet; as in
:mod:`ogmonitor.surveys.services`, a log line naming the actor stands in for the audit entry.
"""

import logging
from collections import Counter
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import Count, IntegerField, OuterRef, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import formats, translation
from django.utils.text import get_text_list
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ogmonitor.accounts import policy
from ogmonitor.lib import aztext
from ogmonitor.lib.actors import actor_label
from ogmonitor.surveys.models import Gender, RespondentCategory

from .models import Event, ParticipantCount, Participation, Person, PressRelease

logger = logging.getLogger(__name__)


def _languages() -> list[str]:
    return [code for code, _name in settings.LANGUAGES]


# --- Seeing and finding events ------------------------------------------------------------------


def visible_events(user):
    """Published events for everyone; unpublished ones (drafts, internal meetings) as
    :func:`~ogmonitor.accounts.policy.visible_engagement` decides."""
    return policy.visible_engagement(user, Event.objects.all(), municipality_field="municipality")


def can_see_personal_data(user) -> bool:
    """Named participants (names, phones, e-mails): see the policy. A Person is never published."""
    return policy.can_see_participants(user)


def _folded_matches(rows, query: str) -> list[int]:
    """The pks of ``rows`` ((pk, text, text…) tuples) whose texts contain ``query``, compared the
    Azerbaijani way (İ/i, I/ı) and the plain way, so both kinds of keyboard find the name."""
    variants = aztext.search_variants(query)
    if not variants:
        return [row[0] for row in rows]
    matches = []
    for pk, *texts in rows:
        key = aztext.search_key(*(text or "" for text in texts))
        if any(variant in key for variant in variants):
            matches.append(pk)
    return matches


def filter_events(queryset, *, q="", type="", status="", district=None, plan=None, year=None):
    """Events matching a title search (Azerbaijani-aware), a type, status, district, plan and year.

    Titles are folded in Python: Event keeps no stored search key (unlike places'
    ``SearchableName``) and SQLite's LIKE folds only ASCII, so "İSMAYILLI" would miss
    "İsmayıllı". The cost is one narrow query (pk and the two titles of the events left after
    the other filters), small for the hundreds of events an NGO records in a NAP cycle.
    """
    if type:
        queryset = queryset.filter(type=type)
    if status:
        queryset = queryset.filter(status=status)
    if district is not None:
        queryset = queryset.filter(district=district)
    if plan is not None:
        queryset = queryset.filter(plan=plan)
    if year:
        queryset = queryset.filter(date__year=year)
    if q:
        rows = queryset.order_by().values_list("pk", "title_az", "title_en")
        queryset = queryset.filter(pk__in=_folded_matches(rows, q))
    return queryset


def event_years(queryset) -> list[int]:
    """The years in which the events of ``queryset`` took place, latest first (for the year filter)."""
    return [day.year for day in queryset.order_by().dates("date", "year", order="DESC")]


def with_participant_totals(queryset):
    """Annotate ``people``: the event's named plus counted participants.

    Subqueries rather than two joins: joining both participations and counts would multiply
    each count by the number of named people.
    """
    named = (
        Participation.objects.filter(event=OuterRef("pk")).order_by().values("event")
        .annotate(number=Count("pk")).values("number")
    )
    counted = (
        ParticipantCount.objects.filter(event=OuterRef("pk")).order_by().values("event")
        .annotate(number=Sum("count")).values("number")
    )
    return queryset.annotate(
        people=Coalesce(Subquery(named, output_field=IntegerField()), 0)
        + Coalesce(Subquery(counted, output_field=IntegerField()), 0)
    )


def search_people(query: str, *, exclude_event: Event | None = None, limit: int = 20) -> list[Person]:
    """People whose name contains ``query``, Azerbaijani-aware, in Azerbaijani alphabetical order.

    Person has no stored search key, so names are folded here (see :func:`filter_events`): one
    query of pk and name, then one for the matches. Fine for the few thousand people an NGO
    meets; give Person a ``search_key`` like ``SearchableName`` if it ever grows past that.
    """
    if not aztext.search_variants(query):
        return []
    people = Person.objects.all()
    if exclude_event is not None:
        people = people.exclude(participations__event=exclude_event)
    matches = _folded_matches(people.order_by().values_list("pk", "name"), query)
    found = Person.objects.filter(pk__in=matches).select_related("category", "organization", "community")
    return aztext.sorted_az(found, key=lambda person: person.name)[:limit]


# --- People reached -------------------------------------------------------------------------------


#: Cell key of the reach tables: (category pk or None, gender code or "").
Cell = tuple[int | None, str]


@dataclass(frozen=True)
class ReachRow:
    """One category's line of the reach table: a number per gender column, and its total."""

    label: str
    cells: list[int]
    total: int


@dataclass(frozen=True)
class PeopleReached:
    """How many people a set of events reached, by gender and by category.

    Named participants (:class:`~.models.Person`) count once however many of the events they
    attended. Counted participants (:class:`~.models.ParticipantCount`) are added as recorded:
    a count carries no identity, so the same villager counted at two meetings is two people
    here and cannot be deduplicated. The total is therefore exact when every participant is
    named and an upper bound as soon as counted participants are included; ``counted`` says how
    much of it comes from counts.
    """

    named: int
    counted: int
    by_category_gender: dict[Cell, int]
    categories: dict[int, RespondentCategory]

    @property
    def total(self) -> int:
        return self.named + self.counted

    @property
    def by_gender(self) -> dict[str, int]:
        """Gender code ('' when not recorded) → people."""
        totals: Counter = Counter()
        for (_category, gender), number in self.by_category_gender.items():
            totals[gender] += number
        return dict(totals)

    @property
    def by_category(self) -> dict[int | None, int]:
        """Category pk (None when not recorded) → people."""
        totals: Counter = Counter()
        for (category, _gender), number in self.by_category_gender.items():
            totals[category] += number
        return dict(totals)

    def gender_columns(self) -> list[tuple[str, str]]:
        """(code, label) of each gender, plus "not recorded" only when someone's gender is missing."""
        columns = [(code, str(label)) for code, label in Gender.choices]
        if self.by_gender.get(""):
            columns.append(("", _("not recorded")))
        return columns

    def gender_rows(self) -> list[tuple[str, int]]:
        """(label, people) per gender column, for a short summary."""
        by_gender = self.by_gender
        return [(label, by_gender.get(code, 0)) for code, label in self.gender_columns()]

    def category_rows(self) -> list[ReachRow]:
        """One row per category reached, in the categories' own order, "not recorded" last."""
        columns = self.gender_columns()
        by_category = self.by_category
        ordered = sorted(self.categories.values(), key=lambda category: (category.position, category.code))
        keys: list[int | None] = [category.pk for category in ordered]
        if None in by_category:
            keys.append(None)
        return [
            ReachRow(
                label=str(self.categories[key]) if key is not None else _("category not recorded"),
                cells=[self.by_category_gender.get((key, code), 0) for code, _label in columns],
                total=by_category.get(key, 0),
            )
            for key in keys
        ]


def people_reached(events) -> PeopleReached:
    """People reached by the events of ``events`` (a queryset): one grouped query per table, and
    one for the names of the categories reached.

    A named person is one person across all of ``events`` (counted distinct); counted participants
    add their numbers. See :class:`PeopleReached` for why counts cannot be deduplicated.
    """
    event_ids = events.order_by().values("pk")
    # order_by() drops Person's default ordering, which would otherwise join the GROUP BY.
    named_cells = (
        Person.objects.filter(participations__event__in=event_ids).order_by()
        .values("category_id", "gender").annotate(people=Count("pk", distinct=True))
    )
    counted_cells = (
        ParticipantCount.objects.filter(event__in=event_ids).order_by()
        .values("category_id", "gender").annotate(people=Sum("count"))
    )
    cells: Counter = Counter()
    named = counted = 0
    for row in named_cells:
        cells[(row["category_id"], row["gender"])] += row["people"]
        named += row["people"]
    for row in counted_cells:
        cells[(row["category_id"], row["gender"])] += row["people"]
        counted += row["people"]
    category_ids = {category for category, _gender in cells if category is not None}
    categories = RespondentCategory.objects.in_bulk(category_ids) if category_ids else {}
    return PeopleReached(named=named, counted=counted, by_category_gender=dict(cells), categories=categories)


@dataclass(frozen=True)
class EventCounts:
    """Events by type (rows) and status (columns), for the engagement overview."""

    statuses: list[tuple[str, str]]
    rows: list[tuple[str, str, list[int], int]]  # (type code, label, a number per status, total)
    status_totals: list[int]
    total: int


def count_events(events) -> EventCounts:
    """Count ``events`` by type and status in one grouped query; types with no event are left out."""
    grouped = Counter({
        (row["type"], row["status"]): row["number"]
        for row in events.order_by().values("type", "status").annotate(number=Count("pk"))
    })
    statuses = [(code, str(label)) for code, label in Event.Status.choices]
    rows = []
    for code, label in Event.Type.choices:
        cells = [grouped[(code, status)] for status, _label in statuses]
        if any(cells):
            rows.append((code, str(label), cells, sum(cells)))
    status_totals = [sum(row[2][index] for row in rows) for index in range(len(statuses))]
    return EventCounts(statuses=statuses, rows=rows, status_totals=status_totals, total=sum(status_totals))


# --- Recording events --------------------------------------------------------------------------


def save_event(form, formsets, user) -> Event:
    """Save an event from its validated form and inline formsets (sources, documents), all or nothing.

    A new event is kept by the user's organisation, whose coordinators may then edit it (see
    ``can_edit_engagement_record``), and remembers who recorded it; editing changes neither.
    The caller has checked ``can_manage_engagement`` or ``can_edit_engagement_record``.
    """
    creating = form.instance.pk is None
    with transaction.atomic():
        event = form.save(commit=False)
        if creating:
            event.organization = getattr(user, "organization", None)
            event.created_by = user
        event.save()
        form.save_m2m()
        for formset in formsets:
            formset.instance = event
            formset.save()
    logger.info("Event %s %s by %s", event.slug, "created" if creating else "changed", actor_label(user))
    return event


# --- Participants ------------------------------------------------------------------------------


def add_person(event: Event, user, *, role: str = Participation.Role.PARTICIPANT, **person_fields) -> Participation:
    """Record a new named person (name, gender, category, organisation…) as taking part in ``event``."""
    with transaction.atomic():
        person = Person(**person_fields)
        person.full_clean()
        person.save()
        participation = Participation.objects.create(event=event, person=person, role=role)
    logger.info("Event %s: person %s added by %s", event.slug, person.pk, actor_label(user))
    return participation


def add_participant(event: Event, person: Person, user, *, role: str = Participation.Role.PARTICIPANT) -> Participation:
    """Record that a known person took part in ``event``; if already recorded, only the role changes."""
    with transaction.atomic():
        participation, _created = Participation.objects.update_or_create(
            event=event, person=person, defaults={"role": role}
        )
    logger.info("Event %s: person %s taking part, recorded by %s", event.slug, person.pk, actor_label(user))
    return participation


def remove_participant(event: Event, person: Person, user) -> None:
    """Take ``person`` off the event's participants. The person stays on record for their other events."""
    with transaction.atomic():
        Participation.objects.filter(event=event, person=person).delete()
    logger.info("Event %s: person %s removed by %s", event.slug, person.pk, actor_label(user))


def replace_participant_counts(event: Event, counts: dict[Cell, int], user) -> int:
    """Replace the event's counted participants by ``counts`` ((category pk, gender) → people).

    The grid is the whole truth for the event, so the old rows go and zero cells are not
    stored. Returns the number of people counted.
    """
    with transaction.atomic():
        event.participant_counts.all().delete()
        ParticipantCount.objects.bulk_create([
            ParticipantCount(event=event, category_id=category, gender=gender, count=number)
            for (category, gender), number in counts.items()
            if number
        ])
    total = sum(counts.values())
    logger.info("Event %s: %s counted participants recorded by %s", event.slug, total, actor_label(user))
    return total


# --- Press releases ------------------------------------------------------------------------------


@dataclass(frozen=True)
class DraftRelease:
    title: str
    body: str


def _long_date(day, language: str) -> str:
    """'1 October 2022' / '1 oktyabr 2022': the day, the month's name and the year, as press
    releases write them (not the site's short 'Oct. 1, 2022'). Azerbaijani writes month names
    in lower case, which Django's ``az`` locale does not."""
    text = formats.date_format(day, "j E Y")
    return aztext.lower(text) if language == "az" else text


def _place_text(event: Event) -> str:
    """The event's place, community and district, without repeating a name the place already gives."""
    parts: list[str] = []
    for text in (event.place, event.community.name if event.community_id else "",
                 event.district.name if event.district_id else ""):
        if text and not any(aztext.fold(text) in aztext.fold(part) for part in parts):
            parts.append(text)
    return ", ".join(parts)


def _lead(event: Event, date: str, end: str) -> str:
    values = {"type": event.get_type_display(), "title": event.title, "date": date, "end": end}
    if event.status == Event.Status.CANCELLED:
        return _("The %(type)s “%(title)s” planned for %(date)s has been cancelled.") % values
    if event.status == Event.Status.PLANNED:
        if end:
            return _("The %(type)s “%(title)s” will be held from %(date)s to %(end)s.") % values
        return _("The %(type)s “%(title)s” will be held on %(date)s.") % values
    if end:
        return _("The %(type)s “%(title)s” was held from %(date)s to %(end)s.") % values
    return _("The %(type)s “%(title)s” was held on %(date)s.") % values


def _where(event: Event, planned: bool) -> str:
    place = _place_text(event)
    values = {"place": place}
    if event.format == Event.Format.ONLINE:
        return _("It will take place online.") if planned else _("It took place online.")
    if event.format == Event.Format.HYBRID and place:
        return (_("It will take place in %(place)s and online.") if planned else _("It took place in %(place)s and online.")) % values
    if event.format == Event.Format.HYBRID:
        return _("It will be held both in person and online.") if planned else _("It was held both in person and online.")
    if place:
        return (_("It will take place in %(place)s.") if planned else _("It took place in %(place)s.")) % values
    return ""


def _participants(reached: PeopleReached) -> str:
    if not reached.total:
        return ""
    sentence = ngettext(
        "%(count)s person took part.", "%(count)s people took part.", reached.total
    ) % {"count": reached.total}
    by_gender = reached.by_gender
    women, men = by_gender.get(Gender.WOMAN, 0), by_gender.get(Gender.MAN, 0)
    other = by_gender.get(Gender.OTHER, 0)
    if women or men:
        if other:
            sentence += " " + _("Women: %(women)s, men: %(men)s, other or unstated: %(other)s.") % {
                "women": women, "men": men, "other": other,
            }
        else:
            sentence += " " + _("Women: %(women)s, men: %(men)s.") % {"women": women, "men": men}
    return sentence


def draft_press_release(event: Event, language: str) -> DraftRelease:
    """A press release for ``event`` in ``language``, written from its record in whole sentences.

    It says what kind of event it was, when and where, who organised it and on what topic, how
    many people took part (by gender), the outcome and how many proposals were raised. Texts
    the record keeps per language (title, topic, summary, outcome) are read in ``language``,
    falling back to Azerbaijani where the other language was left empty. A draft only: the
    editor adjusts it before it is sent.
    """
    reached = people_reached(Event.objects.filter(pk=event.pk))
    proposals = event.proposals.count()
    with translation.override(language):
        organizers = list(event.organizers.order_by_name(language))
        planned = event.status == Event.Status.PLANNED
        held = event.status == Event.Status.HELD
        date = _long_date(event.date, language)
        end = _long_date(event.end_date, language) if event.end_date and event.end_date != event.date else ""
        place = _place_text(event)
        if event.status == Event.Status.CANCELLED:
            title = _("%(title)s on %(date)s is cancelled") % {"title": event.title, "date": date}
        elif planned:
            title = _("Announcement: %(title)s on %(date)s") % {"title": event.title, "date": date}
        elif place:
            title = _("%(title)s held in %(place)s on %(date)s") % {"title": event.title, "place": place, "date": date}
        else:
            title = _("%(title)s held on %(date)s") % {"title": event.title, "date": date}

        opening = [_lead(event, date, end)]
        if planned and event.time:
            opening.append(_("It begins at %(time)s.") % {"time": formats.time_format(event.time, "H:i")})
        if event.status != Event.Status.CANCELLED:
            opening.append(_where(event, planned))
            if planned and event.format != Event.Format.OFFLINE and event.meeting_link:
                opening.append(_("To join online, use this link: %(link)s") % {"link": event.meeting_link})
        if organizers:
            names = get_text_list([organizer.name for organizer in organizers], _("and"))
            opening.append(
                (_("It is organised by %(organizers)s.") if planned else _("It was organised by %(organizers)s."))
                % {"organizers": names}
            )
        if event.topic:
            opening.append(
                (_("The topic is “%(topic)s”.") if planned else _("The topic was “%(topic)s”."))
                % {"topic": event.topic}
            )
        if event.plan_id:
            opening.append(_("The event is part of the work on the %(plan)s.") % {"plan": event.plan.title})
        paragraphs = [" ".join(sentence for sentence in opening if sentence)]
        if event.summary:
            paragraphs.append(event.summary.strip())
        if held:
            results = [_participants(reached)]
            if proposals:
                results.append(ngettext(
                    "Participants put forward %(count)s proposal to the authorities.",
                    "Participants put forward %(count)s proposals to the authorities.",
                    proposals,
                ) % {"count": proposals})
            paragraphs.append(" ".join(sentence for sentence in results if sentence))
            if event.outcome:
                paragraphs.append(_("Outcome: %(outcome)s") % {"outcome": event.outcome.strip()})
    return DraftRelease(title=title, body="\n\n".join(paragraph for paragraph in paragraphs if paragraph))


def create_press_release_draft(event: Event, user) -> PressRelease:
    """Write the event's press release from its record in every language, replacing any earlier text.

    Where it was published (its publications) is kept: drafting again only rewrites the text.
    """
    drafts = {language: draft_press_release(event, language) for language in _languages()}
    texts = {}
    for language, draft in drafts.items():
        texts[f"title_{language}"] = draft.title[:300]
        texts[f"body_{language}"] = draft.body
    with transaction.atomic():
        release, created = PressRelease.objects.update_or_create(event=event, defaults=texts)
    logger.info("Event %s: press release %s by %s", event.slug, "drafted" if created else "drafted again", actor_label(user))
    return release


def save_press_release(form, formset, user) -> PressRelease:
    """Save a press release's edited texts and the list of where it was published, all or nothing."""
    with transaction.atomic():
        release = form.save()
        formset.instance = release
        formset.save()
    logger.info("Event %s: press release edited by %s", release.event.slug, actor_label(user))
    return release
