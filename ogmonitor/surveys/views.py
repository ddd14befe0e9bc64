from django.shortcuts import get_object_or_404, render

from ogmonitor.accounts.policy import managed_studies

from .models import Study


def visible_studies(user):
    """Published studies for everyone, plus the ones the user manages."""
    return (Study.objects.published() | managed_studies(user, Study.objects.all())).distinct()


def study_list(request):
    studies = visible_studies(request.user).select_related("plan", "organization")
    return render(request, "surveys/study_list.html", {"studies": studies})


def study_detail(request, slug):
    study = get_object_or_404(visible_studies(request.user), slug=slug)
    return render(request, "surveys/study_detail.html", {"study": study})
