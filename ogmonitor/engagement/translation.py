from modeltranslation.translator import TranslationOptions, register

from .models import DialoguePlatform, Event, PlatformDocument, PressRelease, Proposal, VoteEvent


@register(Event)
class EventTranslation(TranslationOptions):
    fields = ("title", "topic", "summary", "agenda", "outcome")
    required_languages = ("az",)


@register(PressRelease)
class PressReleaseTranslation(TranslationOptions):
    fields = ("title", "body")


@register(Proposal)
class ProposalTranslation(TranslationOptions):
    fields = ("text", "answer_text")


@register(DialoguePlatform)
class DialoguePlatformTranslation(TranslationOptions):
    fields = ("name", "description")
    required_languages = ("az",)


@register(VoteEvent)
class VoteEventTranslation(TranslationOptions):
    fields = ("motion",)


@register(PlatformDocument)
class PlatformDocumentTranslation(TranslationOptions):
    fields = ("title",)
