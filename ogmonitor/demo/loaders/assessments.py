"""Demo local assessments of NAP activities (data/assessments/*.json), through the plans service.

Each entry names its activity by plan slug and number, its place by district code or
municipality slug, and is keyed on activity, place and date, so loading again updates rather
than duplicates. Saving goes through :func:`ogmonitor.plans.assessments.save_assessment`,
which replaces the evidence links by the file's (the same number of rows each time).
"""

import datetime as dt

from django.db import transaction

from ogmonitor.places.models import District, Organization
from ogmonitor.plans.assessments import save_assessment
from ogmonitor.plans.models import Activity, Completion, LocalAssessment

from .common import DemoDataError, read_json, translated

ASSESSMENT_FILES = ["assessments/nap-2020-2022.json"]


@transaction.atomic
def load_assessments() -> None:
    """The assessment files (plans, places and their organisations must be loaded first)."""
    for name in ASSESSMENT_FILES:
        data = read_json(name)
        assessor = _get(Organization, "organisation", slug=data["assessed_by"])
        for entry in data["assessments"]:
            save_entry(data["plan"], assessor, entry)


def _get(model, what: str, **key):
    try:
        return model.objects.get(**key)
    except model.DoesNotExist:
        raise DemoDataError(f"no {what} with {key}") from None


def save_entry(plan_slug: str, assessor: Organization, entry: dict) -> LocalAssessment:
    activity = _get(Activity, "activity", plan__slug=plan_slug, number=entry["activity"])
    if not activity.involves_municipalities:
        raise DemoDataError(f"activity {entry['activity']} of {plan_slug} does not involve municipalities")
    if entry["completion"] not in Completion.values:
        raise DemoDataError(f"unknown completion {entry['completion']!r}")
    municipality = (
        _get(Organization, "municipality", slug=entry["municipality"], type=Organization.Type.MUNICIPALITY)
        if entry.get("municipality") else None
    )
    district = _get(District, "district", code=entry["district"]) if entry.get("district") else None
    if district is None and municipality is not None:
        district = municipality.district
    assessed_on = dt.date.fromisoformat(entry["assessed_on"])
    assessment = LocalAssessment.objects.filter(
        activity=activity, district=district, municipality=municipality, assessed_on=assessed_on
    ).first() or LocalAssessment(activity=activity, district=district, municipality=municipality, assessed_on=assessed_on)
    assessment.completion = entry["completion"]
    for field, value in translated("narrative", entry["narrative"]).items():
        setattr(assessment, field, value)
    assessment.assessed_by = assessor
    assessment.is_published = entry.get("is_published", True)
    assessment.is_demo = True
    evidence = [{"url": link["url"], **translated("title", link["title"])} for link in entry.get("evidence", [])]
    return save_assessment(assessment, evidence=evidence)
