"""Reading the demo data files, shared by the loaders."""

import json
from pathlib import Path

from django.conf import settings

DATA_DIR = Path(__file__).resolve().parent.parent / "data"


class DemoDataError(Exception):
    """The data files disagree with each other or with the reference data (pycountry)."""


def read_json(name: str):
    """The parsed JSON file ``data/<name>``."""
    with (DATA_DIR / name).open(encoding="utf-8") as handle:
        return json.load(handle)


def translated(field: str, value: dict | None) -> dict:
    """A data file's ``{"az": …, "en": …}`` as model fields ``{"<field>_az": …, "<field>_en": …}``.

    Every configured language must be present, so a missing English text fails here rather than
    showing up later as a blank column.
    """
    value = value or {}
    languages = [code for code, _name in settings.LANGUAGES]
    missing = [code for code in languages if code not in value]
    if missing:
        raise DemoDataError(f"{field}: no text for {', '.join(missing)} in {value!r}")
    return {f"{field}_{code}": value[code] for code in languages}


def format_translated(template: dict, **values) -> dict:
    """Fill the ``{placeholders}`` of each language's text in a translated template."""
    return {code: text.format(**values) for code, text in template.items()}
