"""Demo plans: the three National Action Plans, placeholders where the official text is missing.

Each plan is one file under ``data/plans/``. An area lists the activities whose text is known and
says how many placeholder activities follow them (``placeholder_activities``), the first
``municipal_placeholders`` of which are flagged as involving municipalities. Generating the
placeholders keeps the files short and makes the counts (58 activities, 25 municipal…) visible
as numbers rather than as dozens of identical lines.
"""

import datetime
import itertools

from django.db import transaction

from ogmonitor.places.models import Organization
from ogmonitor.plans import progress
from ogmonitor.plans.models import ActionPlan, Activity, Area

from .common import DemoDataError, format_translated, read_json, translated

PLAN_FILES = ["plans/nap-2012-2015.json", "plans/nap-2016-2018.json", "plans/nap-2020-2022.json"]

#: Translated activity fields a data file may give, besides the title.
ACTIVITY_TEXT_FIELDS = ["description", "executors_text", "participants", "deadline_text"]


@transaction.atomic
def load_plans() -> None:
    """The plans in PLAN_FILES (the organisations they name must be loaded first)."""
    for name in PLAN_FILES:
        load_plan(read_json(name))


def load_plan(data: dict) -> ActionPlan:
    """One plan with its areas and activities, keyed on the plan's slug and the numbers."""
    areas = [area_with_placeholders(entry) for entry in data["areas"]]
    has_placeholders = any(
        area["is_placeholder"] or any_placeholder(area["activities"]) for area in areas
    )
    plan, _created = ActionPlan.objects.update_or_create(
        slug=data["slug"],
        defaults={
            **translated("title", data["title"]),
            **translated("approved_by", data["approved_by"]),
            **translated("summary", data["summary"]),
            "start_year": data["start_year"],
            "end_year": data["end_year"],
            "approved_on": datetime.date.fromisoformat(data["approved_on"]),
            "source_url": data.get("source_url", ""),
            "is_demo": has_placeholders,
        },
    )
    placeholders = data["placeholders"]
    with progress.held():  # one recomputation for the whole plan, not one per activity saved
        for entry in areas:
            title = entry.get("title") or format_translated(
                placeholders["area_title"], area=entry["number"]
            )
            area, _created = Area.objects.update_or_create(
                plan=plan,
                number=entry["number"],
                defaults={**translated("title", title), "is_placeholder": entry["is_placeholder"]},
            )
            for activity in entry["activities"]:
                save_activity(plan, area, activity, placeholders)
    progress.recompute_plan_fully(plan)
    return plan


def area_with_placeholders(entry: dict) -> dict:
    """The area's data with its placeholder activities appended, numbered after the known ones."""
    known = entry.get("activities", [])
    count = entry.get("placeholder_activities", 0)
    municipal = entry.get("municipal_placeholders", 0)
    if municipal > count:
        raise DemoDataError(
            f"area {entry['number']}: {municipal} municipal placeholders of {count}"
        )
    placeholders = [
        {"number": number, "is_placeholder": True, "involves_municipalities": index < municipal}
        for index, number in enumerate(free_numbers(entry["number"], known, count))
    ]
    return {
        **entry,
        # An area without a title of its own gets the placeholder title.
        "is_placeholder": entry.get("is_placeholder", "title" not in entry),
        "activities": [*known, *placeholders],
    }


def free_numbers(area_number: int, known: list[dict], count: int) -> list[str]:
    """The first ``count`` activity numbers of the area (3.1, 3.2…) not taken by a known activity.

    So entering the official text of, say, 6.3 alone takes the place of placeholder 6.3.
    """
    taken = {activity["number"] for activity in known}
    numbers = (f"{area_number}.{index}" for index in itertools.count(1))
    return list(itertools.islice((number for number in numbers if number not in taken), count))


def any_placeholder(activities: list[dict]) -> bool:
    return any(activity.get("is_placeholder", False) for activity in activities)


def save_activity(plan: ActionPlan, area: Area, entry: dict, placeholders: dict) -> Activity:
    """One activity; placeholder titles and descriptions come from the plan's templates."""
    if entry.get("is_placeholder"):
        entry = {
            "title": format_translated(placeholders["activity_title"], number=entry["number"]),
            "description": placeholders["activity_description"],
            **entry,
        }
    texts = {}
    for field in ACTIVITY_TEXT_FIELDS:
        texts.update(translated(field, entry.get(field, {"az": "", "en": ""})))
    unknown_types = set(entry.get("executor_types", [])) - set(Organization.Type.values)
    if unknown_types:
        raise DemoDataError(
            f"activity {entry['number']}: unknown executor types {sorted(unknown_types)}"
        )
    activity, _created = Activity.objects.update_or_create(
        plan=plan,
        number=entry["number"],
        defaults={
            "area": area,
            **translated("title", entry["title"]),
            **texts,
            "executor_types": entry.get("executor_types", []),
            "start_year": entry.get("start_year"),
            "end_year": entry.get("end_year"),
            "involves_municipalities": entry.get("involves_municipalities", False),
            "is_placeholder": entry.get("is_placeholder", False),
        },
    )
    activity.executors.set(executors(entry))
    return activity


def executors(entry: dict) -> list[Organization]:
    """The organisations an activity names, by slug; a slug missing from the data fails loudly."""
    slugs = entry.get("executors", [])
    found = list(Organization.objects.filter(slug__in=slugs))
    missing = set(slugs) - {organization.slug for organization in found}
    if missing:
        raise DemoDataError(
            f"activity {entry['number']}: no organisation with slug {sorted(missing)}"
        )
    return found
