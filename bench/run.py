#!/usr/bin/env python
"""Run every benchmark under bench/ (files named bench_*.py), print their tables, keep JSON results.

Each benchmark measures its own baseline in the same run and prints the ratio to it, so the
figures mean something on any machine. Results go to bench/results/<name>.json, then
bench/summary.py turns them into bench/results/summary.md (targets met or not, growth with the
number of respondents) and bench/results/growth.png.

Import, findings and report are measured at 1,000, 10,000 and 100,000 respondents on SQLite and
PostgreSQL (when it answers) unless ``BENCH_SIZES`` or ``--sizes`` says otherwise. To keep the
whole run within 15 minutes on 2 cores, the synthetic CSVs are generated once per run and shared
by every benchmark and database, and the repeated measurements at 100,000 respondents are cut to
one (``BENCH_REPEATS_LARGE``, default 1 here; the benchmarks run on their own keep 3), the
import's COPY into a replica of the real table is measured up to 10,000 respondents
(``BENCH_IMPORT_FLOOR_MAX``) and wrk runs 10 s per page (``BENCH_PAGES_DURATION``).
"""

import argparse
import datetime
import importlib.util
import json
import os
import platform
import sys
import tempfile
import time
import traceback
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ogmonitor.settings")

DEFAULT_SIZES = "1000,10000,100000"


def machine() -> dict:
    """What the figures were measured on: cores, load average at the start, CPU, memory."""
    cpu = next((line.split(":", 1)[1].strip() for line in _read("/proc/cpuinfo").splitlines()
                if line.startswith("model name")), platform.processor() or "unknown")
    memory_kb = next((int(line.split()[1]) for line in _read("/proc/meminfo").splitlines()
                      if line.startswith("MemTotal:")), 0)
    return {"cores": os.cpu_count(), "load_average": [round(n, 2) for n in os.getloadavg()], "cpu": cpu,
            "memory_gb": round(memory_kb / 2**20, 1), "python": platform.python_version(),
            "system": platform.platform(terse=True)}


def _read(path: str) -> str:
    try:
        return Path(path).read_text()
    except OSError:
        return ""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("names", nargs="*", help="benchmarks to run (default: all), e.g. import findings report")
    parser.add_argument("--sizes", help=f"respondent counts for import, findings and report (default {DEFAULT_SIZES}, "
                                         "or BENCH_SIZES)")
    args = parser.parse_args()
    if args.sizes:
        os.environ["BENCH_SIZES"] = args.sizes
    os.environ.setdefault("BENCH_SIZES", DEFAULT_SIZES)
    os.environ.setdefault("BENCH_REPORT_POSTGRES", "1")
    os.environ.setdefault("BENCH_REPEATS_LARGE", "1")
    os.environ.setdefault("BENCH_IMPORT_FLOOR_MAX", "10000")
    os.environ.setdefault("BENCH_PAGES_DURATION", "10")

    results_dir = HERE / "results"
    results_dir.mkdir(exist_ok=True)
    scripts = sorted(HERE.glob("bench_*.py"))
    if args.names:
        known = {s.stem.removeprefix("bench_") for s in scripts}
        unknown = sorted(set(args.names) - known)
        if unknown:
            parser.error(f"no such benchmark: {', '.join(unknown)} (known: {', '.join(sorted(known))})")
        scripts = [s for s in scripts if s.stem.removeprefix("bench_") in args.names]

    started_at = datetime.datetime.now().astimezone().isoformat(timespec="seconds")
    meta = {"started_at": started_at, "machine": machine(), "sizes": os.environ["BENCH_SIZES"],
            "repeats_large": os.environ["BENCH_REPEATS_LARGE"], "benchmarks": {}}
    print(f"Benchmarks on {meta['machine']['cores']} cores, load average at start "
          f"{' / '.join(map(str, meta['machine']['load_average']))}; sizes {meta['sizes']}")
    run_started = time.perf_counter()
    failed = []
    with tempfile.TemporaryDirectory(prefix="ogmonitor-bench-") as cache:
        # Shared by the benchmarks' subprocesses: each synthetic CSV is written once per run.
        os.environ["BENCH_CACHE_DIR"] = cache
        for script in scripts:
            name = script.stem.removeprefix("bench_")
            started = time.perf_counter()
            try:
                spec = importlib.util.spec_from_file_location(script.stem, script)
                module = importlib.util.module_from_spec(spec)
                spec.loader.exec_module(module)
                print(f"\n== {script.stem} — {module.__doc__.strip().splitlines()[0]}", flush=True)
                result = module.run()
            except Exception:  # one broken benchmark must not cost the others' figures
                traceback.print_exc()
                failed.append(name)
                meta["benchmarks"][name] = {"status": "failed", "seconds": round(time.perf_counter() - started, 1)}
                continue
            result["seconds_total"] = round(time.perf_counter() - started, 2)
            result["run_started_at"] = started_at
            (results_dir / f"{name}.json").write_text(json.dumps(result, indent=2))
            meta["benchmarks"][name] = {"status": "skipped" if result.get("skipped") else "done",
                                        "seconds": result["seconds_total"]}
            print(f"-- {name}: {result['seconds_total']:.0f} s", flush=True)
        del os.environ["BENCH_CACHE_DIR"]
    meta["seconds_total"] = round(time.perf_counter() - run_started, 1)
    meta["load_average_at_end"] = [round(n, 2) for n in os.getloadavg()]
    (results_dir / "run.json").write_text(json.dumps(meta, indent=2))

    from bench import summary

    summary.write(results_dir)
    print(f"\nAll benchmarks: {meta['seconds_total'] / 60:.1f} min. Summary: {results_dir / 'summary.md'}, "
          f"chart: {results_dir / 'growth.png'}")
    if failed:
        print(f"FAILED: {', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
