"""What a study's coordinators write about its results: indicator definitions, findings, recommendations.

One function per state change, each in one transaction, called by the views, the admin and the
demo loader alike. The figures themselves are computed by :mod:`ogmonitor.findings.services`;
this module never counts answers.

A finding's text is a template: ``{percent}``, ``{numerator}``, ``{denominator}`` and
``{complement_percent}`` are filled with the indicator's *current* figures whenever the finding
is shown, so a recomputation refreshes every finding, edited or not. :func:`draft_findings`
(re)writes the templates of findings nobody has edited from their indicator's sentence, and
leaves edited ones (``is_edited``) as their author wrote them.
"""

import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from ogmonitor.lib.actors import actor_label
from ogmonitor.surveys.models import Study

from . import services
from .models import Finding, Indicator, IndicatorResult, Recommendation

logger = logging.getLogger(__name__)

#: The placeholders a finding's text (or an indicator's sentence) may use; filled by services.render_sentence.
PLACEHOLDERS = ("percent", "numerator", "denominator", "complement_percent")

INDICATOR_FIELDS = (
    "code", "position", "kind", "nap_area", "nap_activity", "question_name", "numerator_choices", "base",
    "filter_question", "filter_choices", "community_rule", "aggregate_key", "aggregate_choice",
)
FINDING_FIELDS = ("indicator", "nap_area", "position", "status")
RECOMMENDATION_FIELDS = ("position", "priority", "addressee", "status")


def _languages() -> list[str]:
    return [code for code, _name in settings.LANGUAGES]


def _translated_names(*names: str) -> list[str]:
    return [f"{name}_{code}" for name in names for code in _languages()]


# --- Indicator definitions ------------------------------------------------------------------


def create_indicator(study: Study, user=None, *, recompute: bool = True, **fields) -> Indicator:
    """Define an indicator of ``study`` (fields as on :class:`Indicator`, ``title_az``… per language).

    Its figures are computed after the transaction commits, unless ``recompute`` is false (a
    caller defining several indicators, such as the demo loader, then computes once itself).
    """
    with transaction.atomic():
        if "position" not in fields:
            fields["position"] = (study.indicators.aggregate(last=Max("position"))["last"] or 0) + 1
        indicator = Indicator(study=study)
        _assign(indicator, fields, INDICATOR_FIELDS + tuple(_translated_names("title", "sentence")))
        _check_indicator(indicator)
        indicator.full_clean()
        indicator.save()
        if recompute:
            services.schedule_recompute(study, user)  # after the commit
    logger.info("Study %s: indicator %s defined by %s", study.slug, indicator.code, actor_label(user))
    return indicator


def update_indicator(indicator: Indicator, user=None, *, recompute: bool = True, **fields) -> Indicator:
    """Change an indicator's definition; its figures (and the findings' numbers) are recomputed."""
    with transaction.atomic():
        _assign(indicator, fields, INDICATOR_FIELDS + tuple(_translated_names("title", "sentence")))
        _check_indicator(indicator)
        indicator.full_clean()
        indicator.save()
        if recompute:
            services.schedule_recompute(indicator.study, user)  # after the commit
    logger.info("Study %s: indicator %s changed by %s: %s", indicator.study.slug, indicator.code, actor_label(user), sorted(fields))
    return indicator


def _check_indicator(indicator: Indicator) -> None:
    """The definition refers only to the study's plan; a sentence uses only known placeholders."""
    plan_id = indicator.study.plan_id
    if indicator.nap_area_id and indicator.nap_area.plan_id != plan_id:
        raise ValidationError({"nap_area": _("This area belongs to another action plan.")})
    if indicator.nap_activity_id and indicator.nap_activity.plan_id != plan_id:
        raise ValidationError({"nap_activity": _("This activity belongs to another action plan.")})
    for name in _translated_names("sentence"):
        check_template(getattr(indicator, name) or "", name)


def check_template(text: str, field_name: str = "text") -> None:
    """Raise ValidationError if ``text`` uses a placeholder other than :data:`PLACEHOLDERS`."""
    import string

    try:
        names = [name for _literal, name, _spec, _conv in string.Formatter().parse(text) if name is not None]
    except ValueError:
        raise ValidationError(
            {field_name: _("A curly bracket is not closed. Write placeholders as {percent}.")}
        ) from None
    unknown = sorted({name for name in names if name not in PLACEHOLDERS})
    if unknown:
        raise ValidationError({
            field_name: _("Unknown placeholder: %(names)s. Use %(known)s.") % {
                "names": ", ".join(f"{{{name}}}" for name in unknown),
                "known": ", ".join(f"{{{name}}}" for name in PLACEHOLDERS),
            }
        })


# --- Findings -------------------------------------------------------------------------------


@dataclass
class DraftOutcome:
    """What :func:`draft_findings` did: findings created, rewritten from the sentence, and kept as edited."""

    created: list[Finding] = field(default_factory=list)
    refreshed: list[Finding] = field(default_factory=list)
    kept: list[Finding] = field(default_factory=list)

    @property
    def findings(self) -> list[Finding]:
        return self.created + self.refreshed + self.kept


def draft_findings(study: Study, user=None) -> DraftOutcome:
    """One finding per indicator that has a sentence and a figure, in every language.

    A finding not edited by hand gets its indicator's current sentence (and area, position);
    an edited one is left exactly as written. Either way its numbers are the current figures,
    because they are filled in when the finding is shown. New findings are drafts.
    """
    sentence_fields = _translated_names("sentence")
    text_fields = _translated_names("text")
    outcome = DraftOutcome()
    with transaction.atomic():
        with_figure = set(
            IndicatorResult.objects.overall()
            .filter(indicator__study=study, percentage__isnull=False)
            .values_list("indicator_id", flat=True)
        )
        indicators = [
            indicator
            for indicator in study.indicators.select_related("nap_activity").order_by("position", "code")
            if indicator.pk in with_figure and any(getattr(indicator, name) for name in sentence_fields)
        ]
        existing: dict[int, Finding] = {}
        for finding in study.findings.filter(indicator__isnull=False).order_by("position", "pk"):
            existing.setdefault(finding.indicator_id, finding)
        to_create, to_update = [], []
        for indicator in indicators:
            texts = {
                text: getattr(indicator, sentence) or ""
                for text, sentence in zip(text_fields, sentence_fields, strict=True)
            }
            area_id = indicator.nap_area_id or (indicator.nap_activity.area_id if indicator.nap_activity_id else None)
            finding = existing.get(indicator.pk)
            if finding is None:
                finding = Finding(
                    study=study, indicator=indicator, nap_area_id=area_id, position=indicator.position, **texts
                )
                to_create.append(finding)
                outcome.created.append(finding)
            elif finding.is_edited:
                outcome.kept.append(finding)
            else:
                for name, value in texts.items():
                    setattr(finding, name, value)
                finding.nap_area_id = area_id
                finding.position = indicator.position
                to_update.append(finding)
                outcome.refreshed.append(finding)
        Finding.objects.bulk_create(to_create)
        if to_update:
            Finding.objects.bulk_update(to_update, [*text_fields, "nap_area", "position"])
    logger.info(
        "Study %s: findings drafted by %s (%s new, %s refreshed, %s kept as edited)",
        study.slug, actor_label(user), len(outcome.created), len(outcome.refreshed), len(outcome.kept),
    )
    return outcome


def render_finding(finding: Finding, result) -> str:
    """The finding in the active language (Azerbaijani if untranslated) with ``result``'s figures.

    ``result`` is the indicator's overall IndicatorResult or the engine's cell for the viewer;
    figures it hides, or a missing result, read "—".
    """
    return services.render_sentence(finding.text or "", result)


def create_finding(study: Study, user=None, **fields) -> Finding:
    """A finding written by hand (``text_az``, ``text_en``, optionally ``indicator``…); marked as edited."""
    with transaction.atomic():
        if "position" not in fields:
            fields["position"] = (study.findings.aggregate(last=Max("position"))["last"] or 0) + 1
        finding = Finding(study=study, is_edited=True)
        _assign(finding, fields, FINDING_FIELDS + tuple(_translated_names("text")))
        _check_finding(finding)
        finding.full_clean()
        finding.save()
    logger.info("Study %s: finding %s written by %s", study.slug, finding.pk, actor_label(user))
    return finding


def update_finding(finding: Finding, user=None, **fields) -> Finding:
    """Change a finding; a changed text marks it as edited, so drafting never overwrites it."""
    with transaction.atomic():
        # Compared with the stored row: a form has already copied its values onto ``finding``.
        names = _translated_names("text")
        before = Finding.objects.filter(pk=finding.pk).values(*names).first() or {}
        before = {name: before.get(name) or "" for name in names}
        _assign(finding, fields, FINDING_FIELDS + tuple(_translated_names("text")))
        if any((getattr(finding, name) or "") != value for name, value in before.items()):
            finding.is_edited = True
        _check_finding(finding)
        finding.full_clean()
        finding.save()
    logger.info("Study %s: finding %s changed by %s: %s", finding.study.slug, finding.pk, actor_label(user), sorted(fields))
    return finding


def publish_findings(study: Study, user=None) -> int:
    """Publish every draft finding of the study; returns how many were published."""
    with transaction.atomic():
        count = study.findings.filter(status=Finding.Status.DRAFT).update(status=Finding.Status.PUBLISHED)
    logger.info("Study %s: %s findings published by %s", study.slug, count, actor_label(user))
    return count


def _check_finding(finding: Finding) -> None:
    if finding.indicator_id and finding.indicator.study_id != finding.study_id:
        raise ValidationError({"indicator": _("This indicator belongs to another study.")})
    if finding.nap_area_id and finding.nap_area.plan_id != finding.study.plan_id:
        raise ValidationError({"nap_area": _("This area belongs to another action plan.")})
    for name in _translated_names("text"):
        check_template(getattr(finding, name) or "", name)


# --- Recommendations ------------------------------------------------------------------------


def create_recommendation(study: Study, user=None, *, findings=(), activities=(), **fields) -> Recommendation:
    """A recommendation of ``study`` (``text_az``, ``text_en``, priority, addressee, status…),
    linked to findings of the same study and activities of its action plan."""
    with transaction.atomic():
        if "position" not in fields:
            fields["position"] = (study.recommendations.aggregate(last=Max("position"))["last"] or 0) + 1
        recommendation = Recommendation(study=study)
        _assign(recommendation, fields, RECOMMENDATION_FIELDS + tuple(_translated_names("text", "addressee_text")))
        recommendation.full_clean()
        recommendation.save()
        _link(recommendation, findings, activities)
    logger.info("Study %s: recommendation %s written by %s", study.slug, recommendation.pk, actor_label(user))
    return recommendation


def update_recommendation(recommendation: Recommendation, user=None, *, findings=None, activities=None, **fields) -> Recommendation:
    """Change a recommendation; ``findings``/``activities`` replace its links when given."""
    with transaction.atomic():
        _assign(recommendation, fields, RECOMMENDATION_FIELDS + tuple(_translated_names("text", "addressee_text")))
        recommendation.full_clean()
        recommendation.save()
        _link(recommendation, findings, activities)
    logger.info(
        "Study %s: recommendation %s changed by %s: %s",
        recommendation.study.slug, recommendation.pk, actor_label(user), sorted(fields),
    )
    return recommendation


def set_recommendation_status(recommendation: Recommendation, status: str, user=None) -> Recommendation:
    """Move a recommendation along: proposed → submitted → accepted → being implemented → implemented (or rejected)."""
    if status not in Recommendation.Status.values:
        raise ValidationError(_("Unknown status “%(status)s”.") % {"status": status})
    with transaction.atomic():
        previous = recommendation.status
        recommendation.status = status
        recommendation.save(update_fields=["status", "updated_at"])
    logger.info(
        "Study %s: recommendation %s status %s → %s by %s",
        recommendation.study.slug, recommendation.pk, previous, status, actor_label(user),
    )
    return recommendation


def _link(recommendation: Recommendation, findings, activities) -> None:
    study = recommendation.study
    if findings is not None:
        findings = list(findings)
        foreign = [finding for finding in findings if finding.study_id != study.pk]
        if foreign:
            raise ValidationError({"findings": _("These findings belong to another study.")})
        recommendation.findings.set(findings)
    if activities is not None:
        activities = list(activities)
        foreign = [activity for activity in activities if activity.plan_id != study.plan_id]
        if foreign:
            raise ValidationError({
                "activities": _("These activities are not in the study's action plan: %(numbers)s.")
                % {"numbers": ", ".join(activity.number for activity in foreign)}
            })
        recommendation.activities.set(activities)


def _assign(instance, fields: dict, allowed) -> None:
    unknown = sorted(set(fields) - set(allowed))
    if unknown:
        raise TypeError(f"{type(instance).__name__} has no editable field {', '.join(unknown)}")
    for name, value in fields.items():
        setattr(instance, name, value)
