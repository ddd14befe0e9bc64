"""The NAP registry: action plans, their areas (directions) and activities (measures)."""

import re

from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from ogmonitor.places.models import Organization

ACTIVITY_NUMBER_RE = re.compile(r"^\d{1,3}(\.\d{1,3}){0,3}$")
validate_activity_number = RegexValidator(
    ACTIVITY_NUMBER_RE, _("An activity number is numbers joined by dots, such as 3.2 or 1.4.1.")
)
_YEAR_VALIDATORS = [MinValueValidator(1990), MaxValueValidator(2100)]


def number_sort_key(number: str) -> str:
    """'3.10' → '0003.0010', so activities sort 3.2 before 3.10 with a plain ORDER BY."""
    return ".".join(part.zfill(4) for part in number.split("."))


class ActionPlan(models.Model):
    """A National Action Plan for the Promotion of Open Government (e.g. 2020–2022)."""

    title = models.CharField(_("title"), max_length=255)
    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    country = models.CharField(_("country"), max_length=2, default="AZ", help_text=_("ISO 3166-1 code."))
    start_year = models.PositiveSmallIntegerField(_("first year"), validators=_YEAR_VALIDATORS)
    end_year = models.PositiveSmallIntegerField(_("last year"), validators=_YEAR_VALIDATORS)
    approved_by = models.CharField(
        _("approving act"), max_length=255, blank=True,
        help_text=_("For example: Presidential Decree No. 1859 of 27 February 2020."),
    )
    approved_on = models.DateField(_("approved on"), null=True, blank=True)
    summary = models.TextField(_("summary"), blank=True)
    source_url = models.URLField(_("source"), blank=True)
    is_demo = models.BooleanField(
        _("contains placeholders"), default=False,
        help_text=_("Some of its areas or activities are placeholders awaiting the official text."),
    )

    class Meta:
        verbose_name = _("action plan")
        verbose_name_plural = _("action plans")
        ordering = ["-start_year"]
        constraints = [
            models.CheckConstraint(condition=models.Q(end_year__gte=models.F("start_year")), name="plan_years_in_order")
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("plans:detail", args=[self.slug])

    @property
    def period(self) -> str:
        return f"{self.start_year}–{self.end_year}"


class Area(models.Model):
    """A direction (point) of a plan, grouping its activities."""

    plan = models.ForeignKey(ActionPlan, verbose_name=_("action plan"), on_delete=models.CASCADE, related_name="areas")
    number = models.PositiveSmallIntegerField(_("number"))
    title = models.CharField(_("title"), max_length=500)
    is_placeholder = models.BooleanField(
        _("placeholder"), default=False, help_text=_("The title is not the official text yet.")
    )

    class Meta:
        verbose_name = _("area")
        verbose_name_plural = _("areas")
        ordering = ["plan", "number"]
        constraints = [models.UniqueConstraint(fields=["plan", "number"], name="area_unique_number_in_plan")]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"


class ActivityQuerySet(models.QuerySet):
    def involving_municipalities(self):
        return self.filter(involves_municipalities=True)


class Activity(models.Model):
    """One measure of a plan, with who carries it out and by when."""

    plan = models.ForeignKey(ActionPlan, verbose_name=_("action plan"), on_delete=models.CASCADE, related_name="activities")
    area = models.ForeignKey(Area, verbose_name=_("area"), on_delete=models.CASCADE, related_name="activities")
    number = models.CharField(_("number"), max_length=16, validators=[validate_activity_number])
    sort_key = models.CharField(max_length=40, editable=False, db_index=True)
    title = models.TextField(_("title"))
    description = models.TextField(_("description"), blank=True)
    executors = models.ManyToManyField(
        Organization, verbose_name=_("executing organisations"), blank=True, related_name="plan_activities"
    )
    executor_types = models.JSONField(
        _("executing organisation types"), default=list, blank=True,
        help_text=_("Kinds of executors named generally, such as all municipalities."),
    )
    executors_text = models.TextField(
        _("executors as written in the plan"), blank=True,
        help_text=_("The plan's own wording, kept when it names bodies not in the registry."),
    )
    participants = models.TextField(_("participants"), blank=True)
    deadline_text = models.CharField(_("deadline as written"), max_length=255, blank=True)
    start_year = models.PositiveSmallIntegerField(_("from year"), null=True, blank=True, validators=_YEAR_VALIDATORS)
    end_year = models.PositiveSmallIntegerField(_("to year"), null=True, blank=True, validators=_YEAR_VALIDATORS)
    involves_municipalities = models.BooleanField(
        _("involves municipalities or local bodies"), default=False, db_index=True
    )
    is_placeholder = models.BooleanField(
        _("placeholder"), default=False, help_text=_("The title is not the official text yet.")
    )

    objects = ActivityQuerySet.as_manager()

    class Meta:
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        ordering = ["plan", "sort_key"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="activity_unique_number_in_plan")
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    def save(self, *args, **kwargs):
        self.sort_key = number_sort_key(self.number)
        if self.area_id and not self.plan_id:
            self.plan_id = self.area.plan_id
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("plans:activity", args=[self.plan.slug, self.number])

    def get_executor_type_labels(self) -> list[str]:
        labels = dict(Organization.Type.choices)
        return [str(labels.get(code, code)) for code in self.executor_types]
