"""Platform pages: what visitors see (members by type, adopted documents and their votes, meetings)
and who may create and change platforms, memberships, votes and documents."""

import datetime as dt

import pytest
from django.urls import reverse

from ogmonitor.engagement.factories import (
    DialoguePlatformFactory,
    EventFactory,
    MembershipFactory,
    VoteEventFactory,
)
from ogmonitor.engagement.models import DialoguePlatform, Membership, PlatformDocument, VoteEvent
from ogmonitor.places.factories import DistrictFactory, OrganizationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def platform():
    """A published district platform founded at an event, with 2 NGOs, 1 municipality (and one NGO
    that has left), a rules document adopted by a vote without counts and a memorandum adopted 18–2."""
    founding = EventFactory(title_az="Təsis toplantısı", title_en="Founding meeting", date=dt.date(2017, 5, 19))
    platform = DialoguePlatformFactory(
        name_az="Sabirabad Dialoq Platforması", name_en="Sabirabad Dialogue Platform",
        district=DistrictFactory(code="AZ-SAB", name_az="Sabirabad", name_en="Sabirabad"),
        founded_on=dt.date(2017, 5, 19), founding_event=founding,
    )
    founding.platform = platform
    founding.save()
    joined = dt.date(2017, 5, 19)
    MembershipFactory(platform=platform, organization=OrganizationFactory(type="ngo", name_az="Kür QHT", name_en="Kur NGO"), joined_on=joined)
    MembershipFactory(platform=platform, organization=OrganizationFactory(type="ngo", name_az="Araz QHT", name_en="Araz NGO"), joined_on=joined, role="chair")
    MembershipFactory(platform=platform, organization=OrganizationFactory(type="municipality", name_az="Çay bələdiyyəsi", name_en="Chay municipality"), joined_on=joined)
    MembershipFactory(
        platform=platform, organization=OrganizationFactory(type="ngo", name_az="Keçmiş QHT", name_en="Former NGO"),
        joined_on=joined, left_on=dt.date(2018, 1, 1),
    )
    rules_vote = VoteEventFactory(
        platform=platform, event=founding, motion_az="Daxili Qaydaların qəbulu", motion_en="Adopt the Rules of Procedure",
        yes=0, counts_unknown=True, result="pass",
    )
    memo_vote = VoteEventFactory(
        platform=platform, motion_az="Memorandumun qəbulu", motion_en="Adopt the Memorandum", yes=18, no=2, abstain=1, absent=2,
    )
    PlatformDocument.objects.create(platform=platform, kind="rules", title_az="Daxili Qaydalar", title_en="Rules of Procedure", vote=rules_vote, adopted_on=joined)
    PlatformDocument.objects.create(platform=platform, kind="memorandum", title_az="Anlaşma Memorandumu", title_en="Memorandum of Understanding", vote=memo_vote, adopted_on=joined)
    return platform


def test_list_shows_published_platforms_with_their_current_member_count(client, platform):
    DialoguePlatformFactory(name_az="Gizli platforma", name_en="Hidden platform", is_published=False)
    response = client.get(reverse("engagement:platforms"))
    assert response.status_code == 200
    assert list(response.context["platforms"]) == [platform]
    assert response.context["platforms"][0].member_count == 3  # the NGO that left is not counted
    assert "Hidden platform" not in response.text


def test_detail_shows_members_by_type_documents_and_votes(client, platform):
    response = client.get(reverse("engagement:platform", args=[platform.slug]) .replace("/az/", "/en/", 1))
    assert response.status_code == 200
    assert "3 member organisations today" in response.text
    composition = response.context["composition"]
    assert composition.counts == {"ngo": 2, "municipality": 1}
    groups = response.context["groups"]
    assert [[m.organization.name_en for m in group.memberships] for group in groups] == [
        ["Chay municipality"], ["Araz NGO", "Kur NGO"],
    ]
    assert "Former NGO" in response.text  # listed among former members, with its dates
    assert "Rules of Procedure" in response.text and "Memorandum of Understanding" in response.text
    assert "The number of votes was not published." in response.text
    assert "18 for, 2 against, 1 abstained, 2 absent" in response.text
    assert response.text.count("adopted") >= 2
    assert platform.founding_event.get_absolute_url() in response.text


def test_detail_in_azerbaijani_sorts_and_translates(client, platform):
    response = client.get(reverse("engagement:platform", args=[platform.slug]))
    assert response.status_code == 200
    assert response.context["groups"][1].memberships[0].organization.name_az == "Araz QHT"
    assert "Sabirabad Dialoq Platforması" in response.text


def test_unpublished_platform_is_hidden_from_visitors_but_not_from_staff(client, client_for, coordinator):
    hidden = DialoguePlatformFactory(is_published=False)
    url = reverse("engagement:platform", args=[hidden.slug])
    assert client.get(url).status_code == 404
    assert client_for(coordinator).get(url).status_code == 200


def test_detail_lists_the_platforms_meetings_published_only_for_visitors(client, platform):
    EventFactory(platform=platform, title_en="Second meeting", date=dt.date(2017, 9, 1))
    EventFactory(platform=platform, title_en="Internal meeting", date=dt.date(2017, 10, 1), is_published=False)
    response = client.get(reverse("engagement:platform", args=[platform.slug]).replace("/az/", "/en/", 1))
    assert [event.title_en for event in response.context["meetings"]] == ["Founding meeting", "Second meeting"]


def test_list_and_detail_run_a_bounded_number_of_queries(client, platform, django_assert_max_num_queries):
    for _ in range(10):
        MembershipFactory(platform=platform, organization=OrganizationFactory(type="ngo"), joined_on=dt.date(2018, 1, 1))
    with django_assert_max_num_queries(4):
        client.get(reverse("engagement:platforms"))
    with django_assert_max_num_queries(12):
        client.get(reverse("engagement:platform", args=[platform.slug]))


# --- Who may change platforms -----------------------------------------------------------------


STAFF_URLS = [
    ("engagement:platform_edit", True),
    ("engagement:platform_member_add", True),
    ("engagement:platform_vote_add", True),
    ("engagement:platform_document_add", True),
]


@pytest.mark.parametrize(("name", "_"), STAFF_URLS)
def test_anonymous_visitors_are_sent_to_log_in(client, platform, name, _):
    response = client.get(reverse(name, args=[platform.slug]))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("user", ["enumerator", "municipality_editor"])
@pytest.mark.parametrize(("name", "_"), STAFF_URLS)
def test_staff_who_do_not_manage_engagement_are_refused(request, client_for, platform, user, name, _):
    response = client_for(request.getfixturevalue(user)).get(reverse(name, args=[platform.slug]))
    assert response.status_code == 403


@pytest.mark.parametrize("user", ["enumerator", "municipality_editor"])
def test_creating_a_platform_is_refused_to_those_who_do_not_manage_engagement(request, client_for, user):
    assert client_for(request.getfixturevalue(user)).get(reverse("engagement:platform_create")).status_code == 403


def test_platform_detail_shows_staff_actions_only_to_managers(client, client_for, coordinator, enumerator, platform):
    edit = reverse("engagement:platform_edit", args=[platform.slug])
    assert edit not in client.get(platform.get_absolute_url()).text
    assert edit not in client_for(enumerator).get(platform.get_absolute_url()).text
    assert edit in client_for(coordinator).get(platform.get_absolute_url()).text


@pytest.mark.parametrize("user", ["coordinator", "coordinator_b", "administrator"])
def test_any_engagement_manager_may_edit_a_platform_since_no_organisation_keeps_it(request, client_for, platform, user):
    response = client_for(request.getfixturevalue(user)).post(
        reverse("engagement:platform_edit", args=[platform.slug]),
        {"name_az": "Yeni ad", "name_en": "New name", "level": "district", "district": platform.district_id,
         "founded_on": "2017-05-19", "is_published": "on"},
    )
    assert response.status_code == 302
    assert DialoguePlatform.objects.get(pk=platform.pk).name_az == "Yeni ad"


def test_a_coordinator_creates_a_platform(client_for, coordinator):
    district = DistrictFactory(code="AZ-QBA", name_az="Quba", name_en="Guba")
    url = reverse("engagement:platform_create")
    data = {"name_az": "Quba Dialoq Platforması", "name_en": "Guba Dialogue Platform", "level": "district"}
    response = client_for(coordinator).post(url, data)
    assert response.status_code == 200 and "district" in response.context["form"].errors  # district level needs one
    response = client_for(coordinator).post(url, {**data, "district": district.pk, "website": "ogp.org.az"})
    platform = DialoguePlatform.objects.get(name_az="Quba Dialoq Platforması")
    assert response["Location"] == platform.get_absolute_url()
    assert platform.slug == "guba-dialog-platformasi" and platform.website == "https://ogp.org.az"
    assert not platform.is_published


def test_a_coordinator_adds_and_ends_a_membership(client_for, coordinator, platform):
    ngo = OrganizationFactory(type="ngo", name_az="Yeni QHT")
    client = client_for(coordinator)
    add = reverse("engagement:platform_member_add", args=[platform.slug])
    assert client.post(add, {"organization": ngo.pk, "role": "member", "joined_on": "2019-03-01"}).status_code == 302
    again = client.post(add, {"organization": ngo.pk, "role": "member", "joined_on": "2019-04-01"})
    assert again.status_code == 200 and again.context["form"].non_field_errors()  # already a member
    membership = Membership.objects.get(platform=platform, organization=ngo)
    end = reverse("engagement:platform_member_end", args=[platform.slug, membership.pk])
    too_early = client.post(end, {"left_on": "2019-01-01"})
    assert too_early.status_code == 200 and too_early.context["form"].errors
    assert client.post(end, {"left_on": "2020-01-01"}).status_code == 302
    assert Membership.objects.get(pk=membership.pk).left_on == dt.date(2020, 1, 1)


def test_ending_a_membership_of_another_platform_is_not_found(client_for, coordinator, platform):
    other = MembershipFactory()
    url = reverse("engagement:platform_member_end", args=[platform.slug, other.pk])
    assert client_for(coordinator).get(url).status_code == 404


def vote_data(**fields):
    return {"date": "2018-02-01", "motion_az": "Fəaliyyət planının qəbulu", "motion_en": "Adopt the action plan",
            "yes": "7", "no": "3", "abstain": "2", "absent": "1", "rule": "two_thirds", **fields}


def test_checking_a_vote_shows_the_result_without_saving_it(client_for, coordinator, platform):
    url = reverse("engagement:platform_vote_add", args=[platform.slug]).replace("/az/", "/en/", 1)
    response = client_for(coordinator).post(url, {**vote_data(), "action": "preview"})
    assert response.status_code == 200
    assert response.context["preview"] == "not adopted"  # 7 of 12 is less than two thirds
    assert not VoteEvent.objects.filter(motion_en="Adopt the action plan").exists()


def test_recording_a_vote_computes_its_result(client_for, coordinator, platform):
    url = reverse("engagement:platform_vote_add", args=[platform.slug])
    response = client_for(coordinator).post(url, {**vote_data(yes="8", no="2", abstain="2"), "action": "save"})
    assert response.status_code == 302
    assert VoteEvent.objects.get(motion_en="Adopt the action plan").result == "pass"  # 8 of 12


def test_a_vote_without_counts_needs_the_reported_result(client_for, coordinator, platform):
    url = reverse("engagement:platform_vote_add", args=[platform.slug])
    data = {**vote_data(yes="0", no="0", abstain="0"), "counts_unknown": "on", "action": "save"}
    response = client_for(coordinator).post(url, data)
    assert response.status_code == 200 and "entered_result" in response.context["form"].errors
    assert client_for(coordinator).post(url, {**data, "entered_result": "pass"}).status_code == 302
    assert VoteEvent.objects.get(motion_en="Adopt the action plan").result == "pass"


def test_a_document_is_added_with_the_vote_that_adopted_it(client_for, coordinator, platform):
    vote = VoteEventFactory(platform=platform, date=dt.date(2017, 6, 20), yes=15)
    foreign_vote = VoteEventFactory()
    url = reverse("engagement:platform_document_add", args=[platform.slug])
    data = {"kind": "action_plan", "title_az": "Fəaliyyət Planı", "title_en": "Action plan", "url": "https://example.org/plan.pdf"}
    refused = client_for(coordinator).post(url, {**data, "vote": foreign_vote.pk})
    assert refused.status_code == 200 and "vote" in refused.context["form"].errors
    assert client_for(coordinator).post(url, {**data, "vote": vote.pk}).status_code == 302
    document = PlatformDocument.objects.get(title_en="Action plan")
    assert document.platform == platform and document.adopted_on == dt.date(2017, 6, 20)


def test_a_document_file_is_uploaded_but_a_web_page_is_refused(client_for, coordinator, platform):
    from django.core.files.uploadedfile import SimpleUploadedFile

    url = reverse("engagement:platform_document_add", args=[platform.slug])
    data = {"kind": "other", "title_az": "Protokol", "title_en": "Minutes"}
    page = SimpleUploadedFile("minutes.html", b"<script>alert(1)</script>", content_type="text/html")
    refused = client_for(coordinator).post(url, {**data, "file": page})
    assert refused.status_code == 200 and "file" in refused.context["form"].errors
    pdf = SimpleUploadedFile("minutes.pdf", b"%PDF-1.4 minutes", content_type="application/pdf")
    assert client_for(coordinator).post(url, {**data, "file": pdf}).status_code == 302
    document = PlatformDocument.objects.get(title_en="Minutes")
    assert document.file.name.endswith(".pdf") and document.adopted_on is None
    assert document.file.url in client_for(coordinator).get(platform.get_absolute_url()).text
