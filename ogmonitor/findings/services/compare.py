"""Round comparison: the same indicator (same code) in two studies, side by side.

Each side is the indicator's stored overall result: counts computed from answers, or a round
without microdata's published figure. The change is in percentage points; the p-value is the
pooled two-proportion z-test (statsmodels) whenever both sides have a count and a base. A
published percentage with a known base is turned into a count (round(p × n)); a published
range is compared by its lower bound; either is said in the comparison's notes, as is a base
marked uncertain.
"""

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ogmonitor.lib import stats
from ogmonitor.surveys.models import AggregateResult, Study

from ..models import Indicator, IndicatorResult
from .compute import FOUR_PLACES, published_cell, published_figure
from .results import format_percent

VERDICT_LABELS = {
    stats.ROSE: gettext_lazy("rose"),
    stats.FELL: gettext_lazy("fell"),
    stats.NO_CLEAR_CHANGE: gettext_lazy("no clear change"),
}
RESPONDENTS, COMMUNITIES = AggregateResult.Unit.RESPONDENTS, AggregateResult.Unit.COMMUNITIES


@dataclass
class Rate:
    """One side of a comparison. ``percentage`` is the lower bound when a range was published."""

    study: Study
    numerator: int | None
    denominator: int | None
    percentage: Decimal | None
    percentage_upper: Decimal | None = None
    base_uncertain: bool = False
    unit: str = RESPONDENTS
    published: bool = False

    @property
    def is_range(self) -> bool:
        return self.percentage_upper is not None and self.percentage_upper != self.percentage

    def counts(self) -> tuple[int, int, bool] | None:
        """(count, base, estimated) for the test: the count itself, or round(p × n) when only
        a percentage and its base are known; None without a base."""
        if self.numerator is not None and self.denominator:
            return self.numerator, self.denominator, False
        if self.percentage is not None and self.denominator:
            estimate = int((self.percentage * self.denominator / 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))
            return min(max(estimate, 0), self.denominator), self.denominator, True
        return None


@dataclass
class Comparison:
    code: str
    title: str
    current: Rate | None
    previous: Rate | None
    change_pp: Decimal | None = None
    p_value: float | None = None
    verdict: str = stats.NO_CLEAR_CHANGE
    notes: list[str] = field(default_factory=list)

    @property
    def verdict_label(self) -> str:
        return str(VERDICT_LABELS[self.verdict])

    @property
    def tested(self) -> bool:
        return self.p_value is not None


def is_small_rate(rate: Rate | None, threshold: int) -> bool:
    """A share of fewer respondents than the minimum cell size: withheld from the public, as
    :func:`~.results.results_for` withholds the same overall figure. Counts of communities and
    published figures are never withheld (they are not about identifiable people)."""
    return bool(
        rate is not None and not rate.published and rate.unit == RESPONDENTS
        and rate.denominator is not None and rate.denominator < threshold
    )


def withhold_small_rates(rows: list[Comparison], threshold: int) -> list[Comparison]:
    """The comparison as the public sees it: a small side's figures are blanked, and so are the
    change and its test, which together with the other side would give the small one back."""
    for row in rows:
        small = [side for side in (row.current, row.previous) if is_small_rate(side, threshold)]
        for side in small:
            side.numerator = side.denominator = side.percentage = side.percentage_upper = None
        if small:
            row.change_pp, row.p_value, row.verdict = None, None, stats.NO_CLEAR_CHANGE
            row.notes.append(str(_("A figure is withheld: too few respondents to publish it without identifying them.")))
    return rows


def _unit(indicator: Indicator, figure: AggregateResult | None) -> str:
    if indicator.kind == Indicator.Kind.COMMUNITY:
        return COMMUNITIES
    if indicator.kind == Indicator.Kind.PUBLISHED and figure is not None:
        return figure.unit
    return RESPONDENTS


def rate_of(study: Study, indicator: Indicator, result: IndicatorResult | None, figures: dict) -> Rate | None:
    """One round's side of a comparison: the indicator's overall result (or published figure).

    Public with its siblings so the activity page's evidence chain compares many indicators'
    rounds from rows it read in bulk, rather than calling :func:`compare_studies` per study.
    """
    figure = published_figure(indicator, figures) if indicator.kind == Indicator.Kind.PUBLISHED else None
    if result is None:
        return None
    return Rate(
        study=study, numerator=result.numerator, denominator=result.denominator, percentage=result.percentage,
        percentage_upper=result.percentage_upper, base_uncertain=result.base_uncertain,
        unit=_unit(indicator, figure), published=indicator.kind == Indicator.Kind.PUBLISHED,
    )


def rate_from_figure(study: Study, figure: AggregateResult) -> Rate:
    """A side read straight from a published figure (an aggregate-only round without that indicator)."""
    cell = published_cell(figure)
    percent = cell.percentage
    if percent is None and cell.numerator is not None and cell.denominator:
        percent = (Decimal(100 * cell.numerator) / cell.denominator).quantize(FOUR_PLACES, rounding=ROUND_HALF_UP)
    return Rate(
        study=study, numerator=cell.numerator, denominator=cell.denominator, percentage=percent,
        percentage_upper=cell.percentage_upper, base_uncertain=cell.base_uncertain, unit=figure.unit, published=True,
    )


def compare_studies(current: Study, previous: Study) -> list[Comparison]:
    """Every indicator of ``current`` that ``previous`` also has (same code), in ``current``'s order.

    A round without microdata that defines no indicator of that code is matched through its
    published figure whose key is the indicator's question name (or code) and whose choice is
    the option it counts. Reads stored results: recompute both studies first for fresh numbers.
    """
    indicators = list(current.indicators.order_by("position", "code"))
    earlier = {indicator.code: indicator for indicator in previous.indicators.all()}
    results = {
        result.indicator_id: result
        for result in IndicatorResult.objects.overall().filter(indicator__study__in=[current.pk, previous.pk])
    }
    previous_figures, current_figures = {}, {}
    for figure in AggregateResult.objects.filter(study__in=[current.pk, previous.pk]):
        side = previous_figures if figure.study_id == previous.pk else current_figures
        side[(figure.key, figure.choice)] = figure
    comparisons = []
    for indicator in indicators:
        then = earlier.get(indicator.code)
        before = previous_rate(indicator, previous, then, results, previous_figures)
        if then is None and before is None:
            continue  # the previous round does not measure it
        now = rate_of(current, indicator, results.get(indicator.pk), current_figures)
        comparisons.append(compare_rates(indicator, now, before))
    return comparisons


def previous_rate(indicator: Indicator, previous: Study, then: Indicator | None, results: dict, figures: dict) -> Rate | None:
    """``indicator``'s side in the ``previous`` round: its indicator of the same code (``then``),
    or, in a round without microdata, the published figure matching it; None without either."""
    if then is not None:
        return rate_of(previous, then, results.get(then.pk), figures)
    figure = fallback_figure(indicator, figures) if previous.aggregate_only else None
    return rate_from_figure(previous, figure) if figure is not None else None


def fallback_figure(indicator: Indicator, figures: dict) -> AggregateResult | None:
    """The published figure an aggregate-only round holds for ``indicator``, if one matches."""
    if indicator.kind == Indicator.Kind.PUBLISHED:
        return published_figure(indicator, figures)
    if len(indicator.numerator_choices) != 1:
        return None
    choice = indicator.numerator_choices[0]
    return figures.get((indicator.question_name, choice)) or figures.get((indicator.code, choice))


PREVIOUS, CURRENT = "previous", "current"


def _note(kind: str, side: str) -> str:
    """A whole sentence per case and side, so that translators never glue fragments."""
    notes = {
        ("range", PREVIOUS): _("The previous round published a range (%(low)s–%(high)s%%): the comparison uses its lower bound."),
        ("range", CURRENT): _("This round's figure is a range (%(low)s–%(high)s%%): the comparison uses its lower bound."),
        ("uncertain", PREVIOUS): _("The base of the previous round's figure is uncertain: read the test with care."),
        ("uncertain", CURRENT): _("The base of this round's figure is uncertain: read the test with care."),
        ("estimated", PREVIOUS): _("The previous round published only a percentage: the test takes it as %(count)s of %(base)s."),
        ("estimated", CURRENT): _("This round has only a percentage: the test takes it as %(count)s of %(base)s."),
    }
    return notes[(kind, side)]


def compare_rates(indicator: Indicator, now: Rate | None, before: Rate | None) -> Comparison:
    comparison = Comparison(code=indicator.code, title=indicator.title, current=now, previous=before)
    if now is None or before is None or now.percentage is None or before.percentage is None:
        comparison.notes.append(_("One of the rounds has no figure for this indicator yet."))
        return comparison
    comparison.change_pp = (now.percentage - before.percentage).quantize(FOUR_PLACES)
    for rate, side in ((before, PREVIOUS), (now, CURRENT)):
        if rate.is_range:
            comparison.notes.append(
                _note("range", side) % {"low": format_percent(rate.percentage), "high": format_percent(rate.percentage_upper)}
            )
        if rate.base_uncertain:
            comparison.notes.append(_note("uncertain", side))
    if now.unit != before.unit:
        comparison.notes.append(_("The rounds count different units (respondents, communities): the change is not tested."))
        return comparison
    counts_now, counts_before = now.counts(), before.counts()
    if counts_now is None or counts_before is None:
        comparison.notes.append(_("No count or base was published, so the change cannot be tested."))
        return comparison
    for (k, n, estimated), side in ((counts_before, PREVIOUS), (counts_now, CURRENT)):
        if estimated:
            comparison.notes.append(_note("estimated", side) % {"count": k, "base": n})
    comparison.p_value = stats.two_proportion_test(counts_now[0], counts_now[1], counts_before[0], counts_before[1])
    comparison.verdict = stats.verdict(comparison.p_value, float(comparison.change_pp))
    return comparison
