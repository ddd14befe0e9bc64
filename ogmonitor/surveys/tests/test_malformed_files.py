"""Malformed response files and XLSForms posted through the real pages: each refused with a
located message, never a server error, and nothing written.

Hypothesis breaks valid files — a Kobo export (CSV or XLSX) for the response import, the
factories' SAMPLE_FORM for the questionnaire upload — in the ways real files go wrong, and a
coordinator posts each one: the response file through upload → mapping → dry run → import, the
XLSForm through the upload page. Every answer, submission and questionnaire is counted before
and after.
"""

import copy

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from hypothesis import event, given, settings
from hypothesis import strategies as st

from ogmonitor.lib.tests import malformed
from ogmonitor.plans.factories import ActivityFactory, AreaFactory
from ogmonitor.surveys.factories import (
    SAMPLE_CHOICES,
    SAMPLE_FORM,
    SAMPLE_SETTINGS,
    SAMPLE_SURVEY,
    QuestionnaireFactory,
    StudyFactory,
    make_xlsform,
)
from ogmonitor.surveys.models import (
    Answer,
    Choice,
    ImportBatch,
    Question,
    Questionnaire,
    Respondent,
    Submission,
)
from ogmonitor.surveys.xlsform import _OTHER_XLSFORM_TYPES, _TYPE_ALIASES, METADATA_TYPES

from .test_importing import KOBO_HEADERS, csv_bytes, kobo_rows, make_communities, xlsx_bytes

Status = ImportBatch.Status
CONSONANTS = "bcçdfgğhjkqlmnprsştvxzw"
LETTERS = "abcçdeəfgğhxıijkqlmnoöprsştuüvyz"


@pytest.fixture(autouse=True)
def english():
    """Messages are read in English; uploads go to the root conftest's temporary media folder."""
    with translation.override("en"):
        yield


@pytest.fixture
def study(db, ngo_a):
    study = StudyFactory(organization=ngo_a, communities=make_communities())
    ActivityFactory(area=AreaFactory(plan=study.plan, number=1), number="1.1")
    return study


def url(name: str, *args) -> str:
    return reverse(f"surveys:{name}", args=args)


def written() -> tuple[int, ...]:
    return (Submission.objects.count(), Answer.objects.count(), Respondent.objects.count(),
            Questionnaire.objects.count(), Question.objects.count(), Choice.objects.count())


def assert_located(problems: list[dict], filename: str, expect: dict) -> None:
    """Every problem names the file; the expected one is on its row and in its column."""
    assert problems, "a malformed file was accepted"
    assert all(problem["location"].startswith(filename) for problem in problems), problems
    if "row" in expect:
        assert any(problem["row"] == expect["row"] for problem in problems), problems
    if "header" in expect:
        assert any(problem["header"] == expect["header"] for problem in problems), problems


def assert_form_refused(response, filename: str) -> None:
    errors = response.context["form"].errors.get("file")
    assert errors and all(filename in message for message in errors), response.context["form"].errors


# --- Response files ---------------------------------------------------------------------------

#: Values each column refuses (choices, numbers, constraints, dates, ids, times).
BAD_ANSWERS = {
    "aware": st.text(alphabet=CONSONANTS, min_size=1, max_size=8),
    "details/heard_from": st.text(alphabet=CONSONANTS, min_size=2, max_size=8).map(lambda word: f"ngo {word}"),
    "details/meetings": st.one_of(st.text(alphabet=LETTERS, min_size=1, max_size=8),
                                  st.integers(min_value=51, max_value=10**6).map(str), st.just("2.5")),
    "satisfaction": st.one_of(st.text(alphabet=LETTERS, min_size=1, max_size=8),
                              st.integers(min_value=11, max_value=10**6).map(str)),
    "interview_date": st.sampled_from(["2024-02-30", "31.13.2024", "dünən", "2024/13/01", "5 mart"]),
    "meta/instanceID": st.text(alphabet=LETTERS, min_size=1, max_size=12).map(lambda text: f"uuid:{text}"),
    "_submission_time": st.sampled_from(["dünən", "2024-13-05T10:00:00", "25:61"]),
}


@st.composite
def bad_answer(draw):
    """A Kobo export valid but for one cell: its problem is on that cell's row and column."""
    rows = kobo_rows(draw(st.integers(min_value=2, max_value=6)))
    row = draw(st.integers(min_value=1, max_value=len(rows) - 1))
    column = draw(st.sampled_from(sorted(BAD_ANSWERS)))
    event(column)
    rows[row][KOBO_HEADERS.index("aware")] = "yes"  # its details are then asked for
    rows[row][KOBO_HEADERS.index("details/heard_from")] = "ngo"
    rows[row][KOBO_HEADERS.index(column)] = draw(BAD_ANSWERS[column])
    if draw(st.booleans()):
        return "kobo.csv", csv_bytes(rows), {"row": row + 1, "header": column}
    return "kobo.xlsx", xlsx_bytes(rows), {"row": row + 1, "header": column}


@st.composite
def stray_value(draw):
    """A value under no header: past the last column, or under a blank header cell."""
    rows = kobo_rows(draw(st.integers(min_value=2, max_value=5)))
    row = draw(st.integers(min_value=1, max_value=len(rows) - 1))
    if draw(st.booleans()):
        rows[row] += ["", draw(st.text(alphabet=LETTERS, min_size=1, max_size=6))]
    else:
        rows[0][KOBO_HEADERS.index("_index")] = ""
    return "kobo.csv", csv_bytes(rows), {"row": row + 1}


VALID_KOBO_XLSX = xlsx_bytes(kobo_rows(4))


@st.composite
def unreadable_response_file(draw, kind: str):
    if kind == "noise":
        return draw(st.sampled_from(["kobo.csv", "kobo.xlsx", "kobo.txt"])), draw(malformed.noise()), {"form": True}
    if kind == "nul":
        return "kobo.csv", draw(malformed.with_nul(csv_bytes(kobo_rows(3)))), {"form": True}
    if kind == "encoding":  # "Çox yaxşı" in row 2, saved as Windows-1254 instead of UTF-8
        return "kobo.csv", csv_bytes(kobo_rows(3)).decode().encode("cp1254"), {"row": 2}
    if kind == "cut":
        return "kobo.xlsx", draw(malformed.truncated_zip(VALID_KOBO_XLSX)), {"form": True}
    if kind == "damaged":
        return "kobo.xlsx", draw(malformed.damaged_member(VALID_KOBO_XLSX)), {"form": True}
    if kind == "sheet_xml":
        return "kobo.xlsx", draw(malformed.broken_sheet_xml(VALID_KOBO_XLSX)), {}
    rows = kobo_rows(3)
    shape, expect = draw(st.sampled_from([
        ({"blank_rows": 1}, {"row": 1}), ({"blank_rows": 2}, {"row": 1}), ({"first_sheet_empty": True}, {}),
        ({"merge_header": (3, 4)}, {"row": 2}), ({"merge_header": (5, 7)}, {"row": 2}),
    ]))
    return "kobo.xlsx", malformed.workbook_bytes(rows, **shape), expect


def post_response_file(client, study, questionnaire, filename: str, content: bytes) -> list[dict] | None:
    """Take the file through every import page, accepting what the pages propose; return the
    problems the batch ended with (None when the upload form refused the file)."""
    before = ImportBatch.objects.count()
    response = client.post(url("import_upload", study.slug), {
        "file": SimpleUploadedFile(filename, content), "questionnaire": questionnaire.pk,
    })
    if response.status_code == 200 and ImportBatch.objects.count() == before:
        assert_form_refused(response, filename)
        return None
    batch = ImportBatch.objects.latest("pk")
    if batch.status == Status.FAILED:
        assert response.status_code == 200
        assert batch.problems[0]["location"] in response.content.decode()
        return batch.problems
    assert response.status_code == 302
    page = client.get(url("import_mapping", study.slug, batch.pk))
    assert page.status_code == 200
    # As proposed; each value no choice matched left as a problem (the form's default).
    data = {name: field.initial for name, field in page.context["form"].fields.items()}
    response = client.post(url("import_mapping", study.slug, batch.pk), data)
    assert response.status_code == 302, response.context["form"].errors
    check = client.get(url("import_check", study.slug, batch.pk))
    assert check.status_code == 200
    batch.refresh_from_db()
    assert batch.status == Status.MAPPED, "a malformed file passed the dry run"
    assert batch.problems[0]["location"] in check.content.decode()
    assert client.post(url("import_commit", study.slug, batch.pk)).status_code == 302
    batch.refresh_from_db()
    assert batch.status == Status.MAPPED  # the import refused to start
    return batch.problems


RESPONSE_CASES = {
    "a bad answer": bad_answer(),
    "a value under no header": stray_value(),
    **{name: unreadable_response_file(kind) for name, kind in [
        ("noise", "noise"), ("a NUL", "nul"), ("Windows-1254", "encoding"), ("a cut workbook", "cut"),
        ("a damaged workbook", "damaged"), ("broken sheet XML", "sheet_xml"),
        ("empty, blank or merged header rows", "shape"),
    ]},
}


@pytest.mark.parametrize("kind", RESPONSE_CASES)
@settings(malformed.VIEW_SETTINGS, max_examples=25)  # a bad answer has seven columns to go wrong in
@given(data=st.data())
def test_every_malformed_response_file_is_refused_with_its_location_and_nothing_written(
    client_for, coordinator, study, kind, data
):
    questionnaire = Questionnaire.objects.filter(study=study).first() or QuestionnaireFactory(study=study)
    filename, content, expect = data.draw(RESPONSE_CASES[kind], label=kind)
    before = written()

    problems = post_response_file(client_for(coordinator), study, questionnaire, filename, content)

    if problems is None:
        assert not expect or expect.get("form"), f"expected the dry run to locate {expect}"
    else:
        assert_located(problems, filename, expect)
    assert written() == before


# --- XLSForms ---------------------------------------------------------------------------------

KNOWN_TYPES = set(_TYPE_ALIASES) | _OTHER_XLSFORM_TYPES | METADATA_TYPES
#: Rows of SAMPLE_SURVEY that are questions (not a group's begin or end).
QUESTION_ROWS = [index for index, row in enumerate(SAMPLE_SURVEY) if "group" not in row["type"]]
BAD_EXPRESSIONS = [
    "${nothing} = 'yes'", "${aware} = = 'yes'", "((", "selected(${aware}", "${aware} = 'yes' and", "'", "${",
    "foo(1)", ". >", "${aware} === 'yes'",
]


def survey_table(records: list[dict]) -> list[list]:
    headers: list[str] = []
    for record in records:
        headers += [key for key in record if key not in headers]
    return [headers] + [[record.get(header) for header in headers] for record in records]


@st.composite
def broken_survey(draw, kind: str):
    """SAMPLE_FORM with one thing wrong in its survey or choices sheet, and where it is."""
    survey, choices = copy.deepcopy(SAMPLE_SURVEY), copy.deepcopy(SAMPLE_CHOICES)
    index = draw(st.sampled_from(QUESTION_ROWS))
    expect = {"sheet": "survey", "row": index + 2}
    if kind == "duplicate":
        other = draw(st.sampled_from([row for row in QUESTION_ROWS if row != index]))
        survey[index]["name"] = survey[other]["name"]
        expect["row"] = max(index, other) + 2
    elif kind == "type":
        survey[index]["type"] = draw(st.text(alphabet=LETTERS, min_size=2, max_size=10).filter(
            lambda word: word not in KNOWN_TYPES))
        expect["header"] = "type"
    elif kind == "list":
        index = draw(st.sampled_from([1, 3]))  # the select_one and the select_multiple
        kind_word = survey[index]["type"].split()[0]
        survey[index]["type"] = f"{kind_word} {draw(st.text(alphabet=CONSONANTS, min_size=3, max_size=10))}"
        expect = {"sheet": "survey", "row": index + 2}
    elif kind in {"relevant", "constraint"}:
        survey[index][kind] = draw(st.sampled_from(BAD_EXPRESSIONS))
        expect["header"] = kind
    elif kind == "choice":
        position = draw(st.integers(min_value=1, max_value=len(choices) - 1))
        previous = choices[position - 1]
        choices[position]["list_name"] = previous["list_name"]
        choices[position]["name"] = draw(st.sampled_from([previous["name"], ""]))
        expect = {"sheet": "choices", "row": position + 2}
    else:
        missing = draw(st.sampled_from(["type", "name"]))
        survey = [{key: value for key, value in row.items() if key != missing} for row in survey]
        expect = {"sheet": "survey"}
    return "form.xlsx", make_xlsform(survey, choices, SAMPLE_SETTINGS), expect


@st.composite
def broken_workbook(draw, kind: str):
    sheets = {"survey": survey_table(SAMPLE_SURVEY), "choices": survey_table(SAMPLE_CHOICES),
              "settings": survey_table([SAMPLE_SETTINGS])}
    if kind == "no_survey":
        title = draw(st.sampled_from(["Survey1", "sorğu", "Sheet1"]))
        sheets = {title if name == "survey" else name: table for name, table in sheets.items()}
        return "form.xlsx", malformed.workbook_bytes(sheets), {}
    if kind == "blank_rows":
        return "form.xlsx", malformed.workbook_bytes(sheets, blank_rows=draw(st.integers(1, 3))), {"sheet": "survey"}
    if kind == "merged":  # type and name under one merged cell: the name column is gone
        return "form.xlsx", malformed.workbook_bytes(sheets, merge_header=(1, 2)), {"sheet": "survey"}
    if kind == "noise":
        return "form.xlsx", draw(malformed.noise()), {"form": True}
    if kind == "cut":
        return "form.xlsx", draw(malformed.truncated_zip(SAMPLE_FORM)), {"form": True}
    if kind == "damaged":
        return "form.xlsx", draw(malformed.damaged_member(SAMPLE_FORM)), {"form": True}
    if kind == "sheet_xml":
        return "form.xlsx", draw(malformed.broken_sheet_xml(SAMPLE_FORM)), {}
    name = draw(st.sampled_from(["form.csv", "form.xls", "form.xlsm", "form", "form.html", "form.svg"]))
    return name, SAMPLE_FORM, {"form": True}


XLSFORM_CASES = {
    **{name: broken_survey(kind) for name, kind in [
        ("a duplicate name", "duplicate"), ("an unknown type", "type"), ("a list missing from choices", "list"),
        ("a bad relevant", "relevant"), ("a bad constraint", "constraint"), ("a bad choice", "choice"),
        ("no type or name column", "column"),
    ]},
    **{name: broken_workbook(kind) for name, kind in [
        ("no survey sheet", "no_survey"), ("blank rows above the header", "blank_rows"),
        ("merged header cells", "merged"), ("noise", "noise"), ("a cut workbook", "cut"),
        ("a damaged workbook", "damaged"), ("broken sheet XML", "sheet_xml"), ("a wrong file name", "named"),
    ]},
}


@pytest.mark.parametrize("kind", XLSFORM_CASES)
@malformed.VIEW_SETTINGS
@given(data=st.data())
def test_every_malformed_xlsform_is_refused_with_its_location_and_nothing_stored(
    client_for, coordinator, study, kind, data
):
    filename, content, expect = data.draw(XLSFORM_CASES[kind], label=kind)
    before = written()

    response = client_for(coordinator).post(
        url("questionnaire_upload", study.slug), {"file": SimpleUploadedFile(filename, content)}
    )

    assert response.status_code == 200
    problems = response.context["problems"]
    if expect.get("form") or not problems:
        assert_form_refused(response, filename)
    else:
        assert all(problem.file == filename for problem in problems), [str(problem) for problem in problems]
        if "sheet" in expect:
            assert any(problem.sheet == expect["sheet"] for problem in problems), [str(p) for p in problems]
        if "row" in expect:
            assert any(problem.sheet == expect["sheet"] and problem.row == expect["row"] for problem in problems), (
                [str(problem) for problem in problems])
        if "header" in expect:
            assert any(problem.header == expect["header"] for problem in problems), [str(p) for p in problems]
        assert str(problems[0].location) in response.content.decode()
    assert written() == before
