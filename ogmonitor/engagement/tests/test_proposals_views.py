"""The proposal pages: who sees and changes what, the list's filters, the detail page and its steps."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from ogmonitor.engagement.factories import AuthorityFactory, EventFactory, ProposalFactory
from ogmonitor.engagement.models import Proposal, ProposalStep

S = Proposal.Status


@pytest.fixture(autouse=True)
def english():
    """Pages in English (the Azerbaijani catalogue comes later), so messages can be compared."""
    with translation.override("en"):
        yield


def today():
    return timezone.localdate()


def days_ago(days: int) -> dt.date:
    return today() - dt.timedelta(days=days)


def list_url(**params) -> str:
    from urllib.parse import urlencode

    return reverse("engagement:proposals") + (f"?{urlencode(params)}" if params else "")


def detail_url(proposal) -> str:
    return reverse("engagement:proposal", args=[proposal.number])


def step_url(proposal, status) -> str:
    return reverse("engagement:proposal_step", args=[proposal.number, status])


def content(response) -> str:
    return response.content.decode()


# --- Who sees what --------------------------------------------------------------------------------


def test_anonymous_visitors_see_only_published_proposals(client, db):
    public = ProposalFactory(text_en="Light the school road", is_published=True)
    hidden = ProposalFactory(text_en="Internal draft about the budget", is_published=False)

    page = content(client.get(list_url()))
    assert "Light the school road" in page
    assert "Internal draft about the budget" not in page
    assert client.get(detail_url(public)).status_code == 200
    assert client.get(detail_url(hidden)).status_code == 404


@pytest.mark.parametrize("who", ["coordinator", "coordinator_b", "administrator"])
def test_staff_see_unpublished_proposals(client_for, request, who, db):
    hidden = ProposalFactory(text_en="Internal draft about the budget", is_published=False)
    user = request.getfixturevalue(who)
    assert "Internal draft about the budget" in content(client_for(user).get(list_url()))
    assert client_for(user).get(detail_url(hidden)).status_code == 200


def test_a_municipality_editor_sees_the_unpublished_proposals_to_their_municipality_only(
    client_for, municipality_editor, municipality, other_municipality, db,
):
    to_them = ProposalFactory(text_en="Internal draft about the budget", addressee=municipality, is_published=False)
    to_another = ProposalFactory(text_en="Internal draft about the roads", addressee=other_municipality,
                                 is_published=False)
    client = client_for(municipality_editor)
    page = content(client.get(list_url()))
    assert "Internal draft about the budget" in page and "Internal draft about the roads" not in page
    assert client.get(detail_url(to_them)).status_code == 200
    assert client.get(detail_url(to_another)).status_code == 404


def test_the_list_counts_proposals_per_status_and_marks_overdue_ones(client, db):
    ProposalFactory(status=S.DRAFT)
    ProposalFactory(status=S.SUBMITTED, submitted_on=days_ago(45), answer_days=30, text_en="Repair the bridge")
    ProposalFactory(status=S.SUBMITTED, submitted_on=days_ago(5), text_en="Open a library")
    ProposalFactory(status=S.ACCEPTED, submitted_on=days_ago(90))

    response = client.get(list_url())
    counts = response.context["counts"]
    assert (counts["total"], counts[S.DRAFT], counts[S.SUBMITTED], counts[S.ACCEPTED], counts["overdue"]) == (4, 1, 2, 1, 1)
    page = content(response)
    assert "15 days overdue" in page
    assert page.count('class="is-overdue"') == 1


def test_the_list_filters_by_status_addressee_event_topic_and_overdue(client, db):
    authority = AuthorityFactory(name_en="Guba executive authority")
    event = EventFactory(title_en="Workshop in Qəçrəş")
    late = ProposalFactory(
        status=S.SUBMITTED, submitted_on=days_ago(40), addressee=authority, event=event, topic="Roads",
        text_en="Repair the bridge",
    )
    ProposalFactory(status=S.SUBMITTED, submitted_on=days_ago(2), addressee=authority, text_en="Open a library")
    ProposalFactory(status=S.DRAFT, text_en="Plant trees", topic="Environment")

    def shown(**params):
        return {proposal.text_en for proposal in client.get(list_url(**params)).context["page_obj"].object_list}

    assert shown(status=S.DRAFT) == {"Plant trees"}
    assert shown(addressee=authority.slug) == {"Repair the bridge", "Open a library"}
    assert shown(event=event.slug) == {"Repair the bridge"}
    assert shown(topic="Environment") == {"Plant trees"}
    assert shown(overdue="on") == {late.text_en}
    assert shown(addressee=authority.slug, status=S.DRAFT) == set()


def test_an_unknown_filter_value_shows_an_error_not_everything(client, db):
    ProposalFactory(text_en="Plant trees")
    response = client.get(list_url(addressee="no-such-authority"))
    assert list(response.context["page_obj"].object_list) == []
    assert "Select a valid choice" in content(response)


def test_the_list_takes_a_fixed_number_of_queries(client, db, django_assert_max_num_queries):
    event = EventFactory()
    for index in range(25):
        ProposalFactory(status=S.SUBMITTED, submitted_on=days_ago(index * 3), event=event, topic=f"Mövzu {index % 4}")
    with django_assert_max_num_queries(8):
        response = client.get(list_url())
    assert len(response.context["page_obj"].object_list) == 25


def test_addressees_in_the_filter_are_in_azerbaijani_alphabetical_order(client, db):
    for name in ("Zəngilan bələdiyyəsi", "Çənlibel bələdiyyəsi", "Cəlilabad bələdiyyəsi", "İsmayıllı bələdiyyəsi"):
        ProposalFactory(addressee=AuthorityFactory(name_az=name))
    with translation.override("az"):
        response = client.get(list_url())
    names = [organization.name_az for organization in response.context["form"].fields["addressee"].queryset]
    assert names == ["Cəlilabad bələdiyyəsi", "Çənlibel bələdiyyəsi", "İsmayıllı bələdiyyəsi", "Zəngilan bələdiyyəsi"]


# --- Detail -------------------------------------------------------------------------------------


def test_the_detail_shows_both_texts_who_raised_it_the_answer_and_the_history(client, client_for, coordinator, db):
    from ogmonitor.engagement import proposals as service

    event = EventFactory(title_en="Workshop in Qəçrəş", date=days_ago(30))
    authority = AuthorityFactory(name_en="Guba executive authority")
    proposal = service.create_proposal(
        coordinator, text_az="Kənddə uşaq bağçası açılsın", text_en="Open a kindergarten in the village",
        event=event, addressee=authority, is_published=True,
    )
    service.transition(proposal, S.SUBMITTED, on=days_ago(20), user=coordinator, submitted_via="letter",
                       reference_number="QHT-5", note="Handed in by the head of the NGO")
    service.transition(proposal, S.ANSWERED, on=days_ago(3), user=coordinator,
                       answer_text_az="Gələn il büdcəyə daxil ediləcək.")

    page = content(client.get(detail_url(proposal)))
    for text in ("Kənddə uşaq bağçası açılsın", "Open a kindergarten in the village", "Gələn il büdcəyə daxil ediləcək.",
                 event.get_absolute_url(), "Workshop in Qəçrəş", "Guba executive authority", "QHT-5",
                 "Handed in by the head of the NGO", "Raised and recorded as a draft"):
        assert text in page
    assert "coordinator-a" not in page  # who recorded a step is for staff only
    assert "coordinator-a" in content(client_for(coordinator).get(detail_url(proposal)))


def test_the_detail_offers_one_form_per_allowed_step_to_its_editors_only(client, client_for, coordinator, db, ngo_a):
    proposal = ProposalFactory(status=S.SUBMITTED, submitted_on=days_ago(3), organization=ngo_a)

    forms = client_for(coordinator).get(detail_url(proposal)).context["step_forms"]
    assert [form.to_status for form in forms] == [S.ACKNOWLEDGED, S.ANSWERED, S.ACCEPTED, S.PARTLY_ACCEPTED, S.REJECTED]
    assert client.get(detail_url(proposal)).context["step_forms"] == []


# --- Steps ------------------------------------------------------------------------------------


def test_a_coordinator_submits_a_proposal_from_its_page(client_for, coordinator, ngo_a, db):
    proposal = ProposalFactory(organization=ngo_a)
    response = client_for(coordinator).post(step_url(proposal, S.SUBMITTED), {
        "submitted-on": days_ago(1).isoformat(), "submitted-addressee": proposal.addressee_id,
        "submitted-submitted_via": "email", "submitted-reference_number": "", "submitted-note": "Sent by e-mail",
    })
    assert response.status_code == 302 and response["Location"] == detail_url(proposal)
    proposal.refresh_from_db()
    assert proposal.status == S.SUBMITTED and proposal.submitted_via == "email"
    step = proposal.steps.get()
    assert (step.to_status, step.note, step.recorded_by) == (S.SUBMITTED, "Sent by e-mail", coordinator)


def test_a_step_recorded_through_htmx_returns_the_updated_page(client_for, coordinator, ngo_a, db):
    proposal = ProposalFactory(organization=ngo_a, status=S.SUBMITTED, submitted_on=days_ago(10))
    response = client_for(coordinator).post(
        step_url(proposal, S.ACKNOWLEDGED), {"acknowledged-on": days_ago(2).isoformat()}, headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    assert "Recorded: the proposal is now “acknowledged”." in content(response)
    assert Proposal.objects.get(pk=proposal.pk).status == S.ACKNOWLEDGED


def test_a_step_with_a_bad_date_is_shown_again_with_the_message_and_what_was_typed(client_for, coordinator, ngo_a, db):
    proposal = ProposalFactory(organization=ngo_a)
    ProposalStep.objects.create(proposal=proposal, to_status=S.DRAFT, on=days_ago(5))
    response = client_for(coordinator).post(step_url(proposal, S.SUBMITTED), {
        "submitted-on": days_ago(9).isoformat(), "submitted-addressee": proposal.addressee_id,
        "submitted-submitted_via": "letter", "submitted-reference_number": "No 77/ə",
    })
    assert response.status_code == 200
    page = content(response)
    assert "The date cannot be before the previous step in the history" in page
    assert 'value="No 77/ə"' in page
    assert Proposal.objects.get(pk=proposal.pk).status == S.DRAFT


def test_a_step_no_longer_allowed_explains_why(client_for, coordinator, ngo_a, db):
    proposal = ProposalFactory(organization=ngo_a, status=S.REJECTED, submitted_on=days_ago(20))
    response = client_for(coordinator).post(step_url(proposal, S.ACCEPTED), {"accepted-on": days_ago(1).isoformat()})
    assert response.status_code == 200
    assert "cannot become “accepted”" in content(response)


def test_anonymous_visitors_cannot_record_a_step(client, db):
    proposal = ProposalFactory()
    response = client.post(step_url(proposal, S.SUBMITTED), {"submitted-on": days_ago(1).isoformat()})
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]
    assert Proposal.objects.get(pk=proposal.pk).status == S.DRAFT


def test_an_enumerator_cannot_record_a_step(client_for, enumerator, db):
    proposal = ProposalFactory()
    assert client_for(enumerator).post(step_url(proposal, S.SUBMITTED), {}).status_code == 403


# --- Permissions to change ----------------------------------------------------------------------


def test_a_coordinator_of_another_ngo_cannot_change_the_proposal(client_for, coordinator_b, ngo_a, db):
    proposal = ProposalFactory(organization=ngo_a, status=S.SUBMITTED, submitted_on=days_ago(3))
    client = client_for(coordinator_b)
    edit = reverse("engagement:proposal_edit", args=[proposal.number])

    assert client.get(edit).status_code == 403
    assert client.post(edit, {"text_az": "Başqa mətn"}).status_code == 403
    assert client.post(step_url(proposal, S.ACKNOWLEDGED), {"acknowledged-on": days_ago(1).isoformat()}).status_code == 403
    assert client.get(detail_url(proposal)).context["step_forms"] == []
    proposal.refresh_from_db()
    assert proposal.status == S.SUBMITTED and proposal.text_az != "Başqa mətn"


def test_the_municipality_editor_records_the_answer_to_their_own_municipality(client_for, municipality_editor, municipality, db):
    proposal = ProposalFactory(addressee=municipality, status=S.SUBMITTED, submitted_on=days_ago(7))
    client = client_for(municipality_editor)

    forms = client.get(detail_url(proposal)).context["step_forms"]
    assert [form.to_status for form in forms] == [S.ANSWERED, S.ACCEPTED, S.PARTLY_ACCEPTED, S.REJECTED]
    response = client.post(step_url(proposal, S.ACCEPTED), {
        "accepted-on": days_ago(1).isoformat(), "accepted-answer_text_az": "Qəbul edildi, işlərə başlanılıb.",
    })
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == S.ACCEPTED and proposal.answer_text_az == "Qəbul edildi, işlərə başlanılıb."
    # Nothing else: not the implementation, not the proposal itself.
    assert client.post(step_url(proposal, S.IMPLEMENTED), {"implemented-on": today().isoformat()}).status_code == 403
    assert client.get(reverse("engagement:proposal_edit", args=[proposal.number])).status_code == 403
    assert client.get(reverse("engagement:proposal_add")).status_code == 403


def test_the_municipality_editor_cannot_answer_for_another_authority(client_for, municipality_editor, other_municipality, db):
    proposal = ProposalFactory(addressee=other_municipality, status=S.SUBMITTED, submitted_on=days_ago(7))
    client = client_for(municipality_editor)
    assert client.get(detail_url(proposal)).context["step_forms"] == []
    response = client.post(step_url(proposal, S.ANSWERED), {"answered-on": days_ago(1).isoformat(), "answered-answer_text_az": "x"})
    assert response.status_code == 403
    assert Proposal.objects.get(pk=proposal.pk).status == S.SUBMITTED


def test_the_municipality_editor_cannot_submit_a_draft_addressed_to_them(client_for, municipality_editor, municipality, db):
    proposal = ProposalFactory(addressee=municipality)
    response = client_for(municipality_editor).post(step_url(proposal, S.SUBMITTED), {
        "submitted-on": days_ago(1).isoformat(), "submitted-addressee": municipality.pk, "submitted-submitted_via": "letter",
    })
    assert response.status_code == 403


# --- Create and edit --------------------------------------------------------------------------


def test_a_coordinator_records_a_proposal_for_their_organisation(client_for, coordinator, ngo_a, db):
    event = EventFactory(date=days_ago(10))
    authority = AuthorityFactory()
    response = client_for(coordinator).post(reverse("engagement:proposal_add"), {
        "text_az": "Məktəbə gedən yol işıqlandırılsın", "text_en": "", "topic": "Yollar", "event": event.pk,
        "addressee": authority.pk, "answer_days": 30, "is_published": "on",
    })
    proposal = Proposal.objects.get()
    assert response.status_code == 302 and response["Location"] == detail_url(proposal)
    assert proposal.organization == ngo_a and proposal.created_by == coordinator
    assert proposal.status == S.DRAFT and proposal.is_published
    assert list(proposal.steps.values_list("to_status", "on")) == [(S.DRAFT, event.date)]


def test_a_proposal_without_text_is_refused_and_the_form_keeps_what_was_typed(client_for, coordinator, db):
    response = client_for(coordinator).post(reverse("engagement:proposal_add"), {
        "text_az": "", "text_en": "", "topic": "Su təchizatı", "answer_days": 30,
    })
    assert response.status_code == 200
    page = content(response)
    assert "Write the proposal in Azerbaijani, English or both." in page
    assert 'value="Su təchizatı"' in page
    assert not Proposal.objects.exists()


def test_a_proposal_raised_in_the_future_is_refused(client_for, coordinator, db):
    response = client_for(coordinator).post(reverse("engagement:proposal_add"), {
        "text_az": "Təklif", "answer_days": 30, "raised_on": (today() + dt.timedelta(days=3)).isoformat(),
    })
    assert "cannot be in the future" in content(response)
    assert not Proposal.objects.exists()


@pytest.mark.parametrize("who", [None, "enumerator", "municipality_editor"])
def test_only_coordinators_and_administrators_record_proposals(client_for, request, who, db):
    user = request.getfixturevalue(who) if who else None
    for name in ("engagement:proposal_add", "engagement:proposals_bulk"):
        response = client_for(user).get(reverse(name))
        assert response.status_code == (302 if user is None else 403)


def test_the_editor_changes_the_text_but_not_the_addressee_after_submission(client_for, coordinator, ngo_a, db):
    authority = AuthorityFactory()
    proposal = ProposalFactory(organization=ngo_a, addressee=authority, status=S.SUBMITTED, submitted_on=days_ago(3))
    response = client_for(coordinator).post(reverse("engagement:proposal_edit", args=[proposal.number]), {
        "text_az": "Düzəldilmiş mətn", "text_en": "Corrected text", "addressee": AuthorityFactory().pk, "answer_days": 20,
    })
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert (proposal.text_az, proposal.addressee, proposal.answer_days) == ("Düzəldilmiş mətn", authority, 20)
    assert proposal.answer_due == days_ago(3) + dt.timedelta(days=20)
