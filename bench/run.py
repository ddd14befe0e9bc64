#!/usr/bin/env python
"""Run every benchmark under bench/ (files named bench_*.py), print their tables, keep JSON results.

Each benchmark measures its own baseline in the same run and prints the ratio to it, so the
figures mean something on any machine. Results go to bench/results/<name>.json.
"""

import argparse
import importlib.util
import json
import os
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ogmonitor.settings")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("names", nargs="*", help="benchmarks to run (default: all), e.g. search")
    args = parser.parse_args()
    results_dir = HERE / "results"
    results_dir.mkdir(exist_ok=True)
    scripts = sorted(HERE.glob("bench_*.py"))
    if args.names:
        scripts = [s for s in scripts if s.stem.removeprefix("bench_") in args.names]
    for script in scripts:
        spec = importlib.util.spec_from_file_location(script.stem, script)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        print(f"\n== {script.stem} — {module.__doc__.strip().splitlines()[0]}")
        started = time.perf_counter()
        result = module.run()
        result["seconds_total"] = round(time.perf_counter() - started, 2)
        (results_dir / f"{script.stem.removeprefix('bench_')}.json").write_text(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
