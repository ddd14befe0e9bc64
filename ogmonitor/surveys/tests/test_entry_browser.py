"""The enumerator form in real Chromium, on a phone-sized screen, in Azerbaijani.

Acceptance test of issue 3/4: a relevant question appears only when it should, a required one
blocks submission, and a submission sent twice is stored once.
"""

import re

import pytest
from playwright.sync_api import expect

from ogmonitor.surveys.factories import (
    QuestionnaireFactory,
    RespondentCategoryFactory,
    StudyFactory,
    StudyMemberFactory,
)
from ogmonitor.surveys.models import StudyMember, Submission

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def phone(browser):
    """A 360×740 touch screen with an Azerbaijani browser."""
    context = browser.new_context(
        viewport={"width": 360, "height": 740}, device_scale_factor=2, is_mobile=True, has_touch=True, locale="az-AZ",
    )
    context.set_default_timeout(15000)
    yield context.new_page()
    context.close()


def test_an_enumerator_fills_the_form_on_a_phone_and_a_double_submit_is_stored_once(
    phone, live_server, login, enumerator, ngo_a, two_communities, test_output_dir,
):
    page = phone
    study = StudyFactory(organization=ngo_a, communities=two_communities, status="collecting")
    QuestionnaireFactory(study=study)
    StudyMemberFactory(study=study, user=enumerator, role=StudyMember.Role.ENUMERATOR, communities=two_communities)
    category = RespondentCategoryFactory(code="community_council")
    shots = test_output_dir / "screenshots"

    login(page, enumerator, "az")
    page.goto(f"{live_server.url}/az/studies/{study.slug}/entry/new/")
    expect(page.locator("html")).to_have_attribute("lang", "az")
    expect(page.get_by_text("Milli Fəaliyyət Planı haqqında eşitmisinizmi?")).to_be_visible()
    form = page.locator("form[data-ogform]")
    aware = form.locator("fieldset[data-name=aware]")
    details = form.locator("fieldset.q-group")  # the group "Ətraflı", relevant when aware = yes
    other_channel = form.locator("[data-name=other_channel]")

    # Nothing in the group is shown (or sent) before the triggering answer.
    expect(details).to_be_hidden()
    expect(form.locator("input[name=q-meetings]")).to_be_disabled()

    # The respondent's profile.
    form.locator("select[name=profile-community]").select_option(str(two_communities[1].pk))
    form.locator(f"input[name=profile-category][value='{category.pk}']").check()
    form.locator("input[name=profile-gender][value=woman]").check()

    # A required question left empty blocks the submission, with its message tied to the input.
    form.locator("button[value=submit]").click()
    error = aware.locator("[data-error]")
    expect(error).to_be_visible()
    expect(error).not_to_have_text("")
    first_choice = aware.locator("input[type=radio]").first
    expect(first_choice).to_have_attribute("aria-invalid", "true")
    assert error.get_attribute("id") in first_choice.get_attribute("aria-describedby").split()
    assert page.url.endswith("/entry/new/")
    assert Submission.objects.count() == 0

    # The relevant group appears with "Bəli", goes with "Xeyr", comes back with "Bəli".
    aware.get_by_text("Bəli").click()
    expect(details).to_be_visible()
    expect(error).to_be_hidden()
    aware.get_by_text("Xeyr").click()
    expect(details).to_be_hidden()
    expect(form.locator("input[name=q-heard_from]").first).to_be_disabled()
    aware.get_by_text("Bəli").click()
    expect(details).to_be_visible()

    # A question depending on a multiple choice.
    expect(other_channel).to_be_hidden()
    details.get_by_text("KİV").click()
    details.get_by_text("Digər").click()
    expect(other_channel).to_be_visible()
    other_channel.locator("input").fill("Radio")
    form.locator("input[name=q-meetings]").fill("3")
    form.locator("input[name=q-satisfaction]").fill("8")
    form.locator("textarea[name=q-comment]").fill("Bələdiyyə iclasları açıqdır.")

    # A constraint is checked in the browser too.
    form.locator("input[name=q-meetings]").fill("70")
    form.locator("button[value=submit]").click()
    expect(form.locator("[data-name=meetings] [data-error]")).to_have_text("0 ilə 50 arasında bir ədəd yazın.")
    form.locator("input[name=q-meetings]").fill("3")

    # Usable at 360 px: nothing wider than the screen, tap targets at least 44 px high.
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    box = aware.locator("label.choice").first.bounding_box()
    assert box["height"] >= 44 and box["width"] > 250
    page.screenshot(path=str(shots / "entry-form-360-az.png"), full_page=True)

    # Keep the exact form that is sent, to send it once more afterwards.
    sent = page.evaluate(
        "() => { const data = new FormData(document.querySelector('form[data-ogform]'));"
        " data.append('action', 'submit'); return Array.from(data.entries()); }"
    )
    assert ["q-heard_from", "media"] in sent and ["q-heard_from", "other"] in sent
    form.locator("button[value=submit]").dblclick()
    page.wait_for_url(re.compile(r"/az/studies/.+/entry/[0-9a-f-]{36}/done/$"))
    expect(page.locator("h1")).to_be_visible()
    done_url = page.url
    page.screenshot(path=str(shots / "entry-done-360-az.png"), full_page=True)

    # The same form resent (a retry on a bad connection): same confirmation, nothing new stored.
    resent = page.evaluate(
        "async ([url, entries]) => { const response = await fetch(url, {method: 'POST', credentials: 'same-origin',"
        " body: new URLSearchParams(entries)}); return response.url; }",
        [f"{live_server.url}/az/studies/{study.slug}/entry/new/", sent],
    )
    assert resent == done_url

    assert Submission.objects.count() == 1
    submission = Submission.objects.get()
    assert submission.status == Submission.Status.SUBMITTED and submission.created_by == enumerator
    assert submission.respondent.community == two_communities[1]
    stored = set(submission.answers.values_list("question__name", flat=True))
    assert {"aware", "heard_from", "meetings", "other_channel", "comment"} <= stored
    assert submission.answers.get(question__name="meetings").number == 3


def test_a_draft_is_saved_with_htmx_and_survives_a_reload(phone, live_server, login, enumerator, ngo_a, two_communities):
    page = phone
    study = StudyFactory(organization=ngo_a, communities=two_communities, status="collecting")
    QuestionnaireFactory(study=study)
    StudyMemberFactory(study=study, user=enumerator, role=StudyMember.Role.ENUMERATOR, communities=two_communities[:1])

    login(page, enumerator, "az")
    page.goto(f"{live_server.url}/az/studies/{study.slug}/entry/new/")
    form = page.locator("form[data-ogform]")
    form.locator("textarea[name=q-comment]").fill("Yarımçıq müsahibə")
    form.locator("button[value=draft]").click()
    expect(page.locator("#draft-status")).to_contain_text(re.compile(r"\d\d:\d\d"))
    submission = Submission.objects.get()
    assert submission.status == Submission.Status.DRAFT
    page.wait_for_url(re.compile(rf"/entry/{submission.uuid}/$"))  # a reload reopens the draft
    page.reload()
    expect(page.locator("textarea[name=q-comment]")).to_have_value("Yarımçıq müsahibə")
