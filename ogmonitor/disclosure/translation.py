from modeltranslation.translator import TranslationOptions, register

from .models import Category, Item, Period


@register(Category)
class CategoryTranslation(TranslationOptions):
    fields = ("name",)
    required_languages = ("az",)


@register(Item)
class ItemTranslation(TranslationOptions):
    fields = ("name", "description")
    required_languages = ("az",)


@register(Period)
class PeriodTranslation(TranslationOptions):
    fields = ("name",)
