"""POST /api/v1/studies/<slug>/submissions/: stored once per UUID, by whom the policy allows."""

import uuid

import pytest

from ogmonitor.surveys.factories import RespondentCategoryFactory
from ogmonitor.surveys.models import Answer, RespondentIdentity, Submission

pytestmark = pytest.mark.django_db

ANSWERS = {"aware": "yes", "heard_from": ["media", "ngo"], "meetings": 3, "satisfaction": "7,5", "comment": "Yaxşı"}


def url(study):
    return f"/api/v1/studies/{study.slug}/submissions/"


def body(community, answers=None, **respondent):
    return {
        "uuid": str(uuid.uuid4()),
        "answers": ANSWERS if answers is None else answers,
        "respondent": {"community": community.slug, "gender": "woman", "interview_date": "2024-03-01", **respondent},
    }


def post(client, study, data, language="en"):
    """Messages come in the language the request asks for (Accept-Language), Azerbaijani by default."""
    return client.post(url(study), data, content_type="application/json", HTTP_ACCEPT_LANGUAGE=language)


def test_a_submission_is_stored_once_whatever_how_often_it_is_sent(token_client, enumerator, collecting):
    client = token_client(enumerator)
    category = RespondentCategoryFactory(code="head")
    data = body(collecting.allowed, category="head", channel="face_to_face")
    first = post(client, collecting.study, data)
    assert first.status_code == 201, first.content
    stored = first.json()
    assert stored["uuid"] == data["uuid"] and stored["status"] == "submitted" and stored["questionnaire_version"] == 1
    assert stored["answers"] == {"aware": "yes", "heard_from": ["media", "ngo"], "meetings": "3",
                                 "satisfaction": "7.5", "comment": "Yaxşı"}
    assert stored["respondent"]["community"] == collecting.allowed.slug
    assert stored["respondent"]["category"] == category.code and stored["respondent"]["code"] == "R-0001"

    again = post(client, collecting.study, {**data, "answers": {"aware": "no"}})
    assert again.status_code == 200
    assert again.json() == stored  # the stored submission, untouched
    submission = Submission.objects.get(uuid=data["uuid"])
    assert Submission.objects.filter(study=collecting.study).count() == 1
    assert submission.source == Submission.Source.API and submission.created_by == enumerator
    assert Answer.objects.filter(submission=submission, question__name="heard_from").count() == 2


def test_an_enumerator_is_refused_outside_their_communities(token_client, enumerator, collecting):
    response = post(token_client(enumerator), collecting.study, body(collecting.other))
    assert response.status_code == 403
    assert not Submission.objects.filter(study=collecting.study).exists()


def test_someone_not_working_on_the_study_is_refused(token_client, coordinator_b, municipality_editor, collecting):
    # A study still collecting is not even visible to another NGO's coordinator…
    assert post(token_client(coordinator_b), collecting.study, body(collecting.allowed)).status_code == 404
    # …and once published, seeing it gives no right to enter data in it.
    collecting.study.status = "published"
    collecting.study.save()
    assert post(token_client(municipality_editor), collecting.study, body(collecting.allowed)).status_code == 403
    assert not Submission.objects.exists()


def test_without_credentials_the_answer_is_401(client, collecting):
    response = post(client, collecting.study, body(collecting.allowed))
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"


def test_refused_answers_are_400_each_at_its_question(token_client, coordinator, collecting):
    answers = {"aware": "maybe", "meetings": "99", "no_such_question": "x"}
    response = post(token_client(coordinator), collecting.study, body(collecting.allowed, answers))
    assert response.status_code == 400
    assert response.json() == {"answers": {"no_such_question": ["No question of this name in this questionnaire."]}}

    response = post(token_client(coordinator), collecting.study, body(collecting.allowed, {"aware": "maybe"}))
    assert response.status_code == 400
    assert response.json() == {"answers": {"aware": ["“maybe” is not one of the choices."]}}

    response = post(token_client(coordinator), collecting.study,
                    body(collecting.allowed, {"aware": "yes", "heard_from": ["media"], "meetings": 99}))
    assert response.status_code == 400
    assert response.json() == {"answers": {"meetings": ["Enter a number from 0 to 50."]}}
    assert not Submission.objects.filter(study=collecting.study).exclude(status=Submission.Status.DRAFT).exists()


def test_messages_come_in_the_requested_language(token_client, coordinator, collecting):
    response = post(token_client(coordinator), collecting.study, body(collecting.allowed, {"aware": "maybe"}), "az")
    assert response.json() == {"answers": {"aware": ["“maybe” seçimlərdən biri deyil."]}}


def test_refused_profile_values_are_400_at_their_field(token_client, coordinator, collecting):
    data = body(collecting.allowed, gender="female", interview_date="yesterday", category="nobody")
    data["respondent"]["community"] = "atlantis"
    data["uuid"] = "not-a-uuid"
    response = post(token_client(coordinator), collecting.study, data)
    assert response.status_code == 400
    errors = response.json()
    assert set(errors) == {"uuid", "respondent"}
    assert set(errors["respondent"]) == {"community", "gender", "interview_date", "category"}


def test_only_the_studys_coordinators_may_record_who_a_respondent_is(token_client, enumerator, coordinator, collecting):
    refused = post(token_client(enumerator), collecting.study, body(collecting.allowed, full_name="Aysel Məmmədova"))
    assert refused.status_code == 400
    assert refused.json() == {"respondent": {"full_name": ["Only the study's coordinators may record who a respondent is."]}}
    accepted = post(token_client(coordinator), collecting.study, body(collecting.allowed, full_name="Aysel Məmmədova"))
    assert accepted.status_code == 201
    assert RespondentIdentity.objects.get().full_name == "Aysel Məmmədova"
    assert "Aysel" not in accepted.content.decode()


def test_a_session_user_posts_with_the_csrf_token(enumerator, collecting):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(enumerator)
    refused = post(client, collecting.study, body(collecting.allowed))
    assert refused.status_code == 403  # no CSRF token
    client.get("/az/")  # sets the CSRF cookie
    token = client.cookies["csrftoken"].value
    response = client.post(url(collecting.study), body(collecting.allowed), content_type="application/json",
                           HTTP_X_CSRFTOKEN=token)
    assert response.status_code == 201
