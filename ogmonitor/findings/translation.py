from modeltranslation.translator import TranslationOptions, register

from .models import Finding, Indicator, Recommendation


@register(Indicator)
class IndicatorTranslation(TranslationOptions):
    fields = ("title", "sentence")
    required_languages = ("az",)


@register(Finding)
class FindingTranslation(TranslationOptions):
    fields = ("text",)
    required_languages = ("az",)


@register(Recommendation)
class RecommendationTranslation(TranslationOptions):
    fields = ("text", "addressee_text")
    required_languages = ("az",)
