"""Proactive disclosure by municipalities and community-based organisations.

A configurable checklist (categories of information items, each with a weight and a time it
stays current) and, per organisation, the record of each item's publication: where, when, the
link, who verified it. The transparency index is computed from these records (see
:mod:`ogmonitor.disclosure.index`), never typed in.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ogmonitor.places.models import Organization


class Category(models.Model):
    """A group of checklist items: recruitment, conflict of interest, budget and its execution…"""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("disclosure category")
        verbose_name_plural = _("disclosure categories")
        ordering = ["position", "code"]

    def __str__(self) -> str:
        return self.name


class Item(models.Model):
    """One piece of information an organisation is expected to publish."""

    class AppliesTo(models.TextChoices):
        MUNICIPALITY = "municipality", _("municipalities")
        COMMUNITY_ORGANIZATION = "community_organization", _("community-based organisations")
        BOTH = "both", _("both")

    category = models.ForeignKey(Category, verbose_name=_("category"), on_delete=models.PROTECT, related_name="items")
    code = models.SlugField(_("code"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    weight = models.DecimalField(
        _("weight"), max_digits=5, decimal_places=2, default=1,
        help_text=_("Its share in the transparency index relative to the other items."),
    )
    current_for_days = models.PositiveIntegerField(
        _("stays current for (days)"), null=True, blank=True,
        help_text=_("After this many days a publication no longer counts as current (e.g. 365 for a yearly budget). Blank: it never expires."),
    )
    applies_to = models.CharField(_("applies to"), max_length=24, choices=AppliesTo.choices, default=AppliesTo.MUNICIPALITY)
    is_active = models.BooleanField(_("in the checklist"), default=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    activities = models.ManyToManyField(
        "plans.Activity", verbose_name=_("NAP activities"), blank=True, related_name="disclosure_items",
        help_text=_("The activities of the action plan whose carrying out this item shows."),
    )

    class Meta:
        verbose_name = _("information item")
        verbose_name_plural = _("information items")
        ordering = ["category__position", "position", "code"]

    def __str__(self) -> str:
        return self.name


class Period(models.Model):
    """A reporting window over which the index is computed (e.g. a quarter or a project)."""

    name = models.CharField(_("name"), max_length=120)
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("to"))

    class Meta:
        verbose_name = _("period")
        verbose_name_plural = _("periods")
        ordering = ["starts_on"]
        constraints = [
            models.CheckConstraint(condition=models.Q(ends_on__gte=models.F("starts_on")), name="disclosure_period_in_order")
        ]

    def __str__(self) -> str:
        return self.name


class Publication(models.Model):
    """An organisation published an item: on which channel, when, where to see it, who checked."""

    class Channel(models.TextChoices):
        SOCIAL_MEDIA = "social_media", _("social-media page")
        WEBSITE = "website", _("website")
        NOTICE_BOARD = "notice_board", _("notice board")
        MEETING = "meeting", _("public meeting")
        OTHER = "other", _("other")

    organization = models.ForeignKey(
        Organization, verbose_name=_("organisation"), on_delete=models.CASCADE, related_name="publications"
    )
    item = models.ForeignKey(Item, verbose_name=_("item"), on_delete=models.PROTECT, related_name="publications")
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices, default=Channel.SOCIAL_MEDIA)
    url = models.URLField(_("link"), max_length=1000, blank=True)
    published_on = models.DateField(_("published on"), db_index=True)
    title = models.CharField(_("what was published"), max_length=300, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("verified by"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    verified_on = models.DateField(_("verified on"), null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)
    is_demo = models.BooleanField(_("demo record"), default=False)

    class Meta:
        verbose_name = _("publication")
        verbose_name_plural = _("publications")
        ordering = ["-published_on", "pk"]
        indexes = [models.Index(fields=["organization", "item", "published_on"])]

    def __str__(self) -> str:
        return f"{self.organization} – {self.item} ({self.published_on})"
