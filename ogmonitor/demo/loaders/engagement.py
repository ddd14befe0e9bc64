"""Demo engagement: how the 2020–2022 plan was drafted (2019–2020 chronology), the 2017 Sabirabad
local dialogue platform, and the 2022 project's planned consultations and workshops.

Everything is keyed on natural keys, so loading again changes nothing: events and platforms by
slug, a source by its event and address, a membership by platform, organisation and joining
date, a vote by platform, date and English motion, a document by platform, kind and English
title. Organisations the files need but no other data file creates are created when missing
(by slug) and never changed afterwards, so the organisation files of places stay authoritative.

The files are read in three passes because platforms and events point at each other: a
platform's founding event is one of its meetings, and a meeting names its platform.
"""

import datetime as dt

from django.db import transaction

from ogmonitor.engagement.models import (
    DialoguePlatform,
    Event,
    EventSource,
    Membership,
    PlatformDocument,
    VoteEvent,
)
from ogmonitor.places.models import Community, District, Organization
from ogmonitor.plans.models import ActionPlan

from .common import DemoDataError, format_translated, read_json, translated

ENGAGEMENT_FILES = [
    "engagement/chronology-2019-2020.json",
    "engagement/sabirabad-2017.json",
    "engagement/project-2022.json",
]

#: Translated event texts a data file may give (``title`` is required).
EVENT_TEXT_FIELDS = ["topic", "summary", "agenda", "outcome"]


@transaction.atomic
def load_engagement() -> None:
    """The engagement files (places, plans and the organisations they name must be loaded first)."""
    load_organizations(read_json("engagement/organizations.json"))
    files = [read_json(name) for name in ENGAGEMENT_FILES]
    for data in files:
        for entry in data.get("platforms", []):
            save_platform(entry)
    for data in files:
        defaults = data.get("defaults", {})
        for entry in [*data.get("events", []), *expand_series(data.get("series", []))]:
            save_event({**defaults, **entry})
    for data in files:
        for entry in data.get("platforms", []):
            save_platform_parts(entry)


# --- Lookups that fail loudly ---------------------------------------------------------------------


def by_key(model, what: str, **key):
    try:
        return model.objects.get(**key)
    except model.DoesNotExist:
        raise DemoDataError(f"no {what} with {key}") from None


def optional(model, what: str, field: str, value):
    return by_key(model, what, **{field: value}) if value else None


def checked(value: str, choices, what: str) -> str:
    if value not in choices.values:
        raise DemoDataError(f"unknown {what} {value!r}")
    return value


def day(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def texts(entry: dict, fields: list[str]) -> dict:
    """Translated model fields for those of ``fields`` the entry gives; the others are blank."""
    values = {}
    for field in fields:
        values.update(translated(field, entry.get(field) or {"az": "", "en": ""}))
    return values


# --- Organisations ----------------------------------------------------------------------------------


def load_organizations(data: dict) -> None:
    """Create the organisations the engagement files name that no other file creates."""
    for entry in data["organizations"]:
        create_missing_organization(
            entry["slug"],
            type=checked(entry["type"], Organization.Type, "organisation type"),
            name=entry["name"],
            is_demo=entry["is_demo"],
            short_name=entry.get("short_name", ""),
            website=entry.get("website", ""),
            district=optional(District, "district", "code", entry.get("district")),
        )
    councils = data["community_councils"]
    for slug in councils["communities"]:
        community = by_key(Community, "community", slug=slug)
        create_missing_organization(
            f"{community.slug}-cdc",
            type=Organization.Type.COMMUNITY_COUNCIL,
            name=format_translated(councils["name"], community_az=community.name_az, community_en=community.name_en),
            is_demo=True,  # the councils of invented communities are invented too
            community=community,
            district=community.district,
        )


def create_missing_organization(slug: str, *, type: str, name: dict, **fields) -> Organization:
    organization, _created = Organization.objects.get_or_create(
        slug=slug, defaults={"type": type, **translated("name", name), **fields}
    )
    return organization


# --- Events -----------------------------------------------------------------------------------------


def expand_series(series_list: list[dict]):
    """One event entry per municipality and date of each series' schedule (see project-2022.json)."""
    for series in series_list:
        template = {key: value for key, value in series.items() if key != "schedule"}
        for item in series["schedule"]:
            municipality = by_key(Organization, "municipality", slug=item["municipality"], type=Organization.Type.MUNICIPALITY)
            if municipality.community is None:
                raise DemoDataError(f"{municipality.slug}: a series municipality needs its community")
            for number, date in enumerate(item["dates"], 1):
                values = {
                    "round": number,
                    "community": municipality.community.slug,
                    "municipality_az": municipality.name_az,
                    "municipality_en": municipality.name_en,
                }
                yield {
                    **template,
                    "slug": template["slug"].format(**values),
                    "date": date,
                    "municipality": municipality.slug,
                    "community": municipality.community.slug,
                    **{
                        field: format_translated(template[field], **values)
                        for field in ["title", *EVENT_TEXT_FIELDS]
                        if field in template
                    },
                }


def save_event(entry: dict) -> Event:
    """One event with its organisers and numbered sources, keyed on its slug."""
    slug = entry["slug"]
    event, _created = Event.objects.update_or_create(
        slug=slug,
        defaults={
            "type": checked(entry["type"], Event.Type, f"{slug}: event type"),
            "status": checked(entry.get("status", Event.Status.HELD), Event.Status, f"{slug}: status"),
            "format": checked(entry.get("format", Event.Format.OFFLINE), Event.Format, f"{slug}: format"),
            "date": day(entry["date"]),
            "time": dt.time.fromisoformat(entry["time"]) if entry.get("time") else None,
            "end_date": day(entry.get("end_date")),
            "place": entry.get("place", ""),
            "district": optional(District, "district", "code", entry.get("district")),
            "community": optional(Community, "community", "slug", entry.get("community")),
            "municipality": optional(Organization, "municipality", "slug", entry.get("municipality")),
            "organization": optional(Organization, "organisation", "slug", entry.get("recorded_by")),
            "plan": optional(ActionPlan, "plan", "slug", entry.get("plan")),
            "platform": optional(DialoguePlatform, "platform", "slug", entry.get("platform")),
            **translated("title", entry["title"]),
            **texts(entry, EVENT_TEXT_FIELDS),
            "is_published": entry.get("is_published", True),
            "is_demo": entry.get("is_demo", False),
        },
    )
    event.organizers.set([by_key(Organization, "organiser", slug=key) for key in entry.get("organizers", [])])
    for position, source in enumerate(entry.get("sources", []), 1):
        EventSource.objects.update_or_create(
            event=event,
            url=source["url"],
            defaults={
                "footnote": source.get("footnote"),
                "position": position,
                "title": source.get("title", ""),
                "published_on": day(source.get("published_on")),
            },
        )
    return event


# --- Platforms --------------------------------------------------------------------------------------


def save_platform(entry: dict) -> DialoguePlatform:
    """The platform's own fields; its founding event, members, votes and documents come later."""
    platform, _created = DialoguePlatform.objects.update_or_create(
        slug=entry["slug"],
        defaults={
            **translated("name", entry["name"]),
            **texts(entry, ["description"]),
            "level": checked(entry["level"], DialoguePlatform.Level, f"{entry['slug']}: level"),
            "district": optional(District, "district", "code", entry.get("district")),
            "founded_on": day(entry.get("founded_on")),
            "website": entry.get("website", ""),
            "is_published": entry.get("is_published", True),
            "is_demo": entry.get("is_demo", False),
        },
    )
    return platform


def membership_entries(value) -> list[dict]:
    """A platform's memberships: a list of ``{"organization", "role", "joined_on"…}``, or one
    group ``{"organizations": [...], "role", "joined_on"}`` for many who joined alike."""
    if isinstance(value, dict):
        shared = {key: item for key, item in value.items() if key != "organizations"}
        return [{**shared, "organization": slug} for slug in value["organizations"]]
    return value or []


def save_platform_parts(entry: dict) -> None:
    platform = DialoguePlatform.objects.get(slug=entry["slug"])
    founding_event = optional(Event, "founding event", "slug", entry.get("founding_event"))
    if platform.founding_event != founding_event:
        platform.founding_event = founding_event
        platform.save(update_fields=["founding_event"])
    for membership in membership_entries(entry.get("memberships")):
        Membership.objects.update_or_create(
            platform=platform,
            organization=by_key(Organization, "member organisation", slug=membership["organization"]),
            joined_on=day(membership.get("joined_on")),
            defaults={
                "role": checked(membership.get("role", Membership.Role.MEMBER), Membership.Role, "membership role"),
                "left_on": day(membership.get("left_on")),
            },
        )
    votes = {vote["key"]: save_vote(platform, vote) for vote in entry.get("votes", [])}
    for document in entry.get("documents", []):
        if document.get("vote") and document["vote"] not in votes:
            raise DemoDataError(f"{platform.slug}: document refers to unknown vote {document['vote']!r}")
        names = translated("title", document["title"])
        PlatformDocument.objects.update_or_create(
            platform=platform,
            kind=checked(document["kind"], PlatformDocument.Kind, "document kind"),
            title_en=names["title_en"],
            defaults={
                "title_az": names["title_az"],
                "vote": votes.get(document.get("vote")),
                "adopted_on": day(document.get("adopted_on")),
                "plan": optional(ActionPlan, "plan", "slug", document.get("plan")),
                "url": document.get("url", ""),
            },
        )


def save_vote(platform: DialoguePlatform, entry: dict) -> VoteEvent:
    """A vote; without published counts its result is the one the source reports."""
    motion = translated("motion", entry["motion"])
    counts_unknown = entry.get("counts_unknown", False)
    fields = {
        "motion_az": motion["motion_az"],
        "event": optional(Event, "event", "slug", entry.get("event")),
        "yes": entry.get("yes", 0),
        "no": entry.get("no", 0),
        "abstain": entry.get("abstain", 0),
        "absent": entry.get("absent", 0),
        "rule": checked(entry.get("rule", VoteEvent.Rule.SIMPLE_MAJORITY), VoteEvent.Rule, "voting rule"),
        "counts_unknown": counts_unknown,
    }
    if counts_unknown:
        fields["result"] = checked(entry.get("result", ""), VoteEvent.Result, f"{platform.slug}: reported result")
    vote, _created = VoteEvent.objects.update_or_create(
        platform=platform, date=day(entry["date"]), motion_en=motion["motion_en"], defaults=fields
    )
    return vote
