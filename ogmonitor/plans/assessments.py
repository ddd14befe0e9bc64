"""Local monitoring status of NAP activities: reading assessments, recording them and their review.

An assessment (:class:`~ogmonitor.plans.models.LocalAssessment`) says how far an activity (or a
local target under it) has been carried out in one place on a day, on the OGP IRM's scales, and
what evidence that rests on. Each one is kept: a later date for the same place is a new row, so
the rows of an activity are its history.

Review. An assessment goes draft → reviewed → published (:func:`transition`); only published
ones are public. "Return to draft" takes a reviewed or published one back, off the public pages.
A published assessment is history and is not edited (:func:`save_assessment` refuses): a
correction is either a new assessment (a new date) or, for a mistake, return to draft → edit →
review → publish. Editing a reviewed one sends it back to draft, since what was reviewed changed.

Evidence. A published assessment's evidence is public: publishing is refused while it links a
record the public may not see (a draft study's indicator, an unpublished event or proposal), and
the public pages leave out a record unpublished later (:func:`public_evidence`).

Every change runs in one transaction; django-auditlog records each saved row (see
:mod:`ogmonitor.audit.registry`), and a log line names the actor as in the other apps. The
records linked as evidence live in higher apps (findings, engagement, disclosure), which plans
does not import: they are reached with ``apps.get_model``, as the model's own foreign keys are.
"""

import logging
from collections import Counter
from dataclasses import dataclass, field

from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Case, IntegerField, Model, Prefetch, Q, QuerySet, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from ogmonitor.accounts import policy
from ogmonitor.lib.actors import actor_label
from ogmonitor.lib.uploads import DOCUMENT, check_upload

from .models import Activity, AssessmentEvidence, AssessmentStatus, Completion, LocalAssessment

logger = logging.getLogger(__name__)

Status = AssessmentStatus

#: What each review step does: the statuses it starts from and the one it leads to.
TRANSITIONS = {
    "review": ((Status.DRAFT,), Status.REVIEWED),
    "publish": ((Status.REVIEWED,), Status.PUBLISHED),
    "withdraw": ((Status.REVIEWED, Status.PUBLISHED), Status.DRAFT),
}

#: What the evidence of a page shows of each linked record, joined in one query.
EVIDENCE_RELATED = (
    "indicator__study", "event", "proposal", "publication__organization", "publication__item",
)

#: How many records each evidence list offers besides those linked to the activity.
OTHER_CHOICES_LIMIT = 100


class AssessmentError(ValidationError):
    """A change the review workflow refuses (editing a published assessment, a step not allowed
    from the current status, publishing private evidence); the message is translated."""


# --- Reading ------------------------------------------------------------------------------------


def public_evidence() -> Q:
    """Evidence whose record (if any) the public may see: a published study's indicator, a
    published event or proposal; disclosure records, documents and links are public as such."""
    published_study = apps.get_model("surveys", "Study").Status.PUBLISHED
    return (
        (Q(indicator__isnull=True) | Q(indicator__study__status=published_study))
        & (Q(event__isnull=True) | Q(event__is_published=True))
        & (Q(proposal__isnull=True) | Q(proposal__is_published=True))
    )


def evidence_of(*, public_only: bool) -> QuerySet:
    """Evidence rows in their order with their records joined (for a prefetch)."""
    queryset = AssessmentEvidence.objects.select_related(*EVIDENCE_RELATED).order_by("position", "pk")
    return queryset.filter(public_evidence()) if public_only else queryset


def _shown(queryset: QuerySet, *, public_only: bool = True) -> QuerySet:
    """What a page shows of each assessment: its place, target, assessor and evidence."""
    return queryset.select_related("district", "municipality", "assessed_by", "target").prefetch_related(
        Prefetch("evidence", queryset=evidence_of(public_only=public_only))
    )


def latest_status_prefetch(to_attr: str = "local_status") -> Prefetch:
    """Prefetch each activity's latest published assessment in each place onto ``to_attr``.

    Ordered by district code, then municipality, with the assessments naming no place first.
    Three queries for any number of activities: the assessments, their evidence and nothing
    else (places, assessor and the evidence's records are joined).
    """
    latest = (
        LocalAssessment.objects.published().latest_per_place()
        .order_by("district__code", "municipality__name_az", "-assessed_on", "-pk")
    )
    return Prefetch("local_assessments", queryset=_shown(latest), to_attr=to_attr)


def published_history(activity: Activity) -> list[LocalAssessment]:
    """The activity's published assessments, newest first (two queries)."""
    return list(
        _shown(activity.local_assessments.published()).order_by("-assessed_on", "district__code", "-pk")
    )


def unpublished_for(user, activity: Activity) -> list[LocalAssessment]:
    """The activity's drafts and reviewed assessments that ``user`` may work on (none for the
    public), newest first."""
    drafts = policy.editable_assessments(user, activity.local_assessments.exclude(status=Status.PUBLISHED))
    return list(drafts.select_related("district", "municipality", "target", "assessed_by").order_by("-assessed_on", "-pk"))


def shown_assessment(user, pk: int) -> LocalAssessment | None:
    """The assessment ``pk`` with what its page shows, if ``user`` may see it (else None)."""
    queryset = policy.visible_assessments(user, LocalAssessment.objects.all())
    return queryset.select_related(
        "activity__plan", "target", "district", "municipality", "assessed_by", "assessed_by_user", "reviewed_by",
    ).filter(pk=pk).first()


def evidence_shown(assessment: LocalAssessment, *, everything: bool) -> list[AssessmentEvidence]:
    """The assessment's evidence, each row marked ``is_public`` and with its ``kind_label``: all
    of it for those who may edit the assessment (``everything``), only the public part for the
    others (two queries)."""
    public = set(evidence_of(public_only=True).filter(assessment=assessment).values_list("pk", flat=True))
    links = list(evidence_of(public_only=False).filter(assessment=assessment))
    for link in links:
        link.is_public = link.pk in public
        link.kind_label = AssessmentEvidence.Kind(link.kind).label
    return links if everything else [link for link in links if link.is_public]


def work_list(user, *, status: str = "", plan=None) -> QuerySet:
    """The assessments ``user`` may edit, drafts first, then reviewed, then published; the
    newest change first within each (the staff's list)."""
    queryset = policy.editable_assessments(user, LocalAssessment.objects.all())
    if status:
        queryset = queryset.filter(status=status)
    if plan is not None:
        queryset = queryset.filter(activity__plan=plan)
    order = Case(
        *(When(status=value, then=Value(rank)) for rank, value in enumerate(Status.values)),
        output_field=IntegerField(),
    )
    return queryset.select_related("activity__plan", "target", "district", "municipality", "assessed_by").order_by(
        order, "-updated_at", "-pk"
    )


def allowed_actions(user, assessment: LocalAssessment) -> list[str]:
    """The review steps ``user`` may take on ``assessment`` now, in :data:`TRANSITIONS` order."""
    if not policy.can_review_assessment(user, assessment):
        return []
    return [action for action, (sources, _target) in TRANSITIONS.items() if assessment.status in sources]


@dataclass(frozen=True)
class LevelCount:
    """How many activity × places stand at one completion level, of ``total``."""

    completion: str
    label: str
    count: int
    total: int

    @property
    def percent(self) -> float | None:
        return 100 * self.count / self.total if self.total else None

    @property
    def width(self) -> str:
        """The bar segment's width for a ``style`` attribute: a dot decimal in every language."""
        return f"{self.percent or 0:.2f}"


def completion_counts(assessments, *, with_zeros: bool = False) -> list[LevelCount]:
    """How many of ``assessments`` stand at each level of the scale, in the scale's order; the
    levels reached by none are left out unless ``with_zeros`` (a table shows the zeros too)."""
    counts = Counter(assessment.completion for assessment in assessments)
    total = sum(counts.values())
    return [
        LevelCount(value, str(label), counts[value], total)
        for value, label in Completion.choices if with_zeros or counts[value]
    ]


# --- Evidence the form offers -------------------------------------------------------------------


@dataclass(frozen=True)
class Candidates:
    """Records offered as evidence: those linked to the activity first, then others."""

    linked: list
    others: list


def _split(queryset: QuerySet, linked: Q) -> Candidates:
    """``queryset`` split into the records matching ``linked`` and (at most
    :data:`OTHER_CHOICES_LIMIT` of) the rest, two queries."""
    linked_records = list(queryset.filter(linked).distinct())
    others = list(queryset.exclude(pk__in=[record.pk for record in linked_records]).distinct()[:OTHER_CHOICES_LIMIT])
    return Candidates(linked_records, others)


def evidence_candidates(user, activity: Activity) -> dict[str, Candidates]:
    """What ``user`` may link as evidence of an assessment of ``activity``, by kind.

    Survey indicators of the studies the user may see, linked to the activity or of the user's
    organisation's studies; events and proposals the user may see, linked to the activity or
    kept by the user's organisation; disclosure records of items linked to the activity, then
    the latest others. Each list is kept to what a select can offer.
    """
    Indicator = apps.get_model("findings", "Indicator")
    Study = apps.get_model("surveys", "Study")
    Event = apps.get_model("engagement", "Event")
    Proposal = apps.get_model("engagement", "Proposal")
    Publication = apps.get_model("disclosure", "Publication")
    own = user.organization_id or 0  # 0 matches no organisation

    indicators = Indicator.objects.filter(study__in=policy.visible_studies(user, Study.objects.all())).filter(
        Q(nap_activity=activity) | Q(study__organization_id=own)
    ).select_related("study").order_by("study__slug", "position", "code")
    events = policy.visible_engagement(user, Event.objects.all(), municipality_field="municipality").filter(
        Q(activities=activity) | Q(organization_id=own)
    ).order_by("-date", "-pk")
    proposals = policy.visible_engagement(user, Proposal.objects.all(), municipality_field="addressee").filter(
        Q(activity=activity) | Q(organization_id=own)
    ).select_related("addressee").order_by("-number")
    publications = Publication.objects.select_related("organization", "item").order_by("-published_on", "-pk")
    return {
        "indicator": _split(indicators, Q(nap_activity=activity)),
        "event": _split(events, Q(activities=activity)),
        "proposal": _split(proposals, Q(activity=activity)),
        "publication": _split(publications, Q(item__activities=activity)),
    }


# --- Changing -----------------------------------------------------------------------------------


def _new_evidence(assessment: LocalAssessment, item: dict, position: int) -> AssessmentEvidence:
    """An evidence row made from ``item`` (see :func:`save_assessment`), validated, not saved.

    Errors are keyed by the kind of evidence ("indicator", "document", "url"…), so a form with
    a field of that name shows them there.
    """
    unknown = set(item) - {*AssessmentEvidence.RECORD_FIELDS, "document", "url", "title_az", "title_en"}
    if unknown:
        raise TypeError(f"evidence does not take {sorted(unknown)}")
    link = AssessmentEvidence(assessment=assessment, position=position)
    for name in AssessmentEvidence.RECORD_FIELDS:
        value = item.get(name)
        if isinstance(value, Model):
            setattr(link, name, value)
        elif value not in (None, ""):
            setattr(link, f"{name}_id", value)
    link.url = item.get("url", "") or ""
    link.title_az = item.get("title_az", "") or ""
    link.title_en = item.get("title_en", "") or ""
    kinds = (*AssessmentEvidence.RECORD_FIELDS, "document", "url")
    kind = next((name for name in kinds if item.get(name) not in (None, "")), "url")
    try:
        upload = item.get("document")
        if isinstance(upload, UploadedFile):
            check_upload(upload, DOCUMENT)  # a stored file (kept by name) was checked when it came
        if upload:
            link.document = upload
        link.full_clean(exclude=["assessment"])
    except ValidationError as error:
        raise ValidationError({kind: error.messages}) from None
    return link


def _save_evidence(assessment: LocalAssessment, evidence: list) -> None:
    """Make ``evidence`` the assessment's, in this order: rows of the assessment in the list are
    kept (moved to their new position), dicts become new rows, rows not in the list are deleted.
    Saved one row at a time so that the audit log records each."""
    kept, new = [], []
    for position, item in enumerate(evidence):
        if isinstance(item, AssessmentEvidence):
            if item.assessment_id != assessment.pk:
                raise ValueError("evidence of another assessment")
            item.position = position
            kept.append(item)
        else:
            new.append(_new_evidence(assessment, item, position))
    assessment.evidence.exclude(pk__in=[link.pk for link in kept]).delete()
    for link in kept:
        link.save(update_fields=["position"])
    for link in new:
        link.save()


def save_assessment(assessment: LocalAssessment, user=None, *, evidence: list | None = None) -> LocalAssessment:
    """Validate and save ``assessment``; with ``evidence``, make that its evidence, all or nothing.

    ``evidence`` lists, in order, the assessment's own :class:`AssessmentEvidence` rows to keep
    and dicts for new ones, each with exactly one of ``indicator``, ``event``, ``proposal``,
    ``publication`` (a record or its id), ``document`` (an uploaded file, checked as a document,
    or a stored file's name) or ``url``, and ``title_az``/``title_en`` (required for a document
    or a link). Rows left out are deleted.

    A person (``user``) saves a new assessment as a draft, in their name (``assessed_by_user``);
    saving a reviewed one sends it back to draft (what was reviewed changed); a published one is
    refused (:class:`AssessmentError`): return it to draft first, or assess again on a new date.
    The system (``user`` None: the demo, imports) saves the status it is given, for records
    reviewed outside ogmonitor. Raises :class:`ValidationError` having written nothing.
    """
    creating = assessment.pk is None
    person = user is not None and getattr(user, "is_authenticated", False)
    with transaction.atomic():
        if not creating:
            stored = LocalAssessment.objects.select_for_update().values_list("status", flat=True).get(pk=assessment.pk)
            if person and stored == Status.PUBLISHED:
                raise AssessmentError(_(
                    "A published assessment is not changed. Return it to draft first, or record a new assessment."
                ))
        if person:
            if creating:
                assessment.assessed_by_user = user
            assessment.status = Status.DRAFT
            assessment.reviewed_by, assessment.reviewed_at, assessment.published_at = None, None, None
        if assessment.status == Status.PUBLISHED and assessment.published_at is None:
            assessment.published_at = timezone.now()
        assessment.full_clean()
        assessment.save()
        if evidence is not None:
            _save_evidence(assessment, evidence)
    logger.info(
        "Assessment %s of activity %s %s by %s", assessment.pk, assessment.activity_id,
        "created" if creating else "changed", actor_label(user),
    )
    return assessment


def _refusal(current: str, action: str) -> AssessmentError:
    messages = {
        "review": _("Only a draft can be marked reviewed; this assessment is “%(status)s”."),
        "publish": _("Only a reviewed assessment can be published; this one is “%(status)s”."),
        "withdraw": _("Only a reviewed or published assessment can be returned to draft; this one is “%(status)s”."),
    }
    return AssessmentError(messages[action] % {"status": Status(current).label})


def _check_evidence_is_public(assessment: LocalAssessment) -> None:
    """Refuse publishing while evidence links a record the public cannot see (naming them)."""
    private = evidence_of(public_only=False).filter(assessment=assessment).exclude(public_evidence())
    names = [str(link.record) for link in private]
    if names:
        raise AssessmentError(_(
            "The public cannot see some of the evidence: %(records)s. Publish those records first, "
            "or remove them from the evidence."
        ) % {"records": "; ".join(names)})


def transition(assessment: LocalAssessment, action: str, user=None) -> LocalAssessment:
    """Take one review step: ``review`` (draft → reviewed), ``publish`` (reviewed → published) or
    ``withdraw`` (reviewed or published → draft, off the public pages).

    Decided on the stored status under a row lock, so two people cannot take the same step
    twice. Records who reviewed and when, and when it was published; returning to draft clears
    them (the audit log keeps the earlier values). Raises :class:`AssessmentError` for a step
    not allowed from the current status, and for publishing evidence the public cannot see.
    Whether ``user`` may take steps is the caller's question (:func:`allowed_actions`).
    """
    if action not in TRANSITIONS:
        raise AssessmentError(_("Unknown step: %(action)s.") % {"action": action})
    sources, target = TRANSITIONS[action]
    with transaction.atomic():
        current = LocalAssessment.objects.select_for_update().values_list("status", flat=True).get(pk=assessment.pk)
        if current not in sources:
            raise _refusal(current, action)
        now = timezone.now()
        if action == "review":
            assessment.reviewed_by, assessment.reviewed_at = (user if getattr(user, "is_authenticated", False) else None), now
        elif action == "publish":
            _check_evidence_is_public(assessment)
            assessment.published_at = now
        else:
            assessment.reviewed_by, assessment.reviewed_at, assessment.published_at = None, None, None
        assessment.status = target
        assessment.save(update_fields=["status", "reviewed_by", "reviewed_at", "published_at", "updated_at"])
    logger.info("Assessment %s: %s by %s", assessment.pk, action, actor_label(user))
    return assessment


@dataclass
class BatchResult:
    """What a step taken on many assessments did: how many moved, and why the others did not."""

    moved: int = 0
    refused: dict[str, list[str]] = field(default_factory=dict)  # assessment (as text) → messages


def transition_many(assessments: QuerySet, action: str, user=None) -> BatchResult:
    """Take ``action`` on each of ``assessments`` (the admin's actions), each in its own
    transaction: one refused does not hold back the others."""
    result = BatchResult()
    for assessment in assessments.select_related(None).select_related("activity", "target").order_by("pk"):
        try:
            transition(assessment, action, user)
        except AssessmentError as error:
            result.refused[str(assessment)] = error.messages
        else:
            result.moved += 1
    return result


def set_published(assessments: QuerySet, published: bool, user=None) -> int:
    """Publish (a draft is reviewed on the way) or return to draft the assessments of
    ``assessments``; returns how many changed. Those that cannot move (published evidence
    missing) are left as they are."""
    steps = {
        Status.DRAFT: ["review", "publish"], Status.REVIEWED: ["publish"], Status.PUBLISHED: [],
    } if published else {Status.DRAFT: [], Status.REVIEWED: ["withdraw"], Status.PUBLISHED: ["withdraw"]}
    changed = 0
    for assessment in assessments.select_related(None).order_by("pk"):
        todo = steps[assessment.status]
        if not todo:
            continue
        try:
            with transaction.atomic():
                for action in todo:
                    transition(assessment, action, user)
        except AssessmentError:
            assessment.refresh_from_db()
            continue
        changed += 1
    return changed
