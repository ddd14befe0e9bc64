"""Writing imported respondents, submissions and answers fast, inside the caller's transaction.

The ORM would build three model instances per row and up to forty per respondent's answers;
at 100,000 respondents that alone takes longer than the database needs to store them. The
writers take plain tuples instead: ``executemany`` on SQLite, ``COPY … FROM STDIN`` (psycopg 3)
on PostgreSQL. Primary keys of respondents and submissions are reserved up front (PostgreSQL:
``nextval`` of the table's sequence; SQLite: after the table's highest id, safe because the
import's transaction holds SQLite's single write lock) so answers can name their submission
without reading anything back.
"""

import datetime as dt
import itertools
import logging

from django.db import connection, transaction

from ..models import Answer, Respondent, Submission

#: SQLite page cache for the import's connection (PRAGMA cache_size: negative means KiB).
CACHE_KIB = -16384

#: Below this many answers an import never rebuilds indexes (``begin`` of both writers): not worth it.
DEFER_INDEXES_FROM = 50_000
#: PostgreSQL: how long an import waits for the locks that let it set the answers' foreign keys
#: and indexes aside before it gives up on that and imports with them in place.
LOCK_TIMEOUT = "5s"

logger = logging.getLogger(__name__)

SUBMISSION_FIELDS = ["id", "uuid", "study", "questionnaire", "respondent", "status", "source", "submitted_at",
                     "created_at", "updated_at", "created_by", "rejection_reason", "import_batch", "row_hash",
                     "self_link"]
RESPONDENT_FIELDS = ["id", "study", "code", "category", "gender", "community", "organization", "channel",
                     "interview_date", "enumerator"]
ANSWER_FIELDS = ["submission", "question", "choice", "text", "number", "date"]


def _columns(model, fields: list[str]) -> str:
    return ", ".join(connection.ops.quote_name(model._meta.get_field(name).column) for name in fields)


def _table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


class Writer:
    """Vendor-neutral interface; :func:`for_connection` picks the implementation.

    ``records`` turns one new row into what ``write`` stores: its respondent, its submission and
    its answers. When ``ids_up_front`` is true the writer numbers rows itself and ``records`` may
    run in the reading thread (see ``services._read_ahead``); otherwise ids come from
    ``reserve_ids`` in the importing thread.
    """

    ids_up_front = False

    def begin(self, batch, now, expected_answers: int = 0) -> None:
        """Called inside the import's transaction, before any row is read."""
        self.study_id, self.questionnaire_id, self.batch_id = batch.study_id, batch.questionnaire_id, batch.pk
        self.created_by = batch.created_by_id
        self.now = self.datetime(now)
        self.submitted, self.source = str(Submission.Status.SUBMITTED), str(Submission.Source.IMPORT)

    def doubles_the_answers(self, expected_answers: int) -> bool:
        """Whether the import will at least double the answers table (and is large enough for
        rebuilding its indexes at the end to pay). The highest id answers at once when the table
        is smaller than that (a fresh database, a first round); only otherwise are the rows
        counted — after ``--replace`` deleted a round, the highest id overstates the table.
        """
        if expected_answers < DEFER_INDEXES_FROM:
            return False
        table = _table(Answer)
        highest = self.cursor.execute(f"SELECT MAX(id) FROM {table}").fetchone()[0] or 0
        if expected_answers >= highest:
            return True
        return expected_answers >= self.cursor.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]

    def encode(self, part: tuple):
        """An answer part ``(question_id, choice_id, text, number, date)`` as this writer stores it."""
        raise NotImplementedError

    def reserve_ids(self, model, count: int) -> list[int]:
        raise NotImplementedError

    # Values of respondents' and submissions' columns, as the driver takes them.
    def uuid(self, value):
        return value

    def datetime(self, value):
        return value

    def date(self, value):
        return value

    def fields(self, row, respondent_id: int, submission_id: int) -> tuple[tuple, tuple]:
        """The respondent's and the submission's column values (RESPONDENT_FIELDS, SUBMISSION_FIELDS)."""
        respondent = (
            respondent_id, self.study_id, row.code or f"imp{self.batch_id}-r{row.row}", row.category_id, row.gender,
            row.community_id, None, row.channel, self.date(row.interview_date), None,
        )
        submission = (
            submission_id, self.uuid(row.uuid), self.study_id, self.questionnaire_id, respondent_id, self.submitted,
            self.source, self.datetime(row.submitted_at), self.now, self.now, self.created_by, "", self.batch_id,
            row.row_hash, None,
        )
        return respondent, submission

    def records(self, row, respondent_id: int | None = None, submission_id: int | None = None):
        raise NotImplementedError

    def write(self, records: list) -> None:
        raise NotImplementedError

    def finish(self) -> None:
        """Called when every row is written, before the transaction commits."""

    def close(self) -> None:
        """Undo any connection setting changed for the import."""


class SQLiteWriter(Writer):
    """``executemany`` through the raw sqlite3 cursor, ids numbered from the tables' highest.

    Numbering in advance is safe because the import's transaction holds SQLite's only write
    lock from its first statement (settings use IMMEDIATE transactions; the import's first
    statement is a write anyway). Rows found to be duplicates leave their ids unused; the next
    import starts again from the highest id actually stored.
    """

    ids_up_front = True

    def __init__(self):
        connection.ensure_connection()
        # The raw sqlite3 cursor: Django's wrapper rewrites every query's placeholders and would
        # log 4 million parameter tuples in DEBUG.
        self.cursor = connection.connection.cursor()
        # Each answer row updates the table's B-tree and its indexes' (five when this was measured,
        # two since migration 0003); with SQLite's default 2 MB page cache their hot pages no
        # longer fit and every insert re-reads some. 16 MB holds them: inserts ~40 % faster, with
        # memory still bounded whatever the file's size (64 MB was only 5 % faster and cost 100 MB
        # more at 100,000 rows, the index sort included).
        # Bound here: ``records`` runs in the reading thread, where ``connection`` is another one.
        self.adapt_datetime = connection.ops.adapt_datetimefield_value
        self.cache_size = self.cursor.execute("PRAGMA cache_size").fetchone()[0]
        self.cursor.execute(f"PRAGMA cache_size = {CACHE_KIB}")
        self.sql = {
            model: f"INSERT INTO {_table(model)} ({_columns(model, fields)}) VALUES ({', '.join('?' * len(fields))})"
            for model, fields in ((Respondent, RESPONDENT_FIELDS), (Submission, SUBMISSION_FIELDS), (Answer, ANSWER_FIELDS))
        }

    def begin(self, batch, now, expected_answers: int = 0):
        super().begin(batch, now)
        self.next_respondent = itertools.count(self._next_id(Respondent))
        self.next_submission = itertools.count(self._next_id(Submission))
        self.deferred_indexes = []
        table = Answer._meta.db_table
        if self.doubles_the_answers(expected_answers):
            # An import that at least doubles the answers table: building its indexes once at the
            # end (a sort) is cheaper than updating five B-trees per row. Safe on SQLite: DDL is
            # transactional (a rollback restores them), WAL readers keep the committed schema, and
            # no other writer can run meanwhile. The definitions are SQLite's own, so the indexes
            # come back exactly as migrations made them.
            self.deferred_indexes = [
                (name, sql) for name, sql in self.cursor.execute(
                    "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL",
                    (table,),
                )
            ]
            for name, _sql in self.deferred_indexes:
                self.cursor.execute(f"DROP INDEX {connection.ops.quote_name(name)}")

    def finish(self):
        for _name, sql in self.deferred_indexes:
            self.cursor.execute(sql)
        self.deferred_indexes = []

    def _next_id(self, model) -> int:
        table = model._meta.db_table
        highest = self.cursor.execute(f"SELECT MAX(id) FROM {_table(model)}").fetchone()[0] or 0
        sequence = self.cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = ?", (table,)).fetchone()
        return max(highest, sequence[0] if sequence else 0) + 1

    def encode(self, part):
        question_id, choice_id, text, number, date = part
        return (question_id, choice_id, text, None if number is None else str(number),
                None if date is None else date.isoformat())

    def uuid(self, value):
        return value.hex  # Django keeps UUIDs as 32 hex digits on SQLite

    def datetime(self, value):
        return None if value is None else self.adapt_datetime(value)

    def date(self, value):
        return None if value is None else value.isoformat()

    def records(self, row, respondent_id=None, submission_id=None):
        submission_id = next(self.next_submission)
        respondent, submission = self.fields(row, next(self.next_respondent), submission_id)
        return respondent, submission, [(submission_id, *part) for part in row.parts]

    def write(self, records):
        cursor = self.cursor
        cursor.executemany(self.sql[Respondent], [record[0] for record in records])
        cursor.executemany(self.sql[Submission], [record[1] for record in records])
        cursor.executemany(self.sql[Answer], itertools.chain.from_iterable(record[2] for record in records))

    def close(self):
        self.cursor.execute(f"PRAGMA cache_size = {int(self.cache_size)}")


def _copy_text(value) -> str:
    """One value in PostgreSQL's COPY text format."""
    if value is None:
        return "\\N"
    if isinstance(value, str):
        return value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return str(value)


class PostgreSQLWriter(Writer):
    """``COPY … FROM STDIN`` (text format, built here) inside the import's transaction.

    Ids come from the tables' sequences (``nextval``), reserved per chunk once duplicates are
    known, so concurrent inserts elsewhere never collide with them.

    An import that at least doubles the answers table (the rule SQLiteWriter uses) first sets
    aside the table's foreign keys and secondary indexes and restores them in ``finish``, from
    their definitions as PostgreSQL reports them (``pg_get_constraintdef``, ``pg_get_indexdef``):
    checking each answer's three foreign keys one row at a time at commit was two thirds of a
    4-million-answer import, and updating two indexes per row most of the rest; one validating
    join per key and one sort per index do the same work in a fraction of the time. DDL is
    transactional, so a rollback puts everything back. The price is an ACCESS EXCLUSIVE lock,
    until the import commits, on ``surveys_answer`` and on the tables its keys reference
    (submissions, questions, choices): every page reading them waits for the import. That is
    acceptable only because it only happens when the import brings at least as many answers as
    the database holds, i.e. the first large round loaded into a young deployment, and because
    the import asks for the locks with ``lock_timeout`` in a savepoint: if a long query holds
    them, it imports the slow way (constraints in place) instead of making everyone queue.
    """

    def __init__(self):
        connection.ensure_connection()
        self.cursor = connection.connection.cursor()
        self.sql = {
            model: f"COPY {_table(model)} ({_columns(model, fields)}) FROM STDIN"
            for model, fields in ((Respondent, RESPONDENT_FIELDS), (Submission, SUBMISSION_FIELDS), (Answer, ANSWER_FIELDS))
        }
        self.set_aside: list[str] = []
        self.sequences: dict = {}

    def begin(self, batch, now, expected_answers: int = 0):
        super().begin(batch, now)
        self.set_aside = []
        if self.doubles_the_answers(expected_answers):
            self.set_aside = self._set_aside_answer_checks()

    def _set_aside_answer_checks(self) -> list[str]:
        """Drop the answers' foreign keys and secondary indexes; return the SQL that restores them.

        Returns [] (nothing dropped) when the locks cannot be had within LOCK_TIMEOUT, or when
        this transaction already wrote rows whose deferred checks are pending to one of the
        tables involved (PostgreSQL then refuses to alter them; only tests do that).
        """
        import psycopg

        table = _table(Answer)
        cursor = self.cursor
        foreign_keys = cursor.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint"
            " WHERE conrelid = %s::regclass AND contype = 'f' ORDER BY conname",
            (table,),
        ).fetchall()
        # Indexes behind a constraint (the primary key) stay. Keeping it up to date costs ~0.55 s
        # per million answers against ~0.25 s to rebuild it (measured with psql, not in the
        # import): about a second at 4 million answers, not worth a table without its key.
        indexes = cursor.execute(
            "SELECT index.relname, pg_get_indexdef(i.indexrelid) FROM pg_index i"
            " JOIN pg_class index ON index.oid = i.indexrelid"
            " WHERE i.indrelid = %s::regclass AND NOT EXISTS ("
            "  SELECT 1 FROM pg_constraint c WHERE c.conrelid = i.indrelid AND c.conindid = i.indexrelid)"
            " ORDER BY index.relname",
            (table,),
        ).fetchall()
        restore = [definition for _name, definition in indexes]
        restore += [f"ALTER TABLE {table} ADD CONSTRAINT {connection.ops.quote_name(name)} {definition}"
                    for name, definition in foreign_keys]
        lock_timeout = cursor.execute("SELECT current_setting('lock_timeout')").fetchone()[0]
        try:
            with transaction.atomic():  # a savepoint: a refused lock leaves the import's transaction usable
                cursor.execute("SELECT set_config('lock_timeout', %s, true)", (LOCK_TIMEOUT,))
                for name, _definition in foreign_keys:
                    cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT {connection.ops.quote_name(name)}")
                for name, _definition in indexes:
                    cursor.execute(f"DROP INDEX {connection.ops.quote_name(name)}")
        except (psycopg.errors.LockNotAvailable, psycopg.errors.ObjectInUse) as error:
            logger.warning("Import keeps the answers' indexes and foreign keys in place: %s", error)
            return []
        # Back to the session's lock_timeout for the rest of the import (a SET LOCAL made in a
        # savepoint outlives it once released).
        cursor.execute("SELECT set_config('lock_timeout', %s, true)", (lock_timeout,))
        return restore

    def finish(self):
        # Rebuilding the two indexes of 4 million answers took ~3.5 s and the three validating
        # joins ~1.4 s. Raising maintenance_work_mem (64 MB → 256 MB, 1 GB) for the index sorts
        # changed nothing measurable (±0.5 s either way), so the server's setting is left alone.
        for sql in self.set_aside:
            self.cursor.execute(sql)
        self.set_aside = []

    def encode(self, part):
        # The line after the submission id: built once per distinct answer, then only prefixed.
        return "".join("\t" + _copy_text(value) for value in part) + "\n"

    def reserve_ids(self, model, count):
        # The sequence is looked up once: pg_get_serial_sequence in the query ran once per id
        # and cost eight times the nextval. Usually the values drawn are consecutive and two
        # numbers say it all; when another session drew from the sequence meanwhile they are
        # not, and the whole list comes back.
        if model not in self.sequences:
            self.sequences[model] = self.cursor.execute(
                "SELECT pg_get_serial_sequence(%s, 'id')", (model._meta.db_table,)
            ).fetchone()[0]
        first, last, drawn = self.cursor.execute(
            "SELECT min(id), max(id), CASE WHEN max(id) - min(id) + 1 = count(*) THEN NULL"
            " ELSE array_agg(id ORDER BY id) END"
            " FROM (SELECT nextval(%s::regclass) AS id FROM generate_series(1, %s)) reserved",
            (self.sequences[model], count),
        ).fetchone()
        return range(first, last + 1) if drawn is None else drawn

    def uuid(self, value):
        return str(value)

    def datetime(self, value):
        return None if value is None else value.isoformat()

    def date(self, value):
        return None if value is None else value.isoformat()

    def records(self, row, respondent_id=None, submission_id=None):
        respondent, submission = self.fields(row, respondent_id, submission_id)
        prefix = str(submission_id)
        return (
            "\t".join(map(_copy_text, respondent)) + "\n",
            "\t".join(map(_copy_text, submission)) + "\n",
            "".join(prefix + part for part in row.parts),
        )

    def _copy(self, model, text: str) -> None:
        with self.cursor.copy(self.sql[model]) as copy:
            copy.write(text)

    def write(self, records):
        self._copy(Respondent, "".join(record[0] for record in records))
        self._copy(Submission, "".join(record[1] for record in records))
        self._copy(Answer, "".join(record[2] for record in records))


def for_connection() -> Writer:
    if connection.vendor == "postgresql":
        return PostgreSQLWriter()
    if connection.vendor == "sqlite":
        return SQLiteWriter()
    raise NotImplementedError(f"Response import does not support {connection.vendor}.")
