"""What the log records: who, which fields before and after, for which organisation; and what never."""

import datetime as dt
import json

import pytest
from auditlog.context import set_actor
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from ogmonitor.audit.registry import EntryIsFinal
from ogmonitor.disclosure.factories import PublicationFactory
from ogmonitor.disclosure.services import verify_publication
from ogmonitor.engagement import proposals
from ogmonitor.engagement.factories import AuthorityFactory
from ogmonitor.findings import drafting
from ogmonitor.logframe import services as logframe
from ogmonitor.logframe.factories import IndicatorFactory, ProjectFactory
from ogmonitor.surveys import submissions
from ogmonitor.surveys.importing.services import create_batch
from ogmonitor.surveys.models import RespondentIdentity

from .world import entries_about, latest_about, submit

pytestmark = pytest.mark.django_db

Action = LogEntry.Action


def test_rejecting_a_submission_on_its_page_records_the_coordinator_and_the_status_before_and_after(
    client_for, coordinator, submission_a, study_a, ngo_a,
):
    url = reverse("surveys:review_status", args=[study_a.slug, submission_a.uuid, "reject"])

    response = client_for(coordinator).post(url, {"reject-reason": "Interview in the wrong village"})

    assert response.status_code == 302
    entry = latest_about(submission_a)
    assert entry.actor == coordinator  # set by auditlog's middleware from the logged-in request
    assert entry.action == Action.UPDATE
    assert entry.changes == {
        "status": ["submitted", "rejected"], "rejection_reason": ["", "Interview in the wrong village"],
    }
    assert entry.additional_data == {"organization_id": ngo_a.pk, "study_id": study_a.pk}


def test_a_correction_is_one_entry_with_each_question_before_and_after_but_no_free_text(
    submission_a, coordinator, ngo_a,
):
    before = len(entries_about(submission_a))

    submissions.correct_submission(
        submission_a, {"meetings": "5", "heard_from": ["media"], "comment": "Aygün Əliyeva called back"},
        coordinator, "The respondent called back",
    )

    entries = entries_about(submission_a)
    assert len(entries) == before + 1
    correction = entries[-1]
    assert correction.actor == coordinator and correction.action == Action.UPDATE
    assert correction.changes == {
        "meetings": ["3", "5"],
        "heard_from": ["media, other", "media"],
        "other_channel": ["", ""],  # free text: that it changed is logged, never the text
        "comment": ["", ""],
    }
    assert correction.additional_data["organization_id"] == ngo_a.pk
    assert correction.additional_data["correction"]["reason"] == "The respondent called back"
    assert correction.additional_data["correction"]["questions"]["comment"]["free_text"] is True
    assert "Aygün" not in json.dumps([correction.changes, correction.additional_data], ensure_ascii=False)


def test_a_status_change_after_a_correction_does_not_log_the_correction_again(submission_a, coordinator):
    submissions.correct_submission(submission_a, {"meetings": "5"}, coordinator, "typo")

    submissions.reject_submission(submission_a, coordinator, "Duplicate interview")

    rejection = latest_about(submission_a)
    assert set(rejection.changes) == {"status", "rejection_reason"}
    assert "correction" not in rejection.additional_data
    assert sum(1 for entry in entries_about(submission_a) if "correction" in entry.additional_data) == 1


def test_a_respondents_identity_is_never_logged(study_a, coordinator, two_communities):
    submission = submit(
        study_a, coordinator, two_communities[0],
        full_name="Aygün Əliyeva", phone="+994 50 123 45 67", email="aygun@example.org",
    )

    assert RespondentIdentity.objects.filter(respondent=submission.respondent).exists()
    identity_type = ContentType.objects.get_for_model(RespondentIdentity)
    assert not LogEntry.objects.filter(content_type=identity_type).exists()
    logged = json.dumps(
        list(LogEntry.objects.values("object_repr", "changes", "additional_data", "serialized_data")),
        ensure_ascii=False, default=str,
    )
    assert "Aygün" not in logged and "123 45 67" not in logged and "aygun@" not in logged
    assert LogEntry.objects.filter(object_pk=str(submission.pk)).exists()


def test_a_proposal_moved_through_its_service_records_the_status_and_the_new_step(coordinator, ngo_a):
    with set_actor(coordinator):
        proposal = proposals.create_proposal(
            coordinator, text_az="Kənddə ödəniş terminalı quraşdırılsın", organization=ngo_a,
            addressee=AuthorityFactory(), raised_on=dt.date(2024, 3, 1),
        )
        proposals.transition(
            proposal, proposals.Status.SUBMITTED, on=dt.date(2024, 3, 5), user=coordinator, submitted_via="letter",
        )

    entry = latest_about(proposal)
    assert entry.actor == coordinator and entry.action == Action.UPDATE
    assert entry.changes["status"] == ["draft", "submitted"]
    assert entry.changes["submitted_on"] == ["None", "2024-03-05"]
    assert entry.changes["submitted_via"] == ["", "letter"]
    assert "updated_at" not in entry.changes and "text" not in entry.changes
    assert entry.additional_data == {"organization_id": ngo_a.pk, "proposal_id": proposal.pk}
    step = proposal.steps.get(to_status="submitted")
    step_entry = latest_about(step)
    assert step_entry.action == Action.CREATE and step_entry.actor == coordinator
    assert step_entry.changes["to_status"] == ["None", "submitted"]
    assert step_entry.additional_data == {"organization_id": ngo_a.pk, "proposal_id": proposal.pk}


def test_verifying_a_publication_records_the_verifier_and_belongs_to_no_one_organisation(coordinator, municipality):
    publication = PublicationFactory(organization=municipality, title="Büdcə layihəsi")

    with set_actor(coordinator):
        verify_publication(publication, coordinator, on=dt.date(2022, 4, 1))

    entry = latest_about(publication)
    assert entry.actor == coordinator
    assert entry.changes == {"verified_by": ["None", str(coordinator.pk)], "verified_on": ["None", "2022-04-01"]}
    # Any coordinator records and verifies any municipality's publications.
    assert entry.additional_data == {"organization_id": None, "publisher_id": municipality.pk}


@pytest.fixture
def indicator(study_a, coordinator):
    from ogmonitor.surveys.factories import QuestionnaireFactory

    QuestionnaireFactory(study=study_a)
    return drafting.create_indicator(
        study_a, coordinator, recompute=False, code="aware", title_az="Plandan xəbərdar olanlar",
        question_name="aware", numerator_choices=["yes"],
    )


def test_changing_an_indicator_records_its_definition_before_and_after(indicator, coordinator, ngo_a, study_a):
    with set_actor(coordinator):
        drafting.update_indicator(
            indicator, coordinator, recompute=False, title_az="Milli planı bilənlər", numerator_choices=["yes", "no"],
        )

    entry = latest_about(indicator)
    assert entry.actor == coordinator
    assert entry.changes == {
        "title_az": ["Plandan xəbərdar olanlar", "Milli planı bilənlər"],
        "numerator_choices": ['["yes"]', '["yes", "no"]'],
    }
    assert entry.additional_data == {"organization_id": ngo_a.pk, "study_id": study_a.pk}


def test_editing_a_finding_records_its_text_in_each_language(study_a, coordinator):
    finding = drafting.create_finding(study_a, coordinator, text_az="Sakinlərin azı planı bilir.")

    with set_actor(coordinator):
        drafting.update_finding(finding, coordinator, text_az="Sakinlərin çoxu planı bilmir.", text_en="Most residents do not know the plan.")

    entry = latest_about(finding)
    assert entry.actor == coordinator
    assert entry.changes == {
        "text_az": ["Sakinlərin azı planı bilir.", "Sakinlərin çoxu planı bilmir."],
        "text_en": ["None", "Most residents do not know the plan."],
    }


def test_moving_a_recommendation_records_only_its_status(study_a, coordinator, ngo_a):
    recommendation = drafting.create_recommendation(study_a, coordinator, text_az="Məlumatlandırma aparılsın")

    with set_actor(coordinator):
        drafting.set_recommendation_status(recommendation, "submitted", coordinator)

    entry = latest_about(recommendation)
    assert entry.actor == coordinator
    assert entry.changes == {"status": ["proposed", "submitted"]}
    assert entry.additional_data["organization_id"] == ngo_a.pk


def test_a_save_that_changes_nothing_writes_no_entry(study_a, coordinator):
    recommendation = drafting.create_recommendation(study_a, coordinator, text_az="Məlumatlandırma aparılsın")
    count = LogEntry.objects.count()

    recommendation.save()  # only updated_at moves, and the record's own timestamps are not logged

    assert LogEntry.objects.count() == count


def test_a_value_entered_by_hand_is_logged_with_its_project_and_so_is_its_removal(coordinator, ngo_a):
    project = ProjectFactory(organization=ngo_a)
    project_indicator = IndicatorFactory(project=project)

    with set_actor(coordinator):
        value = logframe.record_manual_value(project_indicator, coordinator, value=4, on=dt.date(2022, 6, 1), note="Protokol")
        pk = value.pk
        logframe.delete_manual_value(value, coordinator)

    created, deleted = LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(value), object_pk=str(pk),
    ).order_by("timestamp", "pk")
    assert created.action == Action.CREATE and deleted.action == Action.DELETE
    assert created.changes["value"] == ["None", "4.00"] and deleted.actor == coordinator
    assert deleted.additional_data == {"organization_id": ngo_a.pk, "project_id": project.pk}


def test_a_response_import_is_logged_as_its_batch_without_its_mapping_or_problems(study_a, coordinator):
    from ogmonitor.surveys.factories import QuestionnaireFactory

    questionnaire = QuestionnaireFactory(study=study_a)
    upload = SimpleUploadedFile("cavablar.csv", b"aware,meetings\nyes,3\nno,1\n")

    with set_actor(coordinator):
        batch = create_batch(study_a, questionnaire, upload, coordinator)

    entries = entries_about(batch)
    assert entries[0].action == Action.CREATE and entries[0].changes["filename"] == ["None", "cavablar.csv"]
    logged_fields = {name for entry in entries for name in entry.changes}
    assert "status" in logged_fields
    assert not logged_fields & {"mapping", "problems", "file", "file_sha256", "task_id", "created_at"}


def test_an_entry_once_written_cannot_be_saved_again(submission_a):
    entry = latest_about(submission_a)
    entry.object_repr = "something else"

    with pytest.raises(EntryIsFinal):
        entry.save()

    entry.refresh_from_db()
    assert entry.object_repr == str(submission_a.uuid)
