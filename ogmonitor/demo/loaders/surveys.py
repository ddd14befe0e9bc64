"""Demo studies: the 2017 round as published figures, the 2022 round as a questionnaire and answers.

Everything goes through the surveys app's own services, as a coordinator's work would: the
study is created or updated, the members set, the XLSForm uploaded as a questionnaire version
and the (SYNTHETIC) response file run through the import's prepare → map → check → run steps.
So the demo exercises them, and loading twice changes nothing: a questionnaire is uploaded only
when no version of the study has the same content, a response file only when the study has no
finished import of the same file (the import would skip its rows as duplicates anyway, by
``_uuid``, but would still record one more batch).
"""

import datetime
import hashlib
from decimal import Decimal
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from ogmonitor.accounts.models import User
from ogmonitor.places.models import Community, Organization
from ogmonitor.plans.models import ActionPlan, Area
from ogmonitor.surveys import services
from ogmonitor.surveys.categories import ensure_standard_categories
from ogmonitor.surveys.importing import check_import, create_batch, run_import, save_mapping
from ogmonitor.surveys.importing.mapping import PROFILE_FIELDS
from ogmonitor.surveys.models import AggregateResult, ImportBatch, Questionnaire, Study
from ogmonitor.surveys.xlsform import XLSFormError, read_xlsform

from .common import DATA_DIR, DemoDataError, read_json, translated

SURVEYS_DIR = DATA_DIR / "surveys"


@transaction.atomic
def load_surveys() -> None:
    """The studies in surveys/studies.json (places, plans and users must be loaded first)."""
    ensure_standard_categories()  # the responses file refers to them by code
    places = {study["key"]: study for study in read_json("studies.json")["studies"]}
    actor = by_username("coordinator")  # the demo's studies are Umid's: its coordinator runs them
    for entry in read_json("surveys/studies.json")["studies"]:
        study = save_study(entry, places, actor)
        for member in entry.get("members", []):
            communities = [by_slug(Community, slug) for slug in member.get("communities", [])]
            services.set_member(
                study, by_username(member["username"]), member["role"], communities, by=actor
            )
        for figure in entry.get("aggregates", []):
            save_aggregate(study, figure)
        if "questionnaire" in entry:
            questionnaire = load_questionnaire(study, SURVEYS_DIR / entry["questionnaire"], actor)
            if "responses" in entry:
                load_responses(study, questionnaire, SURVEYS_DIR / entry["responses"], actor)


def save_study(entry: dict, places: dict, actor) -> Study:
    """Create the study or update it to match the file, keyed on its slug."""
    communities = study_communities(places, entry["places"])
    start, end = (datetime.date.fromisoformat(day) for day in entry["period"])
    plan = by_slug(ActionPlan, entry["plan"])
    fields = {
        **translated("title", entry["title"]),
        **translated("description", entry["description"]),
        **translated("source_note", entry["source_note"]),
        "organization": by_slug(Organization, entry["organization"]),
        "plan": plan,
        "period_start": start,
        "period_end": end,
        "channels": entry["channels"],
        "status": entry["status"],
        "aggregate_only": entry["aggregate_only"],
        "previous": by_slug(Study, entry["previous"]) if entry["previous"] else None,
        "communities": communities,
        "districts": {community.district for community in communities},
        "areas": [area(plan, number) for number in entry["areas"]],
    }
    study = Study.objects.filter(slug=entry["slug"]).first()
    if study is None:
        return services.create_study(actor, slug=entry["slug"], **fields)
    return services.update_study(study, actor, **fields)


def study_communities(places: dict, key: str) -> list[Community]:
    """The communities ../studies.json gives the field study ``key``, as loaded by load_places."""
    if key not in places:
        raise DemoDataError(f"surveys/studies.json: no study {key!r} in studies.json")
    names = [
        (district["code"], community["name"]["az"])
        for district in places[key]["districts"]
        for community in district["communities"]
    ]
    return [Community.objects.get(district__code=code, name_az=name) for code, name in names]


def area(plan: ActionPlan, number: int) -> Area:
    try:
        return plan.areas.get(number=number)
    except Area.DoesNotExist:
        raise DemoDataError(f"surveys/studies.json: {plan.slug} has no area {number}") from None


def save_aggregate(study: Study, figure: dict) -> AggregateResult:
    """One published figure of a round without microdata, keyed on (study, key, choice)."""
    unit = figure.get("unit", AggregateResult.Unit.RESPONDENTS)
    if unit not in AggregateResult.Unit.values:
        raise DemoDataError(f"{study.slug} {figure['key']}: unknown unit {unit!r}")
    result, _created = AggregateResult.objects.update_or_create(
        study=study,
        key=figure["key"],
        choice=figure["choice"],
        defaults={
            **translated("label", figure["label"]),
            **translated("source_note", figure["note"]),
            "unit": unit,
            "numerator": figure.get("numerator"),
            "denominator": figure.get("denominator"),
            "percentage": decimal_or_none(figure.get("percentage")),
            "percentage_upper": decimal_or_none(figure.get("percentage_upper")),
            "base_uncertain": figure.get("base_uncertain", False),
        },
    )
    return result


def decimal_or_none(value: str | None) -> Decimal | None:
    # Percentages are strings in the file so that 15.4 stays exactly 15.4.
    return None if value is None else Decimal(value)


def load_questionnaire(study: Study, path: Path, actor) -> Questionnaire:
    """The study's version of the XLSForm at ``path``, uploaded unless one has the same content."""
    data = path.read_bytes()
    for questionnaire in study.questionnaires.order_by("-version"):
        if same_form(questionnaire, data, path.name):
            return questionnaire
    try:
        return services.create_questionnaire(study, data, path.name, actor)
    except XLSFormError as error:
        raise DemoDataError(f"surveys/{path.name}: {error}") from error


def same_form(questionnaire: Questionnaire, data: bytes, filename: str) -> bool:
    """Whether the stored version has the content of ``data``: the same bytes, or else the same
    form once read (so an XLSForm merely re-saved in Excel is not a new version)."""
    try:
        with questionnaire.source_file.open("rb") as stored:
            stored_data = stored.read()
    except (OSError, ValueError):  # the media folder was cleared, or the version has no file
        return False
    if stored_data == data:
        return True
    try:
        return read_xlsform(stored_data, filename) == read_xlsform(data, filename)
    except XLSFormError:
        return False


def load_responses(
    study: Study, questionnaire: Questionnaire, path: Path, actor
) -> ImportBatch | None:
    """Import the response file at ``path`` unless this study already finished importing it."""
    data = path.read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    if study.imports.filter(
        file_sha256=digest, questionnaire=questionnaire, status=ImportBatch.Status.DONE
    ).exists():
        return None
    batch = create_batch(study, questionnaire, SimpleUploadedFile(path.name, data), actor)
    if batch.status == ImportBatch.Status.FAILED:
        raise DemoDataError(f"surveys/{path.name}: cannot be read: {batch.problems}")
    save_mapping(batch, profile_columns(batch.mapping["headers"], batch.mapping["columns"]), {})
    if batch.mapping.get("unknown"):
        raise DemoDataError(
            f"surveys/{path.name}: values that match no choice: {batch.mapping['unknown']}"
        )
    problems = check_import(batch)
    if problems:
        raise DemoDataError(
            f"surveys/{path.name}: {'; '.join(str(problem) for problem in problems[:10])}"
        )
    batch = run_import(batch)
    if batch.status != ImportBatch.Status.DONE:
        raise DemoDataError(f"surveys/{path.name}: import failed: {batch.problems}")
    return batch


def profile_columns(headers: list[str], columns: list[str]) -> list[str]:
    """The proposed mapping with each ``profile/<field>`` column sent to the respondent's field.

    The proposal maps such a column to the form's question of that name; the respondent's own
    fields (category, gender, community, channel, date) are what results are broken down by, and
    a column can feed only one of the two.
    """
    mapped = []
    for header, target in zip(headers, columns, strict=True):
        group, _slash, name = header.partition("/")
        mapped.append(
            f"profile:{name}" if group == "profile" and name in PROFILE_FIELDS else target
        )
    return mapped


def by_slug(model, slug: str):
    try:
        return model.objects.get(slug=slug)
    except model.DoesNotExist:
        raise DemoDataError(
            f"surveys/studies.json: no {model._meta.model_name} with slug {slug!r}"
        ) from None


def by_username(username: str) -> User:
    try:
        return User.objects.get(username=username)
    except User.DoesNotExist:
        raise DemoDataError(
            f"surveys/studies.json: no user {username!r} (see users.json)"
        ) from None
