"""Where monitoring happens: districts (rayons), communities, and the organisations in them."""

from django.db import models
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from ogmonitor.lib import aztext
from ogmonitor.lib.models import SearchableName, SearchableQuerySet


def unique_slug(instance, text: str, field: str = "slug") -> str:
    """A slug from Azerbaijani ``text`` (transliterated, so 'Xaçmaz' → 'khachmaz'), made unique."""
    base = slugify(aztext.to_english(text))[:60] or "item"
    slug, counter = base, 2
    model = type(instance)
    while model.objects.filter(**{field: slug}).exclude(pk=instance.pk).exists():
        slug, counter = f"{base}-{counter}", counter + 1
    return slug


class District(SearchableName):
    """A first-level subdivision of Azerbaijan (rayon, city, autonomous republic), ISO 3166-2:AZ."""

    class Kind(models.TextChoices):
        RAYON = "rayon", _("district (rayon)")
        CITY = "city", _("city")
        AUTONOMOUS_REPUBLIC = "autonomous_republic", _("autonomous republic")

    code = models.CharField(
        _("ISO 3166-2 code"), max_length=10, unique=True, help_text=_("For example AZ-QBA for Guba.")
    )
    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(_("kind"), max_length=24, choices=Kind.choices, default=Kind.RAYON)
    parent = models.ForeignKey(
        "self", verbose_name=_("part of"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )

    class Meta:
        verbose_name = _("district")
        verbose_name_plural = _("districts")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("places:district", args=[self.code])


class Community(SearchableName):
    """A village or settlement; the unit where surveys are run and results reported."""

    class Kind(models.TextChoices):
        VILLAGE = "village", _("village")
        SETTLEMENT = "settlement", _("settlement")
        TOWN = "town", _("town")

    district = models.ForeignKey(
        District, verbose_name=_("district"), on_delete=models.PROTECT, related_name="communities"
    )
    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("slug"), max_length=80, unique=True, blank=True)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.VILLAGE)
    is_demo = models.BooleanField(
        _("demo record"), default=False, help_text=_("Invented for the demonstration; not a real place.")
    )

    class Meta:
        verbose_name = _("community")
        verbose_name_plural = _("communities")
        ordering = ["district__code", "name_az"]
        constraints = [
            models.UniqueConstraint(fields=["district", "name_az"], name="community_unique_name_in_district")
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_slug(self, f"{self.district.name_az} {self.name_az}")
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("places:community", args=[self.slug])


class OrganizationQuerySet(SearchableQuerySet):
    def municipalities(self):
        return self.filter(type=Organization.Type.MUNICIPALITY)


class Organization(SearchableName):
    """Any actor the monitoring deals with: municipality, state body, NGO, platform, media…"""

    class Type(models.TextChoices):
        MUNICIPALITY = "municipality", _("municipality")
        LOCAL_EXECUTIVE = "local_executive", _("district executive authority")
        EXCOM_REPRESENTATION = "excom_representation", _("executive-committee territorial representation")
        COMMUNITY_COUNCIL = "community_council", _("community development council")
        COMMUNITY_ORGANIZATION = "community_organization", _("community-based organisation")
        NGO = "ngo", _("non-governmental organisation")
        ENTERPRISE = "enterprise", _("enterprise or farm")
        STATE_BODY = "state_body", _("state body")
        INTERNATIONAL = "international", _("international organisation or donor")
        MEDIA = "media", _("media")
        PLATFORM = "platform", _("platform or network")
        OTHER = "other", _("other")

    name = models.CharField(_("name"), max_length=255)
    short_name = models.CharField(_("short name"), max_length=60, blank=True)
    slug = models.SlugField(_("slug"), max_length=80, unique=True, blank=True)
    type = models.CharField(_("type"), max_length=32, choices=Type.choices, db_index=True)
    district = models.ForeignKey(
        District, verbose_name=_("district"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="organizations", help_text=_("The district it serves, if it is local."),
    )
    community = models.ForeignKey(
        Community, verbose_name=_("community"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="organizations", help_text=_("The community it serves, if any."),
    )
    website = models.URLField(_("website"), blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    address = models.CharField(_("address"), max_length=255, blank=True)
    is_demo = models.BooleanField(
        _("demo record"), default=False, help_text=_("Invented for the demonstration; not a real organisation.")
    )

    objects = OrganizationQuerySet.as_manager()

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name_az"]

    def __str__(self) -> str:
        return self.name

    def search_texts(self) -> list[str]:
        return [*super().search_texts(), self.short_name]

    def save(self, *args, **kwargs):
        if self.community_id and not self.district_id:
            self.district_id = self.community.district_id
        if not self.slug:
            self.slug = unique_slug(self, self.short_name or self.name_az or self.name_en)
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("places:organization", args=[self.slug])
