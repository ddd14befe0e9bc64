"""The findings engine: recompute a study's indicators, read them, compare rounds.

* :func:`compute_study` — recompute every indicator of a study in the database (one cube query
  over the answers, rolled up to every breakdown) and replace its result rows;
* :func:`schedule_recompute` — the call for code that changes answers (an import, a
  correction, a review) or definitions: recomputes after the transaction commits, in the
  background when a broker is configured;
* :func:`results_for` — the figures as a viewer may see them (small cells suppressed);
* :func:`compare_studies` — the same indicators in two rounds, with the change, p-value and
  verdict;
* :func:`indicator_result_detail` and :func:`render_sentence` — a number's provenance, a
  finding's sentence with the current figures.
"""

from django.core.cache import cache
from django.db import transaction

from .compare import (
    VERDICT_LABELS,
    Comparison,
    Rate,
    compare_studies,
    is_small_rate,
    withhold_small_rates,
)
from .compute import COUNTED, compute_study, percentage
from .results import (
    Cell,
    IndicatorFigures,
    ResultDetail,
    describe_indicator,
    format_percent,
    indicator_result_detail,
    may_see_small_cells,
    min_cell_size,
    percent_text,
    render_sentence,
    results_for,
    signed_points,
)

__all__ = [
    "COUNTED", "VERDICT_LABELS", "Cell", "Comparison", "IndicatorFigures", "Rate", "ResultDetail",
    "compare_studies", "compute_study", "is_small_rate", "describe_indicator", "format_percent", "percent_text", "indicator_result_detail",
    "may_see_small_cells", "min_cell_size", "percentage", "render_sentence", "results_for", "schedule_recompute", "signed_points", "withhold_small_rates",
]


#: Seconds a queued recomputation waits in a worker, so a burst of submissions costs one run.
RECOMPUTE_DELAY = 5


def pending_key(study_id: int) -> str:
    return f"findings:recompute-pending:{study_id}"


def schedule_recompute(study, user=None) -> None:
    """Recompute ``study``'s indicators once the current transaction commits (at once outside one).

    Runs as the Celery task :func:`~ogmonitor.findings.tasks.recompute_study_task`: in a worker
    when ``REDIS_URL`` is set, in-process otherwise. A transaction rolled back schedules nothing.
    With a worker, changes arriving while a run is queued join that run instead of queueing
    another (a cache key marks it pending; the task clears it as it starts, so a change made
    during a run schedules the next one).
    """
    from ..tasks import recompute_study_task

    study_id = study.pk
    user_id = user.pk if getattr(user, "is_authenticated", False) else None

    def enqueue():
        if recompute_study_task.app.conf.task_always_eager:
            recompute_study_task.delay(study_id, user_id)
        elif cache.add(pending_key(study_id), 1, timeout=RECOMPUTE_DELAY + 600):
            recompute_study_task.apply_async((study_id, user_id), countdown=RECOMPUTE_DELAY)

    transaction.on_commit(enqueue)
