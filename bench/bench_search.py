"""Azerbaijani-aware search and ordering of organisations, against plain database look-ups.

Builds N organisations in a throw-away SQLite (and PostgreSQL when reachable) database and
times (a) ``Organization.objects.search()`` (folded ``search_key`` contains) against a plain
``name_az__icontains`` — which gets İ/ı wrong but is the cheapest thing the database does — and
(b) ordering by the ``az`` collation against ordering by the raw column.
"""

import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

SIZES = [1_000, 20_000]
REPEATS = 7


def _time(function) -> float:
    samples = []
    for _ in range(REPEATS):
        started = time.perf_counter()
        function()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples)


def measure(size: int) -> dict:
    import django
    from django.core.management import call_command

    django.setup()
    from ogmonitor.lib.models import az_collated
    from ogmonitor.places.models import Organization

    call_command("migrate", verbosity=0)
    Organization.objects.all().delete()
    stems = ["İsmayıllı", "Şabran", "Xaçmaz", "Quba", "Gəncə", "Ağdam", "Saatlı", "Tovuz", "Çəmbərəkənd", "Oğuz"]
    Organization.objects.bulk_create(
        [
            Organization(name_az=f"{stems[i % 10]} təşkilatı {i}", name_en=f"Organisation {i}", type="ngo",
                         slug=f"org-{i}", search_key=f"{stems[i % 10].lower()} təşkilatı {i}")
            for i in range(size)
        ],
        batch_size=2000,
    )
    search = _time(lambda: list(Organization.objects.search("ismayıllı").values_list("pk", flat=True)))
    plain = _time(lambda: list(Organization.objects.filter(name_az__icontains="smay").values_list("pk", flat=True)))
    collated = _time(lambda: list(Organization.objects.order_by(az_collated("name_az")).values_list("pk", flat=True)[:100]))
    raw = _time(lambda: list(Organization.objects.order_by("name_az").values_list("pk", flat=True)[:100]))
    return {"size": size, "search_ms": search * 1000, "plain_ms": plain * 1000,
            "az_order_ms": collated * 1000, "raw_order_ms": raw * 1000}


def run() -> dict:
    """Run each size in a subprocess (fresh database, fresh settings) and print a table."""
    import json
    import tempfile

    databases = [("sqlite", None)]
    try:
        import psycopg

        psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", connect_timeout=2).close()
        databases.append(("postgresql", "postgresql://postgres@127.0.0.1:5432/ogmonitor_bench"))
    except Exception:
        print("PostgreSQL not reachable: SQLite only")
    rows = []
    for engine, url in databases:
        if url:
            with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as conn:
                conn.execute("DROP DATABASE IF EXISTS ogmonitor_bench WITH (FORCE)")
                conn.execute("CREATE DATABASE ogmonitor_bench")
        for size in SIZES:
            with tempfile.TemporaryDirectory() as var:
                env = {**os.environ, "OGMONITOR_VAR_DIR": var, "DATABASE_URL": url or ""}
                out = subprocess.run(
                    [sys.executable, __file__, str(size)], env=env, capture_output=True, text=True, check=True,
                    cwd=Path(__file__).resolve().parent.parent,
                )
                row = json.loads(out.stdout.strip().splitlines()[-1])
                row["engine"] = engine
                rows.append(row)
    print(f"{'engine':<11}{'orgs':>8}{'search ms':>11}{'icontains ms':>14}{'ratio':>7}{'az order ms':>13}{'raw order ms':>14}{'ratio':>7}")
    for r in rows:
        print(f"{r['engine']:<11}{r['size']:>8}{r['search_ms']:>11.2f}{r['plain_ms']:>14.2f}{r['search_ms'] / r['plain_ms']:>7.2f}"
              f"{r['az_order_ms']:>13.2f}{r['raw_order_ms']:>14.2f}{r['az_order_ms'] / r['raw_order_ms']:>7.2f}")
    return {"rows": rows}


if __name__ == "__main__":
    import json

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ogmonitor.settings")
    print(json.dumps(measure(int(sys.argv[1]))))
