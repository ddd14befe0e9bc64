"""Recording proposals through the API: create, then each step of the lifecycle."""

import datetime as dt

import pytest

from ogmonitor.engagement.factories import AuthorityFactory, ProposalFactory
from ogmonitor.engagement.models import Proposal, ProposalStep

pytestmark = pytest.mark.django_db

URL = "/api/v1/proposals/"


def post(client, path, data):
    return client.post(path, data, content_type="application/json", HTTP_ACCEPT_LANGUAGE="en")


def step(client, proposal, **data):
    return post(client, f"{URL}{proposal.number}/transitions/", data)


@pytest.fixture
def draft(coordinator):
    from ogmonitor.engagement import proposals

    return proposals.create_proposal(coordinator, text_az="Yol təmir olunsun", organization=coordinator.organization,
                                     raised_on=dt.date(2024, 1, 10))


def test_a_coordinator_records_a_proposal_as_a_draft(token_client, coordinator):
    authority = AuthorityFactory()
    response = post(token_client(coordinator), URL, {
        "text_az": "Kənddə terminal quraşdırılsın", "text_en": "Install a terminal", "addressee": authority.slug,
        "raised_on": "2024-02-01", "is_published": True,
    })
    assert response.status_code == 201, response.content
    created = response.json()
    assert created["status"] == "draft" and created["addressee"]["slug"] == authority.slug
    assert created["organization"]["slug"] == coordinator.organization.slug  # their own by default
    assert created["steps"] == [{"from_status": "", "to_status": "draft", "on": "2024-02-01", "note": ""}]
    proposal = Proposal.objects.get(number=created["number"])
    assert proposal.created_by == coordinator and proposal.text_en == "Install a terminal"


def test_creating_is_refused_to_those_who_do_not_record_engagement(token_client, client, enumerator, municipality_editor):
    for user in (enumerator, municipality_editor):
        assert post(token_client(user), URL, {"text_az": "x"}).status_code == 403
    assert post(client, URL, {"text_az": "x"}).status_code == 401
    assert not Proposal.objects.exists()


def test_a_proposal_without_text_is_refused_at_its_field(token_client, coordinator, ngo_b):
    response = post(token_client(coordinator), URL, {"topic": "roads", "addressee": "nowhere"})
    assert response.status_code == 400
    assert set(response.json()) == {"addressee"}
    response = post(token_client(coordinator), URL, {"topic": "roads"})
    assert response.json() == {"text_az": ["Write the proposal in Azerbaijani, English or both."]}
    response = post(token_client(coordinator), URL, {"text_az": "x", "organization": ngo_b.slug})
    assert response.status_code == 400 and set(response.json()) == {"organization"}


def test_a_valid_step_is_recorded_in_the_history(token_client, coordinator, draft):
    authority = AuthorityFactory()
    response = step(token_client(coordinator), draft, to_status="submitted", on="2024-01-15", note="By letter",
                    fields={"submitted_via": "letter", "addressee": authority.slug, "reference_number": "12/3"})
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "submitted" and response.json()["answer_due"] == "2024-02-14"
    draft.refresh_from_db()
    assert (draft.status, draft.submitted_on, draft.addressee, draft.reference_number) == (
        "submitted", dt.date(2024, 1, 15), authority, "12/3")
    last = draft.steps.order_by("pk").last()
    assert (last.from_status, last.to_status, last.note, last.recorded_by) == ("draft", "submitted", "By letter", coordinator)


def test_a_move_the_lifecycle_refuses_is_400_with_the_services_reason(token_client, coordinator, draft):
    response = step(token_client(coordinator), draft, to_status="implemented", on="2024-01-15")
    assert response.status_code == 400
    assert response.json() == {"to_status": [
        "A proposal that is “draft” cannot become “implemented”. From here it can only become “submitted to the authority”."
    ]}
    draft.refresh_from_db()
    assert draft.status == "draft" and draft.steps.count() == 1


def test_a_step_missing_what_it_records_is_400_at_that_field(token_client, coordinator, draft):
    response = step(token_client(coordinator), draft, to_status="submitted", on="2024-01-15")
    assert response.status_code == 400
    assert set(response.json()) == {"addressee", "submitted_via"}
    response = step(token_client(coordinator), draft, to_status="submitted", on="2030-01-01",
                    fields={"submitted_via": "letter", "answer_text_az": "x"})
    assert response.json() == {"fields": {"answer_text_az": ["This step does not record this field."]}}


def test_steps_are_refused_to_those_the_policy_does_not_allow(token_client, coordinator_b, municipality_editor,
                                                            municipality, coordinator):
    proposal = ProposalFactory(addressee=municipality, organization=coordinator.organization, status="submitted",
                               submitted_on=dt.date(2024, 1, 1))
    # Another NGO's coordinator may not touch this NGO's record.
    assert step(token_client(coordinator_b), proposal, to_status="acknowledged", on="2024-01-02").status_code == 403
    # The addressed municipality records the answer, but not an acknowledgement.
    editor = token_client(municipality_editor)
    assert step(editor, proposal, to_status="acknowledged", on="2024-01-02").status_code == 403
    answered = step(editor, proposal, to_status="answered", on="2024-01-03", fields={"answer_text_az": "Baxılacaq"})
    assert answered.status_code == 200, answered.content
    assert ProposalStep.objects.filter(proposal=proposal, to_status="answered").count() == 1


def test_an_unpublished_proposal_is_found_for_staff_steps_but_not_for_reading(token_client, client, coordinator, draft):
    assert not draft.is_published
    assert client.get(f"{URL}{draft.number}/").status_code == 404
    assert step(client, draft, to_status="submitted", on="2024-01-15").status_code == 401
    response = step(token_client(coordinator), draft, to_status="submitted", on="2024-01-15",
                    fields={"submitted_via": "email", "addressee": AuthorityFactory().slug})
    assert response.status_code == 200
