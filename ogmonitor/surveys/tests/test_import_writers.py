"""Response import, after the rows are read: what the writers leave in the database, and what follows.

The files are test_importing's (a Kobo export of the factories' SAMPLE_FORM), imported into a
study of NGO A. The PostgreSQL tests run only there; the first ones run on both databases.
"""

from unittest import mock

import psycopg
import pytest
from django.db import connection

from ogmonitor.surveys.factories import QuestionnaireFactory, StudyFactory
from ogmonitor.surveys.importing import run_import, writers
from ogmonitor.surveys.models import Answer, ImportBatch

from .test_importing import KOBO_HEADERS, csv_bytes, imported, kobo_rows, make_communities, upload


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def study(db, ngo_a):
    return StudyFactory(organization=ngo_a, communities=make_communities())


@pytest.fixture
def questionnaire(study):
    return QuestionnaireFactory(study=study)


def bad_kobo_file() -> bytes:
    """Twelve rows whose last one holds a word where a number belongs."""
    rows = kobo_rows(12)
    rows[11][KOBO_HEADERS.index("details/meetings")] = "çox"
    return csv_bytes(rows)


def run_unchecked(study, questionnaire, data: bytes) -> ImportBatch:
    """Import a file as if it had changed since its dry run (so its problems show only now)."""
    batch = upload(study, questionnaire, data, "kobo.csv")
    batch.status = ImportBatch.Status.CHECKED
    return run_import(batch)


# --- The findings follow the answers -------------------------------------------------------------


def test_a_successful_import_has_the_studys_findings_recomputed_after_its_commit(
    study, questionnaire, django_capture_on_commit_callbacks
):
    with mock.patch("ogmonitor.findings.tasks.recompute_study_task.delay") as delay:
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            batch = imported(study, questionnaire, csv_bytes(kobo_rows(5)), "kobo.csv")
        assert batch.created_count == 5
        delay.assert_not_called()  # nothing before the commit
        for callback in callbacks:
            callback()

    delay.assert_called_once_with(study.pk, None)


def test_a_failed_import_recomputes_nothing(study, questionnaire, django_capture_on_commit_callbacks):
    with mock.patch("ogmonitor.findings.tasks.recompute_study_task.delay") as delay:
        with django_capture_on_commit_callbacks(execute=True):
            batch = run_unchecked(study, questionnaire, bad_kobo_file())

    assert batch.status == ImportBatch.Status.FAILED
    delay.assert_not_called()


def test_an_import_of_duplicates_only_recomputes_nothing(study, questionnaire, django_capture_on_commit_callbacks):
    data = csv_bytes(kobo_rows(5))
    imported(study, questionnaire, data, "kobo.csv")
    with mock.patch("ogmonitor.findings.tasks.recompute_study_task.delay") as delay:
        with django_capture_on_commit_callbacks(execute=True):
            again = imported(study, questionnaire, data, "kobo-again.csv")

    assert (again.created_count, again.duplicate_count) == (0, 5)
    delay.assert_not_called()


# --- PostgreSQL: the answers' indexes and foreign keys set aside for a large import --------------

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="The PostgreSQL writer's schema handling (SQLite's is in test_importing)."
)


def answer_schema() -> tuple[list, list]:
    """surveys_answer's constraints (name, definition, validated) and indexes (name, definition)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conname, pg_get_constraintdef(oid), convalidated FROM pg_constraint"
            " WHERE conrelid = 'surveys_answer'::regclass ORDER BY conname"
        )
        constraints = cursor.fetchall()
        cursor.execute("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'surveys_answer' ORDER BY indexname")
        return constraints, cursor.fetchall()


@pytest.fixture
def set_aside_spy(monkeypatch):
    """Every import's threshold lowered to one answer; records how many definitions each set aside."""
    monkeypatch.setattr(writers, "DEFER_INDEXES_FROM", 1)
    counts: list[int] = []
    original = writers.PostgreSQLWriter._set_aside_answer_checks

    def spy(self):
        restore = original(self)
        counts.append(len(restore))
        return restore

    monkeypatch.setattr(writers.PostgreSQLWriter, "_set_aside_answer_checks", spy)
    return counts


@postgresql_only
@pytest.mark.django_db(transaction=True, serialized_rollback=True)  # as in production: the import's transaction is the outermost
def test_a_large_import_on_postgresql_restores_the_answer_indexes_and_foreign_keys_exactly(
    study, questionnaire, set_aside_spy
):
    before = answer_schema()
    constraints, indexes = before
    assert sum(1 for _name, definition, _valid in constraints if definition.startswith("FOREIGN KEY")) == 3
    assert len(indexes) == 3  # the primary key's and two composite ones

    batch = imported(study, questionnaire, csv_bytes(kobo_rows(12)), "kobo.csv")

    assert set_aside_spy == [5]  # two indexes and three foreign keys dropped, then rebuilt
    assert batch.created_count == 12
    assert answer_schema() == before  # same names, same definitions, validated
    assert Answer.objects.filter(question__name="aware", choice__name="yes").count() == 9


@postgresql_only
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_failed_large_import_on_postgresql_leaves_the_answer_indexes_and_foreign_keys_in_place(
    study, questionnaire, set_aside_spy
):
    before = answer_schema()

    batch = run_unchecked(study, questionnaire, bad_kobo_file())

    assert batch.status == ImportBatch.Status.FAILED
    assert set_aside_spy == [5]  # they were dropped inside the import's transaction…
    assert answer_schema() == before  # …and the rollback put them back
    assert not Answer.objects.exists()


@postgresql_only
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_large_import_waits_for_no_long_reader_and_keeps_the_constraints_instead(
    study, questionnaire, set_aside_spy, monkeypatch
):
    monkeypatch.setattr(writers, "LOCK_TIMEOUT", "200ms")
    before = answer_schema()
    settings = connection.settings_dict
    reader = psycopg.connect(dbname=settings["NAME"], user=settings["USER"], password=settings["PASSWORD"],
                             host=settings["HOST"], port=settings["PORT"] or None)
    try:
        reader.execute("SELECT count(*) FROM surveys_answer")  # a report still reading: ACCESS SHARE held
        batch = imported(study, questionnaire, csv_bytes(kobo_rows(12)), "kobo.csv")
    finally:
        reader.close()

    assert set_aside_spy == [0]  # lock refused: nothing dropped, rows checked one by one
    assert batch.created_count == 12
    assert answer_schema() == before


@postgresql_only
def test_a_large_import_after_answers_written_in_the_same_transaction_keeps_the_constraints(
    study, questionnaire, set_aside_spy
):
    # The test's own transaction already holds the questionnaire's rows, whose deferred checks
    # are pending: PostgreSQL refuses to alter those tables, and the import carries on without.
    batch = imported(study, questionnaire, csv_bytes(kobo_rows(12)), "kobo.csv")

    assert set_aside_spy == [0]
    assert batch.created_count == 12


def test_an_import_judges_the_size_of_the_answers_table_by_its_rows_not_its_highest_id(study, questionnaire, monkeypatch):
    """After ``--replace`` deleted a round, the highest id overstates the table: a new round of
    the same size still doubles it, and sets the indexes aside."""
    monkeypatch.setattr(writers, "DEFER_INDEXES_FROM", 1)
    imported(study, questionnaire, csv_bytes(kobo_rows(12)), "kobo.csv")
    stored = Answer.objects.count()
    writer = writers.for_connection()
    connection.ensure_connection()
    writer.cursor = connection.connection.cursor()
    assert not writer.doubles_the_answers(stored - 1)

    highest = Answer.objects.order_by("-pk").values_list("pk", flat=True).first()
    Answer.objects.exclude(pk=highest).delete()

    assert writer.doubles_the_answers(2) and writer.doubles_the_answers(stored - 1)
    assert not writers.for_connection().doubles_the_answers(0)  # below the threshold: no query at all
