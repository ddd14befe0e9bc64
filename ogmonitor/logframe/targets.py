"""How far an indicator's actual value is from its target: pure functions, no database.

:func:`evaluate` answers three questions for one indicator on one day:

* **percent** — the actual as a share of the target (of the lower end for a range; a milestone
  is 0 or 100);
* **met** — exact: equal; minimum: at least; range: within both ends; milestone: actual ≥ 1;
* **status** — :class:`Status`: *met*; *above* the target (more than an exact number, or above
  the upper end of a range — worth a look, not a success to count); otherwise *not started*
  before the start date, and *on track* or *behind* against a straight-line expectation: on day
  *d* of a period from *start* to *due* the indicator should have reached
  ``target × (d − start) / (due − start)``. A milestone has no share to reach: it is behind only
  once its due date has passed without it.

A missing actual (a hand-entered indicator with no value yet) counts as 0 for the status and
has no percent. A numeric target left blank gives the status *no target*.
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _

from .models import Indicator

HUNDRED = Decimal(100)


Kind = Indicator.TargetKind


class Status(models.TextChoices):
    NOT_STARTED = "not_started", _("not started")
    ON_TRACK = "on_track", _("on track")
    BEHIND = "behind", _("behind")
    MET = "met", _("met")
    ABOVE = "above", _("above target")
    NO_TARGET = "no_target", _("no target set")


@dataclass(frozen=True)
class Evaluation:
    """An indicator's actual against its target on ``today``."""

    kind: str
    target: Decimal | None
    target_max: Decimal | None
    actual: Decimal | None
    #: The actual as a percentage of the target (of the lower end of a range); None without both.
    percent: Decimal | None
    met: bool
    #: More than an exact target, or above the upper end of a range.
    above: bool
    status: str
    #: What a straight line from start to due expects by today (None for milestones).
    expected: Decimal | None

    @property
    def status_label(self) -> str:
        return str(Status(self.status).label)

    @property
    def bar_percent(self) -> Decimal:
        """The percent clipped to 0–100, for drawing a bar."""
        if self.percent is None:
            return Decimal(0)
        return max(Decimal(0), min(HUNDRED, self.percent))


def _decimal(value) -> Decimal | None:
    if value is None:
        return None
    return value if isinstance(value, Decimal) else Decimal(str(value))


def elapsed_share(start: dt.date, due: dt.date, today: dt.date) -> Decimal:
    """The share (0–1) of the period from ``start`` to ``due`` that has passed on ``today``.

    A period of a single day (or a due date before the start) is wholly passed on its due day.
    """
    if today >= due:
        return Decimal(1)
    if today <= start:
        return Decimal(0)
    return Decimal((today - start).days) / Decimal((due - start).days)


def is_met(kind: str, target, target_max, actual) -> bool:
    """Whether ``actual`` meets the target of ``kind`` (see the module's docstring)."""
    actual = _decimal(actual)
    if actual is None:
        return False
    if kind == Kind.MILESTONE:
        return actual >= 1
    target, target_max = _decimal(target), _decimal(target_max)
    if target is None:
        return False
    if kind == Kind.EXACT:
        return actual == target
    if kind == Kind.RANGE:
        return target <= actual and (target_max is None or actual <= target_max)
    return actual >= target


def is_above(kind: str, target, target_max, actual) -> bool:
    """More than an exact target, or above the upper end of a range; never for minimum or milestone."""
    actual, target, target_max = _decimal(actual), _decimal(target), _decimal(target_max)
    if actual is None:
        return False
    if kind == Kind.EXACT:
        return target is not None and actual > target
    if kind == Kind.RANGE:
        return target_max is not None and actual > target_max
    return False


def evaluate(indicator_kind: str, target, target_max, actual, *, start: dt.date, due: dt.date,
             today: dt.date) -> Evaluation:
    """The :class:`Evaluation` of an indicator of ``indicator_kind`` on ``today``."""
    kind = Kind(indicator_kind)
    target, target_max, actual = _decimal(target), _decimal(target_max), _decimal(actual)
    met = is_met(kind, target, target_max, actual)
    above = is_above(kind, target, target_max, actual)
    value = actual if actual is not None else Decimal(0)

    if kind == Kind.MILESTONE:
        percent = None if actual is None else (HUNDRED if met else Decimal(0))
        expected = None
    elif target is None:
        percent = expected = None
    else:
        percent = None if actual is None or target == 0 else actual * HUNDRED / target
        expected = target * elapsed_share(start, due, today)

    if met:
        status = Status.MET
    elif above:
        status = Status.ABOVE
    elif kind != Kind.MILESTONE and target is None:
        status = Status.NO_TARGET
    elif today < start:
        status = Status.NOT_STARTED
    elif kind == Kind.MILESTONE:
        status = Status.BEHIND if today > due else Status.ON_TRACK
    else:
        status = Status.BEHIND if value < expected else Status.ON_TRACK

    return Evaluation(
        kind=kind, target=target, target_max=target_max, actual=actual, percent=percent, met=met,
        above=above, status=status, expected=expected,
    )
