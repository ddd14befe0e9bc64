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

from django.db import transaction

from .compare import VERDICT_LABELS, Comparison, Rate, compare_studies
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
    render_sentence,
    results_for,
)

__all__ = [
    "COUNTED", "VERDICT_LABELS", "Cell", "Comparison", "IndicatorFigures", "Rate", "ResultDetail",
    "compare_studies", "compute_study", "describe_indicator", "format_percent", "indicator_result_detail",
    "may_see_small_cells", "min_cell_size", "percentage", "render_sentence", "results_for", "schedule_recompute",
]


def schedule_recompute(study, user=None) -> None:
    """Recompute ``study``'s indicators once the current transaction commits (at once outside one).

    Runs as the Celery task :func:`~ogmonitor.findings.tasks.recompute_study_task`: in a worker
    when ``REDIS_URL`` is set, in-process otherwise. A transaction rolled back schedules nothing.
    """
    from ..tasks import recompute_study_task

    study_id = study.pk
    user_id = user.pk if getattr(user, "is_authenticated", False) else None
    transaction.on_commit(lambda: recompute_study_task.delay(study_id, user_id))
