"""A small study worth a report, built with the factories and computed by the findings engine.

Three communities in two districts, two respondent categories, 36 respondents of both genders
(one community has only three, so its cells are too small to publish), three indicators in two
NAP areas whose Azerbaijani titles hold ə, ş and ğ, findings drafted from their sentences, a
previous round that published figures only, and recommendations — one of them starting with
"=" as if someone had pasted a spreadsheet formula.
"""

import itertools

import pytest

from ogmonitor.findings import drafting
from ogmonitor.findings.models import Indicator
from ogmonitor.findings.services import compute_study
from ogmonitor.places.factories import CommunityFactory, DistrictFactory
from ogmonitor.plans.factories import ActionPlanFactory, ActivityFactory, AreaFactory
from ogmonitor.surveys.factories import (
    QuestionnaireFactory,
    RespondentCategoryFactory,
    RespondentFactory,
    StudyFactory,
    SubmissionFactory,
    label,
    make_xlsform,
)
from ogmonitor.surveys.models import AggregateResult, Answer

SURVEY = [
    {"type": "select_one yes_no", "name": "aware", **label("Planı bilirsinizmi?", "Do you know the plan?")},
    {"type": "select_one yes_no", "name": "eservices", **label("E-xidmətlərdən istifadə edirsinizmi?", "Do you use e-services?")},
    {"type": "select_one yes_no", "name": "reports", **label("Bələdiyyə hesabat verirmi?", "Does the municipality report?")},
]
CHOICES = [
    {"list_name": "yes_no", "name": "yes", **label("Bəli", "Yes")},
    {"list_name": "yes_no", "name": "no", **label("Xeyr", "No")},
]
FORM = make_xlsform(SURVEY, CHOICES, {"form_title": "Hesabat sınağı", "form_id": "report_test", "version": "1"})

#: Azerbaijani texts that must come out of every format unharmed.
AREA_TITLES = {
    1: ("Məlumatlılığın artırılması və ictimai iştirak", "Awareness and public participation"),
    2: ("Elektron xidmətlər və bələdiyyələrin şəffaflığı", "E-services and municipal transparency"),
}
INDICATOR_TITLE_AZ = "Milli Fəaliyyət Planından xəbərdar olanlar"
INDICATOR_TITLE_EN = "Aware of the National Action Plan"
FINDING_AZ = "Respondentlərin {percent}%-i ({denominator} nəfərdən {numerator} nəfər) Milli Fəaliyyət Planından xəbərdardır."
FINDING_EN = "{percent}% of the respondents ({numerator} of {denominator}) are aware of the National Action Plan."
FORMULA_TEXT = "=HYPERLINK(\"http://example.org\", \"bax\")"

_codes = itertools.count(1)


class ReportStudy:
    def __init__(self, organization, respondents_per_community=(16, 17, 3)):
        plan = ActionPlanFactory(title_az="Açıq hökumətin təşviqinə dair Milli Fəaliyyət Planı",
                                 title_en="National Action Plan on Open Government")
        self.areas = {
            number: AreaFactory(plan=plan, number=number, title_az=az, title_en=en)
            for number, (az, en) in AREA_TITLES.items()
        }
        self.activity = ActivityFactory(area=self.areas[2], number="2.1")
        districts = [DistrictFactory(code="AZ-QBA", name_az="Quba", name_en="Guba"),
                     DistrictFactory(code="AZ-SBN", name_az="Şabran", name_en="Shabran")]
        self.communities = [
            CommunityFactory(district=districts[0], name_az="Ağbil", name_en="Aghbil"),
            CommunityFactory(district=districts[0], name_az="Qəçrəş", name_en="Gachrash"),
            CommunityFactory(district=districts[1], name_az="Şahnabad", name_en="Shahnabad"),
        ]
        self.categories = [
            RespondentCategoryFactory(code="report-municipality", name_az="Bələdiyyə üzvü", name_en="Municipality member"),
            RespondentCategoryFactory(code="report-ngo", name_az="QHT nümayəndəsi", name_en="NGO representative"),
        ]
        self.previous = StudyFactory(
            organization=organization, plan=plan, aggregate_only=True, slug=f"report-before-{next(_codes)}",
            title_az="Əvvəlki mərhələ (2017)", title_en="Previous round (2017)",
        )
        AggregateResult.objects.create(study=self.previous, key="aware", choice="yes", label="aware",
                                       numerator=5, denominator=20)
        self.study = StudyFactory(
            organization=organization, plan=plan, communities=self.communities, previous=self.previous,
            slug=f"report-study-{next(_codes)}", title_az="Yerli monitorinq: Quba və Şabran (2022)",
            title_en="Local monitoring: Guba and Shabran (2022)", channels=["face_to_face", "web_form"],
        )
        self.study.areas.set(self.areas.values())
        self.questionnaire = QuestionnaireFactory(study=self.study, form=FORM)
        questions = {q.name: q for q in self.questionnaire.questions.exclude(name="")}
        choices = {c.name: c for c in self.questionnaire.choices.all()}
        answers = []
        index = 0
        for community, count in zip(self.communities, respondents_per_community, strict=True):
            for _ in range(count):
                respondent = RespondentFactory(
                    study=self.study, code=f"RR{next(_codes):05d}", community=community,
                    category=self.categories[index % 2], gender="woman" if index % 3 == 0 else "man",
                )
                submission = SubmissionFactory(questionnaire=self.questionnaire, respondent=respondent)
                for name, yes in (("aware", index % 4 == 0), ("eservices", index % 5 < 3), ("reports", index % 2 == 0)):
                    answers.append(Answer(submission=submission, question=questions[name],
                                          choice=choices["yes" if yes else "no"]))
                index += 1
        Answer.objects.bulk_create(answers)
        self.indicators = [
            Indicator.objects.create(
                study=self.study, code="aware", position=1, question_name="aware", numerator_choices=["yes"],
                title_az=INDICATOR_TITLE_AZ, title_en=INDICATOR_TITLE_EN, nap_area=self.areas[1],
                sentence_az=FINDING_AZ, sentence_en=FINDING_EN,
            ),
            Indicator.objects.create(
                study=self.study, code="eservices", position=2, question_name="eservices", numerator_choices=["yes"],
                title_az="Elektron xidmətlərdən istifadə edənlər", title_en="Use e-services", nap_area=self.areas[2],
                sentence_az="Respondentlərin {percent}%-i elektron xidmətlərdən istifadə edir.",
                sentence_en="{percent}% of the respondents use e-services.",
            ),
            Indicator.objects.create(
                study=self.study, code="reports", position=3, question_name="reports", numerator_choices=["yes"],
                title_az="Bələdiyyənin hesabat verdiyini deyənlər", title_en="Say the municipality reports",
                nap_activity=self.activity,
            ),
        ]
        compute_study(self.study)
        drafting.draft_findings(self.study)
        drafting.publish_findings(self.study)
        drafting.create_recommendation(
            self.study, text_az="Sakinlər üçün maarifləndirmə görüşləri keçirmək.",
            text_en="Hold awareness meetings for residents.", priority="high", activities=[self.activity],
        )
        drafting.create_recommendation(self.study, text_az=FORMULA_TEXT, text_en=FORMULA_TEXT, priority="low")


@pytest.fixture
def report_study(db, ngo_a):
    """The study (of NGO A, published) with its figures computed; ``.study``, ``.previous``…"""
    return ReportStudy(ngo_a)
