"""Building study reports: the four formats read back, the background job, the command.

The PDF is checked the way a reader would meet it: its text extracted by poppler's pdftotext
(Azerbaijani letters intact) and its first page rendered to a PNG by pdftoppm, kept under
test-output/reports/ for a human to look at.
"""

import io
import re
import shutil
import subprocess
import zipfile

import pytest
from django.core.management import CommandError, call_command
from docx import Document
from openpyxl import load_workbook

from ogmonitor.lib.spreadsheet import neutralise, sheet_name
from ogmonitor.reports import renderers
from ogmonitor.reports.content import report_content
from ogmonitor.reports.models import Report
from ogmonitor.reports.services import build_report, render_report, request_report
from ogmonitor.reports.tasks import build_report_task

from .conftest import AREA_TITLES, FORMULA_TEXT, INDICATOR_TITLE_AZ, INDICATOR_TITLE_EN

needs_poppler = pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils is not installed")


def _pdftotext(pdf: bytes) -> str:
    done = subprocess.run(["pdftotext", "-enc", "UTF-8", "-", "-"], input=pdf, capture_output=True, check=True)
    return done.stdout.decode("utf-8")


# --- What the report says --------------------------------------------------------------------


def test_content_has_every_section_in_the_requested_language(report_study):
    content = report_content(report_study.study, "az")
    assert content.title == "Yerli monitorinq: Quba və Şabran (2022)"
    assert [section.key for section in content.sections] == ["area-1", "area-2"]
    assert content.sections[0].title == f"1. {AREA_TITLES[1][0]}"
    assert [row.code for row in content.indicator_rows()] == ["aware", "eservices", "reports"]
    # "reports" has no area of its own: it sits in its activity's area (2.1 → area 2).
    assert content.sections[1].indicators[1].activity == "2.1"
    aware = content.indicator_rows()[0]
    assert (aware.figure.numerator, aware.figure.denominator) == (9, 36)
    assert aware.figure.text == "25,0%"  # Azerbaijani decimal comma
    assert aware.previous.text == "25,0%" and aware.change_text == "±0,0 f.b."
    assert content.sections[0].findings == ["Respondentlərin 25,0%-i (36 nəfərdən 9 nəfər) Milli Fəaliyyət Planından xəbərdardır."]
    assert content.method.respondents.total == 36
    assert content.method.respondents.genders == ["qadın", "kişi"]
    assert sum(content.method.respondents.totals) == 36
    assert content.method.districts == ["Quba", "Şabran"]
    assert [item.activities for item in content.recommendations] == ["2.1", ""]
    assert content.recommendations[1].text == FORMULA_TEXT
    assert content.comparison is not None and [row.code for row in content.comparison.rows] == ["aware"]

    english = report_content(report_study.study, "en")
    assert english.title == "Local monitoring: Guba and Shabran (2022)"
    assert english.indicator_rows()[0].title == INDICATOR_TITLE_EN
    assert english.indicator_rows()[0].figure.text == "25.0%"
    assert english.headings.summary == "Summary"


def test_small_cells_are_hidden_because_a_report_is_public(report_study):
    content = report_content(report_study.study, "en")
    by_community = {breakdown.dimension: breakdown for breakdown in content.indicator_rows()[0].breakdowns}["community"]
    cells = {row.label: row.figure for row in by_community.rows}
    assert cells["Shahnabad"].suppressed and cells["Shahnabad"].text == "hidden"
    assert cells["Shahnabad"].numerator is None and cells["Shahnabad"].denominator is None
    # Hiding one cell alone would let it be worked out from the total: the next smallest goes too.
    assert sum(figure.suppressed for figure in cells.values()) == 2
    snapshot_cells = {
        cell["group"]: cell for cell in content.snapshot["indicators"][0]["breakdowns"]["community"]
    }
    assert snapshot_cells["Shahnabad"]["numerator"] is None


def test_the_snapshot_is_json_and_holds_the_figures(report_study):
    import json

    content = report_content(report_study.study, "az")
    snapshot = json.loads(json.dumps(content.snapshot))
    assert snapshot["study"] == report_study.study.slug
    assert snapshot["respondents"]["total"] == 36
    assert snapshot["indicators"][0]["overall"]["numerator"] == 9
    assert snapshot["computation"]["submissions"] == 36


def test_content_queries_do_not_grow_with_the_respondents(report_study, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as before:
        report_content(report_study.study, "az")
    from ogmonitor.findings.services import compute_study

    for _ in range(3):  # 3 × 36 more respondents, spread over the same communities
        add_respondents(report_study)
    compute_study(report_study.study)
    with django_assert_max_num_queries(len(before)):
        content = report_content(report_study.study, "az")
    assert content.method.respondents.total == 4 * 36


def add_respondents(report_study):
    """Another 36 respondents like the first ones (same communities, categories, answers)."""
    from ogmonitor.surveys.factories import RespondentFactory, SubmissionFactory
    from ogmonitor.surveys.models import Answer

    from .conftest import _codes

    questions = {q.name: q for q in report_study.questionnaire.questions.exclude(name="")}
    choices = {c.name: c for c in report_study.questionnaire.choices.all()}
    answers = []
    for index in range(36):
        respondent = RespondentFactory(
            study=report_study.study, code=f"RM{next(_codes):05d}", community=report_study.communities[index % 2],
            category=report_study.categories[index % 2], gender="woman" if index % 3 == 0 else "man",
        )
        submission = SubmissionFactory(questionnaire=report_study.questionnaire, respondent=respondent)
        for name in ("aware", "eservices", "reports"):
            answers.append(Answer(submission=submission, question=questions[name], choice=choices["yes" if index % 2 else "no"]))
    Answer.objects.bulk_create(answers)


# --- The four formats ----------------------------------------------------------------------------


@needs_poppler
def test_the_azerbaijani_pdf_keeps_its_letters_and_page_one_can_be_looked_at(report_study, test_output_dir):
    pdf = render_report(report_study.study, "az", "pdf")
    assert pdf.startswith(b"%PDF-")
    text = _pdftotext(pdf)
    for letter in ("ə", "ş", "ğ", "Ş", "İ"):
        assert letter in text, letter
    assert INDICATOR_TITLE_AZ in " ".join(text.split())
    assert AREA_TITLES[2][0] in " ".join(text.split())
    assert "25,0%" in text
    pages = int(subprocess.run(["pdfinfo", "-"], input=pdf, capture_output=True, check=True, text=False)
                .stdout.decode().split("Pages:")[1].split()[0])
    assert re.search(rf"\b1\s*/\s*{pages}\b", text) and re.search(rf"\b{pages}\s*/\s*{pages}\b", text)  # page numbers

    folder = test_output_dir / "reports"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "report-az.pdf").write_bytes(pdf)
    target = folder / "report-az-page1.png"
    target.unlink(missing_ok=True)
    subprocess.run(
        ["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", "-singlefile", "-", str(folder / "report-az-page1")],
        input=pdf, check=True, capture_output=True,
    )
    assert target.exists()
    png = target.read_bytes()
    assert png.startswith(b"\x89PNG")
    assert len(png) > 15_000  # a page of text, not a blank sheet
    width, height = int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
    assert abs(width - 496) <= 1 and abs(height - 702) <= 1  # A4 at 60 dpi


def test_the_azerbaijani_docx_reads_back_with_its_headings_and_findings(report_study):
    data = render_report(report_study.study, "az", "docx")
    document = Document(io.BytesIO(data))
    headings = [p.text for p in document.paragraphs if p.style.name.startswith(("Heading", "Title"))]
    assert headings[0] == "Yerli monitorinq: Quba və Şabran (2022)"
    content = report_content(report_study.study, "az")
    for heading in (content.headings.summary, content.headings.method, content.headings.findings,
                    content.headings.comparison, content.headings.recommendations, f"1. {AREA_TITLES[1][0]}"):
        assert heading in headings
    paragraphs = [p.text for p in document.paragraphs]
    assert "Respondentlərin 25,0%-i (36 nəfərdən 9 nəfər) Milli Fəaliyyət Planından xəbərdardır." in paragraphs
    cells = {cell.text for table in document.tables for row in table.rows for cell in row.cells}
    assert INDICATOR_TITLE_AZ in cells and "9 / 36" in cells
    assert len(document.inline_shapes) == 2  # one chart per NAP area
    assert document.core_properties.language == "az-Latn-AZ"


def test_the_xlsx_annex_has_every_table_and_no_formula_from_user_text(report_study):
    data = render_report(report_study.study, "az", "xlsx")
    workbook = load_workbook(io.BytesIO(data))
    content = report_content(report_study.study, "az")
    h = content.headings
    names = set()
    expected = [sheet_name(name, names) for name in (h.findings, "aware", "eservices", "reports", h.respondents,
                                                      h.comparison, h.recommendations, h.definitions)]
    assert workbook.sheetnames == expected
    aware = workbook["aware"]
    assert aware["A1"].value == INDICATOR_TITLE_AZ
    values = [[cell.value for cell in row] for row in aware.iter_rows()]
    assert [h.total, 25.0, 9, 36] == values[4][:4]
    assert ["Qəçrəş", 29.41, 5, 17] in [row[:4] for row in values]
    assert ["Şahnabad", None, None, None] in [row[:4] for row in values]  # hidden, as in the report
    recommendations = workbook[expected[6]]
    texts = [row[1].value for row in recommendations.iter_rows(min_row=2)]
    assert "'" + FORMULA_TEXT in texts
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
    # The raw XML holds no <f> (formula) element at all.
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/"):
                assert b"<f>" not in archive.read(name)


@pytest.mark.parametrize("text, expected", [
    ("=1+1", "'=1+1"), ("+1", "'+1"), ("-2", "'-2"), ("@SUM(A1)", "'@SUM(A1)"), ("\t=1", "'\t=1"),
    ("Bəli", "Bəli"), ("−4,0 pp", "−4,0 pp"), (12, 12), (None, None),
])
def test_text_a_spreadsheet_would_run_is_neutralised(text, expected):
    assert neutralise(text) == expected


def test_the_html_is_one_file_with_every_section(report_study):
    html = render_report(report_study.study, "az", "html").decode("utf-8")
    assert html.startswith("<!doctype html>") and '<html lang="az"' in html
    for anchor in ('id="summary"', 'id="method"', 'id="findings"', 'id="area-1"', 'id="area-2"',
                   'id="comparison"', 'id="recommendations"', 'id="breakdowns"'):
        assert anchor in html
    assert html.count('src="data:image/png;base64,') == 2
    assert "<link" not in html and "http://" not in html.replace("http://example.org", "")
    assert INDICATOR_TITLE_AZ in html
    assert "Respondentlərin 25,0%-i" in html


@needs_poppler
def test_the_four_formats_say_the_same_thing(report_study):
    """The headline figure and a finding appear in each format, as content.py put them."""
    finding = "Respondentlərin 25,0%-i (36 nəfərdən 9 nəfər)"
    pdf_text = " ".join(_pdftotext(render_report(report_study.study, "az", "pdf")).split())
    docx = Document(io.BytesIO(render_report(report_study.study, "az", "docx")))
    docx_text = "\n".join(p.text for p in docx.paragraphs)
    html = render_report(report_study.study, "az", "html").decode("utf-8")
    workbook = load_workbook(io.BytesIO(render_report(report_study.study, "az", "xlsx")))
    xlsx_text = [cell.value for row in workbook["aware"].iter_rows() for cell in row]
    for text in (pdf_text, docx_text, html):
        assert finding in text
        assert "25,0%" in text
    assert "25,0%" in xlsx_text


def test_an_unknown_format_or_language_is_refused(report_study):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        render_report(report_study.study, "az", "odt")
    with pytest.raises(ValidationError):
        render_report(report_study.study, "fr", "pdf")
    with pytest.raises(ValueError):
        renderers.render(report_content(report_study.study, "az"), "odt")


def test_a_study_without_indicators_still_gets_a_report(db, ngo_a):
    from ogmonitor.surveys.factories import StudyFactory

    study = StudyFactory(organization=ngo_a)
    content = report_content(study, "en")
    assert content.sections == [] and content.comparison is None and content.recommendations == []
    html = render_report(study, "en", "html").decode("utf-8")
    assert content.headings.no_findings in html and content.headings.no_comparison in html
    assert Document(io.BytesIO(render_report(study, "en", "docx"))).paragraphs
    assert load_workbook(io.BytesIO(render_report(study, "en", "xlsx"))).sheetnames


# --- The background job ----------------------------------------------------------------------------


def test_a_requested_report_is_built_after_commit_and_stored_as_a_version(
    report_study, coordinator, django_capture_on_commit_callbacks, settings
):
    study = report_study.study
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        report = request_report(study, "az", "docx", coordinator)
    assert len([c for c in callbacks if c.__module__ != "ogmonitor.lib.cache"]) == 1  # the build (cache bumps aside)
    report.refresh_from_db()
    assert (report.version, report.status, report.progress) == (1, Report.Status.DONE, 100)
    assert report.file.name == f"reports/{study.slug}/1.docx"
    assert (settings.MEDIA_ROOT / "reports" / study.slug / "1.docx").exists()
    assert report.snapshot["indicators"][0]["overall"]["numerator"] == 9
    assert report.created_by == coordinator and report.finished_at and report.error == ""
    Document(report.file.path)  # a real Word file

    with django_capture_on_commit_callbacks(execute=True):
        second = request_report(study, "en", "xlsx", coordinator)
    second.refresh_from_db()
    assert (second.version, second.status) == (2, Report.Status.DONE)
    assert second.file.name == f"reports/{study.slug}/2.xlsx"
    assert report_study.previous.reports.count() == 0


def test_nothing_is_built_before_the_transaction_commits(report_study, coordinator, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        report = request_report(report_study.study, "az", "pdf", coordinator)
    report.refresh_from_db()
    assert (report.status, report.progress, report.file.name) == (Report.Status.QUEUED, 0, "")


def test_the_task_builds_once_and_skips_a_report_already_built(report_study, coordinator, monkeypatch):
    report = Report.objects.create(study=report_study.study, version=1, language="en", format="html")
    assert build_report_task(report.pk) == Report.Status.DONE
    report.refresh_from_db()
    built_at, name = report.finished_at, report.file.name

    def fail(*args, **kwargs):
        raise AssertionError("rendered twice")

    monkeypatch.setattr(renderers, "render", fail)
    assert build_report_task(report.pk) == "skipped"
    assert build_report_task(999_999) == "skipped"
    report.refresh_from_db()
    assert (report.finished_at, report.file.name) == (built_at, name)


def test_progress_rises_and_a_failure_is_recorded(report_study, monkeypatch):
    report = Report.objects.create(study=report_study.study, version=1, language="az", format="pdf")
    seen = []

    def broken(content, format, progress=None):
        progress(55)
        seen.append(Report.objects.get(pk=report.pk).progress)
        raise RuntimeError("WeasyPrint ran out of paper")

    monkeypatch.setattr(renderers, "render", broken)
    build_report(report)
    report.refresh_from_db()
    assert seen == [55]
    assert report.status == Report.Status.FAILED
    assert report.error == "RuntimeError: WeasyPrint ran out of paper"
    assert not report.file

    monkeypatch.undo()
    build_report(report)  # a failed report can be built again
    report.refresh_from_db()
    assert (report.status, report.progress, report.error) == (Report.Status.DONE, 100, "")


def test_a_database_error_is_retried_by_a_worker_while_retries_are_left(report_study, monkeypatch):
    from django.db import OperationalError

    report = Report.objects.create(study=report_study.study, version=1, language="en", format="html")

    def database_gone(content, format, progress=None):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(renderers, "render", database_gone)
    monkeypatch.setitem(build_report_task.app.conf, "task_always_eager", False)  # as in a worker
    build_report_task.push_request(retries=0)
    try:
        with pytest.raises(OperationalError):
            build_report_task.run(report.pk)
    finally:
        build_report_task.pop_request()
    report.refresh_from_db()
    assert report.status == Report.Status.RUNNING  # claimed again by the retry

    build_report_task.push_request(retries=build_report_task.max_retries)  # the last attempt
    try:
        assert build_report_task.run(report.pk) == Report.Status.FAILED
    finally:
        build_report_task.pop_request()
    report.refresh_from_db()
    assert report.error == "OperationalError: server closed the connection unexpectedly"

    monkeypatch.undo()
    assert build_report_task.run(report.pk) == Report.Status.DONE


# --- The command ------------------------------------------------------------------------------------


def test_the_command_writes_the_report_to_the_given_path(report_study, tmp_path, capsys):
    target = tmp_path / "out" / "report.docx"
    call_command("build_report", report_study.study.slug, "--lang", "az", "--format", "docx", "--output", str(target))
    assert Document(str(target)).paragraphs[0].text == "Yerli monitorinq: Quba və Şabran (2022)"
    printed = capsys.readouterr().out
    assert str(target) in printed and "bytes" in printed
    assert Report.objects.count() == 0  # the command stores no version


def test_the_command_says_when_the_study_does_not_exist(db, tmp_path):
    with pytest.raises(CommandError, match="No study"):
        call_command("build_report", "nowhere", "--output", str(tmp_path / "x.pdf"))
