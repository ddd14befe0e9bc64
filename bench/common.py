"""What every benchmark needs: which databases to measure on, a fresh PostgreSQL database, the sizes
to measure and the synthetic files, generated once per run."""

import os
from collections.abc import Callable
from pathlib import Path

PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"


def databases(pg_database: str, *, postgres: bool = True) -> list[tuple[str, str]]:
    """``[(engine, DATABASE_URL)]``: SQLite ("" = the default) and PostgreSQL when it answers."""
    found = [("sqlite", "")]
    if not postgres:
        return found
    try:
        import psycopg

        psycopg.connect(PG_ADMIN, connect_timeout=2).close()
        found.append(("postgresql", f"postgresql://postgres@127.0.0.1:5432/{pg_database}"))
    except Exception:
        print("PostgreSQL not reachable: SQLite only")
    return found


def fresh_postgres(pg_database: str) -> None:
    """Drop and create ``pg_database`` so each measurement starts from an empty database."""
    import psycopg

    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {pg_database} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {pg_database}")


def sizes(default: list[int]) -> list[int]:
    """Respondent counts to measure: ``BENCH_SIZES`` (e.g. ``1000,10000,100000``) or ``default``."""
    listed = os.environ.get("BENCH_SIZES", "").strip()
    if not listed:
        return sorted(set(default))
    try:
        found = sorted({int(item) for item in listed.replace(" ", "").split(",") if item})
    except ValueError:
        raise SystemExit(f"BENCH_SIZES must be whole numbers separated by commas, not {listed!r}") from None
    if not found or min(found) < 1:
        raise SystemExit(f"BENCH_SIZES must list positive numbers, not {listed!r}")
    return found


def generated_file(kind: str, respondents: int, write: Callable[[Path, int], None], fallback: Path) -> Path:
    """The synthetic file ``kind`` of ``respondents`` rows, written once per run.

    ``bench/run.py`` sets ``BENCH_CACHE_DIR`` to a directory it removes at the end, so that the
    same seeded CSV is not generated again for each database and each benchmark (at 100,000
    respondents that is ~20 MB and several seconds each time). Without it, ``write`` goes to
    ``fallback`` as before. The files are only read by the benchmarks, never changed.
    """
    cache = os.environ.get("BENCH_CACHE_DIR")
    if not cache:
        write(fallback, respondents)
        return fallback
    path = Path(cache) / f"{kind}-{respondents}.csv"
    if not path.exists():
        partial = path.with_name(f".{path.name}.{os.getpid()}")
        write(partial, respondents)
        partial.rename(path)  # atomic: a half-written file is never taken for a finished one
    return path
