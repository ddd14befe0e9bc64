"""Proposals to authorities: their lifecycle, history and deadlines, in one place.

Every change of a proposal's status goes through :func:`transition`, which checks the move
against :data:`TRANSITIONS`, fills in the dates and fields that belong to it and writes the
:class:`~ogmonitor.engagement.models.ProposalStep` in the same transaction. Views, the admin,
the demo and management commands all call these functions, so the history is never incomplete.

The lifecycle::

    draft → submitted → acknowledged → answered → accepted ──────→ implemented
                 │            │            ├─────→ partly accepted ─┘
                 │            │            └─────→ rejected
                 └────────────┴──→ answered, accepted, partly accepted or rejected

An authority often answers without acknowledging first, and its answer often *is* the decision
("your proposal has been accepted"), so from ``submitted`` and ``acknowledged`` a proposal may go
straight to ``answered`` or to a decision. A decision recorded that way records the answer in
the same step: its text is required and ``answered_on`` is the decision's date, so a decided
proposal always has an answer on record. ``implemented`` follows only an acceptance: a
rejected proposal that is carried out anyway is a new fact worth a new proposal or a note,
not a silent rewrite of the authority's decision.
"""

import datetime as dt
import logging
import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Max, Q, QuerySet
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import get_text_list
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ogmonitor.accounts.policy import (
    can_answer_proposal,
    can_edit_engagement_record,
    visible_engagement,
)
from ogmonitor.lib import aztext

from .models import Proposal, ProposalStep

logger = logging.getLogger(__name__)

Status = Proposal.Status

#: The decisions an answer can carry.
DECISIONS = (Status.ACCEPTED, Status.PARTLY_ACCEPTED, Status.REJECTED)

#: Where a proposal may go from each status, in the order the UI offers the moves.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    Status.DRAFT: (Status.SUBMITTED,),
    Status.SUBMITTED: (Status.ACKNOWLEDGED, Status.ANSWERED, *DECISIONS),
    Status.ACKNOWLEDGED: (Status.ANSWERED, *DECISIONS),
    Status.ANSWERED: DECISIONS,
    Status.ACCEPTED: (Status.IMPLEMENTED,),
    Status.PARTLY_ACCEPTED: (Status.IMPLEMENTED,),
    Status.REJECTED: (),
    Status.IMPLEMENTED: (),
}

#: Moves that record what the authority said: the addressed municipality may record these itself.
ANSWER_STATUSES = frozenset({Status.ANSWERED, *DECISIONS})

#: The date field each move fills in.
DATE_FIELDS = {
    Status.SUBMITTED: "submitted_on",
    Status.ACKNOWLEDGED: "acknowledged_on",
    Status.ANSWERED: "answered_on",
    Status.ACCEPTED: "decided_on",
    Status.PARTLY_ACCEPTED: "decided_on",
    Status.REJECTED: "decided_on",
    Status.IMPLEMENTED: "implemented_on",
}

ANSWER_FIELDS = ("answer_text_az", "answer_text_en")

#: Lines of a pasted list start with numbering or bullets ("1.", "2)", "-", "•"); they are dropped.
_LIST_MARKER = re.compile(r"^\s*(?:\d{1,3}\s*[.)]|[-–—•*·])(?:\s+|$)")

#: A workshop yields dozens of proposals, not thousands; a longer paste is a mistake.
MAX_BULK_LINES = 200


class ProposalTransitionError(ValidationError):
    """A step the lifecycle refuses, or one missing what it needs; the messages are translated.

    A refused move carries one message; missing or wrong values are keyed by the name of the
    keyword argument (``on``, ``addressee``, ``answer_text_az``…), so a form whose fields carry
    those names shows each message at its field.
    """


# --- Reading ----------------------------------------------------------------------------------


def allowed_transitions(proposal: Proposal) -> tuple[str, ...]:
    """The statuses ``proposal`` may move to next (empty when its history is complete)."""
    return TRANSITIONS.get(proposal.status, ())


def may_record(user, proposal: Proposal, to_status: str) -> bool:
    """Whether ``user`` may record the move to ``to_status``.

    Editors of the record may record any step; the addressed municipality's editors only the
    answer and the decision it states (:data:`ANSWER_STATUSES`), never the submission or the
    implementation, which the monitoring organisation establishes.
    """
    if can_edit_engagement_record(user, proposal):
        return True
    return to_status in ANSWER_STATUSES and can_answer_proposal(user, proposal)


def transitions_for(user, proposal: Proposal) -> list[str]:
    """The allowed next statuses that ``user`` may record, for the detail page's forms."""
    return [status for status in allowed_transitions(proposal) if may_record(user, proposal, status)]


def visible_proposals(user) -> QuerySet:
    """Published proposals for everyone; unpublished ones as the policy's
    :func:`~ogmonitor.accounts.policy.visible_engagement` decides (the addressee's editors too)."""
    return visible_engagement(user, Proposal.objects.all(), municipality_field="addressee")


def overdue(queryset: QuerySet, today: dt.date) -> QuerySet:
    """Proposals still awaiting an answer whose ``answer_due`` is before ``today``.

    The due day itself is not overdue: an authority that answers on the last day is on time
    (the same rule as :meth:`Proposal.is_overdue`).
    """
    return queryset.filter(status__in=Proposal.AWAITING, answer_due__lt=today)


def days_overdue(proposal: Proposal, today: dt.date) -> int:
    """How many days past ``answer_due`` an unanswered proposal is; 0 when it is not overdue."""
    if not proposal.is_overdue(today):
        return 0
    return (today - proposal.answer_due).days


def filter_proposals(
    queryset: QuerySet, *, today: dt.date, status: str = "", addressee=None, topic: str = "", event=None,
    overdue_only: bool = False,
) -> QuerySet:
    """``queryset`` narrowed by the list's filters; empty values do not filter."""
    if status:
        queryset = queryset.filter(status=status)
    if addressee is not None:
        queryset = queryset.filter(addressee=addressee)
    if topic:
        queryset = queryset.filter(topic=topic)
    if event is not None:
        queryset = queryset.filter(event=event)
    if overdue_only:
        queryset = overdue(queryset, today)
    return queryset


def status_counts(queryset: QuerySet, today: dt.date) -> dict:
    """Counts per status (keyed by status value), plus ``overdue`` and ``total``, in one query."""
    aggregates = {f"n_{status}": Count("pk", filter=Q(status=status)) for status in Status.values}
    aggregates["n_overdue"] = Count("pk", filter=Q(status__in=Proposal.AWAITING, answer_due__lt=today))
    aggregates["n_total"] = Count("pk")
    counts = queryset.order_by().aggregate(**aggregates)
    return {key.removeprefix("n_"): value for key, value in counts.items()}


# --- Recording --------------------------------------------------------------------------------


def _today() -> dt.date:
    return timezone.localdate()


def _recorder(user):
    return user if user is not None and user.is_authenticated else None


def _check_text(fields: dict, error_key: str = "text_az") -> None:
    if not any((fields.get(name) or "").strip() for name in ("text_az", "text_en")):
        raise ValidationError({error_key: _("Write the proposal in Azerbaijani, English or both.")})


def create_proposal(user, *, raised_on: dt.date | None = None, **fields) -> Proposal:
    """Record a new draft proposal with the first step of its history (→ draft).

    ``raised_on`` dates that step: when the proposal was raised. It defaults to the event's date
    (or today), so a proposal entered weeks after a workshop can still be dated before its
    submission; every later step must be on or after it.
    """
    _check_text(fields)
    event = fields.get("event")
    raised_on = raised_on or (event.date if event is not None else None) or _today()
    if raised_on > _today():
        raise ValidationError({"raised_on": _("The date when it was raised cannot be in the future.")})
    with transaction.atomic():
        proposal = Proposal(status=Status.DRAFT, created_by=_recorder(user), **fields)
        if proposal.community_id is None and event is not None and event.community_id:
            proposal.community_id = event.community_id
        proposal.full_clean(exclude=["number", "text", "answer_text"])
        proposal.save()
        ProposalStep.objects.create(
            proposal=proposal, from_status="", to_status=Status.DRAFT, on=raised_on, recorded_by=_recorder(user)
        )
    logger.info("Proposal #%s created by %s", proposal.number, getattr(user, "pk", None))
    return proposal


def update_proposal(proposal: Proposal, user, **fields) -> Proposal:
    """Change a proposal's own fields (its text, who raised it, where…); never its status or dates.

    The addressee is fixed once the proposal has been submitted: the history says it went to
    that authority, and a different one would be a different submission.
    """
    _check_text({name: fields.get(name, getattr(proposal, name)) for name in ("text_az", "text_en")})
    if (
        "addressee" in fields and proposal.status != Status.DRAFT
        and getattr(fields["addressee"], "pk", None) != proposal.addressee_id
    ):
        raise ValidationError({"addressee": _("The addressee cannot be changed after the proposal was submitted.")})
    with transaction.atomic():
        for name, value in fields.items():
            setattr(proposal, name, value)
        proposal.full_clean(exclude=["number", "text", "answer_text"])
        proposal.save()
    logger.info("Proposal #%s changed by %s: %s", proposal.number, getattr(user, "pk", None), sorted(fields))
    return proposal


def _status_label(status: str) -> str:
    return str(Status(status).label) if status in Status.values else status


def _refusal(current: str, requested: str) -> ProposalTransitionError:
    allowed = TRANSITIONS.get(current, ())
    params = {"current": _status_label(current), "requested": _status_label(requested)}
    if not allowed:
        message = _(
            "A proposal that is “%(current)s” cannot become “%(requested)s”: “%(current)s” is final, no further step can be recorded."
        )
    else:
        params["allowed"] = get_text_list([f"“{_status_label(status)}”" for status in allowed], _("or"))
        message = _(
            "A proposal that is “%(current)s” cannot become “%(requested)s”. From here it can only become %(allowed)s."
        )
    return ProposalTransitionError(message % params, code="invalid_transition")


def _accepted_fields(current: str, to_status: str) -> tuple[set[str], set[str]]:
    """The keyword fields a move takes: (required, optional)."""
    if to_status == Status.SUBMITTED:
        return {"submitted_via"}, {"addressee", "reference_number"}
    if to_status == Status.ACKNOWLEDGED:
        return set(), {"reference_number"}
    if to_status == Status.ANSWERED or (to_status in DECISIONS and current in Proposal.AWAITING):
        return set(), set(ANSWER_FIELDS)
    return set(), set()


def _answer_needed(current: str, to_status: str) -> bool:
    return to_status == Status.ANSWERED or (to_status in DECISIONS and current in Proposal.AWAITING)


def transition(proposal: Proposal, to_status: str, *, on: dt.date, user, note: str = "", **fields) -> Proposal:
    """Move ``proposal`` to ``to_status`` on date ``on``, recording the step; all or nothing.

    ``fields`` are what the move records: for ``submitted`` the ``submitted_via`` channel
    (required), ``addressee`` (required unless already set) and ``reference_number``; for
    ``acknowledged`` a ``reference_number``; for ``answered``, and for a decision taken
    straight from ``submitted`` or ``acknowledged``, ``answer_text_az`` and/or ``answer_text_en``
    (at least one). Raises :class:`ProposalTransitionError` when the move is not allowed from
    the current status, a required value is missing, or ``on`` is in the future or before the
    previous step's date. Passing a field the move does not take is a programming error
    (``TypeError``).
    """
    with transaction.atomic():
        # Lock the row and decide on its stored status, so two people recording at once cannot
        # both move it from the same status.
        current = Proposal.objects.select_for_update().values_list("status", flat=True).get(pk=proposal.pk)
        if to_status not in TRANSITIONS.get(current, ()):
            raise _refusal(current, to_status)
        required, optional = _accepted_fields(current, to_status)
        unexpected = set(fields) - required - optional
        if unexpected:
            raise TypeError(f"transition to {to_status} does not take {sorted(unexpected)}")

        errors: dict[str, list[str]] = {}
        today = _today()
        if on is None:
            errors["on"] = [_("Give the date of this step.")]
        elif on > today:
            errors["on"] = [_("The date cannot be in the future.")]
        else:
            previous = proposal.steps.aggregate(last=Max("on"))["last"]
            if previous is not None and on < previous:
                errors["on"] = [
                    _("The date cannot be before the previous step in the history, on %(date)s.")
                    % {"date": date_format(previous, "DATE_FORMAT")}
                ]
        if to_status == Status.SUBMITTED:
            addressee = fields.get("addressee") or proposal.addressee
            if addressee is None:
                errors["addressee"] = [_("Choose the authority the proposal was submitted to.")]
            else:
                fields["addressee"] = addressee
            if fields.get("submitted_via") not in Proposal.Channel.values:
                errors["submitted_via"] = [_("Choose how the proposal was submitted.")]
        if _answer_needed(current, to_status):
            for name in ANSWER_FIELDS:
                fields[name] = (fields.get(name) or "").strip()
            if not any(fields[name] for name in ANSWER_FIELDS):
                errors["answer_text_az"] = [_("Write the authority’s answer in Azerbaijani, English or both.")]
        if "reference_number" in fields:
            fields["reference_number"] = (fields["reference_number"] or "").strip()
            if not fields["reference_number"]:
                del fields["reference_number"]  # an empty box keeps a number recorded earlier
        if errors:
            raise ProposalTransitionError(errors, code="invalid_step")

        changed = {"status", "answer_due", "updated_at", DATE_FIELDS[to_status], *fields}
        if to_status in DECISIONS and current in Proposal.AWAITING:
            proposal.answered_on = on
            changed.add("answered_on")
        if changed & set(ANSWER_FIELDS):
            changed.add("answer_text")  # modeltranslation's original column, kept in step
        for name, value in fields.items():
            setattr(proposal, name, value)
        setattr(proposal, DATE_FIELDS[to_status], on)
        proposal.status = to_status
        proposal.save(update_fields=sorted(changed))
        ProposalStep.objects.create(
            proposal=proposal, from_status=current, to_status=to_status, on=on, note=(note or "").strip(),
            recorded_by=_recorder(user),
        )
    logger.info("Proposal #%s: %s → %s by %s", proposal.number, current, to_status, getattr(user, "pk", None))
    return proposal


# --- Bulk entry --------------------------------------------------------------------------------


@dataclass(frozen=True)
class ProposalLine:
    """One proposal typed or pasted as a line of the bulk form; ``line`` is its 1-based line number."""

    line: int
    text: str


def split_lines(text: str) -> list[ProposalLine]:
    """The proposals in a pasted list, one per line: blank lines skipped, numbering and bullets dropped."""
    lines = []
    for number, raw in enumerate((text or "").splitlines(), start=1):
        cleaned = _LIST_MARKER.sub("", raw).strip()
        if cleaned:
            lines.append(ProposalLine(number, cleaned))
    return lines


def _same_text_key(text: str | None, language: str) -> str:
    """Two proposals are the same if they differ only in case and spacing (İ/i, I/ı the Azerbaijani way)."""
    return aztext.fold_latin(text or "") if language == "en" else aztext.fold(text or "")


def line_problems(lines: list[ProposalLine], *, event, language: str) -> list[str]:
    """What is wrong with a bulk list, each message naming its line; empty when all can be saved.

    Repeats within the list and proposals already recorded at the same event are refused: both
    are what a double click or a second paste of the same notes produces.
    """
    if not lines:
        return [_("Write at least one proposal.")]
    problems = []
    if len(lines) > MAX_BULK_LINES:
        problems.append(
            _("The list has %(count)s proposals; enter at most %(limit)s at a time.")
            % {"count": len(lines), "limit": MAX_BULK_LINES}
        )
    seen: dict[str, int] = {}
    for item in lines:
        key = _same_text_key(item.text, language)
        if key in seen:
            problems.append(
                _("Line %(line)s repeats line %(first)s.") % {"line": item.line, "first": seen[key]}
            )
        else:
            seen[key] = item.line
    if event is not None and seen:
        field = "text_en" if language == "en" else "text_az"
        recorded = {
            _same_text_key(text, language): number
            for number, text in Proposal.objects.filter(event=event).values_list("number", field)
        }
        for item in lines:
            key = _same_text_key(item.text, language)
            if key in recorded and seen.get(key) == item.line:
                problems.append(
                    _("Line %(line)s is already recorded for this event as proposal no. %(number)s.")
                    % {"line": item.line, "number": recorded[key]}
                )
    return problems


def create_many(
    lines: list[ProposalLine], *, user, language: str = "az", submission: dict | None = None, **defaults
) -> list[Proposal]:
    """Record the proposals collected at one event, all or none, optionally submitting them all.

    ``defaults`` are the fields every proposal shares (``event``, ``addressee``, ``topic``…);
    ``submission``, when given, holds the ``on``, ``submitted_via`` and ``reference_number``
    of one submission of them all to the addressee, each proposal getting its own history step.
    An error on any line undoes the whole list and names the line.
    """
    field = "text_en" if language == "en" else "text_az"
    created = []
    with transaction.atomic():
        for item in lines:
            try:
                proposal = create_proposal(user, **defaults, **{field: item.text})
                if submission:
                    transition(proposal, Status.SUBMITTED, user=user, **submission)
            except ValidationError as error:
                messages = error.messages
                raise ProposalTransitionError(
                    [_("Line %(line)s: %(message)s") % {"line": item.line, "message": message} for message in messages],
                    code="invalid_line",
                ) from error
            created.append(proposal)
    logger.info(
        "%s proposals created at once by %s%s", len(created), getattr(user, "pk", None),
        " and submitted" if submission else "",
    )
    return created


def bulk_summary(count: int, submitted: bool) -> str:
    """The confirmation shown after a bulk entry."""
    if submitted:
        return ngettext(
            "%(count)s proposal was recorded and submitted.", "%(count)s proposals were recorded and submitted.", count
        ) % {"count": count}
    return ngettext("%(count)s proposal was recorded as a draft.", "%(count)s proposals were recorded as drafts.", count) % {
        "count": count
    }
