"""Results pages: a study's indicators, breakdowns, round comparison, findings and recommendations.

Views are thin: access is decided by :mod:`ogmonitor.accounts.policy` and
:func:`ogmonitor.surveys.views.visible_studies` (an unpublished study is a 404 to the public),
figures come from the engine (:mod:`.services`), changes go through :mod:`.drafting`.

Every figure opens its provenance (numerator, denominator, definition, computed at): the
overall figure is a ``<details>`` holding its counts, and every figure links to
``findings:result``, a page without JavaScript and a fragment loaded in place with HTMX.
The definition in words is loaded only on demand, so a page costs the same few queries
whatever the number of indicators.
"""

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch, prefetch_related_objects
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ogmonitor.accounts.policy import can_manage_study
from ogmonitor.lib.cache import cache_public
from ogmonitor.plans.models import Activity, Area
from ogmonitor.surveys.models import Study
from ogmonitor.surveys.views import visible_studies

from . import drafting, services
from .forms import FindingForm, IndicatorForm, RecommendationForm, RecommendationStatusForm
from .labels import dimension_label
from .models import Computation, Finding, Indicator, IndicatorResult, Recommendation

# --- Presentation of the engine's figures -----------------------------------------------------


def _css_number(value) -> str:
    """A number for a style attribute: always a dot, whatever the language."""
    return f"{max(0.0, min(100.0, float(value))):.2f}"


def decorate(cell) -> None:
    """Add what templates show of an engine cell: its texts and the bar's geometry."""
    if cell is None:
        return
    cell.percent_text = services.percent_text(cell.percentage, cell.percentage_upper)
    cell.has_figure = cell.percentage is not None
    cell.has_interval = cell.ci_low is not None and cell.ci_high is not None
    cell.interval_text = (
        f"{services.format_percent(cell.ci_low)}–{services.format_percent(cell.ci_high)}" if cell.has_interval else ""
    )
    cell.bar_width = _css_number(cell.percentage) if cell.percentage is not None else "0"
    if cell.has_interval:
        cell.ci_left = _css_number(cell.ci_low)
        cell.ci_width = _css_number(Decimal(str(cell.ci_high)) - Decimal(str(cell.ci_low)))


#: Groups a breakdown may have and still be shown on the results page, where every indicator
#: shows all its breakdowns: the study of the seed has 12 communities, a national round 1,600
#: (64,000 cells for 40 indicators, tens of megabytes of HTML). Larger breakdowns are listed on
#: the indicator's own page, GROUPS_PER_PAGE at a time.
SUMMARY_GROUPS = 60
GROUPS_PER_PAGE = 100


@dataclass
class Breakdown:
    dimension: str
    label: str
    cells: list
    page: object = None  # a Paginator page when the breakdown is shown a part at a time


@dataclass
class IndicatorBlock:
    """An indicator on a page: its figures, breakdowns in display order and findings."""

    indicator: Indicator
    overall: object
    breakdowns: list[Breakdown]
    comparison: object = None
    findings: list = field(default_factory=list)
    omitted: list = field(default_factory=list)  # (label, number of groups) of breakdowns not shown here

    @property
    def has_suppressed(self) -> bool:
        return any(cell.suppressed for breakdown in self.breakdowns for cell in breakdown.cells)


@dataclass
class AreaGroup:
    area: Area | None
    blocks: list[IndicatorBlock]


def indicator_blocks(study: Study, viewer, **options) -> list[IndicatorBlock]:
    """The engine's figures for ``viewer`` (small cells suppressed unless they manage the study);
    ``options`` go to :func:`services.results_for` (``codes``, ``max_groups``)."""
    blocks = []
    indicators_figures = services.results_for(study, viewer=viewer, **options)
    # Each indicator links back to its NAP activity, whose address names the plan: one query.
    prefetch_related_objects([figures.indicator for figures in indicators_figures if figures.indicator.nap_activity_id], "nap_activity__plan")
    for figures in indicators_figures:
        decorate(figures.overall)
        breakdowns = []
        for dimension, cells in figures.breakdowns.items():
            for cell in cells:
                decorate(cell)
            breakdowns.append(Breakdown(dimension, dimension_label(dimension), cells))
        omitted = [(dimension_label(dimension), groups) for dimension, groups in figures.omitted.items()]
        blocks.append(IndicatorBlock(figures.indicator, figures.overall, breakdowns, omitted=omitted))
    return blocks


def paginate_breakdowns(block: IndicatorBlock, page_number) -> None:
    """Show a breakdown of more than GROUPS_PER_PAGE groups a page at a time (cells were
    suppressed over the whole breakdown first, so a page never reveals a hidden cell)."""
    for breakdown in block.breakdowns:
        if len(breakdown.cells) > GROUPS_PER_PAGE:
            breakdown.page = Paginator(breakdown.cells, GROUPS_PER_PAGE).get_page(page_number)
            breakdown.cells = breakdown.page.object_list


def group_by_area(study: Study, blocks: list[IndicatorBlock]) -> list[AreaGroup]:
    """Indicators under their NAP area (the activity's area if only an activity is set), in
    the plan's order, after those linked to no area."""
    areas = {area.pk: area for area in Area.objects.filter(plan_id=study.plan_id)}
    activity_areas = dict(
        Activity.objects.filter(pk__in={b.indicator.nap_activity_id for b in blocks if b.indicator.nap_activity_id})
        .values_list("pk", "area_id")
    )
    grouped: dict[int | None, list[IndicatorBlock]] = {}
    for block in blocks:
        area_id = block.indicator.nap_area_id or activity_areas.get(block.indicator.nap_activity_id)
        grouped.setdefault(area_id if area_id in areas else None, []).append(block)
    ordered = sorted((key for key in grouped if key is not None), key=lambda pk: areas[pk].number)
    # Indicators of no particular area come first: typically awareness of the plan as a whole.
    groups = [AreaGroup(None, grouped[None])] if None in grouped else []
    return groups + [AreaGroup(areas[pk], grouped[pk]) for pk in ordered]


def comparison_rows(study: Study, viewer, blocks: list[IndicatorBlock]) -> list:
    """The engine's comparison with the previous round, if there is one the viewer may see,
    with the texts the table shows and the result each rate comes from (for its provenance)."""
    if not study.previous_id or not visible_studies(viewer).filter(pk=study.previous_id).exists():
        return []
    rows = services.compare_studies(study, study.previous)
    if not services.may_see_small_cells(viewer, study):
        rows = services.withhold_small_rates(rows, services.min_cell_size())
    previous_results = dict(
        IndicatorResult.objects.overall().filter(indicator__study_id=study.previous_id).values_list("indicator__code", "pk")
    )
    current_results = {block.indicator.code: getattr(block.overall, "result_id", None) for block in blocks}
    for row in rows:
        row.current_text = _rate_text(row.current)
        row.previous_text = _rate_text(row.previous)
        row.current_result_id = current_results.get(row.code)
        row.previous_result_id = previous_results.get(row.code)
        row.change_text = services.signed_points(row.change_pp)
        row.p_text = p_value_text(row.p_value)
    return rows


def _rate_text(rate) -> str:
    return "—" if rate is None else services.percent_text(rate.percentage, rate.percentage_upper)


def p_value_text(p_value) -> str:
    """"0,031" / "< 0.001"; "" when the change was not tested."""
    if p_value is None:
        return ""
    if p_value < 0.001:
        return f"< {number_format(Decimal('0.001'), decimal_pos=3)}"
    return number_format(Decimal(str(p_value)).quantize(Decimal("0.001"), rounding=ROUND_HALF_UP), decimal_pos=3)


def findings_with_text(study: Study, blocks: list[IndicatorBlock], *, include_drafts: bool) -> list[Finding]:
    """The study's findings (published ones only, unless ``include_drafts``), each with
    ``rendered``: its sentence with the indicator's current figures, and ``cell`` (or None)."""
    by_indicator = {block.indicator.pk: block for block in blocks}
    findings = study.findings.select_related("nap_area").order_by("position", "pk")
    if not include_drafts:
        findings = findings.filter(status=Finding.Status.PUBLISHED)
    findings = list(findings)
    for finding in findings:
        block = by_indicator.get(finding.indicator_id)
        finding.cell = block.overall if block else None
        finding.block = block
        finding.rendered = drafting.render_finding(finding, finding.cell)
        if block:
            block.findings.append(finding)
    return findings


def recommendations_of(study: Study, *, include_drafts: bool) -> list[Recommendation]:
    """The study's recommendations with their addressee, NAP activities and ``shown_findings``
    (the linked findings the viewer may see: published ones, unless ``include_drafts``)."""
    findings = Finding.objects.select_related("indicator").order_by("position", "pk")
    if not include_drafts:
        findings = findings.filter(status=Finding.Status.PUBLISHED)
    return list(
        study.recommendations.select_related("addressee")
        .prefetch_related(
            Prefetch("findings", queryset=findings, to_attr="shown_findings"),
            Prefetch("activities", queryset=Activity.objects.select_related("plan").order_by("sort_key")),
        )
        .order_by("position", "pk")
    )


def last_computation(study: Study) -> Computation | None:
    return study.computations.filter(finished_at__isnull=False).order_by("-finished_at").first()


# --- Access -------------------------------------------------------------------------------------


def _visible_study(request, slug) -> Study:
    return get_object_or_404(visible_studies(request.user).select_related("plan", "organization", "previous"), slug=slug)


def _managed_study(request, slug) -> Study:
    """The study if the user manages it; 404 if they cannot even see it, else 403."""
    study = _visible_study(request, slug)
    if not can_manage_study(request.user, study):
        raise PermissionDenied
    return study


# --- Pages --------------------------------------------------------------------------------------


@cache_public  # the anonymous page costs ~0.2 s of CPU to build (bench/bench_pages.py)
def study_results(request, slug):
    study = _visible_study(request, slug)
    manages = can_manage_study(request.user, study)
    blocks = indicator_blocks(study, request.user, max_groups=SUMMARY_GROUPS)
    comparison = comparison_rows(study, request.user, blocks)
    by_code = {row.code: row for row in comparison}
    for block in blocks:
        block.comparison = by_code.get(block.indicator.code)
    findings = findings_with_text(study, blocks, include_drafts=manages)
    context = {
        "study": study,
        "manages": manages,
        "groups": group_by_area(study, blocks),
        "has_results": any(block.overall is not None for block in blocks),
        "comparison": comparison,
        "findings": findings,
        "recommendations": recommendations_of(study, include_drafts=manages),
        "computation": last_computation(study),
        "min_cell_size": services.min_cell_size(),
        "status_choices": Recommendation.Status.choices if manages else [],
    }
    return render(request, "findings/study_results.html", context)


def indicator_detail(request, slug, code):
    study = _visible_study(request, slug)
    manages = can_manage_study(request.user, study)
    blocks = indicator_blocks(study, request.user, codes=[code])
    if not blocks:
        raise Http404
    block = blocks[0]
    paginate_breakdowns(block, request.GET.get("page"))
    comparison = comparison_rows(study, request.user, blocks)
    block.comparison = next((row for row in comparison if row.code == code), None)
    findings_with_text(study, [block], include_drafts=manages)
    definition, source_note = services.describe_indicator(block.indicator)
    return render(request, "findings/indicator_detail.html", {
        "study": study, "manages": manages, "entry": block, "definition": definition, "source_note": source_note,
        "comparison": [block.comparison] if block.comparison else [], "min_cell_size": services.min_cell_size(),
    })


def result_detail(request, pk):
    """Where one figure comes from; a fragment for HTMX, a page otherwise."""
    result = get_object_or_404(IndicatorResult.objects.select_related("indicator__study"), pk=pk)
    study = result.indicator.study
    if not visible_studies(request.user).filter(pk=study.pk).exists():
        raise Http404
    detail = services.indicator_result_detail(result, viewer=request.user)
    detail.percent_text = services.percent_text(detail.percentage, detail.percentage_upper)
    detail.interval_text = (
        f"{services.format_percent(detail.ci_low)}–{services.format_percent(detail.ci_high)}"
        if detail.ci_low is not None and detail.ci_high is not None else ""
    )
    context = {"study": study, "indicator": result.indicator, "result": result, "detail": detail}
    template = "findings/_provenance.html" if request.htmx else "findings/result_detail.html"
    return render(request, template, context)


# --- Coordinators: computing and drafting ---------------------------------------------------------


@login_required
@require_POST
def recompute(request, slug):
    study = _managed_study(request, slug)
    computation = services.compute_study(study, user=request.user)
    messages.success(request, _("The results were recomputed from %(count)s submissions.") % {
        "count": computation.submission_count
    })
    return redirect("findings:study", study.slug)


@login_required
@require_POST
def findings_draft(request, slug):
    study = _managed_study(request, slug)
    outcome = drafting.draft_findings(study, request.user)
    messages.success(request, _(
        "Findings drafted: %(created)s new, %(refreshed)s rewritten from their indicator, %(kept)s edited by hand and kept."
    ) % {"created": len(outcome.created), "refreshed": len(outcome.refreshed), "kept": len(outcome.kept)})
    return redirect(reverse("findings:study", args=[study.slug]) + "#findings")


@login_required
@require_POST
def findings_publish(request, slug):
    study = _managed_study(request, slug)
    count = drafting.publish_findings(study, request.user)
    messages.success(request, _("%(count)s findings were published.") % {"count": count})
    return redirect(reverse("findings:study", args=[study.slug]) + "#findings")


# --- Coordinators: indicators -----------------------------------------------------------------------


@login_required
def indicator_create(request, slug):
    study = _managed_study(request, slug)
    return _indicator_form(request, study, None)


@login_required
def indicator_edit(request, slug, code):
    study = _managed_study(request, slug)
    indicator = get_object_or_404(Indicator, study=study, code=code)
    return _indicator_form(request, study, indicator)


def _indicator_form(request, study, indicator):
    form = IndicatorForm(request.POST or None, instance=indicator or Indicator(study=study), study=study)
    # "Show its choices" re-displays the form with the chosen question's answers, saving nothing.
    if request.method == "POST" and "refresh" not in request.POST and form.is_valid():
        try:
            if indicator is None:
                indicator = drafting.create_indicator(study, request.user, **form.service_fields())
            else:
                indicator = drafting.update_indicator(indicator, request.user, **form.service_fields())
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The indicator “%(code)s” was saved; its figures are being recomputed.") % {
                "code": indicator.code
            })
            return redirect("findings:indicator", study.slug, indicator.code)
    return render(request, "findings/indicator_form.html", {"study": study, "indicator": indicator, "form": form})


@login_required
def indicator_choices(request, slug):
    """The answer checkboxes of the question chosen in the indicator form (HTMX partial)."""
    study = _managed_study(request, slug)
    target = "filter" if request.GET.get("for") == "filter" else "numerator"
    source = "filter_question" if target == "filter" else "question_name"
    form = IndicatorForm(
        initial={source: request.GET.get(source, "")}, instance=Indicator(study=study), study=study
    )
    field = form["filter_choices" if target == "filter" else "numerator_choices"]
    return render(request, "findings/_indicator_choices.html", {"field": field})


# --- Coordinators: findings ----------------------------------------------------------------------------


@login_required
def finding_create(request, slug):
    study = _managed_study(request, slug)
    return _finding_form(request, study, None)


@login_required
def finding_edit(request, slug, pk):
    study = _managed_study(request, slug)
    finding = get_object_or_404(Finding.objects.select_related("indicator"), study=study, pk=pk)
    return _finding_form(request, study, finding)


def _finding_form(request, study, finding):
    form = FindingForm(request.POST or None, instance=finding or Finding(study=study), study=study)
    if request.method == "POST" and form.is_valid():
        try:
            if finding is None:
                finding = drafting.create_finding(study, request.user, **form.service_fields())
            else:
                finding = drafting.update_finding(finding, request.user, **form.service_fields())
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The finding was saved."))
            return redirect(reverse("findings:study", args=[study.slug]) + f"#finding-{finding.pk}")
    preview = None
    if finding is not None and finding.indicator_id:
        block = next((b for b in indicator_blocks(study, request.user) if b.indicator.pk == finding.indicator_id), None)
        preview = drafting.render_finding(finding, block.overall if block else None)
    return render(request, "findings/finding_form.html", {
        "study": study, "finding": finding, "form": form, "preview": preview,
    })


# --- Coordinators: recommendations ---------------------------------------------------------------------


@login_required
def recommendation_create(request, slug):
    study = _managed_study(request, slug)
    return _recommendation_form(request, study, None)


@login_required
def recommendation_edit(request, slug, pk):
    study = _managed_study(request, slug)
    recommendation = get_object_or_404(Recommendation, study=study, pk=pk)
    return _recommendation_form(request, study, recommendation)


def _recommendation_form(request, study, recommendation):
    labels = {finding.pk: finding.rendered for finding in findings_with_text(
        study, indicator_blocks(study, request.user), include_drafts=True
    )}
    form = RecommendationForm(
        request.POST or None, instance=recommendation or Recommendation(study=study), study=study, finding_labels=labels
    )
    if request.method == "POST" and form.is_valid():
        try:
            if recommendation is None:
                recommendation = drafting.create_recommendation(study, request.user, **form.service_fields(), **form.links())
            else:
                recommendation = drafting.update_recommendation(recommendation, request.user, **form.service_fields(), **form.links())
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The recommendation was saved."))
            return redirect(reverse("findings:study", args=[study.slug]) + f"#recommendation-{recommendation.pk}")
    return render(request, "findings/recommendation_form.html", {
        "study": study, "recommendation": recommendation, "form": form,
    })


@login_required
@require_POST
def recommendation_status(request, slug, pk):
    study = _managed_study(request, slug)
    recommendation = get_object_or_404(Recommendation, study=study, pk=pk)
    form = RecommendationStatusForm(request.POST)
    if form.is_valid():
        drafting.set_recommendation_status(recommendation, form.cleaned_data["status"], request.user)
        messages.success(request, _("The recommendation is now “%(status)s”.") % {
            "status": recommendation.get_status_display()
        })
    else:
        messages.error(request, _("Choose one of the listed statuses."))
    return redirect(reverse("findings:study", args=[study.slug]) + f"#recommendation-{recommendation.pk}")
