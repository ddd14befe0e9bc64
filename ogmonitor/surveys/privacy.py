"""Respondents' privacy: who sees an identity, erasing it, and which free text may be published.

The rules (issue 9), all applied here so that views, the admin and exports ask one module:

* a respondent's identity (:class:`RespondentIdentity`: name, phone, e-mail) is read only by
  users for whom :func:`ogmonitor.accounts.policy.can_see_identity` holds for the study;
* erasing an identity (:func:`erase_identity` for one respondent, :func:`erase_study_identities`
  for a whole round, e.g. at its end as data minimisation) deletes it, replaces a respondent
  code that came from a file (it may be a name: a column headed "Respondent") with a neutral
  one, and blanks the answers to text questions marked personal, also where a correction kept
  them. The submission, every other answer and the anonymous profile (community, category,
  gender…) stay, so the findings computed from them do not change. Each erasure is recorded
  (:class:`IdentityErasure`: who, when, how many — never whose);
* free text is published only for questions marked publishable (:attr:`Question.TextUse`), and
  never when the same question is marked personal in another version of the questionnaire. No
  public export holds answers today (open data, API); one that adds them takes them from
  :func:`publishable_text_answers`.

A question's mark applies to its name in every version of the study's questionnaire: a new
version starts unmarked, and a name marked personal in any version is treated as personal in all.
"""

import logging
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import CharField, QuerySet, Value
from django.db.models.functions import Cast, Concat
from django.utils.translation import gettext as _

from ogmonitor.accounts import policy

from .models import (
    Answer,
    AnswerRevision,
    IdentityErasure,
    Question,
    Respondent,
    RespondentIdentity,
    Study,
    Submission,
)

logger = logging.getLogger(__name__)

TextUse = Question.TextUse

#: Codes ogmonitor makes itself (entry form and API, imports without a code, an earlier
#: erasure): they say nothing about the person. Any other code was typed or imported.
GENERATED_CODE = r"^(R-[0-9]+|imp[0-9]+-r[0-9]+|anon-[0-9]+)$"
ERASED_CODE_PREFIX = "anon-"


# --- Who sees identities ---------------------------------------------------------------------------


def identity_study_ids(user) -> list[int]:
    """Ids of the studies whose respondents' identities ``user`` may see (for admin lists).

    Asks the policy study by study rather than copying its rule into a query; a deployment
    holds tens of studies, read with their organisation only.
    """
    if not user.is_authenticated:
        return []
    return [study.pk for study in Study.objects.only("pk", "organization_id") if policy.can_see_identity(user, study)]


def _check_may_erase(user, study: Study) -> None:
    if not policy.can_see_identity(user, study):
        raise PermissionDenied(_("Only the study’s coordinators may erase respondents’ identities."))


# --- Free text -------------------------------------------------------------------------------------


def text_questions(study: Study) -> QuerySet:
    return Question.objects.filter(questionnaire__study=study, type=Question.Type.TEXT)


def personal_questions(study: Study) -> QuerySet:
    """The study's text questions whose answers are personal (their name marked so in any version)."""
    marked = text_questions(study).filter(text_use=TextUse.PERSONAL).values("name")
    return text_questions(study).filter(name__in=marked)


def publishable_text_answers(study: Study) -> QuerySet:
    """The free-text answers the public may read: a published study's counted submissions,
    questions marked publishable (and personal in no version), no empty text, no respondent.

    Ordered by question and text, not by submission, so that rows of different questions cannot
    be lined up into one respondent's answers.
    """
    if study.status != Study.Status.PUBLISHED:
        return Answer.objects.none()
    return (
        Answer.objects.filter(
            submission__study=study,
            submission__status__in=(Submission.Status.SUBMITTED, Submission.Status.APPROVED),
            question__in=text_questions(study).filter(text_use=TextUse.PUBLISHABLE),
        )
        .exclude(question__in=personal_questions(study))
        .exclude(text="")
        .order_by("question__questionnaire__version", "question__position", "text")
    )


@dataclass
class TextQuestion:
    """A text question of the study by name, as the privacy page lists it."""

    name: str
    label: str
    text_use: str


def text_question_uses(study: Study) -> list[TextQuestion]:
    """Each text question name of the study with its latest label and mark (personal if marked
    personal in any version, since that is how erasure treats it)."""
    found: dict[str, TextQuestion] = {}
    personal = set(personal_questions(study).values_list("name", flat=True))
    for question in text_questions(study).order_by("-questionnaire__version", "position"):
        if question.name not in found:
            use = TextUse.PERSONAL if question.name in personal else question.text_use
            found[question.name] = TextQuestion(question.name, question.label or question.name, use)
    return list(found.values())


@transaction.atomic
def set_text_uses(study: Study, uses: dict[str, str], user) -> int:
    """Mark text questions by name (in every version of the questionnaire); returns how many
    names changed. Raises ``PermissionDenied`` unless ``user`` manages the study, ``ValueError``
    for a mark that is not a :class:`Question.TextUse`."""
    if not policy.can_manage_study(user, study):
        raise PermissionDenied
    unknown = set(uses.values()) - set(TextUse.values)
    if unknown:
        raise ValueError(f"Not a text use: {sorted(unknown)}")
    changed = 0
    for name, use in uses.items():
        if text_questions(study).filter(name=name).exclude(text_use=use).update(text_use=use):
            changed += 1
    if changed:
        logger.info("Study %s: use of text answers changed by %s (%s): %s", study.slug, user, user.pk,
                    {name: str(use) for name, use in uses.items()})
    return changed


# --- Erasure ---------------------------------------------------------------------------------------


@dataclass
class ErasureTargets:
    """What an erasure would change, as querysets: counted for the confirmation, then changed."""

    identities: QuerySet
    codes: QuerySet
    answers: QuerySet
    revisions: QuerySet

    def counts(self) -> dict[str, int]:
        return {"identities": self.identities.count(), "codes": self.codes.count(), "answers": self.answers.count()}


def erasure_targets(study: Study, respondent: Respondent | None = None) -> ErasureTargets:
    """The identities, free codes and personal answers of ``respondent``, or of the whole study."""
    if respondent is None:
        respondents = Respondent.objects.filter(study=study)
        submissions = Submission.objects.filter(study=study)  # those without a respondent too
    else:
        respondents = Respondent.objects.filter(pk=respondent.pk, study=study)
        submissions = Submission.objects.filter(respondent__in=respondents)
    personal = personal_questions(study)
    return ErasureTargets(
        identities=RespondentIdentity.objects.filter(respondent__in=respondents),
        codes=respondents.exclude(code__regex=GENERATED_CODE),
        answers=Answer.objects.filter(submission__in=submissions, question__in=personal).exclude(text=""),
        revisions=AnswerRevision.objects.filter(submission__in=submissions, question__in=personal),
    )


def erase_identity(respondent: Respondent, user) -> IdentityErasure:
    """Erase who ``respondent`` is and keep what they answered; returns the erasure's record.

    Raises ``PermissionDenied`` unless ``user`` may see the study's identities.
    """
    study = respondent.study
    _check_may_erase(user, study)
    return _erase(study, erasure_targets(study, respondent), user, IdentityErasure.Scope.RESPONDENT, respondent)


def erase_study_identities(study: Study, user) -> IdentityErasure:
    """Erase the identities of every respondent of ``study``, keeping all answers; returns the record.

    Raises ``PermissionDenied`` unless ``user`` may see the study's identities.
    """
    _check_may_erase(user, study)
    return _erase(study, erasure_targets(study), user, IdentityErasure.Scope.STUDY, None)


@transaction.atomic
def _erase(study: Study, targets: ErasureTargets, user, scope: str, respondent: Respondent | None) -> IdentityErasure:
    # Bulk statements, no per-row saves: nothing is loaded into memory and no signal copies the
    # erased values anywhere (an audit log of row changes would keep them).
    identities, _by_model = targets.identities.delete()
    codes = targets.codes.update(code=Concat(Value(ERASED_CODE_PREFIX), Cast("pk", output_field=CharField())))
    answers = targets.answers.update(text="")
    targets.revisions.update(old_value="", new_value="")  # "" is an unanswered question
    erasure = IdentityErasure.objects.create(
        study=study, scope=scope, respondent=respondent, identities=identities, codes=codes, answers=answers,
        erased_by=user if getattr(user, "is_authenticated", False) else None,
    )
    logger.info(
        "Study %s: identities erased by %s (%s), %s: %s identities, %s codes, %s personal answers",
        study.slug, user, getattr(user, "pk", None), scope, identities, codes, answers,
    )
    return erasure
