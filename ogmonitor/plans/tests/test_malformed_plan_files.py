"""Malformed plan files posted to the plan import page: each refused with a located message,
never a server error, and nothing written.

Hypothesis breaks the template's valid three-activity file in every way a plan file goes wrong
(noise, a NUL, a legacy encoding, a cut or damaged workbook, missing, doubled or unknown columns,
a value under no header, wrong values in typed columns, merged or empty header rows) and posts
each one, as a coordinator, through the real dry-run view.
"""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from hypothesis import event, given
from hypothesis import strategies as st

from ogmonitor.lib.tests import malformed
from ogmonitor.plans.factories import ActionPlanFactory
from ogmonitor.plans.importing import COLUMNS, COLUMNS_BY_NAME, header_key

from .test_import import HEADER, stored, three_activities

REQUIRED = [column.name for column in COLUMNS if column.required]
#: Values each typed column refuses, and a column of text that must not be empty.
BAD_VALUES = {
    "area_number": st.sampled_from(["0", "1.5", "-3", "bir", "1a", "1000"]),
    "activity_number": st.sampled_from(["abc", "1..2", "1,2", ".1", "x.1", "1.1."]),
    "start_year": st.sampled_from(["20x1", "21", "99999", "iki min", "0001"]),
    "involves_municipalities": st.text(alphabet="qwrtzxcvğşçöü", min_size=1, max_size=8),
    "is_placeholder": st.sampled_from(["bəlkə", "maybe", "2", "yox?"]),
    "title_az": st.just(""),
    "area_title_az": st.just(" "),
}


@pytest.fixture(autouse=True)
def english_and_private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    with translation.override("en"):
        yield


def rows(header=HEADER, data=None) -> list[list[str]]:
    return [list(header)] + [[row.get(name, "") for name in HEADER] for row in (data or three_activities())]


def as_csv(table: list[list[str]], encoding: str = "utf-8") -> bytes:
    import csv
    import io

    text = io.StringIO()
    csv.writer(text).writerows(table)
    return text.getvalue().encode(encoding, errors="replace")


def as_xlsx(table: list[list[str]], **shape) -> bytes:
    return malformed.workbook_bytes(table, **shape)


VALID_XLSX = as_xlsx(rows())


@st.composite
def bad_value(draw):
    """A valid file but for one typed cell: the problem is on that cell's row and column."""
    row = draw(st.integers(min_value=0, max_value=2))
    column = draw(st.sampled_from(sorted(BAD_VALUES)))
    data = three_activities()
    data[row][column] = draw(BAD_VALUES[column])
    event(column)
    table = rows(data=data)
    fmt = draw(st.sampled_from(["csv", "xlsx"]))
    content = as_csv(table) if fmt == "csv" else as_xlsx(table)
    return f"plan.{fmt}", content, {"row": row + 2, "header": column}


@st.composite
def bad_columns(draw, kind: str):
    """Columns wrong: a required one missing, one twice, one nobody knows, or a value under no header."""
    header = list(HEADER)
    data = rows()
    if kind == "missing":
        name = draw(st.sampled_from(REQUIRED))
        position = header.index(name)
        data = [row[:position] + row[position + 1 :] for row in data]
        expect = {"header": name}
    elif kind == "twice":
        name = draw(st.sampled_from(HEADER))
        data = [row + [row[HEADER.index(name)]] for row in data]
        expect = {"header": name}
    elif kind == "unknown":
        name = draw(st.text(alphabet="abcdefghijklmnopqrstuvwxyzəğış_", min_size=2, max_size=20).filter(
            lambda text: text.strip("_") and not header_key(text) & COLUMNS_BY_NAME.keys()))
        data = [data[0] + [name]] + [row + ["x"] for row in data[1:]]
        expect = {"header": name}
    else:
        row = draw(st.integers(min_value=1, max_value=3))
        data[row] = data[row] + ["", draw(st.text(alphabet="xyzəü", min_size=1, max_size=5))]
        expect = {"row": row + 1}
    fmt = draw(st.sampled_from(["csv", "xlsx"]))
    return f"plan.{fmt}", as_csv(data) if fmt == "csv" else as_xlsx(data), expect


@st.composite
def bad_bytes(draw, kind: str):
    """Files that are not readable plan tables at all: refused by the upload form or the reader."""
    if kind == "noise":
        return draw(st.sampled_from(["plan.csv", "plan.xlsx"])), draw(malformed.noise()), {"form": True}
    if kind == "nul":
        return "plan.csv", draw(malformed.with_nul(as_csv(rows()))), {"form": True}
    if kind == "encoding":  # Azerbaijani letters saved by an old Excel in Windows-1254: not UTF-8
        return "plan.csv", as_csv(rows(), "cp1254"), {"row": 2}
    if kind == "cut":
        return "plan.xlsx", draw(malformed.truncated_zip(VALID_XLSX)), {"form": True}
    if kind == "damaged":
        return "plan.xlsx", draw(malformed.damaged_member(VALID_XLSX)), {"form": True}
    if kind == "sheet_xml":
        return "plan.xlsx", draw(malformed.broken_sheet_xml(VALID_XLSX)), {}
    shape = draw(st.sampled_from([
        {"blank_rows": 1}, {"blank_rows": 3}, {"first_sheet_empty": True}, {"merge_header": (1, 2)},
        {"merge_header": (4, 6)},
    ]))
    return "plan.xlsx", as_xlsx(rows(), **shape), {"row": 1} if "blank_rows" in shape else {}


@pytest.fixture
def plan(db):
    return ActionPlanFactory(slug="nap-2020")


def assert_refused_with_location(client, plan, settings, filename: str, content: bytes, expect: dict):
    before = stored()
    folder = settings.MEDIA_ROOT / "imports" / f"plan-{plan.pk}"
    kept = len(list(folder.iterdir())) if folder.exists() else 0

    response = client.post(reverse("plans:import", args=[plan.slug]), {"file": SimpleUploadedFile(filename, content)})

    assert response.status_code == 200
    assert response.context["commit_form"] is None  # nothing can be committed
    errors = response.context["form"].errors.get("file")
    problems = response.context["problems"]
    if expect.get("form") or errors:
        assert errors and all(filename in message for message in errors), errors
    else:
        assert problems, "a malformed file passed the dry run"
        assert all(problem.file == filename for problem in problems), [str(problem) for problem in problems]
        if "row" in expect:
            assert any(problem.row == expect["row"] for problem in problems), [str(p) for p in problems]
        if "header" in expect:
            assert any(problem.header == expect["header"] for problem in problems), [str(p) for p in problems]
        html = response.content.decode()
        assert str(problems[0].location) in html
    assert stored() == before
    assert (len(list(folder.iterdir())) if folder.exists() else 0) == kept


CASES = {
    "a bad value": bad_value(),
    "a required column missing": bad_columns("missing"),
    "a column twice": bad_columns("twice"),
    "an unknown column": bad_columns("unknown"),
    "a value under no header": bad_columns("unnamed"),
    "noise": bad_bytes("noise"),
    "a NUL": bad_bytes("nul"),
    "Windows-1254": bad_bytes("encoding"),
    "a cut workbook": bad_bytes("cut"),
    "a damaged workbook": bad_bytes("damaged"),
    "broken sheet XML": bad_bytes("sheet_xml"),
    "empty, blank or merged header rows": bad_bytes("shape"),
}


@pytest.mark.parametrize("kind", CASES)
@malformed.VIEW_SETTINGS
@given(data=st.data())
def test_every_malformed_plan_file_is_refused_with_its_location_and_nothing_written(
    client_for, coordinator, plan, settings, kind, data
):
    case = data.draw(CASES[kind], label=kind)
    assert_refused_with_location(client_for(coordinator), plan, settings, *case)
