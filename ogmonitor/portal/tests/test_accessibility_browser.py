"""The public pages in real Chromium: axe-core finds nothing serious, the keyboard reaches the header, no page scrolls sideways.

The demo is loaded once; the home page, the 2022 study's results page and a municipality's
disclosure page are then opened in Azerbaijani and English, on a phone (360 px) and a desktop
(1280 px) — one browser context per width. Each page gets a full-page screenshot in
test-output/screenshots/ (``a11y-<page>-<language>-<width>.png``) and axe-core's report in
test-output/axe/ (every violation; only "serious" and "critical" ones fail the test, the others
are listed there for the next round of fixes).
"""

import json
from io import StringIO

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core.management import call_command

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
#: A municipality of the demo with publications on its disclosure page (demo/data/disclosure/).
MUNICIPALITY = "guba-demo-community-1-municipality"
PAGES = {
    "home": "/{language}/",
    "findings-local-2022": "/{language}/findings/local-2022/",
    "disclosure-municipality": f"/{{language}}/disclosure/organizations/{MUNICIPALITY}/",
}
LANGUAGES = ("az", "en")
WIDTHS = (360, 1280)
FAILING_IMPACTS = ("serious", "critical")

#: How the element that has the keyboard focus is named in the walk below.
DESCRIBE_FOCUS = """() => {
  const element = document.activeElement;
  if (!element || element === document.body) return "body";
  if (element.matches(".skip-link")) return "skip-link";
  if (element.closest(".language-switch")) return "language:" + element.getAttribute("href");
  if (element.closest("nav.main-nav")) return "navigation:" + element.getAttribute("href");
  if (element.id === "main") return "main";
  return element.tagName.toLowerCase() + ":" + (element.getAttribute("href") || element.textContent.trim().slice(0, 30));
}"""


def walk_the_header(page) -> list[str]:
    """Tab from the top of a freshly loaded page until past the main navigation; what had the focus."""
    expected_stops = page.locator(".skip-link, .site-header a, .site-header button").count()
    stops = []
    for _ in range(expected_stops):
        page.keyboard.press("Tab")
        stops.append(page.evaluate(DESCRIBE_FOCUS))
    return stops


def check_keyboard(page, url: str) -> list[str]:
    """Problems with the keyboard walk: the skip link first, then the language links, then the navigation in order."""
    problems = []
    language_links = [f"language:{href}" for href in page.locator(".language-switch a").evaluate_all(
        "links => links.map(link => link.getAttribute('href'))")]
    navigation_links = [f"navigation:{href}" for href in page.locator("nav.main-nav a").evaluate_all(
        "links => links.map(link => link.getAttribute('href'))")]
    assert language_links and navigation_links, url
    stops = walk_the_header(page)
    if stops[:1 + len(language_links)] != ["skip-link", *language_links]:
        problems.append(f"the first stops are {stops[:1 + len(language_links)]}, not the skip link then {language_links}")
    navigation_stops = [stop for stop in stops if stop.startswith("navigation:")]
    if navigation_stops != navigation_links:
        problems.append(f"the navigation is reached as {navigation_stops}, not {navigation_links}")
    else:
        start = stops.index(navigation_links[0])
        if start <= len(language_links) or stops[start:start + len(navigation_links)] != navigation_links:
            problems.append(f"the navigation links are not reached one after another after the language links: {stops}")

    # The skip link shows itself when focused, and following it moves the focus into <main>.
    page.goto(url)
    page.keyboard.press("Tab")
    box = page.locator(".skip-link").bounding_box()
    viewport = page.viewport_size
    if not box or box["x"] < 0 or box["y"] < 0 or box["x"] + box["width"] > viewport["width"]:
        problems.append(f"the focused skip link is not on screen: {box}")
    page.keyboard.press("Enter")
    if page.evaluate(DESCRIBE_FOCUS) != "main":
        problems.append(f"the skip link moves the focus to {page.evaluate(DESCRIBE_FOCUS)}, not to main")
    page.keyboard.press("Tab")
    if not page.evaluate("document.querySelector('main').contains(document.activeElement)"):
        problems.append(f"after the skip link, Tab goes to {page.evaluate(DESCRIBE_FOCUS)}, outside main")
    return problems


def test_public_pages_pass_axe_work_with_the_keyboard_and_fit_a_phone(browser, live_server, test_output_dir, settings):
    settings.PASSWORD_HASHERS = FAST_HASHERS
    call_command("load_demo", stdout=StringIO())
    axe = Axe()
    (test_output_dir / "axe").mkdir(exist_ok=True)
    failures = []
    for width in WIDTHS:
        context = browser.new_context(viewport={"width": width, "height": 900}, locale="az-AZ")
        context.set_default_timeout(15000)
        page = context.new_page()
        for name, path in PAGES.items():
            for language in LANGUAGES:
                label = f"{name}-{language}-{width}"
                url = live_server.url + path.format(language=language)
                response = page.goto(url)
                assert response.status == 200, f"{url}: {response.status}"
                assert page.locator("html").get_attribute("lang") == language
                page.screenshot(path=str(test_output_dir / "screenshots" / f"a11y-{label}.png"), full_page=True)

                # axe skips what is hidden: open every <details> (provenance, breakdowns) so their
                # content is checked too, and wait for the definitions they load in place (HTMX).
                page.evaluate("document.querySelectorAll('main details').forEach(details => { details.open = true; })")
                page.wait_for_function(
                    "() => !document.querySelector('main details[open] [hx-trigger*=toggle]') && !document.querySelector('.htmx-request')")
                violations = axe.run(page).response["violations"]
                (test_output_dir / "axe" / f"{label}.json").write_text(json.dumps(violations, indent=2, ensure_ascii=False))
                failures += [
                    f"{label}: axe {violation['id']} ({violation['impact']}): {violation['help']} — "
                    + "; ".join(" ".join(node["target"]) for node in violation["nodes"][:5])
                    for violation in violations if violation["impact"] in FAILING_IMPACTS
                ]

                overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
                if overflow > 0:
                    failures.append(f"{label}: the page scrolls sideways by {overflow}px")

                page.goto(url)  # the keyboard walk starts from a fresh page, nothing focused
                failures += [f"{label}: {problem}" for problem in check_keyboard(page, url)]
        context.close()
    assert not failures, "\n".join(failures)
