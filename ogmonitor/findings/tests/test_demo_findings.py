"""The demo's indicators, findings and recommendations (data/findings/*.json), and their pages.

With `load_demo`, the 2022 round's figures are the seed's (23.1% aware of the plan…), the
2017 round holds the same indicator codes as published figures so the two compare, and the
seeds' recommendations (10 for 2022, 5 for 2017) are there in both languages with their links.
"""

from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from django.utils import translation

from ogmonitor.demo.loaders.common import read_json
from ogmonitor.findings import drafting
from ogmonitor.findings.models import Finding, Indicator, IndicatorResult, Recommendation
from ogmonitor.surveys.models import Study

FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

#: The seed's 2022 figures: code → (numerator, denominator).
SEED_2022 = {
    "nap_aware": (15, 65),
    "nap_not_aware": (50, 65),
    "eservices_use": (39, 65),
    "terminal_in_community": (4, 12),
    "portal_aware": (10, 65),
    "mobile_interface_use": (31, 65),
    "dialogue_platform_partly_aware": (23, 65),
    "community_councils_aware": (34, 64),
    "cbo_familiar": (54, 65),
    "municipal_reports": (46, 64),
}


def load_demo() -> None:
    call_command("load_demo", stdout=StringIO())


@pytest.fixture(scope="class")
def demo(django_db_setup, django_db_blocker):
    """The demo loaded once for a class of read-only tests, rolled back after it."""
    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=FAST_HASHERS), transaction.atomic():
        load_demo()
        yield
        transaction.set_rollback(True)


def overall(study_slug: str) -> dict[str, IndicatorResult]:
    return {
        result.indicator.code: result
        for result in IndicatorResult.objects.overall().filter(indicator__study__slug=study_slug).select_related("indicator")
    }


@pytest.mark.usefixtures("demo")
@pytest.mark.django_db
class TestDemoFindings:
    def test_the_2022_indicators_give_the_seeds_figures(self):
        results = overall("local-2022")

        assert {code: (r.numerator, r.denominator) for code, r in results.items()} == SEED_2022
        assert str(results["nap_aware"].percentage) == "23.0769"

    def test_the_2017_round_has_the_same_codes_as_published_figures(self):
        indicators = Indicator.objects.filter(study__slug="sabirabad-2017")

        assert {i.kind for i in indicators} == {Indicator.Kind.PUBLISHED}
        assert set(indicators.values_list("code", flat=True)) == (set(SEED_2022) - {"nap_not_aware"}) | {"municipal_social_page"}
        results = overall("sabirabad-2017")
        assert (results["nap_aware"].numerator, results["nap_aware"].denominator) == (12, 48)
        assert (results["cbo_familiar"].percentage, results["cbo_familiar"].percentage_upper) == (90, 95)

    def test_indicators_follow_the_questionnaires_links_to_the_plan(self):
        eservices = Indicator.objects.select_related("nap_activity", "nap_area").get(study__slug="local-2022", code="eservices_use")
        councils = Indicator.objects.select_related("nap_area").get(study__slug="local-2022", code="community_councils_aware")

        assert eservices.nap_activity.number == "1.1" and eservices.nap_area.number == 1
        assert councils.nap_activity is None and councils.nap_area.number == 4
        assert eservices.nap_activity.plan.slug == "nap-2020-2022"

    def test_findings_are_drafted_in_both_languages_and_published(self):
        finding = Finding.objects.select_related("indicator").get(study__slug="local-2022", indicator__code="nap_aware")
        result = overall("local-2022")["nap_aware"]

        with translation.override("az"):
            assert drafting.render_finding(finding, result) == (
                "Respondentlərin 23,1%-i (65 nəfərdən 15 nəfər) «Açıq hökumətin təşviqi» layihəsi və Milli Fəaliyyət "
                "Planı haqqında məlumatlıdır."
            )
        with translation.override("en"):
            assert drafting.render_finding(finding, result) == (
                "23.1% of respondents (15 of 65) are aware of the Promotion of Open Government project and the "
                "National Action Plan."
            )
        assert not Finding.objects.filter(study__slug__in=["local-2022", "sabirabad-2017"], status=Finding.Status.DRAFT).exists()
        assert Finding.objects.filter(study__slug="local-2022").count() == 10
        assert Finding.objects.filter(study__slug="sabirabad-2017").count() == 10

    def test_the_seeds_recommendations_are_there_in_both_languages_with_their_links(self):
        for slug, count in (("local-2022", 10), ("sabirabad-2017", 5)):
            recommendations = list(Recommendation.objects.filter(study__slug=slug).prefetch_related("findings", "activities"))
            study = Study.objects.get(slug=slug)
            assert len(recommendations) == count
            for recommendation in recommendations:
                assert recommendation.text_az and recommendation.text_en and recommendation.text_az != recommendation.text_en
                assert recommendation.addressee_id or recommendation.addressee_text_az
                assert all(finding.study_id == study.pk for finding in recommendation.findings.all())
                assert all(activity.plan_id == study.plan_id for activity in recommendation.activities.all())
        terminals = Recommendation.objects.get(study__slug="local-2022", position=8)
        assert terminals.text_en == "Install electronic payment terminals in the targeted communities."
        assert terminals.text_az == "Hədəf icmalarda elektron ödəniş terminalları quraşdırmaq."
        assert terminals.addressee.slug == "mcht" and terminals.priority == Recommendation.Priority.HIGH
        assert {f.indicator.code for f in terminals.findings.all()} == {"terminal_in_community", "eservices_use"}
        assert [a.number for a in terminals.activities.all()] == ["1.2"]
        platform = Recommendation.objects.get(study__slug="sabirabad-2017", position=4)
        assert platform.status == Recommendation.Status.IMPLEMENTED  # formed at the 2017 event itself

    def test_the_data_files_recommendations_are_the_seeds(self):
        for name, count in (("findings/local-2022.json", 10), ("findings/sabirabad-2017.json", 5)):
            assert len(read_json(name)["recommendations"]) == count

    def test_the_results_page_shows_the_seeds_figures_and_the_comparison_with_2017(self, client):
        az = client.get("/az/findings/local-2022/").content.decode()
        en = client.get("/en/findings/local-2022/").content.decode()

        assert "23,1%" in az and "Respondentlərin 23,1%-i (65 nəfərdən 15 nəfər)" in az
        assert "23.1%" in en and "23.1% of respondents (15 of 65)" in en
        assert 'id="comparison"' in en and "Sabirabad" in en
        assert "25.0%" in en and "-1.9" in en and "no clear change" in en
        assert "Install electronic payment terminals in the targeted communities." in en
        assert "Hədəf icmalarda elektron ödəniş terminalları quraşdırmaq." in az

    def test_the_study_pages_link_to_their_results(self, client):
        for slug in ("local-2022", "sabirabad-2017"):
            assert f"/en/findings/{slug}/" in client.get(f"/en/studies/{slug}/").content.decode()

    def test_the_2017_results_page_shows_its_published_figures(self, client):
        page = client.get("/en/findings/sabirabad-2017/").content.decode()

        assert "25.0% of respondents are aware" in page
        assert "90.0–95.0%" in page
        assert "Electronic payment terminals have been installed in 2 of the 15 communities surveyed." in page


def test_loading_the_demo_twice_leaves_the_findings_tables_as_they_were(db, settings):
    settings.PASSWORD_HASHERS = FAST_HASHERS
    load_demo()
    first = findings_counts()
    load_demo()

    assert findings_counts() == first
    assert first["findings.Indicator"] == 20 and first["findings.Recommendation"] == 15
    assert first["findings.Computation"] == 2  # computed once per study, not once per load


def findings_counts() -> dict[str, int]:
    return {
        model._meta.label: model._base_manager.count()
        for model in apps.get_app_config("findings").get_models(include_auto_created=True)
    }


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_results_page_reads_on_a_phone_and_a_figure_opens_its_provenance(browser, live_server, test_output_dir, settings):
    settings.PASSWORD_HASHERS = FAST_HASHERS
    load_demo()
    shots = test_output_dir / "screenshots"
    for width in (360, 1280):
        context = browser.new_context(viewport={"width": width, "height": 900}, locale="az-AZ")
        context.set_default_timeout(15000)
        page = context.new_page()
        page.goto(f"{live_server.url}/az/findings/local-2022/")
        card = page.locator("#indicator-nap_aware")
        assert card.locator(".figure-value").inner_text() == "23,1%"
        page.screenshot(path=str(shots / f"findings-local-2022-{width}.png"))
        card.locator("details.provenance > summary").click()
        # Opening it loads the definition in place (HTMX): the counts stay, the definition joins them.
        card.locator("details.provenance section.provenance").wait_for()
        assert "65" in card.locator("details.provenance").inner_text()
        card.locator("details.breakdowns > summary").click()
        card.locator("table.breakdown a").first.click()
        page.wait_for_load_state("networkidle")
        assert card.locator(".provenance-panel section.provenance").count() == 1
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, f"the page scrolls sideways at {width}px"
        card.screenshot(path=str(shots / f"findings-nap-aware-{width}.png"))
        context.close()
