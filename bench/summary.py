#!/usr/bin/env python
"""Turn bench/results/*.json into summary.md (targets met or not; growth with size) and growth.png.

Run by bench/run.py at the end of a run; run it on its own to rebuild the summary from the JSON
files already there (``python bench/summary.py``). A benchmark not run, skipped or failed shows
as "not measured", never as met.

Growth: the cost of import (``run_import``), findings (``compute_study``, the engine as shipped)
and report (``build_report``, a PDF) at each size, and the factor by which it grows for each 10×
more respondents, ``(t2 / t1) ** (1 / log10(n2 / n1))``: ≈ 10 is linear, ≈ 1 flat.
"""

import datetime
import itertools
import json
import math
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
#: (benchmark, what is timed, the JSON key of its seconds).
GROWTH = [
    ("import", "run_import", "import_s"),
    ("findings", "compute_study (as shipped)", "compute_s"),
    ("report", "build_report (PDF)", "build_s"),
]
REPORT_TARGET_RESPONDENTS = 100_000


def load(results_dir: Path) -> dict[str, dict]:
    """Every ``<name>.json`` of the directory, by name (``run.json`` holds the run's own facts)."""
    return {path.stem: json.loads(path.read_text()) for path in sorted(results_dir.glob("*.json"))}


# --- Targets -------------------------------------------------------------------------------------


def _largest(rows: list[dict], engine: str) -> dict | None:
    """The row of ``engine`` at its largest size (the first one: findings' engine as shipped)."""
    rows = [r for r in rows if r["engine"] == engine]
    if not rows:
        return None
    size = max(r["respondents"] for r in rows)
    return next(r for r in rows if r["respondents"] == size)


def _verdict(met: bool) -> str:
    return "met" if met else "**NOT met**"


def _s(seconds: float) -> str:
    return f"{seconds:.3f} s" if seconds < 1 else f"{seconds:.2f} s"


def targets(results: dict[str, dict]) -> list[tuple[str, str, str, str, str]]:
    """Rows (target, database, at, measured, verdict)."""
    rows = []
    missing = "–", "–", "not measured"

    imported = results.get("import", {}).get("rows", [])
    target = imported and results["import"].get("targets", {})
    copy_ratio = (target or {}).get("postgresql_copy_ratio", 1.5)
    r = _largest(imported, "postgresql")
    if r:
        ratio = r["import_s"] / r["baseline_s"]
        rows.append((f"import ≤ {copy_ratio:g}× COPY", "PostgreSQL", f"{r['respondents']:,}",
                     f"{ratio:.1f}× ({_s(r['import_s'])} vs COPY {_s(r['baseline_s'])})", _verdict(ratio <= copy_ratio)))
    else:
        rows.append((f"import ≤ {copy_ratio:g}× COPY", "PostgreSQL", *missing))
    rate = (target or {}).get("sqlite_answers_per_s", 100_000)
    r = _largest(imported, "sqlite")
    if r:
        rows.append((f"import ≥ {rate:,} answers/s", "SQLite", f"{r['respondents']:,}",
                     f"{r['answers_per_s']:,.0f} answers/s ({r['answers']:,} in {_s(r['import_s'])})",
                     _verdict(r["answers_per_s"] >= rate)))
    else:
        rows.append((f"import ≥ {rate:,} answers/s", "SQLite", *missing))

    findings = results.get("findings", {})
    target = findings.get("targets", {})
    group_by, pandas = target.get("group_by_ratio", 2.0), target.get("pandas_ratio", 1.0)
    for engine, label in (("sqlite", "SQLite"), ("postgresql", "PostgreSQL")):
        engine_rows = [r for r in findings.get("rows", []) if r["engine"] == engine]
        if not engine_rows:
            rows.append((f"findings ≤ {group_by:g}× GROUP BY, ≤ {pandas:g}× pandas", label, *missing))
            continue
        size = max(r["respondents"] for r in engine_rows)
        for r in (r for r in engine_rows if r["respondents"] == size):
            by, pd = r["compute_s"] / r["group_by_s"], r["compute_s"] / r["pandas_s"]
            at = f"{size:,}"
            rows.append((f"findings ≤ {group_by:g}× GROUP BY — {r['variant']}", label, at,
                         f"{by:.2f}× ({_s(r['compute_s'])} vs {_s(r['group_by_s'])})", _verdict(by <= group_by)))
            rows.append((f"findings ≤ {pandas:g}× pandas — {r['variant']}", label, at,
                         f"{pd:.2f}× ({_s(r['compute_s'])} vs {_s(r['pandas_s'])})", _verdict(pd <= pandas)))

    report = results.get("report", {})
    seconds = report.get("targets", {}).get("build_seconds", 10.0)
    for engine, label in (("sqlite", "SQLite"), ("postgresql", "PostgreSQL")):
        engine_rows = [r for r in report.get("rows", []) if r["engine"] == engine]
        at_target = [r for r in engine_rows if r["respondents"] == REPORT_TARGET_RESPONDENTS]
        r = at_target[0] if at_target else _largest(engine_rows, engine)
        name = f"report < {seconds:g} s at {REPORT_TARGET_RESPONDENTS:,} respondents"
        if not r:
            rows.append((name, label, *missing))
            continue
        verdict = _verdict(r["build_s"] < seconds)
        if not at_target:
            verdict = f"{verdict} at {r['respondents']:,} only (100,000 not measured)"
        rows.append((name, label, f"{r['respondents']:,}", _s(r["build_s"]), verdict))

    pages = results.get("pages", {})
    target = pages.get("targets", {})
    rps, p99 = target.get("rps", 300), target.get("p99_ms", 200)
    name = f"cached public pages ≥ {rps} req/s, p99 < {p99} ms"
    if pages.get("skipped"):
        rows.append((name, "PostgreSQL", "–", "skipped: " + "; ".join(pages["skipped"]), "not measured"))
    elif not pages.get("rows"):
        rows.append((name, "PostgreSQL", *missing))
    for r in pages.get("rows", []):
        on = r["cached"]
        met = (on["rps"] >= rps and on["p99_ms"] is not None and on["p99_ms"] < p99
               and not on.get("non_2xx") and not on.get("timeouts"))
        p99_text = "–" if on["p99_ms"] is None else f"{on['p99_ms']:.0f} ms"
        rows.append((f"{name} — {r['page']} `{r['path']}`", "PostgreSQL", "demo",
                     f"{on['rps']:.0f} req/s, p99 {p99_text}", _verdict(met)))
    return rows


# --- Growth --------------------------------------------------------------------------------------


def series(results: dict[str, dict]) -> dict[tuple[str, str], dict[int, float]]:
    """{(benchmark, engine): {respondents: seconds}} of the timed step of each benchmark."""
    found: dict[tuple[str, str], dict[int, float]] = {}
    for name, _what, key in GROWTH:
        for r in results.get(name, {}).get("rows", []):
            # findings has two rows per size (as shipped, then with the unique index): keep the first.
            found.setdefault((name, r["engine"]), {}).setdefault(r["respondents"], r[key])
    return found


def growth_per_10x(n1: int, t1: float, n2: int, t2: float) -> float:
    """How much the cost grows for 10× more respondents between two sizes (≈10 linear, ≈1 flat)."""
    return (t2 / t1) ** (1 / math.log10(n2 / n1))


def growth_table(data: dict[tuple[str, str], dict[int, float]]) -> list[str]:
    sizes = sorted({n for points in data.values() for n in points})
    if not sizes:
        return ["No import, findings or report results."]
    steps = list(itertools.pairwise(sizes))
    header = ["benchmark (timed step)", "database", *(f"{_n(n)} s" for n in sizes),
              *(f"×/10× {_n(a)}→{_n(b)}" for a, b in steps)]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * 2 + "---:|" * (len(sizes) + len(steps))]
    labels = {name: f"{name} ({what})" for name, what, _key in GROWTH}
    engines = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
    for (name, engine), points in data.items():
        cells = [f"{points[n]:.3f}" if n in points else "–" for n in sizes]
        factors = [f"{growth_per_10x(a, points[a], b, points[b]):.1f}" if a in points and b in points
                   and points[a] > 0 else "–" for a, b in steps]
        lines.append("| " + " | ".join([labels[name], engines.get(engine, engine), *cells, *factors]) + " |")
    return lines


def _n(respondents: int) -> str:
    """1000 → 1k, 100000 → 100k, 2000 → 2k, 250 → 250."""
    return f"{respondents // 1000}k" if respondents >= 1000 and respondents % 1000 == 0 else str(respondents)


def plot(data: dict[tuple[str, str], dict[int, float]], path: Path) -> bool:
    """Log-log chart, one line per benchmark × database, with a dotted linear reference."""
    if not data:
        return False
    import matplotlib
    import matplotlib.ticker

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, axes = plt.subplots(figsize=(8, 5.5))
    colours = {"import": "tab:blue", "findings": "tab:orange", "report": "tab:green"}
    for (name, engine), points in data.items():
        sizes = sorted(points)
        axes.plot(sizes, [points[n] for n in sizes], marker="o", color=colours.get(name),
                  linestyle="-" if engine == "postgresql" else "--", label=f"{name} — {engine}")
    every = sorted({n for points in data.values() for n in points})
    if len(every) > 1:
        start = min(min(points.values()) for points in data.values())
        axes.plot(every, [start * n / every[0] for n in every], color="grey", linestyle=":", label="linear (×10 per 10×)")
    axes.set_xscale("log")
    axes.set_yscale("log")
    axes.set_xticks(every, [f"{n:,}" for n in every])
    axes.xaxis.set_minor_formatter(matplotlib.ticker.NullFormatter())
    axes.set_xlabel("respondents (× 40 questions)")
    axes.set_ylabel("seconds")
    axes.set_title("Cost against the number of respondents (one run)")
    axes.grid(True, which="both", alpha=0.3)
    axes.legend(fontsize=8)
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)
    return True


# --- The document --------------------------------------------------------------------------------


def _durations(meta: dict) -> str:
    """"import 180 s, pages 150 s (skipped), …" """
    parts = []
    for name, benchmark in meta.get("benchmarks", {}).items():
        status = "" if benchmark["status"] == "done" else f" ({benchmark['status']})"
        parts.append(f"{name} {benchmark['seconds']:.0f} s{status}")
    return ", ".join(parts)


def render(results: dict[str, dict], chart: bool) -> str:
    meta = results.get("run", {})
    machine = meta.get("machine", {})
    lines = ["# ogmonitor benchmarks — summary", ""]
    if machine:
        load = " / ".join(str(n) for n in machine.get("load_average", []))
        lines += [
            f"Run started {meta['started_at']} on **{machine['cores']} cores** ({machine['cpu']}, "
            f"{machine['memory_gb']} GB, Python {machine['python']}, {machine['system']}); "
            f"**load average at start {load}** (1 / 5 / 15 min)"
            + (f", at the end {' / '.join(str(n) for n in meta['load_average_at_end'])}" if meta.get("load_average_at_end")
               else "") + ".",
            f"Sizes: {meta['sizes']} respondents; repeated measurements at 100,000 respondents and more: "
            f"{meta['repeats_large']}. Whole run: {meta['seconds_total'] / 60:.1f} min ({_durations(meta)}).",
            "",
        ]
    lines += [
        "**All figures come from one run** on a machine shared with other work: a second run can differ by "
        "tens of per cent. Ratios to a baseline measured in the same run (COPY, GROUP BY, pandas) hold better "
        "than absolute seconds.", "",
    ]
    stale = sorted(name for name, result in results.items()
                   if name != "run" and meta and result.get("run_started_at") != meta.get("started_at"))
    if stale:
        lines += [f"Not from this run (older JSON files left in bench/results/): {', '.join(stale)}.", ""]

    lines += ["## Targets", "", "| target | database | respondents | measured | verdict |", "|---|---|---:|---|---|"]
    lines += ["| " + " | ".join(row) + " |" for row in targets(results)]
    lines += [
        "", "Import and findings are judged at the largest size measured (smaller sizes are in the growth "
        "table: there fixed costs of a few tenths of a second dominate). The pages' figures are wrk's against gunicorn with caching on (bench_pages).", "",
    ]

    data = series(results)
    lines += ["## Growth with the number of respondents", "",
              "Seconds of the timed step at each size, and the growth factor for each 10× more respondents "
              "(≈ 10 = linear, ≈ 1 = flat; below 10 at small sizes usually means fixed costs dominate).", ""]
    lines += growth_table(data)
    if chart:
        lines += ["", "![Cost against the number of respondents, log-log](growth.png)"]
    lines.append("")
    return "\n".join(lines)


def write(results_dir: Path) -> Path:
    """Write summary.md and growth.png into ``results_dir``; return the summary's path."""
    results = load(results_dir)
    chart = plot(series(results), results_dir / "growth.png")
    path = results_dir / "summary.md"
    path.write_text(render(results, chart))
    return path


if __name__ == "__main__":
    directory = Path(sys.argv[1]) if len(sys.argv) > 1 else HERE / "results"
    print(write(directory).read_text())
    print(f"(written {datetime.datetime.now():%H:%M:%S})", file=sys.stderr)
