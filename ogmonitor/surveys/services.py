"""State changes of studies and questionnaires: one function each, for views, admin, commands and the demo.

Each runs in one transaction and logs who did what (the project has no audit table yet; the log
line is its stand-in and says so in the same words every time).
"""

import io
import logging

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from ogmonitor.plans.models import Activity, Area

from .models import Choice, Question, Questionnaire, Study, StudyMember
from .xlsform import ParsedForm, read_xlsform, write_xlsform

logger = logging.getLogger(__name__)

#: Study fields that are many-to-many relations, set after the study is saved.
_M2M_FIELDS = ("districts", "communities", "areas")


def _split(fields: dict) -> tuple[dict, dict]:
    plain = {key: value for key, value in fields.items() if key not in _M2M_FIELDS}
    related = {key: value for key, value in fields.items() if key in _M2M_FIELDS}
    return plain, related


def create_study(user, **fields) -> Study:
    """Create a study from model field values (``title_az``, ``plan``, ``communities``…).

    Districts of the chosen communities are added to ``districts``, so a study never covers a
    community without its district.
    """
    plain, related = _split(fields)
    with transaction.atomic():
        study = Study(**plain)
        study.full_clean()
        study.save()
        _set_places(study, related)
    logger.info("Study %s created by %s (%s)", study.slug, user, getattr(user, "pk", None))
    return study


def update_study(study: Study, user, **fields) -> Study:
    """Change a study's fields (the same names as :func:`create_study`)."""
    plain, related = _split(fields)
    with transaction.atomic():
        for name, value in plain.items():
            setattr(study, name, value)
        study.full_clean()
        study.save()
        _set_places(study, related)
    logger.info("Study %s changed by %s (%s): %s", study.slug, user, getattr(user, "pk", None), sorted(fields))
    return study


def _set_places(study: Study, related: dict) -> None:
    if "areas" in related:
        study.areas.set(related["areas"])
    if "communities" in related:
        communities = list(related["communities"])
        study.communities.set(communities)
        districts = set(related.get("districts", study.districts.all()))
        districts |= {community.district for community in communities}
        study.districts.set(districts)
    elif "districts" in related:
        study.districts.set(related["districts"])


def set_study_status(study: Study, status: str, user) -> Study:
    """Move a study to another stage (planned, collecting, closed, published)."""
    if status not in Study.Status.values:
        raise ValidationError(_("Unknown status “%(status)s”.") % {"status": status})
    with transaction.atomic():
        previous = study.status
        study.status = status
        study.save(update_fields=["status"])
    logger.info("Study %s status %s → %s by %s (%s)", study.slug, previous, status, user, getattr(user, "pk", None))
    return study


def set_member(study: Study, user, role: str, communities=(), *, by=None) -> StudyMember:
    """Make ``user`` a coordinator or enumerator of ``study``, assigned to ``communities``.

    Adding someone already a member changes their role and communities. Communities must be
    among the study's (when the study lists any).
    """
    if role not in StudyMember.Role.values:
        raise ValidationError(_("Unknown role “%(role)s”.") % {"role": role})
    communities = list(communities)
    with transaction.atomic():
        covered = set(study.communities.values_list("pk", flat=True))
        outside = [community for community in communities if covered and community.pk not in covered]
        if outside:
            raise ValidationError(
                _("These communities are not covered by the study: %(names)s.")
                % {"names": ", ".join(str(community) for community in outside)}
            )
        member, _created = StudyMember.objects.update_or_create(study=study, user=user, defaults={"role": role})
        member.communities.set(communities)
    logger.info("Study %s: %s is %s in %s communities (by %s)", study.slug, user, role, len(communities), by)
    return member


def remove_member(study: Study, member: StudyMember, *, by=None) -> None:
    """Take a user off a study (their submissions stay)."""
    with transaction.atomic():
        StudyMember.objects.filter(pk=member.pk, study=study).delete()
    logger.info("Study %s: %s removed (by %s)", study.slug, member.user, by)


def create_questionnaire(study: Study, uploaded_file, filename: str, user) -> Questionnaire:
    """Store a new version of the study's questionnaire from an XLSForm upload.

    Raises :class:`~ogmonitor.surveys.xlsform.XLSFormError` listing every problem, having
    written nothing. ``nap_activity`` and ``nap_area`` must exist in the study's plan. The
    version is the study's highest plus one; earlier versions stay, with their answers.
    """
    data = uploaded_file.read() if hasattr(uploaded_file, "read") else bytes(uploaded_file)
    activities = dict(Activity.objects.filter(plan_id=study.plan_id).values_list("number", "pk"))
    areas = {str(number): pk for number, pk in Area.objects.filter(plan_id=study.plan_id).values_list("number", "pk")}
    form = read_xlsform(io.BytesIO(data), filename, known_activities=set(activities), known_areas=set(areas))
    with transaction.atomic():
        # Lock the study so two uploads at once get versions n+1 and n+2, not both n+1.
        Study.objects.select_for_update().only("pk").get(pk=study.pk)
        latest = study.questionnaires.aggregate(latest=Max("version"))["latest"] or 0
        questionnaire = Questionnaire.objects.create(
            study=study,
            version=latest + 1,
            title=form.title,
            form_id=form.form_id,
            form_version=form.version,
            default_language=form.default_language,
            definition=form.definition,
            settings_extra={"settings": form.settings_extra, "metadata": form.metadata},
            created_by=user if getattr(user, "pk", None) else None,
        )
        Question.objects.bulk_create(_questions(questionnaire, form, activities, areas))
        Choice.objects.bulk_create(_choices(questionnaire, form))
        # Last, so a failure above leaves no stray file behind.
        questionnaire.source_file.save(_safe_name(filename), ContentFile(data), save=True)
    logger.info(
        "Study %s: questionnaire v%s uploaded by %s (%s questions, %s choices, %s)",
        study.slug, questionnaire.version, user, len(form.questions), len(form.choices), filename,
    )
    return questionnaire


def _safe_name(filename: str) -> str:
    name = filename.replace("\\", "/").rsplit("/", 1)[-1] or "questionnaire.xlsx"
    return name if name.lower().endswith(".xlsx") else f"{name}.xlsx"


def _translated(prefix: str, texts: dict[str, str]) -> dict[str, str]:
    from django.conf import settings

    return {f"{prefix}_{code}": texts.get(code, "") for code, _name in settings.LANGUAGES}


def _questions(questionnaire: Questionnaire, form: ParsedForm, activities: dict, areas: dict) -> list[Question]:
    questions = []
    for position, parsed in enumerate(form.questions, start=1):
        questions.append(
            Question(
                questionnaire=questionnaire,
                position=position,
                row=parsed.row,
                type=parsed.type,
                name=parsed.name,
                path=parsed.path,
                required=parsed.required,
                constraint=parsed.constraint,
                relevant=parsed.relevant,
                list_name=parsed.list_name,
                appearance=parsed.appearance,
                nap_activity_id=activities.get(parsed.nap_activity) if parsed.nap_activity else None,
                nap_area_id=areas.get(str(int(parsed.nap_area))) if parsed.nap_area else None,
                extra=parsed.extra,
                **_translated("label", parsed.labels),
                **_translated("hint", parsed.hints),
                **_translated("constraint_message", parsed.constraint_messages),
                **_translated("required_message", parsed.required_messages),
            )
        )
    return questions


def _choices(questionnaire: Questionnaire, form: ParsedForm) -> list[Choice]:
    return [
        Choice(
            questionnaire=questionnaire,
            list_name=parsed.list_name,
            name=parsed.name,
            position=parsed.position,
            extra=parsed.extra,
            **_translated("label", parsed.labels),
        )
        for parsed in form.choices
    ]


def export_questionnaire(questionnaire: Questionnaire) -> bytes:
    """The questionnaire as an XLSForm (.xlsx) that can be edited and uploaded as the next version."""
    return write_xlsform(questionnaire)
