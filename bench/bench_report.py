"""Study report: PDF build time at 1,000, 10,000 and 100,000 respondents (flat in their number).

Each size is a fresh SQLite database (PostgreSQL too with ``BENCH_REPORT_POSTGRES=1``) holding
bench_findings' synthetic round — bench_import's 40-question Kobo CSV with community (40 in 8
districts), category and gender, imported through the real import — and its 40 indicators,
here spread over 8 NAP areas, with drafted findings, 10 recommendations and a previous round
of published figures, computed by the findings engine. Then, after one warm-up build:

* ``build`` — :func:`ogmonitor.reports.services.build_report` of a PDF in Azerbaijani (content,
  8 charts, HTML, WeasyPrint, file and snapshot stored), median of REPEATS builds; with the
  time of each stage (content, charts, WeasyPrint layout, PDF writing) of one more build;
* ``CLI`` — one cold ``manage.py build_report --format pdf`` (Python start-up and imports included);
* baseline — WeasyPrint rendering a fixed one-page HTML (a heading, a paragraph, a table, one
  chart-sized image) in the same process: what any PDF costs on this machine. The ratio build /
  baseline is printed.

``BENCH_REPORT_RESPONDENTS`` (default 100000) sets the largest size; the others are 1/10 and 1/100.
``BENCH_SIZES`` (e.g. ``1000,10000,100000``) replaces the three sizes with its list;
``BENCH_REPEATS_LARGE`` (unset by default) lowers the repeated builds to that number at 100,000
respondents and more. With ``BENCH_SIZES`` the cold CLI build (flat in size, ~25 s on a busy
2-core machine) is timed at the largest size only.
Target: a build under 10 s, flat in the number of respondents (the report reads computed results,
never the answers).
"""

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
PG_DATABASE = "ogmonitor_bench_report"

try:  # run by bench/run.py (repository root on sys.path) or directly (bench/ on sys.path)
    from bench.common import databases, fresh_postgres, sizes
except ImportError:  # pragma: no cover
    from common import databases, fresh_postgres, sizes
REPEATS = 3
AREAS = 8
TARGET_SECONDS = 10.0

try:  # run by bench/run.py (repository root on sys.path) or directly (bench/ on sys.path)
    from bench import bench_findings
except ImportError:  # pragma: no cover
    import bench_findings


def _median_time(function, repeats: int = REPEATS) -> tuple[float, object]:
    samples, result = [], None
    for _ in range(repeats):
        started = time.perf_counter()
        result = function()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples), result


# --- The study worth a report ---------------------------------------------------------------------


def dress_up(study) -> None:
    """NAP areas, finding sentences, a previous round and recommendations around bench_findings' round."""
    from ogmonitor.findings import drafting
    from ogmonitor.findings.models import Indicator
    from ogmonitor.findings.services import compute_study
    from ogmonitor.plans.models import Area
    from ogmonitor.surveys.models import AggregateResult, Study

    areas = [
        Area.objects.create(plan=study.plan, number=number, title_az=f"Şəffaflığın artırılması: istiqamət {number}",
                            title_en=f"Greater transparency: direction {number}")
        for number in range(1, AREAS + 1)
    ]
    indicators = list(study.indicators.order_by("position"))
    for index, indicator in enumerate(indicators):
        indicator.nap_area = areas[index % AREAS]
        indicator.title_az = f"«{indicator.code}» sualına «a» cavabı verən respondentlər (ğ, ş, ə)"
        indicator.title_en = f"Respondents answering “a” to {indicator.code}"
        indicator.sentence_az = "Respondentlərin {percent}%-i ({denominator} nəfərdən {numerator} nəfər) «a» cavabını seçib."
        indicator.sentence_en = "{percent}% of the respondents ({numerator} of {denominator}) chose “a”."
    Indicator.objects.bulk_update(indicators, ["nap_area", "title_az", "title_en", "sentence_az", "sentence_en"])
    previous = Study.objects.create(
        title_az="Əvvəlki mərhələ", title_en="Previous round", slug="bench-before", organization=study.organization,
        plan=study.plan, aggregate_only=True, status=Study.Status.PUBLISHED,
    )
    AggregateResult.objects.bulk_create([
        AggregateResult(study=previous, key=indicator.question_name, choice="a", label=indicator.code,
                        numerator=10 + index, denominator=50)
        for index, indicator in enumerate(indicators[:20])
    ])
    study.previous = previous
    study.status = Study.Status.PUBLISHED
    study.save(update_fields=["previous", "status"])
    compute_study(study)
    drafting.draft_findings(study)
    drafting.publish_findings(study)
    for number in range(10):
        drafting.create_recommendation(
            study, text_az=f"Tövsiyə {number + 1}: bələdiyyələrin şəffaflığını artırmaq üçün görüşlər keçirmək.",
            text_en=f"Recommendation {number + 1}: hold meetings to make municipalities more transparent.",
            priority="medium",
        )


# --- The baseline ----------------------------------------------------------------------------------


def baseline_html() -> str:
    """A fixed one-page document: heading, paragraph, a 10-row table and one chart-sized PNG."""
    import base64

    from ogmonitor.reports.charts import Bar, ChartText, bar_chart_png

    png = bar_chart_png([Bar(f"Göstərici {n}", 10.0 * n, 5.0 * n, 12.0 * n + 5) for n in range(1, 6)],
                        ChartText("Faiz (%)", "95% interval", "Bu mərhələ", "Əvvəlki mərhələ"))
    rows = "".join(f"<tr><td>Göstərici {n}</td><td>{10 * n},0%</td><td>{n} / 10</td></tr>" for n in range(1, 11))
    return f"""<!doctype html><html lang="az"><head><meta charset="utf-8"><style>
        @page {{ size: A4; margin: 2cm; }} html {{ font-family: "DejaVu Sans"; font-size: 10pt; }}
        table {{ border-collapse: collapse; width: 100%; }} td {{ border-bottom: 1px solid #ccc; }}
        img {{ width: 100%; }}</style></head><body>
        <h1>Açıq hökumət: bir səhifə</h1><p>Şəffaflıq, iştirak və hesabatlılıq göstəriciləri.</p>
        <table>{rows}</table><img src="data:image/png;base64,{base64.b64encode(png).decode()}"></body></html>"""


def weasyprint_baseline(html: str) -> bytes:
    from weasyprint import HTML

    return HTML(string=html).write_pdf()


# --- One measured run (in a subprocess: fresh database) ------------------------------------------


def measure(respondents: int) -> dict:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from weasyprint import HTML

    from ogmonitor.reports import charts
    from ogmonitor.reports.content import report_content
    from ogmonitor.reports.models import Report
    from ogmonitor.reports.renderers.html import render_html
    from ogmonitor.reports.renderers.pdf import SCHEME, ChartFetcher
    from ogmonitor.reports.services import build_report

    call_command("migrate", verbosity=0)
    var = Path(os.environ["OGMONITOR_VAR_DIR"])
    started = time.perf_counter()
    study, _path = bench_findings.setup_round(var, respondents)
    bench_findings.define_indicators(study)
    dress_up(study)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    setup_s = time.perf_counter() - started
    versions = iter(range(1, 100))

    def build():
        report = Report.objects.create(study=study, version=next(versions), language="az", format="pdf")
        report = build_report(report)
        assert report.status == Report.Status.DONE, report.error
        return report

    build()  # warm-up: imports, fonts, templates
    build_s, report = _median_time(build, bench_findings.repeats_for(respondents))
    pdf_bytes = report.file.size

    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        content = report_content(study, "az")
        content_s = time.perf_counter() - started
    started = time.perf_counter()
    pngs = charts.charts_for(content)
    charts_s = time.perf_counter() - started
    started = time.perf_counter()
    html = render_html(content, for_print=True, chart_sources={key: SCHEME + key for key in pngs})
    html_s = time.perf_counter() - started
    started = time.perf_counter()
    document = HTML(string=html, url_fetcher=ChartFetcher(pngs)).render()
    layout_s = time.perf_counter() - started
    started = time.perf_counter()
    document.write_pdf()
    write_s = time.perf_counter() - started

    page = baseline_html()
    weasyprint_baseline(page)  # warm-up
    baseline_s, _pdf = _median_time(lambda: weasyprint_baseline(page))

    cli_s = None
    if os.environ.get("BENCH_REPORT_CLI", "1") == "1":
        output = var / "cli.pdf"
        started = time.perf_counter()
        subprocess.run([sys.executable, str(ROOT / "manage.py"), "build_report", study.slug, "--lang", "az",
                        "--format", "pdf", "--output", str(output)], check=True, capture_output=True, cwd=ROOT)
        cli_s = time.perf_counter() - started
    return {
        "engine": connection.vendor, "respondents": respondents, "setup_s": setup_s,
        "indicators": len(content.indicator_rows()), "charts": len(pngs), "pages": len(document.pages),
        "pdf_kb": pdf_bytes / 1024, "content_queries": len(queries.captured_queries),
        "build_s": build_s, "content_s": content_s, "charts_s": charts_s, "html_s": html_s, "layout_s": layout_s,
        "write_s": write_s, "baseline_s": baseline_s, "cli_s": cli_s,
    }


# --- The table ------------------------------------------------------------------------------------


def run() -> dict:
    """Each (database, size) in its own subprocess; print one table with the target."""
    largest = int(os.environ.get("BENCH_REPORT_RESPONDENTS", "100000"))
    rows = []
    for engine, url in databases(PG_DATABASE, postgres=os.environ.get("BENCH_REPORT_POSTGRES") == "1"):
        measured = sizes([max(largest // 100, 10), max(largest // 10, 10), largest])
        for size in measured:
            if url:
                fresh_postgres(PG_DATABASE)
            with tempfile.TemporaryDirectory() as var:
                env = {**os.environ, "OGMONITOR_VAR_DIR": var, "DATABASE_URL": url, "DEBUG": "0", "LOG_LEVEL": "WARNING",
                       "BENCH_REPORT_CLI": "1" if size == measured[-1] or not os.environ.get("BENCH_SIZES") else "0"}
                out = subprocess.run([sys.executable, __file__, str(size)], env=env, capture_output=True, text=True,
                                     cwd=ROOT)
                if out.returncode:
                    print(out.stderr[-3000:])
                    raise RuntimeError(f"bench_report failed on {engine} with {size} respondents")
                rows.append(json.loads(out.stdout.strip().splitlines()[-1]))
    print(f"{'engine':<11}{'resp.':>8}{'ind.':>5}{'pages':>6}{'queries':>8}{'build s':>8}{'content':>8}{'charts':>7}"
          f"{'layout':>7}{'write':>6}{'1-page s':>9}{'ratio':>7}{'CLI s':>7}  target")
    smallest = {}
    for r in rows:
        r["ratio"] = r["build_s"] / r["baseline_s"]
        smallest.setdefault(r["engine"], r["build_s"])
        r["vs_smallest"] = r["build_s"] / smallest[r["engine"]]
        verdict = f"< {TARGET_SECONDS:g} s: {'met' if r['build_s'] < TARGET_SECONDS else 'NOT met'}"
        print(f"{r['engine']:<11}{r['respondents']:>8}{r['indicators']:>5}{r['pages']:>6}{r['content_queries']:>8}"
              f"{r['build_s']:>8.2f}{r['content_s']:>8.2f}{r['charts_s']:>7.2f}{r['layout_s']:>7.2f}{r['write_s']:>6.2f}"
              f"{r['baseline_s']:>9.3f}{r['ratio']:>7.1f}{'–' if r['cli_s'] is None else format(r['cli_s'], '.2f'):>7}  {verdict}")
    for engine in smallest:
        largest_row = [r for r in rows if r["engine"] == engine][-1]
        print(f"{engine}: build at {largest_row['respondents']:,} respondents / at the smallest size = "
              f"{largest_row['vs_smallest']:.2f} (flat is ≈ 1)")
    print(f"build = build_report of an az PDF (content + charts + HTML + WeasyPrint + file and snapshot), median of "
          f"{REPEATS} after a warm-up; stages from one more build; 1-page s = WeasyPrint of a fixed one-page HTML "
          "(ratio = build / that); CLI s = one cold `manage.py build_report` (start-up and imports included).")
    return {"rows": rows, "targets": {"build_seconds": TARGET_SECONDS}}


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ogmonitor.settings")
    print(json.dumps(measure(int(sys.argv[1]))))
