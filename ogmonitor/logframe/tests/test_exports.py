"""The progress workbook and the one-page brief, read back the way their readers meet them:
the workbook with openpyxl, the PDF as text extracted by poppler's pdftotext."""

import io
import shutil
import subprocess

import pytest
from openpyxl import load_workbook

from ogmonitor.engagement.models import Event
from ogmonitor.logframe import exports
from ogmonitor.logframe.factories import (
    ExpectedResultFactory,
    IndicatorFactory,
    ManualValueFactory,
    ObjectiveFactory,
    ProjectActivityFactory,
)
from ogmonitor.logframe.models import Indicator
from ogmonitor.logframe.progress import project_progress

from .conftest import TODAY, held

pytestmark = pytest.mark.django_db

needs_poppler = pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils is not installed")


def pdf_text(pdf: bytes) -> str:
    done = subprocess.run(["pdftotext", "-enc", "UTF-8", "-", "-"], input=pdf, capture_output=True, check=True)
    return " ".join(done.stdout.decode("utf-8").split())


def pdf_pages(pdf: bytes) -> int:
    done = subprocess.run(["pdfinfo", "-"], input=pdf, capture_output=True, check=True)
    line = next(line for line in done.stdout.decode().splitlines() if line.startswith("Pages:"))
    return int(line.split()[1])


@pytest.fixture
def logframe(project, consultations, municipality, other_municipality):
    project.title_az = "Yerli hökumət və özünüidarəetmə orqanlarına dəstək"
    project.save()
    objective = ObjectiveFactory(project=project, code="2", title_en="Inform communities", title_az="İcmaları məlumatlandırmaq")
    activity = ProjectActivityFactory(project=project, objective=objective, code="2.1",
                                      title_en="Practical consultations", title_az="Praktik məsləhətlər")
    result = ExpectedResultFactory(activity=activity)
    consultations.activity, consultations.result = activity, result
    consultations.title_az = "Şabran və Xaçmazda keçirilən məsləhət görüşləri"
    consultations.save()
    study = IndicatorFactory(project=project, activity=activity, code="1.1", title_en="Study in 12 communities",
                             target_kind=Indicator.TargetKind.MILESTONE, target=None)
    ManualValueFactory(indicator=study, value=1)
    IndicatorFactory(project=project, activity=activity, code="2.1b", title_en="People with better knowledge",
                     target_kind="range", target=200, target_max=300, source=Indicator.Source.PEOPLE_REACHED,
                     event_type=Event.Type.CONSULTATION)
    for _index in range(3):
        held(project, municipality)
    held(project, other_municipality)
    return project


def test_the_workbook_has_a_row_per_indicator_with_every_column_and_a_sheet_per_grid(logframe, municipality):
    workbook = load_workbook(io.BytesIO(exports.progress_workbook(project_progress(logframe, TODAY))))

    assert workbook.sheetnames == ["Progress", "Grid 2.1"]
    sheet = workbook["Progress"]
    rows = list(sheet.iter_rows(values_only=True))
    header_index = next(index for index, row in enumerate(rows) if row[0] == "Objective")
    header = rows[header_index]
    assert header[:5] == ("Objective", "Activity", "Expected result", "Code", "Indicator")
    assert "Status" in header and "Where the value comes from" in header
    by_code = {row[3]: dict(zip(header, row, strict=True)) for row in rows[header_index + 1:]}
    assert set(by_code) == {"2.1", "1.1", "2.1b"}
    consultations = by_code["2.1"]
    assert consultations["Actual"] == 3 and consultations["Target"] == "≥ 4"
    assert consultations["% of target"] == 75.0 and consultations["Status"] == "behind"
    assert consultations["Activity"] == "2.1 Practical consultations"
    assert "4 events of type “practical consultation”" in consultations["Where the value comes from"]
    assert by_code["1.1"]["Met"] == "yes" and by_code["1.1"]["Target"] == "yes"
    assert by_code["2.1b"]["Target"] == "200–300" and by_code["2.1b"]["Actual"] == 0

    grid = list(workbook["Grid 2.1"].iter_rows(values_only=True))
    assert (municipality.name, 3, 2, "met") in grid
    assert grid[-1] == ("Total", 4, 3, None)


def test_the_workbook_is_downloaded_from_the_project_page(client, logframe):
    response = client.get(f"/en/projects/{logframe.slug}/progress.xlsx")
    assert response.status_code == 200
    assert response["Content-Type"] == exports.XLSX_TYPE
    assert load_workbook(io.BytesIO(response.content))["Progress"]["A1"].value == "Support to local government"


def test_text_that_looks_like_a_formula_is_not_a_formula_in_the_workbook(logframe):
    IndicatorFactory(project=logframe, code="X", title_en="=HYPERLINK(\"http://evil\")")
    workbook = load_workbook(io.BytesIO(exports.progress_workbook(project_progress(logframe, TODAY))))
    titles = [row[4] for row in workbook["Progress"].iter_rows(values_only=True)]
    assert "'=HYPERLINK(\"http://evil\")" in titles


@needs_poppler
def test_the_brief_is_one_page_in_english_with_the_key_figures(logframe):
    pdf = exports.progress_brief(logframe, "en", TODAY)

    assert pdf.startswith(b"%PDF")
    assert pdf_pages(pdf) == 1
    text = pdf_text(pdf)
    assert "Support to local government" in text
    assert "Implementing organisation: Umid" in text
    assert "indicators met" in text and "events held" in text and "people reached" in text
    compact = text.replace(" ", "")
    assert "1/3" in compact  # indicators met, of all
    assert "Studyin12communities" in compact and "200–300" in compact and "≥4" in compact


@needs_poppler
def test_the_brief_in_azerbaijani_keeps_its_letters(logframe):
    text = pdf_text(exports.progress_brief(logframe, "az", TODAY))
    assert "Yerli hökumət və özünüidarəetmə orqanlarına dəstək" in text
    assert "Şabran və Xaçmazda keçirilən məsləhət görüşləri" in text
    assert "2 Mart 2022" in text


@needs_poppler
def test_a_long_logframe_still_fits_on_one_page(logframe):
    for number in range(30):
        IndicatorFactory(project=logframe, code=f"L{number}", title_en="A long indicator title " * 4)
    assert pdf_pages(exports.progress_brief(logframe, "en", TODAY)) == 1


@needs_poppler
def test_the_brief_is_served_in_the_pages_language(client, logframe):
    response = client.get(f"/az/projects/{logframe.slug}/brief.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert "Yerli hökumət" in pdf_text(response.content)
