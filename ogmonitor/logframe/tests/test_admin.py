"""The logframe's structure is edited in the admin: its pages open with their inlines, the
indicator form refuses what the database cannot check, and the policy decides who changes what."""

import pytest

from ogmonitor.logframe.admin import IndicatorForm, ProjectPolicyMixin
from ogmonitor.logframe.factories import (
    ExpectedResultFactory,
    IndicatorFactory,
    ObjectiveFactory,
    ProjectActivityFactory,
    ProjectFactory,
)
from ogmonitor.logframe.models import Indicator

pytestmark = pytest.mark.django_db


def test_the_administrator_opens_every_logframe_page(client_for, administrator, project):
    activity = ProjectActivityFactory(project=project, objective=ObjectiveFactory(project=project))
    ExpectedResultFactory(activity=activity)
    indicator = IndicatorFactory(project=project, activity=activity)
    admin = client_for(administrator)

    for url in (
        "/en/admin/logframe/project/",
        f"/en/admin/logframe/project/{project.pk}/change/",
        "/en/admin/logframe/project/add/",
        f"/en/admin/logframe/projectactivity/{activity.pk}/change/",
        f"/en/admin/logframe/indicator/{indicator.pk}/change/",
        "/en/admin/logframe/onlinepaymentassistance/",
        "/en/admin/logframe/terminalrequest/",
    ):
        assert admin.get(url).status_code == 200, url


def test_the_indicator_inline_offers_only_the_projects_activities(client_for, administrator, project):
    ProjectActivityFactory(project=project, title_en="Our consultations")
    ProjectActivityFactory(project=ProjectFactory(), title_en="Somebody else's activity")

    page = client_for(administrator).get(f"/en/admin/logframe/project/{project.pk}/change/").content.decode()

    assert "Our consultations" in page and "Somebody else&#x27;s activity" not in page


def form_data(project, **changes) -> dict:
    data = {
        "project": project.pk, "code": "X1", "title_az": "Göstərici", "target_kind": "minimum", "target": "10",
        "source": "manual", "position": 0,
    }
    data.update(changes)
    return data


@pytest.mark.parametrize(("changes", "field"), [
    ({"target": ""}, "target"),
    ({"target_kind": "range", "target": "300", "target_max": "200"}, "target_max"),
    ({"source": "events", "event_type": ""}, "event_type"),
    ({"source": "proposals_submitted", "per_municipality": "2"}, "per_municipality"),
])
def test_the_indicator_form_refuses_incomplete_targets(project, changes, field):
    form = IndicatorForm(data=form_data(project, **changes))
    assert not form.is_valid()
    assert field in form.errors


def test_a_milestone_needs_no_number(project):
    form = IndicatorForm(data=form_data(project, target_kind="milestone", target=""))
    assert form.is_valid(), form.errors
    assert form.save().target_kind == Indicator.TargetKind.MILESTONE


def test_another_ngos_coordinator_may_not_change_the_project(rf, coordinator, coordinator_b, project):
    class Allowed:
        """Stands for the model permission, which both coordinators hold."""

        def has_change_permission(self, request, obj=None):
            return True

    class Admin(ProjectPolicyMixin, Allowed):
        pass

    own, other = rf.get("/"), rf.get("/")
    own.user, other.user = coordinator, coordinator_b
    indicator = IndicatorFactory(project=project)

    assert Admin().has_change_permission(own, indicator)
    assert not Admin().has_change_permission(other, indicator)
    assert not Admin().has_change_permission(other, project)
