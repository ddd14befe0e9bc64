"""Reading one cell of a response file: numbers, dates, timestamps, choices, multiple choices.

Each reader takes the cell's text and returns the value to store or raises :class:`CellError`
whose message tells the user what is expected. They are pure functions (no database), called
once per *distinct* cell value: the row pipeline caches their results.
"""

import datetime as dt
import re
from decimal import Decimal, InvalidOperation

from django.utils import timezone
from django.utils.translation import gettext as _

from ogmonitor.lib import aztext


class CellError(ValueError):
    """A cell's value cannot be used; the message says what is expected instead."""


def keys(text: str) -> tuple[str, ...]:
    """Look-up keys of a label or value: Azerbaijani folding first, then plain Unicode folding.

    'BƏLİ' folds to 'bəli' only by Azerbaijani rules, while 'i don't know' matches the label
    "I don't know" only by English ones, so both are tried (Azerbaijani first).
    """
    first = aztext.fold(text)
    second = aztext.fold_latin(text)
    return (first,) if first == second else (first, second)


def add_keys(index: dict, text: str, value) -> None:
    """Index ``value`` under the keys of ``text``; a key already taken keeps its first value."""
    if text:
        for key in keys(text):
            if key:
                index.setdefault(key, value)


def look_up(index: dict, text: str):
    for key in keys(text):
        if key in index:
            return index[key]
    return None


# --- Numbers --------------------------------------------------------------------------------

_INTEGER = re.compile(r"[+-]?\d+(?:[.,]0+)?")
_DECIMAL = re.compile(r"[+-]?(?:\d+(?:[.,]\d*)?|[.,]\d+)")
#: Answer.number is NUMERIC(18, 6): at most 12 digits before the point.
_NUMBER_LIMIT = Decimal(10) ** 12


def read_integer(text: str) -> Decimal:
    text = text.strip().replace("\u00a0", "").replace(" ", "")
    if not _INTEGER.fullmatch(text):
        raise CellError(_("“%(value)s” is not a whole number.") % {"value": text})
    value = Decimal(text.replace(",", ".")).to_integral_value()
    if abs(value) >= _NUMBER_LIMIT:
        raise CellError(_("%(value)s is too large to store.") % {"value": text})
    return value


def read_decimal(text: str) -> Decimal:
    """A decimal with a point or (as Azerbaijani Excel writes it) a comma."""
    text = text.strip().replace("\u00a0", "").replace(" ", "")
    if not _DECIMAL.fullmatch(text):
        raise CellError(_("“%(value)s” is not a number.") % {"value": text})
    try:
        value = Decimal(text.replace(",", "."))
    except InvalidOperation:  # pragma: no cover - the pattern already excludes it
        raise CellError(_("“%(value)s” is not a number.") % {"value": text}) from None
    if abs(value) >= _NUMBER_LIMIT:
        raise CellError(_("%(value)s is too large to store.") % {"value": text})
    if value.as_tuple().exponent < -6:
        value = value.quantize(Decimal("0.000001"))
    return value


# --- Dates and times ------------------------------------------------------------------------

_ISO = re.compile(r"(\d{4})[-/](\d{1,2})[-/](\d{1,2})")
_DOTTED = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4})")
_SLASHED = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")
_TIME = re.compile(r"[T ]+(\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,6})\d*)?)?\s*([AaPp][Mm])?")
_OFFSET = re.compile(r"\s*(?:Z|(?:GMT|UTC)?\s*([+-])(\d{1,2})(?::?(\d{2}))?|GMT|UTC)\s*$")


def _date_part(text: str) -> tuple[dt.date, str]:
    """The date at the start of ``text`` and what follows it.

    Accepted: 2024-03-05 and 2024/03/05 (ISO, Kobo, XLSX), 05.03.2024 (Azerbaijani), and
    3/5/2024 — month first, as Google Sheets writes in its default (US) locale, unless the
    first number cannot be a month (25/3/2024 is read day first).
    """
    if match := _ISO.match(text):
        year, month, day = (int(part) for part in match.groups())
    elif match := _DOTTED.match(text):
        day, month, year = (int(part) for part in match.groups())
    elif match := _SLASHED.match(text):
        first, second, year = (int(part) for part in match.groups())
        month, day = (second, first) if first > 12 else (first, second)
    else:
        raise ValueError
    return dt.date(year, month, day), text[match.end():]


def read_date(text: str) -> dt.date:
    text = text.strip()
    try:
        value, rest = _date_part(text)
        if rest.strip() and not _TIME.match(rest):
            raise ValueError
    except ValueError:
        raise CellError(
            _("“%(value)s” is not a date: write it as 2024-03-05 or 05.03.2024.") % {"value": text}
        ) from None
    return value


def _local_zone():
    return timezone.get_default_timezone()


def read_datetime(text: str) -> dt.datetime:
    """A submission time as Google Forms, Google Sheets, Kobo or Excel writes it, made aware.

    Times without an offset are local (settings.TIME_ZONE); Google's "GMT+4" suffix is honoured.
    """
    text = text.strip()
    if len(text) >= 19 and text[4] == "-" and text[10] in "T ":
        # Kobo's and Excel's ISO form: the C parser, 20 times faster than the patterns below.
        try:
            value = dt.datetime.fromisoformat(text)
        except ValueError:
            pass
        else:
            return value if value.tzinfo else value.replace(tzinfo=_local_zone())
    try:
        day, rest = _date_part(text)
        hour = minute = second = micro = 0
        if rest.strip():
            time_match = _TIME.match(rest)
            if not time_match:
                raise ValueError
            hour, minute = int(time_match[1]), int(time_match[2])
            second = int(time_match[3] or 0)
            micro = int((time_match[4] or "0").ljust(6, "0"))
            if time_match[5]:
                if not 1 <= hour <= 12:
                    raise ValueError
                hour = hour % 12 + (12 if time_match[5].lower() == "pm" else 0)
            rest = rest[time_match.end():]
        tzinfo = None
        if rest.strip():
            offset_match = _OFFSET.fullmatch(rest)
            if not offset_match:
                raise ValueError
            if offset_match[1]:
                minutes = int(offset_match[2]) * 60 + int(offset_match[3] or 0)
                tzinfo = dt.timezone(dt.timedelta(minutes=minutes if offset_match[1] == "+" else -minutes))
            else:
                tzinfo = dt.UTC
        value = dt.datetime(day.year, day.month, day.day, hour, minute, second, micro, tzinfo=tzinfo)
    except ValueError:
        raise CellError(
            _("“%(value)s” is not a date and time: write it as 2024-03-05 14:30.") % {"value": text}
        ) from None
    return value if tzinfo else value.replace(tzinfo=_local_zone())


# --- Choices --------------------------------------------------------------------------------


def split_multiple(text: str, index: dict) -> tuple[list, list[str]]:
    """The choices named in a multiple-choice cell, and the parts that name none.

    Google Forms joins the chosen labels with ", "; Kobo joins choice names (or labels) with
    spaces. Labels may themselves hold spaces or commas ("Sosial şəbəkə", "Yes, often"), so
    adjacent parts are joined back greedily, longest match first.
    """
    whole = look_up(index, text)
    if whole is not None:
        return [whole], []
    separator = "," if "," in text else " "
    parts = [part.strip() for part in text.split(separator)]
    parts = [part for part in parts if part]
    found, unknown = [], []
    start = 0
    while start < len(parts):
        for end in range(len(parts), start, -1):
            value = look_up(index, (separator + " ").join(parts[start:end]))
            if value is not None:
                if value not in found:
                    found.append(value)
                start = end
                break
        else:
            unknown.append(parts[start])
            start += 1
    return found, unknown


def read_instance_id(text: str):
    """The UUID in Kobo's ``_uuid`` or ODK's ``meta/instanceID`` ("uuid:…")."""
    import uuid

    value = text.strip()
    if value.lower().startswith("uuid:"):
        value = value[5:]
    try:
        return uuid.UUID(value)
    except ValueError:
        raise CellError(_("“%(value)s” is not an instance id (a UUID).") % {"value": text.strip()}) from None
