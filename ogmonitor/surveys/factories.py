"""Test data for the surveys app: studies, members and questionnaires made from real XLSForms.

``make_xlsform(rows, choices, settings)`` writes an XLSForm workbook with openpyxl (one dict per
row; the columns are the union of the dicts' keys in first-seen order). ``SAMPLE_FORM`` is a
ready one: every supported type, a group, a relevant, a constraint, labels in az and en.
``QuestionnaireFactory`` uploads it through :func:`~ogmonitor.surveys.services.create_questionnaire`
so tests get exactly what a coordinator's upload would give.
"""

import io

import factory
from openpyxl import Workbook

from ogmonitor.places.factories import CommunityFactory, OrganizationFactory
from ogmonitor.plans.factories import ActionPlanFactory

from .models import Respondent, RespondentCategory, Study, StudyMember, Submission

AZ = "Azerbaijani (az)"
EN = "English (en)"


def make_xlsform(
    rows: list[dict], choices: list[dict] | None = None, settings: dict | None = None,
    *, sheets: tuple[str, ...] = ("survey", "choices", "settings"),
) -> bytes:
    """An XLSForm workbook (.xlsx bytes) with a survey sheet, a choices sheet and a settings sheet.

    Pass ``sheets`` without one of the names to leave that sheet out (to test a missing sheet).
    """
    workbook = Workbook()
    workbook.remove(workbook.active)
    tables = {"survey": rows, "choices": choices or [], "settings": [settings] if settings else []}
    for sheet in sheets:
        worksheet = workbook.create_sheet(sheet)
        records = tables.get(sheet, [])
        headers: list[str] = []
        for record in records:
            headers += [key for key in record if key not in headers]
        if not headers and sheet == "choices":
            headers = ["list_name", "name", f"label::{AZ}", f"label::{EN}"]
        if not headers:
            continue
        worksheet.append(headers)
        for record in records:
            worksheet.append([record.get(header) for header in headers])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def label(az: str, en: str, prefix: str = "label") -> dict:
    """``{"label::Azerbaijani (az)": az, "label::English (en)": en}`` for a row dict."""
    return {f"{prefix}::{AZ}": az, f"{prefix}::{EN}": en}


SAMPLE_SURVEY = [
    {"type": "note", "name": "intro", **label("Sorğuya xoş gəlmisiniz.", "Welcome to the survey.")},
    {"type": "select_one yes_no", "name": "aware", "required": "yes",
     **label("Milli Fəaliyyət Planı haqqında eşitmisinizmi?", "Have you heard of the National Action Plan?"),
     **label("Bir cavab seçin.", "Choose one answer.", "hint"), "nap_activity": "1.1"},
    {"type": "begin_group", "name": "details", **label("Ətraflı", "Details"), "relevant": "${aware} = 'yes'"},
    {"type": "select_multiple channels", "name": "heard_from",
     **label("Haradan eşitmisiniz?", "Where did you hear of it?"), "required": "yes"},
    {"type": "integer", "name": "meetings",
     **label("Neçə ictimai görüşdə iştirak etmisiniz?", "How many public meetings did you attend?"),
     "constraint": ". >= 0 and . <= 50",
     **label("0 ilə 50 arasında bir ədəd yazın.", "Enter a number from 0 to 50.", "constraint_message")},
    {"type": "end_group", "name": "details"},
    {"type": "decimal", "name": "satisfaction", **label("Məmnunluq (0–10)", "Satisfaction (0–10)"),
     "constraint": ". <= 10", "nap_area": "1"},
    {"type": "text", "name": "other_channel", **label("Başqa hansı kanal?", "Which other channel?"),
     "relevant": "selected(${heard_from}, 'other')"},
    {"type": "date", "name": "interview_date", **label("Müsahibə tarixi", "Interview date")},
    {"type": "text", "name": "comment", **label("Şərhiniz", "Your comment"), "appearance": "multiline"},
]

SAMPLE_CHOICES = [
    {"list_name": "yes_no", "name": "yes", **label("Bəli", "Yes")},
    {"list_name": "yes_no", "name": "no", **label("Xeyr", "No")},
    {"list_name": "channels", "name": "municipality", **label("Bələdiyyə", "Municipality")},
    {"list_name": "channels", "name": "media", **label("KİV", "Media")},
    {"list_name": "channels", "name": "ngo", **label("QHT", "NGO")},
    {"list_name": "channels", "name": "other", **label("Digər", "Other")},
]

SAMPLE_SETTINGS = {
    "form_title": "Yerli monitorinq sorğusu",
    "form_id": "local_monitoring",
    "version": "2024-01",
    "default_language": AZ,
}

#: A valid XLSForm (.xlsx bytes). Its nap_activity "1.1" and nap_area "1" exist in a plan made
#: by :class:`StudyFactory` only if the test creates them (see ``QuestionnaireFactory``).
SAMPLE_FORM = make_xlsform(SAMPLE_SURVEY, SAMPLE_CHOICES, SAMPLE_SETTINGS)


class StudyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Study
        skip_postgeneration_save = True

    title_az = factory.Sequence(lambda n: f"Yerli monitorinq {n}")
    title_en = factory.Sequence(lambda n: f"Local monitoring {n}")
    slug = factory.Sequence(lambda n: f"study-{n}")
    organization = factory.SubFactory(OrganizationFactory)
    plan = factory.SubFactory(ActionPlanFactory)
    status = Study.Status.PUBLISHED
    channels = factory.LazyFunction(lambda: ["face_to_face"])

    @factory.post_generation
    def communities(self, create, extracted, **kwargs):
        """``StudyFactory(communities=[…])``; their districts are added too."""
        if create and extracted:
            self.communities.set(extracted)
            self.districts.set({community.district for community in extracted})


class StudyMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StudyMember
        skip_postgeneration_save = True

    study = factory.SubFactory(StudyFactory)
    user = factory.SubFactory("ogmonitor.accounts.factories.UserFactory")
    role = StudyMember.Role.ENUMERATOR

    @factory.post_generation
    def communities(self, create, extracted, **kwargs):
        if create and extracted:
            self.communities.set(extracted)


class QuestionnaireFactory(factory.Factory):
    """A questionnaire uploaded through the real service: ``QuestionnaireFactory(study=…, form=bytes)``.

    Without ``form`` it uploads :data:`SAMPLE_FORM` and first creates the activity 1.1 and the
    area 1 it refers to in the study's plan (if missing), so its NAP links resolve.
    """

    class Meta:
        model = dict  # built by _create below

    study = factory.SubFactory(StudyFactory)
    form = None
    filename = "questionnaire.xlsx"
    user = None

    @classmethod
    def _build(cls, model_class, *args, **kwargs):
        raise NotImplementedError("QuestionnaireFactory only creates (it goes through the upload service).")

    @classmethod
    def _create(cls, model_class, *, study, form, filename, user):
        from .services import create_questionnaire

        if form is None:
            form = SAMPLE_FORM
            _ensure_sample_plan_links(study.plan)
        return create_questionnaire(study, io.BytesIO(form), filename, user)


def _ensure_sample_plan_links(plan) -> None:
    from ogmonitor.plans.factories import ActivityFactory, AreaFactory
    from ogmonitor.plans.models import Activity, Area

    area = Area.objects.filter(plan=plan, number=1).first() or AreaFactory(plan=plan, number=1)
    if not Activity.objects.filter(plan=plan, number="1.1").exists():
        ActivityFactory(area=area, number="1.1")


class RespondentCategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RespondentCategory
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"category-{n}")
    name_az = factory.Sequence(lambda n: f"Kateqoriya {n}")
    name_en = factory.Sequence(lambda n: f"Category {n}")


class RespondentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Respondent

    study = factory.SubFactory(StudyFactory)
    code = factory.Sequence(lambda n: f"R{n:03d}")
    community = factory.SubFactory(CommunityFactory)


class SubmissionFactory(factory.django.DjangoModelFactory):
    """A submission without answers; give ``questionnaire`` (its study is taken from it)."""

    class Meta:
        model = Submission

    questionnaire = factory.LazyAttribute(lambda o: QuestionnaireFactory())
    study = factory.SelfAttribute("questionnaire.study")
    respondent = factory.LazyAttribute(lambda o: RespondentFactory(study=o.study))
    status = Submission.Status.SUBMITTED
