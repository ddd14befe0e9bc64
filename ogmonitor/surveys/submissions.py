"""State changes of submissions: record (idempotent on the UUID), correct, reject, approve; self links.

Every function here runs in one transaction and is the only way views, the API and imports
change a submission, so the rules live in one place:

* one submission = one UUID. The form carries a UUID made when the page was rendered; a
  resent form (double tap, a retry on a village connection, the back button, a phone sending
  the forms it kept while offline) finds the stored submission and changes nothing, even when
  both requests arrive at the same moment: the first submitted version wins;
* a draft keeps whatever answers could be read and is completed later under the same UUID, by
  its author or the study's coordinators; a UUID that is someone else's form is never
  continued or overwritten (:class:`SubmissionConflict`);
* the respondent is a code (``R-0001``); a name or phone goes to :class:`RespondentIdentity`,
  which only coordinators load;
* a correction keeps the previous value of every question it changes (:class:`AnswerRevision`).

Access to the study (who may review, correct or reject) is checked by the views through
:mod:`ogmonitor.accounts.policy`; :func:`record_submission` checks the one rule no caller may
forget: an enumerator enters data only in the communities assigned to them for the study.
"""

import secrets
import uuid as uuid_module

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models.functions import Length
from django.utils import timezone
from django.utils.translation import gettext as _

from ogmonitor.accounts import policy

from . import answers
from .models import (
    Answer,
    AnswerRevision,
    Channel,
    Question,
    Respondent,
    RespondentIdentity,
    SelfCompletionLink,
    Study,
    Submission,
)
from .signals import announce_answers_changed

RESPONDENT_FIELDS = ("category", "gender", "community", "organization", "channel", "interview_date", "enumerator")
IDENTITY_FIELDS = ("full_name", "phone", "email")
CODE_PREFIX = "R-"


class SubmissionInvalid(Exception):
    """The answers (or the reason of a review action) were refused; ``errors`` maps name → message."""

    def __init__(self, errors: dict[str, str]):
        self.errors = dict(errors)
        super().__init__("; ".join(f"{name}: {message}" for name, message in self.errors.items()))


class SubmissionConflict(PermissionDenied):
    """The UUID is already another person's form, or another study's: refused, never overwritten.

    A ``PermissionDenied``, so a caller that does not single it out still refuses; the entry
    form and the API answer it with 409 Conflict and its message.
    """


class LinkUnavailable(Exception):
    """The self-completion link no longer accepts responses."""


class LinkAlreadyUsed(LinkUnavailable):
    """A one-response link has been answered already."""


# --- Recording ----------------------------------------------------------------------------------


@transaction.atomic
def record_submission(
    questionnaire, uuid, raw_answers: dict, respondent_data: dict, *,
    source: str, user=None, self_link: SelfCompletionLink | None = None, draft: bool = False,
) -> tuple[Submission, bool]:
    """Store a filled-in form once per ``uuid``; returns ``(submission, created)``.

    ``created`` is True only when this call inserted the submission. The rule for a ``uuid``
    sent again: a submitted form is final, so the first submitted version wins and the stored
    submission comes back untouched, whatever this call carries (answers that differ included:
    a correction is :func:`correct_submission`'s job, with its reason kept); a stored draft is
    updated, its answers replaced, and becomes submitted unless ``draft``. Only the author or
    the study's coordinators may do either: anyone else's resend raises
    :class:`SubmissionConflict` and changes nothing. Two requests with the same ``uuid`` at the
    same moment give one submission (the unique constraint decides; the second request then
    reads the first one's row).
    ``raw_answers`` maps question names to the posted text (a list for a multiple choice);
    ``respondent_data`` holds cleaned profile values (model instances, dates) under the names
    in ``RESPONDENT_FIELDS`` and ``IDENTITY_FIELDS``.
    Raises :class:`SubmissionInvalid` (answers refused, unless ``draft``), ``PermissionDenied``
    (a community the user may not enter data in; :class:`SubmissionConflict` for someone
    else's form) and :class:`LinkUnavailable` (an inactive or already answered self-completion link).
    """
    study = questionnaire.study
    uuid = uuid_module.UUID(str(uuid))
    unknown = set(respondent_data) - set(RESPONDENT_FIELDS) - set(IDENTITY_FIELDS)
    if unknown:
        raise TypeError(f"Unknown respondent fields: {sorted(unknown)}")

    existing = Submission.objects.select_for_update().filter(uuid=uuid).first()
    if existing is not None:
        _check_may_continue(existing, study, user, self_link)
        if existing.status != Submission.Status.DRAFT:
            return existing, False

    profile = _respondent_values(study, respondent_data, source=source, user=user, self_link=self_link)
    if source != Submission.Source.SELF and not policy.can_enter_data(user, study, profile["community"]):
        raise PermissionDenied(_("You may not enter data in this community for this study."))
    result = answers.validate_submission(questionnaire, raw_answers)
    if result.errors and not draft:
        raise SubmissionInvalid(result.errors)
    if self_link is not None:
        _check_link_open(self_link, study, existing)

    status = Submission.Status.DRAFT if draft else Submission.Status.SUBMITTED
    if existing is None:
        try:
            # A new form is inserted whole, in a savepoint: when a twin request inserted the
            # same UUID first, only this respondent and insert are undone and we carry on with
            # the twin's row (PostgreSQL makes this insert wait for the twin's commit, so the
            # row is there to read).
            with transaction.atomic():
                submission = Submission.objects.create(
                    uuid=uuid, study=study, questionnaire=questionnaire, source=source, status=status,
                    submitted_at=None if draft else timezone.now(),
                    respondent=_save_respondent(study, None, profile, respondent_data),
                    created_by=user if _is_user(user) else None, self_link=self_link,
                )
        except IntegrityError:
            existing = Submission.objects.select_for_update().get(uuid=uuid)
            _check_may_continue(existing, study, user, self_link)
            if existing.status != Submission.Status.DRAFT:
                return existing, False
        else:
            _store_answers(submission, questionnaire, result.values, user)
            return submission, True

    # A draft continued: its profile and answers are replaced.
    submission = existing
    submission.respondent = _save_respondent(study, submission.respondent, profile, respondent_data)
    submission.questionnaire = questionnaire
    submission.status = status
    if not draft:
        submission.submitted_at = timezone.now()
    submission.save()
    submission.answers.all().delete()
    _store_answers(submission, questionnaire, result.values, user)
    return submission, False


def _store_answers(submission: Submission, questionnaire, values: dict, user) -> None:
    Answer.objects.bulk_create(answers.answer_rows(submission, questionnaire, values))
    if submission.status != Submission.Status.DRAFT:
        announce_answers_changed(questionnaire.study, user)


def already_sent(study, uuid, *, user=None, self_link: SelfCompletionLink | None = None) -> Submission | None:
    """The submission sent under ``uuid`` (not a draft) when the caller may resend it; else None.

    A view asks first, before it validates what the form carries, so that a form sent again
    gets the first answer even when it would no longer pass (a community unassigned since, a
    newer questionnaire): the first submitted version wins, as in :func:`record_submission`.
    Raises :class:`SubmissionConflict` when ``uuid`` is someone else's form.
    """
    submission = Submission.objects.filter(uuid=uuid).first()
    if submission is None:
        return None
    _check_may_continue(submission, study, user, self_link)
    return None if submission.status == Submission.Status.DRAFT else submission


def _is_user(user) -> bool:
    return user is not None and user.is_authenticated


def _check_may_continue(submission: Submission, study, user, self_link) -> None:
    """A stored UUID is only ever continued in its own study, by its author or the coordinators."""
    if submission.study_id != study.pk:
        raise SubmissionConflict(_("This form belongs to another study."))
    if self_link is not None:
        if submission.self_link_id != self_link.pk:
            raise SubmissionConflict(_("This form was not sent through this link."))
        return
    if not _is_user(user):
        raise PermissionDenied
    if submission.created_by_id != user.pk and not policy.can_manage_study(user, study):
        raise SubmissionConflict(_("This form was started by someone else."))


def _check_link_open(link: SelfCompletionLink, study, existing: Submission | None) -> None:
    # Lock the link so that two respondents sending a one-response link together give one answer.
    link = SelfCompletionLink.objects.select_for_update().get(pk=link.pk)
    if not link.is_active or link.study_id != study.pk:
        raise LinkUnavailable(_("This link no longer accepts responses."))
    if study.status in (study.Status.CLOSED, study.Status.PUBLISHED):
        # Respondents answer only while fieldwork runs; a closed round's figures stay as published.
        raise LinkUnavailable(_("This survey has closed and no longer accepts responses."))
    if link.single_use:
        used = link.submissions.exclude(status=Submission.Status.DRAFT)
        if existing is not None:
            used = used.exclude(pk=existing.pk)
        if used.exists():
            raise LinkAlreadyUsed(_("This link has already been answered."))


def _respondent_values(study, data: dict, *, source: str, user, self_link) -> dict:
    values = {name: data.get(name) for name in RESPONDENT_FIELDS}
    if source == Submission.Source.SELF:
        values["channel"] = Channel.WEB_FORM
        values["enumerator"] = None
        values["interview_date"] = values["interview_date"] or timezone.localdate()
        if self_link is not None and self_link.community_id:
            values["community"] = self_link.community
    elif values["enumerator"] is None and _is_user(user):
        values["enumerator"] = user
    values["gender"] = values["gender"] or ""
    values["channel"] = values["channel"] or ""
    return values


def _save_respondent(study, respondent: Respondent | None, values: dict, data: dict) -> Respondent:
    if respondent is None:
        respondent = _create_respondent(study, values)
    else:
        for name, value in values.items():
            setattr(respondent, name, value)
        respondent.save()
    identity = {name: (data.get(name) or "").strip() for name in IDENTITY_FIELDS}
    if any(identity.values()):
        RespondentIdentity.objects.update_or_create(respondent=respondent, defaults=identity)
    elif any(name in data for name in IDENTITY_FIELDS):
        # The form had the identity fields and they were emptied: forget the person.
        RespondentIdentity.objects.filter(respondent=respondent).delete()
    return respondent


def _create_respondent(study, values: dict) -> Respondent:
    # Interviews saved at once would pick the same next code: they take it in turn, holding the
    # study's row until they commit. (Without the lock, twenty phones sending together kept
    # colliding, each retry waiting for another commit, until some gave up with a 500.) "No
    # key" so that it does not wait for, nor deadlock with, the inserts that reference the study.
    Study.objects.select_for_update(no_key=True).filter(pk=study.pk).values_list("pk").get()
    for _attempt in range(20):
        try:
            # A code an import wrote meanwhile: the unique constraint refuses it, and the
            # next number is taken.
            with transaction.atomic():
                return Respondent.objects.create(study=study, code=next_respondent_code(study), **values)
        except IntegrityError:
            continue
    raise IntegrityError("Could not allocate a respondent code.")


def next_respondent_code(study) -> str:
    """The next free code of the ``R-0001`` series in ``study`` (codes from imports are left alone)."""
    last = (
        Respondent.objects.filter(study=study, code__regex=r"^R-[0-9]+$")
        .annotate(length=Length("code"))
        .order_by("-length", "-code")
        .values_list("code", flat=True)
        .first()
    )
    number = int(last[len(CODE_PREFIX):]) + 1 if last else 1
    return f"{CODE_PREFIX}{number:04d}"


# --- Review ---------------------------------------------------------------------------------------


def raw_answers_of(submission: Submission) -> dict:
    """The stored answers as the form posts them (to fill in a form for editing)."""
    return answers.raw_values(answers.answer_values(submission))


def _same(old, new) -> bool:
    if isinstance(old, list) and isinstance(new, list):
        return sorted(old) == sorted(new)
    return old == new


@transaction.atomic
def correct_submission(submission: Submission, raw_answers: dict, user, reason: str) -> list[AnswerRevision]:
    """A coordinator's correction: one :class:`AnswerRevision` per changed question, answers replaced.

    ``raw_answers`` may hold the whole form or only the questions to change (the others keep
    their stored answers). The result is validated like a new submission; a question that the
    change makes irrelevant loses its answer, and that is recorded too. Returns the revisions.
    """
    reason = (reason or "").strip()
    if not reason:
        raise SubmissionInvalid({"reason": _("Say why the answers are corrected.")})
    submission = Submission.objects.select_for_update().select_related("questionnaire").get(pk=submission.pk)
    if submission.status == Submission.Status.DRAFT:
        raise SubmissionInvalid({"status": _("A draft is corrected by completing it, not reviewed.")})
    questionnaire = submission.questionnaire
    before = raw_answers_of(submission)
    raw = {**before, **raw_answers}
    result = answers.validate_submission(questionnaire, raw)
    if result.errors:
        raise SubmissionInvalid(result.errors)
    after = answers.raw_values(result.values)

    questions = {
        question.name: question
        for question in Question.objects.filter(questionnaire=questionnaire).exclude(name="")
        if question.is_input
    }
    changed = [
        question for name, question in questions.items()
        if not _same(before.get(name, ""), after.get(name, ""))
    ]
    if not changed:
        return []
    revisions = AnswerRevision.objects.bulk_create(
        AnswerRevision(
            # "" is an unanswered question (the JSON columns refuse SQL NULL).
            submission=submission, question=question, old_value=before.get(question.name, ""),
            new_value=after.get(question.name, ""), reason=reason, changed_by=user,
        )
        for question in changed
    )
    changed_ids = {question.pk for question in changed}
    submission.answers.filter(question_id__in=changed_ids).delete()
    Answer.objects.bulk_create(
        row for row in answers.answer_rows(submission, questionnaire, result.values) if row.question_id in changed_ids
    )
    # The audit log writes this correction's entry from its revisions when the submission is saved.
    submission.correction_revisions = revisions
    submission.save(update_fields=["updated_at"])
    announce_answers_changed(submission.study, user)
    return revisions


@transaction.atomic
def reject_submission(submission: Submission, user, reason: str) -> Submission:
    """Set a submission aside (its answers stop counting); the reason is required and kept."""
    reason = (reason or "").strip()
    if not reason:
        raise SubmissionInvalid({"reason": _("Say why the submission is rejected.")})
    submission = Submission.objects.select_for_update().get(pk=submission.pk)
    if submission.status == Submission.Status.DRAFT:
        raise SubmissionInvalid({"status": _("A draft cannot be rejected: it has not been submitted.")})
    submission.status = Submission.Status.REJECTED
    submission.rejection_reason = reason
    submission.save(update_fields=["status", "rejection_reason", "updated_at"])
    announce_answers_changed(submission.study, user)
    return submission


@transaction.atomic
def approve_submission(submission: Submission, user, reason: str = "") -> Submission:
    """Accept a submitted (or earlier rejected) submission; a rejection's reason is cleared."""
    submission = Submission.objects.select_for_update().get(pk=submission.pk)
    if submission.status == Submission.Status.DRAFT:
        raise SubmissionInvalid({"status": _("A draft cannot be approved: it has not been submitted.")})
    submission.status = Submission.Status.APPROVED
    submission.rejection_reason = ""
    submission.save(update_fields=["status", "rejection_reason", "updated_at"])
    announce_answers_changed(submission.study, user)
    return submission


# --- Self-completion links ------------------------------------------------------------------------


@transaction.atomic
def create_self_link(study, user, *, label: str = "", community=None, single_use: bool = False) -> SelfCompletionLink:
    """A new link respondents open without an account; its token is unguessable (256 bits)."""
    return SelfCompletionLink.objects.create(
        study=study, token=secrets.token_urlsafe(32), label=label, community=community,
        single_use=single_use, created_by=user,
    )


@transaction.atomic
def set_self_link_active(link: SelfCompletionLink, user, active: bool) -> SelfCompletionLink:
    """Stop (or resume) accepting responses through a link; its answers stay."""
    link.is_active = active
    link.save(update_fields=["is_active"])
    return link
