"""State changes of proactive disclosure: recording a publication and verifying it.

Views, the admin and commands call these functions; the callers check access with
:mod:`ogmonitor.accounts.policy` (``can_record_publication``, ``can_verify_publication``). Each
runs in one transaction and logs who did what (the project has no audit table yet; the log line
is its stand-in, as in the other apps' services).
"""

import datetime as dt
import logging

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .index import applies_to_values
from .models import Item, Publication

logger = logging.getLogger(__name__)


def check_item_applies(item: Item, organization) -> None:
    """Raise ValidationError unless ``item`` is an active checklist item for ``organization``."""
    if not item.is_active:
        raise ValidationError(_("“%(item)s” is no longer in the checklist.") % {"item": item.name}, code="inactive")
    if item.applies_to not in applies_to_values(organization.type):
        raise ValidationError(
            _("“%(item)s” is not expected from %(organization)s.") % {"item": item.name, "organization": organization.name},
            code="not_applicable",
        )


def record_publication(
    organization,
    item: Item,
    user,
    *,
    published_on: dt.date,
    channel: str = Publication.Channel.SOCIAL_MEDIA,
    url: str = "",
    title: str = "",
    verified: bool = False,
) -> Publication:
    """Record that ``organization`` published ``item``; ``verified`` also marks it checked by ``user``.

    Sending the same record twice (a double click, a retried request on a bad connection)
    returns the first one instead of counting the publication twice.
    """
    check_item_applies(item, organization)
    if published_on > timezone.localdate():
        raise ValidationError(_("The date of publication cannot be in the future."), code="future")
    with transaction.atomic():
        publication = Publication.objects.filter(
            organization=organization, item=item, published_on=published_on, channel=channel, url=url, title=title
        ).first()
        created = publication is None
        if created:
            publication = Publication.objects.create(
                organization=organization,
                item=item,
                published_on=published_on,
                channel=channel,
                url=url,
                title=title,
                recorded_by=user if getattr(user, "is_authenticated", False) else None,
            )
        if verified and publication.verified_by_id is None:
            _mark_verified(publication, user)
    if created:
        logger.info(
            "Audit: %s recorded publication %s of %s by %s (%s)",
            user or "system", publication.pk, item.code, organization.slug, published_on,
        )
    return publication


def verify_publication(publication: Publication, user, on: dt.date | None = None) -> Publication:
    """Mark ``publication`` as checked by ``user`` (the monitoring NGO), on ``on`` or today."""
    with transaction.atomic():
        _mark_verified(publication, user, on)
    return publication


def _mark_verified(publication: Publication, user, on: dt.date | None = None) -> None:
    publication.verified_by = user
    publication.verified_on = on or timezone.localdate()
    publication.save(update_fields=["verified_by", "verified_on"])
    logger.info("Audit: %s verified publication %s of %s", user, publication.pk, publication.organization_id)
