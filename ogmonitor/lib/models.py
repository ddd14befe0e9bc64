"""Model building blocks shared by the domain apps: Azerbaijani-aware search and ordering."""

from django.db import models
from django.db.models import Q
from django.db.models.functions import Collate
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from . import aztext


def az_collated(field: str) -> Collate:
    """An order-by expression sorting ``field`` in Azerbaijani alphabetical order on any database."""
    return Collate(models.F(field), "az")


class SearchableQuerySet(models.QuerySet):
    """Search and sort by name the way Azerbaijani readers expect."""

    def search(self, query: str):
        variants = aztext.search_variants(query or "")
        if not variants:
            return self
        condition = Q()
        for variant in variants:
            condition |= Q(search_key__contains=variant)
        return self.filter(condition)

    def order_by_name(self, language: str | None = None):
        """Alphabetical by the name in ``language`` (default: the active one), az collation."""
        language = (language or get_language() or "az")[:2]
        field = "name_en" if language == "en" else "name_az"
        return self.order_by(az_collated(field), "pk")


class SearchableName(models.Model):
    """Abstract: a translated ``name`` plus a folded ``search_key`` kept in step on save.

    The key holds every language's name folded both the Azerbaijani and the plain way
    (see :func:`aztext.search_key`), so one indexed ``contains`` finds "İsmayıllı" from
    "ismayıllı" or "ISMAYILLI" on SQLite and PostgreSQL alike.
    """

    search_key = models.TextField(_("search key"), editable=False, default="")

    objects = SearchableQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        for field in ("name_az", "name_en"):
            setattr(self, field, aztext.normalize(getattr(self, field, "") or ""))
        self.search_key = aztext.search_key(*self.search_texts())
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "search_key"}
        super().save(*args, **kwargs)

    def search_texts(self) -> list[str]:
        return [self.name_az or "", self.name_en or ""]
