"""Each role's allowed and denied pages, as a matrix: every page × every member of the cast."""

import pytest
from django.urls import reverse

from ogmonitor.plans.factories import ActivityFactory

pytestmark = pytest.mark.django_db

ALLOW, LOGIN, DENY = 200, "login", 403
CAST = ["anonymous", "administrator", "coordinator", "enumerator", "municipality_editor"]


@pytest.fixture
def world(municipality, other_municipality):
    activity = ActivityFactory()
    return {
        "activity": activity,
        "plan": activity.plan,
        "municipality": municipality,
        "other_municipality": other_municipality,
    }


def pages(world):
    """(name, url, expected outcome per role in CAST order)."""
    plan, activity = world["plan"], world["activity"]
    own, other = world["municipality"], world["other_municipality"]
    public = [ALLOW] * 5
    return [
        ("home", reverse("portal:home"), public),
        ("plan list", reverse("plans:list"), public),
        ("plan detail", reverse("plans:detail", args=[plan.slug]), public),
        ("activity", activity.get_absolute_url(), public),
        ("districts", reverse("places:districts"), public),
        ("district", own.district.get_absolute_url(), public),
        ("community", own.community.get_absolute_url(), public),
        ("organisations", reverse("places:organizations"), public),
        ("organisation", own.get_absolute_url(), public),
        ("template download", reverse("plans:import_template", args=["csv"]), public),
        ("plan import", reverse("plans:import", args=[plan.slug]), [LOGIN, ALLOW, ALLOW, DENY, DENY]),
        ("edit own municipality", reverse("places:organization_edit", args=[own.slug]), [LOGIN, ALLOW, ALLOW, DENY, ALLOW]),
        ("edit other municipality", reverse("places:organization_edit", args=[other.slug]), [LOGIN, ALLOW, ALLOW, DENY, DENY]),
        ("password change", reverse("accounts:password_change"), [LOGIN, ALLOW, ALLOW, ALLOW, ALLOW]),
        ("admin site", reverse("admin:index"), [LOGIN, ALLOW, LOGIN, LOGIN, LOGIN]),
    ]


def test_every_role_gets_exactly_the_pages_it_should(request, world, client_for):
    leaks, lockouts = [], []
    for role in CAST:
        user = None if role == "anonymous" else request.getfixturevalue(role)
        client = client_for(user)
        for name, url, expected in pages(world):
            want = expected[CAST.index(role)]
            response = client.get(url)
            if want == LOGIN:
                got = "login" if response.status_code == 302 and "login" in response["Location"] else response.status_code
            else:
                got = response.status_code
            if got != want:
                (leaks if want in (DENY, LOGIN) else lockouts).append(f"{role} → {name}: expected {want}, got {got}")
    assert not leaks, leaks
    assert not lockouts, lockouts


def test_municipality_editor_saves_own_municipality_and_is_refused_another(client_for, municipality_editor, municipality, other_municipality):
    client = client_for(municipality_editor)
    data = {"name_az": "Yeni bələdiyyə adı", "name_en": "New municipality name", "short_name": "",
            "website": "https://example.org", "email": "", "phone": "+994 12 000 00 00", "address": ""}
    response = client.post(reverse("places:organization_edit", args=[municipality.slug]), data)
    assert response.status_code == 302
    municipality.refresh_from_db()
    assert municipality.name_az == "Yeni bələdiyyə adı"
    refused = client.post(reverse("places:organization_edit", args=[other_municipality.slug]), data)
    assert refused.status_code == 403
    other_municipality.refresh_from_db()
    assert other_municipality.name_az != "Yeni bələdiyyə adı"


def test_invalid_edit_keeps_what_the_user_typed(client_for, coordinator, municipality):
    client = client_for(coordinator)
    response = client.post(
        reverse("places:organization_edit", args=[municipality.slug]),
        {"name_az": "", "name_en": "Typed English name", "website": "not a url"},
    )
    assert response.status_code == 200
    assert 'value="Typed English name"' in response.text
    assert response.context["form"].errors.keys() >= {"name_az", "website"}


def test_login_and_logout_round_trip(client, coordinator):
    from ogmonitor.accounts.factories import PASSWORD

    response = client.post(reverse("accounts:login"), {"username": "coordinator-a", "password": PASSWORD})
    assert response.status_code == 302
    assert client.get(reverse("accounts:password_change")).status_code == 200
    client.post(reverse("accounts:logout"))
    assert client.get(reverse("accounts:password_change")).status_code == 302


def test_wrong_password_is_refused_with_the_form_kept(client, coordinator):
    response = client.post(reverse("accounts:login"), {"username": "coordinator-a", "password": "wrong"})
    assert response.status_code == 200
    assert response.context["form"].errors
    assert 'value="coordinator-a"' in response.text


def test_roles_are_groups_created_by_migration():
    from django.contrib.auth.models import Group

    from ogmonitor.accounts.roles import Role

    groups = {g.name: set(g.permissions.values_list("codename", flat=True)) for g in Group.objects.all()}
    assert set(groups) >= {role.value for role in Role}
    assert {"add_activity", "change_activity", "change_organization"} <= groups["Coordinator"]
    assert "add_activity" not in groups["Enumerator"]
    assert groups["Municipality editor"] & {"change_organization"} and "add_activity" not in groups["Municipality editor"]
