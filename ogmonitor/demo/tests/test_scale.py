"""`manage.py generate_scale_data`: a synthetic country of the requested size, marked synthetic,
generated once (or replaced), on SQLite and PostgreSQL alike. Tiny sizes only: the full size is
measured by hand (see the command's help)."""

import datetime as dt
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count
from django.utils import timezone

from ogmonitor.demo.scale import (
    ScaleSpec,
    SyntheticDataExists,
    delete_synthetic_data,
    generate,
    synthetic_counts,
    synthetic_data_exists,
)
from ogmonitor.disclosure.models import Publication
from ogmonitor.engagement.models import DialoguePlatform, Event, Proposal
from ogmonitor.findings.models import Indicator, IndicatorResult
from ogmonitor.logframe.models import Project
from ogmonitor.places.factories import OrganizationFactory
from ogmonitor.places.models import Community, District, Organization
from ogmonitor.plans.models import LocalAssessment
from ogmonitor.surveys.factories import SubmissionFactory
from ogmonitor.surveys.models import Answer, Question, Respondent, Study, Submission

pytestmark = pytest.mark.django_db

TINY = ScaleSpec(municipalities=3, respondents=12, questions=4, rounds=2, seed=7)


def municipalities():
    return Organization.objects.filter(type=Organization.Type.MUNICIPALITY, slug__startswith="synthetic-")


def test_the_dataset_has_the_requested_size():
    report = generate(TINY)

    assert municipalities().count() == 3
    assert Community.objects.filter(slug__startswith="synthetic-").count() == 3 * TINY.communities_per_municipality
    studies = list(Study.objects.filter(slug__startswith="synthetic-").order_by("slug"))
    assert [study.slug for study in studies] == ["synthetic-round-1", "synthetic-round-2"]
    assert studies[1].previous == studies[0]
    for study in studies:
        assert study.status == Study.Status.PUBLISHED
        assert Respondent.objects.filter(study=study).count() == 12
        assert Submission.objects.filter(study=study).count() == 12
        assert Question.objects.filter(questionnaire__study=study, type=Question.Type.SELECT_ONE).count() == 4
        answers = Answer.objects.filter(submission__study=study)
        # Each respondent answers each question at most once (a few skip one).
        assert 0.8 * 12 * 4 <= answers.count() <= 12 * 4
        assert not answers.values("submission", "question").annotate(n=Count("pk")).filter(n__gt=1).exists()
        assert Indicator.objects.filter(study=study).count() == 4
    assert report.counts["surveys.Respondent"] == 24
    assert report.counts["surveys.Answer"] == Answer.objects.count()
    assert Event.objects.filter(municipality__in=municipalities()).count() == 3 * TINY.events_per_municipality
    assert report.counts["engagement.Proposal"] == 3 * TINY.proposals_per_municipality
    assert report.counts["plans.LocalAssessment"] == 3
    assert [part for part, _seconds in report.timings][:2] == ["places and organisations", "action plan"]
    assert all(seconds >= 0 for _part, seconds in report.timings)


def test_municipalities_are_spread_over_the_real_rayons_loaded_when_missing():
    assert not District.objects.exists()

    generate(ScaleSpec(municipalities=70, respondents=5, questions=1, rounds=1, events_per_municipality=0,
                       proposals_per_municipality=0))

    assert District.objects.count() == 78  # every ISO 3166-2:AZ subdivision
    rayons = set(District.objects.filter(kind=District.Kind.RAYON).values_list("pk", flat=True))
    assert len(rayons) == 66
    used = set(municipalities().values_list("district", flat=True))
    assert used == rayons  # 70 municipalities reach all 66 rayons, and only rayons


def test_everything_generated_is_marked_synthetic():
    generate(TINY)

    for model in (Community, Organization, Event, DialoguePlatform, Project):
        rows = model.objects.filter(slug__startswith="synthetic-")
        assert rows.exists(), model
        assert not rows.filter(is_demo=False).exists(), model
    for organization in Organization.objects.filter(slug__startswith="synthetic-"):
        assert organization.name_az.startswith("Sintetik"), organization.name_az
        assert organization.name_en.startswith("Synthetic"), organization.name_en
    assert municipalities().first().name_en == "Synthetic municipality 0001"
    assert municipalities().first().name_az == "Sintetik bələdiyyə 0001"
    assert all(study.title_en.startswith("Synthetic") for study in Study.objects.all())
    assert not Proposal.objects.filter(is_demo=False).exists()
    assert not Publication.objects.filter(is_demo=False).exists()
    assert not LocalAssessment.objects.filter(is_demo=False).exists()


def test_indicators_are_computed_from_the_answers():
    generate(TINY)

    study = Study.objects.get(slug="synthetic-round-2")
    indicator = Indicator.objects.get(study=study, code="q001")  # "yes" among those who answered
    overall = IndicatorResult.objects.overall().get(indicator=indicator)
    counted = Answer.objects.filter(
        submission__study=study, question__name="q001",
        submission__status__in=[Submission.Status.SUBMITTED, Submission.Status.APPROVED],
    )
    assert overall.denominator == counted.count()
    assert overall.numerator == counted.filter(choice__name="yes").count()
    # Breakdowns by district, community, category and gender are there too.
    dimensions = set(IndicatorResult.objects.filter(indicator=indicator).values_list("dimension", flat=True))
    assert {"", "district", "community", "category", "gender"} <= dimensions
    assert study.findings.filter(status="published").count() == 4


def test_proposals_follow_their_lifecycle_some_overdue_some_answered():
    generate(ScaleSpec(municipalities=10, respondents=5, questions=1, rounds=1, proposals_per_municipality=10))

    today = timezone.localdate()
    proposals = list(Proposal.objects.prefetch_related("steps"))
    assert len(proposals) == 100
    for proposal in proposals:
        steps = list(proposal.steps.all())
        assert steps[0].from_status == "" and steps[0].to_status == Proposal.Status.DRAFT
        assert all(a.to_status == b.from_status for a, b in zip(steps, steps[1:], strict=False))
        assert steps[-1].to_status == proposal.status
        dates = [step.on for step in steps]
        assert dates == sorted(dates) and dates[-1] <= today
        if proposal.status != Proposal.Status.DRAFT:
            assert proposal.answer_due == proposal.submitted_on + dt.timedelta(days=proposal.answer_days)
    overdue = [proposal for proposal in proposals if proposal.is_overdue(today)]
    on_time = [p for p in proposals if p.status in Proposal.AWAITING and not p.is_overdue(today)]
    answered = [proposal for proposal in proposals if proposal.answered_on]
    assert overdue and on_time and answered
    assert all(proposal.answer_text_en for proposal in answered)


def test_a_second_run_is_refused():
    generate(TINY)

    with pytest.raises(SyntheticDataExists, match="--replace"):
        generate(TINY)
    with pytest.raises(CommandError, match="--replace"):
        call_command("generate_scale_data", "--municipalities", "2", "--respondents", "3", "--questions", "1",
                     stdout=StringIO())


def test_replace_deletes_the_previous_dataset_and_generates_the_new_size():
    generate(TINY)

    report = generate(ScaleSpec(municipalities=2, respondents=5, questions=2, rounds=1), replace=True)

    assert report.timings[0][0] == "delete previous synthetic data"
    assert municipalities().count() == 2
    assert Study.objects.count() == 1
    assert Respondent.objects.count() == 5
    assert report.counts == synthetic_counts()


def test_delete_removes_only_synthetic_rows():
    real_submission = SubmissionFactory()
    real_community = real_submission.respondent.community
    real_ngo = OrganizationFactory(community=real_community)
    generate(TINY)

    delete_synthetic_data()

    assert not synthetic_data_exists()
    assert set(synthetic_counts().values()) == {0}
    assert Submission.objects.get() == real_submission
    assert Respondent.objects.get() == real_submission.respondent
    assert Study.objects.get() == real_submission.study
    assert set(Organization.objects.filter(slug__startswith="synthetic-")) == set()
    assert real_ngo in Organization.objects.all()
    assert Community.objects.get() == real_community


def test_the_same_seed_gives_the_same_data():
    first = generate(TINY).counts
    first_answers = sorted(Answer.objects.values_list("question__name", "choice__name"))

    second = generate(TINY, replace=True).counts

    assert second == first
    assert sorted(Answer.objects.values_list("question__name", "choice__name")) == first_answers


def test_the_command_prints_each_part_and_the_rows():
    out = StringIO()

    call_command("generate_scale_data", "--municipalities", "2", "--respondents", "6", "--questions", "2",
                 "--rounds", "1", stdout=out)

    text = out.getvalue()
    assert "round 1: respondents and answers" in text
    assert "total" in text
    assert "surveys.Respondent" in text and "6" in text
    delete = StringIO()
    call_command("generate_scale_data", "--delete", stdout=delete)
    assert "Synthetic data deleted." in delete.getvalue()
    assert not synthetic_data_exists()


def test_the_command_refuses_impossible_sizes():
    with pytest.raises(CommandError, match="municipalities"):
        call_command("generate_scale_data", "--municipalities", "0", stdout=StringIO())
    assert not synthetic_data_exists()
