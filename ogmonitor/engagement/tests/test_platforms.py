"""Dialogue platforms' rules: vote results under each rule, who is a member on a given day, and
the state changes (memberships, votes, documents) with the mistakes they refuse."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from ogmonitor.engagement.factories import (
    DialoguePlatformFactory,
    MembershipFactory,
    VoteEventFactory,
)
from ogmonitor.engagement.models import Membership, PlatformDocument, VoteEvent
from ogmonitor.engagement.platforms import (
    add_document,
    add_membership,
    composition,
    current_members,
    end_membership,
    former_members,
    members_by_type,
    record_vote,
    vote_result,
)
from ogmonitor.places.factories import OrganizationFactory
from ogmonitor.places.models import Organization

RULES = [rule.value for rule in VoteEvent.Rule]
counts = st.integers(min_value=0, max_value=500)


# --- vote_result -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("yes", "no", "abstain", "rule", "expected"),
    [
        # more for than against; abstentions ignored
        (2, 1, 10, "simple", "pass"),
        (3, 3, 0, "simple", "fail"),  # a tie is not adopted
        (0, 0, 0, "simple", "fail"),  # nobody voted
        (1, 0, 0, "simple", "pass"),
        # more than half of those voting; abstentions are votes cast
        (6, 4, 0, "absolute", "pass"),
        (5, 4, 1, "absolute", "fail"),  # exactly half is not more than half
        (5, 5, 0, "absolute", "fail"),
        (3, 1, 3, "absolute", "fail"),  # more for than against, but abstentions weigh
        (0, 0, 0, "absolute", "fail"),
        # two thirds of those voting
        (2, 1, 0, "two_thirds", "pass"),  # exactly two thirds is enough
        (4, 2, 1, "two_thirds", "fail"),
        (20, 0, 10, "two_thirds", "pass"),
        (20, 0, 11, "two_thirds", "fail"),
        (0, 0, 0, "two_thirds", "fail"),  # no votes cast never adopts
    ],
)
def test_vote_result_follows_the_rule(yes, no, abstain, rule, expected):
    assert vote_result(yes, no, abstain, rule) == expected


def test_an_unknown_rule_is_refused():
    with pytest.raises(ValueError):
        vote_result(1, 0, 0, "unanimity")


@given(yes=counts, no=counts, abstain=counts)
def test_stricter_rules_adopt_only_what_looser_rules_adopt(yes, no, abstain):
    """two thirds ⇒ more than half ⇒ more for than against, for any counts."""
    passed = {rule: vote_result(yes, no, abstain, rule) == "pass" for rule in RULES}
    if passed["two_thirds"]:
        assert passed["absolute"]
    if passed["absolute"]:
        assert passed["simple"]


@given(yes=counts, no=counts, abstain=counts, rule=st.sampled_from(RULES))
def test_one_more_vote_for_never_defeats_a_motion(yes, no, abstain, rule):
    if vote_result(yes, no, abstain, rule) == "pass":
        assert vote_result(yes + 1, no, abstain, rule) == "pass"


@given(yes=counts, no=counts, abstain=counts, rule=st.sampled_from(RULES))
def test_a_motion_and_its_opposite_are_never_both_adopted(yes, no, abstain, rule):
    assert not (vote_result(yes, no, abstain, rule) == "pass" and vote_result(no, yes, abstain, rule) == "pass")


@pytest.mark.django_db
def test_a_saved_vote_computes_its_result_and_ignores_the_absent():
    vote = VoteEventFactory(yes=6, no=4, abstain=3, absent=40, rule=VoteEvent.Rule.ABSOLUTE_MAJORITY)
    assert vote.result == VoteEvent.Result.FAIL  # 6 of 13 cast; the 40 absent do not count
    vote.abstain = 0
    vote.save()
    assert VoteEvent.objects.get(pk=vote.pk).result == VoteEvent.Result.PASS


@pytest.mark.django_db
def test_a_vote_without_published_counts_keeps_the_reported_result(administrator):
    platform = DialoguePlatformFactory()
    vote = VoteEvent(platform=platform, date=dt.date(2017, 5, 19), motion_az="Memorandum", counts_unknown=True)
    with pytest.raises(ValidationError):
        record_vote(vote, administrator)  # no result entered
    record_vote(vote, administrator, entered_result=VoteEvent.Result.PASS)
    assert VoteEvent.objects.get(pk=vote.pk).result == VoteEvent.Result.PASS  # though 0 for, 0 against


# --- composition and current members -----------------------------------------------------------


@pytest.fixture
def platform_with_history(db):
    """An NGO since 2017; a municipality from 2018 until it left on 1 Jan 2020; a state body whose
    joining date is unknown; a council that joins only in 2021."""
    platform = DialoguePlatformFactory()
    MembershipFactory(platform=platform, organization=OrganizationFactory(type="ngo", name_az="Ümid"), joined_on=dt.date(2017, 5, 19))
    MembershipFactory(
        platform=platform, organization=OrganizationFactory(type="municipality", name_az="Çay bələdiyyəsi"),
        joined_on=dt.date(2018, 1, 1), left_on=dt.date(2020, 1, 1),
    )
    MembershipFactory(platform=platform, organization=OrganizationFactory(type="state_body", name_az="Təhsil şöbəsi"))
    MembershipFactory(
        platform=platform, organization=OrganizationFactory(type="community_council", name_az="İcma şurası"),
        joined_on=dt.date(2021, 3, 1),
    )
    return platform


@pytest.mark.parametrize(
    ("on", "expected"),
    [
        (dt.date(2017, 5, 18), {"state_body": 1}),
        (dt.date(2017, 5, 19), {"ngo": 1, "state_body": 1}),  # counted from the day it joined
        (dt.date(2019, 12, 31), {"ngo": 1, "state_body": 1, "municipality": 1}),
        (dt.date(2020, 1, 1), {"ngo": 1, "state_body": 1}),  # left_on is the first day out
        (dt.date(2021, 3, 1), {"ngo": 1, "state_body": 1, "community_council": 1}),
    ],
)
def test_composition_counts_members_by_type_on_a_day(platform_with_history, on, expected):
    result = composition(platform_with_history, on)
    assert result.counts == expected
    assert result.total == sum(expected.values())


def test_composition_rows_follow_the_organisation_types_order(platform_with_history):
    rows = composition(platform_with_history, dt.date(2019, 6, 1)).rows
    assert [row.type for row in rows] == ["municipality", "ngo", "state_body"]
    assert rows[0].label == str(Organization.Type.MUNICIPALITY.label)


def test_an_organisation_that_rejoined_is_counted_once(db):
    platform = DialoguePlatformFactory()
    ngo = OrganizationFactory(type="ngo")
    MembershipFactory(platform=platform, organization=ngo, joined_on=dt.date(2017, 1, 1), left_on=dt.date(2018, 1, 1))
    MembershipFactory(platform=platform, organization=ngo, joined_on=dt.date(2019, 1, 1))
    assert composition(platform, dt.date(2020, 1, 1)).counts == {"ngo": 1}
    assert composition(platform, dt.date(2018, 6, 1)).counts == {}


def test_composition_costs_one_query(platform_with_history, django_assert_num_queries):
    with django_assert_num_queries(1):
        composition(platform_with_history, dt.date(2019, 6, 1))


def test_current_members_are_grouped_by_type_and_sorted_the_azerbaijani_way(db):
    platform = DialoguePlatformFactory()
    for name in ["Zəngilan QHT", "Çinar QHT", "Ağdam QHT", "İnam QHT", "Şəfa QHT"]:
        MembershipFactory(platform=platform, organization=OrganizationFactory(type="ngo", name_az=name, name_en=name))
    MembershipFactory(platform=platform, organization=OrganizationFactory(type="municipality", name_az="Bələdiyyə"))
    with translation.override("az"):
        groups = members_by_type(current_members(platform, dt.date(2022, 1, 1)))
    assert [group.label for group in groups] == [str(Organization.Type.MUNICIPALITY.label), str(Organization.Type.NGO.label)]
    # az order: a b c ç … ı i … ş … z, so Ç after A and Ş before Z (Python's sorted() puts them after Z)
    assert [m.organization.name_az for m in groups[1].memberships] == ["Ağdam QHT", "Çinar QHT", "İnam QHT", "Şəfa QHT", "Zəngilan QHT"]


def test_former_members_are_those_whose_membership_ended(platform_with_history):
    assert [m.organization.name_az for m in former_members(platform_with_history, dt.date(2022, 1, 1))] == ["Çay bələdiyyəsi"]
    assert list(former_members(platform_with_history, dt.date(2019, 1, 1))) == []


# --- memberships, documents ----------------------------------------------------------------------


def test_an_organisation_cannot_hold_two_open_memberships(db, administrator):
    platform = DialoguePlatformFactory()
    ngo = OrganizationFactory()
    add_membership(platform, ngo, administrator, joined_on=dt.date(2017, 5, 19))
    with pytest.raises(ValidationError):
        add_membership(platform, ngo, administrator, joined_on=dt.date(2018, 1, 1))
    assert Membership.objects.filter(platform=platform).count() == 1


def test_ending_a_membership_sets_its_last_day_and_can_rejoin_later(db, administrator):
    platform = DialoguePlatformFactory()
    ngo = OrganizationFactory()
    membership = add_membership(platform, ngo, administrator, joined_on=dt.date(2017, 5, 19))
    with pytest.raises(ValidationError):
        end_membership(membership, dt.date(2017, 1, 1), administrator)  # before it joined
    end_membership(membership, dt.date(2019, 1, 1), administrator)
    assert Membership.objects.get(pk=membership.pk).left_on == dt.date(2019, 1, 1)
    with pytest.raises(ValidationError):
        end_membership(membership, dt.date(2020, 1, 1), administrator)  # already ended
    add_membership(platform, ngo, administrator, joined_on=dt.date(2021, 1, 1))
    assert composition(platform, dt.date(2021, 6, 1)).total == 1


def test_a_document_takes_the_date_of_the_vote_that_adopted_it(db, administrator):
    vote = VoteEventFactory(date=dt.date(2017, 5, 19), yes=20)
    document = add_document(
        PlatformDocument(platform=vote.platform, kind="rules", title_az="Daxili Qaydalar", vote=vote), administrator
    )
    assert document.adopted_on == dt.date(2017, 5, 19)


def test_a_document_rejected_by_its_vote_gets_no_adoption_date(db, administrator):
    vote = VoteEventFactory(yes=1, no=5)
    document = add_document(PlatformDocument(platform=vote.platform, kind="memorandum", title_az="Memorandum", vote=vote), administrator)
    assert document.adopted_on is None


def test_a_document_cannot_cite_another_platforms_vote(db, administrator):
    vote = VoteEventFactory()
    other = DialoguePlatformFactory()
    with pytest.raises(ValidationError):
        add_document(PlatformDocument(platform=other, kind="rules", title_az="Qaydalar", vote=vote), administrator)
    assert not PlatformDocument.objects.exists()
