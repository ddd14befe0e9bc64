"""Response import, step by step: prepare (propose a mapping), map, check (dry run), run.

Every step takes an :class:`~ogmonitor.surveys.models.ImportBatch` and streams its file again:
nothing about the rows is kept between steps or in memory, only the mapping and the counts.

Progress while an import runs is kept in Django's cache (key :func:`progress_key`), not in
``ImportBatch.processed_rows``: the import writes everything in one transaction, so a progress
row updated inside it would stay invisible to the progress page until the end, and committing
it separately would break all-or-nothing on SQLite, whose one write lock the import holds.
With ``REDIS_URL`` set the cache is Redis, shared by the worker and the web processes; without
it the import runs in the request anyway (Celery eager mode), so the progress page only ever
sees it finished. ``processed_rows`` is written once, with the outcome.
"""

import hashlib
import logging
from collections.abc import Iterable, Iterator

from django.conf import settings
from django.core.cache import cache
from django.db import connections, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ogmonitor.lib.tabular import Problem, Table, TableError, open_table

from ..models import ImportBatch, Respondent, Study, Submission
from ..signals import announce_answers_changed
from . import writers
from .mapping import FormIndex, detect_format, propose_columns
from .pipeline import RowReader

logger = logging.getLogger(__name__)

#: Rows read, checked against the database and written together. Big enough that the
#: per-chunk queries cost nothing, small enough that the chunks in flight (being written, read
#: ahead) hold a few MB of answers, ~40 per row.
CHUNK_ROWS = 1000
#: Problems kept for display; a wrongly mapped column would otherwise give one per row. All
#: problems are still counted.
MAX_PROBLEMS = 1000
PROGRESS_TIMEOUT = 24 * 3600


class ImportProblems(Exception):
    """The file (or its mapping) has problems, so nothing was imported."""

    def __init__(self, problems: list[Problem], count: int | None = None):
        self.problems = problems
        self.count = len(problems) if count is None else count
        super().__init__("; ".join(str(problem) for problem in problems[:5]))


def open_batch_table(batch) -> Table:
    """The batch's stored file as a streamed table. Raises TableError when it cannot be read."""
    batch.file.open("rb")
    return open_table(batch.file, batch.filename)


def problem_dicts(problems: Iterable[Problem]) -> list[dict]:
    """Problems as JSON for ``ImportBatch.problems`` (location pre-rendered in the current language)."""
    return [
        {"message": p.message, "row": p.row, "column": p.column, "letter": p.column_letter, "header": p.header,
         "location": p.location}
        for p in problems
    ]


def _scan(batch, table: Table, form: FormIndex) -> RowReader:
    """Read the whole file once: count rows and collect the values no choice matched."""
    reader = RowReader(batch, table, form=form)
    reader.max_problems = 0
    rows = 0
    for _row in reader.rows():
        rows += 1
    reader.row_count = rows
    return reader


def _unknown(reader: RowReader) -> dict[str, list[str]]:
    """The most frequent unmatched values per column (at most 50 each), for the mapping form."""
    return {
        str(index): [value for value, _count in sorted(values.items(), key=lambda item: -item[1])[:50]]
        for index, values in reader.unknown_values.items()
    }


def create_batch(study, questionnaire, upload, user) -> ImportBatch:
    """Store an uploaded response file as a new batch and prepare its mapping (see prepare_import).

    The file's SHA-256 is kept so the import list can say when the same file comes again
    (which is harmless: its rows are skipped as duplicates).
    """
    digest = hashlib.sha256()
    for block in upload.chunks():
        digest.update(block)
    upload.seek(0)
    filename = upload.name.replace("\\", "/").rsplit("/", 1)[-1][:255] or "responses.csv"
    batch = ImportBatch(
        study=study, questionnaire=questionnaire, filename=filename, file_sha256=digest.hexdigest(),
        created_by=user if getattr(user, "pk", None) else None,
    )
    batch.file.save(f"responses-{study.pk}-{filename}", upload, save=False)
    batch.save()
    prepare_import(batch)
    logger.info("Import %s into study %s: %s uploaded by %s", batch.pk, study.slug, filename, user)
    return batch


def prepare_import(batch: ImportBatch) -> list[Problem]:
    """Detect the file's format, propose a mapping and find unmatched values (status UPLOADED).

    Returns the problems that make the file unreadable (then the batch is FAILED).
    """
    try:
        table = open_batch_table(batch)
        form = FormIndex.load(batch.questionnaire)
        batch.format = detect_format(table.headers)
        batch.mapping = {"format": batch.format, "headers": table.headers,
                         "columns": propose_columns(table.headers, form), "values": {}}
        reader = _scan(batch, table, form)
    except TableError as error:
        batch.status = ImportBatch.Status.FAILED
        batch.problems = problem_dicts(error.problems)
        batch.save()
        return error.problems
    finally:
        batch.file.close()
    batch.mapping["unknown"] = _unknown(reader)
    batch.total_rows = reader.row_count
    batch.status = ImportBatch.Status.UPLOADED
    batch.problems = []
    batch.save()
    return []


def save_mapping(batch: ImportBatch, columns: list[str], values: dict[str, dict[str, str]],
                 shown: dict[str, list[str]] | None = None) -> bool:
    """Store the user's mapping (status MAPPED). Returns True when unmatched values nobody was
    shown turned up.

    ``values`` maps column → raw value → choice id (or "skip"); ``shown`` lists, per column, the
    unmatched values the form displayed (whatever the user chose for them, "leave it as a
    problem" included). A column newly mapped to a choice question may hold values not shown
    yet; the mapping page is then shown again with them.
    """
    shown = shown or {}
    before = batch.mapping.get("columns", [])
    batch.mapping = {**batch.mapping, "columns": columns, "values": values}
    batch.mapping.pop("check", None)
    try:
        table = open_batch_table(batch)
        reader = _scan(batch, table, FormIndex.load(batch.questionnaire))
    finally:
        batch.file.close()
    found = _unknown(reader)
    unknown = {}
    for column in set(found) | set(shown):
        position = int(column)
        same_target = position < len(before) and position < len(columns) and before[position] == columns[position]
        listed = list(shown.get(column, [])) if same_target else []
        unknown[column] = listed + [value for value in found.get(column, []) if value not in listed]
    batch.mapping["unknown"] = {column: listed for column, listed in unknown.items() if listed}
    batch.status = ImportBatch.Status.MAPPED
    batch.problems = []
    batch.save()
    return any(value not in shown.get(column, []) for column, listed in found.items() for value in listed)


# --- Dry run and import -----------------------------------------------------------------------


def _chunks(rows: Iterator, size: int) -> Iterator[tuple[list, int]]:
    """Groups of parsed rows, with how many rows (including rejected ones) each group covers."""
    chunk, covered = [], 0
    for row in rows:
        covered += 1
        if row is not None:
            chunk.append(row)
        if covered == size:
            yield chunk, covered
            chunk, covered = [], 0
    if covered:
        yield chunk, covered


_DONE = object()


def _read_ahead(chunks: Iterator, depth: int = 2) -> Iterator:
    """``chunks`` produced by a second thread, at most ``depth`` ahead of the consumer.

    Reading and converting rows is Python; storing them is mostly the database's own work, done
    with the GIL released (``sqlite3_step``, psycopg waiting on its socket). Reading the next
    chunk while the previous one is being written puts the machine's second core to use. The
    reading thread touches no database (Django connections are per thread, and only the
    import's own transaction may see its earlier rows); it inherits the active language so its
    messages are translated as the caller's.
    """
    import queue
    import threading

    from django.utils import translation

    pending: queue.Queue = queue.Queue(maxsize=depth)
    stop = threading.Event()
    language = translation.get_language()

    def produce():
        translation.activate(language)
        try:
            for item in chunks:
                while not stop.is_set():
                    try:
                        pending.put((item, None), timeout=0.1)
                        break
                    except queue.Full:
                        continue
                if stop.is_set():
                    return
            pending.put((_DONE, None))
        except BaseException as error:  # handed to the consumer, which re-raises it
            pending.put((_DONE, error))
        finally:
            # Nothing here should query, but answers.schema_for would on a cache miss: close any
            # connection this thread opened rather than leak it.
            connections.close_all()

    thread = threading.Thread(target=produce, name="import-reader", daemon=True)
    thread.start()
    try:
        while True:
            item, error = pending.get()
            if error is not None:
                raise error
            if item is _DONE:
                return
            yield item
    finally:
        stop.set()
        while thread.is_alive():  # unblock a producer waiting on a full queue
            try:
                pending.get_nowait()
            except queue.Empty:
                pass
            thread.join(timeout=0.05)


class _Classifier:
    """Splits parsed rows into new ones and duplicates of submissions already in the database.

    In a dry run nothing is written, so ids seen earlier in the file are remembered here (one
    128-bit integer per row: ~70 bytes, the only per-row memory of a dry run). During the import
    the database itself holds the earlier chunks and the set stays empty.
    """

    def __init__(self, batch, reader: RowReader, remember: bool):
        self.study_id = batch.study_id
        self.reader = reader
        self.seen_ids: set[int] | None = set() if remember else None
        self.seen_codes: set[str] | None = set() if remember else None
        self.duplicates = 0

    def new_rows(self, chunk: list) -> list:
        """The ``(row, payload)`` pairs of ``chunk`` whose rows are not in the database yet."""
        existing = dict(
            Submission.objects.filter(uuid__in=[row.uuid for row, _payload in chunk]).values_list("uuid", "study_id")
        )
        new, ids = [], set()
        for item in chunk:
            row = item[0]
            owner = existing.get(row.uuid)
            if owner is not None and owner != self.study_id:
                self.reader._problem(
                    _("This instance id belongs to a submission of another study."), row.row, self.reader.uuid_column
                )
            elif owner is not None or row.uuid in ids or (self.seen_ids is not None and row.uuid.int in self.seen_ids):
                self.duplicates += 1
            else:
                ids.add(row.uuid)
                new.append(item)
        given = {row.code for row, _payload in new if row.code}
        if given:
            taken = set(Respondent.objects.filter(study_id=self.study_id, code__in=given).values_list("code", flat=True))
            codes: set[str] = set()
            code_column = next((index for index, _c, _f, field in self.reader.profile_columns if field == "code"), None)
            for row, _payload in new:
                if not row.code:
                    continue
                if row.code in taken or row.code in codes or (self.seen_codes is not None and row.code in self.seen_codes):
                    self.reader._problem(
                        _("The respondent code “%(code)s” is already used in this study.") % {"code": row.code},
                        row.row, code_column,
                    )
                codes.add(row.code)
            if self.seen_codes is not None:
                self.seen_codes |= codes
        if self.seen_ids is not None:
            self.seen_ids.update(row.uuid.int for row, _payload in new)
        return new


def _start(batch, table: Table, reader: RowReader) -> None:
    messages = reader.structure_problems()
    if messages:
        raise ImportProblems([Problem(message, file=batch.filename) for message in messages])


def check_import(batch: ImportBatch) -> list[Problem]:
    """Dry run: read the whole file, list every problem with its row and column, write no answer.

    Also counts what the import would do (``batch.mapping["check"]``: rows, new, duplicates,
    problems). Status becomes CHECKED when there is no problem, else stays MAPPED.
    """
    try:
        table = open_batch_table(batch)
        reader = RowReader(batch, table)
        reader.max_problems = MAX_PROBLEMS
        _start(batch, table, reader)
        classifier = _Classifier(batch, reader, remember=True)
        rows = new = 0
        pairs = (([(row, None) for row in chunk], covered) for chunk, covered in _chunks(reader.rows(), CHUNK_ROWS))
        for chunk, covered in _read_ahead(pairs):
            rows += covered
            new += len(classifier.new_rows(chunk)) if chunk else 0
    except TableError as error:
        problems, count, rows, new, duplicates = error.problems, len(error.problems), 0, 0, 0
    except ImportProblems as error:
        problems, count, rows, new, duplicates = error.problems, error.count, 0, 0, 0
    else:
        problems, count, duplicates = _in_row_order(reader.problems), reader.problem_count, classifier.duplicates
    finally:
        batch.file.close()
    batch.mapping = {**batch.mapping, "check": {"rows": rows, "new": new, "duplicates": duplicates, "problems": count}}
    if rows:
        batch.total_rows = rows
    batch.problems = problem_dicts(problems)
    batch.status = ImportBatch.Status.MAPPED if count else ImportBatch.Status.CHECKED
    batch.save()
    return problems


def _in_row_order(problems: list[Problem]) -> list[Problem]:
    """Problems found by the reading thread and by the duplicate check, merged by row and column."""
    return sorted(problems, key=lambda problem: (problem.row or 0, problem.column or 0))


def progress_key(batch_id: int) -> str:
    return f"surveys:import-progress:{batch_id}"


def get_progress(batch: ImportBatch) -> tuple[int, int]:
    """(rows processed, rows in the file) of a running or finished import."""
    if batch.status == ImportBatch.Status.RUNNING:
        progress = cache.get(progress_key(batch.pk))
        if progress:
            return progress["processed"], progress["total"] or batch.total_rows
    return batch.processed_rows, batch.total_rows


def _set_progress(batch_id: int, processed: int, total: int) -> None:
    cache.set(progress_key(batch_id), {"processed": processed, "total": total}, PROGRESS_TIMEOUT)


def run_import(batch: ImportBatch) -> ImportBatch:
    """Import the batch's rows all or nothing; rows already in the study are skipped as duplicates.

    The file is read and checked again inside one transaction; if anything is wrong nothing is
    written, the batch becomes FAILED with every problem listed. A batch already DONE is left
    alone, so running it twice (a retried task) imports nothing twice. When rows were added,
    ``answers_changed`` is sent, so the study's findings are recomputed after the commit.
    """
    ImportBatch.objects.filter(pk=batch.pk).exclude(status=ImportBatch.Status.DONE).update(
        status=ImportBatch.Status.RUNNING
    )
    _set_progress(batch.pk, 0, batch.total_rows)
    started = timezone.now()
    try:
        with transaction.atomic():
            # Lock the study so two imports into it run one after the other (PostgreSQL; SQLite
            # serialises writers anyway) and the second sees the first's submissions as duplicates.
            # The batch update also takes SQLite's write lock before ids are reserved.
            Study.objects.select_for_update().only("pk").get(pk=batch.study_id)
            locked = ImportBatch.objects.select_for_update().get(pk=batch.pk)
            if locked.status == ImportBatch.Status.DONE:
                batch.refresh_from_db()
                return batch
            created, duplicates, rows = _write_rows(batch, started)
            batch.status = ImportBatch.Status.DONE
            batch.created_count, batch.duplicate_count = created, duplicates
            batch.total_rows = batch.processed_rows = rows
            batch.finished_at = timezone.now()
            batch.problems = []
            batch.save(update_fields=["status", "created_count", "duplicate_count", "total_rows", "processed_rows",
                                      "finished_at", "problems"])
            if created:
                # The findings app recomputes the study's indicators once this commits (through
                # the signal: surveys never imports findings). An import of duplicates only
                # changed no answer.
                announce_answers_changed(batch.study, batch.created_by)
    except (ImportProblems, TableError) as error:
        count = getattr(error, "count", len(error.problems))
        ImportBatch.objects.filter(pk=batch.pk).update(
            status=ImportBatch.Status.FAILED, problems=problem_dicts(error.problems), finished_at=timezone.now(),
            mapping={**batch.mapping, "check": {**batch.mapping.get("check", {}), "problems": count}},
        )
        batch.refresh_from_db()
        logger.info("Import %s into %s failed: %s problems", batch.pk, batch.study_id, count)
        return batch
    except Exception:
        ImportBatch.objects.filter(pk=batch.pk).update(status=ImportBatch.Status.FAILED, finished_at=timezone.now())
        raise
    finally:
        batch.file.close()
        cache.delete(progress_key(batch.pk))
    logger.info(
        "Import %s into study %s: %s rows, %s new, %s duplicates in %.1f s", batch.pk, batch.study_id,
        rows, created, duplicates, (timezone.now() - started).total_seconds(),
    )
    return batch


def _write_rows(batch: ImportBatch, now) -> tuple[int, int, int]:
    """Stream, check and write every row; raise ImportProblems (rolling back) if any row is wrong."""
    table = open_batch_table(batch)
    writer = writers.for_connection()
    try:
        return _write_with(batch, table, writer, now)
    finally:
        writer.close()


def _write_with(batch, table, writer, now) -> tuple[int, int, int]:
    reader = RowReader(batch, table, encode=writer.encode)
    reader.max_problems = MAX_PROBLEMS
    _start(batch, table, reader)
    classifier = _Classifier(batch, reader, remember=False)
    writer.begin(batch, now, expected_answers=batch.total_rows * len(reader.answer_columns))

    def prepared():
        # In the reading thread: with ids known up front (SQLite) the rows are made ready to
        # store there too, leaving the importing thread only the database's work.
        for chunk, covered in _chunks(reader.rows(), CHUNK_ROWS):
            if writer.ids_up_front:
                yield [(row, writer.records(row)) for row in chunk], covered
            else:
                yield [(row, None) for row in chunk], covered

    rows = created = 0
    for chunk, covered in _read_ahead(prepared()):
        rows += covered
        new = classifier.new_rows(chunk) if chunk else []
        if reader.problem_count:
            # Keep reading to list every problem, but write nothing more: it will be rolled back.
            continue
        if new and not writer.ids_up_front:
            respondent_ids = writer.reserve_ids(Respondent, len(new))
            submission_ids = writer.reserve_ids(Submission, len(new))
            new = [(row, writer.records(row, respondent_id, submission_id))
                   for (row, _none), respondent_id, submission_id in zip(new, respondent_ids, submission_ids, strict=True)]
        if new:
            writer.write([records for _row, records in new])
        created += len(new)
        _set_progress(batch.pk, rows, max(batch.total_rows, rows))
    if reader.problem_count:
        raise ImportProblems(_in_row_order(reader.problems), reader.problem_count)
    writer.finish()
    return created, classifier.duplicates, rows


def start_import(batch: ImportBatch) -> ImportBatch:
    """Run a checked import now (small files) or as a background job (above the threshold).

    The threshold is ``settings.OGMONITOR_IMPORT_BACKGROUND_ROWS`` (default 5,000 rows). Without
    a broker (``REDIS_URL`` unset) Celery runs the job eagerly, in this process, anyway.
    """
    from ..tasks import run_import_task

    threshold = getattr(settings, "OGMONITOR_IMPORT_BACKGROUND_ROWS", 5000)
    if batch.total_rows <= threshold:
        return run_import(batch)
    ImportBatch.objects.filter(pk=batch.pk).update(status=ImportBatch.Status.RUNNING, processed_rows=0)
    _set_progress(batch.pk, 0, batch.total_rows)

    def enqueue():
        result = run_import_task.delay(batch.pk)
        ImportBatch.objects.filter(pk=batch.pk).update(task_id=result.id or "")

    # The worker must find the batch RUNNING, so the job is queued once that is committed.
    transaction.on_commit(enqueue)
    batch.refresh_from_db()
    return batch
