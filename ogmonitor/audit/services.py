"""Reading the audit log: who may, which entries, filtered how, and each entry put into words.

The entries themselves are written by django-auditlog for the models of
:data:`ogmonitor.audit.registry.AUDITED`; nothing here writes or changes one.

Who sees what, on the helpers of :mod:`ogmonitor.accounts.policy`: administrators every entry;
coordinators the entries of their own organisation's records and of records no organisation
owns (``additional_data["organization_id"]``, see :mod:`.registry`); nobody else any.
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models
from django.db.models import Q, QuerySet
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.formats import date_format
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from ogmonitor.accounts.policy import is_administrator, is_coordinator
from ogmonitor.lib import aztext

from .registry import AUDITED, Audited, field_label, kind_label

Action = LogEntry.Action

#: The actions the log shows (auditlog's "access" is not recorded here).
ACTIONS = [
    (Action.CREATE, gettext_lazy("Created")),
    (Action.UPDATE, gettext_lazy("Changed")),
    (Action.DELETE, gettext_lazy("Deleted")),
]
_ACTION_LABELS = dict(ACTIONS)


# --- Who sees what -------------------------------------------------------------------------------


def audited_content_types() -> dict[int, Audited]:
    """The content type id of every audited model, with its registration (cached by Django)."""
    types = ContentType.objects.get_for_models(*(audited.model for audited in AUDITED))
    return {types[audited.model].pk: audited for audited in AUDITED}


def visible_entries(user, queryset: QuerySet) -> QuerySet:
    """The part of ``queryset`` (log entries) that ``user`` may read."""
    if is_administrator(user):
        return queryset
    if not is_coordinator(user):
        return queryset.none()
    owners = Q(additional_data__isnull=True) | Q(additional_data__organization_id__isnull=True) | Q(
        additional_data__organization_id=None
    )
    if user.organization_id:
        owners |= Q(additional_data__organization_id=user.organization_id)
    return queryset.filter(owners, content_type_id__in=list(audited_content_types()))


# --- Filtering -----------------------------------------------------------------------------------


def _start_of(day: dt.date) -> dt.datetime:
    """Midnight at the start of ``day`` in the site's time zone."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def filter_entries(
    queryset: QuerySet, *, kind: Audited | None = None, action: int | None = None, actor=None,
    since: dt.date | None = None, until: dt.date | None = None, text: str = "",
) -> QuerySet:
    """``queryset`` narrowed by the list's filters; empty values do not filter.

    ``since`` and ``until`` are days in the site's time zone, both included; ``text`` is looked
    for in the record's name as it was when the entry was written.
    """
    if kind is not None:
        queryset = queryset.filter(content_type=ContentType.objects.get_for_model(kind.model))
    if action is not None:
        queryset = queryset.filter(action=action)
    if actor is not None:
        queryset = queryset.filter(actor=actor)
    if since is not None:
        queryset = queryset.filter(timestamp__gte=_start_of(since))
    if until is not None:
        queryset = queryset.filter(timestamp__lt=_start_of(until + dt.timedelta(days=1)))
    text = aztext.normalize(text)
    if text:
        # SQLite compares only ASCII letters without case: the query is also tried as Azerbaijani
        # lower, upper and title case, so "şəki" finds "Şəki" on both databases.
        variants = {text, aztext.lower(text), aztext.upper(text), aztext.upper(text[:1]) + aztext.lower(text[1:])}
        matches = Q()
        for variant in variants:
            matches |= Q(object_repr__icontains=variant)
        queryset = queryset.filter(matches)
    return queryset


def newest_first(queryset: QuerySet) -> QuerySet:
    """Entries as the pages list them: newest first, with what each row shows loaded alongside."""
    return queryset.select_related("content_type", "actor").order_by("-timestamp", "-pk")


def history_of(user, audited: Audited, pk: str) -> QuerySet:
    """The entries ``user`` may read about one record, newest first."""
    content_type = ContentType.objects.get_for_model(audited.model)
    entries = LogEntry.objects.filter(content_type=content_type, object_pk=str(pk))
    return newest_first(visible_entries(user, entries))


# --- Entries put into words ----------------------------------------------------------------------


@dataclass
class Change:
    """One field of one entry: its name for people, the value before and after ("" for none)."""

    label: str
    before: str
    after: str
    #: A free-text answer whose values the log does not keep (see registry.log_corrections).
    not_copied: bool = False


@dataclass
class EntryRow:
    """An entry as the pages and exports show it."""

    entry: LogEntry
    kind: str
    kind_key: str
    actor: str
    action: str
    record_url: str = ""
    history_url: str = ""
    changes: list[Change] = field(default_factory=list)
    reason: str = ""

    @property
    def when(self) -> dt.datetime:
        return timezone.localtime(self.entry.timestamp)


def actor_name(entry: LogEntry) -> str:
    """Who made the change: their full name or user name; "the system" for a task or command."""
    if entry.actor is not None:
        return entry.actor.get_full_name() or entry.actor.get_username()
    return entry.actor_email or _("the system")


def describe(entries: Iterable[LogEntry]) -> list[EntryRow]:
    """Rows for ``entries`` (loaded with :func:`newest_first`), in a fixed number of queries.

    Foreign keys are named by one query per related model and records linked by one query per
    audited model with a page of its own, however many entries there are.
    """
    entries = list(entries)
    types = audited_content_types()
    related = _related_names(entries)
    urls = _record_urls(entries, types)
    rows = []
    for entry in entries:
        audited = types.get(entry.content_type_id)
        model = entry.content_type.model_class()
        key = audited.key if audited is not None else entry.content_type.model
        row = EntryRow(
            entry=entry,
            kind=kind_label(model) if model is not None else entry.content_type.name,
            kind_key=key,
            actor=actor_name(entry),
            action=str(_ACTION_LABELS.get(entry.action, entry.get_action_display())),
            record_url=urls.get((entry.content_type_id, entry.object_pk), ""),
            history_url=reverse("audit:record", args=[key, entry.object_pk]) if audited is not None else "",
        )
        correction = (entry.additional_data or {}).get("correction")
        if correction:
            row.changes = _correction_changes(entry, correction)
            row.reason = correction.get("reason", "")
        elif model is not None:
            row.changes = _field_changes(entry, model, related)
        rows.append(row)
    return rows


def _changed_values(entry: LogEntry) -> dict[str, list]:
    """The entry's changes as ``{field: [before, after]}``, leaving out auditlog's m2m records."""
    return {name: values for name, values in (entry.changes or {}).items() if isinstance(values, list | tuple)}


def _model_field(model, name: str):
    """The column ``name`` of ``model``; None for anything else (a question's name, a field since removed)."""
    try:
        model_field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return None
    return model_field if model_field.concrete else None


def _related_names(entries: list[LogEntry]) -> dict[tuple[type, str], str]:
    """The names of the records the entries' foreign keys point to, one query per related model."""
    wanted: dict[type, set[str]] = defaultdict(set)
    for entry in entries:
        model = entry.content_type.model_class()
        if model is None:
            continue
        for name, values in _changed_values(entry).items():
            model_field = _model_field(model, name)
            if model_field is not None and (model_field.many_to_one or model_field.one_to_one):
                wanted[model_field.related_model].update(str(value) for value in values if _present(value))
    names = {}
    for related_model, keys in wanted.items():
        pks = []
        for key in keys:
            try:
                pks.append(related_model._meta.pk.to_python(key))
            except ValidationError:
                continue  # a value stored under an older definition of the field
        for pk, record in related_model._base_manager.in_bulk(pks).items():
            names[(related_model, str(pk))] = str(record)
    return names


def _record_urls(entries: list[LogEntry], types: dict[int, Audited]) -> dict[tuple[int, str], str]:
    """Each entry's record page, for audited models with ``get_absolute_url`` and records that
    still exist; one query per such model."""
    wanted: dict[int, set[str]] = defaultdict(set)
    for entry in entries:
        audited = types.get(entry.content_type_id)
        if audited is not None and hasattr(audited.model, "get_absolute_url") and entry.object_id is not None:
            wanted[entry.content_type_id].add(entry.object_id)
    urls = {}
    for content_type_id, pks in wanted.items():
        for pk, record in types[content_type_id].model._base_manager.in_bulk(pks).items():
            try:
                urls[(content_type_id, str(pk))] = record.get_absolute_url()
            except NoReverseMatch:
                continue
    return urls


def _present(value) -> bool:
    return value not in (None, "", "None")


def _field_changes(entry: LogEntry, model, related: dict) -> list[Change]:
    """The entry's fields in the model's order, each named by its verbose name."""
    order = {model_field.name: index for index, model_field in enumerate(model._meta.fields)}
    changes = []
    for name, (before, after) in sorted(_changed_values(entry).items(), key=lambda item: order.get(item[0], len(order))):
        model_field = _model_field(model, name)
        if entry.action == Action.CREATE and (not _present(after) or after == "False"):
            continue  # a new record's empty fields and unset flags say nothing
        label = field_label(model, model_field) if model_field is not None else name
        changes.append(Change(label, display_value(model_field, before, related), display_value(model_field, after, related)))
    return changes


def _correction_changes(entry: LogEntry, correction: dict) -> list[Change]:
    questions = correction.get("questions", {})
    language = get_language() or "az"
    changes = []
    for name, (before, after) in _changed_values(entry).items():
        question = questions.get(name, {})
        label = question.get(language) or question.get("az") or name
        changes.append(Change(f"{label} ({name})", before, after, not_copied=bool(question.get("free_text"))))
    return changes


def display_value(model_field, value, related: dict) -> str:
    """A value as auditlog stored it (text), as people read it: a choice's label, a linked
    record's name, a date in the site's format and time zone; "" for none."""
    if not _present(value):
        return ""
    value = str(value)
    if model_field is None:
        return value
    if model_field.is_relation:
        return related.get((model_field.related_model, value), f"#{value}")
    if model_field.choices:
        labels = {str(key): label for key, label in model_field.flatchoices}
        return str(labels.get(value, value))
    if isinstance(model_field, models.BooleanField):
        return _("yes") if value == "True" else _("no")
    if isinstance(model_field, models.DateTimeField):
        moment = parse_datetime(value)
        if moment is not None:
            if timezone.is_naive(moment):  # auditlog stores UTC without the zone
                moment = timezone.make_aware(moment, dt.UTC)
            return date_format(timezone.localtime(moment), "SHORT_DATETIME_FORMAT")
    if isinstance(model_field, models.DateField):
        day = parse_date(value)
        if day is not None:
            return date_format(day, "SHORT_DATE_FORMAT")
    return value
