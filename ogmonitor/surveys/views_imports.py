"""Response import pages: upload, mapping, dry run, commit, progress and outcome.

Only the study's coordinators (and administrators) reach them (``policy.can_manage_study``):
anyone else gets 403, anonymous visitors the login page. Each step calls one function of
:mod:`ogmonitor.surveys.importing`; the pages only show and collect.
"""

import itertools

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseClientRedirect

from ogmonitor.accounts.policy import can_manage_study
from ogmonitor.lib.tabular import TableError
from ogmonitor.lib.uploads import TABLE, check_upload, upload_help_text

from .importing import (
    FormIndex,
    check_import,
    create_batch,
    get_progress,
    save_mapping,
    start_import,
)
from .importing.mapping import FORMAT_LABELS, IGNORE, is_silent, target_options
from .importing.pipeline import SKIP
from .importing.services import open_batch_table
from .models import ImportBatch, Study

Status = ImportBatch.Status


def _study(request, slug) -> Study:
    study = get_object_or_404(Study, slug=slug)
    if not can_manage_study(request.user, study):
        raise PermissionDenied
    return study


def _batch(study, pk) -> ImportBatch:
    return get_object_or_404(ImportBatch.objects.select_related("questionnaire", "created_by"), study=study, pk=pk)


# --- Forms ------------------------------------------------------------------------------------


class UploadForm(forms.Form):
    """A response file and the questionnaire version its answers belong to."""

    file = forms.FileField(
        label=gettext_lazy("Response file"), widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,.txt,.tsv"}),
        allow_empty_file=True,  # refused by check_upload, with the file's name
    )
    questionnaire = forms.ModelChoiceField(label=gettext_lazy("Questionnaire version"), queryset=None, empty_label=None)

    def __init__(self, *args, study: Study, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["questionnaire"].queryset = study.questionnaires.order_by("-version")
        self.fields["file"].help_text = upload_help_text(_("As exported by Google Forms or KoboToolbox."))

    def clean_file(self):
        return check_upload(self.cleaned_data["file"], TABLE)


def _grouped(groups):
    """target_options' groups as Django choices (a group named "" stays at the top level)."""
    choices = []
    for name, options in groups:
        if name:
            choices.append((name, options))
        else:
            choices += options
    return choices


class MappingForm(forms.Form):
    """One select per column (what it holds) and one per unmatched value (which choice it is)."""

    def __init__(self, *args, batch: ImportBatch, form: FormIndex, samples: dict[int, list[str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.batch, self.index = batch, form
        mapping = batch.mapping
        headers = mapping.get("headers", [])
        columns = mapping.get("columns", [])
        self.column_rows, self.value_groups = [], []
        for position, header in enumerate(headers):
            current = columns[position] if position < len(columns) else IGNORE
            extra = [current] if current.startswith("qc:") else []
            field = forms.ChoiceField(
                label=header or _("(column without a header)"), choices=_grouped(target_options(form, extra)),
                initial=current, required=True,
            )
            name = f"column_{position}"
            self.fields[name] = field
            self.column_rows.append({
                "name": name, "header": header, "position": position + 1, "samples": samples.get(position, []),
                "silent": is_silent(header),
            })
        saved_values = mapping.get("values", {})
        for column, values in mapping.get("unknown", {}).items():
            position = int(column)
            target = columns[position] if position < len(columns) else IGNORE
            question = form.questions.get(int(target[2:])) if target.startswith("q:") else None
            if question is None or not question.is_select:
                continue
            options = [("", _("— leave it as a problem —")), (SKIP, _("— no answer —"))] + [
                (str(choice.pk), f"{choice.label_az or choice.name} ({choice.name})") for choice in form.choices_of(question)
            ]
            rows = []
            for number, value in enumerate(values):
                name = f"value_{position}_{number}"
                self.fields[name] = forms.ChoiceField(
                    label=value, choices=options, required=False, initial=saved_values.get(column, {}).get(value, ""),
                )
                rows.append({"name": name, "value": value})
            self.value_groups.append({
                "header": headers[position] if position < len(headers) else "", "question": form.question_label(question),
                "column": position, "rows": rows,
            })

    def column_items(self) -> list[dict]:
        return [{**row, "field": self[row["name"]]} for row in self.column_rows]

    def value_items(self) -> list[dict]:
        return [
            {**group, "rows": [{**row, "field": self[row["name"]]} for row in group["rows"]]}
            for group in self.value_groups
        ]

    def clean(self):
        cleaned = super().clean()
        columns = [cleaned.get(f"column_{position}", IGNORE) for position in range(len(self.column_rows))]
        single = [target for target in columns if target != IGNORE and not target.startswith("qc:")]
        repeated = sorted({target for target in single if single.count(target) > 1})
        if repeated:
            labels = dict(itertools.chain.from_iterable(options for _name, options in target_options(self.index)))
            raise forms.ValidationError(
                _("Each question or field can take only one column; these were chosen more than once: %(targets)s.")
                % {"targets": ", ".join(str(labels.get(target, target)) for target in repeated)}
            )
        flagged = {target.split(":")[1] for target in columns if target.startswith("qc:")}
        if flagged & {target[2:] for target in single if target.startswith("q:")}:
            raise forms.ValidationError(
                _("A multiple-choice question is mapped both from its own column and from its 0/1 choice columns: "
                  "keep one of the two.")
            )
        if not any(target.startswith(("q:", "qc:")) for target in columns):
            raise forms.ValidationError(_("Map at least one column to a question."))
        cleaned["columns"] = columns
        return cleaned

    def shown_values(self) -> dict[str, list[str]]:
        """The unmatched values this form displayed, per column (see importing.save_mapping)."""
        return {str(group["column"]): [row["value"] for row in group["rows"]] for group in self.value_groups}

    def mapping_values(self) -> dict[str, dict[str, str]]:
        values: dict[str, dict[str, str]] = {}
        for group in self.value_groups:
            for row in group["rows"]:
                target = self.cleaned_data.get(row["name"])
                if target:
                    values.setdefault(str(group["column"]), {})[row["value"]] = target
        return values


def _samples(batch: ImportBatch, count: int = 3) -> dict[int, list[str]]:
    """The first non-empty values of each column, to help recognise it."""
    samples: dict[int, list[str]] = {}
    try:
        table = open_batch_table(batch)
        for _row, cells in itertools.islice(table.rows, 20):
            for position, cell in enumerate(cells):
                found = samples.setdefault(position, [])
                if cell.strip() and len(found) < count and cell.strip() not in found:
                    found.append(cell.strip()[:60])
    except TableError:
        pass
    finally:
        batch.file.close()
    return samples


# --- Pages --------------------------------------------------------------------------------------


@login_required
def import_list(request, slug):
    """The study's response imports, newest first."""
    study = _study(request, slug)
    batches = study.imports.select_related("questionnaire", "created_by").order_by("-created_at")
    return render(request, "surveys/import_list.html", {"study": study, "batches": batches})


@login_required
def import_upload(request, slug):
    """Step 1: upload a file; its format is detected and a mapping proposed."""
    study = _study(request, slug)
    if not study.questionnaires.exists():
        messages.error(request, _("Upload the study’s questionnaire (XLSForm) first: answers are imported into its questions."))
        return redirect("surveys:import_list", study.slug)
    form = UploadForm(request.POST or None, request.FILES or None, study=study)
    if request.method == "POST" and form.is_valid():
        batch = create_batch(study, form.cleaned_data["questionnaire"], form.cleaned_data["file"], request.user)
        if batch.status == Status.FAILED:
            return render(request, "surveys/import_upload.html", {"study": study, "form": form, "batch": batch})
        earlier = study.imports.filter(file_sha256=batch.file_sha256, status=Status.DONE).exclude(pk=batch.pk).first()
        if earlier:
            messages.info(request, _("This file was imported before (%(date)s). Importing it again adds only rows that are not in the study yet.")
                          % {"date": earlier.created_at.date().isoformat()})
        return redirect("surveys:import_mapping", study.slug, batch.pk)
    return render(request, "surveys/import_upload.html", {"study": study, "form": form})


@login_required
def import_mapping(request, slug, pk):
    """Step 2: confirm what each column holds and which choice each unmatched value is."""
    study = _study(request, slug)
    batch = _batch(study, pk)
    if batch.status in {Status.RUNNING, Status.DONE}:
        return redirect("surveys:import_detail", study.slug, batch.pk)
    if batch.status == Status.FAILED and not batch.mapping.get("columns"):
        return redirect("surveys:import_detail", study.slug, batch.pk)
    index = FormIndex.load(batch.questionnaire)
    form = MappingForm(request.POST or None, batch=batch, form=index, samples=_samples(batch))
    if request.method == "POST" and form.is_valid():
        more = save_mapping(batch, form.cleaned_data["columns"], form.mapping_values(), form.shown_values())
        if more:
            messages.warning(request, _("The columns you mapped hold values that match no choice: say which choice each one is, or leave it as a problem."))
            return redirect("surveys:import_mapping", study.slug, batch.pk)
        check_import(batch)
        return redirect("surveys:import_check", study.slug, batch.pk)
    context = {
        "study": study, "batch": batch, "form": form, "format_label": FORMAT_LABELS.get(batch.format, batch.format),
    }
    return render(request, "surveys/import_mapping.html", context)


@login_required
def import_check(request, slug, pk):
    """Step 3: the dry run's outcome: every problem with its row and column, or what will be imported."""
    study = _study(request, slug)
    batch = _batch(study, pk)
    if batch.status in {Status.RUNNING, Status.DONE}:
        return redirect("surveys:import_detail", study.slug, batch.pk)
    if request.method == "POST":
        check_import(batch)
        return redirect("surveys:import_check", study.slug, batch.pk)
    if batch.status == Status.UPLOADED:
        return redirect("surveys:import_mapping", study.slug, batch.pk)
    return render(request, "surveys/import_check.html", _outcome_context(study, batch))


@login_required
@require_POST
def import_commit(request, slug, pk):
    """Step 4: import the checked file (in the background when it is large)."""
    study = _study(request, slug)
    batch = _batch(study, pk)
    if batch.status != Status.CHECKED:
        messages.error(request, _("Only a file whose dry run found no problem can be imported."))
        return redirect("surveys:import_check", study.slug, batch.pk)
    batch = start_import(batch)
    if batch.status == Status.FAILED:
        messages.error(request, _("Nothing was imported: the file has problems."))
    return redirect("surveys:import_progress", study.slug, batch.pk)


def _progress_context(study, batch) -> dict:
    processed, total = get_progress(batch)
    percent = min(100, int(100 * processed / total)) if total else 0
    return {"study": study, "batch": batch, "processed": processed, "total": total, "percent": percent,
            "finished": batch.status in {Status.DONE, Status.FAILED}}


@login_required
def import_progress(request, slug, pk):
    """Step 5: a progress bar while the import runs (refreshed by HTMX, or by the reload link)."""
    study = _study(request, slug)
    batch = _batch(study, pk)
    if batch.status != Status.RUNNING:
        return redirect("surveys:import_detail", study.slug, batch.pk)
    return render(request, "surveys/import_progress.html", _progress_context(study, batch))


@login_required
def import_progress_fragment(request, slug, pk):
    """The progress bar alone, polled every second; when the import ends, HTMX goes to its outcome."""
    study = _study(request, slug)
    batch = _batch(study, pk)
    if batch.status != Status.RUNNING and request.htmx:
        return HttpResponseClientRedirect(reverse("surveys:import_detail", args=[study.slug, batch.pk]))
    return render(request, "surveys/import_progress_fragment.html", _progress_context(study, batch))


def _outcome_context(study, batch) -> dict:
    check = batch.mapping.get("check", {})
    problem_count = check.get("problems", len(batch.problems))
    return {
        "study": study, "batch": batch, "check": check, "problems": batch.problems,
        "problem_count": problem_count, "hidden_problems": max(0, problem_count - len(batch.problems)),
        "format_label": FORMAT_LABELS.get(batch.format, batch.format),
    }


@login_required
def import_detail(request, slug, pk):
    """The outcome of an import: counts when done, every problem when it failed."""
    study = _study(request, slug)
    batch = _batch(study, pk)
    if batch.status == Status.RUNNING:
        return redirect("surveys:import_progress", study.slug, batch.pk)
    if batch.status == Status.UPLOADED:
        return redirect("surveys:import_mapping", study.slug, batch.pk)
    if batch.status in {Status.MAPPED, Status.CHECKED}:
        return redirect("surveys:import_check", study.slug, batch.pk)
    return render(request, "surveys/import_done.html", _outcome_context(study, batch))
