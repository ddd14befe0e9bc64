"""People reached: named people count once across events, counted participants add their numbers."""

import pytest

from ogmonitor.engagement.events import people_reached, with_participant_totals
from ogmonitor.engagement.factories import (
    EventFactory,
    ParticipantCountFactory,
    ParticipationFactory,
    PersonFactory,
)
from ogmonitor.engagement.models import Event
from ogmonitor.surveys.factories import RespondentCategoryFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def heads():
    return RespondentCategoryFactory(code="municipality-head", name_az="Bələdiyyə sədri", name_en="Municipality head", position=1)


@pytest.fixture
def residents():
    return RespondentCategoryFactory(code="resident", name_az="Sakin", name_en="Resident", position=2)


def test_a_named_person_at_three_events_counts_once(heads, residents):
    events = [EventFactory() for _ in range(3)]
    regular = PersonFactory(name="Günel Əliyeva", gender="woman", category=residents)
    for event in events:
        ParticipationFactory(event=event, person=regular)
    ParticipationFactory(event=events[0], person=PersonFactory(name="İlqar Məmmədov", gender="man", category=heads))

    reached = people_reached(Event.objects.all())

    assert reached.named == 2
    assert reached.counted == 0
    assert reached.total == 2


def test_named_and_counted_participants_mixed_by_gender_and_category(heads, residents):
    first, second, third = EventFactory(), EventFactory(), EventFactory()
    regular = PersonFactory(gender="woman", category=residents)
    for event in (first, second, third):
        ParticipationFactory(event=event, person=regular)
    ParticipationFactory(event=second, person=PersonFactory(gender="man", category=heads))
    ParticipationFactory(event=third, person=PersonFactory(gender="", category=None))
    ParticipantCountFactory(event=first, category=residents, gender="woman", count=7)
    ParticipantCountFactory(event=first, category=residents, gender="man", count=5)
    ParticipantCountFactory(event=third, category=residents, gender="woman", count=3)
    ParticipantCountFactory(event=third, category=None, gender="", count=4)

    reached = people_reached(Event.objects.all())

    assert reached.named == 3  # the regular once, the head, the person of unknown gender
    assert reached.counted == 7 + 5 + 3 + 4
    assert reached.total == 22
    assert reached.by_gender == {"woman": 1 + 7 + 3, "man": 1 + 5, "": 1 + 4}
    assert reached.by_category == {residents.pk: 1 + 7 + 5 + 3, heads.pk: 1, None: 1 + 4}
    assert reached.by_category_gender[(residents.pk, "woman")] == 11
    assert reached.by_category_gender[(heads.pk, "man")] == 1
    rows = {row.label: row for row in reached.category_rows()}
    assert [row.label for row in reached.category_rows()][:2] == [str(heads), str(residents)]
    assert rows[str(residents)].total == 16
    assert [code for code, _label in reached.gender_columns()] == ["woman", "man", "other", ""]


def test_only_the_given_events_are_counted(residents):
    counted_event, other_event = EventFactory(), EventFactory()
    person = PersonFactory(category=residents)
    ParticipationFactory(event=counted_event, person=person)
    ParticipationFactory(event=other_event, person=PersonFactory())
    ParticipantCountFactory(event=other_event, count=40)

    reached = people_reached(Event.objects.filter(pk=counted_event.pk))

    assert (reached.named, reached.counted, reached.total) == (1, 0, 1)


def test_no_participants_reach_nobody():
    EventFactory()
    reached = people_reached(Event.objects.all())
    assert reached.total == 0
    assert reached.category_rows() == []
    assert "" not in dict(reached.gender_columns())


def test_people_reached_takes_a_fixed_number_of_queries(residents, heads, django_assert_num_queries):
    for _ in range(5):
        event = EventFactory()
        ParticipationFactory(event=event, person=PersonFactory(category=residents))
        ParticipantCountFactory(event=event, category=heads, count=2)
    with django_assert_num_queries(3):  # named cells, counted cells, the categories' names
        people_reached(Event.objects.all())


def test_participant_totals_per_event_are_not_multiplied_by_joins():
    event = EventFactory()
    for _ in range(3):
        ParticipationFactory(event=event)
    ParticipantCountFactory(event=event, gender="man", count=5)
    ParticipantCountFactory(event=event, gender="woman", count=6)
    empty = EventFactory()

    totals = dict(with_participant_totals(Event.objects.all()).values_list("pk", "people"))

    assert totals == {event.pk: 3 + 5 + 6, empty.pk: 0}
