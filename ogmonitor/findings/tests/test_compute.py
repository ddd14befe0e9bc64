"""The findings engine: what compute_study counts, how it breaks it down, and what each viewer sees.

A small survey is built with the surveys factories (a real XLSForm uploaded through the
questionnaire service); answers are stored the way the form stores them, one row per
(submission, question[, choice]).
"""

import itertools
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from statsmodels.stats.proportion import proportion_confint

from ogmonitor.findings import services
from ogmonitor.findings.labels import group_labels
from ogmonitor.findings.models import Computation, Indicator, IndicatorResult
from ogmonitor.findings.services import compute
from ogmonitor.findings.tasks import recompute_study_task
from ogmonitor.places.factories import CommunityFactory, DistrictFactory
from ogmonitor.surveys.factories import (
    QuestionnaireFactory,
    RespondentCategoryFactory,
    RespondentFactory,
    StudyFactory,
    SubmissionFactory,
    label,
    make_xlsform,
)
from ogmonitor.surveys.models import AggregateResult, Answer, Submission
from ogmonitor.surveys.submissions import correct_submission

SURVEY = [
    {"type": "select_one aware3", "name": "aware", **label("MFP-dən xəbərdarsınızmı?", "Are you aware of the NAP?")},
    {"type": "select_multiple sources", "name": "heard_from", **label("Haradan eşitmisiniz?", "Where did you hear of it?")},
    {"type": "select_one yes_no_dk", "name": "terminal", **label("İcmanızda terminal var?", "Is there a terminal in your community?")},
    {"type": "select_one yes_no_dk", "name": "reports", **label("Bələdiyyə hesabat verir?", "Does the municipality report?")},
]
CHOICES = [
    {"list_name": "aware3", "name": "yes", **label("Bəli", "Yes")},
    {"list_name": "aware3", "name": "partly", **label("Qismən", "Partly")},
    {"list_name": "aware3", "name": "no", **label("Xeyr", "No")},
    {"list_name": "sources", "name": "tv", **label("Televiziya", "Television")},
    {"list_name": "sources", "name": "press", **label("Mətbuat", "Press")},
    {"list_name": "sources", "name": "web", **label("İnternet", "Internet")},
    {"list_name": "yes_no_dk", "name": "yes", **label("Bəli", "Yes")},
    {"list_name": "yes_no_dk", "name": "no", **label("Xeyr", "No")},
    {"list_name": "yes_no_dk", "name": "dont_know", **label("Bilmirəm", "Don't know")},
]
FORM = make_xlsform(SURVEY, CHOICES, {"form_title": "Sınaq", "form_id": "findings_test", "version": "1"})


class Survey:
    """A study of six communities in two districts, with ``respond(...)`` adding a respondent."""

    _codes = itertools.count(1)

    def __init__(self, organization=None):
        self.districts = [
            DistrictFactory(code="AZ-QBA", name_az="Quba", name_en="Guba"),
            DistrictFactory(code="AZ-XAC", name_az="Xaçmaz", name_en="Khachmaz"),
        ]
        self.communities = [
            CommunityFactory(district=self.districts[index // 3], name_az=f"Kənd {index}", name_en=f"Village {index}")
            for index in range(6)
        ]
        self.categories = {
            code: RespondentCategoryFactory(code=code, name_az=f"{code} az", name_en=f"{code} en")
            for code in ("municipality", "ngo")
        }
        extra = {"organization": organization} if organization is not None else {}
        self.study = StudyFactory(communities=self.communities, **extra)
        self.questionnaire = QuestionnaireFactory(study=self.study, form=FORM)
        self.questions = {q.name: q for q in self.questionnaire.questions.exclude(name="")}
        self.choices = {(c.list_name, c.name): c for c in self.questionnaire.choices.all()}

    def respond(self, community=0, category="municipality", gender="man", status=Submission.Status.SUBMITTED, **answers):
        respondent = RespondentFactory(
            study=self.study, code=f"T{next(self._codes):05d}",
            community=self.communities[community] if community is not None else None,
            category=self.categories[category] if category else None, gender=gender,
        )
        submission = SubmissionFactory(questionnaire=self.questionnaire, respondent=respondent, status=status)
        rows = []
        for name, value in answers.items():
            question = self.questions[name]
            for choice in value if isinstance(value, list) else [value]:
                rows.append(Answer(submission=submission, question=question, choice=self.choices[(question.list_name, choice)]))
        Answer.objects.bulk_create(rows)
        return submission

    def indicator(self, code, question_name=None, choices=("yes",), **fields):
        return Indicator.objects.create(
            study=self.study, code=code, title_az=f"{code} (az)", title_en=f"{code} (en)",
            question_name=question_name if question_name is not None else code, numerator_choices=list(choices), **fields,
        )


def cells(indicator) -> dict[tuple[str, str], tuple]:
    """{(dimension, group key): (numerator, denominator)} of the stored results."""
    return {
        (r.dimension, r.group_key): (r.numerator, r.denominator)
        for r in IndicatorResult.objects.filter(indicator=indicator)
    }


def overall(indicator) -> IndicatorResult:
    return IndicatorResult.objects.overall().get(indicator=indicator)


@pytest.fixture
def survey(db):
    return Survey()


# --- Numerators and bases --------------------------------------------------------------------


def test_base_all_counts_every_counted_respondent_and_answered_only_those_who_answered(survey):
    for value in ["yes", "yes", "partly", "no", "no"]:
        survey.respond(aware=value)
    survey.respond()  # answered nothing
    survey.respond(aware="yes", status=Submission.Status.DRAFT)
    survey.respond(aware="yes", status=Submission.Status.REJECTED)
    survey.respond(aware="yes", status=Submission.Status.APPROVED)
    everyone = survey.indicator("aware_all", "aware", base=Indicator.Base.ALL)
    answered = survey.indicator("aware_answered", "aware", base=Indicator.Base.ANSWERED)

    computation = services.compute_study(survey.study)

    assert (overall(everyone).numerator, overall(everyone).denominator) == (3, 7)
    assert (overall(answered).numerator, overall(answered).denominator) == (3, 6)
    assert computation.submission_count == 7
    assert computation.finished_at is not None


def test_several_options_of_a_single_choice_question_add_up(survey):
    for value in ["yes", "partly", "partly", "no"]:
        survey.respond(aware=value)
    not_aware = survey.indicator("not_aware", "aware", choices=["partly", "no"])
    services.compute_study(survey.study)
    assert (overall(not_aware).numerator, overall(not_aware).denominator) == (3, 4)
    assert overall(not_aware).percentage == Decimal("75.0000")


def test_a_respondent_ticking_two_counted_options_counts_once(survey):
    survey.respond(aware="yes", heard_from=["tv", "press"])
    survey.respond(aware="yes", heard_from=["tv", "press", "web"])
    survey.respond(aware="partly", heard_from=["web"])
    survey.respond(aware="no")
    media = survey.indicator("media", "heard_from", choices=["tv", "press"], base=Indicator.Base.ANSWERED)
    tv = survey.indicator("tv", "heard_from", choices=["tv"], base=Indicator.Base.ANSWERED)
    tv_all = survey.indicator("tv_all", "heard_from", choices=["tv"])

    services.compute_study(survey.study)

    assert (overall(media).numerator, overall(media).denominator) == (2, 3)
    assert (overall(tv).numerator, overall(tv).denominator) == (2, 3)
    assert (overall(tv_all).numerator, overall(tv_all).denominator) == (2, 4)
    assert cells(media)[("gender", "man")] == (2, 3)


def test_a_filter_restricts_numerator_and_base(survey):
    survey.respond(aware="yes", heard_from=["tv"])
    survey.respond(aware="yes", heard_from=["press"])
    survey.respond(aware="partly", heard_from=["tv", "web"])
    survey.respond(aware="no", heard_from=["tv"])  # heard of something, but not aware: outside the base
    survey.respond(aware="no")
    tv_among_aware = survey.indicator(
        "tv_among_aware", "heard_from", choices=["tv"], base=Indicator.Base.FILTER,
        filter_question="aware", filter_choices=["yes", "partly"],
    )
    services.compute_study(survey.study)
    assert (overall(tv_among_aware).numerator, overall(tv_among_aware).denominator) == (2, 3)


def test_percentage_has_four_decimals_and_the_interval_is_statsmodels_wilson_in_percent(survey):
    for value in ["yes", "yes", "no"]:
        survey.respond(aware=value)
    indicator = survey.indicator("aware")
    services.compute_study(survey.study)
    result = overall(indicator)
    low, high = proportion_confint(2, 3, method="wilson")
    assert result.percentage == Decimal("66.6667")
    assert result.ci_low == pytest.approx(100 * low, abs=1e-4)
    assert result.ci_high == pytest.approx(100 * high, abs=1e-4)


def test_an_indicator_nobody_answered_has_an_empty_figure(survey):
    survey.respond(aware="yes")
    indicator = survey.indicator("reports", base=Indicator.Base.ANSWERED)
    services.compute_study(survey.study)
    result = overall(indicator)
    assert (result.numerator, result.denominator, result.percentage, result.ci_low) == (0, 0, None, None)
    assert list(IndicatorResult.objects.filter(indicator=indicator)) == [result]


def test_an_indicator_on_a_question_the_study_does_not_have_has_no_figure(survey):
    survey.respond(aware="yes")
    typo = survey.indicator("typo", "awere")
    services.compute_study(survey.study)
    result = overall(typo)
    assert (result.numerator, result.denominator, result.percentage) == (None, None, None)


# --- Breakdowns ----------------------------------------------------------------------------------


def test_breakdown_cells_have_stable_keys_and_add_up_to_the_overall_figure(survey):
    plan = [
        (0, "municipality", "woman", "yes"), (0, "ngo", "man", "no"), (1, "ngo", "man", "yes"),
        (3, "municipality", "man", "partly"), (4, "municipality", "woman", "yes"), (5, None, "", "no"),
    ]
    for community, category, gender, value in plan:
        survey.respond(community=community, category=category, gender=gender, aware=value)
    indicator = survey.indicator("aware")

    services.compute_study(survey.study)

    found = cells(indicator)
    assert found[("", "")] == (3, 6)
    slugs = [community.slug for community in survey.communities]
    assert {key: value for key, value in found.items() if key[0] == "district"} == {
        ("district", "AZ-QBA"): (2, 3), ("district", "AZ-XAC"): (1, 3),
    }
    assert {key: value for key, value in found.items() if key[0] == "community"} == {
        ("community", slugs[0]): (1, 2), ("community", slugs[1]): (1, 1), ("community", slugs[3]): (0, 1),
        ("community", slugs[4]): (1, 1), ("community", slugs[5]): (0, 1),
    }
    assert {key: value for key, value in found.items() if key[0] == "category"} == {
        ("category", "municipality"): (2, 3), ("category", "ngo"): (1, 2), ("category", ""): (0, 1),
    }
    assert {key: value for key, value in found.items() if key[0] == "gender"} == {
        ("gender", "woman"): (2, 2), ("gender", "man"): (1, 3), ("gender", ""): (0, 1),
    }
    for dimension in ("district", "community", "category", "gender"):
        numerators, denominators = zip(*(v for k, v in found.items() if k[0] == dimension), strict=True)
        assert (sum(numerators), sum(denominators)) == found[("", "")]


def test_submissions_without_a_respondent_or_profile_count_overall_and_as_not_recorded(survey):
    survey.respond(community=None, category=None, gender="", aware="yes")
    anonymous = SubmissionFactory(questionnaire=survey.questionnaire, respondent=None)
    Answer.objects.create(submission=anonymous, question=survey.questions["aware"], choice=survey.choices[("aware3", "no")])
    survey.respond(community=0, aware="no")
    indicator = survey.indicator("aware")

    services.compute_study(survey.study)

    found = cells(indicator)
    assert found[("", "")] == (1, 3)
    assert found[("community", "")] == found[("district", "")] == (1, 2)
    assert found[("community", survey.communities[0].slug)] == (0, 1)


def test_group_labels_follow_the_active_language_not_the_moment_of_computation(survey):
    survey.respond(community=3, aware="yes")
    indicator = survey.indicator("aware")
    with translation.override("en"):
        services.compute_study(survey.study)
    result = IndicatorResult.objects.get(indicator=indicator, dimension="district")
    assert result.group_key == "AZ-XAC"
    assert result.group_label == "Xaçmaz"  # stored in the default language, whatever was active
    with translation.override("en"):
        assert group_labels([("district", "AZ-XAC"), ("gender", "man")]) == {
            ("district", "AZ-XAC"): "Khachmaz", ("gender", "man"): "man",
        }
    with translation.override("az"):
        assert group_labels([("district", "AZ-XAC")])[("district", "AZ-XAC")] == "Xaçmaz"


# --- Communities and published figures ---------------------------------------------------------------


def test_a_community_fact_is_counted_over_communities_with_any_or_majority_rule(survey):
    for community, values in {0: ["yes", "no", "no"], 1: ["yes", "yes"], 3: ["no"], 4: ["dont_know", "yes"]}.items():
        for value in values:
            survey.respond(community=community, terminal=value)
    survey.respond(community=5)  # nobody in community 5 answered: not in the base
    survey.respond(community=None, terminal="yes")  # no community: not counted over communities
    any_says = survey.indicator("terminal_any", "terminal", kind=Indicator.Kind.COMMUNITY)
    most_say = survey.indicator(
        "terminal_majority", "terminal", kind=Indicator.Kind.COMMUNITY, community_rule=Indicator.CommunityRule.MAJORITY
    )

    services.compute_study(survey.study)

    assert cells(any_says) == {("", ""): (3, 4), ("district", "AZ-QBA"): (2, 2), ("district", "AZ-XAC"): (1, 2)}
    # Community 4 is split one to one: not a majority.
    assert cells(most_say) == {("", ""): (1, 4), ("district", "AZ-QBA"): (1, 2), ("district", "AZ-XAC"): (0, 2)}


def test_published_figures_are_read_as_counts_percentages_or_ranges(db):
    study = StudyFactory(aggregate_only=True)
    AggregateResult.objects.create(study=study, key="aware", choice="yes", label="Aware", numerator=12, denominator=48, percentage=25, base_uncertain=True)
    AggregateResult.objects.create(study=study, key="portal", choice="yes", label="Portal", percentage=Decimal("15.4"))
    AggregateResult.objects.create(study=study, key="cbo", choice="yes", label="CBO", percentage=90, percentage_upper=95)

    def published(code, key, choice="yes"):
        return Indicator.objects.create(
            study=study, code=code, title_az=code, title_en=code, kind=Indicator.Kind.PUBLISHED,
            aggregate_key=key, aggregate_choice=choice,
        )

    counts, percent, spread, missing = published("aware", "aware"), published("portal", "portal"), published("cbo", "cbo"), published("gone", "gone")
    services.compute_study(study)

    result = overall(counts)
    low, high = proportion_confint(12, 48, method="wilson")
    assert (result.numerator, result.denominator, result.percentage, result.base_uncertain) == (12, 48, Decimal("25.0000"), True)
    assert (result.ci_low, result.ci_high) == (pytest.approx(100 * low, abs=1e-4), pytest.approx(100 * high, abs=1e-4))
    result = overall(percent)
    assert (result.numerator, result.denominator, result.percentage, result.ci_low) == (None, None, Decimal("15.4000"), None)
    result = overall(spread)
    assert (result.percentage, result.percentage_upper) == (Decimal("90.0000"), Decimal("95.0000"))
    assert overall(missing).percentage is None


# --- Recomputation ------------------------------------------------------------------------------------


def snapshot(study) -> dict:
    return {
        (r.indicator.code, r.dimension, r.group_key): (r.numerator, r.denominator, r.percentage, r.ci_low, r.ci_high)
        for r in IndicatorResult.objects.filter(indicator__study=study).select_related("indicator")
    }


def test_a_corrected_answer_changes_exactly_the_affected_cells(survey, coordinator):
    for index in range(12):
        survey.respond(
            community=index % 6, category=["municipality", "ngo"][index % 2], gender=["man", "woman"][index % 3 == 0],
            aware=["yes", "no", "partly"][index % 3], reports=["yes", "no"][index % 4 == 0], terminal="yes",
        )
    target = survey.respond(community=4, category="ngo", gender="woman", aware="yes", reports="no", terminal="no")
    for code, question in (("aware", "aware"), ("reports", "reports"), ("terminal", "terminal")):
        survey.indicator(code, question)
    services.compute_study(survey.study)
    before = snapshot(survey.study)

    correct_submission(target, {"reports": "yes"}, coordinator, "The enumerator ticked the wrong box.")
    services.compute_study(survey.study)
    after = snapshot(survey.study)

    assert set(before) == set(after)
    changed = {key for key in before if before[key] != after[key]}
    community = survey.communities[4].slug
    assert changed == {
        ("reports", "", ""), ("reports", "district", "AZ-XAC"), ("reports", "community", community),
        ("reports", "category", "ngo"), ("reports", "gender", "woman"),
    }
    for key in changed:
        assert after[key][0] == before[key][0] + 1 and after[key][1] == before[key][1]
    assert Computation.objects.filter(study=survey.study).count() == 2


def test_counting_rows_or_distinct_submissions_gives_the_same_figures(survey, monkeypatch):
    """The cube counts rows (COUNT(*)) only where the schema guarantees one row per option."""
    for index in range(9):
        survey.respond(community=index % 6, aware=["yes", "partly", "no"][index % 3],
                       heard_from=[["tv"], ["tv", "press"], ["web"]][index % 3], reports="yes")
    survey.indicator("aware")
    survey.indicator("media", "heard_from", choices=["tv", "press"], base=Indicator.Base.ANSWERED)
    survey.indicator("reports", base=Indicator.Base.ANSWERED)
    monkeypatch.setattr(compute, "answers_unique_per_choice", lambda: False)
    services.compute_study(survey.study)
    distinct = snapshot(survey.study)
    monkeypatch.setattr(compute, "answers_unique_per_choice", lambda: True)
    services.compute_study(survey.study)
    assert snapshot(survey.study) == distinct


def test_the_number_of_queries_does_not_grow_with_the_respondents(survey, django_assert_max_num_queries):
    survey.indicator("aware")
    survey.indicator("not_aware", "aware", choices=["partly", "no"], base=Indicator.Base.ANSWERED)
    survey.indicator("media", "heard_from", choices=["tv", "press"])
    survey.indicator("tv", "heard_from", choices=["tv"], base=Indicator.Base.ANSWERED)
    survey.indicator("terminal", kind=Indicator.Kind.COMMUNITY)
    survey.indicator("tv_among_aware", "heard_from", choices=["tv"], base=Indicator.Base.FILTER,
                     filter_question="aware", filter_choices=["yes"])

    def add(count):
        for index in range(count):
            survey.respond(
                community=index % 6, category=["municipality", "ngo"][index % 2], gender=["man", "woman"][index % 2],
                aware=["yes", "partly", "no"][index % 3], heard_from=[["tv"], ["tv", "press"], ["web"]][index % 3],
                terminal=["yes", "no"][index % 2],
            )

    add(10)
    with CaptureQueriesContext(connection) as small:
        services.compute_study(survey.study)
    add(50)
    with django_assert_max_num_queries(len(small.captured_queries)):
        services.compute_study(survey.study)
    assert overall(Indicator.objects.get(code="aware")).denominator == 60


def test_schedule_recompute_runs_the_task_after_commit(survey, django_capture_on_commit_callbacks):
    survey.respond(aware="yes")
    indicator = survey.indicator("aware")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.schedule_recompute(survey.study)
    assert not IndicatorResult.objects.filter(indicator=indicator).exists()  # nothing before the commit
    for callback in callbacks:
        callback()
    assert overall(indicator).numerator == 1


def test_the_task_recomputes_and_ignores_a_deleted_study(survey):
    survey.respond(aware="yes")
    survey.indicator("aware")
    computation_id = recompute_study_task.delay(survey.study.pk).get()
    assert Computation.objects.get(pk=computation_id).submission_count == 1
    assert recompute_study_task.delay(10**9).get() is None


# --- What each viewer sees -----------------------------------------------------------------------------


@pytest.fixture
def small_survey(db, ngo_a):
    """Community 0: 6 respondents; community 1: 3; community 3: 1 — and a community fact."""
    survey = Survey(organization=ngo_a)
    for community, count in ((0, 6), (1, 3), (3, 1)):
        for index in range(count):
            survey.respond(community=community, aware=["yes", "no"][index % 2], terminal="yes")
    survey.indicator("aware")
    survey.indicator("terminal", kind=Indicator.Kind.COMMUNITY)
    services.compute_study(survey.study)
    return survey


def by_community(figures, code):
    figure = next(f for f in figures if f.indicator.code == code)
    return {cell.group_key: cell for cell in figure.breakdowns["community"]}, figure


def test_small_cells_are_suppressed_for_the_public(small_survey, coordinator_b):
    slugs = [c.slug for c in small_survey.communities]
    for viewer in (None, coordinator_b):
        cells_, figure = by_community(services.results_for(small_survey.study, viewer=viewer), "aware")
        assert (figure.overall.numerator, figure.overall.denominator) == (6, 10)
        assert cells_[slugs[0]].numerator == 3 and not cells_[slugs[0]].suppressed
        for slug in (slugs[1], slugs[3]):
            cell = cells_[slug]
            assert cell.suppressed and cell.small
            assert (cell.numerator, cell.denominator, cell.percentage, cell.ci_low) == (None, None, None, None)
        # Districts: Quba 9 respondents, Xaçmaz 1 — hiding Xaçmaz alone would leave it as 10 − 9,
        # so the other cell of the breakdown is hidden too.
        districts = {cell.group_key: cell for cell in figure.breakdowns["district"]}
        assert districts["AZ-XAC"].small and districts["AZ-XAC"].suppressed
        assert districts["AZ-QBA"].suppressed and not districts["AZ-QBA"].small


def test_the_study_coordinator_sees_small_cells_flagged(small_survey, coordinator):
    slugs = [c.slug for c in small_survey.communities]
    cells_, _figure = by_community(services.results_for(small_survey.study, viewer=coordinator), "aware")
    assert (cells_[slugs[1]].numerator, cells_[slugs[1]].denominator) == (2, 3)
    assert cells_[slugs[1]].small and not cells_[slugs[1]].suppressed
    assert cells_[slugs[3]].denominator == 1


def test_the_minimum_cell_size_is_a_setting(small_survey, settings):
    slugs = [c.slug for c in small_survey.communities]
    settings.OGMONITOR_MIN_CELL_SIZE = 1
    cells_, _figure = by_community(services.results_for(small_survey.study), "aware")
    assert not any(cell.suppressed or cell.small for cell in cells_.values())
    settings.OGMONITOR_MIN_CELL_SIZE = 3
    cells_, _figure = by_community(services.results_for(small_survey.study), "aware")
    assert cells_[slugs[3]].small and cells_[slugs[3]].suppressed
    # The only small cell: the next smallest is hidden with it, or 10 − 6 − 3 would give it away.
    assert not cells_[slugs[1]].small and cells_[slugs[1]].suppressed
    assert cells_[slugs[0]].denominator == 6


def test_counts_of_communities_are_not_suppressed(small_survey):
    figures = services.results_for(small_survey.study)
    figure = next(f for f in figures if f.indicator.code == "terminal")
    assert (figure.overall.numerator, figure.overall.denominator) == (3, 3)
    assert all(not cell.suppressed for cell in figure.breakdowns["district"])


def test_results_for_reads_a_fixed_number_of_queries(small_survey, django_assert_max_num_queries):
    with django_assert_max_num_queries(6):
        services.results_for(small_survey.study)


# --- Provenance and sentences ------------------------------------------------------------------------


def test_a_number_says_where_it_comes_from(small_survey, coordinator):
    indicator = Indicator.objects.get(study=small_survey.study, code="aware")
    result = overall(indicator)
    with translation.override("en"):
        detail = services.indicator_result_detail(result)
    assert (detail.numerator, detail.denominator, detail.percentage) == (6, 10, Decimal("60.0000"))
    assert "“Yes”" in detail.definition and "Are you aware of the NAP?" in detail.definition
    assert "all respondents" in detail.definition

    small = IndicatorResult.objects.get(indicator=indicator, dimension="community", group_key=small_survey.communities[3].slug)
    assert services.indicator_result_detail(small).suppressed
    assert services.indicator_result_detail(small).numerator is None
    assert services.indicator_result_detail(small, viewer=coordinator).numerator == 1


def test_sentences_use_the_number_format_of_the_active_language(small_survey):
    result = IndicatorResult(numerator=15, denominator=65, percentage=Decimal("23.0769"))
    template = "{percent}% ({numerator}/{denominator}); {complement_percent}% not"
    with translation.override("az"):
        assert services.render_sentence(template, result) == "23,1% (15/65); 76,9% not"
    with translation.override("en"):
        assert services.render_sentence(template, result) == "23.1% (15/65); 76.9% not"
    spread = IndicatorResult(percentage=Decimal("90"), percentage_upper=Decimal("95"))
    with translation.override("en"):
        assert services.render_sentence("{percent}%, {numerator}", spread) == "90.0–95.0%, —"
    assert services.render_sentence("{percent}", None) == "—"
