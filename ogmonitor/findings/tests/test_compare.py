"""Round comparison: the same indicator code in two studies, with the change and its test."""

from decimal import Decimal

import pytest
from django.utils import translation
from statsmodels.stats.proportion import proportions_ztest

from ogmonitor.findings import services
from ogmonitor.findings.models import Indicator
from ogmonitor.surveys.factories import StudyFactory
from ogmonitor.surveys.models import AggregateResult

from .test_compute import Survey


@pytest.fixture(autouse=True)
def english():
    """The notes and verdicts are read in English here (the site's default language is az)."""
    with translation.override("en"):
        yield


def respond_many(survey, question, counts: dict[str, int]) -> None:
    for value, count in counts.items():
        for _ in range(count):
            survey.respond(**{question: value})


def published(study, code, key=None, choice="yes", **figure):
    AggregateResult.objects.create(study=study, key=key or code, choice=choice, label=code, **figure)
    return Indicator.objects.create(
        study=study, code=code, title_az=code, title_en=code, kind=Indicator.Kind.PUBLISHED,
        aggregate_key=key or code, aggregate_choice=choice,
    )


@pytest.fixture
def rounds(db):
    """Now: 50 respondents, 30 aware, 10 others all saying the municipality reports; before:
    published 12/48 (base uncertain) and 40/50."""
    survey = Survey()
    respond_many(survey, "aware", {"yes": 30, "no": 10})
    respond_many(survey, "reports", {"yes": 10})
    survey.indicator("aware")
    survey.indicator("reports", base=Indicator.Base.ANSWERED)
    survey.indicator("only_now", "aware", choices=["no"])
    before = StudyFactory(aggregate_only=True)
    published(before, "aware", numerator=12, denominator=48, percentage=25, base_uncertain=True)
    published(before, "reports", numerator=40, denominator=50, percentage=80)
    published(before, "only_then", numerator=1, denominator=2)
    services.compute_study(survey.study)
    services.compute_study(before)
    return survey.study, before


def by_code(comparisons):
    return {comparison.code: comparison for comparison in comparisons}


def test_indicators_with_the_same_code_are_side_by_side(rounds):
    now, before = rounds
    found = by_code(services.compare_studies(now, before))
    assert list(found) == ["aware", "reports"]
    aware = found["aware"]
    assert (aware.current.numerator, aware.current.denominator) == (30, 50)
    assert (aware.previous.numerator, aware.previous.denominator, aware.previous.percentage) == (12, 48, Decimal("25.0000"))
    assert aware.change_pp == Decimal("35.0000")
    assert aware.p_value == pytest.approx(proportions_ztest([30, 12], [50, 48])[1])
    assert aware.verdict == "rose"
    assert any("uncertain" in note for note in aware.notes)


def test_a_fall_and_no_clear_change(rounds):
    now, before = rounds
    reports = by_code(services.compare_studies(now, before))["reports"]
    # 10 of 10 who answered now against 40 of 50: up, but 10 people are too few to be sure.
    assert (reports.current.numerator, reports.current.denominator) == (10, 10)
    assert reports.change_pp == Decimal("20.0000")
    assert reports.p_value == pytest.approx(proportions_ztest([10, 40], [10, 50])[1])
    assert reports.p_value > 0.05 and reports.verdict == "no_clear_change"
    assert reports.verdict_label == "no clear change"

    backwards = by_code(services.compare_studies(before, now))["aware"]
    assert backwards.change_pp == Decimal("-35.0000") and backwards.verdict == "fell"


def test_a_published_percentage_with_a_base_is_tested_as_round_p_times_n(db):
    survey = Survey()
    respond_many(survey, "aware", {"yes": 15, "no": 50})
    survey.indicator("aware")
    before = StudyFactory(aggregate_only=True)
    published(before, "aware", denominator=50, percentage=Decimal("44"))
    services.compute_study(survey.study)
    services.compute_study(before)

    aware = by_code(services.compare_studies(survey.study, before))["aware"]
    assert aware.previous.numerator is None and aware.previous.counts() == (22, 50, True)
    assert aware.p_value == pytest.approx(proportions_ztest([15, 22], [65, 50])[1])
    assert any("22 of 50" in note for note in aware.notes)


def test_a_published_range_is_compared_by_its_lower_bound_and_not_tested_without_a_base(db):
    survey = Survey()
    respond_many(survey, "aware", {"yes": 54, "no": 11})
    survey.indicator("aware")
    before = StudyFactory(aggregate_only=True)
    published(before, "aware", percentage=90, percentage_upper=95)
    services.compute_study(survey.study)
    services.compute_study(before)

    aware = by_code(services.compare_studies(survey.study, before))["aware"]
    assert aware.previous.percentage == Decimal("90.0000") and aware.previous.percentage_upper == Decimal("95.0000")
    assert aware.change_pp == Decimal("-6.9231")
    assert aware.p_value is None and aware.verdict == "no_clear_change"
    assert any("range" in note and "lower bound" in note for note in aware.notes)
    assert any("cannot be tested" in note for note in aware.notes)


def test_an_aggregate_only_round_without_that_indicator_is_matched_by_its_published_figure(db):
    survey = Survey()
    respond_many(survey, "aware", {"yes": 20, "no": 20})
    survey.indicator("aware_code", "aware")
    before = StudyFactory(aggregate_only=True)
    AggregateResult.objects.create(study=before, key="aware", choice="yes", label="Aware", numerator=10, denominator=40)
    services.compute_study(survey.study)

    comparison = by_code(services.compare_studies(survey.study, before))["aware_code"]
    assert (comparison.previous.numerator, comparison.previous.denominator) == (10, 40)
    assert comparison.previous.percentage == Decimal("25.0000")
    assert comparison.change_pp == Decimal("25.0000") and comparison.verdict == "rose"


def test_communities_compare_with_communities_only(db):
    survey = Survey()
    for community in range(6):
        survey.respond(community=community, terminal="yes" if community < 4 else "no")
    survey.indicator("terminal", kind=Indicator.Kind.COMMUNITY)
    before = StudyFactory(aggregate_only=True)
    published(before, "terminal", numerator=2, denominator=15, unit=AggregateResult.Unit.COMMUNITIES)
    services.compute_study(survey.study)
    services.compute_study(before)

    terminal = by_code(services.compare_studies(survey.study, before))["terminal"]
    assert (terminal.current.numerator, terminal.current.denominator, terminal.current.unit) == (4, 6, "communities")
    assert terminal.previous.unit == "communities"
    assert terminal.p_value == pytest.approx(proportions_ztest([4, 2], [6, 15])[1])


def test_a_round_not_yet_computed_gives_no_change(db):
    survey = Survey()
    survey.respond(aware="yes")
    survey.indicator("aware")
    before = StudyFactory(aggregate_only=True)
    published(before, "aware", numerator=1, denominator=2)
    services.compute_study(survey.study)

    aware = by_code(services.compare_studies(survey.study, before))["aware"]
    assert aware.previous is None and aware.change_pp is None and aware.p_value is None
    assert aware.verdict == "no_clear_change" and aware.notes


def test_the_public_comparison_withholds_a_share_of_too_few_respondents_and_its_change(rounds, settings):
    """'reports' now rests on 10 respondents: below a threshold of 11, that side, the change and
    its test are blanked (with the other side they would give it back); 'aware' (50) is kept."""
    now, before = rounds
    rows = by_code(services.withhold_small_rates(services.compare_studies(now, before), threshold=11))
    reports, aware = rows["reports"], rows["aware"]
    assert (reports.current.numerator, reports.current.denominator, reports.current.percentage) == (None, None, None)
    assert reports.previous.percentage == Decimal("80.0000")  # a published figure is never withheld
    assert (reports.change_pp, reports.p_value, reports.verdict) == (None, None, "no_clear_change")
    assert any("withheld" in note for note in reports.notes)
    assert (aware.current.numerator, aware.change_pp) == (30, Decimal("35.0000"))


def test_the_study_page_shows_the_comparison_to_the_public_without_small_shares(rounds, client, settings):
    settings.OGMONITOR_MIN_CELL_SIZE = 11
    now, before = rounds
    now.previous = before
    now.status = now.Status.PUBLISHED
    now.save()
    before.status = before.Status.PUBLISHED
    before.save()
    page = client.get(f"/en/findings/{now.slug}/").content.decode()
    assert "+35,0" in page or "+35.0" in page  # the large share's change is shown
    assert "+20,0" not in page and "+20.0" not in page  # the small share's change is not
