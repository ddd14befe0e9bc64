"""Import of survey responses from Google Forms, KoboToolbox/ODK or plain CSV/XLSX files.

The steps, each a function of :mod:`.services` taking an ``ImportBatch``:

1. :func:`prepare_import` — detect the format (:func:`.mapping.detect_format`), propose which
   column holds what (:func:`.mapping.propose_columns`) and find values no choice matches;
2. :func:`save_mapping` — store the user's confirmed mapping;
3. :func:`check_import` — the dry run: every problem, located by row and column, nothing written;
4. :func:`start_import` / :func:`run_import` — write all or nothing, skipping rows already in the
   study (same instance id, or the same row hash for files without ids).

:mod:`.pipeline` turns rows into data (streamed, with cached per-value converters) and
:mod:`.writers` stores them (``executemany`` on SQLite, ``COPY`` on PostgreSQL).
"""

from .mapping import FormIndex, detect_format, propose_columns
from .services import (
    ImportProblems,
    check_import,
    create_batch,
    get_progress,
    prepare_import,
    run_import,
    save_mapping,
    start_import,
)

__all__ = [
    "FormIndex", "ImportProblems", "check_import", "create_batch", "detect_format", "get_progress", "prepare_import",
    "propose_columns", "run_import", "save_mapping", "start_import",
]
