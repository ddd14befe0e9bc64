"""Findings drafted from indicator results, kept when edited; recommendations and their links.

:class:`Round` builds a small survey round the way a coordinator's work would (a real XLSForm
uploaded through the questionnaire service, answers stored one row per choice) with the 2022
seed's awareness figures: 15 of 65 respondents aware of the plan, 18 partly, 32 not.
"""

import itertools

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from ogmonitor.findings import drafting, services
from ogmonitor.findings.models import Finding, Indicator, IndicatorResult, Recommendation
from ogmonitor.places.factories import CommunityFactory, DistrictFactory, OrganizationFactory
from ogmonitor.plans.factories import ActivityFactory, AreaFactory
from ogmonitor.surveys.factories import (
    QuestionnaireFactory,
    RespondentCategoryFactory,
    RespondentFactory,
    StudyFactory,
    label,
    make_xlsform,
)
from ogmonitor.surveys.models import Answer, Submission

SURVEY = [
    {"type": "select_one aware3", "name": "nap_aware", **label("MFP-dən xəbərdarsınızmı?", "Are you aware of the NAP?")},
    {"type": "select_one yes_no_dk", "name": "municipal_reports", **label("Bələdiyyə hesabat verir?", "Does the municipality report?")},
]
CHOICES = [
    {"list_name": "aware3", "name": "yes", **label("Bəli", "Yes")},
    {"list_name": "aware3", "name": "partly", **label("Qismən", "Partly")},
    {"list_name": "aware3", "name": "no", **label("Xeyr", "No")},
    {"list_name": "yes_no_dk", "name": "yes", **label("Bəli", "Yes")},
    {"list_name": "yes_no_dk", "name": "no", **label("Xeyr", "No")},
    {"list_name": "yes_no_dk", "name": "dont_know", **label("Bilmirəm", "Don't know")},
]
FORM = make_xlsform(SURVEY, CHOICES, {"form_title": "Sınaq", "form_id": "drafting_test", "version": "1"})

SENTENCE = {
    "sentence_az": "Respondentlərin {percent}%-i ({denominator} nəfərdən {numerator} nəfər) Milli Fəaliyyət Planı haqqında məlumatlıdır.",
    "sentence_en": "{percent}% of respondents ({numerator} of {denominator}) are aware of the National Action Plan.",
}


class Round:
    """A published study of two communities: ``answer(n, nap_aware=…)`` adds n respondents.

    The second community and the NGO category get only three respondents each: small cells.
    """

    _codes = itertools.count(1)
    _rounds = itertools.count(1)

    def __init__(self, organization=None, **study_fields):
        district = DistrictFactory(code="AZ-QBA", name_az="Quba", name_en="Guba")
        number = next(self._rounds)
        self.communities = [
            CommunityFactory(district=district, name_az=f"Böyük kənd {number}", name_en=f"Big village {number}"),
            CommunityFactory(district=district, name_az=f"Kiçik kənd {number}", name_en=f"Small village {number}"),
        ]
        self.categories = {
            code: RespondentCategoryFactory(code=code, name_az=f"{code} (az)", name_en=f"{code} (en)")
            for code in ("municipality", "ngo")
        }
        if organization is not None:
            study_fields["organization"] = organization
        self.study = StudyFactory(communities=self.communities, **study_fields)
        self.area = AreaFactory(plan=self.study.plan, number=1)
        self.activity = ActivityFactory(area=self.area, number="1.1")
        self.questionnaire = QuestionnaireFactory(study=self.study, form=FORM)
        self.questions = {q.name: q for q in self.questionnaire.questions.exclude(name="")}
        self.choices = {(c.list_name, c.name): c for c in self.questionnaire.choices.all()}

    def answer(self, count=1, community=0, category="municipality", gender="man", **answers):
        respondents = [
            RespondentFactory.build(
                study=self.study, code=f"D{next(self._codes):05d}", community=self.communities[community],
                category=self.categories[category], gender=gender,
            )
            for _ in range(count)
        ]
        for respondent in respondents:
            respondent.save()
        submissions = Submission.objects.bulk_create([
            Submission(study=self.study, questionnaire=self.questionnaire, respondent=respondent) for respondent in respondents
        ])
        Answer.objects.bulk_create([
            Answer(submission=submission, question=self.questions[name], choice=self.choices[(self.questions[name].list_name, value)])
            for submission in submissions
            for name, value in answers.items()
        ])

    def seed_answers(self):
        """The 2022 seed: 15 aware, 18 partly, 32 not — 65 respondents, 3 of them in the small village."""
        self.answer(12, nap_aware="yes", municipal_reports="yes")
        self.answer(3, community=1, category="ngo", gender="woman", nap_aware="yes", municipal_reports="no")
        self.answer(18, gender="woman", nap_aware="partly", municipal_reports="yes")
        self.answer(32, nap_aware="no", municipal_reports="dont_know")

    def indicator(self, code="nap_aware", choices=("yes",), **fields) -> Indicator:
        defaults = {
            "title_az": "Planı bilənlər", "title_en": "Aware of the plan", "question_name": "nap_aware",
            "numerator_choices": list(choices), "nap_area": self.area, **SENTENCE,
        }
        return drafting.create_indicator(self.study, None, recompute=False, code=code, **{**defaults, **fields})

    def compute(self):
        return services.compute_study(self.study)


@pytest.fixture
def round_2022(db, ngo_a):
    survey = Round(organization=ngo_a)
    survey.seed_answers()
    survey.indicator()
    survey.compute()
    return survey


def rendered(finding: Finding, language: str) -> str:
    finding.refresh_from_db()
    result = IndicatorResult.objects.overall().get(indicator=finding.indicator)
    with translation.override(language):
        return drafting.render_finding(finding, result)


# --- Drafting --------------------------------------------------------------------------------


def test_drafted_finding_reads_the_figures_in_azerbaijani_and_english(round_2022):
    outcome = drafting.draft_findings(round_2022.study)

    [finding] = outcome.created
    assert rendered(finding, "az") == (
        "Respondentlərin 23,1%-i (65 nəfərdən 15 nəfər) Milli Fəaliyyət Planı haqqında məlumatlıdır."
    )
    assert rendered(finding, "en") == "23.1% of respondents (15 of 65) are aware of the National Action Plan."
    assert finding.status == Finding.Status.DRAFT and not finding.is_edited
    assert finding.nap_area == round_2022.area


def test_complement_percent_is_the_rest_of_the_share(round_2022):
    round_2022.indicator(
        "nap_not_aware", choices=("partly", "no"),
        sentence_az="{percent}% (qalan {complement_percent}%)", sentence_en="{percent}% (the rest {complement_percent}%)",
    )
    round_2022.compute()
    drafting.draft_findings(round_2022.study)

    finding = Finding.objects.get(indicator__code="nap_not_aware")
    assert rendered(finding, "az") == "76,9% (qalan 23,1%)"
    assert rendered(finding, "en") == "76.9% (the rest 23.1%)"


def test_drafting_again_creates_no_second_finding(round_2022):
    drafting.draft_findings(round_2022.study)
    outcome = drafting.draft_findings(round_2022.study)

    assert len(outcome.refreshed) == 1 and not outcome.created
    assert Finding.objects.filter(study=round_2022.study).count() == 1


def test_indicators_without_a_sentence_or_a_figure_get_no_finding(round_2022):
    round_2022.indicator("no_sentence", sentence_az="", sentence_en="")
    round_2022.indicator("never_computed")  # defined after the computation: no result yet

    drafting.draft_findings(round_2022.study)

    assert list(Finding.objects.values_list("indicator__code", flat=True)) == ["nap_aware"]


def test_an_edited_finding_is_kept_and_its_numbers_follow_the_recomputation(round_2022):
    [finding] = drafting.draft_findings(round_2022.study).created
    drafting.update_finding(
        finding, None,
        text_az="Yalnız {percent}% ({denominator} nəfərdən {numerator} nəfər) planı bilir.",
        text_en="Only {percent}% ({numerator} of {denominator}) know the plan.",
    )
    finding.refresh_from_db()
    assert finding.is_edited

    round_2022.answer(5, nap_aware="yes")  # now 20 of 70
    round_2022.compute()
    outcome = drafting.draft_findings(round_2022.study)

    assert outcome.kept == [finding] and not outcome.created and not outcome.refreshed
    assert rendered(finding, "en") == "Only 28.6% (20 of 70) know the plan."
    assert rendered(finding, "az") == "Yalnız 28,6% (70 nəfərdən 20 nəfər) planı bilir."


def test_an_unedited_finding_takes_the_changed_sentence(round_2022):
    [finding] = drafting.draft_findings(round_2022.study).created
    indicator = finding.indicator
    drafting.update_indicator(indicator, None, recompute=False, sentence_en="{numerator} of {denominator} know it.")

    drafting.draft_findings(round_2022.study)

    assert rendered(finding, "en") == "15 of 65 know it."


def test_changing_only_the_status_does_not_mark_a_finding_edited(round_2022):
    [finding] = drafting.draft_findings(round_2022.study).created

    drafting.update_finding(finding, None, status=Finding.Status.PUBLISHED)

    finding.refresh_from_db()
    assert finding.status == Finding.Status.PUBLISHED and not finding.is_edited


def test_publishing_findings_publishes_every_draft(round_2022):
    drafting.draft_findings(round_2022.study)

    assert drafting.publish_findings(round_2022.study) == 1
    assert not Finding.objects.filter(status=Finding.Status.DRAFT).exists()


def test_a_placeholder_the_numbers_do_not_know_is_refused(round_2022):
    [finding] = drafting.draft_findings(round_2022.study).created

    with pytest.raises(ValidationError) as raised:
        drafting.update_finding(finding, None, text_en="{percentage}% know it")
    assert "text_en" in raised.value.message_dict
    with pytest.raises(ValidationError):
        round_2022.indicator("broken", sentence_en="{percent% know it")


def test_a_finding_without_figures_reads_dashes(round_2022):
    finding = drafting.create_finding(round_2022.study, None, text_az="{percent}% bilir", text_en="{percent}% know it")

    with translation.override("en"):
        assert drafting.render_finding(finding, None) == "—% know it"
    assert finding.is_edited


# --- Recommendations -------------------------------------------------------------------------


def test_a_recommendation_links_findings_of_its_study_and_activities_of_its_plan(round_2022):
    [finding] = drafting.draft_findings(round_2022.study).created
    addressee = OrganizationFactory(name_az="Korrupsiyaya qarşı Mübarizə üzrə Komissiya", name_en="Commission on Combatting Corruption")

    recommendation = drafting.create_recommendation(
        round_2022.study, None,
        text_az="Maarifləndirmə tədbirləri keçirmək.", text_en="Carry out awareness-raising activities.",
        priority=Recommendation.Priority.HIGH, addressee=addressee,
        findings=[finding], activities=[round_2022.activity],
    )

    assert list(recommendation.findings.all()) == [finding]
    assert list(recommendation.activities.all()) == [round_2022.activity]
    assert list(finding.recommendations.all()) == [recommendation]
    assert recommendation.position == 1 and recommendation.status == Recommendation.Status.PROPOSED
    with translation.override("en"):
        assert Recommendation.objects.get().text == "Carry out awareness-raising activities."


def test_a_recommendation_refuses_findings_of_another_study_and_activities_of_another_plan(round_2022, ngo_b):
    other = Round(organization=ngo_b)
    foreign_finding = drafting.create_finding(other.study, None, text_az="Başqa", text_en="Other")

    with pytest.raises(ValidationError) as raised:
        drafting.create_recommendation(round_2022.study, None, text_az="A", findings=[foreign_finding])
    assert "findings" in raised.value.message_dict
    with pytest.raises(ValidationError) as raised:
        drafting.create_recommendation(round_2022.study, None, text_az="A", activities=[other.activity])
    assert "activities" in raised.value.message_dict
    assert not Recommendation.objects.filter(study=round_2022.study).exists()  # nothing half-written


def test_updating_a_recommendation_replaces_its_links_only_when_given(round_2022):
    [finding] = drafting.draft_findings(round_2022.study).created
    recommendation = drafting.create_recommendation(
        round_2022.study, None, text_az="A", findings=[finding], activities=[round_2022.activity]
    )

    drafting.update_recommendation(recommendation, None, priority=Recommendation.Priority.LOW)
    assert recommendation.findings.count() == 1 and recommendation.activities.count() == 1

    drafting.update_recommendation(recommendation, None, findings=[], activities=[])
    assert recommendation.findings.count() == 0 and recommendation.activities.count() == 0


def test_a_recommendation_moves_through_its_statuses(round_2022):
    recommendation = drafting.create_recommendation(round_2022.study, None, text_az="A")

    drafting.set_recommendation_status(recommendation, Recommendation.Status.SUBMITTED)
    assert Recommendation.objects.get().status == Recommendation.Status.SUBMITTED
    with pytest.raises(ValidationError):
        drafting.set_recommendation_status(recommendation, "forgotten")
