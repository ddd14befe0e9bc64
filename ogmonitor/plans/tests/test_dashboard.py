"""A plan's monitoring dashboard: the distribution of completion levels, its filters, the list of
changes, the matrix of activities involving municipalities, and the IRM-layout XLSX."""

import datetime as dt
import io
import re
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from ogmonitor.places.factories import DistrictFactory, MunicipalityFactory, OrganizationFactory
from ogmonitor.places.models import Organization
from ogmonitor.plans import dashboard
from ogmonitor.plans.factories import (
    ActionPlanFactory,
    ActivityFactory,
    AreaFactory,
    LocalAssessmentFactory,
    LocalTargetFactory,
)
from ogmonitor.plans.models import (
    ActionPlan,
    Activity,
    Area,
    AssessmentEvidence,
    AssessmentStatus,
    Completion,
    OGPValue,
)

pytestmark = pytest.mark.django_db

ROUND_1 = dt.date(2022, 1, 15)
ROUND_2 = dt.date(2022, 6, 30)


def text_of(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


class World:
    """A 2020 plan in two areas: 1.1 and 1.2 involve municipalities, 2.1 and 2.2 do not.

    Latest published assessments (the five counted): 1.1 Guba limited (up from not started),
    1.1 Khachmaz limited (down from substantial), 1.2 Guba complete (new), 1.2 Khachmaz
    substantial (assessed in round 1 only), 2.1 nationally complete (new). Not counted: the two
    superseded round-1 assessments, a later draft of 2.1, and a local target's assessment.
    """

    def __init__(self):
        self.ngo = OrganizationFactory(name_az="Ümid", name_en="Umid")
        self.plan = ActionPlanFactory(slug="nap-2020", country="AZ", start_year=2020, end_year=2022,
                                      title_az="Milli Fəaliyyət Planı 2020–2022", title_en="National Action Plan 2020–2022")
        self.area_1 = AreaFactory(plan=self.plan, number=1)
        self.area_2 = AreaFactory(plan=self.plan, number=2)
        self.guba = DistrictFactory(code="AZ-QBA", name_az="Quba", name_en="Guba")
        self.khachmaz = DistrictFactory(code="AZ-XAC", name_az="Xaçmaz", name_en="Khachmaz")
        self.a11 = ActivityFactory(area=self.area_1, number="1.1", involves_municipalities=True,
                                   title_az="Bələdiyyələrin açıq iclasları", title_en="Open municipal meetings")
        self.a12 = ActivityFactory(area=self.area_1, number="1.2", involves_municipalities=True)
        self.a21 = ActivityFactory(area=self.area_2, number="2.1")
        self.a22 = ActivityFactory(area=self.area_2, number="2.2")
        self.assess(self.a11, ROUND_1, Completion.NOT_STARTED, self.guba)
        self.guba_11 = self.assess(self.a11, ROUND_2, Completion.LIMITED, self.guba)
        self.assess(self.a11, ROUND_1, Completion.SUBSTANTIAL, self.khachmaz)
        self.assess(self.a11, ROUND_2, Completion.LIMITED, self.khachmaz)
        self.assess(self.a12, ROUND_2, Completion.COMPLETE, self.guba)
        self.assess(self.a12, ROUND_1, Completion.SUBSTANTIAL, self.khachmaz)
        self.assess(self.a21, ROUND_2, Completion.COMPLETE, None)
        self.assess(self.a21, dt.date(2022, 9, 1), Completion.NOT_STARTED, None, status=AssessmentStatus.DRAFT)
        self.target = LocalTargetFactory(activity=self.a11, district=self.guba, title_en="Guba's own meetings")
        self.assess(self.a11, ROUND_2, Completion.COMPLETE, self.guba, target=self.target)

    def assess(self, activity, on, completion, district, *, status=AssessmentStatus.PUBLISHED, **fields):
        return LocalAssessmentFactory(
            activity=activity, district=district, assessed_on=on, completion=completion, status=status,
            assessed_by=self.ngo, **fields,
        )


@pytest.fixture
def world():
    return World()


def counts(distribution) -> dict[str, int]:
    return {level.completion: level.count for level in distribution.levels}


# --- The service ------------------------------------------------------------------------------------


def test_the_distribution_counts_each_activity_and_places_latest_published_assessment(world):
    board = dashboard.build(world.plan, dashboard.Filters())

    assert counts(board.overall) == {"no_evidence": 0, "not_started": 0, "limited": 2, "substantial": 1, "complete": 2}
    assert [level.percent for level in board.overall.levels] == [0, 0, 40, 20, 40]
    assert (board.overall.total, board.overall.activities, board.overall.assessed, board.overall.not_assessed) == (5, 4, 3, 1)
    assert board.overall.local_activities == 2


def test_the_distribution_is_given_per_area_in_the_irm_order(world):
    board = dashboard.build(world.plan, dashboard.Filters())

    area_1, area_2 = board.areas
    assert [level.completion for level in area_1.distribution.levels] == list(Completion.values)
    assert counts(area_1.distribution) == {"no_evidence": 0, "not_started": 0, "limited": 2, "substantial": 1, "complete": 1}
    assert [level.percent for level in area_1.distribution.reached] == [50, 25, 25]
    assert counts(area_2.distribution)["complete"] == 1
    assert (area_2.distribution.assessed, area_2.distribution.not_assessed) == (1, 1)


def test_the_district_filter_counts_only_that_districts_assessments(world):
    board = dashboard.build(world.plan, dashboard.Filters(district=world.guba))

    assert counts(board.overall) == {"no_evidence": 0, "not_started": 0, "limited": 1, "substantial": 0, "complete": 1}
    assert [column.code for column in board.matrix.columns] == ["AZ-QBA"]


def test_the_local_filter_keeps_only_activities_involving_municipalities(world):
    board = dashboard.build(world.plan, dashboard.Filters(only_local=True))

    assert board.overall.total == 4
    assert board.overall.activities == 2
    assert counts(board.overall)["complete"] == 1


def test_as_of_a_day_each_place_counts_its_latest_assessment_on_or_before_it(world):
    board = dashboard.build(world.plan, dashboard.Filters(on=dt.date(2022, 3, 1)))

    assert counts(board.overall) == {"no_evidence": 0, "not_started": 1, "limited": 0, "substantial": 2, "complete": 0}
    assert board.latest_date == ROUND_1
    assert board.since is None and board.changes == []


def test_the_changes_since_the_previous_assessment_date_go_up_down_or_are_new(world):
    board = dashboard.build(world.plan, dashboard.Filters())

    assert (board.latest_date, board.since) == (ROUND_2, ROUND_1)
    found = {(change.assessment.activity.number, change.assessment.district_id): change for change in board.changes}
    assert {key: change.direction for key, change in found.items()} == {
        ("1.1", world.guba.pk): "up",
        ("1.1", world.khachmaz.pk): "down",
        ("1.2", world.guba.pk): "new",
        ("2.1", None): "new",
    }
    assert found[("1.1", world.guba.pk)].previous.completion == Completion.NOT_STARTED


def test_changes_may_be_counted_from_a_chosen_day(world):
    world.assess(world.a12, dt.date(2022, 8, 1), Completion.COMPLETE, world.guba)

    board = dashboard.build(world.plan, dashboard.Filters(since=ROUND_2))

    assert [(change.assessment.activity.number, change.direction) for change in board.changes] == [("1.2", "same")]


def test_the_matrix_lists_activities_involving_municipalities_by_district_in_azerbaijani_order(world):
    from django.utils import translation

    with translation.override("az"):
        matrix = dashboard.build(world.plan, dashboard.Filters()).matrix
    # In the Azerbaijani alphabet X comes before Q (… H X I İ J K Q L …).
    assert [column.code for column in matrix.columns] == ["AZ-XAC", "AZ-QBA"]
    assert [row.activity.number for row in matrix.rows] == ["1.1", "1.2"]
    assert [[status.completion for status in cell] for cell in matrix.rows[1].cells] == [["substantial"], ["complete"]]
    with translation.override("en"):
        matrix = dashboard.build(world.plan, dashboard.Filters()).matrix
    assert [column.code for column in matrix.columns] == ["AZ-QBA", "AZ-XAC"]


def test_a_municipality_assessed_in_a_district_has_its_own_entry_in_the_districts_cell(world):
    municipality = MunicipalityFactory(community__district=world.guba, name_az="Qəçrəş bələdiyyəsi", name_en="Gachresh municipality")
    world.assess(world.a12, ROUND_2, Completion.LIMITED, world.guba, municipality=municipality)

    matrix = dashboard.build(world.plan, dashboard.Filters()).matrix

    guba_cell = matrix.rows[1].cells[[column.code for column in matrix.columns].index("AZ-QBA")]
    assert [(status.completion, status.municipality_id) for status in guba_cell] == [
        ("complete", None), ("limited", municipality.pk),
    ]


def test_commitment_identifiers_name_country_year_number_and_place(world):
    municipality = MunicipalityFactory(community__district=world.guba)
    municipal = world.assess(world.a12, ROUND_2, Completion.LIMITED, world.guba, municipality=municipality)
    target_assessment = world.target.assessments.get()

    assert dashboard.commitment_identifier(world.plan, world.guba_11) == "AZ-2020-1.1-AZ-QBA"
    assert dashboard.commitment_identifier(world.plan, target_assessment) == "AZ-2020-1.1.QBA-1-AZ-QBA"
    assert dashboard.commitment_identifier(world.plan, municipal) == f"AZ-2020-1.2-AZ-QBA-{municipality.slug}"
    national = world.a21.local_assessments.filter(status=AssessmentStatus.PUBLISHED).get()
    assert dashboard.commitment_identifier(world.plan, national) == "AZ-2020-2.1"


# --- The page ---------------------------------------------------------------------------------------


def test_the_dashboard_page_shows_the_distribution_with_azerbaijani_level_labels(client, world):
    response = client.get(f"/az/plans/{world.plan.slug}/dashboard/")

    assert response.status_code == 200
    text = text_of(response)
    assert "Məhdud" in text and "Tamamlanıb" in text and "Əhəmiyyətli" in text
    assert 'style="width: 40.00%"' in response.text
    assert response.context["board"].overall.total == 5
    assert 'href="/az/plans/nap-2020/dashboard.xlsx"' in response.text


def test_the_dashboard_page_in_english_shows_changes_and_the_caveat(client, world):
    response = client.get(f"/en/plans/{world.plan.slug}/dashboard/")

    text = text_of(response)
    assert "Limited" in text and "Complete" in text
    assert "These figures come from the records the monitoring organisations keep" in text
    assert text.count('data-direction="') == 0  # attributes are stripped from the text…
    assert response.text.count('data-direction="new"') == 2
    assert 'data-direction="up"' in response.text and 'data-direction="down"' in response.text
    assert 'href="/en/plans/nap-2020/activities/1.1/"' in response.text


def test_the_dashboard_page_applies_its_filters_and_keeps_them_in_the_export_link(client, world):
    response = client.get(f"/en/plans/{world.plan.slug}/dashboard/", {"district": "AZ-QBA", "local": "1", "on": "2022-12-31"})

    board = response.context["board"]
    assert board.filters.district == world.guba and board.filters.only_local and board.filters.on == dt.date(2022, 12, 31)
    assert board.overall.total == 2
    assert "dashboard.xlsx?district=AZ-QBA&amp;local=1&amp;on=2022-12-31" in response.text
    assert 'value="2022-12-31"' in response.text


def test_a_bad_filter_value_is_shown_with_its_error_and_ignored(client, world):
    response = client.get(f"/en/plans/{world.plan.slug}/dashboard/", {"on": "yesterday", "district": "AZ-QBA"})

    assert response.status_code == 200
    assert response.context["form"].errors["on"]
    assert response.context["board"].filters.on is None
    assert response.context["board"].filters.district == world.guba
    assert 'value="yesterday"' in response.text


def test_an_unknown_plan_has_no_dashboard(client):
    assert client.get("/en/plans/no-such-plan/dashboard/").status_code == 404
    assert client.get("/en/plans/no-such-plan/dashboard.xlsx").status_code == 404


def test_a_plan_without_assessments_has_an_empty_dashboard(client):
    plan = ActionPlanFactory()
    ActivityFactory(area=AreaFactory(plan=plan), involves_municipalities=True)

    response = client.get(f"/en/plans/{plan.slug}/dashboard/")

    assert response.status_code == 200
    assert "No published assessment yet." in text_of(response)


def test_the_dashboards_queries_do_not_grow_with_activities(client, world, settings, django_assert_max_num_queries):
    settings.PUBLIC_CACHE_SECONDS = 0
    page, export = f"/en/plans/{world.plan.slug}/dashboard/", f"/en/plans/{world.plan.slug}/dashboard.xlsx"
    with django_assert_max_num_queries(10) as page_before:
        client.get(page)
    with django_assert_max_num_queries(8) as export_before:
        client.get(export)
    for _number in range(12):
        activity = ActivityFactory(area=world.area_1, involves_municipalities=True)
        activity.executors.add(OrganizationFactory())
        world.assess(activity, ROUND_1, Completion.LIMITED, world.khachmaz)
        world.assess(activity, ROUND_2, Completion.COMPLETE, world.khachmaz)
        guba = world.assess(activity, ROUND_2, Completion.SUBSTANTIAL, world.guba)
        AssessmentEvidence.objects.create(assessment=guba, url="https://example.org/", title_en="Minutes")
        target = LocalTargetFactory(activity=activity, district=world.guba)
        world.assess(activity, ROUND_2, Completion.LIMITED, world.guba, target=target)
    with django_assert_max_num_queries(10) as page_after:
        response = client.get(page)
    with django_assert_max_num_queries(8) as export_after:
        client.get(export)
    assert response.context["board"].overall.total == 5 + 24
    assert len(page_after.captured_queries) == len(page_before.captured_queries)
    assert len(export_after.captured_queries) == len(export_before.captured_queries)


# --- The plan pages ---------------------------------------------------------------------------------


def test_the_plan_pages_link_to_the_dashboard_and_show_the_stored_progress(client, world):
    # Stored as the roll-up would store them (update(): no recomputation from the children).
    ActionPlan.objects.filter(pk=world.plan.pk).update(progress=Decimal("47.5"))
    Area.objects.filter(pk=world.area_1.pk).update(progress=Decimal("80.0"))
    Activity.objects.filter(pk=world.a12.pk).update(progress=Decimal("62.5"))

    detail = client.get(f"/en/plans/{world.plan.slug}/")
    listing = client.get("/en/plans/")

    for response in (detail, listing):
        assert 'href="/en/plans/nap-2020/dashboard/"' in response.text
        assert 'value="47.5"' in response.text
    assert 'value="80.0"' in detail.text and 'value="62.5"' in detail.text


# --- The XLSX export --------------------------------------------------------------------------------


def workbook_of(response):
    return load_workbook(io.BytesIO(response.content))


def test_the_export_has_the_irm_columns_in_order_in_english(client, world):
    response = client.get(f"/en/plans/{world.plan.slug}/dashboard.xlsx")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert re.search(r'filename="nap-2020-commitments-\d{4}-\d\d-\d\d\.xlsx"', response["Content-Disposition"])
    sheet = workbook_of(response).worksheets[0]
    assert [cell.value for cell in sheet[1]] == [
        "Commitment Unique Identifier", "Commitment Title", "Country/Locality", "Action Plan Number",
        "Commitment Number", "Lead Institution", "Supporting Institution(s)", "OGP Value: Access to Information",
        "OGP Value: Civic Participation", "OGP Value: Public Accountability", "OGP Value: Technology & Innovation",
        "Potential for results", "Completion", "Did It Open Government", "Assessed on", "Assessed by", "Narrative",
        "Evidence", "Link",
    ]
    # Six rows: the five activity × places and the local target in Guba.
    assert [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)] == [
        "AZ-2020-1.1-AZ-QBA", "AZ-2020-1.1-AZ-XAC", "AZ-2020-1.1.QBA-1-AZ-QBA",
        "AZ-2020-1.2-AZ-QBA", "AZ-2020-1.2-AZ-XAC", "AZ-2020-2.1",
    ]


def test_an_export_row_carries_the_assessments_values(client, world):
    lead = OrganizationFactory(name_en="Ministry of Justice", type=Organization.Type.STATE_BODY)
    support = OrganizationFactory(name_en="Guba municipality", type=Organization.Type.MUNICIPALITY)
    world.a11.executors.add(lead)
    world.a11.executors.add(support)
    world.a11.executors_text_en = "Other bodies"
    world.a11.save()
    assessment = world.guba_11
    assessment.ogp_values = [OGPValue.ACCESS_TO_INFORMATION, OGPValue.CIVIC_PARTICIPATION]
    assessment.potential = "modest"
    assessment.early_results = "marginal"
    assessment.narrative_en = "=Three of five meetings were open."
    assessment.save()
    AssessmentEvidence.objects.create(assessment=assessment, url="/en/findings/local-2022/", title_en="2022 survey", position=0)
    AssessmentEvidence.objects.create(assessment=assessment, url="https://example.org/minutes", title_en="Minutes", position=1)

    sheet = workbook_of(client.get(f"/en/plans/{world.plan.slug}/dashboard.xlsx")).worksheets[0]

    row = next(sheet.iter_rows(min_row=2, values_only=True))
    assert row[:14] == (
        "AZ-2020-1.1-AZ-QBA", "Open municipal meetings", "Azerbaijan: Guba", "2020–2022", "1.1",
        "Ministry of Justice", "Guba municipality; Other bodies", "Yes", "Yes", None, None,
        "Modest", "Limited", "Marginal",
    )
    assert row[14].date() == ROUND_2
    assert row[15] == "Umid"
    assert row[16] == "'=Three of five meetings were open."  # the formula guard
    assert row[17] == "2022 survey — http://testserver/en/findings/local-2022/\nMinutes — https://example.org/minutes"
    assert row[18] == "http://testserver/en/plans/nap-2020/activities/1.1/"


def test_the_export_leaves_out_evidence_the_public_may_not_see(client, world):
    from ogmonitor.engagement.factories import EventFactory

    hidden = EventFactory(is_published=False, title_en="Closed meeting")
    shown = EventFactory(is_published=True, title_en="Open hearing")
    AssessmentEvidence.objects.create(assessment=world.guba_11, event=hidden, position=0)
    AssessmentEvidence.objects.create(assessment=world.guba_11, event=shown, position=1)

    sheet = workbook_of(client.get(f"/en/plans/{world.plan.slug}/dashboard.xlsx")).worksheets[0]

    evidence = next(sheet.iter_rows(min_row=2, values_only=True))[17]
    assert "Open hearing — http://testserver/en/" in evidence
    assert "Closed meeting" not in evidence


def test_the_export_in_azerbaijani_keeps_the_irm_names_on_its_columns_sheet(client, world):
    response = client.get(f"/az/plans/{world.plan.slug}/dashboard.xlsx", {"district": "AZ-QBA"})

    workbook = workbook_of(response)
    data, columns = workbook.worksheets[0], workbook.worksheets[1]
    assert [row[2] for row in columns.iter_rows(min_row=2, max_col=3, values_only=True)][:3] == [
        "Commitment Unique Identifier", "Commitment Title", "Country/Locality",
    ]
    assert [row[12] for row in data.iter_rows(min_row=2, values_only=True)] == ["Məhdud", "Tamamlanıb", "Tamamlanıb"]
    assert response["Content-Disposition"].endswith('-az-qba.xlsx"')


def test_older_plans_export_the_irms_potential_impact(client):
    plan = ActionPlanFactory(start_year=2016, end_year=2018)

    sheet = workbook_of(client.get(f"/en/plans/{plan.slug}/dashboard.xlsx")).worksheets[0]

    assert sheet[1][11].value == "Potential Impact"
