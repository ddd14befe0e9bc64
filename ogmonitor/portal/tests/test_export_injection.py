"""Every CSV and XLSX download, fetched through its page, holds no cell a spreadsheet would run.

Texts typed as formulas (starting with =, +, - and @, the CSV-injection payloads) are saved in
every kind of record an export shows: an organisation, a district, an event and its source, a
proposal, a platform and its vote, a project indicator, a disclosure item and publication, an
activity, a study's recommendation, a questionnaire label. Each download is then read back and
every cell checked: text starting with one of those characters must carry the apostrophe of
:mod:`ogmonitor.lib.spreadsheet` (negative numbers stay numbers), and no XLSX cell is a formula.
The XLSForm download is the one exception to the apostrophe: it must read back equal, so such
text is written as a text cell, never a formula.
"""

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from ogmonitor.disclosure.factories import ItemFactory, PeriodFactory, PublicationFactory
from ogmonitor.engagement.factories import (
    DialoguePlatformFactory,
    EventFactory,
    ProposalFactory,
    VoteEventFactory,
)
from ogmonitor.engagement.models import EventSource
from ogmonitor.lib.spreadsheet import FORMULA_STARTS
from ogmonitor.logframe.factories import IndicatorFactory, ManualValueFactory, ProjectFactory
from ogmonitor.places.factories import CommunityFactory, DistrictFactory, MunicipalityFactory
from ogmonitor.plans.factories import ActivityFactory
from ogmonitor.portal import opendata
from ogmonitor.reports.services import request_report
from ogmonitor.reports.tests.conftest import FORMULA_TEXT, ReportStudy
from ogmonitor.surveys.factories import (
    SAMPLE_CHOICES,
    SAMPLE_SETTINGS,
    SAMPLE_SURVEY,
    QuestionnaireFactory,
    make_xlsform,
)

EQUALS = '=HYPERLINK("http://evil.example","klik")'
PLUS = "+994+cmd|' /C calc'!A0"
MINUS = "-2+3+cmd|' /C calc'!A0"
AT = "@SUM(1+1)*cmd|' /C calc'!A0"
PAYLOADS = {EQUALS, PLUS, MINUS, AT, FORMULA_TEXT}
NEUTRALISED = {f"'{payload}" for payload in PAYLOADS}


@pytest.fixture(autouse=True)
def english():
    """Messages are read in English; uploads go to the root conftest's temporary media folder."""
    with translation.override("en"):
        yield


@pytest.fixture
def world(db, ngo_a, administrator, django_capture_on_commit_callbacks):
    """Records whose texts are formulas, in everything the exports show."""
    report_study = ReportStudy(ngo_a)  # its recommendation is FORMULA_TEXT
    study = report_study.study
    plan = study.plan
    district = DistrictFactory(code="AZ-XSS", name_az=AT, name_en=MINUS)
    municipality = MunicipalityFactory(community=CommunityFactory(district=district), name_az=EQUALS, name_en=PLUS)
    ActivityFactory(area=report_study.areas[1], number="1.9", title_az=AT, title_en=EQUALS)

    event = EventFactory(title_az=EQUALS, title_en=PLUS, summary_az=MINUS, summary_en=AT, plan=plan,
                         district=district, date=dt.date(2022, 5, 12))
    event.organizers.add(ngo_a)
    EventSource.objects.create(event=event, url="https://news.example.org/a", title=AT)
    ProposalFactory(addressee=municipality, text_az=MINUS, text_en=EQUALS, event=event)
    platform = DialoguePlatformFactory(name_az=PLUS, name_en=AT, district=district)
    VoteEventFactory(platform=platform, motion_az=EQUALS, motion_en=MINUS, event=event)

    project = ProjectFactory(slug="formula-project", organization=ngo_a, title_az=MINUS, title_en=PLUS)
    ManualValueFactory(indicator=IndicatorFactory(project=project, title_az=EQUALS, title_en=AT),
                       value=Decimal(-4), on=dt.date(2022, 5, 1))

    item = ItemFactory(name_az=EQUALS, name_en=MINUS)
    PeriodFactory(starts_on=dt.date(2022, 3, 1), ends_on=dt.date(2022, 3, 31))
    PublicationFactory(organization=municipality, item=item, published_on=dt.date(2022, 3, 15), title=PLUS)

    # As if typed into text cells of the uploaded form (the factory's openpyxl would write formulas).
    survey = [{key: value for key, value in row.items() if not key.startswith("nap_")} for row in SAMPLE_SURVEY]
    questionnaire = QuestionnaireFactory(study=study, form=make_xlsform(survey, SAMPLE_CHOICES, SAMPLE_SETTINGS))
    questionnaire.questions.filter(name="aware").update(label_az=EQUALS, label_en=PLUS)
    with django_capture_on_commit_callbacks(execute=True):  # the report is built once this commits
        report = request_report(study, "en", "xlsx", administrator)
    report.refresh_from_db()
    return {"study": study, "plan": plan, "municipality": municipality, "project": project,
            "questionnaire": questionnaire, "report": report}


# --- Reading downloads --------------------------------------------------------------------------


def _is_number(text: str) -> bool:
    try:
        float(text.replace(",", "."))
    except ValueError:
        return False
    return True


def csv_cells(content: bytes) -> list[str]:
    text = content.decode("utf-8-sig")
    return [cell for row in csv.reader(io.StringIO(text, newline="")) for cell in row]


def xlsx_cells(content: bytes) -> list:
    """Every cell of every sheet; formulas show up as cells of type "f"."""
    workbook = load_workbook(io.BytesIO(content))
    return [cell for sheet in workbook.worksheets for row in sheet.iter_rows() for cell in row]


def runnable_csv(cells: list[str]) -> list[str]:
    return [cell for cell in cells if cell.startswith(FORMULA_STARTS) and not _is_number(cell)]


def runnable_xlsx(cells: list) -> list[str]:
    return [
        cell.coordinate for cell in cells
        if cell.data_type == "f" or (isinstance(cell.value, str) and cell.value.startswith(FORMULA_STARTS))
    ]


def download(client, url: str) -> bytes:
    response = client.get(url)
    assert response.status_code == 200, url
    assert response["Content-Disposition"].startswith("attachment")
    return b"".join(response.streaming_content) if response.streaming else response.content


# --- The downloads ------------------------------------------------------------------------------

#: name → (URL for the world, format).
EXPORTS = {
    "chronology CSV": (lambda w: reverse("engagement:chronology_export", args=["csv"]), "csv"),
    "chronology XLSX": (lambda w: reverse("engagement:chronology_export", args=["xlsx"]), "xlsx"),
    "chronology of a plan XLSX": (
        lambda w: reverse("engagement:chronology_plan_export", args=[w["plan"].slug, "xlsx"]), "xlsx"),
    "proposals to an authority XLSX": (
        lambda w: reverse("engagement:proposals_xlsx", args=[w["municipality"].slug]), "xlsx"),
    "project progress XLSX": (lambda w: reverse("logframe:export_xlsx", args=[w["project"].slug]), "xlsx"),
    "transparency ranking XLSX": (lambda w: reverse("disclosure:ranking_xlsx"), "xlsx"),
    "organisation checklist XLSX": (
        lambda w: reverse("disclosure:organization_xlsx", args=[w["municipality"].slug]), "xlsx"),
    "audit log CSV": (lambda w: reverse("audit:export", args=["csv"]), "csv"),
    "audit log XLSX": (lambda w: reverse("audit:export", args=["xlsx"]), "xlsx"),
    "report annex XLSX": (lambda w: reverse("reports:download", args=[w["study"].slug, w["report"].pk]), "xlsx"),
}


def test_no_export_holds_a_cell_a_spreadsheet_would_run(client, client_for, administrator, world):
    """One pass over every download (the world is costly to build): all failures are listed at once."""
    staff = client_for(administrator)
    runnable, reached = {}, {}
    downloads = [(name, staff, build_url(world), fmt) for name, (build_url, fmt) in EXPORTS.items()] + [
        (f"open data: {slug}", client, reverse("portal:dataset_csv", args=[slug]), "csv") for slug in opendata.REGISTRY
    ]
    for name, user_client, url, fmt in downloads:
        content = download(user_client, url)
        if fmt == "csv":
            cells = csv_cells(content)
            runnable[name], reached[name] = runnable_csv(cells), NEUTRALISED & set(cells)
        else:
            cells = xlsx_cells(content)
            runnable[name], reached[name] = runnable_xlsx(cells), NEUTRALISED & {cell.value for cell in cells}

    assert {name: cells for name, cells in runnable.items() if cells} == {}
    # Each export (and the open data as a whole) met formula text, or the test would prove nothing.
    assert [name for name in EXPORTS if not reached[name]] == []
    assert set().union(*(found for name, found in reached.items() if name.startswith("open data"))) >= {
        f"'{payload}" for payload in (EQUALS, PLUS, MINUS, AT)
    }


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_plan_templates_hold_no_cell_a_spreadsheet_would_run(client, fmt):
    content = download(client, reverse("plans:import_template", args=[fmt]))
    if fmt == "csv":
        assert runnable_csv(csv_cells(content)) == []
    else:
        assert runnable_xlsx(xlsx_cells(content)) == []


def test_the_xlsform_download_keeps_formula_text_as_text_that_reads_back_equal(client_for, administrator, world):
    questionnaire = world["questionnaire"]
    url = reverse("surveys:questionnaire_xlsform", args=[questionnaire.study.slug, questionnaire.version])
    cells = xlsx_cells(download(client_for(administrator), url))

    assert [cell.coordinate for cell in cells if cell.data_type == "f"] == []
    labels = {cell.value: cell.data_type for cell in cells if cell.value in {EQUALS, PLUS}}
    assert labels == {EQUALS: "s", PLUS: "s"}
