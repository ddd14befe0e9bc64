"""Names of breakdown groups in the active language.

A result cell stores a stable ``group_key`` (district code, community slug, respondent
category code, gender value), never a display name: the site is bilingual, so a label picked
at computation time would be in the wrong language for half the readers. These helpers turn
keys into labels when a page, report or command shows them — one query per dimension.
"""

from collections.abc import Iterable

from django.utils.translation import gettext as _

from ogmonitor.lib import aztext
from ogmonitor.places.models import Community, District
from ogmonitor.surveys.models import Gender, RespondentCategory

from .models import IndicatorResult

Dimension = IndicatorResult.Dimension

#: The order breakdowns are shown in.
DIMENSIONS = (Dimension.DISTRICT, Dimension.COMMUNITY, Dimension.CATEGORY, Dimension.GENDER)


def not_recorded_label() -> str:
    return _("not recorded")


def dimension_label(dimension: str) -> str:
    """"district", "respondent category"… in the active language ("" is "overall")."""
    return str(Dimension(dimension).label)


def group_labels(cells: Iterable[tuple[str, str]]) -> dict[tuple[str, str], str]:
    """``{(dimension, group_key): label}`` for the given cells, in the active language.

    A key that no longer names anything (a community deleted since) is shown as itself; the
    empty key is the group of respondents whose profile lacks that field.
    """
    wanted: dict[str, set[str]] = {}
    for dimension, key in cells:
        wanted.setdefault(dimension, set()).add(key)
    names: dict[tuple[str, str], str] = {}
    lookups = {
        Dimension.DISTRICT: lambda keys: {d.code: str(d) for d in District.objects.filter(code__in=keys)},
        Dimension.COMMUNITY: lambda keys: {c.slug: str(c) for c in Community.objects.filter(slug__in=keys)},
        Dimension.CATEGORY: lambda keys: {c.code: str(c) for c in RespondentCategory.objects.filter(code__in=keys)},
        Dimension.GENDER: lambda keys: {value: str(label) for value, label in Gender.choices},
    }
    for dimension, keys in wanted.items():
        known = {key for key in keys if key}
        found = lookups[dimension](known) if dimension in lookups and known else {}
        for key in keys:
            names[(dimension, key)] = found.get(key, key) if key else not_recorded_label()
    return names


def group_label(dimension: str, key: str) -> str:
    """The label of one group (one query; use :func:`group_labels` for many)."""
    if not dimension:
        return dimension_label(dimension)
    return group_labels([(dimension, key)])[(dimension, key)]


def sort_cells(dimension: str, cells: list) -> list:
    """Cells (with ``group_key`` and ``label``) in the order readers expect: genders as in the
    form, other groups alphabetically in Azerbaijani order; the "not recorded" group last."""
    gender_order = {value: index for index, value in enumerate(Gender.values)}

    def order(cell):
        if not cell.group_key:
            return (1, 0, ())
        if dimension == Dimension.GENDER:
            return (0, gender_order.get(cell.group_key, len(gender_order)), ())
        return (0, 0, aztext.sort_key(cell.label))

    return sorted(cells, key=order)
