"""Reading computed results: suppression of small cells, provenance, finding sentences.

Results are read from the stored :class:`IndicatorResult` rows (a fixed number of queries
whatever the number of respondents). A breakdown cell of fewer than
``settings.OGMONITOR_MIN_CELL_SIZE`` respondents (default 5) could point at a person, so on
public output its numbers are hidden; the study's coordinators see them, flagged.
"""

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db.models import Count
from django.utils import formats
from django.utils.translation import gettext as _

from ogmonitor.accounts import policy
from ogmonitor.surveys.models import AggregateResult, Choice, Question, Study

from ..labels import DIMENSIONS, dimension_label, group_labels, sort_cells
from ..models import Indicator, IndicatorResult

Dimension = IndicatorResult.Dimension
DEFAULT_MIN_CELL_SIZE = 5
ONE_PLACE = Decimal("0.1")


def min_cell_size() -> int:
    return int(getattr(settings, "OGMONITOR_MIN_CELL_SIZE", DEFAULT_MIN_CELL_SIZE))


def may_see_small_cells(viewer, study: Study) -> bool:
    """Those who manage the study see every cell; everyone else sees small ones suppressed."""
    return viewer is not None and getattr(viewer, "is_authenticated", False) and policy.can_manage_study(viewer, study)


@dataclass
class Cell:
    """One figure as shown to one viewer. ``suppressed``: its numbers are hidden (None) from
    this viewer; ``small``: its base is below the minimum cell size (whoever looks)."""

    dimension: str
    group_key: str
    label: str
    numerator: int | None
    denominator: int | None
    percentage: Decimal | None
    percentage_upper: Decimal | None
    ci_low: float | None  # percent, 0–100
    ci_high: float | None
    base_uncertain: bool
    computed_at: object
    result_id: int | None = None
    small: bool = False
    suppressed: bool = False

    def hide(self) -> None:
        self.suppressed = True
        self.numerator = self.denominator = self.percentage = self.percentage_upper = None
        self.ci_low = self.ci_high = None


@dataclass
class IndicatorFigures:
    """An indicator's overall figure and its breakdowns (dimension → cells, in display order)."""

    indicator: Indicator
    overall: Cell | None
    breakdowns: dict[str, list[Cell]] = field(default_factory=dict)
    #: Breakdowns left out because they have more groups than the caller asked for
    #: (dimension → number of groups): a national round's 1,600 communities, say.
    omitted: dict[str, int] = field(default_factory=dict)

    @property
    def computed_at(self):
        return self.overall.computed_at if self.overall else None


def _cell(result: IndicatorResult, label: str) -> Cell:
    return Cell(
        dimension=result.dimension, group_key=result.group_key, label=label, numerator=result.numerator,
        denominator=result.denominator, percentage=result.percentage, percentage_upper=result.percentage_upper,
        ci_low=result.ci_low, ci_high=result.ci_high, base_uncertain=result.base_uncertain,
        computed_at=result.computed_at, result_id=result.pk,
    )


def _suppress(overall: Cell | None, breakdowns: dict[str, list[Cell]], threshold: int, hide: bool) -> None:
    """Flag cells of fewer than ``threshold`` respondents and, if ``hide``, hide them.

    When a single cell of a breakdown would be hidden, the next smallest is hidden too:
    otherwise the overall figure minus the visible cells gives the hidden one back.
    """
    def is_small(cell: Cell) -> bool:
        return cell.denominator is not None and cell.denominator < threshold

    if overall is not None and is_small(overall):
        overall.small = True
        if hide:
            overall.hide()
    for cells in breakdowns.values():
        small = [cell for cell in cells if is_small(cell)]
        for cell in small:
            cell.small = True
        if not hide:
            continue
        if len(small) == 1 and len(cells) > 1 and not (overall and overall.suppressed):
            others = sorted((c for c in cells if c is not small[0]), key=lambda c: c.denominator or 0)
            small.append(others[0])
        for cell in small:
            cell.hide()


def results_for(
    study: Study, *, viewer=None, suppress: bool | None = None, codes=None, max_groups: int | None = None,
) -> list[IndicatorFigures]:
    """Every indicator of ``study`` with its overall figure and breakdowns, as ``viewer`` may see them.

    Shares of respondents have small cells suppressed (see the module's docstring) unless the
    viewer manages the study (or the caller, e.g. a command run on the server, passes
    ``suppress=False``); counts of communities and published figures are shown as they are.
    Groups are labelled in the active language. Indicators never computed have ``overall`` None.

    ``codes`` limits the indicators read. ``max_groups`` leaves out (and counts, in
    ``omitted``) any breakdown with more groups than that, so that a page summing up a
    national round reads a few hundred rows instead of every community of every indicator;
    0 reads the overall figures only. Suppression works within one breakdown, so leaving a
    whole breakdown out never reveals a hidden cell of another.
    """
    threshold = min_cell_size()
    hide = not may_see_small_cells(viewer, study) if suppress is None else suppress
    indicators = study.indicators.select_related("nap_area", "nap_activity").order_by("position", "code")
    if codes is not None:
        indicators = indicators.filter(code__in=list(codes))
    indicators = list(indicators)
    rows = IndicatorResult.objects.filter(indicator__in=[indicator.pk for indicator in indicators])
    omitted: dict[tuple[int, str], int] = {}
    if max_groups is not None:
        sizes = list(
            rows.exclude(dimension=Dimension.OVERALL).values_list("indicator_id", "dimension")
            .annotate(groups=Count("pk")).order_by()
        )
        # Per dimension, not per indicator: a breakdown is large for every indicator or none
        # (indicators of one study share its communities), give or take empty groups.
        left_out = {dimension for _indicator, dimension, groups in sizes if groups > max_groups}
        omitted = {(indicator, dimension): groups for indicator, dimension, groups in sizes if dimension in left_out}
        rows = rows.exclude(dimension__in=left_out)
    results = list(rows)
    labels = group_labels((r.dimension, r.group_key) for r in results if r.dimension)
    by_indicator: dict[int, list[IndicatorResult]] = {}
    for result in results:
        by_indicator.setdefault(result.indicator_id, []).append(result)
    figures = []
    for indicator in indicators:
        overall, grouped = None, {}
        for result in by_indicator.get(indicator.pk, []):
            if result.dimension == Dimension.OVERALL:
                overall = _cell(result, dimension_label(""))
            else:
                grouped.setdefault(result.dimension, []).append(_cell(result, labels[(result.dimension, result.group_key)]))
        breakdowns = {d: sort_cells(d, grouped[d]) for d in DIMENSIONS if d in grouped}
        if indicator.kind == Indicator.Kind.QUESTION:
            _suppress(overall, breakdowns, threshold, hide)
        figures.append(IndicatorFigures(
            indicator=indicator, overall=overall, breakdowns=breakdowns,
            omitted={d: n for (pk, d), n in omitted.items() if pk == indicator.pk},
        ))
    return figures


# --- Provenance ----------------------------------------------------------------------------------


@dataclass
class ResultDetail:
    """Where a number comes from: the counts behind it and the indicator's definition in words."""

    code: str
    title: str
    dimension: str
    group: str
    numerator: int | None
    denominator: int | None
    percentage: Decimal | None
    percentage_upper: Decimal | None
    ci_low: float | None
    ci_high: float | None
    base_uncertain: bool
    computed_at: object
    definition: str
    source_note: str = ""
    suppressed: bool = False


def _quoted(names: list[str], labels: dict[str, str]) -> str:
    return ", ".join(f"“{labels.get(name) or name}”" for name in names)


def _question_texts(study: Study, names: list[str]) -> tuple[dict[str, str], dict[tuple[str, str], str]]:
    """Labels of questions (by name) and of their choices, in the active language, from the latest version."""
    questions, choices = {}, {}
    latest = study.current_questionnaire
    if latest is None:
        return questions, choices
    lists = {}
    for question in Question.objects.filter(questionnaire=latest, name__in=names):
        questions[question.name] = question.label or question.name
        lists[question.list_name] = question.name
    for choice in Choice.objects.filter(questionnaire=latest, list_name__in=list(lists)):
        choices[(lists[choice.list_name], choice.name)] = choice.label or choice.name
    return questions, choices


def describe_indicator(indicator: Indicator) -> tuple[str, str]:
    """(definition in words, source note) of how ``indicator`` is counted, in the active language."""
    study = indicator.study
    if indicator.kind == Indicator.Kind.PUBLISHED:
        key = indicator.aggregate_key or indicator.question_name or indicator.code
        figure = AggregateResult.objects.filter(study=study, key=key, choice=indicator.aggregate_choice).first()
        if figure is None:
            return _("A published figure of this round (key “%(key)s”), not found among its published results.") % {"key": key}, ""
        return (
            _("Published figure of this round: “%(label)s”. No individual answers are held for it.") % {"label": figure.label},
            figure.source_note,
        )
    names = [indicator.question_name] + ([indicator.filter_question] if indicator.base == Indicator.Base.FILTER else [])
    questions, choices = _question_texts(study, names)
    question = questions.get(indicator.question_name, indicator.question_name)
    chosen = _quoted(indicator.numerator_choices, {c: choices.get((indicator.question_name, c)) for c in indicator.numerator_choices})
    values = {"question": question, "choices": chosen}
    if indicator.base == Indicator.Base.FILTER:
        values["filter_question"] = questions.get(indicator.filter_question, indicator.filter_question)
        values["filter_choices"] = _quoted(
            indicator.filter_choices, {c: choices.get((indicator.filter_question, c)) for c in indicator.filter_choices}
        )
    if indicator.kind == Indicator.Kind.COMMUNITY:
        if indicator.community_rule == Indicator.CommunityRule.MAJORITY:
            text = _("Communities where most of the respondents who answered “%(question)s” chose %(choices)s, out of the communities where someone answered it.")
        else:
            text = _("Communities where at least one respondent chose %(choices)s in answer to “%(question)s”, out of the communities where someone answered it.")
    elif indicator.base == Indicator.Base.ANSWERED:
        text = _("Respondents who chose %(choices)s in answer to “%(question)s”, out of the respondents who answered the question.")
    elif indicator.base == Indicator.Base.FILTER:
        text = _("Respondents who chose %(choices)s in answer to “%(question)s”, out of the respondents who chose %(filter_choices)s in answer to “%(filter_question)s”.")
    else:
        text = _("Respondents who chose %(choices)s in answer to “%(question)s”, out of all respondents whose submissions count (submitted or approved).")
    return text % values, ""


def indicator_result_detail(result: IndicatorResult, *, viewer=None) -> ResultDetail:
    """The provenance of one result cell ("click a number"), hidden like the pages hide it."""
    indicator = result.indicator
    definition, source_note = describe_indicator(indicator)
    group = group_labels([(result.dimension, result.group_key)])[(result.dimension, result.group_key)] if result.dimension else ""
    cell = _cell(result, group)
    if indicator.kind == Indicator.Kind.QUESTION and cell.denominator is not None and cell.denominator < min_cell_size():
        cell.small = True
        if not may_see_small_cells(viewer, indicator.study):
            cell.hide()
    return ResultDetail(
        code=indicator.code, title=indicator.title, dimension=dimension_label(result.dimension), group=group,
        numerator=cell.numerator, denominator=cell.denominator, percentage=cell.percentage,
        percentage_upper=cell.percentage_upper, ci_low=cell.ci_low, ci_high=cell.ci_high,
        base_uncertain=cell.base_uncertain, computed_at=cell.computed_at, definition=definition,
        source_note=source_note, suppressed=cell.suppressed,
    )


# --- Finding sentences ----------------------------------------------------------------------------


def format_percent(value: Decimal | float | None) -> str:
    """A percentage with one decimal in the active language's number format (az: "23,1"); "—" when unknown.

    Rounded half up first: Django's number_format cuts extra decimals off rather than rounding.
    """
    if value is None:
        return "—"
    rounded = Decimal(str(value)).quantize(ONE_PLACE, rounding=ROUND_HALF_UP)
    return formats.number_format(rounded, decimal_pos=1)


def signed_points(change) -> str:
    """"+7,4" / "-1,9" (one decimal, the language's separator); "" when unknown."""
    if change is None:
        return ""
    text = format_percent(change)  # one decimal, rounded half up, the language's separator
    return f"+{text}" if change > 0 else text


def percent_text(percentage, upper=None) -> str:
    """"23,1" (az) / "23.1" (en); a published range as "90,0–95,0"; "—" when unknown."""
    if percentage is not None and upper is not None and upper != percentage:
        return f"{format_percent(percentage)}–{format_percent(upper)}"
    return format_percent(percentage)


def render_sentence(template: str, result) -> str:
    """Fill a finding's ``{percent}``, ``{numerator}``, ``{denominator}``, ``{complement_percent}``
    from ``result`` (an IndicatorResult or a Cell); unknown or hidden figures read "—"."""
    if result is None:
        percent = upper = numerator = denominator = None
    else:
        percent, upper = result.percentage, result.percentage_upper
        numerator, denominator = result.numerator, result.denominator
    complement = upper_complement = None
    if percent is not None:
        complement = 100 - Decimal(upper if upper is not None else percent)
        upper_complement = 100 - Decimal(percent) if upper is not None else None
    values = {
        "percent": percent_text(percent, upper),
        "complement_percent": percent_text(complement, upper_complement),
        "numerator": "—" if numerator is None else formats.number_format(numerator),
        "denominator": "—" if denominator is None else formats.number_format(denominator),
    }
    return template.format_map(_KeepUnknown(values))


class _KeepUnknown(dict):
    """Leaves a placeholder the template should not have had as written, rather than failing."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"
