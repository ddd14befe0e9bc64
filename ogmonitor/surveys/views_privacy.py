"""Respondents' privacy pages: a study's free-text marks and erasures, and one respondent's erasure.

Only users for whom ``policy.can_see_identity`` holds reach them (others get 403, or 404 for a
study they cannot even see); the work is done by :mod:`.privacy`.
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from ogmonitor.accounts import policy

from . import privacy
from .models import Question, RespondentIdentity, Study, Submission
from .views import visible_studies


def _privacy_study(request, slug) -> Study:
    """The study at ``slug`` if the user may see its identities; 404 if not even the study, else 403."""
    study = get_object_or_404(visible_studies(request.user), slug=slug)
    if not policy.can_see_identity(request.user, study):
        raise PermissionDenied
    return study


class TextUseForm(forms.Form):
    """One choice per text question of the study, named after the question."""

    def __init__(self, *args, questions: list[privacy.TextQuestion], **kwargs):
        super().__init__(*args, **kwargs)
        for question in questions:
            self.fields[question.name] = forms.ChoiceField(
                label=question.label, choices=Question.TextUse.choices, initial=question.text_use,
            )


class EraseStudyForm(forms.Form):
    slug = forms.CharField(
        label=gettext_lazy("Type the study’s slug to confirm"), max_length=60,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )

    def __init__(self, *args, study: Study, **kwargs):
        super().__init__(*args, **kwargs)
        self.study = study
        self.fields["slug"].help_text = _("The slug of this study is “%(slug)s”.") % {"slug": study.slug}

    def clean_slug(self):
        slug = self.cleaned_data["slug"].strip()
        if slug != self.study.slug:
            raise forms.ValidationError(
                _("“%(typed)s” is not this study’s slug: type “%(slug)s”.") % {"typed": slug, "slug": self.study.slug}
            )
        return slug


def _render_study(request, study, *, text_form=None, erase_form=None):
    questions = privacy.text_question_uses(study)
    return render(request, "surveys/privacy/study.html", {
        "study": study,
        "text_form": text_form or TextUseForm(questions=questions, prefix="use"),
        "erase_form": erase_form or EraseStudyForm(study=study, prefix="erase"),
        "counts": privacy.erasure_targets(study).counts(),
        "erasures": study.identity_erasures.select_related("erased_by", "respondent")[:50],
    })


@login_required
def study_privacy(request, slug):
    """The study's text questions with their marks (saved on POST), what erasing would remove,
    and the erasures so far."""
    study = _privacy_study(request, slug)
    if request.method != "POST":
        return _render_study(request, study)
    form = TextUseForm(request.POST, questions=privacy.text_question_uses(study), prefix="use")
    if not form.is_valid():
        return _render_study(request, study, text_form=form)
    changed = privacy.set_text_uses(study, form.cleaned_data, request.user)
    if changed:
        messages.success(request, ngettext(
            "The use of %(count)d text question was changed.", "The use of %(count)d text questions was changed.", changed,
        ) % {"count": changed})
    else:
        messages.info(request, _("Nothing was changed."))
    return redirect("surveys:study_privacy", slug=study.slug)


@login_required
@require_POST
def erase_study(request, slug):
    """Erase every identity of the study once its slug is typed."""
    study = _privacy_study(request, slug)
    form = EraseStudyForm(request.POST, study=study, prefix="erase")
    if not form.is_valid():
        return _render_study(request, study, erase_form=form)
    erasure = privacy.erase_study_identities(study, request.user)
    messages.success(request, ngettext(
        "%(count)d identity was erased; every answer is kept.", "%(count)d identities were erased; every answer is kept.",
        erasure.identities,
    ) % {"count": erasure.identities})
    return redirect("surveys:study_privacy", slug=study.slug)


@login_required
def erase_respondent(request, slug, uuid):
    """Confirm (GET) and erase (POST) the identity of a submission's respondent."""
    study = _privacy_study(request, slug)
    submission = get_object_or_404(Submission.objects.select_related("respondent"), uuid=uuid, study=study)
    respondent = submission.respondent
    if respondent is None:
        raise Http404("This submission has no respondent.")
    if request.method == "POST":
        privacy.erase_identity(respondent, request.user)
        messages.success(request, _("The respondent’s identity was erased; the answers are kept."))
        return redirect("surveys:review_detail", slug=study.slug, uuid=submission.uuid)
    return render(request, "surveys/privacy/erase_respondent.html", {
        "study": study,
        "submission": submission,
        "respondent": respondent,
        "identity": RespondentIdentity.objects.filter(respondent=respondent).first(),
        "counts": privacy.erasure_targets(study, respondent).counts(),
    })
