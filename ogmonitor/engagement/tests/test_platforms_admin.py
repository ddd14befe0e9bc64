"""The engagement admin: every model has its pages, records are edited with their parts inline,
votes keep their computed or reported result, and the policy decides who changes which record."""

import datetime as dt

import pytest
from django.contrib import admin
from django.urls import reverse

from ogmonitor.engagement.factories import (
    DialoguePlatformFactory,
    EventFactory,
    MembershipFactory,
    ProposalFactory,
    VoteEventFactory,
)
from ogmonitor.engagement.models import PlatformDocument, VoteEvent

pytestmark = pytest.mark.django_db

ENGAGEMENT_MODELS = [model for model in admin.site._registry if model._meta.app_label == "engagement"]


def test_every_engagement_model_is_in_the_admin():
    from django.apps import apps

    assert set(ENGAGEMENT_MODELS) == set(apps.get_app_config("engagement").get_models())


@pytest.mark.parametrize("model", ENGAGEMENT_MODELS, ids=lambda model: model.__name__)
def test_every_list_and_add_page_opens(client_for, administrator, model):
    client = client_for(administrator)
    info = (model._meta.app_label, model._meta.model_name)
    assert client.get(reverse("admin:{}_{}_changelist".format(*info))).status_code == 200
    add = client.get(reverse("admin:{}_{}_add".format(*info)))
    assert add.status_code in (200, 403)  # ProposalStep has no add page: the lifecycle writes it


def test_platform_page_shows_memberships_votes_and_documents_inline(client_for, administrator):
    platform = DialoguePlatformFactory()
    MembershipFactory(platform=platform)
    VoteEventFactory(platform=platform)
    response = client_for(administrator).get(reverse("admin:engagement_dialogueplatform_change", args=[platform.pk]))
    assert response.status_code == 200
    prefixes = {formset.formset.prefix for formset in response.context["inline_admin_formsets"]}
    assert prefixes == {"memberships", "votes", "documents"}


def test_event_page_has_sources_documents_and_participants_inline(client_for, administrator):
    event = EventFactory()
    response = client_for(administrator).get(reverse("admin:engagement_event_change", args=[event.pk]))
    prefixes = {formset.formset.prefix for formset in response.context["inline_admin_formsets"]}
    assert prefixes == {"sources", "documents", "participations", "participant_counts"}


def test_proposal_page_shows_its_steps_and_a_read_only_status(client_for, administrator):
    proposal = ProposalFactory()
    response = client_for(administrator).get(reverse("admin:engagement_proposal_change", args=[proposal.pk]))
    assert response.status_code == 200
    assert "status" not in response.context["adminform"].form.fields
    assert [f.formset.prefix for f in response.context["inline_admin_formsets"]] == ["steps"]


def vote_post(platform, **fields):
    return {
        "platform": platform.pk, "date": "2017-05-19", "motion_az": "Qaydaların qəbulu", "motion_en": "Adopt the rules",
        "yes": "0", "no": "0", "abstain": "0", "absent": "0", "rule": "simple", **fields,
    }


def test_a_vote_without_counts_needs_its_reported_result_in_the_admin(client_for, administrator):
    platform = DialoguePlatformFactory()
    client = client_for(administrator)
    url = reverse("admin:engagement_voteevent_add")
    refused = client.post(url, vote_post(platform, counts_unknown="on"))
    assert refused.status_code == 200 and "entered_result" in refused.context["adminform"].form.errors
    assert client.post(url, vote_post(platform, counts_unknown="on", entered_result="pass")).status_code == 302
    assert VoteEvent.objects.get(motion_en="Adopt the rules").result == "pass"


def test_a_vote_with_counts_gets_its_computed_result_in_the_admin(client_for, administrator):
    platform = DialoguePlatformFactory()
    response = client_for(administrator).post(reverse("admin:engagement_voteevent_add"), vote_post(platform, yes="3", no="3"))
    assert response.status_code == 302
    assert VoteEvent.objects.get(motion_en="Adopt the rules").result == "fail"  # a tie


def test_a_document_cannot_cite_another_platforms_vote_in_the_admin(client_for, administrator):
    platform = DialoguePlatformFactory()
    foreign = VoteEventFactory()
    data = {"platform": platform.pk, "kind": "rules", "title_az": "Qaydalar", "title_en": "Rules", "vote": foreign.pk}
    response = client_for(administrator).post(reverse("admin:engagement_platformdocument_add"), data)
    assert response.status_code == 200 and "vote" in response.context["adminform"].form.errors
    assert not PlatformDocument.objects.exists()


def test_admin_asks_the_policy_which_events_a_coordinator_may_change(rf, coordinator, ngo_b):
    from ogmonitor.engagement.admin import EventAdmin
    from ogmonitor.engagement.models import Event

    request = rf.get("/")
    request.user = coordinator
    model_admin = EventAdmin(Event, admin.site)
    own = EventFactory(organization=coordinator.organization, date=dt.date(2022, 1, 1))
    other = EventFactory(organization=ngo_b)
    assert model_admin.has_change_permission(request, own)
    assert not model_admin.has_change_permission(request, other)
    assert not model_admin.has_delete_permission(request, other)


def inline_management(prefix: str, total: int, initial: int = 0) -> dict:
    return {f"{prefix}-TOTAL_FORMS": str(total), f"{prefix}-INITIAL_FORMS": str(initial),
            f"{prefix}-MIN_NUM_FORMS": "0", f"{prefix}-MAX_NUM_FORMS": "1000"}


def test_votes_and_documents_are_recorded_through_the_platform_page(client_for, administrator):
    platform = DialoguePlatformFactory(name_az="Platforma", name_en="Platform", level="national")
    data = {
        "name_az": "Platforma", "name_en": "Platform", "level": "national", "is_published": "on",
        **inline_management("memberships", 0), **inline_management("documents", 0), **inline_management("votes", 2),
        "votes-0-date": "2017-05-19", "votes-0-motion_az": "Qaydalar", "votes-0-motion_en": "Rules",
        "votes-0-yes": "0", "votes-0-no": "0", "votes-0-abstain": "0", "votes-0-absent": "0", "votes-0-rule": "simple",
        "votes-0-counts_unknown": "on", "votes-0-entered_result": "pass",
        "votes-1-date": "2018-01-10", "votes-1-motion_az": "Plan", "votes-1-motion_en": "Plan",
        "votes-1-yes": "4", "votes-1-no": "5", "votes-1-abstain": "0", "votes-1-absent": "0", "votes-1-rule": "simple",
    }
    response = client_for(administrator).post(reverse("admin:engagement_dialogueplatform_change", args=[platform.pk]), data)
    assert response.status_code == 302, response.context["errors"] if response.context else response
    assert dict(platform.votes.values_list("motion_en", "result")) == {"Rules": "pass", "Plan": "fail"}
