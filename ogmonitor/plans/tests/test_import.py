"""Plan import: reading real CSV and XLSX files, every kind of problem, and all-or-nothing commits."""

import csv
import io
from pathlib import Path

import pytest
from django.utils import translation
from openpyxl import Workbook

from ogmonitor.lib.tabular import open_table
from ogmonitor.places.factories import OrganizationFactory
from ogmonitor.places.models import Organization
from ogmonitor.plans.factories import ActionPlanFactory, ActivityFactory, AreaFactory
from ogmonitor.plans.importing import (
    COLUMNS,
    MAX_PROBLEMS,
    PlanImportError,
    parse_plan_file,
    template_csv,
    template_xlsx,
)
from ogmonitor.plans.models import Activity, Area
from ogmonitor.plans.services import commit_plan_import

HEADER = [column.name for column in COLUMNS]
#: Every Azerbaijani letter an encoding mix-up tends to break.
AZ_TITLE = "İşçi qrupunun ölkə üzrə görüşləri və ağıllı şəhər"


@pytest.fixture(autouse=True)
def english():
    """Messages are checked in English; the Azerbaijani catalogue is filled in separately."""
    with translation.override("en"):
        yield


@pytest.fixture
def plan(db):
    return ActionPlanFactory(slug="nap-2020")


def activity(**values) -> dict[str, str]:
    """One valid row of a plan file, with ``values`` replacing the defaults."""
    row = {
        "area_number": "1",
        "area_title_az": "Şəffaflığın artırılması",
        "area_title_en": "Increasing transparency",
        "activity_number": "1.1",
        "title_az": AZ_TITLE,
        "title_en": "Working group meetings across the country",
        "description_az": "Birinci abzas.\nİkinci abzas: çöl işləri.",
        "description_en": "First paragraph.\nSecond paragraph.",
        "executors": "",
        "participants_az": "Vətəndaş cəmiyyəti",
        "participants_en": "Civil society",
        "deadline_az": "2021–2022-ci illər",
        "deadline_en": "2021–2022",
        "start_year": "2021",
        "end_year": "2022",
        "involves_municipalities": "bəli",
        "is_placeholder": "xeyr",
    }
    row.update(values)
    return row


def three_activities() -> list[dict[str, str]]:
    return [
        activity(),
        activity(activity_number="1.2", title_az="Açıq məlumatlar portalı", title_en="Open data portal",
                 involves_municipalities="xeyr"),
        activity(area_number="2", area_title_az="İctimai iştirak", area_title_en="Public participation",
                 activity_number="2.1", title_az="Bələdiyyə iclaslarının açıq keçirilməsi", title_en="Open council meetings"),
    ]


def write_csv(path: Path, rows, *, header=HEADER, encoding="utf-8", delimiter=",", errors="strict") -> Path:
    text = io.StringIO()
    writer = csv.writer(text, delimiter=delimiter)
    writer.writerow(header)
    for row in rows:
        writer.writerow([row.get(name, "") for name in header] if isinstance(row, dict) else row)
    path.write_bytes(text.getvalue().encode(encoding, errors=errors))
    return path


def write_xlsx(path: Path, rows, *, header=HEADER) -> Path:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        # Numbers go in as Excel numbers, the way a person typing them would leave them.
        sheet.append([int(row[name]) if row[name].isdigit() else row[name] for name in header])
    workbook.save(path)
    return path


def check(path: Path, plan):
    with path.open("rb") as fileobj:
        return parse_plan_file(fileobj, path.name, plan)


def commit(path: Path, plan, user=None):
    with path.open("rb") as fileobj:
        return commit_plan_import(fileobj, plan, user, filename=path.name)


def messages(preview) -> list[str]:
    return [str(problem) for problem in preview.problems]


def stored() -> tuple[int, int, int, list]:
    """What is in the database, to show that a refused import wrote nothing."""
    return (
        Area.objects.count(),
        Activity.objects.count(),
        Activity.executors.through.objects.count(),
        list(Activity.objects.values_list("number", "title_az", "title_en").order_by("number")),
    )


def assert_refused(path: Path, plan, *expected: str) -> list[str]:
    """The dry run reports each expected text, and the commit raises having written nothing."""
    found = messages(check(path, plan))
    for text in expected:
        assert any(text in message for message in found), f"{text!r} not in {found}"
    before = stored()
    with pytest.raises(PlanImportError):
        commit(path, plan)
    assert stored() == before
    return found


@pytest.fixture
def existing_activity(plan):
    """An activity already in the plan, which the bad files below try (and fail) to change."""
    area = AreaFactory(plan=plan, number=1, title_az="Köhnə ad", title_en="Old name")
    return ActivityFactory(area=area, plan=plan, number="1.1", title_az="Köhnə tədbir", title_en="Old activity")


# Success


def test_a_utf8_csv_creates_areas_and_activities_with_azerbaijani_text_intact(plan, tmp_path):
    counts = commit(write_csv(tmp_path / "plan.csv", three_activities()), plan)

    assert (counts.areas_created, counts.activities_created) == (2, 3)
    assert (counts.areas_updated, counts.activities_updated, counts.activities_unchanged) == (0, 0, 0)
    first = Activity.objects.get(plan=plan, number="1.1")
    assert first.title_az == AZ_TITLE
    assert first.area.title_az == "Şəffaflığın artırılması"
    assert first.description_az == "Birinci abzas.\nİkinci abzas: çöl işləri."
    assert first.deadline_text_az == "2021–2022-ci illər"
    assert (first.start_year, first.end_year) == (2021, 2022)
    assert first.involves_municipalities is True and first.is_placeholder is False
    assert Activity.objects.get(plan=plan, number="1.2").involves_municipalities is False
    assert Area.objects.get(plan=plan, number=2).title_en == "Public participation"


def test_a_csv_with_a_utf8_bom_imports_like_plain_utf8(plan, tmp_path):
    commit(write_csv(tmp_path / "plan.csv", three_activities(), encoding="utf-8-sig"), plan)

    assert Activity.objects.get(plan=plan, number="1.1").title_az == AZ_TITLE


def test_a_utf16_csv_separated_by_semicolons_imports(plan, tmp_path):
    rows = [activity(executors="municipality; state_body")]
    path = write_csv(tmp_path / "plan.csv", rows, encoding="utf-16", delimiter=";")

    counts = commit(path, plan)

    assert counts.activities_created == 1
    imported = Activity.objects.get(plan=plan, number="1.1")
    assert imported.title_az == AZ_TITLE
    assert imported.executor_types == ["municipality", "state_body"]


def test_an_xlsx_file_with_numbers_typed_as_numbers_imports(plan, tmp_path):
    counts = commit(write_xlsx(tmp_path / "plan.xlsx", three_activities()), plan)

    assert (counts.areas_created, counts.activities_created) == (2, 3)
    imported = Activity.objects.get(plan=plan, number="2.1")
    assert imported.area.number == 2
    assert imported.start_year == 2021
    assert imported.title_az == "Bələdiyyə iclaslarının açıq keçirilməsi"


def test_importing_the_same_file_again_changes_nothing_and_creates_no_duplicates(plan, tmp_path):
    path = write_csv(tmp_path / "plan.csv", [activity(executors="Ümid; municipality")] + three_activities()[1:])
    OrganizationFactory(name_az="Ümid", name_en="Umid")
    commit(path, plan)
    before = stored()

    assert check(path, plan).counts.activities_unchanged == 3
    counts = commit(path, plan)

    assert (counts.areas_created, counts.areas_updated, counts.areas_unchanged) == (0, 0, 2)
    assert (counts.activities_created, counts.activities_updated, counts.activities_unchanged) == (0, 0, 3)
    assert stored() == before


def test_a_changed_title_updates_only_that_activity(plan, tmp_path):
    commit(write_csv(tmp_path / "plan.csv", three_activities()), plan)
    rows = three_activities()
    rows[1]["title_en"] = "National open data portal"

    counts = commit(write_csv(tmp_path / "plan-v2.csv", rows), plan)

    assert (counts.activities_created, counts.activities_updated, counts.activities_unchanged) == (0, 1, 2)
    assert Activity.objects.get(plan=plan, number="1.2").title_en == "National open data portal"
    assert Activity.objects.filter(plan=plan).count() == 3


def test_empty_cells_match_an_activity_entered_without_those_texts(plan, tmp_path):
    area = AreaFactory(plan=plan, number=1, title_az="Şəffaflıq", title_en=None)
    ActivityFactory(area=area, plan=plan, number="1.1", title_az=AZ_TITLE, title_en=None, involves_municipalities=True)
    header = ["area_number", "area_title_az", "area_title_en", "activity_number", "title_az", "title_en",
              "executors", "involves_municipalities"]
    rows = [activity(area_title_az="Şəffaflıq", area_title_en="", title_en="")]

    counts = commit(write_csv(tmp_path / "plan.csv", rows, header=header), plan)

    assert (counts.areas_unchanged, counts.activities_unchanged) == (1, 1)


def test_the_dry_run_counts_are_what_the_commit_then_does(plan, existing_activity, tmp_path):
    path = write_csv(tmp_path / "plan.csv", three_activities())

    preview = check(path, plan)

    assert Activity.objects.get(pk=existing_activity.pk).title_az == "Köhnə tədbir"  # a dry run writes nothing
    assert commit(path, plan) == preview.counts
    assert (preview.counts.areas_updated, preview.counts.activities_updated) == (1, 1)


def test_a_checked_preview_can_be_committed_without_reading_the_file_again(plan, tmp_path):
    preview = check(write_csv(tmp_path / "plan.csv", three_activities()), plan)

    counts = commit_plan_import(preview, plan, None)

    assert counts.activities_created == 3
    assert Activity.objects.filter(plan=plan).count() == 3


def test_executors_match_registry_names_in_either_language_and_type_codes_and_keep_the_rest_as_text(plan, tmp_path):
    umid = OrganizationFactory(name_az="Ümid", name_en="Umid")
    ministry = OrganizationFactory(name_az="Ədliyyə Nazirliyi", name_en="Ministry of Justice", type=Organization.Type.STATE_BODY)
    row = activity(executors="ÜMİD; ministry of justice; Municipality; Naməlum Qurum; Ədliyyə Nazirliyi")

    preview = check(write_csv(tmp_path / "plan.csv", [row]), plan)
    commit_plan_import(preview, plan, None)

    imported = Activity.objects.get(plan=plan, number="1.1")
    assert set(imported.executors.all()) == {umid, ministry}
    assert imported.executor_types == ["municipality"]
    assert imported.executors_text_az == "Naməlum Qurum"
    assert preview.unmatched_executors == {"Naməlum Qurum": [2]}


def test_a_dry_run_takes_a_few_queries_however_many_rows_the_file_has(plan, tmp_path, django_assert_max_num_queries):
    OrganizationFactory(name_az="Ümid", name_en="Umid")
    rows = [activity(activity_number=f"1.{n}", executors="Ümid; municipality; Naməlum") for n in range(1, 201)]
    path = write_csv(tmp_path / "plan.csv", rows)
    commit(path, plan)

    # Areas, activities, their executors, and one look-up per distinct executor name.
    with django_assert_max_num_queries(5):
        assert check(path, plan).counts.activities_unchanged == 200


@pytest.mark.parametrize(
    "written, expected",
    [("BƏLİ", True), ("bəli", True), ("Yes", True), ("TRUE", True), ("1", True),
     ("XEYR", False), ("no", False), ("False", False), ("0", False)],
)
def test_yes_and_no_are_read_in_azerbaijani_and_english_in_any_case(plan, tmp_path, written, expected):
    commit(write_csv(tmp_path / "plan.csv", [activity(involves_municipalities=written)]), plan)

    assert Activity.objects.get(plan=plan, number="1.1").involves_municipalities is expected


def test_headers_match_whatever_their_case_spacing_and_order(plan, tmp_path):
    header = [" Activity Number ", "TITLE_AZ", "area-number", "Area Title AZ", "Involves municipalities"]
    rows = [["1.1", AZ_TITLE, "1", "Şəffaflıq", "bəli"]]

    counts = commit(write_csv(tmp_path / "plan.csv", rows, header=header), plan)

    assert counts.activities_created == 1
    assert Activity.objects.get(plan=plan, number="1.1").title_az == AZ_TITLE


def test_columns_left_out_of_the_file_keep_their_stored_values(plan, existing_activity, tmp_path):
    existing_activity.description_en = "Kept"
    existing_activity.save()
    header = ["area_number", "area_title_az", "activity_number", "title_az", "involves_municipalities"]

    commit(write_csv(tmp_path / "plan.csv", [activity()], header=header), plan)

    existing_activity.refresh_from_db()
    assert existing_activity.title_az == AZ_TITLE
    assert existing_activity.description_en == "Kept"
    assert existing_activity.title_en == "Old activity"


# Each kind of problem: reported where it is, and nothing written


def test_a_missing_required_column_is_reported_once_per_column_and_nothing_is_written(plan, existing_activity, tmp_path):
    header = [name for name in HEADER if name not in ("activity_number", "title_az")]
    path = write_csv(tmp_path / "plan.csv", [activity(), activity(activity_number="1.2")], header=header)

    found = assert_refused(
        path, plan,
        "plan.csv, column “activity_number”: The required column “activity_number” is missing",
        "plan.csv, column “title_az”: The required column “title_az” is missing",
    )
    assert len([message for message in found if "is missing" in message]) == 2
    assert not any(", row " in message for message in found)


def test_a_bad_activity_number_is_reported_with_its_row_and_column(plan, existing_activity, tmp_path):
    rows = [activity(), activity(activity_number="1,2")]

    assert_refused(
        write_csv(tmp_path / "plan.csv", rows), plan,
        "plan.csv, row 3, column D (activity_number): “1,2” is not an activity number",
    )


def test_an_activity_number_outside_its_area_is_reported(plan, existing_activity, tmp_path):
    rows = [activity(), activity(activity_number="2.1")]

    assert_refused(
        write_csv(tmp_path / "plan.csv", rows), plan,
        "row 3, column D (activity_number): Activity 2.1 does not start with its area number 1.",
    )


def test_a_duplicate_activity_number_names_both_rows(plan, existing_activity, tmp_path):
    rows = [activity(), activity(activity_number="1.2"), activity(title_az="Başqa ad")]

    assert_refused(
        write_csv(tmp_path / "plan.csv", rows), plan,
        "row 4, column D (activity_number): Activity 1.1 appears twice, in rows 2 and 4",
    )


def test_an_area_given_two_titles_names_both_rows(plan, existing_activity, tmp_path):
    rows = [activity(), activity(activity_number="1.2", area_title_az="Başqa istiqamət")]

    assert_refused(
        write_csv(tmp_path / "plan.csv", rows), plan,
        "row 3, column B (area_title_az): Area 1 is titled “Şəffaflığın artırılması” in row 2 but “Başqa istiqamət” in row 3",
    )


@pytest.mark.parametrize(
    "values, expected",
    [
        ({"start_year": "20x1"}, "row 2, column N (start_year): “20x1” is not a year"),
        ({"end_year": "2202"}, "row 2, column O (end_year): The year 2202 is out of range"),
        ({"start_year": "1850"}, "row 2, column N (start_year): The year 1850 is out of range"),
        ({"start_year": "2022", "end_year": "2021"}, "row 2, column O (end_year): The last year (2021) is before the first year (2022)."),
        ({"involves_municipalities": "bəlkə"}, "row 2, column P (involves_municipalities): “bəlkə” is not yes or no"),
        ({"is_placeholder": "maybe"}, "row 2, column Q (is_placeholder): “maybe” is not yes or no"),
        ({"title_az": "  "}, "row 2, column E (title_az): This cell is empty"),
        ({"area_number": "one"}, "row 2, column A (area_number): Write the area number as a whole number"),
        ({"deadline_az": "x" * 256}, "row 2, column L (deadline_az): This text has 256 characters; at most 255 fit."),
    ],
    ids=["non-integer year", "year after range", "year before range", "end before start", "bad yes/no",
         "bad optional yes/no", "empty required cell", "bad area number", "text too long"],
)
def test_a_bad_cell_is_reported_with_its_row_and_column(plan, existing_activity, tmp_path, values, expected):
    assert_refused(write_csv(tmp_path / "plan.csv", [activity(**values)]), plan, expected)


def test_a_file_in_a_legacy_encoding_is_refused_at_the_row_of_its_first_azerbaijani_letter(plan, existing_activity, tmp_path):
    plain = {name: "" for name in HEADER if name.endswith(("_az", "_en"))}
    plain.update(area_title_az="Area", title_az="Plain title", involves_municipalities="yes", is_placeholder="no")
    rows = [activity(**plain),
            activity(activity_number="1.2", title_az="Şişli ağac çörək")]
    # What Excel's plain "CSV" gives on a Turkish-locale Windows; ə has no place in cp1254 at all.
    path = write_csv(tmp_path / "plan.csv", rows, encoding="cp1254", errors="replace")

    assert_refused(path, plan, "plan.csv, row 3: The file is not in UTF-8 or UTF-16 (byte 0xDE cannot be read)")


def test_a_bad_byte_far_into_a_large_file_is_reported_on_its_own_row(plan, tmp_path):
    rows = [activity(activity_number=f"1.{n}", title_az=f"Şəhər {n}") for n in range(1, 800)]
    path = write_csv(tmp_path / "plan.csv", rows)
    content = path.read_bytes()
    assert len(content) > 65536  # beyond the part read first to guess the encoding and delimiter
    bad = "Şəhər 700,".encode()
    path.write_bytes(content.replace(bad, bad.decode().encode("cp1254", errors="replace")))

    # Row 701: the header is row 1, and the line breaks inside descriptions do not count.
    assert_refused(path, plan, "plan.csv, row 701: The file is not in UTF-8 or UTF-16")


def test_a_utf8_bom_file_larger_than_the_first_read_imports(plan, tmp_path):
    rows = [activity(activity_number=f"1.{n}", title_az=f"Şəhər {n} " + "ə" * 50) for n in range(1, 400)]
    path = write_csv(tmp_path / "plan.csv", rows, encoding="utf-8-sig")
    assert path.stat().st_size > 65536

    assert commit(path, plan).activities_created == 399


def test_every_problem_in_a_file_is_reported_not_only_the_first(plan, tmp_path):
    rows = [activity(start_year="soon"), activity(activity_number="1.2", involves_municipalities="?"),
            activity(activity_number="1.3"), activity(activity_number="1.3", title_az="")]

    found = assert_refused(write_csv(tmp_path / "plan.csv", rows), plan,
                           "row 2, column N", "row 3, column P", "row 5, column E", "row 5, column D")
    assert len(found) == 4


def test_a_hopeless_file_stops_listing_problems_after_the_limit(plan, tmp_path):
    rows = [activity(activity_number=f"1.{n}", start_year="x", end_year="y") for n in range(1, MAX_PROBLEMS)]

    found = messages(check(write_csv(tmp_path / "plan.csv", rows), plan))

    assert len(found) == MAX_PROBLEMS + 1
    assert "only the first 1000 are listed" in found[-1]


def test_an_unknown_column_is_refused_with_a_suggestion(plan, tmp_path):
    header = [*HEADER, "titel_en"]

    assert_refused(write_csv(tmp_path / "plan.csv", [activity()], header=header), plan,
                   "column R (titel_en): Unknown column “titel_en”: did you mean “title_en”?")


def test_a_value_holding_the_separator_without_quotes_is_reported(plan, tmp_path):
    path = write_csv(tmp_path / "plan.csv", [activity()], delimiter=";")
    # Edited the way a careless export would write it: a ";" inside a value, not quoted.
    path.write_text(path.read_text(encoding="utf-8").replace("Vətəndaş cəmiyyəti", "Vətəndaş; cəmiyyəti"), encoding="utf-8")

    assert_refused(path, plan, "row 2, column R: This value is in a column with no name in the header row")


def test_a_file_with_only_a_header_is_refused(plan, tmp_path):
    assert_refused(write_csv(tmp_path / "plan.csv", []), plan, "The file has a header row but no activities")


def test_an_old_excel_file_is_refused(plan, tmp_path):
    path = tmp_path / "plan.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0" + b"\0" * 100)

    assert_refused(path, plan, "Old Excel files (.xls) cannot be read")


def test_a_refused_file_leaves_even_its_valid_rows_unwritten(plan, existing_activity, tmp_path):
    rows = [activity(title_az="Yeni ad"), activity(activity_number="1.2"), activity(activity_number="x")]

    assert_refused(write_csv(tmp_path / "plan.csv", rows), plan, "row 4, column D")

    existing_activity.refresh_from_db()
    assert existing_activity.title_az == "Köhnə tədbir"
    assert not Activity.objects.filter(plan=plan, number="1.2").exists()


# Templates and documentation come from the same column list


def test_the_csv_template_has_a_bom_and_every_column_and_its_example_row_imports(plan, tmp_path):
    content = template_csv()
    assert content.startswith(b"\xef\xbb\xbf")
    path = tmp_path / "template.csv"
    path.write_bytes(content)

    assert open_table(io.BytesIO(content), "template.csv").headers == HEADER
    counts = commit(path, plan)
    assert counts.activities_created == 1
    imported = Activity.objects.get(plan=plan, number="1.1")
    assert imported.executor_types == ["municipality"]
    assert imported.executors_text_az == "Ədliyyə Nazirliyi"


def test_the_xlsx_template_example_row_imports(plan, tmp_path):
    path = tmp_path / "template.xlsx"
    path.write_bytes(template_xlsx())

    assert commit(path, plan).activities_created == 1
    assert Area.objects.get(plan=plan, number=1).title_az == COLUMNS[1].example


def test_the_import_documentation_lists_every_column():
    docs = (Path(__file__).resolve().parents[3] / "docs" / "imports.md").read_text(encoding="utf-8")

    assert all(f"`{column.name}`" in docs for column in COLUMNS)
