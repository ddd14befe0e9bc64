"""The milestones, local target and weights pages: who may use them, saving all or nothing,
errors shown where they are, and the public pages showing progress."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from ogmonitor.places.factories import DistrictFactory
from ogmonitor.plans.factories import (
    ActionPlanFactory,
    ActivityFactory,
    AreaFactory,
    LocalAssessmentFactory,
    LocalTargetFactory,
    MilestoneFactory,
)
from ogmonitor.plans.models import (
    Activity,
    Area,
    AssessmentStatus,
    Completion,
    LocalTarget,
    Milestone,
)

pytestmark = pytest.mark.django_db

DONE, IN_PROGRESS, PLANNED = Milestone.Status.DONE, Milestone.Status.IN_PROGRESS, Milestone.Status.PLANNED


@pytest.fixture
def plan():
    return ActionPlanFactory(slug="nap-2020", title_az="Milli Fəaliyyət Planı 2020–2022")


@pytest.fixture
def area(plan):
    return AreaFactory(plan=plan, number=1)


@pytest.fixture
def activity(area):
    return ActivityFactory(area=area, number="1.1", title_az="Bələdiyyələrin şəffaflığı", title_en="Transparency of municipalities")


@pytest.fixture
def guba():
    return DistrictFactory(code="AZ-QBA", name_az="Quba", name_en="Guba")


@pytest.fixture
def target(activity, guba):
    return LocalTargetFactory(activity=activity, district=guba, title_az="Quba hədəfi", title_en="Guba's target")


@pytest.fixture
def manager(client_for, coordinator):
    return client_for(coordinator)


def url(name, *args, language="en") -> str:
    with translation.override(language):
        return reverse(f"plans:{name}", args=args)


def milestones_url(activity) -> str:
    return url("milestones", activity.plan.slug, activity.number)


def management(prefix="milestones", total=0, initial=0) -> dict:
    return {f"{prefix}-TOTAL_FORMS": str(total), f"{prefix}-INITIAL_FORMS": str(initial),
            f"{prefix}-MIN_NUM_FORMS": "0", f"{prefix}-MAX_NUM_FORMS": "1000"}


def row(index, milestone=None, **fields) -> dict:
    values = {"title_az": "", "title_en": "", "due_on": "", "status": PLANNED, "done_on": "", "weight": "", "position": "0"}
    if milestone is not None:
        values.update(id=str(milestone.pk), title_az=milestone.title_az, title_en=milestone.title_en or "",
                      status=milestone.status, position=str(milestone.position))
    values.update(fields)
    return {f"milestones-{index}-{name}": value for name, value in values.items()}


# --- Milestones -----------------------------------------------------------------------------------


def test_a_coordinator_changes_and_adds_milestones_in_one_go(manager, activity):
    first = MilestoneFactory(activity=activity, title_az="Qaydalar", status=PLANNED)
    assert manager.get(milestones_url(activity)).status_code == 200
    data = {**management(total=2, initial=1),
            **row(0, first, status=DONE, done_on="2022-04-01"),
            **row(1, title_az="Hesabat", title_en="Report", due_on="2022-12-31", status=IN_PROGRESS, weight="3")}
    response = manager.post(milestones_url(activity), data)
    assert response.status_code == 302
    assert response["Location"] == activity.get_absolute_url().replace("/az/", "/en/") + "#progress"
    assert list(activity.milestones.order_by("pk").values_list("title_az", "status", "weight")) == [
        ("Qaydalar", DONE, None), ("Hesabat", IN_PROGRESS, Decimal("3.00")),
    ]
    # (100×1 + 50×3) / 4 = 62.5, up to the plan.
    activity.refresh_from_db()
    assert activity.progress == Decimal("62.5")
    assert Area.objects.get(pk=activity.area_id).progress == Decimal("62.5")


def test_a_bad_row_saves_nothing_keeps_what_was_typed_and_shows_the_error_at_its_field(manager, activity):
    first = MilestoneFactory(activity=activity, title_az="Qaydalar", status=PLANNED)
    data = {**management(total=2, initial=1),
            **row(0, first, status=DONE),  # done, but no date
            **row(1, title_az="Yeni mərhələ", due_on="2023-01-15")}
    response = manager.post(milestones_url(activity), data)
    assert response.status_code == 200
    formset = response.context["formset"]
    assert formset.forms[0].errors == {"done_on": ["Give the date the milestone was done."]}
    assert not formset.forms[1].errors
    html = response.content.decode()
    assert 'id="id_milestones-0-done_on_error"' in html
    assert 'value="Yeni mərhələ"' in html and 'value="2023-01-15"' in html
    assert list(activity.milestones.values_list("title_az", "status")) == [("Qaydalar", PLANNED)]


def test_a_milestone_is_deleted_from_the_form(manager, activity):
    done = MilestoneFactory(activity=activity, status=DONE, done_on=dt.date(2022, 1, 1))
    planned = MilestoneFactory(activity=activity, status=PLANNED)
    data = {**management(total=2, initial=2), **row(0, done, done_on="2022-01-01"), **row(1, planned, DELETE="on")}
    assert manager.post(milestones_url(activity), data).status_code == 302
    assert list(activity.milestones.all()) == [done]
    activity.refresh_from_db()
    assert activity.progress == Decimal("100.0")


def test_a_targets_milestones_are_its_own(manager, activity, target):
    own = MilestoneFactory(activity=activity, title_az="Milli mərhələ")
    page = url("target_milestones", "nap-2020", "1.1", target.code)
    response = manager.post(page, {**management(total=1), **row(0, title_az="Yerli mərhələ", status=DONE, done_on="2022-02-02")})
    assert response.status_code == 302
    added = Milestone.objects.get(title_az="Yerli mərhələ")
    assert (added.target, added.activity) == (target, activity)
    target.refresh_from_db()
    activity.refresh_from_db()
    assert (target.progress, activity.progress) == (Decimal("100.0"), Decimal("0.0"))
    # The activity's form lists its own milestones only, and will not take the target's.
    forms = manager.get(milestones_url(activity)).context["formset"].forms
    assert [form.instance for form in forms if form.instance.pk] == [own]
    manager.post(milestones_url(activity), {**management(total=1, initial=1), **row(0, added, status=PLANNED)})
    added.refresh_from_db()
    assert (added.status, added.target) == (DONE, target)
    assert Milestone.objects.count() == 2


def test_the_two_milestone_forms_do_not_share_their_fields(manager, activity, target):
    """An inline formset adds its foreign key to its form's fields: the activity's ("activity")
    must not become a required field of the target's form."""
    assert manager.get(milestones_url(activity)).status_code == 200
    page = url("target_milestones", "nap-2020", "1.1", target.code)
    assert manager.post(page, {**management(total=1), **row(0, title_az="Yerli")}).status_code == 302
    assert manager.post(milestones_url(activity), {**management(total=1), **row(0, title_az="Milli")}).status_code == 302
    assert set(Milestone.objects.values_list("title_az", "target")) == {("Yerli", target.pk), ("Milli", None)}


# --- Local targets ---------------------------------------------------------------------------------


def test_a_coordinator_adds_a_local_target_and_is_taken_to_it(manager, activity, guba):
    assert manager.get(url("target_create", "nap-2020", "1.1")).status_code == 200
    response = manager.post(url("target_create", "nap-2020", "1.1"), {
        "district": guba.pk, "title_az": "Quba bələdiyyələrinin hesabatları", "title_en": "Guba's reports",
        "due_on": "2022-12-31", "weight": "2",
    })
    made = LocalTarget.objects.get(activity=activity)
    assert made.code == "1.1.QBA-1"
    assert response.status_code == 302
    assert response["Location"] == url("target", "nap-2020", "1.1", "1.1.QBA-1")


def test_a_target_form_with_errors_keeps_what_was_typed(manager, activity):
    response = manager.post(url("target_create", "nap-2020", "1.1"), {"title_az": "Yazılmış başlıq", "suffix": "qba"})
    assert response.status_code == 200
    form = response.context["form"]
    assert "suffix" in form.errors
    assert form.non_field_errors()  # neither a district nor a municipality
    assert "Yazılmış başlıq" in response.content.decode()
    assert not LocalTarget.objects.exists()


def test_a_coordinator_edits_a_target(manager, target, guba):
    response = manager.post(url("target_edit", "nap-2020", "1.1", target.code), {
        "district": guba.pk, "suffix": target.suffix, "title_az": "Yeni ad", "title_en": "New name",
    })
    assert response.status_code == 302
    target.refresh_from_db()
    assert (target.title_az, target.code) == ("Yeni ad", "1.1.QBA-1")


@pytest.mark.parametrize("language, title", [("az", "Quba hədəfi"), ("en", "Guba&#x27;s target")])
def test_anyone_may_read_a_targets_page(client, target, language, title):
    LocalAssessmentFactory(activity=target.activity, target=target, completion=Completion.SUBSTANTIAL,
                           status=AssessmentStatus.PUBLISHED, narrative_az="Açıq")
    LocalAssessmentFactory(activity=target.activity, target=target, completion=Completion.COMPLETE,
                           assessed_on=dt.date(2023, 1, 1))  # a draft: not shown
    response = client.get(url("target", "nap-2020", "1.1", target.code, language=language))
    assert response.status_code == 200
    html = response.content.decode()
    assert "1.1.QBA-1" in html and title in html
    assert response.context["progress"].percent == Decimal("66.7")
    assert [a.completion for a in response.context["assessments"]] == [Completion.SUBSTANTIAL]
    assert url("target_edit", "nap-2020", "1.1", target.code, language=language) not in html


def test_a_target_of_another_activity_is_not_found(client, target, area):
    ActivityFactory(area=area, number="1.2")
    assert client.get(url("target", "nap-2020", "1.2", "1.2.QBA-1")).status_code == 404
    assert client.get(url("target", "nap-2020", "1.2", target.code.replace("1.1.", "1.2."))).status_code == 404


# --- Weights ---------------------------------------------------------------------------------------


def test_saving_weights_recomputes_the_plan(manager, plan, area):
    for number, status in enumerate((DONE, IN_PROGRESS, PLANNED), start=1):
        activity = ActivityFactory(area=area, number=f"1.{number}")
        MilestoneFactory(activity=activity, status=status, done_on=dt.date(2022, 1, 1) if status == DONE else None)
    finished = Activity.objects.get(number="1.1")
    assert Area.objects.get(pk=area.pk).progress == Decimal("50.0")
    page = url("weights", "nap-2020")
    assert manager.get(page).status_code == 200
    data = {f"area-{area.pk}": "", **{f"activity-{pk}": "" for pk in Activity.objects.values_list("pk", flat=True)}}
    data[f"activity-{finished.pk}"] = "2"
    response = manager.post(page, data)
    assert response.status_code == 302
    finished.refresh_from_db()
    plan.refresh_from_db()
    assert finished.weight == Decimal("2.00")
    # (100×2 + 50 + 0) / 4 = 62.5
    assert plan.progress == Decimal("62.5")


def test_a_bad_weight_is_shown_at_its_field(manager, activity):
    page = url("weights", "nap-2020")
    response = manager.post(page, {f"area-{activity.area_id}": "1", f"activity-{activity.pk}": "0"})
    assert response.status_code == 200
    assert list(response.context["form"].errors) == [f"activity-{activity.pk}"]
    assert f'id="id_activity-{activity.pk}_error"' in response.content.decode()
    activity.refresh_from_db()
    assert Area.objects.get(pk=activity.area_id).weight is None  # nothing saved


# --- Who may ---------------------------------------------------------------------------------------


FORM_PAGES = [
    ("milestones", ("nap-2020", "1.1")),
    ("target_create", ("nap-2020", "1.1")),
    ("target_edit", ("nap-2020", "1.1", "1.1.QBA-1")),
    ("target_milestones", ("nap-2020", "1.1", "1.1.QBA-1")),
    ("weights", ("nap-2020",)),
]


@pytest.mark.parametrize("name, args", FORM_PAGES)
def test_form_pages_send_visitors_to_log_in(client, target, name, args):
    for response in (client.get(url(name, *args)), client.post(url(name, *args))):
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("name, args", FORM_PAGES)
@pytest.mark.parametrize("who", ["enumerator", "municipality_editor"])
def test_form_pages_refuse_those_who_do_not_keep_the_plans(client_for, request, target, name, args, who):
    other = client_for(request.getfixturevalue(who))
    assert other.get(url(name, *args)).status_code == 403
    assert other.post(url(name, *args), {**management(total=1), **row(0, title_az="X")}).status_code == 403
    assert not Milestone.objects.exists()


@pytest.mark.parametrize("name, args", FORM_PAGES)
def test_an_administrator_may_open_every_form_page(client_for, administrator, target, name, args):
    assert client_for(administrator).get(url(name, *args)).status_code == 200


# --- The activity page -----------------------------------------------------------------------------


def test_the_activity_page_shows_progress_milestones_and_local_targets(client, activity, target):
    MilestoneFactory(activity=activity, title_en="Rules adopted", status=DONE, done_on=dt.date(2021, 3, 1))
    MilestoneFactory(activity=activity, title_en="Reports online", status=PLANNED, due_on=dt.date(2021, 6, 30))
    response = client.get(url("activity", "nap-2020", "1.1"))
    html = response.content.decode()
    assert response.status_code == 200
    assert '<progress id="progress-bar" max="100" value="50.0"' in html
    assert "50.0%" in html
    assert "Rules adopted" in html and "Reports online" in html
    assert "late" in html  # the planned milestone was due in 2021
    assert url("target", "nap-2020", "1.1", "1.1.QBA-1") in html
    assert url("milestones", "nap-2020", "1.1") not in html  # no edit links for visitors


def test_the_activity_page_offers_managers_the_progress_pages(manager, activity):
    html = manager.get(url("activity", "nap-2020", "1.1")).content.decode()
    for name, args in [("milestones", ("nap-2020", "1.1")), ("target_create", ("nap-2020", "1.1")),
                       ("weights", ("nap-2020",))]:
        assert url(name, *args) in html
