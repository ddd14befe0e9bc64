"""Entering a workshop's proposals at once: one per line, shared fields once, all or nothing."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from ogmonitor.engagement import proposals as service
from ogmonitor.engagement.factories import AuthorityFactory, EventFactory, ProposalFactory
from ogmonitor.engagement.models import Proposal, ProposalStep
from ogmonitor.places.factories import CommunityFactory

S = Proposal.Status

NOTES = """Təkliflər:
1. Kəndə gedən yol asfaltlansın
2) Gənclər üçün idman meydançası tikilsin

- Bələdiyyənin iclasları onlayn yayımlansın
"""


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def event(db):
    return EventFactory(
        title_az="Qəçrəşdə ictimai müzakirə", date=timezone.localdate() - dt.timedelta(days=14),
        community=CommunityFactory(name_az="Qəçrəş"),
    )


def bulk_url(**query) -> str:
    url = reverse("engagement:proposals_bulk")
    return url + (f"?event={query['event']}" if "event" in query else "")


def form_data(event, texts=NOTES, **extra) -> dict:
    return {"event": event.slug, "language": "az", "texts": texts, **extra}


def test_split_lines_drops_blank_lines_numbering_and_bullets():
    assert [(item.line, item.text) for item in service.split_lines(NOTES)] == [
        (1, "Təkliflər:"),
        (2, "Kəndə gedən yol asfaltlansın"),
        (3, "Gənclər üçün idman meydançası tikilsin"),
        (5, "Bələdiyyənin iclasları onlayn yayımlansın"),
    ]


def test_the_page_preselects_the_event_from_the_address(client_for, coordinator, event):
    response = client_for(coordinator).get(bulk_url(event=event.slug))
    assert response.status_code == 200
    assert f'<option value="{event.slug}" selected>' in response.content.decode()


def test_a_coordinator_records_all_the_proposals_of_a_workshop_as_drafts(client_for, coordinator, ngo_a, event):
    authority = AuthorityFactory()
    texts = "Kəndə gedən yol asfaltlansın\n\n  \n2. Gənclər üçün idman meydançası tikilsin\n"
    response = client_for(coordinator).post(bulk_url(), form_data(
        event, texts=texts, addressee=authority.pk, topic="İnfrastruktur", is_published="on",
    ))

    assert response.status_code == 302
    assert response["Location"] == reverse("engagement:proposals") + f"?event={event.slug}"
    created = list(Proposal.objects.order_by("number"))
    assert [proposal.text_az for proposal in created] == [
        "Kəndə gedən yol asfaltlansın", "Gənclər üçün idman meydançası tikilsin",
    ]
    for proposal in created:
        assert (proposal.event, proposal.addressee, proposal.organization) == (event, authority, ngo_a)
        assert (proposal.topic, proposal.community, proposal.status) == ("İnfrastruktur", event.community, S.DRAFT)
        assert proposal.is_published
        assert list(proposal.steps.values_list("to_status", "on")) == [(S.DRAFT, event.date)]


def test_the_proposals_can_be_submitted_all_at_once(client_for, coordinator, event):
    authority = AuthorityFactory()
    submitted_on = event.date + dt.timedelta(days=3)
    response = client_for(coordinator).post(bulk_url(), form_data(
        event, texts="Birinci təklif\nİkinci təklif\nÜçüncü təklif", addressee=authority.pk, submit="on",
        submitted_on=submitted_on.isoformat(), submitted_via="letter", reference_number="QHT/12",
    ))

    assert response.status_code == 302
    assert Proposal.objects.filter(status=S.SUBMITTED, submitted_on=submitted_on, reference_number="QHT/12").count() == 3
    assert ProposalStep.objects.filter(from_status=S.DRAFT, to_status=S.SUBMITTED, on=submitted_on).count() == 3
    assert ProposalStep.objects.count() == 6


def test_a_repeated_line_saves_nothing_and_names_the_line(client_for, coordinator, event):
    texts = "Yol təmir olunsun\nSu xətti çəkilsin\n\nyol  TƏMİR olunsun"
    response = client_for(coordinator).post(bulk_url(), form_data(event, texts=texts))

    assert response.status_code == 200
    page = response.content.decode()
    assert "Line 4 repeats line 1." in page
    assert "Su xətti çəkilsin" in page  # the list is kept as typed
    assert not Proposal.objects.exists()


def test_a_line_already_recorded_at_the_event_saves_nothing(client_for, coordinator, event):
    earlier = ProposalFactory(event=event, text_az="Su xətti çəkilsin")
    response = client_for(coordinator).post(bulk_url(), form_data(event, texts="Yeni təklif\nSu xətti çəkilsin"))

    assert f"Line 2 is already recorded for this event as proposal no. {earlier.number}." in response.content.decode()
    assert Proposal.objects.count() == 1


def test_submitting_without_an_addressee_or_before_the_event_saves_nothing(client_for, coordinator, event):
    response = client_for(coordinator).post(bulk_url(), form_data(
        event, submit="on", submitted_on=(event.date - dt.timedelta(days=1)).isoformat(), submitted_via="",
    ))

    form = response.context["form"]
    assert form.errors["addressee"] == ["Choose the authority they were submitted to."]
    assert form.errors["submitted_via"] == ["Choose how they were submitted."]
    assert "before the event" in form.errors["submitted_on"][0]
    assert not Proposal.objects.exists()


def test_an_empty_list_is_refused(client_for, coordinator, event):
    response = client_for(coordinator).post(bulk_url(), form_data(event, texts="\n  \n-\n"))
    assert response.context["form"].errors["texts"] == ["Write at least one proposal."]


def test_a_failure_on_a_later_line_undoes_the_earlier_ones(db, coordinator, event):
    """All or nothing at the service level too: the second line fails inside the transaction."""
    lines = service.split_lines("Birinci təklif\nİkinci təklif")
    future_submission = {"on": event.date - dt.timedelta(days=1), "submitted_via": "letter", "reference_number": ""}

    with pytest.raises(service.ProposalTransitionError) as raised:
        service.create_many(lines, user=coordinator, event=event, addressee=AuthorityFactory(), submission=future_submission)

    assert raised.value.messages[0].startswith("Line 1: ")
    assert not Proposal.objects.exists() and not ProposalStep.objects.exists()


def test_english_texts_go_to_the_english_column(client_for, coordinator, event):
    client_for(coordinator).post(bulk_url(), form_data(event, texts="Open a youth centre", language="en"))
    proposal = Proposal.objects.get()
    assert proposal.text_en == "Open a youth centre"
    assert not proposal.text_az
