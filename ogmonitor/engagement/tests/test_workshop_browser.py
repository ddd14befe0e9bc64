"""A coordinator's workshop in real Chromium, in Azerbaijani (acceptance test of issue 5).

Records a workshop, enters the three proposals collected there in one go and submits them to an
authority, records the authority's answer to one, and reads the proposal's whole history.
"""

import datetime as dt

import pytest
from playwright.sync_api import expect

from ogmonitor.engagement.factories import AuthorityFactory
from ogmonitor.engagement.models import Event, Proposal

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PROPOSALS = [
    "Kənddə elektron ödəniş terminalı quraşdırılsın",
    "Bələdiyyə iclaslarının elanları sosial şəbəkədə yerləşdirilsin",
    "İcma üzvləri üçün e-xidmətlər üzrə təlim keçirilsin",
]


def test_a_coordinator_records_a_workshop_with_three_proposals_and_follows_one_to_its_answer(
    page, live_server, login, coordinator, test_output_dir,
):
    authority = AuthorityFactory(name_az="Quba Rayon İcra Hakimiyyəti", name_en="Guba District Executive Authority")
    login(page, coordinator, "az")

    # 1. The workshop.
    page.goto(f"{live_server.url}/az/engagement/events/new/")
    form = page.locator("main form")
    form.locator("select[name=type]").select_option("workshop")
    form.locator("input[name=title_az]").fill("Onlayn seminar: təkliflərin toplanması")
    form.locator("input[name=title_en]").fill("Online workshop: collecting proposals")
    form.locator("input[name=date]").fill("2022-06-15")
    form.locator("select[name=format]").select_option("online")
    form.locator("button[type=submit].primary").click()
    page.wait_for_load_state("networkidle")
    event = Event.objects.get(title_az="Onlayn seminar: təkliflərin toplanması")
    assert event.organization == coordinator.organization
    expect(page.locator("h1")).to_contain_text("Onlayn seminar: təkliflərin toplanması")

    # 2. The three proposals collected there, submitted to the authority at once.
    page.goto(f"{live_server.url}/az/engagement/proposals/bulk/?event={event.slug}")
    form = page.locator("main form")
    form.locator("textarea[name=texts]").fill("\n".join(PROPOSALS))
    form.locator("select[name=addressee]").select_option(str(authority.pk))
    form.locator("input[name=submit]").check()
    form.locator("input[name=submitted_on]").fill("2022-06-20")
    form.locator("select[name=submitted_via]").select_option("letter")
    form.locator("button[type=submit].primary").click()
    page.wait_for_load_state("networkidle")
    proposals = list(Proposal.objects.filter(event=event).order_by("number"))
    assert [p.text_az for p in proposals] == PROPOSALS
    assert {p.status for p in proposals} == {"submitted"} and {p.addressee for p in proposals} == {authority}
    assert proposals[0].answer_due == dt.date(2022, 6, 20) + dt.timedelta(days=proposals[0].answer_days)

    # 3. The authority's answer to the first one.
    first = proposals[0]
    page.goto(f"{live_server.url}/az/engagement/proposals/{first.number}/")
    step = page.locator("details.step-form", has=page.locator("textarea[name='answered-answer_text_az']"))
    step.locator("summary").click()
    step.locator("input[name='answered-on']").fill("2022-07-05")
    step.locator("textarea[name='answered-answer_text_az']").fill("Terminalın quraşdırılması 2023-cü ilin planına salınıb.")
    step.locator("button[type=submit]").click()
    page.wait_for_load_state("networkidle")
    first.refresh_from_db()
    assert first.status == "answered" and first.answered_on == dt.date(2022, 7, 5)

    # 4. The proposal page shows the whole history, in order, and the answer.
    page.reload()
    history = page.locator("ol.timeline > li")
    expect(history).to_have_count(3)
    expect(history.nth(0).locator("time")).to_have_attribute("datetime", "2022-06-15")
    expect(history.nth(1).locator("time")).to_have_attribute("datetime", "2022-06-20")
    expect(history.nth(2).locator("time")).to_have_attribute("datetime", "2022-07-05")
    expect(page.locator("main")).to_contain_text("Terminalın quraşdırılması 2023-cü ilin planına salınıb.")
    expect(page.locator("main")).to_contain_text("Quba Rayon İcra Hakimiyyəti")
    assert [s.to_status for s in first.steps.all()] == ["draft", "submitted", "answered"]
    page.screenshot(path=str(test_output_dir / "screenshots" / "proposal-history-az.png"), full_page=True)
