from modeltranslation.translator import TranslationOptions, register

from .models import (
    ActionPlan,
    Activity,
    Area,
    AssessmentEvidence,
    LocalAssessment,
    LocalTarget,
    Milestone,
)


@register(ActionPlan)
class ActionPlanTranslation(TranslationOptions):
    fields = ("title", "approved_by", "summary")
    required_languages = ("az",)


@register(Area)
class AreaTranslation(TranslationOptions):
    fields = ("title",)
    required_languages = ("az",)


@register(Activity)
class ActivityTranslation(TranslationOptions):
    fields = ("title", "description", "executors_text", "participants", "deadline_text")
    required_languages = ("az",)


@register(LocalAssessment)
class LocalAssessmentTranslation(TranslationOptions):
    fields = ("narrative",)


@register(AssessmentEvidence)
class AssessmentEvidenceTranslation(TranslationOptions):
    fields = ("title",)


@register(LocalTarget)
class LocalTargetTranslation(TranslationOptions):
    fields = ("title", "description")
    required_languages = ("az",)


@register(Milestone)
class MilestoneTranslation(TranslationOptions):
    fields = ("title",)
    required_languages = ("az",)
