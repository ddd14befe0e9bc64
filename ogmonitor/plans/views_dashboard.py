"""A plan's monitoring dashboard and its export in the layout of the IRM's commitment data set.

Both are public and read published assessments only (see :mod:`.dashboard`); the same GET
filters narrow the page and the export alike.
"""

from django import forms
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext_lazy as _

from ogmonitor.lib.cache import cache_public
from ogmonitor.lib.forms import date_input
from ogmonitor.places.models import District

from . import dashboard as board
from .models import ActionPlan

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class DashboardFilterForm(forms.Form):
    """The dashboard's filters; a value that does not validate is shown with its error and ignored."""

    district = forms.ModelChoiceField(
        label=_("District"), required=False, queryset=District.objects.none(), empty_label=_("All districts"), to_field_name="code",
    )
    local = forms.BooleanField(label=_("Only activities involving municipalities or local bodies"), required=False)
    on = forms.DateField(
        label=_("As of"), required=False, widget=date_input(),
        help_text=_("The latest assessment on or before this day. Blank: today."),
    )
    since = forms.DateField(
        label=_("Changes since"), required=False, widget=date_input(),
        help_text=_("Blank: the assessment date before the latest one."),
    )

    def __init__(self, *args, plan: ActionPlan, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["district"].queryset = board.district_choices(plan)

    def filters(self) -> board.Filters:
        if not self.is_bound:
            return board.Filters()
        self.is_valid()  # cleaned_data keeps the fields that validated
        data = self.cleaned_data
        return board.Filters(
            district=data.get("district"), only_local=bool(data.get("local")), on=data.get("on"), since=data.get("since"),
        )


def _plan_and_filters(request, slug) -> tuple[ActionPlan, DashboardFilterForm, board.Filters]:
    plan = get_object_or_404(ActionPlan, slug=slug)
    form = DashboardFilterForm(request.GET or None, plan=plan)
    return plan, form, form.filters()


@cache_public
def dashboard(request, slug):
    """The distribution of completion levels (plan and areas), the activities involving
    municipalities by district, what changed since the last assessment date, and progress."""
    plan, form, filters = _plan_and_filters(request, slug)
    return render(request, "plans/dashboard.html", {
        "plan": plan,
        "form": form,
        "board": board.build(plan, filters),
        "query": request.GET.urlencode(),
    })


@cache_public
def dashboard_xlsx(request, slug):
    """The dashboard's assessments, one row per activity × place, in the IRM's column layout."""
    plan, _form, filters = _plan_and_filters(request, slug)
    content = board.commitment_workbook(plan, filters, absolute=request.build_absolute_uri)
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{board.export_filename(plan, filters)}"'
    return response
