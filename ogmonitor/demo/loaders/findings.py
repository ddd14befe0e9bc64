"""Demo indicators, findings and recommendations of the two survey rounds (data/findings/*.json).

Everything goes through the findings app's services, as a coordinator's work would: indicators
are defined (or updated to match the file), the study computed by the engine, findings drafted
from the indicators' sentences and published, and the seeds' recommendations written with their
links. Loading twice changes nothing: indicators are keyed on (study, code), recommendations on
(study, position), and the study is recomputed only when an indicator changed or it has never
been computed (each computation is a stored row).
"""

from django.db import transaction

from ogmonitor.accounts.models import User
from ogmonitor.findings import drafting, services
from ogmonitor.findings.models import Indicator, Recommendation
from ogmonitor.places.models import Organization
from ogmonitor.plans.models import Activity, Area
from ogmonitor.surveys.models import Question, Study

from .common import DemoDataError, read_json, translated

#: Loaded in this order: the earlier round first, as the surveys loader does.
FILES = ["findings/sabirabad-2017.json", "findings/local-2022.json"]

_DEFINITION_FIELDS = (
    "kind", "question_name", "numerator_choices", "base", "filter_question", "filter_choices",
    "community_rule", "aggregate_key", "aggregate_choice",
)


@transaction.atomic
def load_findings() -> None:
    """Indicators, findings and recommendations of the demo studies (load_surveys must run first)."""
    actor = User.objects.filter(username="coordinator").first()
    for name in FILES:
        data = read_json(name)
        study = _study(data["study"], name)
        changed = [save_indicator(study, entry, position, actor) for position, entry in enumerate(data["indicators"], start=1)]
        if any(changed) or not study.computations.exists():
            services.compute_study(study, user=actor)
        drafting.draft_findings(study, actor)
        drafting.publish_findings(study, actor)
        findings = {
            finding.indicator.code: finding
            for finding in study.findings.select_related("indicator").filter(indicator__isnull=False)
        }
        for position, entry in enumerate(data["recommendations"], start=1):
            save_recommendation(study, entry, position, findings, actor, name)


def _study(slug: str, name: str) -> Study:
    try:
        return Study.objects.select_related("plan").get(slug=slug)
    except Study.DoesNotExist:
        raise DemoDataError(f"{name}: no study {slug!r} (load_surveys first)") from None


def save_indicator(study: Study, entry: dict, position: int, actor) -> bool:
    """Create or update the indicator ``entry`` describes; True if its figures must be recomputed."""
    fields = {
        **translated("title", entry["title"]),
        **translated("sentence", entry["sentence"]),
        "position": position,
        "kind": entry["kind"],
        "question_name": entry.get("question_name", ""),
        "numerator_choices": entry.get("numerator_choices", []),
        "base": entry.get("base", Indicator.Base.ALL),
        "filter_question": entry.get("filter_question", ""),
        "filter_choices": entry.get("filter_choices", []),
        "community_rule": entry.get("community_rule", Indicator.CommunityRule.ANY),
        "aggregate_key": entry.get("aggregate_key", ""),
        "aggregate_choice": entry.get("aggregate_choice", ""),
        **nap_links(study, entry),
    }
    indicator = study.indicators.filter(code=entry["code"]).first()
    if indicator is None:
        drafting.create_indicator(study, actor, recompute=False, code=entry["code"], **fields)
        return True
    differs = {name: value for name, value in fields.items() if getattr(indicator, name) != value}
    if not differs:
        return False
    drafting.update_indicator(indicator, actor, recompute=False, **fields)
    return any(name in _DEFINITION_FIELDS for name in differs)


def nap_links(study: Study, entry: dict) -> dict:
    """The indicator's plan area and activity: as the file says, else as its question's."""
    if "nap_activity" in entry or "nap_area" in entry:
        activity = _activity(study, entry["nap_activity"]) if entry.get("nap_activity") else None
        area = _area(study, entry["nap_area"]) if entry.get("nap_area") else None
        return {"nap_activity": activity, "nap_area": area or (activity.area if activity else None)}
    question = (
        Question.objects.filter(questionnaire__study=study, name=entry.get("question_name") or "-")
        .select_related("nap_activity__area", "nap_area")
        .order_by("-questionnaire__version")
        .first()
    )
    if question is None:
        return {"nap_activity": None, "nap_area": None}
    activity = question.nap_activity
    return {"nap_activity": activity, "nap_area": question.nap_area or (activity.area if activity else None)}


def save_recommendation(study: Study, entry: dict, position: int, findings: dict, actor, name: str) -> Recommendation:
    """Create or update the study's recommendation number ``position``."""
    missing = [code for code in entry["findings"] if code not in findings]
    if missing:
        raise DemoDataError(f"{name}: recommendation {position} links findings without indicator result: {missing}")
    addressee_text = entry.get("addressee_text") or {"az": "", "en": ""}
    fields = {
        **translated("text", entry["text"]),
        **translated("addressee_text", addressee_text),
        "priority": entry["priority"],
        "addressee": _organization(entry["addressee"], name) if entry.get("addressee") else None,
        "status": entry.get("status", Recommendation.Status.PROPOSED),
    }
    links = {
        "findings": [findings[code] for code in entry["findings"]],
        "activities": [_activity(study, number) for number in entry["activities"]],
    }
    recommendation = study.recommendations.filter(position=position).first()
    if recommendation is None:
        return drafting.create_recommendation(study, actor, position=position, **fields, **links)
    return drafting.update_recommendation(recommendation, actor, **fields, **links)


def _activity(study: Study, number: str) -> Activity:
    try:
        return Activity.objects.select_related("area").get(plan=study.plan, number=number)
    except Activity.DoesNotExist:
        raise DemoDataError(f"{study.slug}: plan {study.plan.slug} has no activity {number}") from None


def _area(study: Study, number: int) -> Area:
    try:
        return Area.objects.get(plan=study.plan, number=number)
    except Area.DoesNotExist:
        raise DemoDataError(f"{study.slug}: plan {study.plan.slug} has no area {number}") from None


def _organization(slug: str, name: str) -> Organization:
    try:
        return Organization.objects.get(slug=slug)
    except Organization.DoesNotExist:
        raise DemoDataError(f"{name}: no organisation {slug!r} (see organizations.json)") from None
