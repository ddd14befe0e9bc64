"""The Content-Security-Policy in real Chromium: the pages work under it and break none of its rules.

Chromium reports every blocked script, style, image or eval on the console ("… violates the
following Content Security Policy directive …") and fires ``securitypolicyviolation``; both are
collected while the home page, a study's results, the enumerator's form (saving a draft over
htmx), the public self-completion form, the events search (htmx) and the API
documentation are used. The last step injects an inline script on purpose, to show that a
violation would have been seen.
"""

import pytest
from playwright.sync_api import expect

from ogmonitor.engagement.factories import EventFactory
from ogmonitor.surveys import submissions
from ogmonitor.surveys.factories import QuestionnaireFactory, StudyFactory, StudyMemberFactory
from ogmonitor.surveys.models import StudyMember

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

#: What ReDoc's page asks of other sites (its web fonts, the "API docs by Redocly" logo) is refused
#: on purpose: no visitor's address goes to a CDN, and the page works without them.
REFUSED_ON_PURPOSE = ("https://fonts.googleapis.com/", "https://cdn.redoc.ly/")
#: Runs before any page script: keeps what the browser reports, in the page's own window.
RECORD_VIOLATIONS = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__violations.push(event.violatedDirective + " " + (event.blockedURI || "inline"));
});
"""


class Watch:
    """What the console and the ``securitypolicyviolation`` events said about the policy."""

    def __init__(self, page):
        self.page = page
        self.console: list[str] = []
        page.add_init_script(RECORD_VIOLATIONS)
        page.on("console", lambda message: self.console.append(f"{page.url}: {message.text}"))
        self.events: list[str] = []

    def collect(self) -> None:
        """Keep the current page's events (call before leaving it)."""
        self.events += [f"{self.page.url}: {event}" for event in self.page.evaluate("window.__violations || []")]

    def violations(self) -> list[str]:
        return [line for line in self.console if "Content Security Policy" in line] + self.events


@pytest.fixture
def patient(page):
    """The page, waiting longer than usual: these steps run on a machine busy with other tests."""
    page.set_default_timeout(60000)
    expect.set_options(timeout=30000)
    yield page
    expect.set_options(timeout=5000)  # Playwright's default


@pytest.fixture
def world(db, ngo_a, ngo_b, two_communities, enumerator, coordinator):
    from ogmonitor.findings import drafting
    from ogmonitor.findings.tests.test_drafting import Round

    survey = Round(organization=ngo_a)
    survey.seed_answers()
    survey.indicator()
    survey.compute()
    drafting.draft_findings(survey.study)
    drafting.publish_findings(survey.study)

    collecting = StudyFactory(organization=ngo_a, communities=two_communities, status="collecting")
    QuestionnaireFactory(study=collecting)
    StudyMemberFactory(study=collecting, user=enumerator, role=StudyMember.Role.ENUMERATOR, communities=two_communities)
    link = submissions.create_self_link(collecting, coordinator)
    EventFactory(title_az="Büdcə dinləməsi", title_en="Budget hearing")
    EventFactory(title_az="Açıq məlumat təlimi", title_en="Open data training")
    return {"results": survey.study, "collecting": collecting, "link": link}


def test_the_pages_work_under_the_policy_and_break_none_of_its_rules(patient, live_server, login, enumerator, world):
    page = patient
    watch = Watch(page)
    base = live_server.url

    response = page.goto(f"{base}/az/")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    expect(page.locator("h1")).to_be_visible()
    watch.collect()

    page.goto(f"{base}/en/findings/{world['results'].slug}/")
    expect(page.locator("main")).to_contain_text("15 of 65")
    for details in page.locator("main details").all()[:3]:  # breakdowns load over htmx when opened
        details.locator("summary").click()
    page.wait_for_load_state("networkidle")
    watch.collect()

    # The public self-completion form: ogform.js shows and hides questions as answers come in.
    page.goto(f"{base}/az/studies/s/{world['link'].token}/")
    expect(page.locator("form[data-ogform]")).to_be_visible()
    page.locator("fieldset[data-name=aware]").get_by_text("Bəli").click()
    expect(page.locator("fieldset.q-group")).to_be_visible()
    watch.collect()

    # An htmx search: typing filters the events without reloading the page.
    page.goto(f"{base}/en/engagement/events/")
    expect(page.locator("#results")).to_contain_text("Open data training")
    with page.expect_response(lambda answer: "/engagement/events/" in answer.url and answer.status == 200):
        page.fill("#id_q", "hearing")
    expect(page.locator("#results")).not_to_contain_text("Open data training")
    expect(page.locator("#results")).to_contain_text("Budget hearing")
    watch.collect()

    # The enumerator's form: saving a draft is an htmx POST carrying the CSRF header.
    login(page, enumerator, "az")
    watch.collect()
    page.goto(f"{base}/az/studies/{world['collecting'].slug}/entry/new/")
    expect(page.locator("form[data-ogform]")).to_be_visible()
    with page.expect_response(lambda answer: answer.request.method == "POST") as draft:
        page.locator("button[value=draft]").click()
    assert draft.value.status == 200
    expect(page.locator("#draft-status")).not_to_be_empty()
    watch.collect()

    page.goto(f"{base}/api/docs/")
    expect(page.locator(".swagger-ui .info").first).to_be_visible()
    watch.collect()
    page.goto(f"{base}/api/redoc/")
    page.locator("input.search-input").fill("districts")  # ReDoc searches in a blob: worker
    expect(page.get_by_role("search").get_by_role("menuitem", name="districts_list")).to_be_visible()
    watch.collect()

    violations = [line for line in watch.violations() if not any(host in line for host in REFUSED_ON_PURPOSE)]
    assert not violations, "\n".join(violations)

    # The watch does see a violation: an inline script injected into the page is refused and reported.
    page.goto(f"{base}/en/")
    page.evaluate("""() => {
        const script = document.createElement("script");
        script.textContent = "window.__ran = true";
        document.body.appendChild(script);
    }""")
    page.wait_for_timeout(200)
    watch.collect()
    assert page.evaluate("window.__ran === undefined")
    assert any("script-src" in line for line in watch.violations())
