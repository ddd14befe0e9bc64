"""What a study report says, computed once in one language, for every renderer to lay out.

:func:`report_content` reads the study, the findings engine's results (public view: small cells
suppressed, since a report is a public document), the comparison with the previous round, the
findings and the recommendations, and returns a :class:`ReportContent`: plain dataclasses with
every number already formatted in the report's language. The HTML, PDF, DOCX and XLSX renderers
only lay it out, so the four formats say exactly the same thing; ``content.snapshot`` is the
JSON of the figures used, stored with each built version.

Queries do not grow with the number of respondents: results are read from the stored
:class:`~ogmonitor.findings.models.IndicatorResult` rows, and respondents are counted by
category × gender in one aggregate query.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from decimal import Decimal

from django.db.models import Count
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ogmonitor.findings.models import Computation, Finding
from ogmonitor.findings.services import (
    COUNTED,
    compare_studies,
    describe_indicator,
    format_percent,
    min_cell_size,
    render_sentence,
    results_for,
)
from ogmonitor.lib import aztext
from ogmonitor.plans.models import Area
from ogmonitor.surveys.models import Gender, RespondentCategory, Study

SNAPSHOT_VERSION = 1


# --- The structure ----------------------------------------------------------------------------


@dataclass
class Figure:
    """A rate with its base and 95% interval; percentages are 0–100 (None when unknown/suppressed)."""

    percent: float | None = None
    numerator: int | None = None
    denominator: int | None = None
    ci_low: float | None = None
    ci_high: float | None = None
    percent_upper: float | None = None  # a published range such as 90–95%
    base_uncertain: bool = False
    suppressed: bool = False
    text: str = "—"  # "23.1%" in the report's number format
    interval_text: str = ""  # "13.8–35.6%"
    count_text: str = ""  # "15 / 65"


@dataclass
class BreakdownRow:
    label: str
    figure: Figure


@dataclass
class Breakdown:
    """An indicator broken down by one dimension (district, community, category, gender)."""

    dimension: str
    title: str
    rows: list[BreakdownRow]


@dataclass
class IndicatorRow:
    code: str
    title: str
    figure: Figure
    kind: str = ""
    definition: str = ""  # how it is counted, in words (the XLSX "definitions" sheet)
    activity: str = ""  # NAP activity number, e.g. "3.2"
    previous: Figure | None = None
    change_text: str = ""  # "+4.2 pp"
    verdict: str = ""
    breakdowns: list[Breakdown] = field(default_factory=list)
    findings: list[str] = field(default_factory=list)


@dataclass
class MatrixRow:
    label: str
    cells: list[str]  # the rate of each column's indicator in this group ("" if it has no such breakdown)
    is_heading: bool = False  # "By district"…: a row naming the breakdown that follows


@dataclass
class BreakdownMatrix:
    """The printed annex of one area: groups (rows) × the area's indicators (columns), rates only.

    Compact on purpose (a 40-community study stays a few pages); every interval and count of
    every group is in the XLSX annex, from the same :class:`Breakdown` rows.
    """

    columns: list[tuple[str, str]]  # (letter, indicator title)
    rows: list[MatrixRow]


@dataclass
class AreaSection:
    """Findings of one NAP area (or the indicators linked to no area, last)."""

    key: str  # "area-3" or "other": stable, for anchors, chart names and sheet names
    number: int | None
    title: str
    indicators: list[IndicatorRow] = field(default_factory=list)
    findings: list[str] = field(default_factory=list)  # the area's finding sentences, in order
    matrices: list[BreakdownMatrix] = field(default_factory=list)


@dataclass
class ComparisonRow:
    code: str
    title: str
    previous: Figure
    current: Figure
    change_text: str
    p_value_text: str
    verdict: str
    notes: list[str] = field(default_factory=list)
    verdict_code: str = ""  # rose, fell, no_clear_change ("" when not tested)


@dataclass
class Comparison:
    previous_title: str
    previous_period: str
    rows: list[ComparisonRow]
    note: str = ""


@dataclass
class RecommendationRow:
    number: int
    text: str
    priority: str
    addressee: str
    activities: str  # "1.1, 3.2"


@dataclass
class RespondentTable:
    """Respondents by category (rows) × gender (columns), with totals."""

    genders: list[str]
    rows: list[tuple[str, list[int], int]]
    totals: list[int]
    total: int


@dataclass
class Method:
    organization: str
    plan: str
    period: str
    districts: list[str]
    communities: list[str]
    channels: list[str]
    respondents: RespondentTable
    submissions: int
    paragraph: str  # the method told as sentences
    source_note: str = ""
    aggregate_only: bool = False


@dataclass
class KeyFigure:
    title: str
    figure: Figure


@dataclass
class Summary:
    paragraphs: list[str]
    key_figures: list[KeyFigure]


@dataclass
class Headings:
    """Every fixed word the renderers print, translated once."""

    summary: str
    key_figures: str
    method: str
    findings: str
    comparison: str
    recommendations: str
    indicator: str
    rate: str
    n: str
    interval: str
    previous: str
    change: str
    p_value: str
    verdict: str
    group: str
    category: str
    total: str
    priority: str
    addressee: str
    activities: str
    organization: str
    plan: str
    period: str
    districts: str
    communities: str
    channels: str
    respondents: str
    suppressed_note: str
    interval_note: str
    no_comparison: str
    no_recommendations: str
    no_findings: str
    generated: str
    page: str
    contents: str
    definitions: str
    chart_alt: str
    chart_axis: str
    chart_current: str
    chart_previous: str
    chart_interval: str
    breakdowns: str
    definition: str
    area: str
    findings_are_drafts: str
    code: str
    numerator: str
    denominator: str
    as_printed: str


@dataclass
class ReportContent:
    language: str
    study_slug: str
    title: str
    subtitle: str
    generated_at: str
    headings: Headings
    summary: Summary
    method: Method
    sections: list[AreaSection]
    comparison: Comparison | None
    recommendations: list[RecommendationRow]
    snapshot: dict
    findings_note: str = ""
    breakdowns_note: str = ""  # why some breakdowns are not printed (too many groups)
    glossary: list[tuple[str, str]] = field(default_factory=list)

    @property
    def has_breakdowns(self) -> bool:
        return any(section.matrices for section in self.sections)

    def indicator_rows(self) -> list[IndicatorRow]:
        return [row for section in self.sections for row in section.indicators]


# --- Building it --------------------------------------------------------------------------------


#: Groups a breakdown may have and still be printed: the seed's study has 4 districts and 12
#: communities; a national round's 1,600 communities would add hundreds of pages. Larger
#: breakdowns stay in the online results and the open data, and the annex says so.
PRINTED_GROUPS = 60


def _breakdowns_note(figures) -> str:
    omitted: dict[str, int] = {}
    for item in figures:
        for dimension, groups in item.omitted.items():
            omitted[dimension] = max(groups, omitted.get(dimension, 0))
    if not omitted:
        return ""
    listed = "; ".join(
        f"{_dimension_title(dimension)} ({formats.number_format(groups, force_grouping=True)})" for dimension, groups in omitted.items()
    )
    return _(
        "Breakdowns of more than %(max)s groups are not printed: %(list)s. They are in the online results "
        "and the open data."
    ) % {"max": PRINTED_GROUPS, "list": listed}


def report_content(study: Study, language: str) -> ReportContent:
    """Everything the report on ``study`` shows, in ``language`` (az or en), with its snapshot.

    Figures are read as the public sees them (``results_for(viewer=None)``): breakdown cells too
    small to publish are hidden, because a report is a public document.
    """
    with translation.override(language):
        study = Study.objects.select_related("organization", "plan", "previous").get(pk=study.pk)
        threshold = min_cell_size()
        headings = _headings(threshold)
        figures = results_for(study, viewer=None, max_groups=PRINTED_GROUPS)
        comparisons = compare_studies(study, study.previous) if study.previous_id else []
        previous_by_code = {c.code: c for c in comparisons}
        method = _method(study)
        areas = _areas(study, figures)
        overall_by_indicator = {f.indicator.pk: f.overall for f in figures}
        findings, drafts_only = _findings(study, overall_by_indicator)

        sections: dict[str, AreaSection] = {}
        for item in figures:
            area = areas.get(item.indicator.pk)
            section = _section(sections, area)
            definition, source_note = describe_indicator(item.indicator)
            comparison = previous_by_code.get(item.indicator.code)
            row = IndicatorRow(
                code=item.indicator.code,
                title=item.indicator.title,
                figure=_figure(item.overall),
                kind=str(item.indicator.get_kind_display()),
                definition=" ".join(part for part in (definition, source_note) if part),
                activity=item.indicator.nap_activity.number if item.indicator.nap_activity_id else "",
                breakdowns=[
                    Breakdown(dimension=dimension, title=_dimension_title(dimension),
                              rows=[BreakdownRow(label=cell.label, figure=_figure(cell)) for cell in cells])
                    for dimension, cells in item.breakdowns.items()
                ],
            )
            if comparison is not None and comparison.previous is not None:
                row.previous = _rate_figure(comparison.previous)
                row.change_text = _change_text(comparison.change_pp) if not row.figure.suppressed else ""
                row.verdict = comparison.verdict_label if comparison.tested and not row.figure.suppressed else ""
            section.indicators.append(row)
        for area, sentences in findings:
            _section(sections, area).findings.extend(sentences)
        ordered = sorted(sections.values(), key=lambda s: (s.number is None, s.number or 0))
        for section in ordered:
            section.matrices = _matrices(section.indicators)

        comparison = _comparison(study, comparisons, {row.code: row for s in ordered for row in s.indicators})
        recommendations = _recommendations(study)
        summary = _summary(study, method, ordered, comparison, recommendations)
        content = ReportContent(
            language=language,
            study_slug=study.slug,
            title=study.title,
            subtitle=_("Monitoring of the %(plan)s") % {"plan": study.plan.title},
            generated_at=formats.date_format(timezone.localtime(), "DATE_FORMAT"),
            headings=headings,
            summary=summary,
            method=method,
            sections=ordered,
            comparison=comparison,
            recommendations=recommendations,
            snapshot={},
            findings_note=headings.findings_are_drafts if drafts_only else "",
            breakdowns_note=_breakdowns_note(figures),
            glossary=_glossary(threshold),
        )
        content.snapshot = _snapshot(study, content, figures)
    return content


def _headings(threshold: int) -> Headings:
    return Headings(
        summary=_("Summary"),
        key_figures=_("Key figures"),
        method=_("Method"),
        findings=_("Findings by action plan area"),
        comparison=_("Comparison with the previous round"),
        recommendations=_("Recommendations"),
        indicator=_("Indicator"),
        rate=_("Rate"),
        n=_("Count / base"),
        interval=_("95% interval"),
        previous=_("Previous round"),
        change=_("Change"),
        p_value=_("p-value"),
        verdict=_("Verdict"),
        group=_("Group"),
        category=_("Respondent category"),
        total=_("Total"),
        priority=_("Priority"),
        addressee=_("Addressed to"),
        activities=_("NAP activities"),
        organization=_("Conducted by"),
        plan=_("Action plan"),
        period=_("Fieldwork"),
        districts=_("Districts"),
        communities=_("Communities"),
        channels=_("Methods and channels"),
        respondents=_("Respondents by category and gender"),
        suppressed_note=ngettext(
            "Rates by group. * hidden: the group has fewer than %(count)s respondent, or is hidden so that such a group cannot be worked out from the others (reports are public documents). Intervals and counts of every group are in the Excel annex.",
            "Rates by group. * hidden: the group has fewer than %(count)s respondents, or is hidden so that such a group cannot be worked out from the others (reports are public documents). Intervals and counts of every group are in the Excel annex.",
            threshold,
        ) % {"count": threshold},
        interval_note=_("Rates are shares of respondents (or of communities) with their 95% Wilson interval: the true rate lies in that range with 95% confidence. With a few dozen respondents the intervals are wide."),
        no_comparison=_("This study has no previous round to compare with."),
        no_recommendations=_("No recommendations have been written for this study yet."),
        no_findings=_("No indicators have been defined for this study yet."),
        generated=_("Report generated on %(date)s by ogmonitor.") % {"date": formats.date_format(timezone.localtime(), "DATE_FORMAT")},
        page=_("Page"),
        contents=_("Contents"),
        definitions=_("Definitions"),
        chart_alt=_("Bar chart of the indicators' rates with their 95% intervals"),
        chart_axis=_("Rate (%)"),
        chart_current=_("This round"),
        chart_previous=_("Previous round"),
        chart_interval=_("95% interval"),
        breakdowns=_("Annex: breakdowns by district, community, category and gender"),
        definition=_("How it is counted"),
        area=_("Action plan area"),
        findings_are_drafts=_("The findings of this study have not been published yet: this report shows their drafts."),
        code=_("Code"),
        numerator=_("Count"),
        denominator=_("Base"),
        as_printed=_("As printed"),
    )


def _glossary(threshold: int) -> list[tuple[str, str]]:
    return [
        (_("Rate"), _("The share, in percent, of the base that the indicator counts.")),
        (_("Count / base"), _("How many were counted, out of how many (respondents or communities).")),
        (_("95% interval"), _("The Wilson score interval: the true rate lies in this range with 95% confidence.")),
        (_("Change"), _("This round's rate minus the previous round's, in percentage points (pp).")),
        (_("p-value"), _("Two-sided pooled two-proportion z-test; a change is called a rise or a fall when p < 0.05.")),
        (_("hidden"), ngettext(
            "A group of fewer than %(count)s respondent (or one hidden so that such a group cannot be worked out) is not shown.",
            "A group of fewer than %(count)s respondents (or one hidden so that such a group cannot be worked out) is not shown.",
            threshold,
        ) % {"count": threshold}),
    ]


# --- Numbers as text --------------------------------------------------------------------------------


def _percent_text(value) -> str:
    return f"{format_percent(value)}%"


def _float(value) -> float | None:
    return None if value is None else float(value)


def _figure(cell) -> Figure:
    """A Figure from the engine's result cell (None: never computed)."""
    if cell is None:
        return Figure()
    figure = Figure(
        percent=_float(cell.percentage), numerator=cell.numerator, denominator=cell.denominator,
        ci_low=_float(cell.ci_low), ci_high=_float(cell.ci_high), percent_upper=_float(cell.percentage_upper),
        base_uncertain=cell.base_uncertain, suppressed=cell.suppressed,
    )
    _fill_texts(figure)
    return figure


def _rate_figure(rate) -> Figure:
    """A Figure from one side of a round comparison (no interval: the engine compares counts)."""
    figure = Figure(
        percent=_float(rate.percentage), numerator=rate.numerator, denominator=rate.denominator,
        percent_upper=_float(rate.percentage_upper), base_uncertain=rate.base_uncertain,
    )
    _fill_texts(figure)
    return figure


def _fill_texts(figure: Figure) -> None:
    if figure.suppressed:
        figure.text = _("hidden")
        return
    if figure.percent is None:
        figure.text = "—"
        return
    if figure.percent_upper is not None and figure.percent_upper != figure.percent:
        figure.text = f"{format_percent(figure.percent)}–{format_percent(figure.percent_upper)}%"
    else:
        figure.text = _percent_text(figure.percent)
    if figure.ci_low is not None and figure.ci_high is not None:
        figure.interval_text = f"{format_percent(figure.ci_low)}–{format_percent(figure.ci_high)}%"
    approximate = "≈" if figure.base_uncertain else ""
    if figure.numerator is not None and figure.denominator:
        figure.count_text = f"{approximate}{formats.number_format(figure.numerator)} / {formats.number_format(figure.denominator)}"
    elif figure.denominator:
        figure.count_text = f"{approximate}n = {formats.number_format(figure.denominator)}"


def _change_text(change) -> str:
    if change is None:
        return ""
    sign = "+" if change > 0 else ("−" if change < 0 else "±")  # a true minus: never read as a formula
    return _("%(change)s pp") % {"change": f"{sign}{format_percent(abs(Decimal(change)))}"}


def _p_value_text(p_value: float | None) -> str:
    if p_value is None:
        return ""
    if p_value < 0.001:
        return "< " + formats.number_format(Decimal("0.001"), decimal_pos=3)
    return formats.number_format(Decimal(str(round(p_value, 3))), decimal_pos=3)


def _dimension_title(dimension: str) -> str:
    titles = {
        "district": _("By district"),
        "community": _("By community"),
        "category": _("By respondent category"),
        "gender": _("By gender"),
    }
    return titles.get(dimension, dimension)


#: Indicators per printed breakdown table: more would not fit across an A4 page.
MATRIX_COLUMNS = 6
HIDDEN_MARK = "*"


def _matrices(rows: list[IndicatorRow]) -> list[BreakdownMatrix]:
    """The area's breakdowns as tables of groups × indicators (at most MATRIX_COLUMNS each)."""
    with_breakdowns = [row for row in rows if row.breakdowns]
    matrices = []
    for start in range(0, len(with_breakdowns), MATRIX_COLUMNS):
        chunk = with_breakdowns[start:start + MATRIX_COLUMNS]
        columns = [(_letter(start + index), row.title) for index, row in enumerate(chunk)]
        # Groups in the order the engine sorted them (Azerbaijani alphabet, "not recorded" last),
        # merged across the chunk's indicators, one block per breakdown.
        blocks: dict[str, tuple[str, dict[str, None]]] = {}
        for row in chunk:
            for breakdown in row.breakdowns:
                title, labels = blocks.setdefault(breakdown.dimension, (breakdown.title, {}))
                labels.update((cell.label, None) for cell in breakdown.rows)
        cells = {
            (index, breakdown.dimension, cell.label): (HIDDEN_MARK if cell.figure.suppressed else cell.figure.text)
            for index, row in enumerate(chunk) for breakdown in row.breakdowns for cell in breakdown.rows
        }
        table_rows = []
        for dimension in ("district", "community", "category", "gender"):
            if dimension not in blocks:
                continue
            title, labels = blocks[dimension]
            table_rows.append(MatrixRow(label=title, cells=[], is_heading=True))
            for label in labels:
                table_rows.append(MatrixRow(
                    label=label, cells=[cells.get((index, dimension, label), "") for index in range(len(chunk))],
                ))
        matrices.append(BreakdownMatrix(columns=columns, rows=table_rows))
    return matrices


def _letter(index: int) -> str:
    """A, B, … Z, AA, AB…: column labels of the printed breakdown tables."""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(ord("A") + remainder) + letters
    return letters


def _date(value: datetime.date | None) -> str:
    return formats.date_format(value, "DATE_FORMAT") if value else ""


# --- Parts ---------------------------------------------------------------------------------------------


def _method(study: Study) -> Method:
    districts = aztext.sorted_az([district.name for district in study.districts.all()])
    communities = aztext.sorted_az([
        f"{community.name} ({community.district.name})" for community in study.communities.select_related("district")
    ])
    # One aggregate query: counted respondents per (category, gender); their number never matters.
    cells: dict[tuple[int | None, str], int] = defaultdict(int)
    rows = (
        study.respondents.filter(submission__status__in=COUNTED)
        .values("category_id", "gender").annotate(n=Count("pk")).order_by()
    )
    for row in rows:
        gender = row["gender"] if row["gender"] in (Gender.WOMAN, Gender.MAN) else Gender.OTHER
        cells[(row["category_id"], gender)] += row["n"]
    category_ids = {category for category, _gender in cells if category is not None}
    categories = list(RespondentCategory.objects.filter(pk__in=category_ids).order_by("position", "code"))
    genders = [Gender.WOMAN, Gender.MAN] + ([Gender.OTHER] if any(g == Gender.OTHER for _c, g in cells) else [])
    table_rows = []
    for category_id, label in [(c.pk, c.name) for c in categories] + [(None, _("category not recorded"))]:
        counts = [cells.get((category_id, gender), 0) for gender in genders]
        if sum(counts):
            table_rows.append((label, counts, sum(counts)))
    totals = [sum(row[1][index] for row in table_rows) for index in range(len(genders))]
    respondents = RespondentTable(
        genders=[str(Gender(gender).label) for gender in genders], rows=table_rows, totals=totals, total=sum(totals),
    )
    period = " – ".join(part for part in (_date(study.period_start), _date(study.period_end)) if part)
    channels = study.get_channel_labels()
    return Method(
        organization=study.organization.name,
        plan=f"{study.plan.title} ({study.plan.period})",
        period=period,
        districts=districts,
        communities=communities,
        channels=channels,
        respondents=respondents,
        submissions=respondents.total,
        paragraph=_method_paragraph(study, respondents, districts, communities, channels, period),
        source_note=study.source_note,
        aggregate_only=study.aggregate_only,
    )


def _method_paragraph(study, respondents: RespondentTable, districts, communities, channels, period) -> str:
    """The method in whole sentences (each a complete msgid, plurals with ngettext)."""
    sentences = []
    if communities:
        sentences.append(ngettext(
            "The study was carried out in %(count)s community of %(districts)s.",
            "The study was carried out in %(count)s communities of %(districts)s.",
            len(communities),
        ) % {"count": len(communities), "districts": ", ".join(districts)})
    elif districts:
        sentences.append(_("The study was carried out in %(districts)s.") % {"districts": ", ".join(districts)})
    if respondents.total:
        women = respondents.totals[0] if respondents.genders else 0
        men = respondents.totals[1] if len(respondents.totals) > 1 else 0
        sentences.append(ngettext(
            "%(count)s person took part (%(women)s women, %(men)s men).",
            "%(count)s people took part (%(women)s women, %(men)s men).",
            respondents.total,
        ) % {"count": respondents.total, "women": women, "men": men})
    elif study.aggregate_only:
        sentences.append(_("No individual answers of this round are held: its figures are those published at the time."))
    if channels:
        sentences.append(_("They were asked through: %(channels)s.") % {"channels": ", ".join(channels)})
    if period:
        sentences.append(_("Fieldwork: %(period)s.") % {"period": period})
    return " ".join(sentences)


def _areas(study: Study, figures) -> dict[int, object]:
    """The NAP area of each indicator: its own, else its activity's (one query for the latter)."""
    found = {}
    missing = {}
    for item in figures:
        indicator = item.indicator
        if indicator.nap_area_id:
            found[indicator.pk] = indicator.nap_area
        elif indicator.nap_activity_id:
            missing[indicator.pk] = indicator.nap_activity.area_id
    if missing:
        areas = Area.objects.in_bulk(set(missing.values()))
        for indicator_id, area_id in missing.items():
            found[indicator_id] = areas.get(area_id)
    return found


def _section(sections: dict[str, AreaSection], area) -> AreaSection:
    key = f"area-{area.number}" if area is not None else "other"
    if key not in sections:
        if area is None:
            sections[key] = AreaSection(key=key, number=None, title=_("Other findings"))
        else:
            sections[key] = AreaSection(key=key, number=area.number, title=f"{area.number}. {area.title}")
    return sections[key]


def _findings(study: Study, overall_by_indicator: dict) -> tuple[list[tuple[object, list[str]]], bool]:
    """Finding sentences with the current (public) figures, grouped by area, in order.

    Published findings only; if none is published yet the drafts are shown (second value True),
    and the report says so.
    """
    findings = study.findings.select_related("nap_area", "indicator__nap_area", "indicator__nap_activity__area")
    published = [f for f in findings if f.status == Finding.Status.PUBLISHED]
    drafts_only = False
    if not published:
        published = list(findings)
        drafts_only = bool(published)
    grouped: list[tuple[object, list[str]]] = []
    index: dict[object, list[str]] = {}
    for finding in published:
        area = finding.nap_area
        if area is None and finding.indicator_id:
            indicator = finding.indicator
            area = indicator.nap_area or (indicator.nap_activity.area if indicator.nap_activity_id else None)
        sentence = render_sentence(finding.text, overall_by_indicator.get(finding.indicator_id)) if finding.indicator_id else finding.text
        key = area.pk if area is not None else None
        if key not in index:
            index[key] = []
            grouped.append((area, index[key]))
        index[key].append(sentence)
    return grouped, drafts_only


def _comparison(study: Study, comparisons, rows_by_code: dict[str, IndicatorRow]) -> Comparison | None:
    if not study.previous_id:
        return None
    previous = study.previous
    rows = []
    for item in comparisons:
        current = rows_by_code.get(item.code)
        current_figure = current.figure if current is not None else (_rate_figure(item.current) if item.current else Figure())
        hidden = current_figure.suppressed
        rows.append(ComparisonRow(
            code=item.code,
            title=item.title,
            previous=_rate_figure(item.previous) if item.previous else Figure(),
            current=current_figure,
            change_text="" if hidden else _change_text(item.change_pp),
            p_value_text="" if hidden else _p_value_text(item.p_value),
            verdict="" if hidden or not item.tested else item.verdict_label,
            verdict_code="" if hidden or not item.tested else item.verdict,
            notes=[] if hidden else list(item.notes),
        ))
    period = " – ".join(part for part in (_date(previous.period_start), _date(previous.period_end)) if part)
    note = ngettext(
        "%(count)s indicator was measured in both this round and the previous one, “%(previous)s”. The change is in percentage points (pp); the p-value is that of a two-proportion z-test, and a change is called a rise or a fall only when p < 0.05.",
        "%(count)s indicators were measured in both this round and the previous one, “%(previous)s”. The change is in percentage points (pp); the p-value is that of a two-proportion z-test, and a change is called a rise or a fall only when p < 0.05.",
        len(rows),
    ) % {"count": len(rows), "previous": previous.title}
    return Comparison(previous_title=previous.title, previous_period=period, rows=rows, note=note)


def _recommendations(study: Study) -> list[RecommendationRow]:
    rows = []
    recommendations = study.recommendations.select_related("addressee").prefetch_related("activities").order_by("position", "pk")
    for number, item in enumerate(recommendations, start=1):
        activities = sorted(item.activities.all(), key=lambda activity: activity.sort_key)
        rows.append(RecommendationRow(
            number=number,
            text=item.text,
            priority=str(item.get_priority_display()),
            addressee=item.addressee.name if item.addressee_id else (item.addressee_text or ""),
            activities=", ".join(activity.number for activity in activities),
        ))
    return rows


def _summary(study, method: Method, sections, comparison, recommendations) -> Summary:
    indicators = [row for section in sections for row in section.indicators]
    paragraphs = [
        _("This report sets out the results of “%(title)s”, a study by %(organization)s of how the %(plan)s is carried out locally.")
        % {"title": study.title, "organization": method.organization, "plan": study.plan.title},
    ]
    if method.paragraph:
        paragraphs.append(method.paragraph)
    if indicators:
        paragraphs.append(ngettext(
            "It measures %(count)s indicator; the findings below are grouped by the action plan area they concern.",
            "It measures %(count)s indicators; the findings below are grouped by the action plan area they concern.",
            len(indicators),
        ) % {"count": len(indicators)})
    if comparison is not None and comparison.rows:
        rose = sum(1 for row in comparison.rows if row.verdict_code == "rose")
        fell = sum(1 for row in comparison.rows if row.verdict_code == "fell")
        paragraphs.append(ngettext(
            "Compared with the previous round, %(rose)s of %(count)s indicator rose clearly and %(fell)s fell clearly.",
            "Compared with the previous round, %(rose)s of %(count)s indicators rose clearly and %(fell)s fell clearly.",
            len(comparison.rows),
        ) % {"rose": rose, "fell": fell, "count": len(comparison.rows)})
    if recommendations:
        paragraphs.append(ngettext(
            "The report makes %(count)s recommendation.", "The report makes %(count)s recommendations.", len(recommendations)
        ) % {"count": len(recommendations)})
    key_figures = [KeyFigure(title=row.title, figure=row.figure) for row in indicators if row.figure.percent is not None][:6]
    return Summary(paragraphs=paragraphs, key_figures=key_figures)


# --- Snapshot -----------------------------------------------------------------------------------------


def _plain_figure(figure: Figure) -> dict:
    return {key: value for key, value in asdict(figure).items() if key not in ("text", "interval_text", "count_text")}


def _snapshot(study: Study, content: ReportContent, figures) -> dict:
    """The figures the report shows, as JSON (stored with each built version)."""
    computation = Computation.objects.filter(study=study).order_by("-started_at").values("pk", "finished_at", "submission_count").first()
    return {
        "version": SNAPSHOT_VERSION,
        "study": study.slug,
        "language": content.language,
        "built_at": timezone.now().isoformat(),
        "computation": {
            "id": computation["pk"],
            "finished_at": computation["finished_at"].isoformat() if computation["finished_at"] else None,
            "submissions": computation["submission_count"],
        } if computation else None,
        "previous_study": study.previous.slug if study.previous_id else None,
        "respondents": {
            "total": content.method.respondents.total,
            "genders": content.method.respondents.genders,
            "by_category": [[label, counts] for label, counts, _total in content.method.respondents.rows],
        },
        "indicators": [
            {
                "code": row.code,
                "title": row.title,
                "area": section.number,
                "overall": _plain_figure(row.figure),
                "previous": _plain_figure(row.previous) if row.previous else None,
                "change": row.change_text,
                "verdict": row.verdict,
                "breakdowns": {
                    breakdown.dimension: [{"group": cell.label, **_plain_figure(cell.figure)} for cell in breakdown.rows]
                    for breakdown in row.breakdowns
                },
            }
            for section in content.sections for row in section.indicators
        ],
        "findings": [sentence for section in content.sections for sentence in section.findings],
        "recommendations": [{"text": item.text, "priority": item.priority} for item in content.recommendations],
    }
