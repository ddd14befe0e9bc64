"""What the audit log records, and for which organisation: the one list of audited models.

django-auditlog writes an entry (who, when, every changed field's value before and after)
whenever a record of :data:`AUDITED` is created, saved or deleted one row at a time. Bulk
statements (``bulk_create``, ``QuerySet.update``) send no signals and are not logged: a response
import is logged as its :class:`~ogmonitor.surveys.models.ImportBatch`, not answer by answer.

Every entry carries in ``additional_data`` what the log is filtered by (see :func:`scope_of`):

* ``organization_id``: the organisation whose coordinators manage the record, the same owner
  :mod:`ogmonitor.accounts.policy` asks when the record is edited (a study's or a project's
  organisation, the organisation that keeps a proposal); ``None`` for records any coordinator
  may edit, such as what a municipality published;
* what the record belongs to, for reading the entry later: ``study_id``, ``project_id``,
  ``proposal_id`` or ``publisher_id``.

What is never copied into the log:

* who a respondent is: :class:`~ogmonitor.surveys.models.RespondentIdentity` is not audited and
  no identity field (:data:`IDENTITY_FIELDS`) of any audited model is, and a correction of a
  free-text answer records that the answer changed, not the text (it may name someone, and
  erasing an identity must not leave a copy here, see :mod:`ogmonitor.surveys.privacy`);
* answers row by row: :class:`~ogmonitor.surveys.models.Answer` is not registered. Its rows
  are written and replaced in bulk, so row signals would miss most changes, and a delete
  receiver on it would make deleting a study load every one of its answers. Corrections are
  logged on their submission instead (:func:`log_corrections`);
* computed results (indicator results, import problems and column mappings) and the records'
  own timestamps, which the entry's time already gives.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from functools import partial

from auditlog.models import LogEntry
from auditlog.registry import auditlog
from auditlog.signals import pre_log
from django.apps import apps
from django.db import models
from django.db.models import DateTimeField, Model
from django.db.models.signals import pre_save
from django.utils.functional import Promise
from django.utils.text import capfirst
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from modeltranslation.translator import NotRegistered, translator

from ogmonitor.lib import aztext

#: Never logged, on whatever model they appear.
IDENTITY_FIELDS = frozenset({"full_name", "first_name", "last_name", "phone", "email"})


def through(instance: Model, relation: str, lookup: str):
    """``instance.<relation>.<lookup>`` (``lookup`` may span relations with ``__``), read from
    the related object when it is already loaded, else with one small query (None if missing)."""
    descriptor = getattr(type(instance), relation)
    if descriptor.is_cached(instance):
        value = getattr(instance, relation)
        for name in lookup.split("__"):
            if value is None:
                return None
            value = getattr(value, name)
        return value
    related_id = getattr(instance, descriptor.field.attname)
    if related_id is None:
        return None
    related_model = descriptor.field.related_model
    return related_model._base_manager.filter(pk=related_id).values_list(lookup, flat=True).first()


def _study_scope(record) -> dict:
    return {"organization_id": through(record, "study", "organization_id"), "study_id": record.study_id}


def _project_indicator_scope(indicator) -> dict:
    return {"organization_id": through(indicator, "project", "organization_id"), "project_id": indicator.project_id}


def _manual_value_scope(value) -> dict:
    return {
        "organization_id": through(value, "indicator", "project__organization_id"),
        "project_id": through(value, "indicator", "project_id"),
    }


def _proposal_scope(proposal) -> dict:
    return {"organization_id": proposal.organization_id, "proposal_id": proposal.pk}


def _proposal_step_scope(step) -> dict:
    return {"organization_id": through(step, "proposal", "organization_id"), "proposal_id": step.proposal_id}


def _publication_scope(publication) -> dict:
    # Any coordinator records and verifies any municipality's publications
    # (policy.can_record_publication), so the entry belongs to no one organisation.
    return {"organization_id": None, "publisher_id": publication.organization_id}


def _assessment_scope(assessment) -> dict:
    # The assessing organisation's coordinators edit it (policy.can_edit_assessment).
    return {"organization_id": assessment.assessed_by_id, "activity_id": assessment.activity_id}


def _evidence_scope(link) -> dict:
    return {
        "organization_id": through(link, "assessment", "assessed_by_id"),
        "activity_id": through(link, "assessment", "activity_id"),
        "assessment_id": link.assessment_id,
    }


def _plan_record_scope(record) -> dict:
    # Milestones and local targets belong to the plan, which any coordinator keeps.
    return {"organization_id": None, "activity_id": record.activity_id}


@dataclass(frozen=True)
class Audited:
    """A model the log records, with what its entries are filtered by."""

    label: str  # "app_label.ModelName"
    scope: Callable[[Model], dict]  # record -> additional_data (see the module's docstring)
    #: Only these fields are logged (empty: all but the excluded ones).
    include: tuple[str, ...] = ()
    #: Logged nowhere, besides identity fields, record timestamps and modeltranslation's
    #: original columns (their per-language columns are logged).
    exclude: tuple[str, ...] = ()
    #: Names for people of fields whose model names them ambiguously in the log's context.
    labels: dict = field(default_factory=dict)

    @property
    def model(self) -> type[Model]:
        return apps.get_model(self.label)

    @property
    def key(self) -> str:
        """``app_label.model_name``: how the pages name the kind of record (``surveys.submission``)."""
        return self.model._meta.label_lower


#: The audited models, in the order the filter offers them.
AUDITED: tuple[Audited, ...] = (
    Audited("surveys.Submission", _study_scope, exclude=("row_hash", "uuid")),  # the uuid is the entry's name
    Audited(
        "surveys.ImportBatch", _study_scope,
        include=("study", "questionnaire", "filename", "status", "total_rows", "created_count", "duplicate_count"),
    ),
    Audited("findings.Indicator", _study_scope),
    Audited("findings.Finding", _study_scope),
    Audited("findings.Recommendation", _study_scope),
    Audited("logframe.Indicator", _project_indicator_scope),
    Audited("logframe.ManualValue", _manual_value_scope),
    Audited("engagement.Proposal", _proposal_scope),
    Audited(
        "engagement.ProposalStep", _proposal_step_scope,
        labels={"from_status": _("previous status"), "to_status": _("new status")},
    ),
    Audited("disclosure.Publication", _publication_scope),
    Audited("plans.LocalAssessment", _assessment_scope),
    Audited("plans.AssessmentEvidence", _evidence_scope),
    Audited("plans.LocalTarget", _plan_record_scope, exclude=("progress",)),  # computed (see plans.progress)
    Audited("plans.Milestone", _plan_record_scope),
)


def audited_for(model: type[Model]) -> Audited | None:
    """The registration of ``model`` (None when it is not audited)."""
    label = model._meta.label
    return next((audited for audited in AUDITED if audited.label == label), None)


def audited_by_key(key: str) -> Audited | None:
    """The registration named ``app_label.model_name`` in a URL or a filter (None if unknown)."""
    return next((audited for audited in AUDITED if audited.key == key.lower()), None)


def kind_label(model: type[Model]) -> str:
    """The model's name for people; the app's name is added where two audited models share one
    (the indicators of findings and of project logframes)."""
    name = capital(model._meta.verbose_name)
    same = [audited for audited in AUDITED if audited.model._meta.verbose_name == model._meta.verbose_name]
    if len(same) > 1:
        return f"{name} ({model._meta.app_config.verbose_name})"
    return name


#: Names for fields their models leave unnamed (Django would show "created by" in English); a
#: foreign key without a name of its own is named after the model it points to.
FIELD_LABELS = {
    "created_by": _("created by"),
    "recorded_by": _("recorded by"),
    "total_rows": _("rows in the file"),
    "created_count": _("new submissions"),
    "duplicate_count": _("duplicates"),
}


def field_label(model: type[Model], model_field) -> str:
    """How the log names ``model_field`` of ``model``, in the active language."""
    audited = audited_for(model)
    if audited is not None and model_field.name in audited.labels:
        name = audited.labels[model_field.name]
    elif isinstance(model_field.verbose_name, Promise):  # named by its model, translated
        name = model_field.verbose_name
    elif model_field.name in FIELD_LABELS:
        name = FIELD_LABELS[model_field.name]
    elif model_field.is_relation:
        name = model_field.related_model._meta.verbose_name
    else:
        name = model_field.verbose_name
    return capital(name)


def capital(text) -> str:
    """``text`` with its first letter upper-cased, the Azerbaijani way on Azerbaijani pages
    ("icma" → "İcma", where ``capfirst`` would give "Icma")."""
    text = str(text)
    if get_language() == "az":
        return aztext.upper(text[:1]) + text[1:]
    return capfirst(text)


def logged_fields(model: type[Model], audited: Audited) -> list[str]:
    """The fields of ``model`` whose values the log keeps (see :class:`Audited`).

    Only the model's own columns: auditlog would otherwise list reverse relations (a
    submission's "answers") with meaningless values in the entry of a new record.
    """
    translated = set()
    try:
        translated = set(translator.get_options_for_model(model).fields)
    except NotRegistered:
        pass
    names = []
    for model_field in model._meta.concrete_fields:
        if model_field.primary_key or model_field.name in audited.exclude or model_field.name in IDENTITY_FIELDS:
            continue
        if audited.include and model_field.name not in audited.include:
            continue
        if model_field.name in translated:
            continue  # modeltranslation's original column; its per-language columns are logged
        if isinstance(model_field, DateTimeField) and (model_field.auto_now or model_field.auto_now_add):
            continue
        names.append(model_field.name)
    return names


def scope_of(record: Model) -> dict:
    """The ``additional_data`` of an entry about ``record`` (empty for a model not audited)."""
    audited = audited_for(type(record))
    return audited.scope(record) if audited is not None else {}


# --- Receivers ---------------------------------------------------------------------------------


def attach_scope(sender, instance, action, **kwargs):
    """auditlog's ``pre_log``: give the record the ``get_additional_data`` auditlog asks it for.

    auditlog stores what a record's ``get_additional_data()`` returns in the entry; setting it
    on the instance, not the model class, keeps the other apps' models free of audit code, and
    auditlog calls it only when it really writes an entry, so a save changing nothing costs no
    query. Returns None: the entry is written.
    """
    audited = audited_for(sender)
    if audited is not None:
        instance.get_additional_data = partial(audited.scope, instance)


def log_corrections(sender, instance, action, **kwargs):
    """auditlog's ``pre_log`` for a submission being saved: one entry for the answers corrected.

    :func:`ogmonitor.surveys.submissions.correct_submission` records each changed question as
    an :class:`~ogmonitor.surveys.models.AnswerRevision` (with ``bulk_create``, which sends no
    signal), hands them to the submission as ``correction_revisions`` and saves it: they become
    one entry, question by question, before → after. A free-text answer's values are not
    copied (see the module's docstring).
    """
    from ogmonitor.surveys.models import Question

    revisions = getattr(instance, "correction_revisions", None)
    if action != LogEntry.Action.UPDATE or not revisions:
        return
    instance.correction_revisions = None  # logged once, whatever saves the instance next
    changes, questions = {}, {}
    for revision in revisions:
        question = revision.question
        free_text = question.type == Question.Type.TEXT
        if free_text:
            changes[question.name] = ["", ""]
        else:
            changes[question.name] = [answer_text(revision.old_value), answer_text(revision.new_value)]
        questions[question.name] = {
            "az": question.label_az or question.name, "en": question.label_en or "", "free_text": free_text,
        }
    LogEntry.objects.log_create(
        instance,
        action=LogEntry.Action.UPDATE,
        changes=changes,
        force_log=True,
        actor=revisions[0].changed_by,
        additional_data={**scope_of(instance), "correction": {"reason": revisions[0].reason, "questions": questions}},
    )


def answer_text(value) -> str:
    """A form value as the log shows it: "" for none, choices joined with commas."""
    if value in (None, "", []):
        return ""
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    return str(value)


class EntryIsFinal(Exception):
    """An audit entry, once written, is never changed."""


def refuse_changes(sender, instance, **kwargs):
    """``pre_save`` of LogEntry: an entry is written once; saving it again (the admin, a form, a
    script) is refused. Deleting is left to the database's cascades (a removed model's
    content type), which no page offers."""
    if not instance._state.adding:
        raise EntryIsFinal(f"Audit entry {instance.pk} cannot be changed.")


def scale_decimals(sender, instance, **kwargs) -> None:
    """Give decimals the scale of their column before auditlog compares them with the stored row.

    auditlog compares values as text, and the database gives back Decimal("600.00") where a form
    or a loader sets Decimal("600"): every save of an unchanged target would log "600.00 → 600".
    Connected before auditlog's own receiver, so it runs first.
    """
    for column in sender._meta.concrete_fields:
        if isinstance(column, models.DecimalField):
            value = getattr(instance, column.attname)
            if isinstance(value, Decimal) and value.is_finite():
                setattr(instance, column.attname, value.quantize(Decimal(1).scaleb(-column.decimal_places)))


def register() -> None:
    """Register :data:`AUDITED` with auditlog and connect the receivers above (at start-up)."""
    for audited in AUDITED:
        model = audited.model
        pre_save.connect(scale_decimals, sender=model, dispatch_uid=f"ogmonitor.audit.scale_decimals.{model._meta.label}")
        auditlog.register(model, include_fields=logged_fields(model, audited))
    pre_log.connect(attach_scope, dispatch_uid="ogmonitor.audit.attach_scope")
    pre_log.connect(log_corrections, sender=apps.get_model("surveys.Submission"), dispatch_uid="ogmonitor.audit.log_corrections")
    pre_save.connect(refuse_changes, sender=LogEntry, dispatch_uid="ogmonitor.audit.refuse_changes")
