"""The enumerator form without a connection, in real Chromium (static/js/offline.js).

Acceptance test of issue 9: the form goes offline (``context.set_offline``), a submission is
made and kept on the device; the connection returns and the submission arrives once; the same
submission sent again (from the device's outbox, with a CSRF token that has meanwhile become
stale) is still stored once. On the way: the entry home page lists what the device keeps, a
failed send leaves it there, and the form's values survive as a draft on the device.
"""

import json
import re

import pytest
from playwright.sync_api import expect

from ogmonitor.surveys.answers import answer_values
from ogmonitor.surveys.factories import (
    QuestionnaireFactory,
    RespondentCategoryFactory,
    StudyFactory,
    StudyMemberFactory,
)
from ogmonitor.surveys.models import StudyMember, Submission

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

OUTBOX = "ogmonitor:outbox:"
DRAFT = "ogmonitor:draft:"


def kept(page, prefix: str) -> dict:
    """What the device keeps under ``prefix``: storage key → record."""
    stored = page.evaluate(
        "prefix => Object.keys(localStorage).filter(key => key.startsWith(prefix))"
        ".map(key => [key, localStorage.getItem(key)])",
        prefix,
    )
    return {key: json.loads(value) for key, value in stored}


@pytest.fixture
def fieldwork(ngo_a, enumerator, two_communities):
    study = StudyFactory(organization=ngo_a, communities=two_communities, status="collecting")
    QuestionnaireFactory(study=study)
    StudyMemberFactory(study=study, user=enumerator, role=StudyMember.Role.ENUMERATOR, communities=two_communities[:1])
    RespondentCategoryFactory(code="community_council")
    return study


def fill(form, community) -> None:
    form.locator("select[name=profile-community]").select_option(str(community.pk))
    form.locator("input[name=profile-category]").first.check()
    form.locator("input[name=profile-gender][value=man]").check()
    form.locator("fieldset[data-name=aware]").get_by_text("Bəli").click()
    form.locator("fieldset.q-group").get_by_text("QHT").click()
    form.locator("input[name=q-meetings]").fill("4")
    form.locator("textarea[name=q-comment]").fill("İnternet kəsildi, amma anket itmədi.")


def test_a_submission_made_offline_arrives_once_when_the_connection_returns(
    page, live_server, login, enumerator, fieldwork, two_communities, test_output_dir,
):
    study = fieldwork
    context = page.context
    home = f"{live_server.url}/az/studies/{study.slug}/entry/"
    login(page, enumerator, "az")
    page.goto(f"{live_server.url}/az/studies/{study.slug}/entry/new/")
    form = page.locator("form[data-offline]")
    key = form.get_attribute("data-uuid")
    fill(form, two_communities[0])
    # Every change is kept on the device as a draft of this form.
    drafts = kept(page, DRAFT)
    assert list(drafts) == [f"{DRAFT}{enumerator.username}:{study.slug}:{key}"]
    assert ["q-comment", "İnternet kəsildi, amma anket itmədi."] in next(iter(drafts.values()))["fields"]

    # The connection drops; the enumerator submits.
    context.set_offline(True)
    form.locator("button[value=submit]").click()
    banner = form.locator("[data-offline-banner]")
    expect(banner).to_be_visible()
    expect(banner).to_have_text(page.locator("[data-offline-messages]").get_attribute("data-msg-kept"))
    page.screenshot(path=str(test_output_dir / "screenshots" / "entry-offline-az.png"), full_page=True)
    assert page.url.endswith("/entry/new/")
    assert not Submission.objects.exists()
    outbox = kept(page, OUTBOX)
    assert list(outbox) == [f"{OUTBOX}{enumerator.username}:{study.slug}:{key}"]
    item = next(iter(outbox.values()))
    assert item["uuid"] == key and ["action", "submit"] in item["fields"]

    # Back online: the outbox is sent by itself and the confirmation follows.
    context.set_offline(False)
    page.wait_for_url(re.compile(rf"/az/studies/{study.slug}/entry/{key}/done/$"))
    assert kept(page, OUTBOX) == {} and kept(page, DRAFT) == {}
    submission = Submission.objects.get()
    assert str(submission.uuid) == key and submission.status == Submission.Status.SUBMITTED
    assert submission.created_by == enumerator and submission.respondent.community == two_communities[0]
    values = answer_values(submission)
    assert values["aware"] == "yes" and values["heard_from"] == ["ngo"] and values["meetings"] == 4
    assert values["comment"] == "İnternet kəsildi, amma anket itmədi."

    # The same submission put back in the outbox (an answer lost on the way: the device sends
    # again), with a CSRF token gone stale meanwhile. First the POST fails on the network: the
    # entry home page lists it as waiting.
    item["fields"] = [["csrfmiddlewaretoken", "stale" * 8] if name == "csrfmiddlewaretoken" else [name, value]
                      for name, value in item["fields"]]
    page.evaluate("([key, item]) => localStorage.setItem(key, JSON.stringify(item))",
                  [f"{OUTBOX}{enumerator.username}:{study.slug}:{key}", item])
    page.route(re.compile(r".*/entry/new/.*"), lambda route: route.abort() if route.request.method == "POST"
               else route.continue_())
    page.goto(home)
    outbox_list = page.locator("[data-outbox]")
    expect(outbox_list).to_be_visible()
    row = outbox_list.locator(f"li[data-uuid='{key}']")
    expect(row).to_contain_text(two_communities[0].name_az)
    expect(row.locator(".status-badge")).to_have_text(page.locator(
        "[data-offline-messages]").get_attribute("data-msg-waiting"))
    assert Submission.objects.count() == 1

    # The network is back: "Send now". The stale token is refused (403), a fresh one is fetched,
    # the resend is answered with the stored submission, and the device lets it go.
    page.unroute(re.compile(r".*/entry/new/.*"))
    statuses = []
    page.on("response", lambda response: statuses.append(response.status)
            if response.request.method == "POST" else None)
    outbox_list.locator("[data-outbox-send]").click()
    expect(outbox_list.locator("[data-offline-banner]")).to_have_text(
        page.locator("[data-offline-messages]").get_attribute("data-msg-sent"))
    expect(row).to_have_count(0)
    assert kept(page, OUTBOX) == {}
    assert statuses[:2] == [403, 302]
    assert Submission.objects.count() == 1
    assert answer_values(Submission.objects.get())["comment"] == "İnternet kəsildi, amma anket itmədi."


def test_a_form_left_unsent_is_kept_and_reopens_with_its_answers(page, live_server, login, enumerator, fieldwork,
                                                                 two_communities):
    study = fieldwork
    login(page, enumerator, "az")
    page.goto(f"{live_server.url}/az/studies/{study.slug}/entry/new/")
    form = page.locator("form[data-offline]")
    key = form.get_attribute("data-uuid")
    fill(form, two_communities[0])

    # The enumerator leaves the page without sending: the home page offers the form again.
    page.goto(f"{live_server.url}/az/studies/{study.slug}/entry/")
    row = page.locator(f"[data-outbox] li[data-uuid='{key}']")
    expect(row.locator(".status-badge")).to_have_text(
        page.locator("[data-offline-messages]").get_attribute("data-msg-draft"))
    row.locator("a").click()
    page.wait_for_url(re.compile(rf"/entry/new/\?uuid={key}$"))
    form = page.locator("form[data-offline]")
    expect(form.locator("textarea[name=q-comment]")).to_have_value("İnternet kəsildi, amma anket itmədi.")
    expect(form.locator("input[name=q-meetings]")).to_have_value("4")  # its group shown again
    expect(form.locator("input[name=q-meetings]")).to_be_enabled()
    expect(form.locator("input[name=profile-gender][value=man]")).to_be_checked()
    assert form.locator("input[name=uuid]").input_value() == key

    form.locator("button[value=submit]").click()
    page.wait_for_url(re.compile(rf"/entry/{key}/done/$"))
    assert kept(page, DRAFT) == {} and kept(page, OUTBOX) == {}
    assert str(Submission.objects.get().uuid) == key


def test_a_form_the_server_refuses_shows_its_errors_and_waits_on_the_device(page, live_server, login, enumerator,
                                                                            fieldwork, two_communities):
    study = fieldwork
    login(page, enumerator, "az")
    page.goto(f"{live_server.url}/az/studies/{study.slug}/entry/new/")
    form = page.locator("form[data-offline]")
    key = form.get_attribute("data-uuid")
    fill(form, two_communities[0])

    # Offline, "Save draft" cannot reach the server: the draft stays on the device.
    page.context.set_offline(True)
    form.locator("button[value=draft]").click()
    expect(form.locator("[data-offline-banner]")).to_have_text(
        page.locator("[data-offline-messages]").get_attribute("data-msg-draft-kept"))
    page.context.set_offline(False)

    # A community the enumerator is not assigned to (as if the assignment changed while the form
    # was open): the browser cannot know, the server refuses.
    page.evaluate(
        "pk => { const select = document.querySelector('select[name=profile-community]');"
        " select.add(new Option('Başqa kənd', pk)); select.value = pk; }",
        str(two_communities[1].pk),
    )
    form.locator("button[value=submit]").click()
    expect(page.locator("#profile-community-error")).to_be_visible()  # the server's own page
    assert not Submission.objects.exists()
    item = kept(page, OUTBOX)[f"{OUTBOX}{enumerator.username}:{study.slug}:{key}"]
    assert item["state"] == "refused"

    page.goto(f"{live_server.url}/az/studies/{study.slug}/entry/")
    row = page.locator(f"[data-outbox] li[data-uuid='{key}']")
    expect(row.locator(".status-badge")).to_have_text(
        page.locator("[data-offline-messages]").get_attribute("data-msg-not-accepted"))
    expect(row.locator("a")).to_have_attribute("href", f"/az/studies/{study.slug}/entry/new/?uuid={key}")
