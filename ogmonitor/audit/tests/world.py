"""What the audit tests build on: a submission entered through the real service, the log read back."""

import uuid
from datetime import date

from auditlog.models import LogEntry

from ogmonitor.surveys import submissions
from ogmonitor.surveys.factories import QuestionnaireFactory, RespondentCategoryFactory
from ogmonitor.surveys.models import Submission

ANSWERS = {
    "aware": "yes", "heard_from": ["media", "other"], "meetings": "3", "satisfaction": "7.5",
    "other_channel": "radio", "comment": "Good meetings",
}


def submit(study, user, community, **identity) -> Submission:
    """A submitted form of ``study`` entered by ``user`` (a coordinator of it), through the service."""
    questionnaire = study.questionnaires.first() or QuestionnaireFactory(study=study)
    profile = {
        "community": community, "category": RespondentCategoryFactory(code="municipality"),
        "gender": "woman", "channel": "face_to_face", "interview_date": date(2024, 5, 6), **identity,
    }
    submission, _created = submissions.record_submission(
        questionnaire, uuid.uuid4(), ANSWERS, profile, source=Submission.Source.ENUMERATOR, user=user,
    )
    return submission


def entries_about(record) -> list[LogEntry]:
    """The log entries about ``record``, oldest first."""
    return list(LogEntry.objects.get_for_object(record).order_by("timestamp", "pk"))


def latest_about(record) -> LogEntry:
    return entries_about(record)[-1]
