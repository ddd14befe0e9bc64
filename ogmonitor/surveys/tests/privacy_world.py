"""A study whose respondents have names, phones, e-mails and free-text answers of every kind.

Shared by the privacy tests of the surveys app and of the open data: every value that must
never be public is listed in :data:`PRIVATE`, so a test can search a whole response for them.
"""

import uuid
from types import SimpleNamespace

from ogmonitor.findings.models import Indicator
from ogmonitor.surveys import privacy, submissions
from ogmonitor.surveys.factories import (
    QuestionnaireFactory,
    RespondentCategoryFactory,
    StudyFactory,
    StudyMemberFactory,
    label,
    make_xlsform,
)
from ogmonitor.surveys.models import Question, Respondent, StudyMember, Submission

NAME = "Aysel Məmmədova"
PHONE = "+994 50 321 45 67"
EMAIL = "aysel.mammadova@example.org"
OTHER_NAME = "Rauf Həsənov"
#: A respondent code taken from a file: the column held names.
FREE_CODE = "Vüqar Əliyev"
ADDRESS = "Nizami küçəsi 17, mənzil 4"  # answer to a question marked personal
COMMENT = "Sədr Rəşid bəy heç görüş keçirmir"  # answer to a question left internal
SUGGESTION = "İctimai dinləmələr ayda bir dəfə keçirilsin"  # answer to a question marked publishable

PRIVATE = (NAME, PHONE, EMAIL, OTHER_NAME, FREE_CODE, ADDRESS, COMMENT)

SURVEY = [
    {"type": "select_one yes_no", "name": "aware", "required": "yes",
     **label("Milli Fəaliyyət Planı haqqında eşitmisinizmi?", "Have you heard of the National Action Plan?")},
    {"type": "select_one yes_no", "name": "attended", **label("Görüşdə olmusunuzmu?", "Did you attend a meeting?")},
    {"type": "text", "name": "address", **label("Ünvanınız", "Your address")},
    {"type": "text", "name": "comment", **label("Şərhiniz", "Your comment")},
    {"type": "text", "name": "suggestion", **label("Təklifiniz", "Your suggestion")},
]
CHOICES = [
    {"list_name": "yes_no", "name": "yes", **label("Bəli", "Yes")},
    {"list_name": "yes_no", "name": "no", **label("Xeyr", "No")},
]
FORM = make_xlsform(SURVEY, CHOICES, {"form_title": "Məxfilik sorğusu", "form_id": "privacy", "version": "1"})


def record(questionnaire, user, community, answers: dict, **profile) -> Submission:
    submission, _created = submissions.record_submission(
        questionnaire, uuid.uuid4(), answers, {"community": community, **profile},
        source=Submission.Source.ENUMERATOR, user=user,
    )
    return submission


def build(organization, coordinator, communities, *, status="collecting", enumerator=None, slug="privacy-round"):
    """The study, its questionnaire (``address`` personal, ``comment`` internal, ``suggestion``
    publishable), three respondents and two indicators.

    ``named``: a woman in the first community, with name, phone, e-mail and every text answer;
    ``other``: a man in the second community with a name, recorded by ``enumerator`` if given
    (then a member of the study, assigned to both communities);
    ``coded``: no identity, but a code imported from a file that holds a name.
    """
    study = StudyFactory(slug=slug, organization=organization, communities=communities, status=status)
    questionnaire = QuestionnaireFactory(study=study, form=FORM)
    if enumerator is not None:
        StudyMemberFactory(study=study, user=enumerator, role=StudyMember.Role.ENUMERATOR, communities=communities)
    privacy.set_text_uses(study, {"address": Question.TextUse.PERSONAL, "suggestion": Question.TextUse.PUBLISHABLE},
                          coordinator)
    head = RespondentCategoryFactory(code="head")
    named = record(
        questionnaire, coordinator, communities[0],
        {"aware": "yes", "attended": "yes", "address": ADDRESS, "comment": COMMENT, "suggestion": SUGGESTION},
        gender="woman", category=head, full_name=NAME, phone=PHONE, email=EMAIL,
    )
    other = record(
        questionnaire, enumerator or coordinator, communities[1],
        {"aware": "no", "address": "Füzuli küçəsi 3", "comment": "Yaxşıdır"},
        gender="man", full_name=OTHER_NAME,
    )
    coded = record(questionnaire, coordinator, communities[0], {"aware": "yes", "attended": "no"}, gender="woman")
    Respondent.objects.filter(pk=coded.respondent_id).update(code=FREE_CODE)
    coded.respondent.refresh_from_db()
    Indicator.objects.create(study=study, code="aware", title_az="Xəbərdarlıq", title_en="Awareness",
                             question_name="aware", numerator_choices=["yes"])
    Indicator.objects.create(study=study, code="attended", title_az="İştirak", title_en="Attendance",
                             question_name="attended", numerator_choices=["yes"], base=Indicator.Base.FILTER,
                             filter_question="aware", filter_choices=["yes"])
    return SimpleNamespace(study=study, questionnaire=questionnaire, named=named, other=other, coded=coded)
