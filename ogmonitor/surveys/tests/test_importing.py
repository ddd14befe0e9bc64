"""Response import: Google Forms and Kobo files in every encoding, the dry run, all-or-nothing, dedupe.

Every test writes a real file (CSV in the encodings Excel and Google produce, or XLSX made with
openpyxl) and imports it into a study whose questionnaire is the factories' SAMPLE_FORM,
uploaded through the real XLSForm service.
"""

import codecs
import csv
import datetime as dt
import io
import uuid
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from openpyxl import Workbook

from ogmonitor.lib.tabular import open_table
from ogmonitor.surveys.factories import QuestionnaireFactory, StudyFactory
from ogmonitor.surveys.importing import (
    check_import,
    create_batch,
    get_progress,
    run_import,
    save_mapping,
    start_import,
)
from ogmonitor.surveys.importing.services import _set_progress
from ogmonitor.surveys.importing.values import CellError, read_date, read_datetime, split_multiple
from ogmonitor.surveys.models import Answer, ImportBatch, Respondent, Submission
from ogmonitor.surveys.tasks import run_import_task

# --- Files, written the way Google Forms and KoboToolbox write them -----------------------------

GOOGLE_HEADERS = [
    "Zaman damğası",
    "Milli Fəaliyyət Planı haqqında eşitmisinizmi?",
    "Haradan eşitmisiniz?",
    "Neçə ictimai görüşdə iştirak etmisiniz?",
    "Məmnunluq (0–10)",
    "Müsahibə tarixi",
    "Şərhiniz",
    "İcma",
    "Cins",
]
#: The same "yes" as people type it: any case, stray spaces, Azerbaijani İ.
YES_VARIANTS = ["Bəli", "bəli ", "BƏLİ", " Bəli"]


def google_rows(count: int = 40, communities=("Birinci kənd", "İkinci kənd")) -> list[list]:
    """Header and ``count`` answers as a Google Forms CSV download has them (labels as values)."""
    rows = [list(GOOGLE_HEADERS)]
    for i in range(count):
        aware = "Xeyr" if i % 4 == 3 else YES_VARIANTS[i % 4]
        rows.append([
            f"2024/03/05 10:{i // 60:02d}:{i % 60:02d} AM GMT+4",
            aware,
            "" if aware == "Xeyr" else ["Bələdiyyə, KİV", "QHT", "kiv, Digər"][i % 3],
            "" if aware == "Xeyr" else str(i % 5),
            "7,5" if i % 2 else "9",
            "05.03.2024",
            f"Şərh {i}; vergül, \"dırnaq\"" if i % 5 == 0 else "",
            communities[i % 2].upper() if i % 3 == 0 else communities[i % 2],
            "Qadın" if i % 2 else "kişi",
        ])
    return rows


KOBO_HEADERS = [
    "start", "end", "aware", "details/heard_from", "details/meetings", "satisfaction", "interview_date",
    "comment", "meta/instanceID", "_id", "_uuid", "_submission_time", "_validation_status", "_index",
]


def kobo_rows(count: int = 40) -> list[list]:
    """Header and ``count`` submissions as a Kobo "XML values and headers" export has them."""
    rows = [list(KOBO_HEADERS)]
    for i in range(count):
        instance = uuid.uuid5(uuid.NAMESPACE_DNS, f"kobo-{i}")
        aware = "no" if i % 4 == 3 else "yes"
        rows.append([
            "2024-03-05T10:00:00.000+04:00", "2024-03-05T10:05:00.000+04:00",
            aware,
            "" if aware == "no" else ["municipality media", "ngo", "media other"][i % 3],
            "" if aware == "no" else str(i % 5),
            "7.5" if i % 2 else "9",
            "2024-03-05",
            "Çox yaxşı" if i % 5 == 0 else "",
            f"uuid:{instance}", str(1000 + i), str(instance), f"2024-03-05T10:{i // 60:02d}:{i % 60:02d}",
            "", str(i + 1),
        ])
    return rows


def csv_bytes(rows: list[list], variant: str = "utf-8") -> bytes:
    """A CSV as one of the tools writes it.

    utf-8: Google Forms' download; utf-8-sig: Excel's "CSV UTF-8"; utf-16: Excel's "Unicode
    text" (UTF-16 LE with a BOM, tab-separated); semicolon: Excel with a comma decimal separator.
    """
    delimiter = {"utf-16": "\t", "semicolon": ";"}.get(variant, ",")
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    text = buffer.getvalue()
    if variant == "utf-16":
        return codecs.BOM_UTF16_LE + text.encode("utf-16-le")
    if variant == "utf-8-sig":
        return text.encode("utf-8-sig")
    return text.encode("utf-8")


def xlsx_bytes(rows: list[list], google: bool = False) -> bytes:
    """An XLSX as Google Sheets or Kobo exports it: numbers as numbers, Google's time as a date."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(rows[0])
    for row in rows[1:]:
        cells = []
        for header, value in zip(rows[0], row, strict=True):
            if google and header == "Zaman damğası":
                value = read_datetime(value).replace(tzinfo=None)
            elif value and value.replace(",", ".").replace(".", "", 1).isdigit():
                value = float(value.replace(",", ".")) if "," in value or "." in value else int(value)
            cells.append(value)
        sheet.append(cells)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# --- Fixtures -----------------------------------------------------------------------------------


def make_communities():
    from ogmonitor.places.factories import CommunityFactory, DistrictFactory

    district = DistrictFactory(code="AZ-QBA", name_az="Quba", name_en="Guba")
    return [CommunityFactory(district=district, name_az="Birinci kənd", name_en="First village"),
            CommunityFactory(district=district, name_az="İkinci kənd", name_en="Second village")]


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def study(db, ngo_a):
    """A study of NGO A (the ``coordinator`` fixture's) in two communities of Quba."""
    return StudyFactory(organization=ngo_a, communities=make_communities())


@pytest.fixture
def questionnaire(study):
    return QuestionnaireFactory(study=study)


def upload(study, questionnaire, data: bytes, filename: str) -> ImportBatch:
    return create_batch(study, questionnaire, SimpleUploadedFile(filename, data), None)


def imported(study, questionnaire, data: bytes, filename: str) -> ImportBatch:
    """Upload, accept the proposed mapping, dry-run and import; fail the test on any problem."""
    batch = upload(study, questionnaire, data, filename)
    assert batch.status == ImportBatch.Status.UPLOADED, batch.problems
    assert check_import(batch) == []
    return run_import(batch)


def answers_of(study) -> dict:
    """Every answer of the study as {(respondent order, question name): sorted values}."""
    found: dict = {}
    rows = Answer.objects.filter(submission__study=study).select_related("question", "choice", "submission")
    for answer in rows.order_by("submission__submitted_at", "submission__id"):
        key = (str(answer.submission.submitted_at), answer.question.name)
        found.setdefault(key, []).append(answer.display_value if not answer.choice_id else answer.choice.name)
    return {key: sorted(values) for key, values in found.items()}


def target_of(batch, header: str) -> str:
    return batch.mapping["columns"][batch.mapping["headers"].index(header)]


# --- Google Forms -------------------------------------------------------------------------------


def test_google_forms_file_is_recognised_and_columns_matched_by_azerbaijani_labels(study, questionnaire):
    batch = upload(study, questionnaire, csv_bytes(google_rows()), "Cavablar.csv")

    questions = {q.name: q.pk for q in questionnaire.questions.all()}
    assert batch.format == "google_forms"
    assert target_of(batch, "Zaman damğası") == "meta:submitted_at"
    assert target_of(batch, "Milli Fəaliyyət Planı haqqında eşitmisinizmi?") == f"q:{questions['aware']}"
    assert target_of(batch, "Haradan eşitmisiniz?") == f"q:{questions['heard_from']}"
    assert target_of(batch, "Məmnunluq (0–10)") == f"q:{questions['satisfaction']}"
    assert target_of(batch, "İcma") == "profile:community"
    assert target_of(batch, "Cins") == "profile:gender"
    assert batch.mapping["unknown"] == {}  # "BƏLİ", "bəli " and "kiv, Digər" all matched
    assert batch.total_rows == 40


def test_google_forms_labels_match_choices_whatever_their_case_and_spaces(study, questionnaire):
    batch = imported(study, questionnaire, csv_bytes(google_rows()), "Cavablar.csv")

    assert (batch.status, batch.created_count, batch.duplicate_count) == ("done", 40, 0)
    aware = Answer.objects.filter(submission__study=study, question__name="aware")
    assert aware.filter(choice__name="yes").count() == 30
    assert aware.filter(choice__name="no").count() == 10
    heard = Answer.objects.filter(submission__study=study, question__name="heard_from")
    # "Bələdiyyə, KİV" is two answers; "kiv, Digər" too: Google joins a multiple choice with ", ".
    assert sorted(set(heard.values_list("choice__name", flat=True))) == ["media", "municipality", "ngo", "other"]
    assert heard.count() == 10 * 2 + 10 * 1 + 10 * 2
    first = Submission.objects.filter(study=study).order_by("submitted_at").first()
    assert first.submitted_at == dt.datetime(2024, 3, 5, 6, 0, tzinfo=dt.UTC)  # 10:00 GMT+4
    assert first.source == Submission.Source.IMPORT and first.import_batch == batch
    assert len(first.row_hash) == 64
    respondent = first.respondent
    assert respondent.community.name_az == "Birinci kənd"  # written "BİRİNCİ KƏND" in the file
    assert respondent.gender == "man" and respondent.channel == "web_form"
    assert respondent.code == f"imp{batch.pk}-r2"
    satisfaction = Answer.objects.get(submission__respondent__code=f"imp{batch.pk}-r3", question__name="satisfaction")
    assert satisfaction.number == Decimal("7.5")  # "7,5" with a decimal comma
    comment = Answer.objects.get(submission=first, question__name="comment")
    assert comment.text == 'Şərh 0; vergül, "dırnaq"'


@pytest.mark.parametrize("variant", ["utf-8", "utf-8-sig", "utf-16", "semicolon"])
def test_every_csv_variant_is_read_the_same(study, questionnaire, variant):
    data = csv_bytes(google_rows(), variant)
    reference = csv_bytes(google_rows(), "utf-8")
    table = open_table(io.BytesIO(data), "x.csv")
    assert table.headers == GOOGLE_HEADERS
    assert [cells for _row, cells in table.rows] == [cells for _row, cells in open_table(io.BytesIO(reference), "x.csv").rows]

    batch = imported(study, questionnaire, data, f"Cavablar-{variant}.csv")

    assert batch.created_count == 40
    assert Answer.objects.filter(submission__study=study, question__name="aware", choice__name="yes").count() == 30


def test_google_forms_xlsx_gives_the_same_answers_as_its_csv(study, questionnaire):
    imported(study, questionnaire, xlsx_bytes(google_rows(), google=True), "Cavablar.xlsx")
    from_xlsx = answers_of(study)
    Submission.objects.all().delete()
    Respondent.objects.all().delete()
    imported(study, questionnaire, csv_bytes(google_rows()), "Cavablar.csv")

    assert answers_of(study) == from_xlsx
    assert len(from_xlsx) > 150


def test_a_semicolon_csv_whose_headers_hold_commas_is_split_on_semicolons(study, questionnaire):
    rows = google_rows(5)
    rows[0][2] = "Haradan, kimdən eşitmisiniz?"
    table = open_table(io.BytesIO(csv_bytes(rows, "semicolon")), "x.csv")
    assert table.delimiter == ";" and table.headers[2] == "Haradan, kimdən eşitmisiniz?"


# --- KoboToolbox / ODK --------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_kobo_export_uses_instance_ids_group_paths_and_space_separated_names(study, questionnaire, kind):
    data = csv_bytes(kobo_rows()) if kind == "csv" else xlsx_bytes(kobo_rows())
    batch = upload(study, questionnaire, data, f"kobo.{kind}")

    questions = {q.name: q.pk for q in questionnaire.questions.all()}
    assert batch.format == "kobo"
    assert target_of(batch, "details/heard_from") == f"q:{questions['heard_from']}"
    assert target_of(batch, "meta/instanceID") == "meta:uuid"
    assert target_of(batch, "_uuid") == "ignore"
    assert target_of(batch, "_submission_time") == "meta:submitted_at"
    assert check_import(batch) == []
    run_import(batch)

    assert batch.created_count == 40
    expected = {uuid.uuid5(uuid.NAMESPACE_DNS, f"kobo-{i}") for i in range(40)}
    assert set(Submission.objects.filter(study=study).values_list("uuid", flat=True)) == expected
    heard = Answer.objects.filter(submission__study=study, question__name="heard_from")
    assert heard.count() == 10 * 2 + 10 + 10 * 2
    meetings = Answer.objects.filter(submission__study=study, question__name="meetings")
    assert sorted(set(meetings.values_list("number", flat=True))) == [Decimal(n) for n in range(5)]
    assert Answer.objects.filter(question__name="interview_date", date=dt.date(2024, 3, 5)).count() == 40


def test_kobo_and_google_exports_of_the_same_form_give_the_same_kind_of_answers(study, questionnaire):
    imported(study, questionnaire, csv_bytes(kobo_rows(4)), "kobo.csv")
    imported(study, questionnaire, csv_bytes(google_rows(4)), "google.csv")

    by_source = {}
    for submission in Submission.objects.filter(study=study).order_by("submitted_at"):
        names = sorted(f"{a.question.name}={a.choice.name}" for a in submission.answers.filter(choice__isnull=False))
        by_source.setdefault(submission.import_batch.filename, []).append(names)
    assert by_source["kobo.csv"] == by_source["google.csv"]


def test_kobo_one_column_per_choice_is_read_when_the_joined_column_is_missing(study, questionnaire):
    rows = [["aware", "details/heard_from/municipality", "details/heard_from/media", "details/heard_from/ngo",
             "details/heard_from/other", "_uuid"]]
    rows += [["yes", "1", "0", "1", "0", str(uuid.uuid4())], ["yes", "0", "1", "0", "0", str(uuid.uuid4())]]
    batch = imported(study, questionnaire, csv_bytes(rows), "kobo-split.csv")

    assert batch.created_count == 2
    assert sorted(Answer.objects.filter(question__name="heard_from").values_list("choice__name", flat=True)) == [
        "media", "municipality", "ngo"]


# --- The dry run --------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_a_bad_value_in_row_37_is_named_with_its_column_and_nothing_is_written(study, questionnaire, kind):
    rows = kobo_rows(40)
    rows[36][KOBO_HEADERS.index("details/meetings")] = "çox"  # rows[36] is the sheet's row 37
    data = csv_bytes(rows) if kind == "csv" else xlsx_bytes(rows)
    batch = upload(study, questionnaire, data, f"kobo.{kind}")

    with translation.override("en"):
        problems = check_import(batch)

        assert len(problems) == 1
        problem = problems[0]
        assert problem.row == 37
        assert problem.column_letter == "E" and problem.header == "details/meetings"
        assert "row 37" in str(problem) and "column E (details/meetings)" in str(problem)
        assert "çox" in problem.message
    assert batch.status == ImportBatch.Status.MAPPED and batch.mapping["check"]["problems"] == 1
    assert batch.problems[0]["row"] == 37 and batch.problems[0]["letter"] == "E"

    # Importing anyway re-checks inside the transaction and writes nothing at all.
    run_import(batch)
    assert batch.status == ImportBatch.Status.FAILED
    assert batch.problems[0]["row"] == 37
    assert Submission.objects.count() == Answer.objects.count() == Respondent.objects.count() == 0


def test_the_dry_run_lists_every_problem_with_row_and_column_and_writes_nothing(study, questionnaire):
    rows = google_rows(12)
    rows[2][1] = "Bilmirəm"            # row 3, B: not a choice
    rows[4][3] = "üç"                  # row 5, D: not a whole number
    rows[5][5] = "31.02.2024"          # row 6, F: no such date
    rows[7][7] = "Naməlum kənd"        # row 8, H: not one of the study's communities
    rows[9][1] = ""                    # row 10, B: "aware" is required
    rows[10][3] = "75"                 # row 11, D: the form's constraint (0 to 50)
    rows[11][2] = "Bələdiyyə, Radio"   # row 12, C: one of two is not a choice
    batch = upload(study, questionnaire, csv_bytes(rows), "Cavablar.csv")
    assert set(batch.mapping["unknown"]) == {"1", "2"}

    problems = check_import(batch)

    located = [(p.row, p.column_letter) for p in problems]
    assert located == [(3, "B"), (5, "D"), (6, "F"), (8, "H"), (10, "B"), (11, "D"), (12, "C")]
    assert "Bilmirəm" in problems[0].message
    assert problems[4].header == "Milli Fəaliyyət Planı haqqında eşitmisinizmi?"
    assert problems[5].message == "0 ilə 50 arasında bir ədəd yazın."  # the form's constraint_message
    assert "Radio" in problems[6].message
    assert Submission.objects.count() == Answer.objects.count() == Respondent.objects.count() == 0


def test_an_unmatched_value_can_be_given_its_choice_in_the_mapping(study, questionnaire):
    rows = google_rows(8)
    rows[1][1] = "Hə"  # colloquial "yes"
    rows[2][2] = "Bələdiyyə, Radio"
    batch = upload(study, questionnaire, csv_bytes(rows), "Cavablar.csv")
    assert batch.mapping["unknown"] == {"1": ["Hə"], "2": ["Radio"]}
    yes = questionnaire.choices.get(list_name="yes_no", name="yes")

    more = save_mapping(batch, batch.mapping["columns"], {"1": {"Hə": str(yes.pk)}, "2": {"Radio": "skip"}})

    assert more is False
    assert check_import(batch) == []
    run_import(batch)
    first, second = Submission.objects.filter(study=study).order_by("submitted_at")[:2]
    assert first.answers.get(question__name="aware").choice == yes
    assert list(second.answers.filter(question__name="heard_from").values_list("choice__name", flat=True)) == [
        "municipality"]


def test_an_unconditionally_required_answer_left_empty_is_a_problem(study, questionnaire):
    rows = kobo_rows(3)
    rows[2][KOBO_HEADERS.index("aware")] = ""
    batch = upload(study, questionnaire, csv_bytes(rows), "kobo.csv")

    problems = check_import(batch)

    assert [(p.row, p.header) for p in problems] == [(3, "aware")]


# --- Re-importing -------------------------------------------------------------------------------


@pytest.mark.parametrize("style", ["kobo", "google"])
def test_the_same_file_twice_adds_nothing(study, questionnaire, style):
    data = csv_bytes(kobo_rows() if style == "kobo" else google_rows())
    first = imported(study, questionnaire, data, "responses.csv")
    counts = (Submission.objects.count(), Answer.objects.count(), Respondent.objects.count())

    second = upload(study, questionnaire, data, "responses.csv")
    assert check_import(second) == []
    assert second.mapping["check"] == {"rows": 40, "new": 0, "duplicates": 40, "problems": 0}
    run_import(second)

    assert (first.created_count, second.created_count, second.duplicate_count) == (40, 0, 40)
    assert (Submission.objects.count(), Answer.objects.count(), Respondent.objects.count()) == counts
    assert second.file_sha256 == first.file_sha256


def test_a_longer_export_adds_only_the_new_rows(study, questionnaire):
    imported(study, questionnaire, csv_bytes(google_rows(30)), "day1.csv")
    batch = imported(study, questionnaire, xlsx_bytes(google_rows(40), google=True), "day2.xlsx")

    assert (batch.created_count, batch.duplicate_count) == (10, 30)
    assert Submission.objects.filter(study=study).count() == 40


def test_an_instance_id_of_another_study_is_a_problem(study, questionnaire, ngo_a):
    imported(study, questionnaire, csv_bytes(kobo_rows(3)), "kobo.csv")
    other = StudyFactory(organization=ngo_a)
    other_questionnaire = QuestionnaireFactory(study=other)
    batch = upload(other, other_questionnaire, csv_bytes(kobo_rows(3)), "kobo.csv")

    problems = check_import(batch)

    assert [(p.row, p.header) for p in problems] == [(2, "meta/instanceID"), (3, "meta/instanceID"), (4, "meta/instanceID")]


# --- Background job and progress ----------------------------------------------------------------


def test_a_large_file_runs_as_a_background_task(study, questionnaire, settings, django_capture_on_commit_callbacks):
    settings.OGMONITOR_IMPORT_BACKGROUND_ROWS = 10
    batch = upload(study, questionnaire, csv_bytes(kobo_rows(40)), "kobo.csv")
    check_import(batch)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        started = start_import(batch)
        assert started.status == ImportBatch.Status.RUNNING

    # The job is queued once the RUNNING status is committed; the job's own commit then has the
    # study's findings recomputed.
    assert our_callbacks(callbacks) == ["ogmonitor.surveys.importing.services", "ogmonitor.findings.services"]
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.DONE and batch.created_count == 40
    assert batch.task_id  # Celery's id (eager here: REDIS_URL is unset)


def our_callbacks(callbacks) -> list[str]:
    """The modules of the commit callbacks, the public cache's version bumps aside."""
    return [callback.__module__ for callback in callbacks if callback.__module__ != "ogmonitor.lib.cache"]


def test_a_small_file_is_imported_at_once(study, questionnaire, settings, django_capture_on_commit_callbacks):
    settings.OGMONITOR_IMPORT_BACKGROUND_ROWS = 1000
    batch = upload(study, questionnaire, csv_bytes(kobo_rows(5)), "kobo.csv")
    check_import(batch)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        batch = start_import(batch)
    # No job queued: only the findings' recomputation waits for the commit.
    assert our_callbacks(callbacks) == ["ogmonitor.findings.services"]
    assert batch.status == ImportBatch.Status.DONE and batch.task_id == ""


def test_the_task_does_nothing_for_a_batch_already_done(study, questionnaire):
    batch = imported(study, questionnaire, csv_bytes(kobo_rows(5)), "kobo.csv")
    ImportBatch.objects.filter(pk=batch.pk).update(created_count=5)

    assert run_import_task.delay(batch.pk).get() == "skipped"
    assert run_import(batch).status == ImportBatch.Status.DONE
    assert Submission.objects.count() == 5


def test_progress_of_a_running_import_comes_from_the_cache(study, questionnaire):
    batch = upload(study, questionnaire, csv_bytes(kobo_rows(5)), "kobo.csv")
    batch.status = ImportBatch.Status.RUNNING
    batch.save()
    _set_progress(batch.pk, 2, 5)
    assert get_progress(batch) == (2, 5)
    batch.status = ImportBatch.Status.DONE
    batch.processed_rows = 5
    assert get_progress(batch) == (5, 5)


# --- Reading cells ------------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "expected"), [
    ("2024/03/05 1:15:32 PM GMT+4", dt.datetime(2024, 3, 5, 9, 15, 32, tzinfo=dt.UTC)),
    ("3/5/2024 13:15:32", dt.datetime(2024, 3, 5, 9, 15, 32, tzinfo=dt.UTC)),  # Sheets, US locale, Baku time
    ("05.03.2024 13:15:32", dt.datetime(2024, 3, 5, 9, 15, 32, tzinfo=dt.UTC)),
    ("2024-03-05T13:15:32.123+04:00", dt.datetime(2024, 3, 5, 9, 15, 32, 123000, tzinfo=dt.UTC)),
    ("2024-03-05 13:15:32", dt.datetime(2024, 3, 5, 9, 15, 32, tzinfo=dt.UTC)),
])
def test_submission_times_are_read_as_google_sheets_and_kobo_write_them(text, expected):
    assert read_datetime(text) == expected


def test_dates_day_first_with_dots_month_first_with_slashes():
    assert read_date("05.03.2024") == read_date("2024-03-05") == read_date("3/5/2024") == dt.date(2024, 3, 5)
    assert read_date("25/3/2024") == dt.date(2024, 3, 25)
    with pytest.raises(CellError):
        read_date("31.02.2024")


def test_multiple_choices_keep_labels_that_hold_commas_or_spaces():
    index = {"yes, often": 1, "sosial şəbəkə": 2, "tv": 3}
    assert split_multiple("Yes, often, TV", index) == ([1, 3], [])
    assert split_multiple("Sosial şəbəkə tv", index) == ([2, 3], [])
    assert split_multiple("TV, radio", index) == ([3], ["radio"])


# --- Chunks, codes and the SQLite index rebuild -------------------------------------------------


def test_a_row_repeated_in_another_chunk_counts_once(study, questionnaire, monkeypatch):
    from ogmonitor.surveys.importing import services

    monkeypatch.setattr(services, "CHUNK_ROWS", 3)
    rows = kobo_rows(10)
    rows[9] = list(rows[1])  # the same submission sent twice, far apart
    batch = upload(study, questionnaire, csv_bytes(rows), "kobo.csv")

    assert check_import(batch) == []
    assert batch.mapping["check"] == {"rows": 10, "new": 9, "duplicates": 1, "problems": 0}
    run_import(batch)
    assert (batch.created_count, batch.duplicate_count) == (9, 1)


def test_respondent_codes_come_from_the_file_and_must_be_unique(study, questionnaire):
    rows = kobo_rows(4)
    rows[0].append("Respondent code")
    for number, row in enumerate(rows[1:], start=1):
        row.append(f"QBA-{number:03d}")
    rows[4][-1] = "QBA-001"
    batch = upload(study, questionnaire, csv_bytes(rows), "kobo.csv")
    assert target_of(batch, "Respondent code") == "profile:code"

    problems = check_import(batch)

    assert [(p.row, p.header) for p in problems] == [(5, "Respondent code")]
    rows[4][-1] = "QBA-004"
    batch = imported(study, questionnaire, csv_bytes(rows), "kobo-fixed.csv")
    assert sorted(Respondent.objects.filter(study=study).values_list("code", flat=True)) == [
        "QBA-001", "QBA-002", "QBA-003", "QBA-004"]


def test_a_large_import_on_sqlite_rebuilds_the_answer_indexes_in_its_transaction(study, questionnaire, monkeypatch):
    from django.db import connection

    from ogmonitor.surveys.importing import writers

    if connection.vendor != "sqlite":
        pytest.skip("Only SQLite defers the answers' indexes (PostgreSQL would lock the table).")

    def indexes():
        with connection.cursor() as cursor:
            cursor.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'surveys_answer'")
            return sorted(cursor.fetchall())

    before = indexes()
    assert len([name for name, sql in before if sql]) == 2
    monkeypatch.setattr(writers, "DEFER_INDEXES_FROM", 1)
    rows = kobo_rows(12)
    rows[11][KOBO_HEADERS.index("details/meetings")] = "çox"
    failed = upload(study, questionnaire, csv_bytes(rows), "bad.csv")
    failed.status = ImportBatch.Status.CHECKED  # as if the file had changed since its dry run
    run_import(failed)
    assert failed.status == ImportBatch.Status.FAILED
    assert indexes() == before  # rolled back with the rest

    rebuilt = []
    finish = writers.SQLiteWriter.finish
    monkeypatch.setattr(writers.SQLiteWriter, "finish", lambda self: rebuilt.append(len(self.deferred_indexes)) or finish(self))
    batch = imported(study, questionnaire, csv_bytes(kobo_rows(12)), "kobo.csv")

    assert rebuilt == [2]
    assert batch.created_count == 12 and indexes() == before
    assert Answer.objects.filter(question__name="aware", choice__name="yes").count() == 9
