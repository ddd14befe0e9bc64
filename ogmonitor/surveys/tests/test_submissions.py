"""Recording, correcting and reviewing submissions (ogmonitor.surveys.submissions)."""

import threading
import uuid
from datetime import date

import pytest
from django.core.exceptions import PermissionDenied
from django.db import close_old_connections, connection
from django.utils import translation

from ogmonitor.surveys import submissions
from ogmonitor.surveys.factories import (
    QuestionnaireFactory,
    RespondentCategoryFactory,
    StudyFactory,
    StudyMemberFactory,
)
from ogmonitor.surveys.models import (
    Answer,
    AnswerRevision,
    RespondentIdentity,
    Submission,
)

pytestmark = pytest.mark.django_db

VALID = {
    "aware": "yes", "heard_from": ["media", "other"], "meetings": "3", "satisfaction": "7.5",
    "other_channel": "radio", "comment": "Good meetings",
}


@pytest.fixture(autouse=True)
def azerbaijani():
    """Messages come in the active language; earlier tests may have left another one active."""
    with translation.override("az"):
        yield


@pytest.fixture
def profile(two_communities):
    return {
        "community": two_communities[0], "category": RespondentCategoryFactory(code="municipality"),
        "gender": "woman", "channel": "face_to_face", "interview_date": date(2024, 5, 6),
    }


def record(questionnaire, user, raw=None, profile=None, key=None, **kwargs):
    return submissions.record_submission(
        questionnaire, key or uuid.uuid4(), VALID if raw is None else raw, profile or {},
        source=kwargs.pop("source", Submission.Source.ENUMERATOR), user=user, **kwargs,
    )


def stored(submission) -> dict:
    from ogmonitor.surveys.answers import answer_values

    submission.refresh_from_db()
    return answer_values(submission)


def test_the_same_uuid_is_stored_once(questionnaire, assigned, profile):
    key = uuid.uuid4()
    first, created = record(questionnaire, assigned, profile=profile, key=key)
    again, created_again = record(questionnaire, assigned, {"aware": "no"}, profile=profile, key=key)
    assert created and not created_again
    assert again.pk == first.pk
    assert Submission.objects.count() == 1
    assert stored(first)["aware"] == "yes"  # the resent form changed nothing


def test_the_uuid_may_be_given_as_text(questionnaire, assigned, profile):
    key = uuid.uuid4()
    record(questionnaire, assigned, profile=profile, key=str(key))
    _submission, created = record(questionnaire, assigned, profile=profile, key=key)
    assert not created and Submission.objects.count() == 1


def test_a_draft_is_saved_incomplete_and_completed_under_the_same_uuid(questionnaire, assigned, profile):
    key = uuid.uuid4()
    draft, created = record(questionnaire, assigned, {"meetings": "4", "comment": "half"}, profile, key, draft=True)
    assert created and draft.status == Submission.Status.DRAFT and draft.submitted_at is None
    assert stored(draft) == {"comment": "half"}  # meetings is hidden until aware = yes
    final, created = record(questionnaire, assigned, VALID, profile, key)
    assert not created and final.pk == draft.pk
    assert final.status == Submission.Status.SUBMITTED and final.submitted_at
    assert stored(final)["meetings"] == 3 and stored(final)["comment"] == "Good meetings"
    assert Submission.objects.count() == 1
    assert final.respondent.code == "R-0001"


def test_a_draft_keeps_its_respondent_code(questionnaire, assigned, profile):
    key = uuid.uuid4()
    draft, _ = record(questionnaire, assigned, {}, profile, key, draft=True)
    code = draft.respondent.code
    final, _ = record(questionnaire, assigned, VALID, {**profile, "gender": "man"}, key)
    assert final.respondent.code == code and final.respondent.gender == "man"


def test_answers_to_questions_that_are_not_relevant_are_dropped(questionnaire, assigned, profile):
    raw = {"aware": "no", "heard_from": ["media"], "meetings": "5", "other_channel": "radio", "comment": "x"}
    submission, _ = record(questionnaire, assigned, raw, profile)
    assert stored(submission) == {"aware": "no", "comment": "x"}
    names = set(Answer.objects.values_list("question__name", flat=True))
    assert names == {"aware", "comment"}


def test_a_multiple_choice_gives_one_row_per_choice(questionnaire, assigned, profile):
    submission, _ = record(questionnaire, assigned, VALID, profile)
    assert Answer.objects.filter(submission=submission, question__name="heard_from").count() == 2


def test_a_missing_required_answer_refuses_the_submission(questionnaire, assigned, profile):
    with pytest.raises(submissions.SubmissionInvalid) as refused:
        record(questionnaire, assigned, {"comment": "no answer to aware"}, profile)
    assert set(refused.value.errors) == {"aware"}
    assert not Submission.objects.exists()


def test_a_required_question_inside_a_shown_group_is_enforced(questionnaire, assigned, profile):
    with pytest.raises(submissions.SubmissionInvalid) as refused:
        record(questionnaire, assigned, {"aware": "yes"}, profile)
    assert "heard_from" in refused.value.errors


def test_a_constraint_refuses_the_answer_with_its_message(questionnaire, assigned, profile):
    with pytest.raises(submissions.SubmissionInvalid) as refused:
        record(questionnaire, assigned, {**VALID, "meetings": "99"}, profile)
    assert refused.value.errors == {"meetings": "0 ilə 50 arasında bir ədəd yazın."}
    assert not Submission.objects.exists() and not Answer.objects.exists()


def test_each_respondent_gets_the_next_code_of_the_study(questionnaire, assigned, profile, study):
    codes = [record(questionnaire, assigned, VALID, profile)[0].respondent.code for _ in range(3)]
    assert codes == ["R-0001", "R-0002", "R-0003"]
    other = QuestionnaireFactory(study=StudyFactory(organization=study.organization))
    first_elsewhere, _ = record(other, None, VALID, {}, source=Submission.Source.SELF)
    assert first_elsewhere.respondent.code == "R-0001"


def test_identity_is_stored_apart_and_only_when_given(questionnaire, coordinator, profile):
    anonymous, _ = record(questionnaire, coordinator, VALID, profile)
    named, _ = record(questionnaire, coordinator, VALID, {**profile, "full_name": "Aygün Məmmədova", "phone": "+994 50 000 00 00"})
    assert not RespondentIdentity.objects.filter(respondent=anonymous.respondent).exists()
    identity = RespondentIdentity.objects.get(respondent=named.respondent)
    assert identity.full_name == "Aygün Məmmədova" and identity.phone == "+994 50 000 00 00"
    assert "Aygün" not in named.respondent.code


def test_the_respondent_profile_is_stored(questionnaire, assigned, profile, two_communities):
    submission, _ = record(questionnaire, assigned, VALID, profile)
    respondent = submission.respondent
    assert respondent.community == two_communities[0]
    assert respondent.category.code == "municipality"
    assert (respondent.gender, respondent.channel, respondent.interview_date) == ("woman", "face_to_face", date(2024, 5, 6))
    assert respondent.enumerator == assigned and submission.created_by == assigned


def test_an_enumerator_cannot_submit_in_a_community_not_assigned(questionnaire, assigned, profile, two_communities):
    with pytest.raises(PermissionDenied):
        record(questionnaire, assigned, VALID, {**profile, "community": two_communities[1]})
    assert not Submission.objects.exists()


def test_a_user_who_is_not_a_member_cannot_submit(questionnaire, enumerator, coordinator_b, profile):
    for user in (enumerator, coordinator_b):  # assigned communities elsewhere do not count
        with pytest.raises(PermissionDenied):
            record(questionnaire, user, VALID, profile)
    assert not Submission.objects.exists()


def test_someone_elses_draft_cannot_be_continued(questionnaire, assigned, profile, study):
    from ogmonitor.accounts.factories import UserFactory
    from ogmonitor.accounts.roles import Role

    colleague = UserFactory(role=Role.ENUMERATOR)
    StudyMemberFactory(study=study, user=colleague, communities=[profile["community"]])
    key = uuid.uuid4()
    record(questionnaire, assigned, {}, profile, key, draft=True)
    with pytest.raises(PermissionDenied):
        record(questionnaire, colleague, VALID, profile, key)
    assert Submission.objects.get().status == Submission.Status.DRAFT


def test_a_correction_keeps_the_previous_values(questionnaire, assigned, profile, coordinator):
    submission, _ = record(questionnaire, assigned, VALID, profile)
    revisions = submissions.correct_submission(
        submission, {"meetings": "5", "heard_from": ["media"]}, coordinator, "The respondent called back",
    )
    # heard_from loses "other", so other_channel is no longer relevant and its answer goes too.
    assert {revision.question.name: (revision.old_value, revision.new_value) for revision in revisions} == {
        "meetings": ("3", "5"), "heard_from": (["media", "other"], ["media"]), "other_channel": ("radio", ""),
    }
    assert AnswerRevision.objects.filter(submission=submission, changed_by=coordinator).count() == 3
    values = stored(submission)
    assert values["meetings"] == 5 and values["heard_from"] == ["media"] and "other_channel" not in values
    assert values["comment"] == "Good meetings"  # untouched answers stay


def test_a_correction_without_change_writes_no_history(questionnaire, assigned, profile, coordinator):
    submission, _ = record(questionnaire, assigned, VALID, profile)
    assert submissions.correct_submission(submission, dict(VALID), coordinator, "checked") == []
    assert not AnswerRevision.objects.exists()


def test_a_correction_is_validated_and_needs_a_reason(questionnaire, assigned, profile, coordinator):
    submission, _ = record(questionnaire, assigned, VALID, profile)
    with pytest.raises(submissions.SubmissionInvalid) as refused:
        submissions.correct_submission(submission, {"meetings": "5"}, coordinator, "  ")
    assert "reason" in refused.value.errors
    with pytest.raises(submissions.SubmissionInvalid) as refused:
        submissions.correct_submission(submission, {"meetings": "500"}, coordinator, "typo")
    assert "meetings" in refused.value.errors
    assert stored(submission)["meetings"] == 3 and not AnswerRevision.objects.exists()


def test_reject_needs_a_reason_and_approve_clears_it(questionnaire, assigned, profile, coordinator):
    submission, _ = record(questionnaire, assigned, VALID, profile)
    with pytest.raises(submissions.SubmissionInvalid):
        submissions.reject_submission(submission, coordinator, "")
    rejected = submissions.reject_submission(submission, coordinator, "Interview in the wrong village")
    assert rejected.status == Submission.Status.REJECTED and not rejected.counts
    assert rejected.rejection_reason == "Interview in the wrong village"
    approved = submissions.approve_submission(submission, coordinator)
    assert approved.status == Submission.Status.APPROVED and approved.rejection_reason == "" and approved.counts


def test_a_draft_cannot_be_rejected(questionnaire, assigned, profile, coordinator):
    draft, _ = record(questionnaire, assigned, {}, profile, draft=True)
    with pytest.raises(submissions.SubmissionInvalid):
        submissions.reject_submission(draft, coordinator, "no")


def test_a_self_completion_link_records_a_web_form_response(questionnaire, study, coordinator, two_communities):
    link = submissions.create_self_link(study, coordinator, label="WhatsApp", community=two_communities[1])
    assert len(link.token) == 43
    submission, created = record(questionnaire, None, VALID, {"gender": "man"}, source=Submission.Source.SELF, self_link=link)
    respondent = submission.respondent
    assert created and submission.self_link == link and submission.created_by is None
    assert respondent.channel == "web_form" and respondent.community == two_communities[1]
    assert respondent.enumerator is None and respondent.interview_date


def test_a_single_use_link_takes_one_response(questionnaire, study, coordinator):
    link = submissions.create_self_link(study, coordinator, single_use=True)
    key = uuid.uuid4()
    first, _ = record(questionnaire, None, VALID, {}, key, source=Submission.Source.SELF, self_link=link)
    again, created = record(questionnaire, None, VALID, {}, key, source=Submission.Source.SELF, self_link=link)
    assert again.pk == first.pk and not created  # the same form resent is fine
    with pytest.raises(submissions.LinkAlreadyUsed):
        record(questionnaire, None, VALID, {}, source=Submission.Source.SELF, self_link=link)
    assert Submission.objects.count() == 1


def test_an_inactive_link_refuses_responses(questionnaire, study, coordinator):
    link = submissions.create_self_link(study, coordinator)
    submissions.set_self_link_active(link, coordinator, False)
    with pytest.raises(submissions.LinkUnavailable):
        record(questionnaire, None, VALID, {}, source=Submission.Source.SELF, self_link=link)


def test_a_link_of_a_closed_study_refuses_responses(questionnaire, study, coordinator):
    link = submissions.create_self_link(study, coordinator)
    study.status = study.Status.CLOSED
    study.save()
    with pytest.raises(submissions.LinkUnavailable, match="bağlanıb"):
        record(questionnaire, None, VALID, {}, source=Submission.Source.SELF, self_link=link)
    assert not Submission.objects.exists()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_requests_with_the_same_uuid_at_once_store_one_submission(questionnaire, assigned, profile):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers: the race only exists on PostgreSQL.")
    key, results, errors = uuid.uuid4(), [], []
    barrier = threading.Barrier(4)

    def send():
        try:
            barrier.wait()
            results.append(record(questionnaire, assigned, VALID, profile, key))
        except Exception as error:  # noqa: BLE001 - reported by the assertion below
            errors.append(error)
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert Submission.objects.count() == 1
    assert sorted(created for _submission, created in results) == [False, False, False, True]
    assert Answer.objects.filter(question__name="heard_from").count() == 2
