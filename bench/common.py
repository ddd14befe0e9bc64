"""What every benchmark needs: which databases to measure on, and a fresh PostgreSQL database."""

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
