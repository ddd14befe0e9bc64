"""The proposal lifecycle: which moves are allowed, what each records, deadlines and overdue."""

import datetime as dt

import pytest
from django.utils import translation

from ogmonitor.engagement import proposals as service
from ogmonitor.engagement.factories import AuthorityFactory, EventFactory, ProposalFactory
from ogmonitor.engagement.models import Proposal, ProposalStep
from ogmonitor.engagement.proposals import ProposalTransitionError

S = Proposal.Status
DAY = dt.timedelta(days=1)
START = dt.date(2024, 3, 1)

#: Enough values for each move to be valid (the answer text carries Azerbaijani letters).
ANSWER = {"answer_text_az": "Təklif nəzərə alınacaq, ödəniş terminalı quraşdırılacaq."}


def step_fields(current: str, to_status: str) -> dict:
    if to_status == S.SUBMITTED:
        return {"submitted_via": Proposal.Channel.LETTER, "reference_number": "QHT-17/2024"}
    if to_status == S.ANSWERED or (to_status in service.DECISIONS and current in Proposal.AWAITING):
        return dict(ANSWER)
    return {}


#: A way to reach each status from a draft.
PATHS = {
    S.DRAFT: [],
    S.SUBMITTED: [S.SUBMITTED],
    S.ACKNOWLEDGED: [S.SUBMITTED, S.ACKNOWLEDGED],
    S.ANSWERED: [S.SUBMITTED, S.ANSWERED],
    S.ACCEPTED: [S.SUBMITTED, S.ANSWERED, S.ACCEPTED],
    S.PARTLY_ACCEPTED: [S.SUBMITTED, S.ANSWERED, S.PARTLY_ACCEPTED],
    S.REJECTED: [S.SUBMITTED, S.ANSWERED, S.REJECTED],
    S.IMPLEMENTED: [S.SUBMITTED, S.ANSWERED, S.ACCEPTED, S.IMPLEMENTED],
}


def walk(proposal, statuses, *, start=START, user=None):
    """Move ``proposal`` through ``statuses``, one day apart from ``start``; returns the next free date."""
    on = start
    for status in statuses:
        service.transition(proposal, status, on=on, user=user, **step_fields(proposal.status, status))
        on += DAY
    return on


def proposal_in(status, **fields):
    proposal = ProposalFactory(**fields)
    walk(proposal, PATHS[status])
    proposal.refresh_from_db()
    assert proposal.status == status
    return proposal


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


# --- Allowed moves ------------------------------------------------------------------------------

VALID_MOVES = [(current, target) for current, targets in service.TRANSITIONS.items() for target in targets]


@pytest.mark.parametrize(("current", "target"), VALID_MOVES, ids=[f"{a}-to-{b}" for a, b in VALID_MOVES])
def test_every_move_of_the_lifecycle_is_recorded_with_its_date_and_step(db, current, target, administrator):
    proposal = proposal_in(current)
    on = START + dt.timedelta(days=10)

    service.transition(proposal, target, on=on, user=administrator, note="Telefonla öyrəndik", **step_fields(current, target))

    proposal.refresh_from_db()
    assert proposal.status == target
    assert getattr(proposal, service.DATE_FIELDS[target]) == on
    step = proposal.steps.order_by("-pk").first()
    assert (step.from_status, step.to_status, step.on) == (current, target, on)
    assert step.note == "Telefonla öyrəndik"
    assert step.recorded_by == administrator


def test_the_lifecycle_offers_exactly_the_documented_moves(db):
    assert service.allowed_transitions(ProposalFactory(status=S.DRAFT)) == (S.SUBMITTED,)
    assert set(service.allowed_transitions(ProposalFactory(status=S.SUBMITTED))) == {
        S.ACKNOWLEDGED, S.ANSWERED, S.ACCEPTED, S.PARTLY_ACCEPTED, S.REJECTED,
    }
    assert set(service.allowed_transitions(ProposalFactory(status=S.ANSWERED))) == {S.ACCEPTED, S.PARTLY_ACCEPTED, S.REJECTED}
    assert service.allowed_transitions(ProposalFactory(status=S.PARTLY_ACCEPTED)) == (S.IMPLEMENTED,)
    assert service.allowed_transitions(ProposalFactory(status=S.REJECTED)) == ()
    assert service.allowed_transitions(ProposalFactory(status=S.IMPLEMENTED)) == ()


def test_submission_sets_the_channel_reference_and_deadline(db):
    authority = AuthorityFactory(name_az="Quba Rayon İcra Hakimiyyəti")
    proposal = ProposalFactory(addressee=None, answer_days=30)

    service.transition(
        proposal, S.SUBMITTED, on=dt.date(2024, 1, 1), user=None, addressee=authority,
        submitted_via=Proposal.Channel.E_GOVERNMENT, reference_number=" 12/345 ",
    )

    proposal.refresh_from_db()
    assert proposal.addressee == authority
    assert proposal.submitted_via == Proposal.Channel.E_GOVERNMENT
    assert proposal.reference_number == "12/345"
    assert proposal.answer_due == dt.date(2024, 1, 31)


def test_a_decision_straight_from_submission_records_the_answer_on_the_same_day(db):
    proposal = proposal_in(S.SUBMITTED)
    on = START + dt.timedelta(days=5)

    service.transition(proposal, S.REJECTED, on=on, user=None, answer_text_en="Rejected: no budget this year.")

    proposal.refresh_from_db()
    assert (proposal.status, proposal.answered_on, proposal.decided_on) == (S.REJECTED, on, on)
    assert proposal.answer_text_en == "Rejected: no budget this year."


def test_acknowledging_keeps_a_reference_number_recorded_earlier_when_none_is_given(db):
    proposal = proposal_in(S.SUBMITTED)
    service.transition(proposal, S.ACKNOWLEDGED, on=START + 5 * DAY, user=None, reference_number="")
    proposal.refresh_from_db()
    assert proposal.reference_number == "QHT-17/2024"


# --- Refused moves --------------------------------------------------------------------------------

INVALID_MOVES = [
    (S.DRAFT, S.ANSWERED),
    (S.DRAFT, S.IMPLEMENTED),
    (S.SUBMITTED, S.IMPLEMENTED),
    (S.SUBMITTED, S.DRAFT),
    (S.ANSWERED, S.ACKNOWLEDGED),
    (S.ACCEPTED, S.REJECTED),
    (S.SUBMITTED, S.SUBMITTED),
]


@pytest.mark.parametrize(("current", "target"), INVALID_MOVES, ids=[f"{a}-to-{b}" for a, b in INVALID_MOVES])
def test_a_move_the_lifecycle_does_not_allow_is_refused_naming_both_statuses_and_the_way_on(db, current, target):
    proposal = proposal_in(current)
    steps_before = proposal.steps.count()

    with pytest.raises(ProposalTransitionError) as raised:
        service.transition(proposal, target, on=START + 20 * DAY, user=None, **step_fields(current, target))

    message = raised.value.messages[0]
    assert f"A proposal that is “{S(current).label}” cannot become “{S(target).label}”" in message
    for allowed in service.TRANSITIONS[current]:
        assert f"“{S(allowed).label}”" in message
    proposal.refresh_from_db()
    assert proposal.status == current
    assert proposal.steps.count() == steps_before


@pytest.mark.parametrize("final", [S.REJECTED, S.IMPLEMENTED])
def test_no_step_follows_a_final_status(db, final):
    proposal = proposal_in(final)
    with pytest.raises(ProposalTransitionError) as raised:
        service.transition(proposal, S.ACCEPTED, on=START + 20 * DAY, user=None)
    assert f"“{S(final).label}” is final" in raised.value.messages[0]


def test_implemented_is_reachable_only_from_an_acceptance(db):
    for current in (S.DRAFT, S.SUBMITTED, S.ACKNOWLEDGED, S.ANSWERED, S.REJECTED):
        with pytest.raises(ProposalTransitionError):
            service.transition(proposal_in(current), S.IMPLEMENTED, on=START + 20 * DAY, user=None)


def test_a_date_before_the_previous_step_is_refused(db):
    proposal = ProposalFactory()
    service.transition(proposal, S.SUBMITTED, on=dt.date(2024, 3, 10), user=None, submitted_via="letter")

    with pytest.raises(ProposalTransitionError) as raised:
        service.transition(proposal, S.ANSWERED, on=dt.date(2024, 3, 9), user=None, **ANSWER)

    assert "before the previous step" in raised.value.message_dict["on"][0]
    proposal.refresh_from_db()
    assert proposal.status == S.SUBMITTED and proposal.answered_on is None
    assert proposal.steps.count() == 1


def test_a_step_on_the_same_day_as_the_previous_one_is_accepted(db):
    proposal = ProposalFactory()
    service.transition(proposal, S.SUBMITTED, on=dt.date(2024, 3, 10), user=None, submitted_via="letter")
    service.transition(proposal, S.ACKNOWLEDGED, on=dt.date(2024, 3, 10), user=None)
    assert proposal.status == S.ACKNOWLEDGED


def test_a_date_in_the_future_is_refused(db):
    proposal = ProposalFactory()
    with pytest.raises(ProposalTransitionError) as raised:
        service.transition(proposal, S.SUBMITTED, on=dt.date.today() + 2 * DAY, user=None, submitted_via="letter")
    assert raised.value.message_dict["on"] == ["The date cannot be in the future."]


def test_a_submission_needs_an_addressee_and_a_channel(db):
    proposal = ProposalFactory(addressee=None)
    with pytest.raises(ProposalTransitionError) as raised:
        service.transition(proposal, S.SUBMITTED, on=START, user=None, submitted_via="")
    assert set(raised.value.message_dict) == {"addressee", "submitted_via"}
    assert Proposal.objects.get(pk=proposal.pk).status == S.DRAFT


@pytest.mark.parametrize("target", [S.ANSWERED, S.ACCEPTED, S.PARTLY_ACCEPTED])
def test_an_answer_or_a_decision_taken_from_submission_needs_the_answer_text(db, target):
    proposal = proposal_in(S.ACKNOWLEDGED)
    with pytest.raises(ProposalTransitionError) as raised:
        service.transition(proposal, target, on=START + 9 * DAY, user=None, answer_text_az="  ", answer_text_en="")
    assert "answer" in raised.value.message_dict["answer_text_az"][0]


def test_a_decision_after_the_answer_needs_only_its_date(db):
    proposal = proposal_in(S.ANSWERED)
    service.transition(proposal, S.PARTLY_ACCEPTED, on=START + 9 * DAY, user=None)
    proposal.refresh_from_db()
    assert proposal.answer_text_az == ANSWER["answer_text_az"]
    assert proposal.answered_on == START + DAY and proposal.decided_on == START + 9 * DAY


def test_a_stale_copy_cannot_repeat_a_move_someone_else_recorded(db):
    proposal = ProposalFactory()
    stale = Proposal.objects.get(pk=proposal.pk)
    service.transition(proposal, S.SUBMITTED, on=START, user=None, submitted_via="letter")

    with pytest.raises(ProposalTransitionError):
        service.transition(stale, S.SUBMITTED, on=START, user=None, submitted_via="email")
    assert ProposalStep.objects.filter(proposal=proposal).count() == 1


# --- History ------------------------------------------------------------------------------------


def test_the_history_starts_with_the_creation_and_lists_every_step_in_order(db, coordinator):
    event = EventFactory(date=dt.date(2024, 2, 20))
    proposal = service.create_proposal(
        coordinator, text_az="Kəndə avtobus xətti açılsın", event=event, addressee=AuthorityFactory()
    )
    walk(proposal, PATHS[S.IMPLEMENTED], user=coordinator)

    steps = list(proposal.steps.values_list("from_status", "to_status", "on", "recorded_by"))
    assert steps == [
        ("", S.DRAFT, dt.date(2024, 2, 20), coordinator.pk),
        (S.DRAFT, S.SUBMITTED, START, coordinator.pk),
        (S.SUBMITTED, S.ANSWERED, START + DAY, coordinator.pk),
        (S.ANSWERED, S.ACCEPTED, START + 2 * DAY, coordinator.pk),
        (S.ACCEPTED, S.IMPLEMENTED, START + 3 * DAY, coordinator.pk),
    ]


def test_a_proposal_cannot_be_submitted_before_the_event_where_it_was_raised(db):
    event = EventFactory(date=dt.date(2024, 2, 20))
    proposal = service.create_proposal(None, text_az="Kənd yolu təmir olunsun", event=event)
    with pytest.raises(ProposalTransitionError) as raised:
        service.transition(proposal, S.SUBMITTED, on=dt.date(2024, 2, 19), user=None, submitted_via="letter")
    assert "on" in raised.value.message_dict


def test_a_proposal_needs_a_text_in_one_language_at_least(db):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as raised:
        service.create_proposal(None, text_az=" ", text_en="")
    assert "text_az" in raised.value.message_dict
    assert not Proposal.objects.exists()


def test_the_addressee_cannot_change_after_submission(db):
    from django.core.exceptions import ValidationError

    proposal = proposal_in(S.SUBMITTED)
    with pytest.raises(ValidationError) as raised:
        service.update_proposal(proposal, None, addressee=AuthorityFactory())
    assert "addressee" in raised.value.message_dict


# --- Deadlines ----------------------------------------------------------------------------------


def test_the_answer_is_due_answer_days_after_submission(db, settings):
    settings.PROPOSAL_ANSWER_DAYS = 15
    proposal = ProposalFactory()
    assert proposal.answer_days == 15
    service.transition(proposal, S.SUBMITTED, on=dt.date(2024, 2, 20), user=None, submitted_via="letter")
    assert Proposal.objects.get(pk=proposal.pk).answer_due == dt.date(2024, 3, 6)  # 2024 is a leap year

    service.update_proposal(proposal, None, answer_days=10)
    assert Proposal.objects.get(pk=proposal.pk).answer_due == dt.date(2024, 3, 1)


def test_a_draft_has_no_due_date(db):
    assert ProposalFactory().answer_due is None


def test_a_proposal_is_overdue_from_the_day_after_its_due_date(db):
    proposal = ProposalFactory(status=S.SUBMITTED, submitted_on=dt.date(2024, 1, 1), answer_days=30)
    due = dt.date(2024, 1, 31)
    assert proposal.answer_due == due
    queryset = Proposal.objects.all()

    assert list(service.overdue(queryset, due - DAY)) == []
    assert list(service.overdue(queryset, due)) == []
    assert list(service.overdue(queryset, due + DAY)) == [proposal]
    assert service.days_overdue(proposal, due) == 0
    assert service.days_overdue(proposal, due + DAY) == 1
    assert service.days_overdue(proposal, due + 10 * DAY) == 10


def test_only_proposals_awaiting_an_answer_can_be_overdue(db):
    submitted = dt.date(2024, 1, 1)
    waiting = ProposalFactory(status=S.ACKNOWLEDGED, submitted_on=submitted)
    for status in (S.ANSWERED, S.ACCEPTED, S.REJECTED, S.IMPLEMENTED):
        ProposalFactory(status=status, submitted_on=submitted)
    ProposalFactory(status=S.DRAFT)

    assert list(service.overdue(Proposal.objects.all(), dt.date(2024, 6, 1))) == [waiting]
    counts = service.status_counts(Proposal.objects.all(), dt.date(2024, 6, 1))
    assert counts["overdue"] == 1 and counts["total"] == 6 and counts[S.ACKNOWLEDGED] == 1
