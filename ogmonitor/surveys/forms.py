"""Forms of the studies pages: a study, its members, its status, and a questionnaire upload."""

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from ogmonitor.accounts.policy import is_administrator, visible_studies
from ogmonitor.accounts.roles import Role
from ogmonitor.lib.forms import date_input
from ogmonitor.lib.uploads import XLSFORM, check_upload
from ogmonitor.places.models import Community, District, Organization
from ogmonitor.plans.models import Area

from .models import Channel, Study, StudyMember

#: Slugs that would hide a page under /studies/.
RESERVED_SLUGS = {"new"}


class StudyForm(forms.ModelForm):
    """Create or edit a study; the organisation is chosen only by administrators."""

    channels = forms.MultipleChoiceField(
        label=_("Methods and channels"), choices=Channel.choices, required=False, widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Study
        fields = [
            "title_az", "title_en", "slug", "organization", "plan", "period_start", "period_end",
            "districts", "communities", "areas", "channels", "status", "description_az", "description_en",
            "previous",
        ]
        widgets = {
            "period_start": date_input(),
            "period_end": date_input(),
            "districts": forms.SelectMultiple(attrs={"size": 8}),
            "communities": forms.SelectMultiple(attrs={"size": 12}),
            "areas": forms.SelectMultiple(attrs={"size": 8}),
            "description_az": forms.Textarea(attrs={"rows": 4}),
            "description_en": forms.Textarea(attrs={"rows": 4}),
        }
        help_texts = {
            "slug": _("The study’s address: lower-case letters, digits and hyphens, e.g. guba-2024."),
            "communities": _("Hold Ctrl (⌘ on a Mac) to choose several. Their districts are added by themselves."),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        if is_administrator(user):
            self.fields["organization"].queryset = Organization.objects.exclude(type=Organization.Type.MUNICIPALITY)
        else:
            del self.fields["organization"]
        self.fields["districts"].queryset = District.objects.order_by("name")
        self.fields["communities"].queryset = Community.objects.select_related("district").order_by("district__name", "name")
        self.fields["areas"].queryset = Area.objects.select_related("plan").order_by("plan", "number")
        self.fields["areas"].label_from_instance = lambda area: f"{area.plan.period} · {area}"
        # Only rounds the user may see: another organisation's unpublished study is not offered.
        self.fields["previous"].queryset = visible_studies(user, Study.objects.exclude(pk=self.instance.pk))
        self.fields["title_az"].required = True

    def clean_slug(self):
        slug = self.cleaned_data["slug"]
        if slug in RESERVED_SLUGS:
            raise forms.ValidationError(_("“%(slug)s” cannot be used as an address."), params={"slug": slug})
        return slug

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("period_start"), cleaned.get("period_end")
        if start and end and end < start:
            self.add_error("period_end", _("The fieldwork cannot end before it starts."))
        plan, areas = cleaned.get("plan"), cleaned.get("areas")
        if plan and areas:
            foreign = [str(area) for area in areas if area.plan_id != plan.pk]
            if foreign:
                self.add_error("areas", _("These areas belong to another plan: %(areas)s.") % {"areas": "; ".join(foreign)})
        return cleaned

    def service_fields(self) -> dict:
        """The cleaned values as keyword arguments for ``create_study``/``update_study``."""
        return {name: self.cleaned_data[name] for name in self.fields}


class MemberForm(forms.Form):
    """Add a coordinator or an enumerator to a study (or change their role and communities)."""

    user = forms.ModelChoiceField(label=_("Person"), queryset=get_user_model().objects.none())
    role = forms.ChoiceField(label=_("Role"), choices=StudyMember.Role.choices)
    communities = forms.ModelMultipleChoiceField(
        label=_("Assigned communities"), queryset=Community.objects.none(), required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text=_("Enumerators enter data only in these communities."),
    )

    def __init__(self, *args, study, **kwargs):
        super().__init__(*args, **kwargs)
        self.study = study
        # Enumerators may work for any NGO's study; coordinators only for their own NGO's.
        users = get_user_model().objects.filter(
            Q(groups__name=Role.ENUMERATOR.value)
            | Q(groups__name=Role.COORDINATOR.value, organization_id=study.organization_id),
            is_active=True,
        ).distinct().order_by("username")
        self.fields["user"].queryset = users
        self.fields["user"].label_from_instance = lambda user: (
            f"{user.get_full_name()} ({user.username})" if user.get_full_name() else user.username
        )
        communities = study.communities.all() if study.communities.exists() else Community.objects.all()
        self.fields["communities"].queryset = communities.select_related("district").order_by("district__name", "name")

    def clean(self):
        cleaned = super().clean()
        user, role = cleaned.get("user"), cleaned.get("role")
        if user and role == StudyMember.Role.COORDINATOR and not user.has_role(Role.COORDINATOR):
            self.add_error("role", _("%(user)s does not have the coordinator role.") % {"user": user.username})
        if user and role == StudyMember.Role.ENUMERATOR and not user.has_role(Role.ENUMERATOR):
            self.add_error("role", _("%(user)s does not have the enumerator role.") % {"user": user.username})
        if role == StudyMember.Role.ENUMERATOR and not cleaned.get("communities"):
            self.add_error("communities", _("Choose at least one community for an enumerator."))
        return cleaned


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=Study.Status.choices)


class QuestionnaireUploadForm(forms.Form):
    """An XLSForm to store as the study's next questionnaire version."""

    file = forms.FileField(
        label=_("XLSForm file"),
        allow_empty_file=True,  # refused by check_upload, with the file's name
        widget=forms.ClearableFileInput(
            attrs={"accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _(
            "An Excel .xlsx file with the sheets survey, choices and settings, as made for KoboToolbox "
            "or ODK, up to %(limit)s."
        ) % {"limit": filesizeformat(settings.OGMONITOR_MAX_UPLOAD_BYTES)}

    def clean_file(self):
        return check_upload(self.cleaned_data["file"], XLSFORM)
