"""Demo proactive disclosure: the checklist, the 2022 project's months, and invented publications.

Reads ``data/disclosure/checklist.json`` (categories, items with the plan activities each shows,
periods) and ``data/disclosure/publications.json`` (each organisation's publications, as dates
or schedules).
Keyed on natural keys (category and item codes, a period's dates, a publication's organisation,
item and date), so loading twice changes nothing. The publications (some 400 rows) are written
with one bulk insert and one bulk update rather than through ``services.record_publication`` one
by one: it would mean a transaction and an audit log line per invented row for no added check
(the loader checks here what the service would: the item applies, the date is not in the future).
"""

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from ogmonitor.accounts.models import User
from ogmonitor.disclosure.models import Category, Item, Period, Publication
from ogmonitor.disclosure.services import check_item_applies
from ogmonitor.places.models import Organization
from ogmonitor.plans.models import ActionPlan, Activity

from .common import DemoDataError, read_json, translated

#: Days after a publication the demo coordinator verified it.
VERIFIED_AFTER_DAYS = 3
_COMPARED = ("channel", "url", "title", "verified_by_id", "verified_on")


@transaction.atomic
def load_disclosure() -> None:
    """Checklist, periods and demo publications (after places and users: it refers to both)."""
    checklist = read_json("disclosure/checklist.json")
    items = load_checklist(checklist["categories"])
    link_activities(checklist["nap_plan"], checklist["categories"], items)
    load_periods(checklist["periods"])
    publications = read_json("disclosure/publications.json")
    load_publications(
        publications["organizations"], items, dt.date.fromisoformat(publications["verification_starts_on"])
    )


def load_checklist(categories: list[dict]) -> dict[str, tuple[Item, str]]:
    """Categories and their items, in file order; returns code → (item, title template)."""
    items: dict[str, tuple[Item, str]] = {}
    for category_position, entry in enumerate(categories, start=1):
        category, _created = Category.objects.update_or_create(
            code=entry["code"], defaults={"position": category_position, **translated("name", entry["name"])}
        )
        for position, item_entry in enumerate(entry["items"], start=1):
            if item_entry["applies_to"] not in Item.AppliesTo.values:
                raise DemoDataError(f"{item_entry['code']}: unknown applies_to {item_entry['applies_to']!r}")
            item, _created = Item.objects.update_or_create(
                code=item_entry["code"],
                defaults={
                    "category": category,
                    "position": position,
                    "weight": Decimal(str(item_entry["weight"])),
                    "current_for_days": item_entry["current_for_days"],
                    "applies_to": item_entry["applies_to"],
                    "is_active": True,
                    **translated("name", item_entry["name"]),
                    **translated("description", item_entry.get("description")),
                },
            )
            items[item.code] = (item, item_entry["title"])
    return items


def link_activities(plan_slug: str, categories: list[dict], items: dict[str, tuple[Item, str]]) -> None:
    """Link each item to the activities of plan ``plan_slug`` it names (``nap_activities``, by
    number), which must involve municipalities.

    Without the plan (the disclosure demo loaded on its own, before or without the plans) the
    items stay unlinked; with it, a number it lacks is a :class:`DemoDataError`.
    """
    plan = ActionPlan.objects.filter(slug=plan_slug).first()
    if plan is None:
        return
    wanted = {
        item_entry["code"]: item_entry.get("nap_activities", [])
        for entry in categories for item_entry in entry["items"]
    }
    named = {number for numbers in wanted.values() for number in numbers}
    activities = {activity.number: activity for activity in Activity.objects.filter(plan=plan, number__in=named)}
    for code, numbers in wanted.items():
        for number in numbers:
            if number not in activities:
                raise DemoDataError(f"disclosure item {code}: no activity {number} in plan {plan_slug} (load_plans first)")
            if not activities[number].involves_municipalities:
                raise DemoDataError(f"disclosure item {code}: activity {number} of {plan_slug} does not involve municipalities")
        items[code][0].activities.set([activities[number] for number in numbers])


def load_periods(periods: list[dict]) -> None:
    for entry in periods:
        Period.objects.update_or_create(
            starts_on=dt.date.fromisoformat(entry["starts_on"]),
            ends_on=dt.date.fromisoformat(entry["ends_on"]),
            defaults=translated("name", entry["name"]),
        )


def publication_dates(entry: dict) -> list[dt.date]:
    """The dates an entry lists ('on'), or its schedule: 'from', then every 'every' days 'until'."""
    if "on" in entry:
        return [dt.date.fromisoformat(day) for day in entry["on"]]
    day, until = dt.date.fromisoformat(entry["from"]), dt.date.fromisoformat(entry["until"])
    step = dt.timedelta(days=entry["every"])
    dates = []
    while day <= until:
        dates.append(day)
        day += step
    return dates


def invented_url(organization: Organization, channel: str, item: Item, day: dt.date) -> str:
    """A link on the reserved example.org domain: plausible in shape, obviously not real."""
    if channel == Publication.Channel.SOCIAL_MEDIA:
        return f"https://social.example.org/{organization.slug}/posts/{day:%Y%m%d}-{item.code}"
    if channel == Publication.Channel.WEBSITE:
        return f"https://{organization.slug}.example.org/{item.code}/{day:%Y-%m-%d}"
    return ""


def load_publications(entries: list[dict], items: dict[str, tuple[Item, str]], verification_starts_on: dt.date) -> None:
    """Each organisation's publications, created or updated in bulk (keyed on organisation, item, date)."""
    verifier = User.objects.filter(username="coordinator").first()
    organizations = Organization.objects.in_bulk([entry["organization"] for entry in entries], field_name="slug")
    wanted: dict[tuple[int, int, dt.date], dict] = {}
    today = timezone.localdate()
    for entry in entries:
        organization = organizations.get(entry["organization"])
        if organization is None:
            raise DemoDataError(f"disclosure: no organisation {entry['organization']!r} (load_places first)")
        verified_through = entry.get("verified_through")
        verified_through = dt.date.fromisoformat(verified_through) if verified_through else None
        for publication in entry["publications"]:
            if publication["item"] not in items:
                raise DemoDataError(f"{organization.slug}: no checklist item {publication['item']!r}")
            item, title = items[publication["item"]]
            try:
                check_item_applies(item, organization)
            except ValidationError as error:
                raise DemoDataError(f"{organization.slug}: {'; '.join(error.messages)}") from None
            channel = publication.get("channel", Publication.Channel.SOCIAL_MEDIA)
            for day in publication_dates(publication):
                if day > today:
                    raise DemoDataError(f"{organization.slug}: {item.code} dated {day}, in the future")
                verified = verifier is not None and verified_through is not None and day <= verified_through
                wanted[(organization.pk, item.pk, day)] = {
                    "channel": channel,
                    "url": invented_url(organization, channel, item, day),
                    "title": title.format(date=day.strftime("%d.%m.%Y")),
                    "verified_by_id": verifier.pk if verified else None,
                    "verified_on": (
                        max(day + dt.timedelta(days=VERIFIED_AFTER_DAYS), verification_starts_on) if verified else None
                    ),
                }

    existing = {
        (publication.organization_id, publication.item_id, publication.published_on): publication
        for publication in Publication.objects.filter(is_demo=True, organization__in=organizations.values())
    }
    to_create, to_update = [], []
    for (organization_id, item_id, day), fields in wanted.items():
        publication = existing.get((organization_id, item_id, day))
        if publication is None:
            to_create.append(Publication(
                organization_id=organization_id, item_id=item_id, published_on=day, is_demo=True, **fields
            ))
        elif any(getattr(publication, name) != value for name, value in fields.items()):
            for name, value in fields.items():
                setattr(publication, name, value)
            to_update.append(publication)
    Publication.objects.bulk_create(to_create)
    Publication.objects.bulk_update(to_update, list(_COMPARED))
