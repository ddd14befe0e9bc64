"""`manage.py show_findings`: every indicator's figures, and the comparison with the previous round.

The demo acceptance: with the demo data, the 2022 figures are exactly the seed's, and the
comparison with the 2017 round shows each change with its p-value.
"""

import importlib.util
import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.test import override_settings

from ogmonitor.findings.models import Indicator, IndicatorResult
from ogmonitor.surveys.factories import StudyFactory
from ogmonitor.surveys.models import AggregateResult, Study

from .test_compute import Survey

FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def show(*args) -> str:
    out = StringIO()
    call_command("show_findings", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def two_rounds(db):
    survey = Survey()
    for value, count in {"yes": 3, "partly": 1, "no": 4}.items():
        for _ in range(count):
            survey.respond(aware=value)
    survey.indicator("aware")
    before = StudyFactory(aggregate_only=True, slug="before")
    AggregateResult.objects.create(study=before, key="aware", choice="yes", label="Aware", numerator=1, denominator=10)
    Indicator.objects.create(study=before, code="aware", title_az="x", title_en="x", kind="published", aggregate_key="aware", aggregate_choice="yes")
    survey.study.previous = before
    survey.study.save()
    return survey.study, before


def test_json_lists_every_indicator_with_its_counts_and_the_comparison(two_rounds):
    study, _before = two_rounds
    data = json.loads(show(study.slug, "--json"))
    assert data["study"] == study.slug and data["computed_at"]
    [aware] = data["indicators"]
    assert aware == {
        "code": "aware", "title": "aware (az)", "kind": "question", "numerator": 3, "denominator": 8,
        "percentage": 37.5, "percentage_upper": None, "ci_low": aware["ci_low"], "ci_high": aware["ci_high"],
        "base_uncertain": False,
    }
    assert 0 < aware["ci_low"] < 37.5 < aware["ci_high"] < 100
    [comparison] = data["comparison"]
    assert comparison["code"] == "aware"
    assert (comparison["current"]["percentage"], comparison["previous"]["percentage"]) == (37.5, 10.0)
    assert comparison["change_pp"] == 27.5
    assert 0 < comparison["p_value"] < 1
    assert comparison["verdict"] in {"rose", "fell", "no_clear_change"}


def test_the_table_shows_the_figures_and_the_verdict(two_rounds):
    study, _before = two_rounds
    text = show(study.slug)
    assert "aware" in text and "3/8" in text and "37,5" in text
    assert "Compared with before" in text and "+27.5" in text


def test_compare_with_another_round_and_without_recomputing(two_rounds):
    study, before = two_rounds
    other = StudyFactory(aggregate_only=True, slug="other")
    data = json.loads(show(study.slug, "--json", "--compare-with", other.slug))
    assert data["comparison"] == []
    IndicatorResult.objects.all().delete()
    data = json.loads(show(study.slug, "--json", "--no-recompute"))
    assert data["indicators"][0]["numerator"] is None


def test_an_unknown_study_is_an_error(db):
    with pytest.raises(CommandError, match="no-such-study"):
        show("no-such-study")


# --- The demo acceptance ---------------------------------------------------------------------------

#: The demo indicators (as ogmonitor/demo/data/findings/*.json define them), used only if the
#: demo's findings loader is missing: (code, question, counted choices, base, kind).
DEMO_INDICATORS = [
    ("nap_aware", "nap_aware", ["yes"], "all", "question"),
    ("nap_not_aware", "nap_aware", ["partly", "no"], "all", "question"),
    ("eservices_use", "eservices_use", ["yes"], "all", "question"),
    ("terminal_in_community", "terminal_in_community", ["yes"], "all", "community"),
    ("portal_aware", "portal_aware", ["yes"], "all", "question"),
    ("mobile_interface_use", "mobile_interface_use", ["yes"], "all", "question"),
    ("dialogue_platform_partly_aware", "dialogue_platform_aware", ["partly"], "all", "question"),
    ("community_councils_aware", "community_councils_aware", ["yes"], "answered", "question"),
    ("cbo_familiar", "cbo_familiar", ["yes"], "all", "question"),
    ("municipal_reports", "municipal_reports", ["yes"], "answered", "question"),
]

#: (question, counted choices) → (numerator, denominator, percentage) as the seed reports them.
SEED_2022 = {
    ("nap_aware", ("yes",)): (15, 65, 23.1),
    ("nap_aware", ("partly", "no")): (50, 65, 76.9),
    ("eservices_use", ("yes",)): (39, 65, 60.0),
    ("portal_aware", ("yes",)): (10, 65, 15.4),
    ("mobile_interface_use", ("yes",)): (31, 65, 47.7),
    ("dialogue_platform_aware", ("partly",)): (23, 65, 35.4),
    ("community_councils_aware", ("yes",)): (34, 64, 53.1),
    ("cbo_familiar", ("yes",)): (54, 65, 83.1),
    ("municipal_reports", ("yes",)): (46, 64, 71.9),
    ("terminal_in_community", ("yes",)): (4, 12, 33.3),
}
#: question → the 2017 published percentage it is compared with (terminals: 2 of 15 communities).
SEED_2017 = {
    "nap_aware": 25.0, "eservices_use": 44.0, "portal_aware": 16.0, "mobile_interface_use": 18.0,
    "dialogue_platform_aware": 24.0, "community_councils_aware": 30.0, "municipal_reports": 80.0,
    "terminal_in_community": 13.3,
}


@pytest.fixture(scope="class")
def demo(django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo data with its indicators, loaded once for the class and rolled back after it."""
    if importlib.util.find_spec("ogmonitor.demo.loaders.surveys") is None:
        pytest.skip("the demo survey loader is not there yet")
    from ogmonitor.demo.services import load_demo

    with (
        django_db_blocker.unblock(),
        override_settings(PASSWORD_HASHERS=FAST_HASHERS, MEDIA_ROOT=tmp_path_factory.mktemp("media")),
        transaction.atomic(),
    ):
        load_demo()
        if not Indicator.objects.filter(study__slug="local-2022").exists():
            # The demo's own indicators when its loader is there (load_demo may not call it yet).
            if importlib.util.find_spec("ogmonitor.demo.loaders.findings") is not None:
                from ogmonitor.demo.loaders.findings import load_findings

                load_findings()
            else:
                _define_fallback()
        yield json.loads(show("local-2022", "--json"))
        transaction.set_rollback(True)


def _define_fallback() -> None:
    studies = {study.slug: study for study in Study.objects.filter(slug__in=["local-2022", "sabirabad-2017"])}
    for position, (code, question, choices, base, kind) in enumerate(DEMO_INDICATORS):
        Indicator.objects.create(
            study=studies["local-2022"], code=code, title_az=code, title_en=code, position=position, kind=kind,
            question_name=question, numerator_choices=choices, base=base,
        )
        if code != "nap_not_aware":
            Indicator.objects.create(
                study=studies["sabirabad-2017"], code=code, title_az=code, title_en=code, position=position,
                kind="published", aggregate_key=question, aggregate_choice=choices[0],
            )


@pytest.mark.django_db
@pytest.mark.usefixtures("demo")
class TestDemoFindings:
    def definitions(self) -> dict[str, tuple[str, tuple[str, ...]]]:
        return {
            indicator.code: (indicator.question_name, tuple(indicator.numerator_choices))
            for indicator in Indicator.objects.filter(study__slug="local-2022")
        }

    def test_the_2022_figures_are_exactly_the_seeds(self, demo):
        definitions = self.definitions()
        found = {
            definitions[row["code"]]: (row["numerator"], row["denominator"], row["percentage"])
            for row in demo["indicators"]
        }
        assert found == SEED_2022
        assert demo["study"] == "local-2022"
        for row in demo["indicators"]:
            assert row["ci_low"] < row["percentage"] < row["ci_high"]

    def test_the_comparison_with_2017_shows_every_change_with_its_p_value(self, demo):
        definitions = self.definitions()
        comparisons = {definitions[row["code"]][0]: row for row in demo["comparison"]}
        for question, before in SEED_2017.items():
            row = comparisons[question]
            assert row["previous"]["study"] == "sabirabad-2017"
            assert row["previous"]["percentage"] == before, question
            assert row["change_pp"] == pytest.approx(row["current"]["percentage"] - before, abs=0.11)
            assert row["p_value"] is not None and 0 < row["p_value"] <= 1, question
            assert row["verdict"] in {"rose", "fell", "no_clear_change"}
        terminals = comparisons["terminal_in_community"]
        assert (terminals["previous"]["numerator"], terminals["previous"]["denominator"]) == (2, 15)
        assert (terminals["current"]["numerator"], terminals["current"]["denominator"]) == (4, 12)
        # Published as a range (90–95%) without a count: compared by its lower bound, not tested.
        organisations = comparisons["cbo_familiar"]
        assert (organisations["previous"]["percentage"], organisations["previous"]["percentage_upper"]) == (90.0, 95.0)
        assert organisations["p_value"] is None
        assert "nap_not_aware" not in {row["code"] for row in demo["comparison"]}
