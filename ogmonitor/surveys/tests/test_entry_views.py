"""The data-entry, self-completion and review pages, for every member of the cast."""

import re
import uuid
from datetime import date

import pytest
from django.urls import reverse

from ogmonitor.surveys import submissions
from ogmonitor.surveys.factories import (
    RespondentCategoryFactory,
    StudyMemberFactory,
)
from ogmonitor.surveys.models import AnswerRevision, RespondentIdentity, Submission

pytestmark = pytest.mark.django_db


def url(name, *args, language="az"):
    return f"/{language}" + reverse(name, args=args)[3:]


def form_data(community, key=None, action="submit", **answers):
    data = {
        "uuid": str(key or uuid.uuid4()), "action": action,
        "profile-community": community.pk,
        "profile-category": RespondentCategoryFactory(code="ngo").pk,
        "profile-gender": "woman", "profile-channel": "face_to_face", "profile-interview_date": "2024-05-06",
        "q-aware": "yes", "q-heard_from": ["media", "other"], "q-meetings": "3", "q-satisfaction": "7,5",
        "q-other_channel": "radio", "q-interview_date": "2024-05-06", "q-comment": "Good",
    }
    data.update({f"q-{name}": value for name, value in answers.items()})
    return data


def submit(client, study, data):
    return client.post(url("surveys:entry_new", study.slug), data)


# --- Who may open what -----------------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_log_in(client, study, questionnaire):
    key = uuid.uuid4()
    for name, args in [
        ("surveys:entry", [study.slug]), ("surveys:entry_new", [study.slug]), ("surveys:entry_edit", [study.slug, key]),
        ("surveys:review_list", [study.slug]), ("surveys:review_detail", [study.slug, key]),
        ("surveys:self_links", [study.slug]),
    ]:
        response = client.get(reverse(name, args=args))
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], name


def test_users_outside_the_study_are_refused(client_for, study, questionnaire, coordinator_b, enumerator, municipality_editor):
    pages = [
        reverse("surveys:entry", args=[study.slug]), reverse("surveys:entry_new", args=[study.slug]),
        reverse("surveys:review_list", args=[study.slug]), reverse("surveys:self_links", args=[study.slug]),
    ]
    # The enumerator has communities in general, but is not a member of this study.
    for user in (coordinator_b, enumerator, municipality_editor):
        client = client_for(user)
        for page in pages:
            assert client.get(page).status_code == 403, (user.username, page)


def test_coordinator_of_another_ngo_cannot_see_or_review_a_submission(client_for, study, questionnaire, assigned,
                                                                        two_communities, coordinator_b):
    submit(client_for(assigned), study, form_data(two_communities[0]))
    submission = Submission.objects.get()
    client = client_for(coordinator_b)
    assert client.get(reverse("surveys:review_detail", args=[study.slug, submission.uuid])).status_code == 403
    assert client.get(reverse("surveys:review_edit", args=[study.slug, submission.uuid])).status_code == 403
    response = client.post(reverse("surveys:review_status", args=[study.slug, submission.uuid, "reject"]),
                           {"reject-reason": "no"})
    assert response.status_code == 403
    submission.refresh_from_db()
    assert submission.status == Submission.Status.SUBMITTED


def test_the_form_offers_only_the_enumerators_communities(client_for, study, questionnaire, assigned, two_communities):
    response = client_for(assigned).get(reverse("surveys:entry_new", args=[study.slug]))
    assert response.status_code == 200
    content = response.content.decode()
    assert two_communities[0].name_az in content and two_communities[1].name_az not in content


def test_an_enumerator_cannot_post_a_community_not_assigned(client_for, study, questionnaire, assigned, two_communities):
    response = submit(client_for(assigned), study, form_data(two_communities[1]))
    assert response.status_code == 200 and "profile-community-error" in response.content.decode()
    assert not Submission.objects.exists()


def test_the_form_follows_the_language_of_the_url(client_for, study, questionnaire, assigned):
    client = client_for(assigned)
    az = client.get(url("surveys:entry_new", study.slug, language="az")).content.decode()
    en = client.get(url("surveys:entry_new", study.slug, language="en")).content.decode()
    assert "Milli Fəaliyyət Planı haqqında eşitmisinizmi?" in az
    assert "Have you heard of the National Action Plan?" in en
    assert 'data-relevant="{&quot;cmp&quot;: &quot;=&quot;' in en  # the group's condition, for ogform.js
    assert 'name="uuid"' in en and "ogform.js" in en


# --- Entering data ---------------------------------------------------------------------------------


def test_a_resent_form_is_stored_once_and_confirmed_again(client_for, study, questionnaire, assigned, two_communities):
    client = client_for(assigned)
    data = form_data(two_communities[0])
    first = submit(client, study, data)
    second = submit(client, study, data)
    submission = Submission.objects.get()
    done = url("surveys:entry_done", study.slug, submission.uuid)
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"] == url("surveys:entry_done", study.slug, submission.uuid)
    page = client.get(done)
    assert page.status_code == 200 and submission.respondent.code in page.content.decode()
    assert submission.respondent.community == two_communities[0] and submission.created_by == assigned


def test_errors_re_render_the_form_keeping_every_value(client_for, study, questionnaire, assigned, two_communities):
    data = form_data(two_communities[0], aware="", comment="Keep this text", meetings="77")
    data["q-aware"] = ""
    response = submit(client_for(assigned), study, data)
    content = response.content.decode()
    assert response.status_code == 200
    assert "Keep this text" in content and data["uuid"] in content
    assert 'id="q-2-error" data-error>' in content  # aware's message is shown, not hidden
    assert 'aria-invalid="true"' in content
    category = RespondentCategoryFactory(code="ngo").pk
    assert re.search(rf'name="profile-category" value="{category}"[^>]*checked', content)
    assert re.search(r'name="q-heard_from" value="media" checked', content)
    assert not Submission.objects.exists()


def test_a_constraint_error_is_shown_at_its_question(client_for, study, questionnaire, assigned, two_communities):
    response = submit(client_for(assigned), study, form_data(two_communities[0], meetings="77"))
    content = response.content.decode()
    assert "0 ilə 50 arasında bir ədəd yazın." in content and 'value="77"' in content
    assert not Submission.objects.exists()


def test_saving_a_draft_with_htmx_returns_a_status_and_a_draft_url(client_for, study, questionnaire, assigned, two_communities):
    client = client_for(assigned)
    data = form_data(two_communities[0], action="draft", aware="")
    data["q-aware"] = ""
    response = client.post(reverse("surveys:entry_new", args=[study.slug]), data, HTTP_HX_REQUEST="true")
    submission = Submission.objects.get()
    edit = reverse("surveys:entry_edit", args=[study.slug, submission.uuid])
    assert response.status_code == 200 and "draft-status" in response.content.decode()
    assert response["HX-Replace-Url"] == edit
    assert submission.status == Submission.Status.DRAFT
    # Continue later: the draft's answers are filled in, and submitting completes the same row.
    page = client.get(edit).content.decode()
    assert "Good" in page and str(submission.uuid) in page
    data.update(action="submit", **{"q-aware": "yes"})
    response = client.post(edit, data)
    assert response.status_code == 302
    submission.refresh_from_db()
    assert submission.status == Submission.Status.SUBMITTED and Submission.objects.count() == 1


def test_saving_a_draft_without_javascript_redirects_to_it(client_for, study, questionnaire, assigned, two_communities):
    response = submit(client_for(assigned), study, form_data(two_communities[0], action="draft"))
    submission = Submission.objects.get()
    assert response["Location"] == url("surveys:entry_edit", study.slug, submission.uuid)


def test_a_draft_of_another_enumerator_cannot_be_opened(client_for, study, questionnaire, assigned, two_communities):
    from ogmonitor.accounts.factories import UserFactory
    from ogmonitor.accounts.roles import Role

    submit(client_for(assigned), study, form_data(two_communities[0], action="draft"))
    draft = Submission.objects.get()
    colleague = UserFactory(role=Role.ENUMERATOR)
    StudyMemberFactory(study=study, user=colleague, communities=[two_communities[0]])
    client = client_for(colleague)
    assert client.get(reverse("surveys:entry_edit", args=[study.slug, draft.uuid])).status_code == 403
    response = submit(client, study, form_data(two_communities[0], key=draft.uuid))
    assert response.status_code == 409
    draft.refresh_from_db()
    assert draft.status == Submission.Status.DRAFT


def test_my_interviews_lists_my_drafts_and_submissions(client_for, study, questionnaire, assigned, two_communities):
    client = client_for(assigned)
    submit(client, study, form_data(two_communities[0], action="draft"))
    submit(client, study, form_data(two_communities[0]))
    content = client.get(reverse("surveys:entry", args=[study.slug])).content.decode()
    assert "R-0001" in content and "R-0002" in content
    assert reverse("surveys:entry_new", args=[study.slug]) in content


# --- Identity --------------------------------------------------------------------------------------


def test_identity_is_asked_and_shown_only_to_coordinators(client_for, study, questionnaire, assigned, coordinator,
                                                         two_communities):
    assert "profile-full_name" not in client_for(assigned).get(reverse("surveys:entry_new", args=[study.slug])).content.decode()
    assert "profile-full_name" in client_for(coordinator).get(reverse("surveys:entry_new", args=[study.slug])).content.decode()

    data = form_data(two_communities[0])
    data["profile-full_name"] = "Gizli Ad"  # an enumerator's form cannot send it: ignored
    submit(client_for(assigned), study, data)
    submission = Submission.objects.get()
    assert not RespondentIdentity.objects.exists()
    RespondentIdentity.objects.create(respondent=submission.respondent, full_name="Aygün Məmmədova", phone="+994500000000")
    detail = reverse("surveys:review_detail", args=[study.slug, submission.uuid])
    as_enumerator = client_for(assigned).get(detail).content.decode()
    as_coordinator = client_for(coordinator).get(detail).content.decode()
    assert "Aygün" not in as_enumerator and "+994500000000" not in as_enumerator
    assert "Aygün Məmmədova" in as_coordinator and "+994500000000" in as_coordinator


def test_a_coordinator_records_the_identity_apart(client_for, study, questionnaire, coordinator, two_communities):
    data = form_data(two_communities[1])
    data.update({"profile-full_name": "Aygün Məmmədova", "profile-phone": "050 000 00 00"})
    submit(client_for(coordinator), study, data)
    respondent = Submission.objects.get().respondent
    assert respondent.identity.full_name == "Aygün Məmmədova" and respondent.code == "R-0001"


# --- Self-completion links -------------------------------------------------------------------------


def test_a_coordinator_creates_and_deactivates_a_link(client_for, study, questionnaire, coordinator):
    client = client_for(coordinator)
    response = client.post(reverse("surveys:self_links", args=[study.slug]), {"label": "WhatsApp", "single_use": "on"})
    assert response.status_code == 302
    link = study.self_links.get()
    assert link.single_use and link.label == "WhatsApp" and link.is_active
    assert reverse("surveys:self_form", args=[link.token]) in client.get(reverse("surveys:self_links", args=[study.slug])).content.decode()
    client.post(reverse("surveys:self_link_toggle", args=[study.slug, link.pk]), {"active": "0"})
    link.refresh_from_db()
    assert not link.is_active
    assert client_for(None).get(reverse("surveys:self_form", args=[link.token])).status_code == 404


def test_an_enumerator_cannot_manage_links(client_for, study, questionnaire, assigned, coordinator):
    link = submissions.create_self_link(study, coordinator)
    client = client_for(assigned)
    assert client.get(reverse("surveys:self_links", args=[study.slug])).status_code == 403
    assert client.post(reverse("surveys:self_link_toggle", args=[study.slug, link.pk]), {"active": "0"}).status_code == 403


def self_data(community=None, key=None, **answers):
    data = {
        "uuid": str(key or uuid.uuid4()), "profile-category": RespondentCategoryFactory(code="entrepreneur").pk,
        "profile-gender": "man", "q-aware": "no", "q-comment": "Öz cavabım",
    }
    if community is not None:
        data["profile-community"] = community.pk
    data.update({f"q-{name}": value for name, value in answers.items()})
    return data


def test_a_single_use_link_takes_one_answer_without_login(client, study, questionnaire, coordinator, two_communities):
    link = submissions.create_self_link(study, coordinator, single_use=True)
    page = reverse("surveys:self_form", args=[link.token])
    form = client.get(page)
    content = form.content.decode()
    assert form.status_code == 200 and "profile-community" in content
    assert "profile-channel" not in content and "profile-full_name" not in content
    data = self_data(two_communities[1])
    response = client.post(page, data)
    assert response.status_code == 302 and response["Location"] == reverse("surveys:self_thanks", args=[link.token])
    assert client.post(page, data).status_code == 302  # the same form resent: still thanked, stored once
    submission = Submission.objects.get()
    assert submission.source == Submission.Source.SELF and submission.respondent.channel == "web_form"
    assert submission.respondent.community == two_communities[1]
    again = client.get(page)
    used = "surveys/self_used.html"
    assert again.status_code == 200 and used in [template.name for template in again.templates]
    other = client.post(page, self_data(two_communities[1]))
    assert used in [template.name for template in other.templates] and Submission.objects.count() == 1


def test_a_link_for_one_community_does_not_ask_for_it(client, study, questionnaire, coordinator, two_communities):
    link = submissions.create_self_link(study, coordinator, community=two_communities[0])
    page = reverse("surveys:self_form", args=[link.token])
    assert "profile-community" not in client.get(page).content.decode()
    client.post(page, self_data())
    assert Submission.objects.get().respondent.community == two_communities[0]


def test_a_self_completion_error_keeps_the_answers(client, study, questionnaire, coordinator):
    link = submissions.create_self_link(study, coordinator)
    response = client.post(reverse("surveys:self_form", args=[link.token]), self_data(aware="", comment="Mənim şərhim"))
    assert response.status_code == 200 and "Mənim şərhim" in response.content.decode()
    assert not Submission.objects.exists()


def test_unknown_tokens_are_not_found(client, study, questionnaire):
    assert client.get(reverse("surveys:self_form", args=["x" * 43])).status_code == 404


# --- Review ----------------------------------------------------------------------------------------


@pytest.fixture
def submitted(client_for, study, questionnaire, assigned, two_communities):
    submit(client_for(assigned), study, form_data(two_communities[0]))
    return Submission.objects.get()


def test_an_enumerator_sees_only_their_own_submissions(client_for, study, questionnaire, submitted, assigned, coordinator,
                                                      two_communities):
    submit(client_for(coordinator), study, form_data(two_communities[1]))
    theirs = Submission.objects.exclude(pk=submitted.pk).get()
    client = client_for(assigned)
    listing = client.get(reverse("surveys:review_list", args=[study.slug])).content.decode()
    assert submitted.respondent.code in listing and theirs.respondent.code not in listing
    assert client.get(reverse("surveys:review_detail", args=[study.slug, theirs.uuid])).status_code == 403
    assert client.get(reverse("surveys:review_edit", args=[study.slug, submitted.uuid])).status_code == 403


def test_the_submission_page_shows_answers_in_order(client_for, study, submitted, coordinator):
    content = client_for(coordinator).get(url("surveys:review_detail", study.slug, submitted.uuid, language="en")).content.decode()
    positions = [content.index(text) for text in ("Have you heard", "Where did you hear", "Your comment")]
    assert positions == sorted(positions)
    assert "Media, Other" in content and "7.5" in content


def test_a_coordinator_corrects_answers_with_a_reason(client_for, study, submitted, coordinator, two_communities):
    client = client_for(coordinator)
    edit = reverse("surveys:review_edit", args=[study.slug, submitted.uuid])
    form = client.get(edit)
    assert form.status_code == 200 and 'value="3"' in form.content.decode()
    data = {key: value for key, value in form_data(two_communities[0], meetings="5").items() if key.startswith("q-")}
    refused = client.post(edit, data)
    assert refused.status_code == 200 and not AnswerRevision.objects.exists()
    response = client.post(edit, {**data, "reason": "Called back"})
    assert response.status_code == 302
    revision = AnswerRevision.objects.get()
    assert (revision.question.name, revision.old_value, revision.new_value) == ("meetings", "3", "5")
    page = client.get(reverse("surveys:review_detail", args=[study.slug, submitted.uuid])).content.decode()
    assert "Called back" in page and coordinator.username in page


def test_a_coordinator_rejects_with_a_reason_and_approves(client_for, study, submitted, coordinator):
    client = client_for(coordinator)
    reject = reverse("surveys:review_status", args=[study.slug, submitted.uuid, "reject"])
    assert client.post(reject, {"reject-reason": ""}).status_code == 200
    submitted.refresh_from_db()
    assert submitted.status == Submission.Status.SUBMITTED
    client.post(reject, {"reject-reason": "Wrong village"})
    submitted.refresh_from_db()
    assert submitted.status == Submission.Status.REJECTED and submitted.rejection_reason == "Wrong village"
    client.post(reverse("surveys:review_status", args=[study.slug, submitted.uuid, "approve"]), {"approve-reason": ""})
    submitted.refresh_from_db()
    assert submitted.status == Submission.Status.APPROVED


def test_an_enumerator_cannot_reject(client_for, study, submitted, assigned):
    response = client_for(assigned).post(
        reverse("surveys:review_status", args=[study.slug, submitted.uuid, "reject"]), {"reject-reason": "x"},
    )
    assert response.status_code == 403


def test_the_list_filters_and_keeps_a_query_budget(client_for, study, questionnaire, coordinator, two_communities,
                                                   django_assert_max_num_queries):
    for index in range(30):
        submissions.record_submission(
            questionnaire, uuid.uuid4(), {"aware": "no"},
            {"community": two_communities[index % 2], "gender": "woman", "interview_date": date(2024, 5, 6)},
            source=Submission.Source.ENUMERATOR, user=coordinator,
        )
    client = client_for(coordinator)
    page = reverse("surveys:review_list", args=[study.slug])
    with django_assert_max_num_queries(12):
        response = client.get(page)
    assert response.status_code == 200 and response.content.decode().count("status-badge") == 30
    filtered = client.get(page, {"community": two_communities[0].pk, "status": "submitted"})
    assert filtered.content.decode().count("status-badge") == 15
    assert client.get(page, {"status": "rejected"}).content.decode().count("status-badge") == 0
