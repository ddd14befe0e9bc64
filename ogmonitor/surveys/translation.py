from modeltranslation.translator import TranslationOptions, register

from .models import AggregateResult, Choice, Question, RespondentCategory, Study


@register(Study)
class StudyTranslation(TranslationOptions):
    fields = ("title", "description", "source_note")
    required_languages = ("az",)


@register(Question)
class QuestionTranslation(TranslationOptions):
    fields = ("label", "hint", "constraint_message", "required_message")


@register(Choice)
class ChoiceTranslation(TranslationOptions):
    fields = ("label",)


@register(RespondentCategory)
class RespondentCategoryTranslation(TranslationOptions):
    fields = ("name",)
    required_languages = ("az",)


@register(AggregateResult)
class AggregateResultTranslation(TranslationOptions):
    fields = ("label", "source_note")
    required_languages = ("az",)
