"""`manage.py load_demo`: the seeds' plans, places and organisations, loaded idempotently."""

from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from django.urls import reverse

from ogmonitor.accounts.models import User
from ogmonitor.accounts.roles import Role
from ogmonitor.demo.loaders.plans import area_with_placeholders
from ogmonitor.places.models import Community, District, Organization
from ogmonitor.plans.models import ActionPlan, Activity, Area

pytestmark = pytest.mark.django_db

STUDY_DISTRICTS = [
    ("AZ-QBA", "Quba", "Guba"),
    ("AZ-XAC", "Xaçmaz", "Khachmaz"),
    ("AZ-SBN", "Şabran", "Shabran"),
    ("AZ-QUS", "Qusar", "Gusar"),
    ("AZ-SAB", "Sabirabad", "Sabirabad"),
    ("AZ-SAT", "Saatlı", "Saatli"),
    ("AZ-IMI", "İmişli", "Imishli"),
]
DISTRICTS_2022 = ["AZ-QBA", "AZ-XAC", "AZ-SBN", "AZ-QUS"]
DISTRICTS_2017 = ["AZ-SAB", "AZ-SAT", "AZ-IMI"]
PLACEHOLDER_MARKS = {"az": "rəsmi mətn gözlənilir", "en": "official text awaited"}
# The loader hashes four passwords per run; PBKDF2 would add about a second to every load.
FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = FAST_HASHERS


def load_demo() -> str:
    out = StringIO()
    call_command("load_demo", stdout=out)
    return out.getvalue()


@pytest.fixture(scope="class")
def demo(django_db_setup, django_db_blocker):
    """Load once for a class of read-only tests, in a transaction rolled back after the class.

    Each test still runs in its own savepoint (pytest-django's ``db``), so what one test writes
    (a login session) does not leak into the next; loading per test would cost ~0.7 s each.
    """
    with (
        django_db_blocker.unblock(),
        override_settings(PASSWORD_HASHERS=FAST_HASHERS),
        transaction.atomic(),
    ):
        yield load_demo()
        transaction.set_rollback(True)


def row_counts() -> dict[str, int]:
    """Every table, M2M tables included: idempotency must hold for all of them."""
    return {
        model._meta.label: model._base_manager.count()
        for model in apps.get_models(include_auto_created=True)
    }


def test_loading_twice_leaves_every_table_with_the_same_row_count():
    load_demo()
    first = row_counts()
    load_demo()
    assert row_counts() == first
    assert first["plans.Activity_executors"] > 0 and first["accounts.User_communities"] == 2


def test_demo_password_can_be_set_from_the_environment(monkeypatch, client):
    monkeypatch.setenv("DEMO_ADMIN_PASSWORD", "another-secret-42")
    output = load_demo()
    assert "another-secret-42" in output
    assert client.login(username="admin", password="another-secret-42")
    assert not client.login(username="admin", password="ogmonitor-demo")


def test_placeholders_take_the_numbers_known_activities_leave_free():
    area = area_with_placeholders(
        {
            "number": 6,
            "activities": [{"number": "6.2"}],
            "placeholder_activities": 3,
            "municipal_placeholders": 1,
            "title": {"az": "…", "en": "…"},
        }
    )
    numbers = [(a["number"], a.get("involves_municipalities")) for a in area["activities"]]
    assert numbers == [("6.2", None), ("6.1", True), ("6.3", False), ("6.4", False)]
    assert area["is_placeholder"] is False


def engagement_demo_slugs() -> set[str]:
    """Slugs of the organisations the engagement demo adds (dialogue-platform members…)."""
    import json
    from pathlib import Path

    from ogmonitor.demo.loaders import engagement

    data = Path(engagement.__file__).resolve().parent.parent / "data" / "engagement" / "organizations.json"
    content = json.loads(data.read_text(encoding="utf-8"))
    return {item["slug"] for key in ("organizations", "community_councils") for item in content.get(key, []) if "slug" in item}


@pytest.mark.usefixtures("demo")
class TestDemoData:
    """What one load of the demo data contains."""

    def test_all_78_azerbaijani_subdivisions_are_districts(self):
        assert District.objects.count() == 78
        assert District.objects.filter(kind=District.Kind.RAYON).count() == 66
        assert District.objects.filter(kind=District.Kind.CITY).count() == 11
        nakhchivan = District.objects.get(kind=District.Kind.AUTONOMOUS_REPUBLIC)
        assert (nakhchivan.code, nakhchivan.name_en) == ("AZ-NX", "Nakhchivan")
        assert nakhchivan.children.count() == 8
        # pycountry spells Kəngərli with the look-alike 'ǝ'; the loader normalises it.
        assert District.objects.get(code="AZ-KAN").name_az == "Kəngərli"

    @pytest.mark.parametrize("code, name_az, name_en", STUDY_DISTRICTS)
    def test_the_study_districts_have_their_codes_and_english_names(self, code, name_az, name_en):
        district = District.objects.get(code=code)
        assert (district.name_az, district.name_en) == (name_az, name_en)
        assert district.kind == District.Kind.RAYON

    @pytest.mark.parametrize("codes, per_district", [(DISTRICTS_2022, 3), (DISTRICTS_2017, 5)])
    def test_study_communities_are_clearly_demo_records(self, codes, per_district):
        communities = Community.objects.filter(district__code__in=codes)
        assert communities.count() == per_district * len(codes)
        for code in codes:
            assert communities.filter(district__code=code).count() == per_district
        for community in communities:
            assert community.is_demo
            assert "nümunə" in community.name_az and "demo" in community.name_en

    @pytest.mark.parametrize(
        "codes, local_types",
        [
            (DISTRICTS_2022, {"municipality", "excom_representation", "community_council"}),
            (DISTRICTS_2017, {"municipality", "excom_representation", "community_organization"}),
        ],
    )
    def test_each_study_community_has_its_demo_local_organisations(self, codes, local_types):
        for community in Community.objects.filter(district__code__in=codes):
            organizations = community.organizations.all()
            # The study's own local organisations; the engagement demo adds Sabirabad's platform
            # members (community development councils) beside them.
            assert local_types <= {organization.type for organization in organizations}
            for organization in organizations:
                assert organization.is_demo and organization.district_id == community.district_id

    def test_the_2017_district_excoms_are_real_and_the_2022_ngos_and_enterprises_demo(self):
        excoms = Organization.objects.filter(type=Organization.Type.LOCAL_EXECUTIVE)
        assert sorted(excoms.values_list("district__code", flat=True)) == sorted(DISTRICTS_2017)
        assert not excoms.filter(is_demo=True).exists()
        assert excoms.get(district__code="AZ-SAT").name_az == "Saatlı Rayon İcra Hakimiyyəti"
        # The studies' demo NGOs and enterprises (the engagement demo's platform members aside).
        studies_organizations = Organization.objects.exclude(slug__in=engagement_demo_slugs())
        for kind in (Organization.Type.NGO, Organization.Type.ENTERPRISE):
            codes = studies_organizations.filter(type=kind, is_demo=True).values_list("district__code", flat=True)
            assert sorted(codes) == sorted(DISTRICTS_2022)

    @pytest.mark.parametrize(
        "slug, type, name_en",
        [
            ("umid", "ngo", '"Umid" Support to Social Development Public Union'),
            ("open-government-platform", "platform", None),
            ("anti-corruption-commission", "state_body", "Commission on Combatting Corruption"),
            ("eurasia-partnership-foundation", None, "Eurasia Partnership Foundation"),
            ("usaid-azerbaijan", "international", "USAID Azerbaijan Mission"),
            ("netherlands-mfa", "international", None),
            ("konstitusiya", "ngo", None),
            ("economic-initiatives-support-center", "ngo", None),
            ("asan-radio", "media", None),
            ("prodemos", "media", None),
        ],
    )
    def test_real_organisations_the_seeds_name_are_loaded_in_both_languages(
        self, slug, type, name_en
    ):
        organization = Organization.objects.get(slug=slug)
        assert not organization.is_demo
        assert organization.name_az and organization.name_en
        if type:
            assert organization.type == type
        if name_en:
            assert organization.name_en == name_en

    def test_umid_is_found_by_its_short_and_azerbaijani_names(self):
        assert list(Organization.objects.search("Ümid").values_list("slug", flat=True)) == ["umid"]
        assert Organization.objects.get(slug="umid").short_name == "Umid"

    @pytest.mark.parametrize(
        "slug, areas, activities, municipal",
        [
            ("nap-2012-2015", 9, 45, 0),
            ("nap-2016-2018", 11, 58, 25),
            ("nap-2020-2022", 9, 64, None),
        ],
    )
    def test_plans_have_the_structure_the_sources_give(self, slug, areas, activities, municipal):
        plan = ActionPlan.objects.get(slug=slug)
        assert plan.areas.count() == areas
        assert plan.activities.count() == activities
        involving = plan.activities.involving_municipalities().count()
        if municipal is None:  # 2020-2022: a demo assumption, said so in the summary
            assert 0 < involving < activities
            assert "demo assumption" in plan.summary_en
        else:
            assert involving == municipal

    def test_plans_carry_their_approving_acts(self):
        plan = ActionPlan.objects.get(slug="nap-2020-2022")
        title = "Açıq hökumətin təşviqinə dair 2020–2022-ci illər üçün Milli Fəaliyyət Planı"
        assert plan.title_az == title
        assert "1859" in plan.approved_by_az and "1859" in plan.approved_by_en
        assert str(plan.approved_on) == "2020-02-27"
        assert "2421" in ActionPlan.objects.get(slug="nap-2012-2015").approved_by_en
        assert str(ActionPlan.objects.get(slug="nap-2016-2018").approved_on) == "2016-04-27"

    @pytest.mark.parametrize("model", [Area, Activity])
    def test_every_placeholder_is_flagged_and_says_so_in_both_languages(self, model):
        for row in model.objects.all():
            for language, mark in PLACEHOLDER_MARKS.items():
                says_so = mark in getattr(row, f"title_{language}")
                assert says_so == row.is_placeholder, f"{row.plan.slug} {row} ({language})"

    def test_plans_with_placeholders_are_marked_demo(self):
        for plan in ActionPlan.objects.all():
            has_placeholders = (
                plan.areas.filter(is_placeholder=True).exists()
                or plan.activities.filter(is_placeholder=True).exists()
            )
            assert plan.is_demo == has_placeholders
        assert ActionPlan.objects.filter(is_demo=True).count() == 3

    def test_only_point_1_of_2016_2018_holds_real_activities(self):
        real = Activity.objects.filter(is_placeholder=False)
        assert sorted(real.values_list("number", flat=True)) == ["1.1", "1.2", "1.3", "1.4"]
        assert {activity.plan.slug for activity in real} == {"nap-2016-2018"}
        point_1 = Area.objects.get(plan__slug="nap-2016-2018", number=1)
        assert point_1.title_en == "Improvement of electronic services"
        assert not point_1.is_placeholder
        # 1.1 and 1.3 name local executive bodies, so they count among the 25.
        involving = real.involving_municipalities().values_list("number", flat=True)
        assert sorted(involving) == ["1.1", "1.3"]
        first = real.get(number="1.1")
        executors = {organization.slug for organization in first.executors.all()}
        assert executors == {"cabinet-of-ministers", "mcht", "asan"}
        assert "local_executive" in first.executor_types
        assert (first.start_year, first.end_year) == (2016, 2018)

    def test_the_2016_2018_municipal_placeholders_sit_under_the_municipal_service_points(self):
        for number in (6, 7):
            area = Area.objects.get(plan__slug="nap-2016-2018", number=number)
            assert area.activities.exists()
            assert not area.activities.filter(involves_municipalities=False).exists()

    def test_admin_can_log_in_with_the_demo_password(self, client):
        credentials = {"username": "admin", "password": "ogmonitor-demo"}
        response = client.post(reverse("accounts:login"), credentials)
        assert response.status_code == 302
        assert client.get(reverse("admin:index")).status_code == 200

    def test_demo_users_have_their_roles_and_scope(self):
        assert User.objects.get(username="admin").has_role(Role.ADMINISTRATOR)
        coordinator = User.objects.get(username="coordinator")
        assert coordinator.has_role(Role.COORDINATOR) and coordinator.organization.slug == "umid"
        enumerator = User.objects.get(username="enumerator")
        assert enumerator.has_role(Role.ENUMERATOR)
        assigned = list(enumerator.communities.values_list("district__code", flat=True))
        assert len(assigned) == 2 and set(assigned) <= set(DISTRICTS_2022)
        mayor = User.objects.get(username="mayor")
        assert mayor.has_role(Role.MUNICIPALITY_EDITOR)
        assert mayor.organization.type == Organization.Type.MUNICIPALITY
        assert mayor.organization.is_demo

    def test_command_prints_the_address_the_logins_and_the_counts(self, demo, settings):
        assert f"Open {settings.SITE_URL.rstrip('/')}/" in demo  # http://127.0.0.1:8000/ by default
        assert "'admin'" in demo and "'ogmonitor-demo'" in demo
        for username in ("coordinator", "enumerator", "mayor"):
            assert f"'{username}'" in demo
        assert "places.District: 78" in demo
        assert "plans.Activity: 167" in demo
