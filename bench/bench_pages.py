"""Public pages under load: gunicorn (2 workers) on PostgreSQL + Redis, cached against uncached.

Loads the demo into a fresh PostgreSQL database, starts ``gunicorn ogmonitor.wsgi -w 2`` with
DEBUG=0 (whitenoise serving the collected static files) and the cache in Redis (a database
number of its own, flushed first), warms each URL (one request, a second to see whether the
cache answers it, then 2 s on one connection per worker so that neither worker is cold), then runs
``wrk -t2 -c50 -d15s --latency`` against the home page, the 2022 study's results page and an API
list — once with caching on (the default) and once more on a second gunicorn started with
``PUBLIC_CACHE_SECONDS=0``. A trivial static file served by whitenoise in the same run gives the
ceiling of this machine (wrk and gunicorn share its cores), so the figures read against it.

wrk runs with ``--timeout 10s``: requests that time out are left out of its latency figures, so
the default 2 s would hide the slowest uncached requests from p99.

Target with caching on: ≥ 300 requests/s and p99 < 200 ms for each page.
``BENCH_PAGES_DURATION`` (default 15) sets wrk's seconds per URL. Skipped, not failed, when
PostgreSQL, Redis or wrk is missing (``make bench`` installs wrk).
"""

import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PG_DATABASE = "ogmonitor_bench_pages"
#: A Redis database of this benchmark's own, flushed at start (0 is the documented default).
REDIS_URL = "redis://127.0.0.1:6379/11"
WORKERS = 2
THREADS, CONNECTIONS = 2, 50
WARM_UP_SECONDS = 2
TARGET_RPS = 300
TARGET_P99_MS = 200
PAGES = [
    ("home", "/az/"),
    ("study results", "/az/findings/local-2022/"),
    ("API list", "/api/v1/plans/"),
]
STATIC = ("static file", "/static/img/favicon.svg")

try:  # run by bench/run.py (repository root on sys.path) or directly (bench/ on sys.path)
    from bench.common import PG_ADMIN, fresh_postgres
except ImportError:  # pragma: no cover
    from common import PG_ADMIN, fresh_postgres


# --- What is needed, and whether it is there -------------------------------------------------------


def missing_services() -> list[str]:
    """Why the benchmark cannot run here (empty when it can)."""
    missing = []
    try:
        import psycopg

        psycopg.connect(PG_ADMIN, connect_timeout=2).close()
    except Exception as error:
        missing.append(f"PostgreSQL not reachable ({error.__class__.__name__})")
    try:
        import redis

        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except Exception as error:
        missing.append(f"Redis not reachable ({error.__class__.__name__})")
    if not shutil.which("wrk"):
        missing.append("wrk not installed (apt-get install wrk; `make bench` does it)")
    return missing


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _manage(env: dict, *args: str) -> None:
    out = subprocess.run([sys.executable, "manage.py", *args], env=env, cwd=ROOT, capture_output=True, text=True)
    if out.returncode:
        print(out.stderr[-3000:])
        raise RuntimeError(f"manage.py {' '.join(args)} failed")


def prepare(var: str) -> dict:
    """A fresh PostgreSQL database holding the demo, static files collected; the server's environment."""
    import redis

    fresh_postgres(PG_DATABASE)
    redis.Redis.from_url(REDIS_URL).flushdb()
    env = {**os.environ, "OGMONITOR_VAR_DIR": var, "DATABASE_URL": f"postgresql://postgres@127.0.0.1:5432/{PG_DATABASE}",
           "DEBUG": "0", "LOG_LEVEL": "WARNING", "ALLOWED_HOSTS": "127.0.0.1,localhost",
           "DJANGO_SETTINGS_MODULE": "ogmonitor.settings"}
    env.pop("REDIS_URL", None)  # the demo loads with background work in-process: no worker runs here
    env.pop("PUBLIC_CACHE_SECONDS", None)
    _manage(env, "migrate", "--no-input", "-v0")
    _manage(env, "load_demo")
    _manage(env, "collectstatic", "--no-input", "-v0")
    return {**env, "REDIS_URL": REDIS_URL}


# --- gunicorn and wrk ------------------------------------------------------------------------------


class Server:
    """``gunicorn ogmonitor.wsgi -w 2`` on a free port, stopped (by its own pid) on exit."""

    def __init__(self, env: dict, log: Path):
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env, self.log = env, log

    def __enter__(self) -> "Server":
        self.log_file = self.log.open("w")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "ogmonitor.wsgi", "-w", str(WORKERS), "-b", f"127.0.0.1:{self.port}",
             "--log-level", "warning"],
            env=self.env, cwd=ROOT, stdout=self.log_file, stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 60
        while True:
            try:
                if self.get(STATIC[1])[0] == 200:
                    return self
            except OSError:
                pass
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.__exit__(None, None, None)
                raise RuntimeError(f"gunicorn did not start:\n{self.log.read_text()[-3000:]}")
            time.sleep(0.3)

    def __exit__(self, *exc) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.log_file.close()

    def get(self, path: str) -> tuple[int, dict]:
        try:
            with urllib.request.urlopen(self.url + path, timeout=30) as response:
                response.read()
                return response.status, dict(response.headers)
        except urllib.error.HTTPError as error:
            return error.code, dict(error.headers)

    def log_tail(self) -> str:
        self.log_file.flush()
        return self.log.read_text()[-3000:]


_UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0, "h": 3_600_000.0}


def _ms(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)([a-z]+)", text).groups()
    return float(number) * _UNITS_MS[unit]


def parse_wrk(output: str) -> dict:
    """Requests/s, p50 and p99 (ms), requests, errors and non-2xx/3xx responses from ``wrk --latency``."""
    # wrk pads the values with a trailing space; none at all when no request finished in time.
    percentiles = dict(re.findall(r"^\s+(50|75|90|99)%\s+(\S+)\s*$", output, re.M))
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        "p50_ms": _ms(percentiles["50"]) if "50" in percentiles else None,
        "p99_ms": _ms(percentiles["99"]) if "99" in percentiles else None,
        "requests": int(re.search(r"(\d+) requests in", output).group(1)),
        "socket_errors": sum(int(n) for n in errors.groups()) if errors else 0,
        "timeouts": int(errors.group(4)) if errors else 0,
        "non_2xx": int(non_2xx.group(1)) if non_2xx else 0,
    }


def wrk(url: str, seconds: int, *, threads: int = THREADS, connections: int = CONNECTIONS) -> dict:
    out = subprocess.run(
        ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s", "--latency", url],
        capture_output=True, text=True, check=True,
    )
    return parse_wrk(out.stdout)


def measure(server: Server, pages: list[tuple[str, str]], seconds: int) -> dict[str, dict]:
    """Warm each page (checking it answers 200, noting whether a second request hits the cache), load it."""
    results = {}
    for name, path in pages:
        status, _headers = server.get(path)
        if status != 200:
            raise RuntimeError(f"{path} answered {status}; gunicorn's log:\n{server.log_tail()}")
        # What the cache did with a second request: "hit", or "–" for a page the cache never stores.
        x_cache = server.get(path)[1].get("X-Cache", "–")
        # Then a short unmeasured load, one connection per worker: each worker builds its first response
        # slowly (imports, templates, a database connection) and the warming request reached only one.
        wrk(server.url + path, WARM_UP_SECONDS, threads=1, connections=WORKERS)
        results[name] = {"path": path, "x_cache": x_cache, **wrk(server.url + path, seconds)}
    return results


# --- The table -------------------------------------------------------------------------------------


def _target(row: dict) -> str:
    met = (row["rps"] >= TARGET_RPS and row["p99_ms"] is not None and row["p99_ms"] < TARGET_P99_MS
           and not row["non_2xx"] and not row["timeouts"])
    return "met" if met else "NOT met"


def _figure(value: float | None, width: int, digits: int = 1) -> str:
    return f"{'–':>{width}}" if value is None else f"{value:>{width}.{digits}f}"


def run() -> dict:
    """Two gunicorn runs (cache on, cache off) against one demo database; print one table."""
    missing = missing_services()
    if missing:
        print("Skipped: " + "; ".join(missing))
        return {"skipped": missing}
    seconds = int(os.environ.get("BENCH_PAGES_DURATION", "15"))
    with tempfile.TemporaryDirectory() as var:
        env = prepare(var)
        with Server(env, Path(var) / "gunicorn-cached.log") as server:
            cached = measure(server, [STATIC, *PAGES], seconds)
        import redis

        redis.Redis.from_url(REDIS_URL).flushdb()
        with Server({**env, "PUBLIC_CACHE_SECONDS": "0"}, Path(var) / "gunicorn-uncached.log") as server:
            uncached = measure(server, PAGES, seconds)
    static = cached.pop(STATIC[0])

    print(f"gunicorn -w {WORKERS}, PostgreSQL + Redis, DEBUG=0; wrk -t{THREADS} -c{CONNECTIONS} -d{seconds}s "
          f"(requests/s; latency percentiles in ms)")
    print(f"{'page':<15}{'URL':<27}{'cached r/s':>11}{'p50':>8}{'p99':>8}{'uncached r/s':>13}{'p50':>8}{'p99':>9}"
          f"{'ratio':>7}{'/static':>8}{'X-Cache':>8}  target (≥ {TARGET_RPS} r/s, p99 < {TARGET_P99_MS} ms, cached)")
    rows = []
    for name, path in PAGES:
        on, off = cached[name], uncached[name]
        row = {"page": name, "path": path, "cached": on, "uncached": off,
               "ratio": on["rps"] / off["rps"] if off["rps"] else None,
               "of_static": on["rps"] / static["rps"] if static["rps"] else None, "target": _target(on)}
        rows.append(row)
        print(f"{name:<15}{path:<27}{on['rps']:>11.0f}{_figure(on['p50_ms'], 8)}{_figure(on['p99_ms'], 8)}"
              f"{off['rps']:>13.1f}{_figure(off['p50_ms'], 8)}{_figure(off['p99_ms'], 9)}{_figure(row['ratio'], 7)}"
              f"{_figure(row['of_static'], 8, 2)}{on['x_cache']:>8}  {row['target']}")
    print(f"{'baseline':<15}{STATIC[1]:<27}{static['rps']:>11.0f}{_figure(static['p50_ms'], 8)}{_figure(static['p99_ms'], 8)}"
          "  (whitenoise answers before Django's other middleware: the ceiling)")
    problems = [f"{state} {name}: {r['timeouts']} timeouts, {r['socket_errors']} socket errors, {r['non_2xx']} non-2xx"
                for state, results in (("cached", cached), ("uncached", uncached)) for name, r in results.items()
                if r["socket_errors"] or r["non_2xx"]]
    for problem in problems:
        print(problem)
    met = all(row["target"] == "met" for row in rows)
    print(f"Target with caching on (≥ {TARGET_RPS} requests/s and p99 < {TARGET_P99_MS} ms on every page): "
          f"{'met' if met else 'NOT met'}.")
    print("ratio = cached r/s ÷ uncached r/s; /static = cached r/s ÷ the static file's (the machine's ceiling); "
          "X-Cache = the cache's answer to a second request with caching on (– = the page is never cached). "
          "wrk shares the 2 cores with gunicorn.")
    return {"rows": rows, "static": static, "seconds": seconds, "workers": WORKERS,
            "targets": {"rps": TARGET_RPS, "p99_ms": TARGET_P99_MS},
            "met": met}


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ogmonitor.settings")
    run()
