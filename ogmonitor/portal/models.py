"""Settings of the open-data datasets: under which licence each is published, or withdrawn.

The datasets themselves are declared in code (:mod:`ogmonitor.portal.opendata`); a dataset
without a :class:`DatasetSettings` row is published under the default licence, CC BY 4.0.
"""

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _


class Licence(models.TextChoices):
    """Open licences a dataset may carry; the values are SPDX identifiers (as Frictionless uses)."""

    CC_BY_4 = "CC-BY-4.0", _("Creative Commons Attribution 4.0 International (CC BY 4.0)")
    CC_BY_SA_4 = "CC-BY-SA-4.0", _("Creative Commons Attribution-ShareAlike 4.0 International (CC BY-SA 4.0)")
    CC0_1 = "CC0-1.0", _("Creative Commons Zero 1.0 Universal: public domain dedication (CC0 1.0)")
    ODBL_1 = "ODbL-1.0", _("Open Data Commons Open Database License 1.0 (ODbL 1.0)")


@dataclass(frozen=True)
class LicenceInfo:
    """A licence as shown and described: SPDX id, short name, full title, where its text is."""

    spdx: str
    short: str
    path: str

    @property
    def title(self) -> str:
        return str(Licence(self.spdx).label)

    def as_frictionless(self) -> dict:
        """The licence as a Frictionless ``licenses`` entry (name, path, title)."""
        return {"name": self.spdx, "path": self.path, "title": self.title}


LICENCES = {
    Licence.CC_BY_4: LicenceInfo(Licence.CC_BY_4, "CC BY 4.0", "https://creativecommons.org/licenses/by/4.0/"),
    Licence.CC_BY_SA_4: LicenceInfo(Licence.CC_BY_SA_4, "CC BY-SA 4.0", "https://creativecommons.org/licenses/by-sa/4.0/"),
    Licence.CC0_1: LicenceInfo(Licence.CC0_1, "CC0 1.0", "https://creativecommons.org/publicdomain/zero/1.0/"),
    Licence.ODBL_1: LicenceInfo(Licence.ODBL_1, "ODbL 1.0", "https://opendatacommons.org/licenses/odbl/1-0/"),
}
DEFAULT_LICENCE = Licence.CC_BY_4


class DatasetSettings(models.Model):
    """The licence, credit line and publication of one open-data dataset (by its slug)."""

    dataset = models.SlugField(
        _("dataset"), max_length=60, unique=True, help_text=_("The dataset's short name, as in its address.")
    )
    licence = models.CharField(_("licence"), max_length=16, choices=Licence.choices, default=DEFAULT_LICENCE)
    attribution = models.CharField(
        _("attribution"), max_length=300, blank=True,
        help_text=_("How re-users should credit the source, e.g. “Ümid QHT, ogmonitor”. Blank: the site’s name."),
    )
    is_published = models.BooleanField(
        _("published"), default=True,
        help_text=_("Untick to withdraw the dataset: its page and downloads disappear from the catalogue."),
    )
    updated_at = models.DateTimeField(_("changed at"), auto_now=True)

    class Meta:
        verbose_name = _("dataset settings")
        verbose_name_plural = _("dataset settings")
        ordering = ["dataset"]

    def __str__(self) -> str:
        return self.dataset

    @property
    def licence_info(self) -> LicenceInfo:
        return LICENCES[Licence(self.licence)]
