"""Demo monitoring of NAP activities: weights, milestones and local targets
(``data/assessments/milestones-*.json``), then local assessments with their evidence
(``data/assessments/nap-*.json``), and last the plans' progress.

Rows are keyed on natural keys (an activity by plan and number, a place by district code or
municipality slug, a milestone by its position under its activity or target, an assessment by
activity, target, place and date) and written only when the file says something else than the
database: loading again writes nothing, so it adds no row and no audit entry.

Assessments are saved through :func:`ogmonitor.plans.assessments.save_assessment` as the system
(no user): it keeps the review status the file gives, as for records reviewed outside ogmonitor.
Who recorded and who reviewed them, and when, are the demo logins and dates a few days after the
assessment, so the pages show a plausible review history that does not change from load to load.

Progress is held while the rows are written and computed once per plan at the end
(:func:`ogmonitor.plans.progress.recompute_plan_fully`), rather than once per saved row.
"""

import datetime as dt
from decimal import Decimal

from django.core.exceptions import MultipleObjectsReturned, ValidationError
from django.db import transaction
from django.utils import timezone

from ogmonitor.accounts.models import User
from ogmonitor.disclosure.models import Publication
from ogmonitor.engagement.models import Event, Proposal
from ogmonitor.findings.models import Indicator
from ogmonitor.places.models import District, Organization
from ogmonitor.plans import progress
from ogmonitor.plans.assessments import save_assessment
from ogmonitor.plans.models import (
    ActionPlan,
    Activity,
    Area,
    AssessmentEvidence,
    AssessmentStatus,
    Completion,
    EarlyResults,
    LocalAssessment,
    LocalTarget,
    Milestone,
    OGPValue,
    Potential,
)

from .common import DemoDataError, format_translated, read_json, translated

PROGRESS_FILES = ["assessments/milestones-2020-2022.json"]
ASSESSMENT_FILES = ["assessments/nap-2020-2022.json"]

#: How long after the assessment date the demo says it was reviewed, and published.
REVIEWED_AFTER = dt.timedelta(days=5)
PUBLISHED_AFTER = dt.timedelta(days=7)
#: Weights are stored with two decimals; comparing like with like keeps a reload from writing.
WEIGHT_PLACES = Decimal("0.01")


@transaction.atomic
def load_assessments() -> None:
    """The progress and assessment files, then the plans' progress.

    Needs places, plans, users, findings (indicators), engagement (events, proposals) and
    disclosure (publications) loaded first: the evidence links to their rows.
    """
    plans = {}
    with progress.held():
        for name in PROGRESS_FILES:
            plan = load_progress(read_json(name))
            plans[plan.pk] = plan
        for name in ASSESSMENT_FILES:
            plan = load_assessment_file(read_json(name))
            plans[plan.pk] = plan
    for plan in plans.values():
        progress.recompute_plan_fully(plan)


# --- Shared helpers -----------------------------------------------------------------------------


def _get(model, what: str, **key):
    try:
        return model.objects.get(**key)
    except model.DoesNotExist:
        raise DemoDataError(f"no {what} with {key}") from None
    except MultipleObjectsReturned:
        raise DemoDataError(f"several {what} with {key}: say which one") from None


def _checked(value: str, choices, what: str) -> str:
    if value not in choices.values:
        raise DemoDataError(f"unknown {what} {value!r}")
    return value


def _day(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def _weight(value: str | None) -> Decimal | None:
    return Decimal(value).quantize(WEIGHT_PLACES) if value else None


def _differs(row, fields: dict) -> bool:
    return any(getattr(row, name) != value for name, value in fields.items())


def _upsert(model, key: dict, fields: dict, *, exclude: tuple[str, ...] = ()):
    """The row of ``model`` with ``key``, created or brought to ``fields``, validated; saved
    only when something differs."""
    row = model.objects.filter(**key).first()
    if row is not None and not _differs(row, fields):
        return row
    row = row or model(**key)
    for name, value in fields.items():
        setattr(row, name, value)
    try:
        row.full_clean(exclude=list(exclude))
    except ValidationError as error:
        raise DemoDataError(f"{model.__name__} {key}: {error.messages}") from None
    row.save()
    return row


def _municipal_activity(plan: ActionPlan, number: str) -> Activity:
    """The plan's activity ``number``; the demo monitors only activities involving municipalities."""
    activity = _get(Activity, "activity", plan=plan, number=number)
    if not activity.involves_municipalities:
        raise DemoDataError(f"activity {number} of {plan.slug} does not involve municipalities")
    return activity


# --- Weights, milestones, local targets ---------------------------------------------------------


def load_progress(data: dict) -> ActionPlan:
    """A progress file: the weights of areas and activities, milestones and local targets."""
    plan = _get(ActionPlan, "plan", slug=data["plan"])
    for number, weight in data.get("area_weights", {}).items():
        set_weight(_get(Area, "area", plan=plan, number=int(number)), _weight(weight))
    for number, weight in data.get("activity_weights", {}).items():
        set_weight(_get(Activity, "activity", plan=plan, number=number), _weight(weight))
    for entry in data.get("milestones", []):
        save_milestones(_municipal_activity(plan, entry["activity"]), None, entry["steps"])
    for entry in data.get("local_targets", []):
        target = save_target(_municipal_activity(plan, entry["activity"]), entry)
        save_milestones(target.activity, target, entry.get("steps", []))
    return plan


def set_weight(row: Area | Activity, weight: Decimal | None) -> None:
    if row.weight != weight:
        row.weight = weight
        row.save(update_fields=["weight"])


def save_target(activity: Activity, entry: dict) -> LocalTarget:
    """A local target, keyed on its activity and suffix (its code follows: "3.2.QBA-1")."""
    return _upsert(
        LocalTarget,
        {"activity": activity, "suffix": entry["suffix"]},
        {
            "district": _get(District, "district", code=entry["district"]),
            **translated("title", entry["title"]),
            **translated("description", entry.get("description", {"az": "", "en": ""})),
            "due_on": _day(entry.get("due_on")),
            "weight": _weight(entry.get("weight")),
            "is_demo": True,
        },
        exclude=("code",),  # made by save() from the activity's number and the suffix
    )


def save_milestones(activity: Activity, target: LocalTarget | None, steps: list[dict]) -> None:
    """The milestones of an activity (``target`` None) or of a local target, keyed on position."""
    for position, step in enumerate(steps):
        _upsert(
            Milestone,
            {"activity": activity, "target": target, "position": position},
            {
                **translated("title", step["title"]),
                "due_on": _day(step.get("due_on")),
                "status": _checked(step["status"], Milestone.Status, "milestone status"),
                "done_on": _day(step.get("done_on")),
                "weight": _weight(step.get("weight")),
                "is_demo": True,
            },
        )


# --- Assessments --------------------------------------------------------------------------------


def load_assessment_file(data: dict) -> ActionPlan:
    """An assessment file: per activity, its topic and scales, and its assessments."""
    plan = _get(ActionPlan, "plan", slug=data["plan"])
    context = {
        "assessor": _get(Organization, "organisation", slug=data["assessed_by"]),
        "recorder": _get(User, "user (load_users first)", username=data["recorded_by"]),
        "reviewer": _get(User, "user (load_users first)", username=data["reviewed_by"]),
        "templates": data["narrative_templates"],
    }
    saved = []
    for group in data["activities"]:
        activity = _municipal_activity(plan, group["activity"])
        for entry in group["assessments"]:
            saved.append(save_entry(activity, group, entry, **context).pk)
    # A demo assessment the file no longer holds (an entry re-dated or removed, like the
    # 2022-06-30 ones of earlier versions) would otherwise stay on the public pages.
    LocalAssessment.objects.filter(activity__plan=plan, is_demo=True).exclude(pk__in=saved).delete()
    return plan


def save_entry(activity: Activity, group: dict, entry: dict, **context) -> LocalAssessment:
    """One assessment of ``activity`` (``group`` gives the activity's defaults), unless the
    database already holds it as the file says."""
    target = None
    if entry.get("target"):
        target = _get(LocalTarget, "local target", activity=activity, suffix=entry["target"])
    district, municipality = place_of(entry, target)
    key = {
        "activity": activity, "target": target, "district": district, "municipality": municipality,
        "assessed_on": _day(entry["assessed_on"]),
    }
    fields = assessment_fields(group, entry, district, municipality, key["assessed_on"], **context)
    evidence = [evidence_fields(link) for link in entry.get("evidence", [])]
    assessment = LocalAssessment.objects.filter(**key).first()
    if assessment is not None and not _differs(assessment, fields):
        if evidence_keys(assessment) == [evidence_key(item) for item in evidence]:
            return assessment
    assessment = assessment or LocalAssessment(**key)
    for name, value in fields.items():
        setattr(assessment, name, value)
    try:
        return save_assessment(assessment, evidence=evidence)
    except ValidationError as error:
        raise DemoDataError(f"assessment {key}: {error.messages}") from None


def assessment_fields(
    group: dict, entry: dict, district, municipality, assessed_on: dt.date, *,
    assessor: Organization, recorder: User, reviewer: User, templates: dict,
) -> dict:
    """The assessment's fields as the file gives them, the activity's defaults filled in."""
    completion = _checked(entry["completion"], Completion, "completion")
    status = _checked(entry.get("status", AssessmentStatus.PUBLISHED), AssessmentStatus, "status")
    reviewed = status != AssessmentStatus.DRAFT
    potential = entry.get("potential", group.get("potential", ""))
    early_results = entry.get("early_results", "")
    ogp_values = entry.get("ogp_values", group.get("ogp_values", []))
    narrative = entry.get("narrative") or narrative_from_template(
        templates, completion, district, municipality, group
    )
    return {
        "completion": completion,
        "potential": _checked(potential, Potential, "potential") if potential else "",
        "early_results": _checked(early_results, EarlyResults, "early results") if early_results else "",
        "ogp_values": [_checked(value, OGPValue, "OGP value") for value in ogp_values],
        **translated("narrative", narrative),
        "assessed_by": assessor,
        "assessed_by_user": recorder,
        "status": status,
        "reviewed_by": reviewer if reviewed else None,
        "reviewed_at": _noon(assessed_on + REVIEWED_AFTER) if reviewed else None,
        "published_at": _noon(assessed_on + PUBLISHED_AFTER) if status == AssessmentStatus.PUBLISHED else None,
        "is_demo": True,
    }


def place_of(entry: dict, target: LocalTarget | None) -> tuple[District | None, Organization | None]:
    """The (district, municipality) an entry names; a local target's own place for its assessments."""
    if target is not None:
        return target.district, target.municipality
    municipality = (
        _get(Organization, "municipality", slug=entry["municipality"], type=Organization.Type.MUNICIPALITY)
        if entry.get("municipality") else None
    )
    district = _get(District, "district", code=entry["district"]) if entry.get("district") else None
    return district or (municipality.district if municipality else None), municipality


def narrative_from_template(templates: dict, completion: str, district, municipality, group: dict) -> dict:
    """The file's narrative for ``completion``, filled with the district and the activity's topic.

    Only for a district: a municipality's name would need Azerbaijani case endings the template
    cannot give, so a municipality's assessment brings its own narrative.
    """
    if district is None or municipality is not None:
        raise DemoDataError(f"activity {group['activity']}: an assessment of a municipality needs its own narrative")
    return format_translated(
        templates[completion], district_az=district.name_az, district_en=district.name_en,
        topic_az=group["topic"]["az"], topic_en=group["topic"]["en"],
    )


def _noon(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(12)))


def evidence_fields(link: dict) -> dict:
    """What :func:`save_assessment` takes for one evidence entry of a file: a record or a link."""
    if "indicator" in link:
        key = link["indicator"]
        return {"indicator": _get(
            Indicator, "indicator (load_findings first)", study__slug=key["study"], code=key["code"],
        )}
    if "event" in link:
        return {"event": _get(Event, "event (load_engagement first)", slug=link["event"])}
    if "proposal" in link:
        key = {"community__slug": link["proposal"]["community"], "topic": link["proposal"]["topic"]}
        if "event" in link["proposal"]:
            key["event__slug"] = link["proposal"]["event"]
        return {"proposal": _get(Proposal, "proposal (load_logframe first)", **key)}
    if "publication" in link:
        key = link["publication"]
        return {"publication": _get(
            Publication, "disclosure publication (load_disclosure first)",
            organization__slug=key["organization"], item__code=key["item"], published_on=_day(key["on"]),
        )}
    if "url" in link:
        return {"url": link["url"], **translated("title", link["title"])}
    raise DemoDataError(f"evidence names no record and no link: {link!r}")


def evidence_key(item: dict) -> tuple:
    """What identifies an evidence entry: the linked record, or the link and its titles."""
    for name in AssessmentEvidence.RECORD_FIELDS:
        if name in item:
            return (name, item[name].pk)
    return ("url", item["url"], item["title_az"], item["title_en"])


def evidence_keys(assessment: LocalAssessment) -> list[tuple]:
    """:func:`evidence_key` of each of the assessment's stored evidence rows, in their order."""
    keys = []
    for link in assessment.evidence.order_by("position", "pk"):
        kind = link.kind
        if kind in AssessmentEvidence.RECORD_FIELDS:
            keys.append((kind, getattr(link, f"{kind}_id")))
        else:
            keys.append((kind, link.url, link.title_az or "", link.title_en or ""))
    return keys
