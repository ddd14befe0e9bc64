"""Texts computed in the active language (breakdown labels, notes, sentences), in both."""

from collections.abc import Callable
from typing import TypeVar

from django.utils import translation

from .serializers_places import LANGUAGES

T = TypeVar("T")


def in_each_language(function: Callable[..., T], *args, **kwargs) -> dict[str, T]:
    """``{"az": function(...), "en": function(...)}``, each computed with that language active."""
    results = {}
    for language in LANGUAGES:
        with translation.override(language):
            results[language] = function(*args, **kwargs)
    return results
