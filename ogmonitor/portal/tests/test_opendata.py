"""Open data: every dataset downloads as CSV and JSON matching its schema, holds published rows
only, agrees with the pages, survives Excel (ə ş ç, no formulas) and carries its licence.

``world`` records something for every dataset, next to drafts and unpublished records whose
texts all contain "Gizli" (secret) or "secret", so one search of every download proves none leaked.
"""

import csv
import datetime as dt
import io
import json
import re
from decimal import Decimal
from importlib import import_module

import pytest
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, include, path, reverse
from django.utils import timezone

from ogmonitor.disclosure.factories import ItemFactory, PeriodFactory, PublicationFactory
from ogmonitor.engagement.factories import (
    DialoguePlatformFactory,
    EventFactory,
    MembershipFactory,
    ParticipantCountFactory,
    ProposalFactory,
    VoteEventFactory,
)
from ogmonitor.engagement.models import EventSource, Proposal, ProposalStep
from ogmonitor.findings.models import Finding, Indicator, IndicatorResult, Recommendation
from ogmonitor.lib import safe_csv
from ogmonitor.logframe.factories import IndicatorFactory as ProjectIndicatorFactory
from ogmonitor.logframe.factories import ManualValueFactory, ProjectFactory
from ogmonitor.places.factories import (
    CommunityFactory,
    DistrictFactory,
    MunicipalityFactory,
    OrganizationFactory,
)
from ogmonitor.plans.factories import ActivityFactory, LocalAssessmentFactory, MilestoneFactory
from ogmonitor.plans.models import AssessmentStatus, Completion, Potential
from ogmonitor.portal import opendata
from ogmonitor.portal.models import DatasetSettings, Licence
from ogmonitor.surveys.factories import StudyFactory
from ogmonitor.surveys.models import AggregateResult, Study

pytestmark = pytest.mark.django_db

SLUGS = list(opendata.REGISTRY)
SECRET = re.compile(r"gizli|secret", re.IGNORECASE)

# The site's URLs without the parts other work may still be building (the API): used only when
# the project's URL configuration cannot be loaded, so these tests check the open data either way.
urlpatterns = [path("i18n/", include("django.conf.urls.i18n"))] + i18n_patterns(
    path("", include("ogmonitor.portal.urls")),
    path("accounts/", include("ogmonitor.accounts.urls")),
    path("places/", include("ogmonitor.places.urls")),
    path("plans/", include("ogmonitor.plans.urls")),
    path("studies/", include("ogmonitor.surveys.urls")),
    path("findings/", include("ogmonitor.findings.urls")),
    path("reports/", include("ogmonitor.reports.urls")),
    path("engagement/", include("ogmonitor.engagement.urls")),
    path("projects/", include("ogmonitor.logframe.urls")),
    path("disclosure/", include("ogmonitor.disclosure.urls")),
    path("admin/", admin.site.urls),
    prefix_default_language=True,
)


@pytest.fixture(autouse=True)
def site_urls(settings):
    try:
        import_module(settings.ROOT_URLCONF)
        reverse("portal:datasets")
    except (ImportError, NoReverseMatch):
        settings.ROOT_URLCONF = __name__


# --- Data -----------------------------------------------------------------------------------------


def result(indicator, numerator, denominator, dimension="", group_key=""):
    return IndicatorResult.objects.create(
        indicator=indicator, dimension=dimension, group_key=group_key, numerator=numerator, denominator=denominator,
        percentage=Decimal(100 * numerator) / Decimal(denominator), computed_at=timezone.now(),
    )


@pytest.fixture
def world(db, ngo_a):
    today = timezone.localdate()
    district = DistrictFactory(code="AZ-SAK", name_az="Şəki", name_en="Shaki")
    village = CommunityFactory(district=district, name_az="Kiş", name_en="Kish")
    other_village = CommunityFactory(district=district, name_az="Baş Göynük", name_en="Bash Goynuk")
    municipality = MunicipalityFactory(community=village, name_az="Kiş bələdiyyəsi", name_en="Kish municipality")
    activity = ActivityFactory(title_az="Açıq büdcə: ictimai iştirakçılıq", title_en="Open budget: participation")
    activity.executors.add(municipality)
    plan = activity.plan

    # A published study: overall 30 of 80, a breakdown by village with one of 3 people (both
    # village cells are then hidden), and one by gender shown as it is.
    study = StudyFactory(slug="local-2022", plan=plan, organization=ngo_a, communities=[village, other_village])
    aware = Indicator.objects.create(study=study, code="aware", title_az="Planı bilir", title_en="Knows the plan")
    result(aware, 30, 80)
    result(aware, 2, 3, "community", village.slug)
    result(aware, 28, 77, "community", other_village.slug)
    result(aware, 12, 40, "gender", "woman")
    result(aware, 18, 40, "gender", "man")
    Finding.objects.create(study=study, indicator=aware, position=1, status=Finding.Status.PUBLISHED,
                           text_az="Respondentlərin {percent}%-i planı bilir.", text_en="{percent}% know the plan.")
    Finding.objects.create(study=study, position=2, text_az="Gizli qaralama tapıntı", text_en="A secret draft finding")
    Recommendation.objects.create(study=study, text_az="Maarifləndirmə aparılsın", text_en="Raise awareness",
                                  addressee=municipality)
    past = StudyFactory(slug="local-2017", plan=plan, organization=ngo_a, aggregate_only=True)
    AggregateResult.objects.create(study=past, key="aware", choice="yes", label_az="Bilir", label_en="Aware",
                                   numerator=9, denominator=60)

    # A study still being worked on: nothing of it is public.
    draft = StudyFactory(slug="secret-round", plan=plan, organization=ngo_a, status=Study.Status.CLOSED,
                         title_az="Gizli tədqiqat", title_en="Secret study")
    hidden = Indicator.objects.create(study=draft, code="secret-indicator", title_az="Gizli", title_en="Secret")
    result(hidden, 99, 123)
    AggregateResult.objects.create(study=draft, key="secret", label_az="Gizli rəqəm", label_en="Secret figure",
                                   numerator=7, denominator=11)
    Finding.objects.create(study=draft, indicator=hidden, status=Finding.Status.PUBLISHED,
                           text_az="Gizli tapıntı", text_en="Secret finding")
    Recommendation.objects.create(study=draft, text_az="Gizli tövsiyə", text_en="Secret recommendation")
    study.previous = draft  # a published round compared with one that is not: the link stays hidden
    study.save()

    # Events, proposals, platforms: one published of each, one not.
    event = EventFactory(title_az="Şəki: ictimai müzakirə", title_en="Shaki: public hearing", district=district,
                         date=dt.date(2022, 5, 12), summary_az="Çağırış: ağac əkin", summary_en="Call: plant trees")
    event.organizers.add(ngo_a)
    ParticipantCountFactory(event=event, count=17)
    EventSource.objects.create(event=event, url="https://news.example.org/seki", title="Şəki xəbərləri")
    secret_event = EventFactory(title_az="Gizli tədbir", title_en="Secret event", is_published=False)
    EventSource.objects.create(event=secret_event, url="https://secret.example.org/minutes")

    overdue = ProposalFactory(status=Proposal.Status.SUBMITTED, submitted_on=today - dt.timedelta(days=60),
                              answer_days=30, event=secret_event, community=village)
    ProposalStep.objects.create(proposal=overdue, to_status=Proposal.Status.DRAFT, on=today - dt.timedelta(days=61))
    ProposalStep.objects.create(proposal=overdue, from_status=Proposal.Status.DRAFT, to_status=Proposal.Status.SUBMITTED,
                                on=today - dt.timedelta(days=60), note="Məktub göndərildi")
    secret_proposal = ProposalFactory(text_az="Gizli təklif", text_en="Secret proposal", is_published=False)
    ProposalStep.objects.create(proposal=secret_proposal, to_status=Proposal.Status.DRAFT, on=today,
                                note="Gizli qeyd")

    platform = DialoguePlatformFactory(name_az="Şəki Dialoq Platforması", name_en="Shaki Dialogue Platform",
                                       district=district, founding_event=secret_event)
    MembershipFactory(platform=platform, organization=municipality)
    VoteEventFactory(platform=platform, yes=12, no=3, event=secret_event)
    secret_platform = DialoguePlatformFactory(name_az="Gizli platforma", name_en="Secret platform", is_published=False)
    MembershipFactory(platform=secret_platform, organization=OrganizationFactory(name_az="Ayrı üzv", name_en="Other member"))
    VoteEventFactory(platform=secret_platform, motion_az="Gizli qərar", motion_en="Secret motion")

    # Projects: a published one with an indicator entered by hand, an unpublished one.
    project = ProjectFactory(slug="open-budget", organization=ngo_a)
    ManualValueFactory(indicator=ProjectIndicatorFactory(project=project, title_az="Təlim keçənlər", title_en="People trained"),
                       value=Decimal(4), on=dt.date(2022, 5, 1))
    secret_project = ProjectFactory(slug="secret-project", title_az="Gizli layihə", title_en="Secret project",
                                    organization=ngo_a, is_published=False)
    ProjectIndicatorFactory(project=secret_project, title_az="Gizli göstərici", title_en="Secret indicator")

    # Disclosure: one item, one period, the municipality published it during the period.
    item = ItemFactory(name_az="Büdcə", name_en="Budget")
    PeriodFactory(starts_on=dt.date(2022, 3, 1), ends_on=dt.date(2022, 3, 31))
    PublicationFactory(organization=municipality, item=item, published_on=dt.date(2022, 3, 15), title="Büdcə 2022")

    # Local monitoring: a published assessment, a draft one (secret) and a milestone.
    LocalAssessmentFactory(activity=activity, district=district, completion=Completion.SUBSTANTIAL,
                           potential=Potential.MODEST, ogp_values=["public_accountability", "access_to_information"],
                           assessed_by=ngo_a, status=AssessmentStatus.PUBLISHED)
    LocalAssessmentFactory(activity=activity, district=district, assessed_on=today, narrative_az="Gizli qaralama",
                           assessed_by=ngo_a)
    MilestoneFactory(activity=activity, title_en="Budget hearing held", status="done", done_on=dt.date(2021, 5, 4),
                     weight=2)

    return {
        "study": study, "draft": draft, "event": event, "proposal": overdue, "platform": platform,
        "project": project, "municipality": municipality, "district": district, "village": village,
    }


# --- Reading downloads ------------------------------------------------------------------------------


def read_csv(client, slug, language="en") -> tuple[list[str], list[dict]]:
    response = client.get(f"/{language}/data/{slug}.csv")
    assert response.status_code == 200, slug
    assert response["Content-Type"].startswith("text/csv")
    content = b"".join(response.streaming_content) if response.streaming else response.content
    assert content.startswith(b"\xef\xbb\xbf")  # the byte-order mark Excel needs for UTF-8
    reader = csv.reader(io.StringIO(content.decode("utf-8-sig"), newline=""))
    header = next(reader)
    return header, [dict(zip(header, row, strict=True)) for row in reader]


def read_json(client, slug, language="en") -> dict:
    response = client.get(f"/{language}/data/{slug}.json")
    assert response.status_code == 200, slug
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return json.loads(content)


def schema_names(client, slug) -> list[str]:
    response = client.get(f"/en/data/{slug}/schema.json")
    assert response.status_code == 200
    return [field["name"] for field in response.json()["fields"]]


def rows_where(rows, **values) -> list[dict]:
    return [row for row in rows if all(row[key] == value for key, value in values.items())]


# --- Every dataset ----------------------------------------------------------------------------------


@pytest.mark.parametrize("slug", SLUGS)
def test_every_dataset_downloads_as_csv_and_json_with_the_schemas_columns(client, world, slug):
    names = schema_names(client, slug)
    header, rows = read_csv(client, slug)
    data = read_json(client, slug)

    assert header == names
    assert rows, f"{slug} has no row in the test data"
    assert data["dataset"] == slug
    assert [field["name"] for field in data["schema"]["fields"]] == names
    assert data["licence"]["name"] == "CC-BY-4.0"
    assert len(data["data"]) == len(rows) == opendata.REGISTRY[slug].row_count()
    assert all(list(record) == names for record in data["data"])


@pytest.mark.parametrize("slug", SLUGS)
def test_every_value_has_its_columns_type(client, world, slug):
    fields = {field["name"]: field for field in client.get(f"/en/data/{slug}/schema.json").json()["fields"]}
    checks = {
        "integer": lambda text: re.fullmatch(r"-?\d+", text),
        "number": lambda text: re.fullmatch(r"-?\d+(\.\d+)?", text),
        "boolean": lambda text: text in ("true", "false"),
        "date": lambda text: dt.date.fromisoformat(text),
        "datetime": lambda text: dt.datetime.fromisoformat(text),
        "time": lambda text: dt.time.fromisoformat(text),
        "string": lambda text: True,
    }
    _header, rows = read_csv(client, slug)
    for row in rows:
        for name, text in row.items():
            if text == "":
                continue
            assert checks[fields[name]["type"]](text), (slug, name, text)
            if "enum" in fields[name].get("constraints", {}):
                assert text in fields[name]["constraints"]["enum"], (slug, name, text)


def test_no_unpublished_record_is_in_any_download(client, world):
    for slug in SLUGS:
        for language in ("az", "en"):
            for suffix in ("csv", "json"):
                response = client.get(f"/{language}/data/{slug}.{suffix}")
                text = response.content.decode("utf-8-sig")
                assert not SECRET.search(text), (slug, suffix, SECRET.search(text).group())
    # Organisations are all public, but not their membership of an unpublished platform.
    _header, memberships = read_csv(client, "platform-memberships")
    assert [row["organization_name_en"] for row in memberships] == [world["municipality"].name_en]
    # The draft study's figure (99 of 123, 80.49 %) is nowhere either.
    _header, results = read_csv(client, "indicator-results")
    assert {row["study"] for row in results} == {"local-2022"}
    assert not any(row["numerator"] == "99" or row["percentage"].startswith("80.48") for row in results)


def test_local_monitoring_gives_published_assessments_and_the_milestones_with_progress(client, world):
    _header, [assessment] = read_csv(client, "local-assessments")
    assert (assessment["district"], assessment["completion"], assessment["potential"]) == ("AZ-SAK", "substantial", "modest")
    assert assessment["ogp_values"] == "access_to_information; public_accountability"  # in the IRM's order
    assert assessment["url"].endswith(f"/plans/assessments/{assessment['id']}/")
    _header, [milestone] = read_csv(client, "milestones")
    assert (milestone["title_en"], milestone["status"], milestone["done_on"], milestone["weight"]) == (
        "Budget hearing held", "done", "2021-05-04", "2")
    _header, activities = read_csv(client, "activities")
    assert [row["progress"] for row in activities] == ["100"]  # its one milestone is done


def test_unpublished_parents_leave_their_references_empty(client, world):
    """A published proposal raised at an unpublished event does not reveal that event."""
    _header, [proposal] = read_csv(client, "proposals")
    assert proposal["event"] == ""
    _header, [platform] = read_csv(client, "platforms")
    assert platform["founding_event"] == ""
    _header, [vote] = read_csv(client, "votes")
    assert vote["event"] == "" and vote["yes"] == "12"


def test_a_suppressed_cell_gives_an_empty_figure_and_a_flag_never_the_number(client, world):
    _header, rows = read_csv(client, "indicator-results")
    small = rows_where(rows, breakdown="community", group=world["village"].slug)[0]
    assert small["suppressed"] == "true"
    assert small["numerator"] == small["denominator"] == small["percentage"] == ""
    assert small["ci_low"] == small["ci_high"] == ""
    # Its neighbour is hidden too, or the overall minus it would give the small cell back.
    assert all(row["suppressed"] == "true" for row in rows_where(rows, breakdown="community"))
    assert not any(row["percentage"].startswith(("66.66", "36.36")) for row in rows)

    data = read_json(client, "indicator-results")["data"]
    hidden = [record for record in data if record["breakdown"] == "community"]
    assert all(record["suppressed"] is True and record["numerator"] is None for record in hidden)
    shown = [record for record in data if record["breakdown"] == "gender"]
    assert {(record["group"], record["numerator"], record["suppressed"]) for record in shown} == {
        ("woman", 12, False), ("man", 18, False),
    }
    assert {record["group_label_en"] for record in shown} == {"woman", "man"}


def test_findings_are_published_ones_with_the_public_figure_filled_in(client, world):
    _header, rows = read_csv(client, "findings")
    assert [(row["study"], row["text_az"], row["text_en"]) for row in rows] == [
        ("local-2022", "Respondentlərin 37,5%-i planı bilir.", "37.5% know the plan."),
    ]


# --- The downloads agree with the pages -------------------------------------------------------------


def test_the_indicator_results_match_the_study_results_page(client, world):
    _header, rows = read_csv(client, "indicator-results")
    [overall] = rows_where(rows, study="local-2022", indicator="aware", breakdown="overall")
    assert (overall["numerator"], overall["denominator"], overall["percentage"]) == ("30", "80", "37.5")
    page = client.get("/az/findings/local-2022/").content.decode()
    assert "37,5" in page  # the same figure, in the Azerbaijani number format


def test_the_proposals_days_overdue_match_the_proposals_page(client, world):
    _header, [row] = read_csv(client, "proposals")
    assert (row["number"], row["status"], row["overdue"], row["days_overdue"]) == (
        str(world["proposal"].number), "submitted", "true", "30",
    )
    page = client.get("/en/engagement/proposals/").content.decode()
    assert "30 days overdue" in page


def test_the_events_match_the_events_page(client, world):
    _header, [row] = read_csv(client, "events")
    page = client.get("/en/engagement/events/").content.decode()
    assert row["title_en"] == "Shaki: public hearing" and row["title_en"] in page
    assert row["people_reached"] == "17"
    assert re.search(r'class="num"[^>]*>\s*17\s*<', page)
    assert row["sources"] == "https://news.example.org/seki"
    assert row["url"] == f"http://testserver/en/engagement/events/{world['event'].slug}/"


def test_the_transparency_ranking_matches_the_ranking_page(client, world):
    _header, rows = read_csv(client, "transparency-ranking")
    municipality = world["municipality"]
    [row] = rows_where(rows, organization=municipality.slug, as_of="2022-03-31")
    assert (row["rank"], row["index"], row["items_current"], row["period_en"]) == ("1", "100", "1", "03/2022")
    page = client.get("/en/disclosure/").content.decode()
    shown = re.search(rf'data-slug="{municipality.slug}".*?data-index>([^<]+)<', page, re.DOTALL).group(1)
    assert Decimal(shown) == Decimal(row["index"])


def test_project_progress_is_published_projects_only_as_on_their_page(client, world):
    _header, rows = read_csv(client, "project-indicators")
    assert [(row["project"], row["title_en"], row["actual"]) for row in rows] == [("open-budget", "People trained", "4")]
    assert client.get("/en/projects/open-budget/").status_code == 200
    assert client.get("/en/projects/secret-project/").status_code == 404


# --- Spreadsheet safety --------------------------------------------------------------------------------


def test_azerbaijani_letters_come_back_from_the_csv_unchanged(client, world):
    header, rows = read_csv(client, "districts", language="az")
    assert header[0] == "code"  # the byte-order mark is not glued to the first column's name
    [district] = rows_where(rows, code="AZ-SAK")
    assert district["name_az"] == "Şəki"
    _header, [event] = read_csv(client, "events", language="az")
    assert event["title_az"] == "Şəki: ictimai müzakirə"
    assert event["summary_az"] == "Çağırış: ağac əkin"
    _header, rows = read_csv(client, "communities")
    assert {row["name_az"] for row in rows} >= {"Kiş", "Baş Göynük"}


def test_text_that_looks_like_a_formula_is_written_as_text(client, world):
    EventFactory(title_az='=HYPERLINK("http://evil.example","klik")', title_en="+1-2", summary_az="@SUM(A1)",
                 date=dt.date(2022, 6, 1))
    _header, rows = read_csv(client, "events")
    [row] = rows_where(rows, date="2022-06-01")
    assert row["title_az"] == '\'=HYPERLINK("http://evil.example","klik")'
    assert row["title_en"] == "'+1-2"
    assert row["summary_az"] == "'@SUM(A1)"
    # JSON is not opened by spreadsheets: the text stays as it was typed.
    [record] = [r for r in read_json(client, "events")["data"] if r["date"] == "2022-06-01"]
    assert record["title_en"] == "+1-2"


def test_negative_numbers_stay_numbers():
    content = safe_csv.csv_bytes(["change", "text"], [[-2.5, "-2.5"], [-3, "=1+1"]]).decode("utf-8-sig")
    assert list(csv.reader(io.StringIO(content))) == [["change", "text"], ["-2.5", "'-2.5"], ["-3", "'=1+1"]]


# --- Schemas and the data package ---------------------------------------------------------------------


def test_the_datapackage_describes_every_dataset_as_a_tabular_data_package(client, world):
    response = client.get("/en/data/datapackage.json")
    assert response.status_code == 200 and response["Access-Control-Allow-Origin"] == "*"
    package = response.json()
    assert package["profile"] == "tabular-data-package"
    assert re.fullmatch(r"[a-z0-9._-]+", package["name"])
    assert package["licenses"] == [{"name": "CC-BY-4.0", "path": "https://creativecommons.org/licenses/by/4.0/",
                                    "title": str(Licence.CC_BY_4.label)}]
    assert [resource["name"] for resource in package["resources"]] == SLUGS
    for resource in package["resources"]:
        assert re.fullmatch(r"[a-z0-9._-]+", resource["name"])
        assert resource["profile"] == "tabular-data-resource" and resource["format"] == "csv"
        assert resource["path"] == f"{resource['name']}.csv"  # beside the descriptor
        assert resource["licenses"][0]["name"] in Licence.values
        fields = resource["schema"]["fields"]
        assert all(field["type"] in opendata.TABLE_SCHEMA_TYPES and field["description"] for field in fields)
        names = [field["name"] for field in fields]
        assert len(names) == len(set(names))
        assert set(resource["schema"].get("primaryKey", [])) <= set(names)
        # The relative path resolves, beside the descriptor, to the CSV with these columns.
        header, _rows = read_csv(client, resource["path"].removesuffix(".csv"))
        assert header == names
    try:
        from frictionless import Package  # only where the package is installed
    except ImportError:
        return
    assert Package(package).metadata_valid


def test_primary_keys_are_unique(client, world):
    for slug, dataset in opendata.REGISTRY.items():
        if not dataset.primary_key:
            continue
        _header, rows = read_csv(client, slug)
        keys = [tuple(row[name] for name in dataset.primary_key) for row in rows]
        assert len(keys) == len(set(keys)), slug


def test_downloads_are_open_to_other_sites_and_cached_for_visitors(client, world):
    first = client.get("/en/data/events.csv")
    again = client.get("/en/data/events.csv")
    assert first["Access-Control-Allow-Origin"] == "*"
    assert (first["X-Cache"], again["X-Cache"]) == ("miss", "hit")
    assert again.content == first.content


def test_big_datasets_are_streamed_with_the_same_content(client, world, monkeypatch):
    expected = read_csv(client, "communities")
    monkeypatch.setattr(opendata, "STREAM_ROWS", 1)
    cache.clear()  # the first download was kept whole in the page cache
    response = client.get("/en/data/communities.csv")
    assert response.streaming
    assert read_csv(client, "communities") == expected
    assert client.get("/en/data/communities.json").streaming
    data = read_json(client, "communities")["data"]
    assert [record["slug"] for record in data] == [row["slug"] for row in expected[1]]


def test_queries_do_not_grow_with_the_rows(world):
    def queries(slug) -> int:
        with CaptureQueriesContext(connection) as captured:
            list(opendata.REGISTRY[slug].rows())
        return len(captured)

    slugs = ["activities", "studies", "events", "proposals", "platform-memberships", "organizations", "recommendations"]
    before = {slug: queries(slug) for slug in slugs}
    for _ in range(3):
        activity = ActivityFactory()
        activity.executors.add(OrganizationFactory())
        StudyFactory(communities=[CommunityFactory()])
        event = EventFactory()
        event.organizers.add(OrganizationFactory())
        EventSource.objects.create(event=event, url="https://news.example.org/more")
        ProposalFactory(activity=activity, event=event)
        MembershipFactory(platform=world["platform"])
        Recommendation.objects.create(study=world["study"], text_az="Daha bir", text_en="One more").activities.add(activity)
    assert {slug: queries(slug) for slug in slugs} == before


# --- Licence ---------------------------------------------------------------------------------------------


def catalogue_licence(client, slug, language="en") -> str:
    page = client.get(f"/{language}/data/").content.decode()
    return re.search(rf'data-dataset="{slug}".*?data-licence><a [^>]*>([^<]+)<', page, re.DOTALL).group(1)


def test_the_licence_is_cc_by_4_by_default_and_shown_on_the_catalogue(client, world):
    assert all(catalogue_licence(client, slug) == "CC BY 4.0" for slug in SLUGS)
    assert read_json(client, "events")["licence"]["path"] == "https://creativecommons.org/licenses/by/4.0/"


def test_the_licence_is_changed_in_the_dataset_settings(client, world):
    DatasetSettings.objects.create(dataset="events", licence=Licence.ODBL_1, attribution="Ümid QHT, ogmonitor")

    assert catalogue_licence(client, "events") == "ODbL 1.0"
    assert catalogue_licence(client, "proposals") == "CC BY 4.0"
    data = read_json(client, "events")
    assert data["licence"]["name"] == "ODbL-1.0" and data["attribution"] == "Ümid QHT, ogmonitor"
    package = client.get("/en/data/datapackage.json").json()
    [events] = [resource for resource in package["resources"] if resource["name"] == "events"]
    assert events["licenses"][0]["name"] == "ODbL-1.0"
    assert events["sources"][0]["title"] == "Ümid QHT, ogmonitor"
    page = client.get("/en/data/events/").content.decode()
    assert "Open Data Commons Open Database License" in page and "Ümid QHT, ogmonitor" in page


def test_a_withdrawn_dataset_is_gone_from_the_catalogue_downloads_and_list_pages(client, world):
    DatasetSettings.objects.create(dataset="events", is_published=False)

    for address in ("/en/data/events.csv", "/en/data/events.json", "/en/data/events/", "/en/data/events/schema.json"):
        assert client.get(address).status_code == 404, address
    assert 'data-dataset="events"' not in client.get("/en/data/").content.decode()
    package = client.get("/en/data/datapackage.json").json()
    assert "events" not in [resource["name"] for resource in package["resources"]]
    assert "/en/data/events.csv" not in client.get("/en/engagement/events/").content.decode()


def test_dataset_settings_are_edited_in_the_admin(client_for, administrator):
    admin_client = client_for(administrator)
    response = admin_client.get("/en/admin/portal/datasetsettings/add/")
    assert response.status_code == 200
    assert 'value="transparency-ranking"' in response.content.decode()
    response = admin_client.post("/en/admin/portal/datasetsettings/add/", {
        "dataset": "votes", "licence": Licence.CC0_1, "attribution": "", "is_published": "on",
    })
    assert response.status_code == 302
    assert DatasetSettings.objects.get(dataset="votes").licence == Licence.CC0_1
    response = admin_client.post("/en/admin/portal/datasetsettings/add/", {"dataset": "no-such-data", "licence": Licence.CC0_1})
    assert response.status_code == 200 and not DatasetSettings.objects.filter(dataset="no-such-data").exists()


# --- Pages --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("language, heading", [("az", "lang=\"az\""), ("en", "lang=\"en\"")])
def test_the_catalogue_lists_every_dataset_with_counts_and_links(client, world, language, heading):
    response = client.get(f"/{language}/data/")
    assert response.status_code == 200
    page = response.content.decode()
    assert heading in page
    for slug in SLUGS:
        assert f'data-dataset="{slug}"' in page
        for suffix in (f"{slug}.csv", f"{slug}.json", f"{slug}/schema.json"):
            assert f'href="/{language}/data/{suffix}"' in page
    rows = re.search(r'data-dataset="events".*?data-rows>(\d+)<', page, re.DOTALL).group(1)
    assert rows == "1"


def test_the_dataset_page_shows_the_schema_and_the_first_twenty_rows(client, world):
    for number in range(25):
        CommunityFactory(name_az=f"Kənd {number:02d}")
    response = client.get("/en/data/communities/")
    assert response.status_code == 200
    page = response.content.decode()
    for name in opendata.REGISTRY["communities"].column_names:
        assert f'data-column="{name}"' in page
    preview = re.search(r'<table class="preview">(.*?)</table>', page, re.DOTALL).group(1)
    assert preview.count("<tr>") == 1 + 20  # the header and the first 20 of 27 communities
    assert "CC BY 4.0" in page or "Creative Commons Attribution 4.0" in page
    assert client.get("/az/data/communities/").status_code == 200
    assert client.get("/en/data/no-such-data/").status_code == 404


@pytest.mark.parametrize("path, slug", [
    ("/en/engagement/events/", "events"),
    ("/en/engagement/proposals/", "proposals"),
    ("/en/engagement/platforms/", "platforms"),
    ("/en/engagement/chronology/", "events"),
    ("/en/disclosure/", "transparency-ranking"),
    ("/en/findings/local-2022/", "indicator-results"),
])
def test_list_pages_offer_the_downloads_with_their_licence(client, world, path, slug):
    page = client.get(path).content.decode()
    assert f'href="/en/data/{slug}.csv"' in page and f'href="/en/data/{slug}.json"' in page
    assert 'rel="license"' in page and "CC BY 4.0" in page


def test_the_plan_page_offers_its_activities(client, world):
    study = world["study"]
    page = client.get(f"/az/plans/{study.plan.slug}/").content.decode()
    assert 'href="/az/data/activities.csv"' in page


def test_the_navigation_leads_to_the_catalogue(client, world):
    page = client.get("/en/data/").content.decode()
    assert re.search(r'<a href="/en/data/" aria-current="page">', page)
