"""A coordinator assesses an activity for Guba in real Chromium, in Azerbaijani (acceptance test
of issue 10): links a survey indicator and a proposal as evidence, marks the assessment reviewed
and publishes it; a visitor then reads the completion level and both pieces of evidence on the
activity's public page.

Elements are found by their names and addresses, not their words, so the test holds whatever
the catalogue's wording; what the visitor reads is asserted in Azerbaijani.
"""

import pytest
from playwright.sync_api import expect

from ogmonitor.engagement.factories import ProposalFactory
from ogmonitor.findings.models import Indicator
from ogmonitor.places.factories import DistrictFactory
from ogmonitor.plans.factories import ActivityFactory
from ogmonitor.plans.models import LocalAssessment
from ogmonitor.surveys.factories import StudyFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_a_coordinator_assesses_an_activity_for_guba_and_the_public_sees_it_with_its_evidence(
    page, browser, live_server, login, coordinator, test_output_dir,
):
    guba = DistrictFactory(code="AZ-QBA", name_az="Quba", name_en="Guba")
    activity = ActivityFactory(number="3.2", title_az="Bələdiyyələrin şəffaflığı", title_en="Municipal transparency",
                               involves_municipalities=True)
    study = StudyFactory(organization=coordinator.organization, plan=activity.plan, slug="quba-2022")
    indicator = Indicator.objects.create(study=study, code="aware", title_az="Planı bilən sakinlərin payı",
                                         title_en="Residents aware of the plan", nap_activity=activity)
    proposal = ProposalFactory(activity=activity, topic="Büdcənin dərci", organization=coordinator.organization)
    activity_page = f"{live_server.url}/az/plans/{activity.plan.slug}/activities/3.2/"

    # 1. The coordinator opens the activity's page in Azerbaijani and follows the link to assess it.
    login(page, coordinator, "az")
    page.goto(activity_page)
    page.locator(f"main a[href='/az/plans/{activity.plan.slug}/activities/3.2/assess/']").click()
    page.wait_for_load_state("networkidle")
    expect(page.locator("html")).to_have_attribute("lang", "az")

    # 2. Guba, a completion level, the indicator and the proposal; saved as a draft.
    form = page.locator("main form.assessment-form")
    form.locator("select[name=district]").select_option(label="Quba")
    form.locator("input[name=assessed_on]").fill("2022-07-31")
    form.locator("select[name=completion]").select_option("substantial")
    form.locator("textarea[name=narrative_az]").fill("Quba bələdiyyələri büdcələrini sosial şəbəkədə dərc edir.")
    form.locator("select[name=indicator]").select_option(str(indicator.pk))
    form.locator("select[name=proposal]").select_option(str(proposal.pk))
    page.screenshot(path=str(test_output_dir / "screenshots" / "assessment-form.png"), full_page=True)
    form.locator("button[type=submit].primary").click()
    page.wait_for_load_state("networkidle")
    assessment = LocalAssessment.objects.get()
    assert (assessment.status, assessment.district, assessment.assessed_by) == ("draft", guba, coordinator.organization)
    assert [link.kind for link in assessment.evidence.all()] == ["indicator", "proposal"]
    assert page.url == f"{live_server.url}/az/plans/assessments/{assessment.pk}/"

    # 3. Marked reviewed, then published, from the assessment's page.
    page.locator("main form[action$='/review/'] button").click()
    page.wait_for_load_state("networkidle")
    page.locator("main form[action$='/publish/'] button").click()
    page.wait_for_load_state("networkidle")
    assessment.refresh_from_db()
    assert assessment.status == "published" and assessment.reviewed_by == coordinator
    page.screenshot(path=str(test_output_dir / "screenshots" / "assessment-published.png"), full_page=True)

    # 4. A visitor (a new browser context, not logged in) reads it on the public activity page.
    visitor = browser.new_context(locale="az-AZ")
    try:
        public = visitor.new_page()
        public.goto(activity_page)
        entry = public.locator(f"main article#assessment-{assessment.pk}")
        expect(entry).to_contain_text("Quba")
        expect(entry.locator(".badge-completion")).to_contain_text("Əhəmiyyətli")
        expect(entry).to_contain_text("Quba bələdiyyələri büdcələrini sosial şəbəkədə dərc edir.")
        indicator_link = entry.locator("ul.evidence a", has_text="Planı bilən sakinlərin payı")
        expect(indicator_link).to_have_attribute("href", "/az/findings/quba-2022/indicators/aware/")
        proposal_link = entry.locator("ul.evidence a", has_text="Büdcənin dərci")
        expect(proposal_link).to_have_attribute("href", f"/az/engagement/proposals/{proposal.number}/")
        expect(proposal_link).to_contain_text(f"Təklif № {proposal.number}")
        public.screenshot(path=str(test_output_dir / "screenshots" / "assessment-public-activity.png"), full_page=True)
        # …and each piece of evidence leads to its record's public page.
        indicator_link.click()
        public.wait_for_load_state("networkidle")
        expect(public.locator("main")).to_contain_text("Planı bilən sakinlərin payı")
    finally:
        visitor.close()
