import json
from decimal import ROUND_HALF_UP, Decimal

from django.core.management.base import BaseCommand, CommandError

from ogmonitor.findings.services import compare_studies, compute_study, format_percent, results_for
from ogmonitor.surveys.models import Study


def one_decimal(value) -> float | None:
    if value is None:
        return None
    return float(Decimal(str(value)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def p_value(value: float | None) -> float | None:
    return None if value is None else float(f"{value:.4g}")


def rate_json(rate) -> dict | None:
    if rate is None:
        return None
    return {
        "study": rate.study.slug, "numerator": rate.numerator, "denominator": rate.denominator,
        "percentage": one_decimal(rate.percentage), "percentage_upper": one_decimal(rate.percentage_upper),
        "base_uncertain": rate.base_uncertain, "unit": rate.unit,
    }


class Command(BaseCommand):
    help = (
        "Print every indicator of a study: code, title, numerator, denominator, percentage (one "
        "decimal) and 95% Wilson interval, and the comparison with the previous round (both rates, "
        "change in percentage points, p-value, verdict). Recomputes the study (and the round it is "
        "compared with) first unless --no-recompute. Coordinators' view: small cells are not hidden."
    )

    def add_arguments(self, parser):
        parser.add_argument("study", help="slug of the study, e.g. local-2022")
        parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
        parser.add_argument("--compare-with", metavar="SLUG", help="the study to compare with (default: its previous round)")
        parser.add_argument("--no-recompute", action="store_true", help="show the stored results as they are")

    def handle(self, *args, **options):
        study = self._study(options["study"])
        previous = self._study(options["compare_with"]) if options["compare_with"] else study.previous
        if not options["no_recompute"]:
            computation = compute_study(study)
            if previous is not None and previous.indicators.exists():
                compute_study(previous)
        else:
            computation = study.computations.order_by("-started_at").first()
        # Whoever runs the command has the database: small cells are shown, not hidden.
        figures = results_for(study, suppress=False)
        comparisons = compare_studies(study, previous) if previous is not None else []
        computed_at = computation.finished_at or computation.started_at if computation else None
        if options["json"]:
            self.stdout.write(json.dumps(self._json(study, computed_at, figures, comparisons), ensure_ascii=False, indent=2))
        else:
            self._table(study, previous, computed_at, figures, comparisons)

    @staticmethod
    def _study(slug: str) -> Study:
        try:
            return Study.objects.get(slug=slug)
        except Study.DoesNotExist:
            raise CommandError(f"No study with the slug {slug!r}.") from None

    @staticmethod
    def _json(study, computed_at, figures, comparisons) -> dict:
        indicators = []
        for figure in figures:
            overall = figure.overall
            indicators.append({
                "code": figure.indicator.code,
                "title": figure.indicator.title,
                "kind": figure.indicator.kind,
                "numerator": overall.numerator if overall else None,
                "denominator": overall.denominator if overall else None,
                "percentage": one_decimal(overall.percentage) if overall else None,
                "percentage_upper": one_decimal(overall.percentage_upper) if overall else None,
                "ci_low": one_decimal(overall.ci_low) if overall else None,
                "ci_high": one_decimal(overall.ci_high) if overall else None,
                "base_uncertain": overall.base_uncertain if overall else False,
            })
        return {
            "study": study.slug,
            "computed_at": computed_at.isoformat() if computed_at else None,
            "indicators": indicators,
            "comparison": [
                {
                    "code": c.code,
                    "title": c.title,
                    "current": rate_json(c.current),
                    "previous": rate_json(c.previous),
                    "change_pp": one_decimal(c.change_pp),
                    "p_value": p_value(c.p_value),
                    "verdict": c.verdict,
                    "notes": c.notes,
                }
                for c in comparisons
            ],
        }

    def _table(self, study, previous, computed_at, figures, comparisons) -> None:
        write = self.stdout.write
        write(f"{study.slug}: {study.title}")
        write(f"computed at {computed_at:%Y-%m-%d %H:%M:%S %Z}" if computed_at else "never computed")
        write(f"{'code':<28} {'count':>11} {'%':>7}  {'95% interval':<15} title")
        for figure in figures:
            overall = figure.overall
            count = f"{overall.numerator}/{overall.denominator}" if overall and overall.numerator is not None else "—"
            if overall and overall.percentage_upper is not None and overall.percentage_upper != overall.percentage:
                percent = f"{format_percent(overall.percentage)}–{format_percent(overall.percentage_upper)}"
            else:
                percent = format_percent(overall.percentage if overall else None)
            interval = (
                f"{format_percent(overall.ci_low)}–{format_percent(overall.ci_high)}"
                if overall and overall.ci_low is not None else ""
            )
            uncertain = " (base uncertain)" if overall and overall.base_uncertain else ""
            write(f"{figure.indicator.code:<28} {count:>11} {percent:>7}  {interval:<15} {figure.indicator.title}{uncertain}")
        if previous is None:
            return
        write("")
        write(f"Compared with {previous.slug}: {previous.title}")
        write(f"{'code':<28} {'before':>11} {'now':>11} {'change pp':>10} {'p-value':>8}  verdict")
        for c in comparisons:
            before = format_percent(c.previous.percentage) if c.previous else "—"
            now = format_percent(c.current.percentage) if c.current else "—"
            change = f"{one_decimal(c.change_pp):+.1f}" if c.change_pp is not None else "—"
            p = f"{c.p_value:.3f}" if c.p_value is not None else "—"
            write(f"{c.code:<28} {before:>11} {now:>11} {change:>10} {p:>8}  {c.verdict_label}")
            for note in c.notes:
                write(f"{'':<28} {note}")
