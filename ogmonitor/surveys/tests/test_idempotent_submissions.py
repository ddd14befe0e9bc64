"""A form sent again is stored once: the rule for resends, on the web form and through the API.

The rule (``submissions.record_submission``): the first submitted version wins and a resend
gets the same answer (the same "done" page; 200 with the stored submission in the API); a draft
is updated by its author; anyone else's resend is a conflict (409) that changes nothing. Two
sendings at the same moment are PostgreSQL's part (SQLite runs one writer at a time); the
branch they take, a twin's row appearing between the check and the insert, runs on both.
"""

import re
import threading
import uuid
from datetime import date

import pytest
import requests
from django.db import connection
from django.test import Client
from django.urls import reverse
from rest_framework.authtoken.models import Token

from ogmonitor.accounts.factories import UserFactory
from ogmonitor.accounts.roles import Role
from ogmonitor.surveys import answers, submissions
from ogmonitor.surveys.answers import answer_values
from ogmonitor.surveys.factories import (
    QuestionnaireFactory,
    RespondentCategoryFactory,
    StudyFactory,
    StudyMemberFactory,
)
from ogmonitor.surveys.models import Answer, Respondent, StudyMember, Submission

pytestmark = pytest.mark.django_db

VALID = {
    "aware": "yes", "heard_from": ["media", "other"], "meetings": "3", "satisfaction": "7.5",
    "other_channel": "radio", "comment": "İlk cavab",
}


@pytest.fixture
def colleague(study, two_communities):
    """Another enumerator of the same community."""
    user = UserFactory(username="colleague", role=Role.ENUMERATOR)
    StudyMemberFactory(study=study, user=user, role=StudyMember.Role.ENUMERATOR, communities=[two_communities[0]])
    return user


@pytest.fixture
def profile(two_communities):
    return {"community": two_communities[0], "gender": "woman", "channel": "face_to_face",
            "interview_date": date(2024, 5, 6)}


def record(questionnaire, user, raw, profile, key, **kwargs):
    return submissions.record_submission(
        questionnaire, key, raw, profile, source=Submission.Source.ENUMERATOR, user=user, **kwargs,
    )


def form_data(community, key, **answers):
    data = {
        "uuid": str(key), "action": "submit", "profile-community": community.pk,
        "profile-category": RespondentCategoryFactory(code="ngo").pk, "profile-gender": "woman",
        "profile-channel": "face_to_face", "profile-interview_date": "2024-05-06",
        "q-aware": "yes", "q-heard_from": ["media"], "q-meetings": "3", "q-comment": "İlk cavab",
    }
    data.update({f"q-{name}": value for name, value in answers.items()})
    return data


def path(name, *args, language="az"):
    return f"/{language}" + reverse(name, args=args)[3:]


# --- The rule, in the service ----------------------------------------------------------------------


def test_a_submitted_form_sent_again_with_other_answers_keeps_the_first(questionnaire, assigned, profile):
    key = uuid.uuid4()
    first, created = record(questionnaire, assigned, VALID, profile, key)
    again, created_again = record(questionnaire, assigned, {**VALID, "comment": "İkinci"}, {**profile, "gender": "man"}, key)
    assert created and not created_again and again.pk == first.pk
    first.refresh_from_db()
    assert answer_values(first)["comment"] == "İlk cavab" and first.respondent.gender == "woman"
    assert Answer.objects.filter(submission=first).count() == 7  # heard_from counts one row per choice
    assert Respondent.objects.count() == 1


def test_a_colleague_resending_a_submitted_uuid_is_refused_and_changes_nothing(questionnaire, assigned, colleague,
                                                                               profile):
    key = uuid.uuid4()
    first, _created = record(questionnaire, assigned, VALID, profile, key)
    with pytest.raises(submissions.SubmissionConflict, match="başqa şəxs"):
        record(questionnaire, colleague, {**VALID, "comment": "Oğurlanmış"}, profile, key)
    first.refresh_from_db()
    assert first.created_by == assigned and answer_values(first)["comment"] == "İlk cavab"


def test_a_draft_is_updated_by_its_author_but_not_by_a_colleague(questionnaire, assigned, colleague, profile):
    key = uuid.uuid4()
    draft, _created = record(questionnaire, assigned, {"comment": "yarım"}, profile, key, draft=True)
    with pytest.raises(submissions.SubmissionConflict):
        record(questionnaire, colleague, VALID, profile, key)
    draft.refresh_from_db()
    assert draft.status == Submission.Status.DRAFT and answer_values(draft) == {"comment": "yarım"}

    record(questionnaire, assigned, {"comment": "tam"}, profile, key, draft=True)
    assert answer_values(draft) == {"comment": "tam"}
    final, created = record(questionnaire, assigned, VALID, profile, key)
    assert not created and final.pk == draft.pk and final.status == Submission.Status.SUBMITTED
    assert answer_values(final)["comment"] == "İlk cavab" and Submission.objects.count() == 1


def test_a_uuid_of_another_study_is_a_conflict(questionnaire, assigned, profile, ngo_a, two_communities):
    key = uuid.uuid4()
    record(questionnaire, assigned, VALID, profile, key)
    other = StudyFactory(organization=ngo_a, communities=two_communities, status="collecting")
    StudyMemberFactory(study=other, user=assigned, role=StudyMember.Role.ENUMERATOR, communities=[two_communities[0]])
    with pytest.raises(submissions.SubmissionConflict):
        record(QuestionnaireFactory(study=other), assigned, VALID, profile, key)
    assert Submission.objects.count() == 1


def test_already_sent_answers_only_for_a_submitted_form_of_the_caller(study, questionnaire, assigned, colleague,
                                                                      profile):
    key, draft_key = uuid.uuid4(), uuid.uuid4()
    assert submissions.already_sent(study, key, user=assigned) is None
    submission, _created = record(questionnaire, assigned, VALID, profile, key)
    record(questionnaire, assigned, {}, profile, draft_key, draft=True)
    assert submissions.already_sent(study, key, user=assigned) == submission
    assert submissions.already_sent(study, draft_key, user=assigned) is None  # a draft is still completed
    with pytest.raises(submissions.SubmissionConflict):
        submissions.already_sent(study, key, user=colleague)


def test_a_twin_stored_between_the_check_and_the_insert_is_read_back(monkeypatch, questionnaire, assigned, profile):
    """What the request that loses the race does: the unique constraint refuses its insert (only
    its savepoint is undone) and it returns the twin's submission, adding no answers of its own."""
    key = uuid.uuid4()
    validate = answers.validate_submission
    twin = []

    def validate_while_the_twin_commits(*args, **kwargs):
        monkeypatch.setattr(answers, "validate_submission", validate)
        # The twin runs the whole service now, as if it had won the race.
        twin.append(record(questionnaire, assigned, VALID, profile, key)[0])
        return validate(*args, **kwargs)

    monkeypatch.setattr(answers, "validate_submission", validate_while_the_twin_commits)
    submission, created = record(questionnaire, assigned, {**VALID, "comment": "Gecikmiş"}, profile, key)
    assert len(twin) == 1 and not created and submission.pk == twin[0].pk
    assert Submission.objects.count() == 1 and Respondent.objects.count() == 1
    assert answer_values(submission)["comment"] == "İlk cavab"
    assert Answer.objects.count() == 7


# --- The web form --------------------------------------------------------------------------------


def test_a_resent_form_gets_the_done_page_even_when_it_would_now_be_refused(client_for, study, questionnaire,
                                                                            assigned, two_communities):
    client = client_for(assigned)
    key = uuid.uuid4()
    new = path("surveys:entry_new", study.slug)
    first = client.post(new, form_data(two_communities[0], key))
    # The same UUID again, now without the required answer and with another community.
    again = client.post(new, form_data(two_communities[1], key, aware="", comment="Dəyişmiş"))
    done = path("surveys:entry_done", study.slug, key)
    assert first.status_code == again.status_code == 302 and first["Location"] == again["Location"] == done
    submission = Submission.objects.get()
    assert submission.respondent.community == two_communities[0]
    assert answer_values(submission)["comment"] == "İlk cavab"


def test_a_colleague_posting_my_uuid_gets_409_with_the_reason(client_for, study, questionnaire, assigned, colleague,
                                                              two_communities):
    key = uuid.uuid4()
    client_for(assigned).post(path("surveys:entry_new", study.slug), form_data(two_communities[0], key))
    response = client_for(colleague).post(
        path("surveys:entry_new", study.slug, language="en"), form_data(two_communities[0], key, comment="Mine now"),
    )
    assert response.status_code == 409
    assert "This form was started by someone else." in response.content.decode()
    submission = Submission.objects.get()
    assert submission.created_by == assigned and answer_values(submission)["comment"] == "İlk cavab"


def test_the_form_carries_what_the_offline_script_needs(client_for, study, questionnaire, assigned, two_communities):
    client = client_for(assigned)
    page = client.get(path("surveys:entry_new", study.slug)).content.decode()
    key = re.search(r'name="uuid" value="([0-9a-f-]{36})"', page).group(1)
    assert "js/offline.js" in page and "<script>" not in page  # no inline script (Content-Security-Policy)
    form = re.search(r"<form method=\"post\" class=\"ogform\"[^>]*>", page).group(0)
    assert "data-offline data-restore" in form and f'data-uuid="{key}"' in form
    assert 'data-user="enumerator"' in form and f'data-study="{study.slug}"' in form
    assert f'data-reopen="{reverse("surveys:entry_new", args=[study.slug])}?uuid={key}"' in form
    assert 'data-msg-kept="' in page and "data-offline-banner" in page  # the device's messages

    # A form sent back with the answers just posted is not overwritten by what the device kept.
    refused = client.post(path("surveys:entry_new", study.slug), form_data(two_communities[0], key, aware=""))
    assert refused.status_code == 200 and "data-restore" not in refused.content.decode()


def test_a_form_kept_on_the_device_reopens_under_its_own_uuid(client_for, study, questionnaire, assigned,
                                                              two_communities):
    client = client_for(assigned)
    key = uuid.uuid4()
    reopened = client.get(path("surveys:entry_new", study.slug) + f"?uuid={key}")
    assert reopened.status_code == 200 and f'name="uuid" value="{key}"' in reopened.content.decode()
    # Once the server has it, the same address leads to it (here: to its confirmation).
    client.post(path("surveys:entry_new", study.slug), form_data(two_communities[0], key))
    again = client.get(path("surveys:entry_new", study.slug) + f"?uuid={key}", follow=True)
    assert again.redirect_chain[-1][0] == path("surveys:entry_done", study.slug, key)
    # Not a UUID: a new form, with a UUID of its own.
    page = client.get(path("surveys:entry_new", study.slug) + "?uuid=nonsense").content.decode()
    assert re.search(r'name="uuid" value="[0-9a-f-]{36}"', page) and 'value="nonsense"' not in page


def test_a_colleague_cannot_reopen_my_form_by_its_uuid(client_for, study, questionnaire, assigned, colleague,
                                                      two_communities):
    key = uuid.uuid4()
    client_for(assigned).post(path("surveys:entry_new", study.slug), form_data(two_communities[0], key))
    response = client_for(colleague).get(path("surveys:entry_new", study.slug) + f"?uuid={key}", follow=True)
    assert response.status_code == 403


def test_my_interviews_has_room_for_what_the_device_keeps(client_for, study, questionnaire, assigned):
    page = client_for(assigned).get(path("surveys:entry", study.slug)).content.decode()
    assert "js/offline.js" in page and "data-outbox " in page and "data-outbox-list" in page
    assert 'data-msg-waiting="' in page


# --- The API ----------------------------------------------------------------------------------------


def api_post(user, study, body):
    token, _created = Token.objects.get_or_create(user=user)
    client = Client(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client.post(f"/api/v1/studies/{study.slug}/submissions/", body, content_type="application/json",
                       HTTP_ACCEPT_LANGUAGE="en")


def api_body(community, key, **answers):
    return {"uuid": str(key), "answers": {**VALID, **answers},
            "respondent": {"community": community.slug, "gender": "woman"}}


def test_the_api_answers_a_resend_with_the_stored_submission_before_checking_it(study, questionnaire, assigned,
                                                                                two_communities):
    key = uuid.uuid4()
    first = api_post(assigned, study, api_body(two_communities[0], key))
    # Resent with answers that would be refused now (an unknown question, another community).
    again = api_post(assigned, study, api_body(two_communities[1], key, unknown_question="x"))
    assert first.status_code == 201 and again.status_code == 200
    assert again.json() == first.json() and again.json()["answers"]["comment"] == "İlk cavab"
    assert Submission.objects.count() == 1


def test_the_api_refuses_a_colleagues_uuid_with_409(study, questionnaire, assigned, colleague, two_communities):
    key = uuid.uuid4()
    api_post(assigned, study, api_body(two_communities[0], key))
    response = api_post(colleague, study, api_body(two_communities[0], key, comment="Mine now"))
    assert response.status_code == 409
    assert response.json() == {"detail": "This form was started by someone else."}
    assert answer_values(Submission.objects.get())["comment"] == "İlk cavab"


def test_the_api_schema_documents_the_conflict(client):
    schema = client.get("/api/schema/?format=json").json()
    operation = schema["paths"]["/api/v1/studies/{study_slug}/submissions/"]["post"]
    assert {"200", "201", "409"} <= set(operation["responses"])


# --- At the same moment (PostgreSQL) -----------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql",
                    reason="SQLite runs one writer at a time: two requests cannot race there")
def test_the_same_form_posted_twice_at_the_same_moment_is_stored_once(live_server, study, questionnaire, assigned,
                                                                      two_communities):
    """Ten forms, each posted by two connections of the same logged-in browser at once (a
    double tap on a phone whose first request seems lost), with different answers each."""
    login = Client()
    login.force_login(assigned)
    cookies = {"sessionid": login.cookies["sessionid"].value}
    new = live_server.url + path("surveys:entry_new", study.slug)
    form = requests.get(new, cookies=cookies, timeout=30)
    cookies["csrftoken"] = form.cookies.get("csrftoken") or requests.utils.dict_from_cookiejar(form.cookies)["csrftoken"]
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text).group(1)
    keys = [uuid.uuid4() for _form in range(10)]
    outcomes = []

    def post(data, start):
        start.wait()
        response = requests.post(new, data=data, cookies=cookies, allow_redirects=False, timeout=60,
                                 headers={"Referer": new})
        outcomes.append((uuid.UUID(data["uuid"]), response.status_code, response.headers.get("Location")))

    for key in keys:
        start = threading.Barrier(2)
        twins = [
            threading.Thread(target=post, args=(
                {**form_data(two_communities[0], key, comment=comment), "csrfmiddlewaretoken": token}, start,
            ))
            for comment in ("Birinci", "İkinci")
        ]
        for twin in twins:
            twin.start()
        for twin in twins:
            twin.join()

    assert sorted({status for _key, status, _location in outcomes}) == [302]
    for key in keys:
        assert {location for sent, _status, location in outcomes if sent == key} == {
            path("surveys:entry_done", study.slug, key)}
    assert Submission.objects.count() == 10 and Respondent.objects.count() == 10
    assert set(Submission.objects.values_list("uuid", flat=True)) == set(keys)
    for submission in Submission.objects.all():
        # One twin's answers, whole: never a mix, never both.
        assert answer_values(submission)["comment"] in {"Birinci", "İkinci"}
        assert submission.answers.count() == 4

