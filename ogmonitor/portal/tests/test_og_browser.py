"""Real headless Chromium: the home page on a phone without JavaScript, and the language links."""

import pytest

from ogmonitor.plans.factories import ActivityFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def phone_without_javascript(browser):
    context = browser.new_context(viewport={"width": 360, "height": 740}, java_script_enabled=False, locale="az-AZ")
    context.set_default_timeout(15000)
    yield context.new_page()
    context.close()


def test_a_visitor_without_javascript_reads_the_home_page_on_a_phone_and_switches_language(
    phone_without_javascript, live_server, test_output_dir
):
    page = phone_without_javascript
    activity = ActivityFactory(area__plan__title_az="Milli Fəaliyyət Planı 2020–2022",
                               area__plan__title_en="National Action Plan 2020–2022", area__plan__slug="nap-2020-2022",
                               involves_municipalities=True)

    page.goto(f"{live_server.url}/az/")
    assert page.locator("h1").inner_text() == "Açıq hökumət üzrə Fəaliyyət Planı icmalarımıza çatırmı?"
    # Nothing wider than the phone: the figures and cards wrap.
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.screenshot(path=str(test_output_dir / "screenshots" / "home-az-360-nojs.png"), full_page=True)

    page.click("text=Milli Fəaliyyət Planı 2020–2022")
    assert page.url == f"{live_server.url}{activity.plan.get_absolute_url()}"
    page.click(".language-switch a[hreflang=en]")
    assert page.url == f"{live_server.url}/en/plans/nap-2020-2022/"
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("h1").inner_text() == "National Action Plan 2020–2022"
    assert page.locator(".language-switch [aria-current=true]").inner_text() == "EN"
    assert page.context.cookies() == []  # nothing was posted, nothing was set

    page.click(".language-switch a[hreflang=az]")
    assert page.url == f"{live_server.url}/az/plans/nap-2020-2022/"
