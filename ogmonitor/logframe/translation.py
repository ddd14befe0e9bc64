from modeltranslation.translator import TranslationOptions, register

from .models import ExpectedResult, Indicator, Objective, Project, ProjectActivity


@register(Project)
class ProjectTranslation(TranslationOptions):
    fields = ("title", "programme", "summary", "source_note")
    required_languages = ("az",)


@register(Objective)
class ObjectiveTranslation(TranslationOptions):
    fields = ("title",)
    required_languages = ("az",)


@register(ProjectActivity)
class ProjectActivityTranslation(TranslationOptions):
    fields = ("title", "description")
    required_languages = ("az",)


@register(ExpectedResult)
class ExpectedResultTranslation(TranslationOptions):
    fields = ("text",)
    required_languages = ("az",)


@register(Indicator)
class IndicatorTranslation(TranslationOptions):
    fields = ("title", "unit")
    required_languages = ("az",)
