"""Dialogue platforms: vote results, who is a member on a given day, and the state changes
staff make (platform records, memberships, votes, adopted documents).

Each state change is one function, run in one transaction and logged with who did it (the
project has no audit table yet; the log line is its stand-in, as in the surveys services).
Views, the admin and the demo loader all go through these functions or the model rules they use.
"""

import datetime as dt
import logging
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from ogmonitor.lib.models import az_collated
from ogmonitor.places.models import Organization

from .models import DialoguePlatform, Membership, PlatformDocument, VoteEvent

logger = logging.getLogger(__name__)


def vote_result(yes: int, no: int, abstain: int, rule: str) -> str:
    """'pass' or 'fail' for the counts under ``rule`` (VoteEvent.Rule values).

    Abstentions count as votes cast for the absolute and two-thirds rules (they are people present
    who did not support the motion) and are ignored by the simple rule. Absent members never count.
    """
    cast = yes + no + abstain
    if rule == "simple":
        adopted = yes > no
    elif rule == "absolute":
        adopted = yes * 2 > cast
    elif rule == "two_thirds":
        adopted = cast > 0 and yes * 3 >= cast * 2
    else:
        raise ValueError(f"Unknown voting rule: {rule}")
    return "pass" if adopted else "fail"


# --- Who is a member ------------------------------------------------------------------------------


def in_force_on(on: dt.date) -> Q:
    """Memberships in force on ``on``: joined that day or before (or on a date not recorded), and
    not left by then. ``left_on`` is the first day the organisation is no longer a member, so a
    membership ended "on 1 June" no longer counts on 1 June."""
    return (Q(joined_on__isnull=True) | Q(joined_on__lte=on)) & (Q(left_on__isnull=True) | Q(left_on__gt=on))


def current_members(platform: DialoguePlatform, on: dt.date | None = None) -> QuerySet:
    """The platform's memberships in force on ``on`` (today by default), with their organisations,
    sorted by name in the active language (Azerbaijani collation)."""
    on = on or timezone.localdate()
    name_field = "organization__name_en" if (get_language() or "az")[:2] == "en" else "organization__name_az"
    return (
        platform.memberships.filter(in_force_on(on))
        .select_related("organization", "organization__district")
        .order_by(az_collated(name_field), "pk")
    )


def former_members(platform: DialoguePlatform, on: dt.date | None = None) -> QuerySet:
    """Memberships that had ended by ``on`` (today by default), most recently ended first."""
    on = on or timezone.localdate()
    return (
        platform.memberships.filter(left_on__lte=on)
        .select_related("organization")
        .order_by("-left_on", "organization__name_az", "pk")
    )


@dataclass(frozen=True)
class TypeCount:
    type: str
    label: str
    count: int


@dataclass(frozen=True)
class Composition:
    """How many member organisations of each type a platform has on one day."""

    counts: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def rows(self) -> list[TypeCount]:
        """Non-zero counts in the order organisation types are declared (municipalities first)."""
        return [
            TypeCount(value, str(label), self.counts[value])
            for value, label in Organization.Type.choices
            if self.counts.get(value)
        ]


def composition(platform: DialoguePlatform, on: dt.date | None = None) -> Composition:
    """Member organisations by type on ``on`` (today by default), counted in one query.

    An organisation is counted once even if it holds two memberships in force that day.
    """
    counted = (
        platform.memberships.filter(in_force_on(on or timezone.localdate()))
        .order_by()
        .values("organization__type")
        .annotate(number=Count("organization", distinct=True))
    )
    return Composition({row["organization__type"]: row["number"] for row in counted})


@dataclass(frozen=True)
class MemberGroup:
    label: str
    memberships: list[Membership]


def members_by_type(memberships) -> list[MemberGroup]:
    """Group memberships under their type's label, types in declaration order (as in
    :attr:`Composition.rows`), each group keeping the order it was given (by name)."""
    labels = dict(Organization.Type.choices)
    grouped: dict[str, list[Membership]] = {}
    for membership in memberships:
        grouped.setdefault(membership.organization.type, []).append(membership)
    order = {value: index for index, value in enumerate(Organization.Type.values)}
    return [
        MemberGroup(str(labels.get(kind, kind)), grouped[kind])
        for kind in sorted(grouped, key=lambda kind: order.get(kind, len(order)))
    ]


# --- State changes ------------------------------------------------------------------------------


def _log(action: str, platform: DialoguePlatform, user, detail: str = "") -> None:
    logger.info("Platform %s: %s by %s (%s)%s", platform.slug, action, user, getattr(user, "pk", None),
                f": {detail}" if detail else "")


@transaction.atomic
def save_platform(platform: DialoguePlatform, user) -> DialoguePlatform:
    """Create or update a platform record (the caller has checked the user may)."""
    created = platform.pk is None
    platform.full_clean()
    platform.save()
    _log("created" if created else "changed", platform, user)
    return platform


@transaction.atomic
def add_membership(
    platform: DialoguePlatform, organization: Organization, user, *,
    role: str = Membership.Role.MEMBER, joined_on: dt.date | None = None,
) -> Membership:
    """Make ``organization`` a member from ``joined_on``.

    Refused while it already holds a membership that has not ended: a second open membership
    would count the organisation twice in every list and make "who left when" ambiguous.
    """
    if platform.memberships.filter(organization=organization, left_on__isnull=True).exists():
        raise ValidationError(
            _("%(organization)s is already a member of this platform. End that membership first.")
            % {"organization": organization}
        )
    membership = Membership(platform=platform, organization=organization, role=role, joined_on=joined_on)
    membership.full_clean()
    membership.save()
    _log("member added", platform, user, f"{organization.slug} as {role} from {joined_on}")
    return membership


@transaction.atomic
def end_membership(membership: Membership, left_on: dt.date, user) -> Membership:
    """End a membership on ``left_on`` (the first day it no longer counts)."""
    if membership.left_on is not None:
        raise ValidationError(_("This membership already ended on %(date)s.") % {"date": membership.left_on})
    if membership.joined_on and left_on < membership.joined_on:
        raise ValidationError(_("A membership cannot end before the organisation joined."))
    membership.left_on = left_on
    membership.save(update_fields=["left_on"])
    _log("membership ended", membership.platform, user, f"{membership.organization.slug} on {left_on}")
    return membership


@transaction.atomic
def record_vote(vote: VoteEvent, user, *, entered_result: str = "") -> VoteEvent:
    """Save a vote of its platform. With counts, the result is computed by :func:`vote_result`
    (in ``VoteEvent.save``); when the source gives no counts the result must be entered
    (``entered_result``, or already set on the vote)."""
    if vote.counts_unknown:
        result = entered_result or vote.result
        if result not in VoteEvent.Result.values:
            raise ValidationError(_("The counts were not published: enter the result the source reports."))
        vote.result = result
    vote.save()
    _log("vote recorded", vote.platform, user, f"{vote.date} {vote.result}")
    return vote


@transaction.atomic
def add_document(document: PlatformDocument, user) -> PlatformDocument:
    """Save a document of its platform. The vote must be one of the same platform; a document a
    vote adopted takes the vote's date unless another adoption date is given."""
    if document.vote is not None:
        if document.vote.platform_id != document.platform_id:
            raise ValidationError(_("The vote belongs to another platform."))
        if document.adopted_on is None and document.vote.result == VoteEvent.Result.PASS:
            document.adopted_on = document.vote.date
    document.full_clean()
    document.save()
    _log("document added", document.platform, user, f"{document.kind} {document.adopted_on}")
    return document
