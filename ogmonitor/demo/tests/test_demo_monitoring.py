"""The demo's commitment monitoring of the 2020–2022 plan: local assessments in the four 2022
districts, milestones, local targets, weights and the progress computed from them."""

from collections import Counter, defaultdict
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from django.urls import resolve

from ogmonitor.demo.loaders.assessments import load_assessments
from ogmonitor.plans import progress
from ogmonitor.plans.assessments import public_evidence
from ogmonitor.plans.models import (
    ActionPlan,
    AssessmentEvidence,
    AssessmentStatus,
    Completion,
    LocalAssessment,
    LocalTarget,
    Milestone,
    Potential,
)

pytestmark = pytest.mark.django_db

FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
PLAN = "nap-2020-2022"
DISTRICTS = {"AZ-QBA", "AZ-QUS", "AZ-XAC", "AZ-SBN"}  # Guba, Gusar, Khachmaz, Shabran
#: The order of the completion scale, to tell a move up from a move down.
RANK = {value: rank for rank, value in enumerate(Completion.values)}


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker, tmp_path_factory):
    """The whole demo, loaded once for the module and rolled back after it (as in test_load_demo);
    each test runs in its own savepoint, so one that writes does not leak into the next."""
    with (
        django_db_blocker.unblock(),
        override_settings(PASSWORD_HASHERS=FAST_HASHERS, MEDIA_ROOT=tmp_path_factory.mktemp("media")),
        transaction.atomic(),
    ):
        call_command("load_demo", stdout=StringIO())
        yield ActionPlan.objects.get(slug=PLAN)
        transaction.set_rollback(True)


@pytest.fixture
def plan(demo):
    return demo


def published_national(plan):
    return LocalAssessment.objects.published().filter(activity__plan=plan, target__isnull=True)


def test_every_municipal_activity_has_a_published_demo_assessment_in_each_of_the_four_districts(plan):
    municipal = set(plan.activities.involving_municipalities().values_list("number", flat=True))
    assert len(municipal) == 19
    places = defaultdict(set)
    for number, district in published_national(plan).values_list("activity__number", "district__code"):
        places[number].add(district)
    assert {number: places[number] for number in municipal} == {number: DISTRICTS for number in municipal}
    # Only municipal activities of this plan are assessed, and every row says it is invented.
    demo_rows = LocalAssessment.objects.all()
    assert not demo_rows.filter(is_demo=False).exists()
    assert set(demo_rows.values_list("activity__plan__slug", flat=True)) == {PLAN}
    assert not demo_rows.filter(activity__involves_municipalities=False).exists()


def test_the_latest_levels_spread_as_in_a_real_plan_mostly_limited_or_not_started(plan):
    latest = Counter(published_national(plan).latest_per_place().values_list("completion", flat=True))
    assert len(latest) >= 4
    assert set(latest) == set(Completion.values)
    assert latest[Completion.LIMITED] + latest[Completion.NOT_STARTED] > sum(latest.values()) / 2
    assert 1 <= latest[Completion.COMPLETE] <= 2
    assert latest[Completion.SUBSTANTIAL] > latest[Completion.COMPLETE]
    assert latest[Completion.NO_EVIDENCE] >= 3


def test_two_published_rounds_show_moves_up_down_and_unchanged(plan):
    dates = sorted(set(published_national(plan).values_list("assessed_on", flat=True)))
    assert [str(day) for day in dates] == ["2021-12-15", "2022-07-31"]
    history = defaultdict(list)
    rows = published_national(plan).order_by("assessed_on")
    for *place, completion in rows.values_list("activity_id", "district_id", "municipality_id", "completion"):
        history[tuple(place)].append(completion)
    moves = Counter()
    for levels in history.values():
        if len(levels) == 2:
            before, after = (RANK[level] for level in levels)
            moves["up" if after > before else "down" if after < before else "same"] += 1
    assert moves["up"] and moves["down"] and moves["same"]
    assert any(len(levels) == 1 for levels in history.values())  # new since the first round


def test_some_assessments_wait_in_review_off_the_public_pages(plan):
    waiting = LocalAssessment.objects.exclude(status=AssessmentStatus.PUBLISHED)
    assert set(waiting.values_list("status", flat=True)) == {AssessmentStatus.DRAFT, AssessmentStatus.REVIEWED}
    assert not waiting.filter(pk__in=LocalAssessment.objects.published()).exists()
    assert all(row.reviewed_by and row.reviewed_at for row in waiting.filter(status=AssessmentStatus.REVIEWED))
    published = LocalAssessment.objects.published()
    assert not published.filter(published_at__isnull=True).exists()
    assert not published.filter(reviewed_by__isnull=True).exists()


def test_assessments_carry_the_irm_scales_and_bilingual_demo_narratives(plan):
    rows = list(LocalAssessment.objects.select_related("assessed_by", "assessed_by_user"))
    allowed_potential = set(Potential.for_plan_year(plan.start_year))
    for row in rows:
        assert row.narrative_az.startswith("Nümayiş məlumatı"), row
        assert row.narrative_en.startswith("Demo data"), row
        assert row.potential in allowed_potential
        assert row.ogp_values
        assert row.assessed_by.slug == "umid" and row.assessed_by_user.username == "coordinator"
    assert sum(1 for row in rows if row.early_results) >= 5
    # The template narratives name the place in each language.
    gusar = next(row for row in rows if row.district and row.district.code == "AZ-QUS" and not row.municipality_id)
    assert "Qusar" in gusar.narrative_az and "Gusar" in gusar.narrative_en


def test_evidence_links_existing_records_the_public_can_see_and_pages_of_this_site(plan):
    evidence = AssessmentEvidence.objects.filter(assessment__status=AssessmentStatus.PUBLISHED).select_related("indicator", "assessment")
    kinds = Counter(link.kind for link in evidence)
    assert set(kinds) == {"indicator", "event", "proposal", "publication", "url"}
    assert evidence.filter(public_evidence()).count() == evidence.count()
    for link in evidence:
        if link.kind == "indicator":
            assert link.indicator.study.slug == "local-2022"
            assert link.indicator.nap_activity_id == link.assessment.activity_id
        if link.kind == "url":
            assert link.title_az and link.title_en
            resolve(link.url)  # a page of this site, not a dead link
    # No-evidence assessments rest on nothing.
    assert not evidence.filter(assessment__completion=Completion.NO_EVIDENCE).exists()


def test_milestones_local_targets_and_weights_feed_the_progress(plan):
    national = Milestone.objects.filter(activity__plan=plan, target__isnull=True)
    per_activity = Counter(national.values_list("activity__number", flat=True))
    assert 4 <= len(per_activity) <= 6 and set(per_activity.values()) <= {3, 4}
    assert set(national.values_list("status", flat=True)) == set(Milestone.Status.values)
    assert national.filter(weight__isnull=False).exists()
    assert not Milestone.objects.filter(is_demo=False).exists()

    targets = {target.code: target for target in LocalTarget.objects.select_related("district")}
    assert set(targets) == {"3.2.QBA-1", "5.1.XAC-1"}
    for target in targets.values():
        assert target.is_demo and target.milestones.count() >= 3
        assert target.assessments.published().count() == 1
    assert plan.areas.filter(weight__isnull=False).count() == 2

    # By hand: 5.1 = (100 + 100 + 100 + 2 × 50) / 5; 3.1 leaves its cancelled milestone out:
    # (100 + 50 + 2 × 0) / 4; 5.1.XAC-1 = (100 + 2 × 50 + 2 × 0) / 5.
    activities = dict(plan.activities.values_list("number", "progress"))
    assert activities["5.1"] == Decimal("80.0")
    assert activities["3.1"] == Decimal("37.5")
    assert targets["5.1.XAC-1"].progress == Decimal("40.0")
    plan.refresh_from_db()
    assert plan.progress is not None
    assert progress.recompute_plan_fully(plan) == plan.progress  # nothing was left stale


def test_loading_again_writes_nothing(plan):
    tables = [LocalAssessment, AssessmentEvidence, Milestone, LocalTarget]

    def state():
        return {model: list(model.objects.order_by("pk").values()) for model in tables}

    before = state()
    load_assessments()
    assert state() == before
