from modeltranslation.translator import TranslationOptions, register

from .models import Community, District, Organization


@register(District)
class DistrictTranslation(TranslationOptions):
    fields = ("name",)
    required_languages = ("az",)


@register(Community)
class CommunityTranslation(TranslationOptions):
    fields = ("name",)
    required_languages = ("az",)


@register(Organization)
class OrganizationTranslation(TranslationOptions):
    fields = ("name",)
    required_languages = ("az",)
