"""Findings engine: 40 indicators × 4 breakdowns on a 100,000-respondent × 40-question round.

The round is bench_import's synthetic Kobo CSV (its generator and XLSForm, reused) with three
profile columns added — community (40 communities in 8 districts), respondent category (5) and
gender — imported through the real response import into a fresh SQLite or PostgreSQL database.
Then three things are timed, in turn, REPEATS times (medians; after one warm-up run):

* ``compute_study`` with 40 indicators (34 one-option shares over all respondents or those who
  answered, 6 two-option shares), every one overall and by district, community, category and
  gender, results written with their Wilson intervals;
* baseline 1: one hand-written ``GROUP BY question, choice, community, category, gender`` over
  the same answers (the same joins and filters, ``COUNT(*)``), fetched — what the database
  needs at least to read those answers once;
* baseline 2: pandas ``read_csv`` of the same CSV + ``melt`` + the five crosstabs (overall,
  district, community, category, gender) — what an analyst would do with the file.

The surveys app keeps one answer row per (submission, question, choice) (the unique index
``answer_once_per_choice``), so the cube counts rows (COUNT(*)). On a schema without it, the
engine counts COUNT(DISTINCT submission) and this benchmark times that variant too, then adds
the index and times the engine again, each against the GROUP BY on the same schema.

``BENCH_FINDINGS_RESPONDENTS`` (default 100000) sets the size; ``BENCH_SIZES`` (e.g.
``1000,10000,100000``) measures each size of its list instead. ``BENCH_REPEATS_LARGE`` (unset by
default) lowers the repeats to that number at 100,000 respondents and more, where one pandas
baseline alone takes ~9 s.
Targets: compute ≤ 2 × the GROUP BY; compute ≤ 1 × pandas.
"""

import csv
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
PG_DATABASE = "ogmonitor_bench_findings"

try:  # run by bench/run.py (repository root on sys.path) or directly (bench/ on sys.path)
    from bench.common import databases, fresh_postgres, generated_file, sizes
except ImportError:  # pragma: no cover
    from common import databases, fresh_postgres, generated_file, sizes
REPEATS = 3
DISTRICTS = 8
COMMUNITIES_PER_DISTRICT = 5
CATEGORIES = ["municipality", "excom", "community_council", "ngo", "entrepreneur"]
GENDERS = ["woman", "man", "man", "other", ""]  # "" leaves it unrecorded
TARGET_GROUP_BY_RATIO = 2.0
TARGET_PANDAS_RATIO = 1.0

try:  # run by bench/run.py (repository root on sys.path) or directly (bench/ on sys.path)
    from bench import bench_import
except ImportError:  # pragma: no cover
    import bench_import


# --- The round ------------------------------------------------------------------------------------


def community_slugs() -> list[tuple[str, str]]:
    """(slug, district code) of the bench's communities."""
    return [
        (f"bench-d{d}-c{c}", f"AZ-B{d:02d}")
        for d in range(DISTRICTS) for c in range(COMMUNITIES_PER_DISTRICT)
    ]


def write_round(path: Path, respondents: int) -> None:
    """bench_import's CSV with community, category and gender columns added (seeded, so every
    run reads the same file)."""
    plain = path.with_suffix(".plain.csv")
    bench_import.write_csv(plain, respondents)
    slugs = [slug for slug, _district in community_slugs()]
    rng = random.Random(7)
    with plain.open(newline="", encoding="utf-8") as source, path.open("w", newline="", encoding="utf-8") as target:
        reader, writer = csv.reader(source), csv.writer(target)
        writer.writerow([*next(reader), "community", "category", "gender"])
        for row in reader:
            writer.writerow([*row, rng.choice(slugs), rng.choice(CATEGORIES), rng.choice(GENDERS)])
    plain.unlink()


def setup_round(var: Path, respondents: int):
    """A study with the round imported through the real import; returns (study, csv path)."""
    from django.core.files import File

    from ogmonitor.places.models import Community, District, Organization
    from ogmonitor.plans.models import ActionPlan
    from ogmonitor.surveys.importing import check_import, create_batch, run_import
    from ogmonitor.surveys.models import RespondentCategory, Study
    from ogmonitor.surveys.services import create_questionnaire

    path = generated_file("round", respondents, write_round, var / "round.csv")
    organization = Organization.objects.create(name_az="Bench QHT", name_en="Bench NGO", type="ngo", slug="bench")
    plan = ActionPlan.objects.create(title_az="Bench", title_en="Bench", slug="bench", start_year=2024, end_year=2025)
    study = Study.objects.create(title_az="Bench", title_en="Bench", slug="bench", organization=organization, plan=plan)
    districts = {}
    for slug, code in community_slugs():
        if code not in districts:
            districts[code] = District.objects.create(code=code, name_az=f"Rayon {code}", name_en=f"District {code}")
        community = Community.objects.create(district=districts[code], name_az=slug, name_en=slug, slug=slug)
        study.communities.add(community)
    for position, code in enumerate(CATEGORIES):
        RespondentCategory.objects.get_or_create(code=code, defaults={"name_az": code, "name_en": code, "position": position})
    questionnaire = create_questionnaire(study, bench_import.xlsform(), "bench.xlsx", None)
    with path.open("rb") as file:
        batch = create_batch(study, questionnaire, File(file, name="round.csv"), None)
    profile = [column for column in batch.mapping["columns"] if column.startswith("profile:")]
    assert sorted(profile) == ["profile:category", "profile:community", "profile:gender"], batch.mapping["columns"]
    problems = check_import(batch)
    assert not problems, problems[:3]
    batch = run_import(batch)
    assert batch.status == "done", batch.problems[:3]
    return study, path


def define_indicators(study) -> list:
    """40 indicators on the 34 single-choice questions, all counted by the cube."""
    from ogmonitor.findings.models import Indicator

    names = [name for name, kind in bench_import.question_names() if kind == "select_one"]
    rows = []
    for position, name in enumerate(names):
        rows.append(Indicator(
            study=study, code=name, title_az=name, title_en=name, position=position, question_name=name,
            numerator_choices=["a"], base=Indicator.Base.ALL if position % 2 else Indicator.Base.ANSWERED,
        ))
    for position, name in enumerate(names[:40 - len(names)], start=len(names)):
        rows.append(Indicator(
            study=study, code=f"{name}_bc", title_az=name, title_en=name, position=position, question_name=name,
            numerator_choices=["b", "c"], base=Indicator.Base.ALL,
        ))
    return Indicator.objects.bulk_create(rows)


# --- The baselines -------------------------------------------------------------------------------


def group_by_baseline(study) -> int:
    """One hand-written GROUP BY of the same answers (same joins and filters), all rows fetched."""
    from django.db import connection

    from ogmonitor.surveys.models import Question

    question_ids = list(Question.objects.filter(questionnaire__study=study, type="select_one").values_list("pk", flat=True))
    placeholders = ", ".join(["%s"] * len(question_ids))
    sql = f"""
        SELECT a.question_id, a.choice_id, r.community_id, r.category_id, r.gender, COUNT(*)
        FROM surveys_answer a
        JOIN surveys_submission s ON s.id = a.submission_id
        LEFT JOIN surveys_respondent r ON r.id = s.respondent_id
        WHERE s.study_id = %s AND s.status IN ('submitted', 'approved') AND a.question_id IN ({placeholders})
        GROUP BY a.question_id, a.choice_id, r.community_id, r.category_id, r.gender
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, [study.pk, *question_ids])
        return len(cursor.fetchall())


def pandas_baseline(path: Path) -> int:
    """read_csv + melt + the five crosstabs of the same answers."""
    import pandas as pd

    districts = dict(community_slugs())
    names = [f"{'g1' if index < 20 else 'g2'}/{name}" for index, (name, _kind) in enumerate(bench_import.question_names())]
    questions = [header for header, (_name, kind) in zip(names, bench_import.question_names(), strict=True) if kind == "select_one"]
    frame = pd.read_csv(path, usecols=[*questions, "community", "category", "gender"], dtype=str, keep_default_na=False)
    long = frame.melt(id_vars=["community", "category", "gender"], value_vars=questions, var_name="question", value_name="choice")
    long["district"] = long["community"].map(districts)
    keys = [long["question"], long["choice"]]
    tables = [pd.crosstab(long["question"], long["choice"])]
    tables += [pd.crosstab(keys, long[dimension]) for dimension in ("district", "community", "category", "gender")]
    return sum(table.size for table in tables)


# --- One measured run (in a subprocess: fresh database) --------------------------------------------


def measure(respondents: int) -> dict:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from ogmonitor.findings.models import IndicatorResult
    from ogmonitor.findings.services import compute as engine
    from ogmonitor.findings.services import compute_study
    from ogmonitor.surveys.models import Answer

    call_command("migrate", verbosity=0)
    var = Path(os.environ["OGMONITOR_VAR_DIR"])
    started = time.perf_counter()
    study, path = setup_round(var, respondents)
    setup_s = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # as autovacuum would after a bulk load (PostgreSQL), or `manage.py` never does (SQLite)
    define_indicators(study)

    repeats = repeats_for(respondents)

    def variant(name: str) -> dict:
        with CaptureQueriesContext(connection) as queries:
            compute_study(study)  # warm-up (and the query count)
        # The three are timed in turn, so that a busy machine slows them alike.
        samples: dict[str, list[float]] = {"compute": [], "group_by": [], "pandas": []}
        returned = {}
        for _ in range(repeats):
            for key, function in (("compute", lambda: compute_study(study)), ("group_by", lambda: group_by_baseline(study)),
                                  ("pandas", lambda: pandas_baseline(path))):
                started = time.perf_counter()
                returned[key] = function()
                samples[key].append(time.perf_counter() - started)
        return {
            "engine": connection.vendor, "variant": name, "respondents": respondents,
            "answers": Answer.objects.filter(submission__study=study).count(),
            "indicators": study.indicators.count(), "result_rows": IndicatorResult.objects.count(),
            "compute_queries": len(queries.captured_queries), "setup_s": setup_s,
            "compute_s": statistics.median(samples["compute"]), "group_by_s": statistics.median(samples["group_by"]),
            "pandas_s": statistics.median(samples["pandas"]), "samples": samples, "repeats": repeats,
            "group_by_rows": returned["group_by"], "pandas_cells": returned["pandas"],
        }

    shipped = engine.answers_unique_per_choice()
    rows = [variant("COUNT(*): unique answers" if shipped else "COUNT(DISTINCT): as shipped")]
    if not shipped:
        # What compute does once the surveys app enforces one row per (submission, question,
        # choice): the unique index (also a covering index for the cube on SQLite) and COUNT(*).
        with connection.cursor() as cursor:
            cursor.execute(
                "CREATE UNIQUE INDEX bench_answer_once ON surveys_answer (submission_id, question_id, choice_id)"
            )
            cursor.execute("ANALYZE")
        engine.answers_unique_per_choice = lambda: True
        rows.append(variant("COUNT(*): with UNIQUE(submission, question, choice)"))
    return {"rows": rows}


# --- The table ------------------------------------------------------------------------------------


def repeats_for(respondents: int) -> int:
    """REPEATS, or ``BENCH_REPEATS_LARGE`` (when set) at 100,000 respondents and more."""
    large = os.environ.get("BENCH_REPEATS_LARGE")
    return max(int(large), 1) if large and respondents >= 100_000 else REPEATS


def run() -> dict:
    """Each (database, size) in its own subprocess; print one table with the targets."""
    respondents = int(os.environ.get("BENCH_FINDINGS_RESPONDENTS", "100000"))
    rows = []
    for engine, url in databases(PG_DATABASE):
        for size in sizes([respondents]):
            if url:
                fresh_postgres(PG_DATABASE)
            with tempfile.TemporaryDirectory() as var:
                env = {**os.environ, "OGMONITOR_VAR_DIR": var, "DATABASE_URL": url, "DEBUG": "0", "LOG_LEVEL": "WARNING"}
                out = subprocess.run([sys.executable, __file__, str(size)], env=env, capture_output=True, text=True, cwd=ROOT)
                if out.returncode:
                    print(out.stderr[-3000:])
                    raise RuntimeError(f"bench_findings failed on {engine} with {size} respondents")
                rows += json.loads(out.stdout.strip().splitlines()[-1])["rows"]
    print(f"{'engine':<11}{'variant':<52}{'resp.':>8}{'answers':>10}{'ind.':>5}{'cells':>7}{'queries':>8}{'compute s':>10}"
          f"{'GROUP BY s':>11}{'×':>6}{'pandas s':>9}{'×':>6}  targets")
    for r in rows:
        r["group_by_ratio"] = r["compute_s"] / r["group_by_s"]
        r["pandas_ratio"] = r["compute_s"] / r["pandas_s"]
        verdicts = (
            f"≤ {TARGET_GROUP_BY_RATIO:g}× GROUP BY: {'met' if r['group_by_ratio'] <= TARGET_GROUP_BY_RATIO else 'NOT met'}; "
            f"≤ {TARGET_PANDAS_RATIO:g}× pandas: {'met' if r['pandas_ratio'] <= TARGET_PANDAS_RATIO else 'NOT met'}"
        )
        print(f"{r['engine']:<11}{r['variant']:<52}{r['respondents']:>8}{r['answers']:>10}{r['indicators']:>5}{r['result_rows']:>7}"
              f"{r['compute_queries']:>8}{r['compute_s']:>10.2f}{r['group_by_s']:>11.2f}{r['group_by_ratio']:>6.2f}"
              f"{r['pandas_s']:>9.2f}{r['pandas_ratio']:>6.2f}  {verdicts}")
    print("compute = compute_study (cube query, base queries, roll-up, Wilson intervals, results written); "
          "GROUP BY = one hand-written COUNT(*) GROUP BY of the same answers; pandas = read_csv + melt + "
          f"5 crosstabs of the same CSV. Medians of {REPEATS} runs, taken in turn, after a warm-up"
          + (f" ({os.environ['BENCH_REPEATS_LARGE']} at 100,000 respondents and more)."
             if os.environ.get("BENCH_REPEATS_LARGE") else "."))
    return {"rows": rows, "targets": {"group_by_ratio": TARGET_GROUP_BY_RATIO, "pandas_ratio": TARGET_PANDAS_RATIO}}


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ogmonitor.settings")
    print(json.dumps(measure(int(sys.argv[1]))))
