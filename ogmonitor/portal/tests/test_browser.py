"""Real headless Chromium: log in, switch languages, open a plan, keep a screenshot."""

import pytest

from ogmonitor.plans.factories import ActivityFactory, AreaFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_coordinator_logs_in_switches_language_and_opens_a_plan(page, live_server, login, coordinator, test_output_dir):
    area = AreaFactory(title_az="Elektron xidmətlərin təkmilləşdirilməsi", title_en="Improvement of electronic services",
                       plan__title_az="Açıq hökumətin təşviqinə dair Milli Fəaliyyət Planı",
                       plan__title_en="National Action Plan for the Promotion of Open Government")
    ActivityFactory(area=area, number="1.1", title_az="Elektron xidmət növlərinin siyahısının təkmilləşdirilməsi",
                    title_en="Improve the list of e-service types", involves_municipalities=True)

    login(page, coordinator)
    assert page.locator(".user-name").inner_text() == "coordinator-a"
    assert page.locator("html").get_attribute("lang") == "az"

    page.click("nav.main-nav >> text=Fəaliyyət planları")
    page.click("text=Açıq hökumətin təşviqinə dair Milli Fəaliyyət Planı")
    assert page.locator("h1").inner_text() == "Açıq hökumətin təşviqinə dair Milli Fəaliyyət Planı"
    assert "Elektron xidmət növlərinin siyahısının təkmilləşdirilməsi" in page.content()

    page.click(".language-switch a[hreflang=en]")
    page.wait_for_load_state("networkidle")
    assert page.url.startswith(f"{live_server.url}/en/plans/")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("h1").inner_text() == "National Action Plan for the Promotion of Open Government"
    assert page.locator("text=Improve the list of e-service types").is_visible()
    page.screenshot(path=str(test_output_dir / "screenshots" / "plan-detail-en.png"), full_page=True)

    page.click(".language-switch a[hreflang=az]")
    page.wait_for_load_state("networkidle")
    assert page.url.startswith(f"{live_server.url}/az/plans/")
    assert page.locator("h1").inner_text() == "Açıq hökumətin təşviqinə dair Milli Fəaliyyət Planı"
    page.set_viewport_size({"width": 360, "height": 740})
    page.screenshot(path=str(test_output_dir / "screenshots" / "plan-detail-az-360.png"), full_page=True)
    assert (test_output_dir / "screenshots" / "plan-detail-az-360.png").stat().st_size > 5000
