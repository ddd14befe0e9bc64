"""Demo logframe: Umid's 2022 project as its plan describes it, and invented records to count.

``data/logframe/project-2022.json`` holds the project, objectives, activities with their
expected results, and indicators — the plan's own facts — then, under ``records``, what the
demo invents so that some targets are met and some behind: which of the engagement demo's
planned consultations and workshops were held (or cancelled) and how many people came, the
workshop's press release and where it appeared, the proposals raised at the workshops and
submitted to each community's ExCom territorial representation, families helped to pay online, a terminal request, and
the study's completion. Disclosure publications are the disclosure demo's, only read.

Idempotent on natural keys: the project by slug; objectives, activities and indicators by
(project, code); expected results by activity and position; events by slug (the engagement
demo's); a proposal by its event and English text; families by (project, community, date);
a terminal request by (project, community, addressee, date); a hand-entered value by
(indicator, date). Changes go through the apps' services (proposals' lifecycle, participant
counts, press releases), as a coordinator's work would.
"""

import datetime as dt
from decimal import Decimal

from django.db import transaction

from ogmonitor.accounts.models import User
from ogmonitor.engagement import events as event_services
from ogmonitor.engagement import proposals as proposal_services
from ogmonitor.engagement.models import Event, PressPublication, PressRelease, Proposal
from ogmonitor.logframe.models import (
    ExpectedResult,
    Indicator,
    ManualValue,
    Objective,
    OnlinePaymentAssistance,
    Project,
    ProjectActivity,
    TerminalRequest,
)
from ogmonitor.places.models import Community, District, Organization
from ogmonitor.plans.models import ActionPlan

from .common import DemoDataError, format_translated, read_json, translated

FILE = "logframe/project-2022.json"


@transaction.atomic
def load_logframe() -> None:
    """The 2022 project and its demo records (after places, plans, users and engagement)."""
    data = read_json(FILE)
    records = data["records"]
    project = save_project(data["project"])
    objectives = {entry["code"]: save_objective(project, entry) for entry in data["objectives"]}
    activities, results = {}, {}
    for entry in data["activities"]:
        activity = save_activity(project, entry, objectives)
        activities[entry["code"]] = activity
        results.update(save_results(activity, entry["results"]))
    for position, entry in enumerate(data["indicators"], start=1):
        save_indicator(project, entry, position, activities, results)
    load_records(project, records)


def _get(model, what: str, **key):
    try:
        return model.objects.get(**key)
    except model.DoesNotExist:
        raise DemoDataError(f"{FILE}: no {what} with {key}") from None


def _day(value: str) -> dt.date:
    return dt.date.fromisoformat(value)


# --- The plan's facts -------------------------------------------------------------------------


def save_project(entry: dict) -> Project:
    project, _created = Project.objects.update_or_create(
        slug=entry["slug"],
        defaults={
            **translated("title", entry["title"]),
            **translated("programme", entry["programme"]),
            **translated("summary", entry["summary"]),
            **translated("source_note", entry["source_note"]),
            "donor": _get(Organization, "donor", slug=entry["donor"]),
            "organization": _get(Organization, "organisation", slug=entry["organization"]),
            "plan": _get(ActionPlan, "plan", slug=entry["plan"]),
            "starts_on": _day(entry["starts_on"]),
            "ends_on": _day(entry["ends_on"]),
            "is_published": entry["is_published"],
            "is_demo": True,  # its target places and every record it counts are invented
        },
    )
    project.districts.set([_get(District, "district", code=code) for code in entry["districts"]])
    project.municipalities.set([
        _get(Organization, "municipality", slug=slug, type=Organization.Type.MUNICIPALITY) for slug in entry["municipalities"]
    ])
    project.communities.set([_get(Community, "community", slug=slug) for slug in entry["communities"]])
    return project


def save_objective(project: Project, entry: dict) -> Objective:
    objective, _created = Objective.objects.update_or_create(
        project=project, code=entry["code"], defaults=translated("title", entry["title"])
    )
    return objective


def save_activity(project: Project, entry: dict, objectives: dict) -> ProjectActivity:
    activity, _created = ProjectActivity.objects.update_or_create(
        project=project,
        code=entry["code"],
        defaults={
            "objective": objectives[entry["objective"]],
            **translated("title", entry["title"]),
            **translated("description", entry["description"]),
        },
    )
    return activity


def save_results(activity: ProjectActivity, entries: list[dict]) -> dict[str, ExpectedResult]:
    """The activity's expected results in the file's order, matched by position."""
    existing = list(activity.results.order_by("pk"))
    saved = {}
    for index, entry in enumerate(entries):
        texts = translated("text", entry["text"])
        if index < len(existing):
            result = existing[index]
            if any(getattr(result, field) != value for field, value in texts.items()):
                for field, value in texts.items():
                    setattr(result, field, value)
                result.save()
        else:
            result = ExpectedResult.objects.create(activity=activity, **texts)
        saved[entry["key"]] = result
    return saved


def save_indicator(project: Project, entry: dict, position: int, activities: dict, results: dict) -> Indicator:
    if entry["source"] not in Indicator.Source.values or entry["target_kind"] not in Indicator.TargetKind.values:
        raise DemoDataError(f"{FILE}: indicator {entry['code']}: unknown source or kind")
    indicator, _created = Indicator.objects.update_or_create(
        project=project,
        code=entry["code"],
        defaults={
            **translated("title", entry["title"]),
            **translated("unit", entry.get("unit") or {"az": "", "en": ""}),
            "activity": activities[entry["activity"]] if entry.get("activity") else None,
            "result": results[entry["result"]] if entry.get("result") else None,
            "target_kind": entry["target_kind"],
            "target": Decimal(str(entry["target"])) if entry.get("target") is not None else None,
            "target_max": Decimal(str(entry["target_max"])) if entry.get("target_max") is not None else None,
            "source": entry["source"],
            "event_type": entry.get("event_type", ""),
            "event_format": entry.get("event_format", ""),
            "per_municipality": entry.get("per_municipality"),
            "position": position,
        },
    )
    return indicator


# --- Invented records -------------------------------------------------------------------------


def load_records(project: Project, records: dict) -> None:
    coordinator = User.objects.filter(username="coordinator").first()
    for entry in records["manual_values"]:
        save_manual_value(project, entry, coordinator)
    for entry in records["held_events"]:
        hold_event(entry)
    for slug in records["cancelled_events"]:
        set_status(_get(Event, "event (load_engagement first)", slug=slug), Event.Status.CANCELLED)
    save_press_release(records["press_release"])
    for entry in records["proposals"]:
        save_proposal(project, entry)
    for entry in records["families"]:
        save_families(project, entry)
    for entry in records["terminal_requests"]:
        save_terminal_request(project, entry)


def save_manual_value(project: Project, entry: dict, user) -> None:
    indicator = _get(Indicator, "indicator", project=project, code=entry["indicator"])
    ManualValue.objects.update_or_create(
        indicator=indicator,
        on=_day(entry["on"]),
        defaults={
            "value": Decimal(str(entry["value"])),
            "evidence_url": entry.get("evidence_url", ""),
            "note": entry.get("note", ""),
            "recorded_by": user,
        },
    )


def set_status(event: Event, status: str) -> None:
    if event.status != status:
        event.status = status
        event.save(update_fields=["status", "updated_at"])


def hold_event(entry: dict) -> None:
    """Mark one of the engagement demo's planned events held, with its counted participants."""
    event = _get(Event, "event (load_engagement first)", slug=entry["slug"])
    set_status(event, Event.Status.HELD)
    wanted = {(None, "woman"): entry["women"], (None, "man"): entry["men"]}
    recorded = {(row.category_id, row.gender): row.count for row in event.participant_counts.all()}
    if recorded != wanted:
        event_services.replace_participant_counts(event, wanted, None)


def save_press_release(entry: dict) -> None:
    event = _get(Event, "event (load_engagement first)", slug=entry["event"])
    release = PressRelease.objects.filter(event=event).first()
    if release is None:
        # Drafted from the event's record once; an editor's later changes are kept.
        release = event_services.create_press_release_draft(event, None)
    for publication in entry["publications"]:
        PressPublication.objects.update_or_create(
            press_release=release, outlet=publication["outlet"],
            defaults={"published_on": _day(publication["published_on"]), "url": publication.get("url", "")},
        )


def save_proposal(project: Project, entry: dict) -> None:
    """A proposal raised at a workshop and submitted to its community's ExCom representation."""
    event = _get(Event, "event (load_engagement first)", slug=entry["event"])
    community = _get(Community, "community", slug=entry["community"])
    texts = translated("text", format_translated(
        entry["text"], community_az=community.name_az, community_en=community.name_en,
    ))
    proposal = Proposal.objects.filter(event=event, text_en=texts["text_en"]).first()
    if proposal is None:
        proposal = proposal_services.create_proposal(
            None, event=event, community=community, organization=project.organization, topic=entry["topic"],
            is_published=True, is_demo=True, **texts,
        )
    if proposal.status == Proposal.Status.DRAFT:
        authority = _get(Organization, "ExCom representation", slug=f"{community.slug}-excom")
        proposal_services.transition(
            proposal, Proposal.Status.SUBMITTED, on=_day(entry["submitted_on"]), user=None,
            submitted_via=Proposal.Channel.LETTER, addressee=authority,
        )
    answer = entry.get("answer")
    if answer and proposal.status == Proposal.Status.SUBMITTED:
        # The authority's (invented) answer: a decision states its answer; "answered" leaves it open.
        proposal_services.transition(
            proposal, answer["status"], on=_day(answer["on"]), user=None,
            **translated("answer_text", answer["text"]),
        )


def save_families(project: Project, entry: dict) -> None:
    OnlinePaymentAssistance.objects.update_or_create(
        project=project,
        community=_get(Community, "community", slug=entry["community"]),
        on=_day(entry["on"]),
        defaults={
            "families": entry["families"],
            "portal": entry["portal"],
            "event": _get(Event, "event", slug=entry["event"]) if entry.get("event") else None,
            "is_demo": True,
        },
    )


def save_terminal_request(project: Project, entry: dict) -> None:
    if entry["outcome"] not in TerminalRequest.Outcome.values:
        raise DemoDataError(f"{FILE}: unknown outcome {entry['outcome']!r}")
    TerminalRequest.objects.update_or_create(
        project=project,
        community=_get(Community, "community", slug=entry["community"]),
        addressee=_get(Organization, "addressee", slug=entry["addressee"]),
        filed_on=_day(entry["filed_on"]),
        defaults={"outcome": entry["outcome"], "is_demo": True},
    )
